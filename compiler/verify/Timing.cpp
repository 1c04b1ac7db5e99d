// Timing: steady_clock around each run.
#include "Timing.h"

#include <algorithm>
#include <chrono>

namespace convgen {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

double timed(const std::function<void()> &run) {
    const auto t0 = Clock::now();
    run();
    return since(t0);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double medianSeconds(const std::function<void()> &run, double minTime, int minRuns, int maxRuns) {
    run();
    std::vector<double> times;
    const auto start = Clock::now();
    while (int(times.size()) < maxRuns && (int(times.size()) < minRuns || since(start) < minTime))
        times.push_back(timed(run));
    return median(times);
}

double Rounds::median(size_t i) const {
    std::vector<double> v;
    for (const auto &round : seconds) v.push_back(round[i]);
    return convgen::median(v);
}

double Rounds::speedup(size_t base, size_t other) const {
    std::vector<double> v;
    for (const auto &round : seconds) v.push_back(round[base] / round[other]);
    return convgen::median(v);
}

Rounds interleavedSelfTimedRounds(const std::vector<std::function<double()>> &runs, double minTime, int minRounds) {
    for (const auto &r : runs) r();
    Rounds out;
    const size_t n = runs.size();
    const auto start = Clock::now();
    for (size_t round = 0; int(round) < minRounds || since(start) < minTime; ++round) {
        std::vector<double> t(n);
        for (size_t j = 0; j < n; ++j) {
            const size_t i = (round + j) % n;
            t[i] = runs[i]();
        }
        out.seconds.push_back(t);
    }
    return out;
}

Rounds interleavedRounds(const std::vector<std::function<void()>> &runs, double minTime, int minRounds) {
    std::vector<std::function<double()>> timedRuns;
    for (const auto &r : runs) timedRuns.push_back([&r] { return timed(r); });
    return interleavedSelfTimedRounds(timedRuns, minTime, minRounds);
}

double medianRatio(const std::function<void()> &a, const std::function<void()> &b, double minTime, int minRounds) {
    // Two runs in rotating order alternate which goes first.
    return interleavedRounds({a, b}, minTime, minRounds).speedup(1, 0);
}

}  // namespace convgen
