// LlvmOptions: the options convgen gives the LLVM inside Halide.
#pragma once

namespace convgen {

// The options, as HL_LLVM_ARGS takes them.
const char *llvmOptions();

// Sets HL_LLVM_ARGS to llvmOptions() unless the environment sets it already (a user's own options
// win, and kernels then follow them). Halide reads it once per process, when it first initializes
// LLVM: every compile calls this before, so nothing else in the process should compile with Halide
// first.
void useLlvmOptions();

}  // namespace convgen
