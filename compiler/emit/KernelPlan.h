// KernelPlan: one kernel with the schedule chosen for each target variant, ready to emit.
#pragma once

#include "compiler/schedule/ScheduleParams.h"
#include "compiler/spec/Conv1dSpec.h"
#include "compiler/target/Targets.h"

#include <vector>

namespace convgen {

struct VariantPlan {
    TargetVariant target;
    ScheduleParams schedule;
    std::string scheduleSource = "default";  // where the schedule came from (default rule, tuning db)
};

struct KernelPlan {
    Conv1dSpec spec;
    std::string entry;                  // C entry point name: the kernel name plus the family's suffix
    std::vector<VariantPlan> variants;  // best first; the last always runs

    bool onGpu() const { return !variants.empty() && variants.front().target.gpu; }
};

}  // namespace convgen
