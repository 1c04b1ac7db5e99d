// Driver: the one place that orders the stages: parse -> check -> define -> schedule -> emit.
#pragma once

#include "compiler/emit/KernelPlan.h"
#include "compiler/spec/Conv1dSpec.h"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace convgen {

// Parses and checks a spec file; prints every diagnostic to err and returns nullopt on any.
std::optional<std::vector<Conv1dSpec>> loadSpecs(const std::string &path, std::ostream &err);

// Chooses a schedule per variant by the candidate rule; refusal reasons go to `why` (may be null).
KernelPlan planKernel(const Conv1dSpec &spec, const std::vector<TargetVariant> &variants,
                      std::vector<std::string> *why);

struct GenerateRequest {
    std::vector<std::string> specs;
    std::string outDir;
    std::string target = "host";
    bool verbose = false;
};

// Writes per spec file lib<stem>.a and <stem>.h, the support headers and manifest.json into
// outDir, all or nothing. Returns a process exit code (0 on success).
int generate(const GenerateRequest &request, std::ostream &log, std::ostream &err);

}  // namespace convgen
