// SpecParser: YAML spec file -> Conv1dSpecs, with file:line:col diagnostics for every rule broken.
#pragma once

#include "Conv1dSpec.h"

#include <string>
#include <vector>

namespace convgen {

struct ParsedSpecs {
    std::vector<Conv1dSpec> kernels;
    std::vector<Diagnostic> errors;  // empty when every kernel parsed and passed SpecChecks
    bool ok() const { return errors.empty(); }
};

// Parses YAML text holding one kernel mapping or `kernels:` with a list of them, then runs
// checkSpecs(). `file` names the text in diagnostics.
ParsedSpecs parseSpecText(const std::string &text, const std::string &file);

// Reads and parses a spec file; an unreadable file is a diagnostic at line 0.
ParsedSpecs parseSpecFile(const std::string &path);

}  // namespace convgen
