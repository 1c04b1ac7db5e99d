// The ordered candidate schedules per target kind (CPU, CUDA), each accepting a spec or saying why not.
#pragma once

#include "ScheduleParams.h"
#include "compiler/algorithm/Conv1dAlgorithm.h"
#include "compiler/target/Targets.h"

#include <string>
#include <vector>

namespace convgen {

struct ScheduleCandidate {
    std::string name;
    // Empty when the candidate can schedule d on this target, else "unimplemented: <reason>".
    std::string (*refuses)(const convgen_conv1d_desc &d);
    // The default parameters for d on the target (the measured rule).
    ScheduleParams (*defaults)(const convgen_conv1d_desc &d, const TargetVariant &t);
    // Applies the schedule; never changes what is computed.
    void (*apply)(Conv1dFuncs &f, const ScheduleParams &p);
    // Whether apply() reads ScheduleParams::owTiles (x tiles per task); others refuse it unless 1.
    bool takesOwTiles = false;
};

// CPU candidates (x86-64 and arm64) in order of preference; the last accepts every spec.
const std::vector<ScheduleCandidate> &cpuCandidates();

// CUDA candidates in order of preference; the last accepts every spec.
const std::vector<ScheduleCandidate> &cudaCandidates();

// The candidate list for a target (CPU or GPU).
const std::vector<ScheduleCandidate> &candidatesFor(const TargetVariant &t);

// The first candidate for t that accepts d, with its default parameters. Reasons of the refusing
// ones are appended to `why` when it is not null (for --verbose).
ScheduleParams chooseSchedule(const convgen_conv1d_desc &d, const TargetVariant &t, std::vector<std::string> *why);

// Applies p (p.candidate names the candidate, in any list). Returns false for an unknown or
// refusing candidate.
bool applySchedule(Conv1dFuncs &f, const ScheduleParams &p, std::string *error);

}  // namespace convgen
