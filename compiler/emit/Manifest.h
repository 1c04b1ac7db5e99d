// manifestText: DIR/manifest.json, what a generate run wrote and how each kernel was built.
#pragma once

#include "KernelPlan.h"

#include <string>
#include <vector>

namespace convgen {

struct EmittedSpec {
    std::string specPath;      // as given on the command line
    std::string library, header;
    std::vector<KernelPlan> kernels;
};

// JSON (keys sorted, 2-space indent): versions, target, and per spec file its library, header and
// kernels (name, problem, spec hash, per-variant schedule and where it came from).
std::string manifestText(const std::vector<EmittedSpec> &specs, const std::string &target);

}  // namespace convgen
