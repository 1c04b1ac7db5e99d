// Timing: the median, and paired ratios (order of runs, rounds, the ratio of two known durations).
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
