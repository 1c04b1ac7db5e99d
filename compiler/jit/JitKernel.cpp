// JitKernel: Halide JIT compilation of the same algorithm and schedule that `generate` emits.
#include "JitKernel.h"

#include "compiler/algorithm/Conv1dAlgorithm.h"
#include "compiler/schedule/Candidates.h"
#include "compiler/target/HalideDiagnostics.h"
#include "compiler/target/LlvmOptions.h"
#include "convgen/status.h"

#include <HalideBuffer.h>

#include <dlfcn.h>

#include <atomic>
#include <cctype>
#include <mutex>
#include <set>
#include <cfenv>
#include <cstdlib>
#include <cstring>

namespace convgen {

namespace {

thread_local std::string t_lastError;

void captureError(Halide::JITUserContext *, const char *message) { t_lastError = message ? message : ""; }

std::atomic<bool> g_poison{false};
constexpr size_t kAlignment = 128;  // at least Halide's own heap alignment

void *poisonedMalloc(Halide::JITUserContext *, size_t bytes) {
    const size_t size = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    void *p = std::aligned_alloc(kAlignment, size);
    const uint32_t snan = 0x7fa00000u;  // f32 signalling NaN: any arithmetic on it raises FE_INVALID
    for (size_t i = 0; p && i + 4 <= size; i += 4) std::memcpy(static_cast<char *>(p) + i, &snan, 4);
    return p;
}

void poisonedFree(Halide::JITUserContext *, void *p) { std::free(p); }

int serialParFor(Halide::JITUserContext *ctx, int (*task)(Halide::JITUserContext *, int, uint8_t *), int min, int extent,
                 uint8_t *closure) {
    for (int i = min; i < min + extent; ++i)
        if (int rc = task(ctx, i, closure)) return rc;
    return 0;
}

Halide::Runtime::Buffer<void> wrap(halide_type_t t, const void *data, std::vector<int> sizes) {
    return Halide::Runtime::Buffer<void>(t, const_cast<void *>(data), sizes);
}

}  // namespace

struct JitKernel::State {
    Conv1dFuncs funcs;
    ScheduleParams params;
    Halide::Callable callable;
    bool poisoned = false;
};

void JitKernel::poisonAllocations(bool on) { g_poison = on; }

JitKernel::JitKernel() = default;
JitKernel::~JitKernel() = default;

std::unique_ptr<JitKernel> JitKernel::build(const convgen_conv1d_desc &desc, const std::string &name,
                                            const TargetVariant &variant, const ScheduleParams *params,
                                            std::string *error) {
    const ScheduleParams p = params ? *params : chooseSchedule(desc, variant, nullptr);
    return compile(desc, name, variant, p, error, [&](Conv1dFuncs &f, Halide::Pipeline &, std::string *why) {
        return applySchedule(f, p, why);
    });
}

std::unique_ptr<JitKernel> JitKernel::buildAutoscheduled(const convgen_conv1d_desc &desc, const std::string &name,
                                                         const TargetVariant &variant, const std::string &autoscheduler,
                                                         int64_t mb, int64_t iw, int threads, std::string *error) {
    ScheduleParams p;
    p.candidate = "autoscheduler:" + autoscheduler;
    return compile(desc, name, variant, p, error, [&](Conv1dFuncs &f, Halide::Pipeline &pipe, std::string *) {
        static std::mutex loading;
        static std::set<std::string> loaded;
        {
            std::lock_guard<std::mutex> lock(loading);
            std::string lib = "autoschedule_" + autoscheduler;
            for (char &c : lib) c = char(std::tolower((unsigned char)c));
            if (!loaded.count(lib)) {
                // The plugins sit next to libHalide (the wheel ships them; the install copies them).
                Dl_info info{};
                std::string dir = ".";
                if (dladdr(reinterpret_cast<void *>(&Halide::load_plugin), &info) && info.dli_fname) {
                    dir = info.dli_fname;
                    dir = dir.substr(0, dir.rfind('/'));
                }
                Halide::load_plugin(dir + "/lib" + lib + ".so");
                loaded.insert(lib);
            }
        }
        // Autoschedulers plan for sizes: the layer's, given as estimates (the kernel stays dynamic).
        const int64_t ow = convgen_conv1d_output_length(&desc, iw);
        const bool nwc = desc.layout == CONVGEN_LAYOUT_NWC;
        const int ic = int(desc.ic), oc = int(desc.oc), n = int(mb), w = int(iw), o = int(ow);
        f.src.set_estimates(nwc ? Halide::Region{{0, ic}, {0, w}, {0, n}} : Halide::Region{{0, w}, {0, ic}, {0, n}});
        const std::vector<int> ws = weightShape(desc);
        f.wei.set_estimates({{0, ws[0]}, {0, ws[1]}, {0, ws[2]}});
        if (desc.bias) f.bia.set_estimates({{0, oc}});
        f.dst.set_estimates(nwc ? Halide::Region{{0, oc}, {0, o}, {0, n}} : Halide::Region{{0, o}, {0, oc}, {0, n}});
        Halide::AutoschedulerParams params(autoscheduler, {{"parallelism", std::to_string(std::max(1, threads))}});
        pipe.apply_autoscheduler(variant.halide, params);
        return true;
    });
}

std::unique_ptr<JitKernel> JitKernel::compile(
    const convgen_conv1d_desc &desc, const std::string &name, const TargetVariant &variant, const ScheduleParams &params,
    std::string *error, const std::function<bool(Conv1dFuncs &, Halide::Pipeline &, std::string *)> &schedule) {
    std::unique_ptr<JitKernel> k(new JitKernel());
    k->state_ = std::make_unique<State>();
    State &s = *k->state_;
    installHalideDiagnostics();
    useLlvmOptions();
    try {
        s.funcs = defineConv1d(desc, name, algorithmOptionsFor(params));
        s.params = params;
        Halide::Pipeline p = s.funcs.pipeline();
        std::string why;
        if (!schedule(s.funcs, p, &why)) {
            if (error) *error = why;
            return nullptr;
        }
        p.jit_handlers().custom_error = captureError;
        if ((s.poisoned = g_poison)) {
            p.jit_handlers().custom_malloc = poisonedMalloc;
            p.jit_handlers().custom_free = poisonedFree;
            p.jit_handlers().custom_do_par_for = serialParFor;
        }
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
    auto weiBuf = wrap(t, wei, weightShape(d));
    auto dstBuf = nwc ? wrap(t, dst, {int(d.oc), ow, int(mb)}) : wrap(t, dst, {ow, int(d.oc), int(mb)});
    t_lastError.clear();
    if (state_->poisoned) std::feclearexcept(FE_INVALID);
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
    if (state_->poisoned && std::fetestexcept(FE_INVALID)) {
        if (error) *error = "the kernel computed with memory it never wrote (invalid-operation flag raised)";
        return CONVGEN_ERROR_KERNEL;
    }
    return CONVGEN_OK;
}

const ScheduleParams &JitKernel::schedule() const { return state_->params; }
const convgen_conv1d_desc &JitKernel::desc() const { return state_->funcs.desc; }

}  // namespace convgen
