// HalideDiagnostics: the compile-time reporter convgen gives Halide.
#include "HalideDiagnostics.h"

#include <Halide.h>

#include <cstdio>
#include <cstring>

namespace convgen {

namespace {

class Reporter final : public Halide::CompileTimeErrorReporter {
public:
    void warning(const char *msg) override {
        if (std::strstr(msg, "float16 type operation is emulated")) return;
        std::fprintf(stderr, "Halide warning: %s", msg);
    }
    [[noreturn]] void error(const char *msg) override { throw Halide::CompileError(msg); }
};

}  // namespace

void installHalideDiagnostics() {
    static Reporter reporter;
    static const bool installed = (Halide::set_custom_compile_time_error_reporter(&reporter), true);
    (void)installed;
}

}  // namespace convgen
