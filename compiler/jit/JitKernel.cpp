// JitKernel: Halide JIT compilation of the same algorithm and schedule that `generate` emits.
#include "JitKernel.h"

#include "compiler/algorithm/Conv1dAlgorithm.h"
#include "compiler/schedule/Candidates.h"
#include "compiler/target/HalideDiagnostics.h"
#include "convgen/status.h"

#include <HalideBuffer.h>

namespace convgen {

namespace {

thread_local std::string t_lastError;

void captureError(Halide::JITUserContext *, const char *message) { t_lastError = message ? message : ""; }

Halide::Runtime::Buffer<void> wrap(halide_type_t t, const void *data, std::vector<int> sizes) {
    return Halide::Runtime::Buffer<void>(t, const_cast<void *>(data), sizes);
}

}  // namespace

struct JitKernel::State {
    Conv1dFuncs funcs;
    ScheduleParams params;
    Halide::Callable callable;
};

JitKernel::JitKernel() = default;
JitKernel::~JitKernel() = default;

std::unique_ptr<JitKernel> JitKernel::build(const convgen_conv1d_desc &desc, const std::string &name,
                                            const TargetVariant &variant, const ScheduleParams *params,
                                            std::string *error) {
    std::unique_ptr<JitKernel> k(new JitKernel());
    k->state_ = std::make_unique<State>();
    State &s = *k->state_;
    installHalideDiagnostics();
    try {
        s.funcs = defineConv1d(desc, name);
        s.params = params ? *params : chooseSchedule(desc, variant, nullptr);
        std::string why;
        if (!applySchedule(s.funcs, s.params, &why)) {
            if (error) *error = why;
            return nullptr;
        }
        Halide::Pipeline p = s.funcs.pipeline();
        p.jit_handlers().custom_error = captureError;
        s.callable = p.compile_to_callable(s.funcs.arguments(), variant.halide.with_feature(Halide::Target::JIT));
    } catch (const Halide::Error &e) {
        if (error) *error = std::string("Halide: ") + e.what();
        return nullptr;
    }
    return k;
}

int JitKernel::run(const void *src, const void *wei, const void *bia, void *dst, int64_t mb, int64_t iw,
                   std::string *error) const {
    const convgen_conv1d_desc &d = state_->funcs.desc;
    if (!src || !wei || !dst || (d.bias && !bia)) {
        if (error) *error = "null pointer argument";
        return CONVGEN_ERROR_NULL_POINTER;
    }
    char message[256];
    int status = convgen_conv1d_check_sizes(&d, mb, iw, message, sizeof message);
    if (status != CONVGEN_OK) {
        if (error) *error = message;
        return status;
    }
    const halide_type_t t = halideType(d.dtype);
    const int ow = int(convgen_conv1d_output_length(&d, iw));
    const bool nwc = d.layout == CONVGEN_LAYOUT_NWC;
    auto srcBuf = nwc ? wrap(t, src, {int(d.ic), int(iw), int(mb)}) : wrap(t, src, {int(iw), int(d.ic), int(mb)});
    auto weiBuf = wrap(t, wei, {int(d.kw), int(d.ic / d.g), int(d.oc)});
    auto dstBuf = nwc ? wrap(t, dst, {int(d.oc), ow, int(mb)}) : wrap(t, dst, {ow, int(d.oc), int(mb)});
    t_lastError.clear();
    int rc;
    if (d.bias) {
        auto biaBuf = wrap(t, bia, {int(d.oc)});
        rc = state_->callable(srcBuf, weiBuf, biaBuf, dstBuf);
    } else {
        rc = state_->callable(srcBuf, weiBuf, dstBuf);
    }
    if (rc != 0) {
        if (error) *error = t_lastError.empty() ? "kernel returned " + std::to_string(rc) : t_lastError;
        return CONVGEN_ERROR_KERNEL;
    }
    return CONVGEN_OK;
}

const ScheduleParams &JitKernel::schedule() const { return state_->params; }
const convgen_conv1d_desc &JitKernel::desc() const { return state_->funcs.desc; }

}  // namespace convgen
