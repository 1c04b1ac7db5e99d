// Tuner: searches a kernel's schedule parameters on this machine and records the best in a TuningDb.
#pragma once

#include "TuningDb.h"
#include "compiler/schedule/ScheduleParams.h"
#include "compiler/target/Targets.h"
#include "convgen/conv1d.h"

#include <functional>
#include <iosfwd>
#include <string>

namespace convgen {

struct TuneOptions {
    int trials = 0;              // schedules to try per kernel, the default's included (0: no limit)
    double budgetSeconds = 0;    // wall time per kernel (0: no limit); the current trial finishes
    int64_t mb = 1, iw = 4096;   // the sizes timed (a kernel's fixed sizes win)
    double minTime = 0.2;        // seconds of timing per contender and comparison
    // Test hook: called on each candidate's output before it is compared with the reference.
    std::function<void(const ScheduleParams &, void *dst, size_t bytes)> corruptOutput;
    // Test hook: called before each timed run of a schedule; `confirming` in the final check.
    std::function<void(const ScheduleParams &, bool confirming)> beforeTimedRun;
};

struct TuneReport {
    int tried = 0, resumed = 0, wrong = 0, failed = 0;  // this run; trials found in the database
    std::string best;                                    // best schedule (default when nothing beat it)
    double bestMs = 0, defaultMs = 0;
    bool ok = false;                                     // false: database error or the default failed
};

// Tunes one kernel: the default schedule first, then searchSpace() in order, skipping schedules the
// database already has trials for. Each candidate is checked against the reference before it is
// timed; a wrong one is logged and stored as a discarded trial, never as a result. A challenger
// that looks faster is re-timed against the incumbent, run for run, and replaces it only when it is
// at least 3 % faster in two such windows. The final winner is stored only when fresh paired windows
// against the default confirm it at least 2 % faster. Progress goes to `log`, one line per trial.
TuneReport tuneKernel(const std::string &name, const convgen_conv1d_desc &d, const TargetVariant &t, TuningDb &db,
                      const TuneOptions &options, std::ostream &log);

}  // namespace convgen
