// convgen target names <-> Halide::Target, and which variants a generated library dispatches between.
#pragma once

#include <Halide.h>

#include <optional>
#include <string>
#include <vector>

namespace convgen {

// One instruction-set variant of a kernel: what it is called and what Halide compiles it for.
struct TargetVariant {
    std::string name;        // convgen name: x86-64-avx2, x86-64
    Halide::Target halide;   // os-arch-bits-features, without JIT
    int vectorLanesF32 = 4;  // f32 lanes per native vector
    bool runsHere = false;   // this machine can execute it
};

// The convgen target names `generate --target` accepts (besides `host`).
std::vector<std::string> targetNames();

// The variants a library for `name` contains, best first; the last one is the baseline that
// always runs. `host` means the best target this machine runs. nullopt for an unknown name.
std::optional<std::vector<TargetVariant>> variantsFor(const std::string &name);

// The single variant called `name` (x86-64-avx2 or x86-64), e.g. for JIT verification.
std::optional<TargetVariant> variantNamed(const std::string &name);

}  // namespace convgen
