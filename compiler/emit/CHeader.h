// writeCHeader: the C/C++ header of a generated library (entry points, sizes, registry records).
#pragma once

#include "KernelPlan.h"

#include <string>
#include <vector>

namespace convgen {

// The text of `<stem>.h` for the kernels of one spec file. `banner` lists spec and target.
std::string cHeaderText(const std::vector<KernelPlan> &kernels, const std::string &stem, const std::string &banner);

// Headers the generated header includes, copied beside it: {file name, text}.
std::vector<std::pair<std::string, std::string>> supportHeaders();

}  // namespace convgen
