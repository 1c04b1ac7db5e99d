// Targets: the instruction sets convgen generates for, and their grouping into libraries.
#include "Targets.h"

#include "convgen/cpu.h"

#include <sstream>

namespace convgen {

namespace {

TargetVariant avx512() {
    // AVX-512 F/CD/BW/DQ/VL (Skylake-SP, Ice Lake, Sapphire Rapids, Zen 4 and later) with AVX2, FMA
    // and F16C: 32 zmm registers of 16 f32 lanes.
    return {"x86-64-avx512", Halide::Target("x86-64-linux-avx-avx2-f16c-fma-sse41-avx512-avx512_skylake"), 16, 32,
            false, convgen_cpu_has_avx512() != 0};
}

TargetVariant avx2() {
    // AVX2 with FMA and F16C: Haswell (2013) and later, Zen and later. 16 ymm registers.
    return {"x86-64-avx2", Halide::Target("x86-64-linux-avx-avx2-f16c-fma-sse41"), 8, 16, false,
            convgen_cpu_has_avx2() != 0};
}

TargetVariant baseline() {
    // x86-64 with SSE2 only: runs on every x86-64 CPU. 16 xmm registers.
    return {"x86-64", Halide::Target("x86-64-linux"), 4, 16, false, true};
}

TargetVariant neon() {
    // AArch64 Linux: Advanced SIMD (NEON) is architectural, 32 128-bit registers.
    return {"arm64-neon", Halide::Target("arm-64-linux"), 4, 32, false, false};
}

TargetVariant cuda() {
    // Host code for x86-64 Linux, device code as PTX for compute capability 8.0, which the driver
    // compiles for every newer GPU (Ampere, Hopper, ...). PTX for 8.6 is refused by ptxas for sm_80.
    return {"cuda", Halide::Target("x86-64-linux-cuda-cuda_capability_80"), 32, 0, true, false};
}

}  // namespace

std::vector<std::string> targetNames() { return {"x86-64-avx512", "x86-64-avx2", "x86-64", "arm64-neon", "cuda"}; }

std::optional<TargetVariant> variantNamed(const std::string &name) {
    if (name == "host") return runnableCpuVariants().front();
    if (name == "x86-64-avx512") return avx512();
    if (name == "x86-64-avx2") return avx2();
    if (name == "x86-64") return baseline();
    if (name == "arm64-neon") return neon();
    if (name == "cuda") return cuda();
    return std::nullopt;
}

std::vector<TargetVariant> runnableCpuVariants() {
    std::vector<TargetVariant> out;
    for (const TargetVariant &v : {avx512(), avx2(), baseline()})
        if (v.runsHere) out.push_back(v);
    return out;
}

std::optional<std::vector<TargetFamily>> familiesFor(const std::string &targetList, std::string *error) {
    std::vector<std::string> names;
    std::stringstream ss(targetList);
    for (std::string item; std::getline(ss, item, ',');) names.push_back(item == "host" ? variantNamed("host")->name : item);
    bool x86avx512 = false, x86avx2 = false, x86 = false, arm = false, gpu = false;
    for (const std::string &n : names) {
        bool *seen = n == "x86-64-avx512" ? &x86avx512 : n == "x86-64-avx2" ? &x86avx2 : n == "x86-64" ? &x86 : n == "arm64-neon" ? &arm
                     : n == "cuda"      ? &gpu
                                        : nullptr;
        if (!seen) {
            if (error) {
                *error = "unknown target '" + n + "' (known: host";
                for (const std::string &t : targetNames()) *error += ", " + t;
                *error += ")";
            }
            return std::nullopt;
        }
        if (*seen) {
            if (error) *error = "target '" + n + "' is given twice";
            return std::nullopt;
        }
        *seen = true;
    }
    if (names.empty()) {
        if (error) *error = "no target given";
        return std::nullopt;
    }
    std::vector<TargetFamily> families;
    if (x86avx512) families.push_back({"x86-64", "", "", {avx512(), avx2(), baseline()}});
    else if (x86avx2) families.push_back({"x86-64", "", "", {avx2(), baseline()}});
    else if (x86) families.push_back({"x86-64", "", "", {baseline()}});
    if (arm) families.push_back({"arm64", "_arm64", "", {neon()}});
    if (gpu) families.push_back({"cuda", "_cuda", "_cuda", {cuda()}});
    return families;
}

}  // namespace convgen
