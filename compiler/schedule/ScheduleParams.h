// ScheduleParams: the knobs of a kernel's schedule, as plain data a tuner can search.
#pragma once

#include <string>

namespace convgen {

struct ScheduleParams {
    std::string candidate;  // which schedule family applies them (see CpuSchedules.h)
    int vector = 8;         // f32 lanes per vector of the target
    int owBlock = 3;        // output positions per register tile, in vectors
    int ocBlock = 4;        // output channels per register tile
    bool parallel = true;   // spread tiles over the Halide thread pool

    // `dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1`: stable text for logs, manifests, tuning keys.
    std::string str() const;
};

}  // namespace convgen
