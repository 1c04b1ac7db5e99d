// SpecChecks: the rules over a whole parsed spec that PyTorch's nn.Conv1d enforces, located.
#pragma once

#include "Conv1dSpec.h"

#include <vector>

namespace convgen {

// Appends a diagnostic for every broken rule: groups divide the channels, 'same' needs stride 1,
// reflect/circular padding fits a fixed length, a fixed length covers the dilated kernel,
// kernel names are unique.
void checkSpecs(const std::vector<Conv1dSpec> &kernels, std::vector<Diagnostic> &errors);

}  // namespace convgen
