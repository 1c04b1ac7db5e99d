// writeStaticLibrary: every kernel of a spec file, all its variants and one Halide runtime in one .a.
#pragma once

#include "KernelPlan.h"

#include <string>
#include <vector>

namespace convgen {

// Compiles each kernel's variants (with a CPU-feature dispatch wrapper when there are several)
// into `libraryPath`, using `scratchDir` for intermediate objects. The archive is deterministic.
bool writeStaticLibrary(const std::vector<KernelPlan> &kernels, const std::string &libraryPath,
                        const std::string &scratchDir, std::string *error);

// The Halide entry point name of a kernel (the plain C entry point is the kernel's own name).
std::string bufferEntryName(const std::string &kernel);

}  // namespace convgen
