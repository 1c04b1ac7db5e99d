// convgen generate: spec files -> static libraries, C headers and a manifest.
#include "Verbs.h"

#include "compiler/driver/Driver.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringRef.h>

#include <algorithm>
#include <iostream>

namespace convgen::cli {

namespace {
const char *kHelp =
    "usage: convgen generate SPEC... -o DIR [--target TARGET[,TARGET...]] [--db FILE [--threads N]]\n"
    "                        [--listings asm,stmt] [--verbose]\n"
    "\n"
    "Compiles every kernel of each spec file ahead of time and writes into DIR, per spec file and\n"
    "architecture (suffix: none for x86-64, _arm64, _cuda):\n"
    "  lib<stem><suffix>.a  the kernels of <stem>.yaml, each variant, a CPU-feature dispatcher and one\n"
    "                       copy of the Halide runtime (link with -lpthread -ldl -lm)\n"
    "  <stem><suffix>.h     C/C++ header: per kernel NAME(src, wei, bia, dst, batch, length),\n"
    "                       NAME_output_length(length), NAME_variant(), NAME_buf(halide_buffer_t *...)\n"
    "                       and NAME_kernel(); CUDA names are NAME_cuda... and take device pointers\n"
    "  <stem><suffix>.pc    pkg-config file (Cflags and Libs, relative to its own location)\n"
    "  ptx/NAME_cuda.ptx    the PTX of each CUDA kernel\n"
    "  HalideRuntime.h, HalideRuntimeCuda.h, convgen/conv1d.h, convgen/status.h   included headers\n"
    "  manifest.json        kernels, problem strings, spec hashes, targets and schedules\n"
    "Files are staged and moved into DIR only when everything succeeded; output is deterministic.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR   output directory (created if missing)\n"
    "  --target LIST      comma-separated; default host (the best x86-64 variant this machine runs):\n"
    "                       x86-64-avx512  AVX-512 (F/CD/BW/DQ/VL) code with AVX2 and x86-64 run-time\n"
    "                                    fallbacks (CONVGEN_MAX_CPU_ISA=x86-64-avx2 or x86-64 caps it)\n"
    "                       x86-64-avx2  AVX2+FMA+F16C code with the x86-64 baseline as run-time fallback\n"
    "                                    (CONVGEN_MAX_CPU_ISA=x86-64 forces the fallback)\n"
    "                       x86-64       SSE2 only\n"
    "                       arm64-neon   aarch64 Linux, NEON\n"
    "                       cuda         NVIDIA GPUs, PTX for compute capability 8.0 and newer\n"
    "  --db FILE          take each kernel's schedule from a tuning database (convgen tune): the best\n"
    "                     stored for its problem and variant at the thread count the kernels will run\n"
    "                     with (else the nearest one tuned), this machine's first; the default rule\n"
    "                     otherwise. The manifest's schedule_source says which and where from.\n"
    "  --threads N        the thread count the kernels will run with, for --db (default: HL_NUM_THREADS\n"
    "                     if set, else this machine's cores, which is what the Halide runtime uses)\n"
    "  --listings LIST    also write Halide's listings of every kernel variant into DIR/listings:\n"
    "                     asm (<kernel>_<variant>.s, the machine code) and/or stmt (<kernel>_<variant>.stmt,\n"
    "                     the loop nest the schedule lowered to), to read what a schedule does\n"
    "  --verbose          print why each schedule candidate refused a kernel\n";
}  // namespace

int generateMain(int argc, char **argv) {
    Args args(argc, argv, {"-o", "--output", "--target", "--db", "--threads", "--listings"}, {"--help", "-h", "--verbose"});
    if (args.has("--help") || args.has("-h")) {
        std::cout << kHelp;
        return 0;
    }
    GenerateRequest request;
    request.specs = args.positional();
    request.outDir = args.get("-o", args.get("--output"));
    request.target = args.get("--target", "host");
    request.verbose = args.has("--verbose");
    request.db = args.get("--db");
    request.threads = int(args.getInt("--threads", 0));
    std::string badListing;
    if (args.has("--listings")) {
        llvm::SmallVector<llvm::StringRef, 2> kinds;
        llvm::StringRef(args.get("--listings")).split(kinds, ',');
        for (llvm::StringRef kind : kinds) {
            if (kind != "asm" && kind != "stmt") badListing = kind.str();
            else if (std::find(request.listings.begin(), request.listings.end(), kind.str()) == request.listings.end())
                request.listings.push_back(kind.str());
        }
    }
    if (!args.ok() || request.specs.empty() || request.outDir.empty() || request.threads < 0 ||
        !badListing.empty() || (args.has("--listings") && request.listings.empty())) {
        std::cerr << "convgen generate: "
                  << (!args.ok()               ? args.error()
                      : request.specs.empty()  ? "no spec file given"
                      : request.outDir.empty() ? "no -o DIR given"
                      : request.threads < 0    ? "--threads takes a positive number"
                                               : "--listings takes asm, stmt or asm,stmt (not '" + badListing + "')")
                  << "\n\n" << kHelp;
        return 2;
    }
    return generate(request, std::cout, std::cerr);
}

}  // namespace convgen::cli
