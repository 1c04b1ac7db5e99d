// SuiteCsv: benchmark suites as CSV (columns as shared/bench/shapes.csv), for convgen-bench and tune.
#pragma once

#include "convgen/conv1d.h"

#include <string>
#include <vector>

namespace convgen {

struct SuiteLayer {
    std::string name;
    convgen_conv1d_desc desc{};  // ncw f32; batch and length dynamic (0)
    int64_t mb = 1, iw = 1;      // the sizes the suite runs it at
};

// The layers of a suite CSV; empty and *error on an unreadable file or a bad row.
std::vector<SuiteLayer> readSuiteCsv(const std::string &path, std::string *error);

}  // namespace convgen
