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

// Halide's listings of each variant of a kernel, for reading what the schedule made: `kinds` from
// "asm" (assembly) and "stmt" (the lowered loop nest). Appends {file name, text} to *files, named
// <entry>_<variant>.s / .stmt; uses scratchDir for the compiler's output files.
bool compileListings(const KernelPlan &k, const std::vector<std::string> &kinds, const std::string &scratchDir,
                     std::vector<std::pair<std::string, std::string>> *files, std::string *error);

// The Halide entry point name for a C entry point name.
std::string bufferEntryName(const std::string &entry);

}  // namespace convgen
