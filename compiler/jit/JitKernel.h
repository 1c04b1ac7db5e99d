// JitKernel: a spec's kernel compiled in-process for one target variant (verify, run, bench, tests).
#pragma once

#include "compiler/schedule/ScheduleParams.h"
#include "compiler/spec/Conv1dSpec.h"
#include "compiler/target/Targets.h"

#include <functional>
#include <memory>
#include <string>

namespace Halide {
class Pipeline;
}

namespace convgen {

struct Conv1dFuncs;

class JitKernel {
public:
    // Compiles `desc` for `variant` with `params`, or with the default rule when params is null.
    // Returns null and sets *error when the schedule is refused or Halide fails.
    static std::unique_ptr<JitKernel> build(const convgen_conv1d_desc &desc, const std::string &name,
                                            const TargetVariant &variant, const ScheduleParams *params,
                                            std::string *error);
    // Compiles `desc` with a schedule from one of Halide's autoscheduler plugins (Adams2019,
    // Mullapudi2016, Li2018, Anderson2021), planned for batch mb, length iw and `threads` cores.
    static std::unique_ptr<JitKernel> buildAutoscheduled(const convgen_conv1d_desc &desc, const std::string &name,
                                                         const TargetVariant &variant, const std::string &autoscheduler,
                                                         int64_t mb, int64_t iw, int threads, std::string *error);
    ~JitKernel();

    // Runs on dense arrays of the spec's dtype in its layout, with the same checks as the generated
    // C entry point. Returns a convgen status; *error gets the message of a failure.
    int run(const void *src, const void *wei, const void *bia, void *dst, int64_t mb, int64_t iw,
            std::string *error) const;

    // Test mode for kernels built afterwards (process-wide): every heap allocation Halide makes is
    // filled with signalling NaNs, parallel loops run serially on the calling thread, and run() fails
    // with CONVGEN_ERROR_KERNEL when the kernel raised the invalid-operation flag, i.e. computed with
    // memory it never wrote (even in lanes that are discarded afterwards).
    static void poisonAllocations(bool on);

    const ScheduleParams &schedule() const;
    const convgen_conv1d_desc &desc() const;

private:
    JitKernel();
    static std::unique_ptr<JitKernel> compile(
        const convgen_conv1d_desc &desc, const std::string &name, const TargetVariant &variant,
        const ScheduleParams &params, std::string *error,
        const std::function<bool(Conv1dFuncs &, Halide::Pipeline &, std::string *)> &schedule);
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace convgen
