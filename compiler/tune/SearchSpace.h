// SearchSpace: the schedule parameters a tuner tries for one kernel on one CPU target.
#pragma once

#include "compiler/schedule/ScheduleParams.h"
#include "compiler/target/Targets.h"
#include "convgen/conv1d.h"

#include <vector>

namespace convgen {

// Every candidate that accepts the problem, with its knobs over ranges around the register budget
// of the target. The default rule's choice comes first, then the rest by distance from it (so a
// short budget explores the neighbourhood of the default first); the order is deterministic.
std::vector<ScheduleParams> searchSpace(const convgen_conv1d_desc &d, const TargetVariant &t);

}  // namespace convgen
