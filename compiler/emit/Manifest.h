// manifestText: DIR/manifest.json, what a generate run wrote and how each kernel was built.
#pragma once

#include "KernelPlan.h"

#include <string>
#include <vector>

namespace convgen {

// One architecture's library of a spec file.
struct EmittedLibrary {
    std::string arch, library, header;
    std::vector<KernelPlan> kernels;
    std::vector<std::string> ptx;  // PTX files written (CUDA)
};

struct EmittedSpec {
    std::string specPath;  // as given on the command line
    std::vector<EmittedLibrary> libraries;
};

// JSON (keys sorted, 2-space indent): versions, target, and per spec file and architecture its
// library, header and kernels (name, problem, spec hash, per-variant schedule and its source).
std::string manifestText(const std::vector<EmittedSpec> &specs, const std::string &target);

}  // namespace convgen
