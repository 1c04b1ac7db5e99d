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
    // Whether it vectorizes over output channels with the weights packed in blocks of ocBlock
    // channels (defineConv1d's weightBlock; Owi16o weights come packed): ocBlock is then a multiple
    // of vector and owBlock counts positions, not vectors.
    bool packsWeights = false;
    // Where set, the candidate is the default only for the specs and targets this returns "" for,
    // else the reason it is not (for --verbose); it still accepts the others (the tuner tries it).
    std::string (*notDefault)(const convgen_conv1d_desc &d, const TargetVariant &t) = nullptr;
    // Whether it takes ScheduleParams::blocksOuter (others refuse it).
    bool takesBlocksOuter = false;
    // Whether it takes ScheduleParams::directFrom (others refuse it unless 0): it then specializes
    // dst on the input length, reading the input directly from that length on (stride 1).
    bool takesDirectFrom = false;
    // Whether it takes ScheduleParams::trimTaps (others refuse it). Its accumulator tiles of vector x
    // owBlock positions (owBlock with packsWeights) start at multiples of their size, so acc can skip
    // the taps where a whole tile reads padding.
    bool takesTrimTaps = false;
    // Whether it takes ScheduleParams::phaseTaps (others refuse it; it needs a stride above 1).
    bool takesPhaseTaps = false;
    // Whether it takes ScheduleParams::batchRows (others refuse it unless 0): it then specializes dst
    // on the batch where the batch is dynamic.
    bool takesBatchRows = false;
    // Whether it takes ScheduleParams::laneTaps (others refuse it).
    bool takesLaneTaps = false;
};

// CPU candidates (x86-64 and arm64) in order of preference; the last accepts every spec.
const std::vector<ScheduleCandidate> &cpuCandidates();

// CUDA candidates in order of preference; the last accepts every spec.
const std::vector<ScheduleCandidate> &cudaCandidates();

// The candidate list for a target (CPU or GPU).
const std::vector<ScheduleCandidate> &candidatesFor(const TargetVariant &t);

// The first candidate for t that accepts d and has no reason not to be its default, with its
// default parameters. The reasons of the others before it are appended to `why` when it is not
// null (for --verbose).
ScheduleParams chooseSchedule(const convgen_conv1d_desc &d, const TargetVariant &t, std::vector<std::string> *why);

// The candidate named `name` in any list, or null.
const ScheduleCandidate *findCandidate(const std::string &name);

// What defineConv1d takes for p: the weight block (p.ocBlock where p's candidate packs weights,
// else 1), the tap tile (where p trims taps, its accumulator tile's positions, else 0) and
// p.directFrom and p.batchRows.
AlgorithmOptions algorithmOptionsFor(const ScheduleParams &p);

// Applies p (p.candidate names the candidate, in any list). Returns false for an unknown or
// refusing candidate.
bool applySchedule(Conv1dFuncs &f, const ScheduleParams &p, std::string *error);

}  // namespace convgen
