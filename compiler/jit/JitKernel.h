// JitKernel: a spec's kernel compiled in-process for one target variant (verify, run, bench, tests).
#pragma once

#include "compiler/schedule/ScheduleParams.h"
#include "compiler/spec/Conv1dSpec.h"
#include "compiler/target/Targets.h"

#include <memory>
#include <string>

namespace convgen {

class JitKernel {
public:
    // Compiles `desc` for `variant` with `params`, or with the default rule when params is null.
    // Returns null and sets *error when the schedule is refused or Halide fails.
    static std::unique_ptr<JitKernel> build(const convgen_conv1d_desc &desc, const std::string &name,
                                            const TargetVariant &variant, const ScheduleParams *params,
                                            std::string *error);
    ~JitKernel();

    // Runs on dense arrays of the spec's dtype in its layout, with the same checks as the generated
    // C entry point. Returns a convgen status; *error gets the message of a failure.
    int run(const void *src, const void *wei, const void *bia, void *dst, int64_t mb, int64_t iw,
            std::string *error) const;

    const ScheduleParams &schedule() const;
    const convgen_conv1d_desc &desc() const;

private:
    JitKernel();
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace convgen
