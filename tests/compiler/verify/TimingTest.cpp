// Timing: the median, paired ratios and interleaved rounds (order of runs, rounds, the ratio of two known durations).
#include "compiler/verify/Timing.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

using namespace convgen;

TEST(Timing, MedianTakesTheUpperMiddle) {
    EXPECT_EQ(median({3, 1, 2}), 2);
    EXPECT_EQ(median({4, 1, 3, 2}), 3);
    EXPECT_EQ(median({}), 0);
}

TEST(Timing, MedianRatioAlternatesWhichRunGoesFirst) {
    std::string order;
    const double r = medianRatio([&] { order += 'a'; }, [&] { order += 'b'; }, 0, 5);
    // Warm-up of each, then rounds ab, ba, ab, ...
    EXPECT_EQ(order, "ab" "ab" "ba" "ab" "ba" "ab");
    EXPECT_GT(r, 0);
}

TEST(Timing, MedianRatioOfTwoKnownDurations) {
    // Sleeps, not work: what is measured is the function's arithmetic, not the machine's speed (a
    // sleep overshoots by tens of microseconds at most on a loaded machine, well inside the bounds).
    auto sleeper = [](int ms) { return [ms] { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }; };
    const double r = medianRatio(sleeper(8), sleeper(4), 0, 7);
    EXPECT_GT(r, 0.35);
    EXPECT_LT(r, 0.7);
}

TEST(Timing, InterleavedRoundsRotateTheOrder) {
    std::string order;
    const Rounds r = interleavedRounds({[&] { order += 'a'; }, [&] { order += 'b'; }, [&] { order += 'c'; }}, 0, 4);
    // Warm-up round, then each round starts one run later.
    EXPECT_EQ(order, "abc" "abc" "bca" "cab" "abc");
    ASSERT_EQ(r.seconds.size(), 4u);
    for (const auto &round : r.seconds) EXPECT_EQ(round.size(), 3u);
}

TEST(Timing, RoundsGiveMediansAndPairedSpeedups) {
    const Rounds r{{{4, 2, 1}, {8, 4, 2}, {6, 2, 3}}};
    EXPECT_EQ(r.median(0), 6);
    EXPECT_EQ(r.median(2), 2);
    EXPECT_EQ(r.speedup(0, 1), 2);    // 2, 2, 3
    EXPECT_EQ(r.speedup(1, 2), 2);    // 2, 2, 2/3
    EXPECT_EQ(r.speedup(2, 0), 0.25);  // 1/4, 1/4, 1/2
}

TEST(Timing, InterleavedSpeedupOfTwoKnownDurations) {
    auto sleeper = [](int ms) { return [ms] { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }; };
    const Rounds r = interleavedRounds({sleeper(8), sleeper(4)}, 0, 7);
    EXPECT_GT(r.speedup(0, 1), 1.4);
    EXPECT_LT(r.speedup(0, 1), 2.9);
    EXPECT_GT(r.median(0), r.median(1));
}

TEST(Timing, SelfTimedRunsReportTheirOwnSeconds) {
    // Runs that measure themselves (a peer in another process): their answers are the times, however
    // long the call around them took, and the order rotates as for timed runs.
    std::string order;
    int calls = 0;
    auto slowCaller = [&](char name, double seconds) {
        return [&, name, seconds] {
            order += name, ++calls;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the round trip, not counted
            return seconds;
        };
    };
    const Rounds r = interleavedSelfTimedRounds({slowCaller('a', 0.004), slowCaller('b', 0.001)}, 0, 3);
    EXPECT_EQ(order, "ab" "ab" "ba" "ab");
    EXPECT_EQ(calls, 8);
    EXPECT_EQ(r.median(0), 0.004);
    EXPECT_EQ(r.median(1), 0.001);
    EXPECT_EQ(r.speedup(0, 1), 4);
}
