// Targets: the instruction sets convgen generates for, and the dispatch order within a library.
#include "Targets.h"

#include "convgen/cpu.h"

namespace convgen {

namespace {

TargetVariant avx2() {
    // AVX2 with FMA and F16C: Haswell (2013) and later, Zen and later.
    return {"x86-64-avx2", Halide::Target("x86-64-linux-avx-avx2-f16c-fma-sse41"), 8, convgen_cpu_has_avx2() != 0};
}

TargetVariant baseline() {
    // x86-64 with SSE2 only: runs on every x86-64 CPU.
    return {"x86-64", Halide::Target("x86-64-linux"), 4, true};
}

}  // namespace

std::vector<std::string> targetNames() { return {"x86-64-avx2", "x86-64"}; }

std::optional<TargetVariant> variantNamed(const std::string &name) {
    if (name == "x86-64-avx2") return avx2();
    if (name == "x86-64") return baseline();
    return std::nullopt;
}

std::optional<std::vector<TargetVariant>> variantsFor(const std::string &name) {
    if (name == "host") return convgen_cpu_has_avx2() ? variantsFor("x86-64-avx2") : variantsFor("x86-64");
    if (name == "x86-64-avx2") return std::vector<TargetVariant>{avx2(), baseline()};
    if (name == "x86-64") return std::vector<TargetVariant>{baseline()};
    return std::nullopt;
}

}  // namespace convgen
