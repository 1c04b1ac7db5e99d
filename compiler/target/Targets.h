// convgen target names <-> Halide::Target, and how they group into one library per architecture.
#pragma once

#include <Halide.h>

#include <optional>
#include <string>
#include <vector>

namespace convgen {

// One instruction-set variant of a kernel: what it is called and what Halide compiles it for.
struct TargetVariant {
    std::string name;          // convgen name: x86-64-avx2, x86-64, arm64-neon, cuda
    Halide::Target halide;     // os-arch-bits-features, without JIT
    int vectorLanesF32 = 4;    // f32 lanes per native vector (CPU); threads per warp row (GPU)
    int vectorRegisters = 16;  // architectural vector registers (CPU)
    bool gpu = false;          // kernels take device pointers
    bool runsHere = false;     // this machine can execute it
};

// The kernels of one architecture: one static library, one header. Variants are ordered best
// first; the library dispatches among them at run time by CPU features (the last always runs).
struct TargetFamily {
    std::string arch;          // x86-64, arm64, cuda
    std::string fileSuffix;    // appended to the spec's stem in file names: "", "_arm64", "_cuda"
    std::string entrySuffix;   // appended to kernel names in C symbols: "" ("_cuda" for CUDA)
    std::vector<TargetVariant> variants;
};

// The convgen target names `generate --target` accepts (besides `host`).
std::vector<std::string> targetNames();

// Families for a comma-separated target list, e.g. "x86-64-avx2,x86-64,arm64-neon,cuda". x86-64-avx2
// always carries the x86-64 baseline as its fallback. nullopt (and *error) for unknown or repeated names.
std::optional<std::vector<TargetFamily>> familiesFor(const std::string &targetList, std::string *error);

// The single variant called `name`, e.g. for JIT verification; `host` is the best this CPU runs.
std::optional<TargetVariant> variantNamed(const std::string &name);

// The CPU variants (x86-64-avx2, x86-64) this machine can run, best first.
std::vector<TargetVariant> runnableCpuVariants();

}  // namespace convgen
