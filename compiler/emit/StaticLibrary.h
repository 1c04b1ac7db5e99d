// writeStaticLibrary: every kernel of a spec file, all its variants and one Halide runtime in one .a.
#pragma once

#include "KernelPlan.h"

#include <string>
#include <vector>

namespace convgen {

// Compiles each kernel's variants (with a CPU-feature dispatch wrapper when there are several)
// into `libraryPath`, using `scratchDir` for intermediate objects. The archive is deterministic.
// For GPU kernels, *ptx (if not null) receives {entry, PTX text} per kernel, read from the objects.
bool writeStaticLibrary(const std::vector<KernelPlan> &kernels, const std::string &libraryPath,
                        const std::string &scratchDir, std::string *error,
                        std::vector<std::pair<std::string, std::string>> *ptx = nullptr);

// The Halide entry point name for a C entry point name.
std::string bufferEntryName(const std::string &entry);

}  // namespace convgen
