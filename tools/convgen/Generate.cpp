// convgen generate: spec files -> static libraries, C headers and a manifest.
#include "Verbs.h"

#include "compiler/driver/Driver.h"

#include <iostream>

namespace convgen::cli {

namespace {
const char *kHelp =
    "usage: convgen generate SPEC... -o DIR [--target TARGET] [--verbose]\n"
    "\n"
    "Compiles every kernel of each spec file ahead of time and writes into DIR:\n"
    "  lib<stem>.a      the kernels of <stem>.yaml, each variant of TARGET, a CPU-feature dispatcher\n"
    "                   and one copy of the Halide runtime (link with -lpthread -ldl -lm)\n"
    "  <stem>.h         C/C++ header: per kernel NAME(src, wei, bia, dst, batch, length),\n"
    "                   NAME_output_length(length), NAME_buf(halide_buffer_t *...) and NAME_kernel()\n"
    "  HalideRuntime.h, convgen/conv1d.h, convgen/status.h   headers the generated header includes\n"
    "  manifest.json    kernels, problem strings, spec hashes, targets and schedules\n"
    "Files are staged and moved into DIR only when everything succeeded; output is deterministic.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR   output directory (created if missing)\n"
    "  --target TARGET    host (default: the best this machine runs), x86-64-avx2 (AVX2+FMA+F16C code\n"
    "                     with an SSE2 fallback chosen at run time), x86-64 (SSE2 only)\n"
    "  --verbose          print why each schedule candidate refused a kernel\n";
}  // namespace

int generateMain(int argc, char **argv) {
    Args args(argc, argv, {"-o", "--output", "--target"}, {"--help", "-h", "--verbose"});
    if (args.has("--help") || args.has("-h")) {
        std::cout << kHelp;
        return 0;
    }
    GenerateRequest request;
    request.specs = args.positional();
    request.outDir = args.get("-o", args.get("--output"));
    request.target = args.get("--target", "host");
    request.verbose = args.has("--verbose");
    if (!args.ok() || request.specs.empty() || request.outDir.empty()) {
        std::cerr << "convgen generate: "
                  << (!args.ok() ? args.error() : request.specs.empty() ? "no spec file given" : "no -o DIR given")
                  << "\n\n" << kHelp;
        return 2;
    }
    return generate(request, std::cout, std::cerr);
}

}  // namespace convgen::cli
