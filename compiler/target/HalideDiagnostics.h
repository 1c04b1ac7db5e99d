// Routes Halide's compile-time warnings and errors for convgen (installed once per process).
#pragma once

namespace convgen {

// Errors become Halide::CompileError exceptions (caught by the caller); warnings go to stderr, except
// the expected notice that 16-bit float arithmetic is emulated (convgen computes in f32 and only
// converts at the edges, so the notice says nothing a user can act on).
void installHalideDiagnostics();

}  // namespace convgen
