// Timing: medians of repeated runs, alone or interleaved (so machine noise hits every contender alike).
#pragma once

#include <functional>
#include <vector>

namespace convgen {

// Seconds of one call of run (steady clock).
double timed(const std::function<void()> &run);

// The median of v (the upper one of the middle two for an even count); 0 for none.
double median(std::vector<double> v);

// Median seconds of `run` over at least minRuns runs and minTime seconds, at most maxRuns runs
// (after one untimed warm-up run).
double medianSeconds(const std::function<void()> &run, double minTime, int minRuns, int maxRuns);

// Seconds of several runs timed in rounds: seconds[r][i] is run i's time in round r.
struct Rounds {
    std::vector<std::vector<double>> seconds;
    // The median of run i's times.
    double median(size_t i) const;
    // The median over rounds of base's time / other's time: above 1 when `other` is faster. Paired
    // within each round, it survives load that comes and goes between rounds.
    double speedup(size_t base, size_t other) const;
};

// Times each of `runs` once per round, the order rotating by one each round (after a warm-up round),
// until minTime seconds and at least minRounds rounds have passed.
Rounds interleavedRounds(const std::vector<std::function<void()>> &runs, double minTime, int minRounds);
// The same for runs that measure themselves and return their seconds (a call in another process,
// timed there without the round trip).
Rounds interleavedSelfTimedRounds(const std::vector<std::function<double()>> &runs, double minTime, int minRounds);

// The median over rounds of b's time / a's time, the two timed back to back in each round (which
// goes first alternates, after a warm-up of each) until minTime seconds and at least minRounds rounds
// have passed. A burst of load on the machine hits both runs of a round, so the ratio survives noise
// that skews each one's median.
double medianRatio(const std::function<void()> &a, const std::function<void()> &b, double minTime, int minRounds);

}  // namespace convgen
