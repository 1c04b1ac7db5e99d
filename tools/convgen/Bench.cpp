// convgen bench: median time and GFLOP/s per kernel, next to the naive reference.
#include "Verbs.h"

#include "compiler/driver/Driver.h"
#include "compiler/jit/JitKernel.h"
#include "compiler/verify/KernelCheck.h"
#include "compiler/verify/Timing.h"
#include "convgen/reference.h"

#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace convgen::cli {

namespace {
const char *kHelp =
    "usage: convgen bench SPEC... [--threads N] [--batch N] [--length N] [--kernel NAME]\n"
    "                     [--target TARGET] [--min-time S] [--json FILE]\n"
    "\n"
    "Times each kernel (compiled for this machine with the schedule `generate` uses) after a warm-up:\n"
    "the median of repeated runs lasting at least --min-time seconds (default 0.5), and the naive\n"
    "reference's median of up to 3 runs. Reports ms, GFLOP/s (2*mb*oc*ow*ic/g*kw flops) and the\n"
    "speed-up over the reference. The output is checked against the reference before it is timed.\n"
    "Kernels with Owi16o weights are timed on weights packed beforehand; the packing time is printed\n"
    "under the row (pack_ms in the JSON).\n"
    "\n"
    "options:\n"
    "  --threads N    Halide thread pool size (default: all cores; sets HL_NUM_THREADS)\n"
    "  --batch N      batch for kernels whose batch is dynamic (default 1)\n"
    "  --length N     input length for kernels whose length is dynamic (default 4096)\n"
    "  --kernel NAME  only this kernel\n"
    "  --target T     x86-64-avx512, x86-64-avx2 or x86-64 (default: the best this machine runs)\n"
    "  --json FILE    also write the rows as JSON\n";

}  // namespace

int benchMain(int argc, char **argv) {
    Args args(argc, argv, {"--threads", "--batch", "--length", "--kernel", "--target", "--min-time", "--json"},
              {"--help", "-h"});
    if (args.has("--help") || args.has("-h")) {
        std::cout << kHelp;
        return 0;
    }
    const long long threads = args.getInt("--threads", 0), batch = args.getInt("--batch", 1),
                    length = args.getInt("--length", 4096);
    const double minTime = args.has("--min-time") ? std::atof(args.get("--min-time").c_str()) : 0.5;
    if (!args.ok() || args.positional().empty() || batch < 1 || length < 1 || threads < 0) {
        std::cerr << "convgen bench: " << (!args.ok() ? args.error() : "give a spec file and positive sizes")
                  << "\n\n" << kHelp;
        return 2;
    }
    if (threads > 0) setenv("HL_NUM_THREADS", std::to_string(threads).c_str(), 1);
    auto variant = args.has("--target") ? variantNamed(args.get("--target")) : variantNamed("host");
    if (!variant || !variant->runsHere) {
        std::cerr << "convgen bench: target '" << args.get("--target") << "' is unknown or cannot run here\n";
        return 2;
    }
    std::printf("variant %s, threads %s\n", variant->name.c_str(), threads ? std::to_string(threads).c_str() : "all");
    std::printf("%-24s %-44s %10s %9s %12s %9s\n", "kernel", "problem", "ms", "GFLOP/s", "reference ms", "speed-up");
    llvm::json::Array rows;
    int status = 0;
    for (const std::string &path : args.positional()) {
        auto specs = loadSpecs(path, std::cerr);
        if (!specs) {
            status = 1;
            continue;
        }
        for (const Conv1dSpec &spec : *specs) {
            if (args.has("--kernel") && spec.name != args.get("--kernel")) continue;
            convgen_conv1d_desc d = spec.desc;
            const int64_t mb = d.mb > 0 ? d.mb : batch;
            int64_t iw = d.iw > 0 ? d.iw : std::max<int64_t>(length, convgen_conv1d_min_length(&d));
            std::string error;
            auto kernel = JitKernel::build(d, spec.name, *variant, nullptr, &error);
            if (!kernel) {
                std::fprintf(stderr, "%s: cannot compile: %s\n", spec.name.c_str(), error.c_str());
                status = 1;
                continue;
            }
            CheckCase c = makeCase(d, mb, iw, Fill::Random, 1);
            CheckResult check = checkCase(d, c, [&](const void *s, const void *w, const void *b, void *o, int64_t n,
                                                     int64_t l, std::string *e) { return kernel->run(s, w, b, o, n, l, e); });
            if (!check.pass) {
                std::fprintf(stderr, "%s: wrong result, not timed: %s\n", spec.name.c_str(), check.failure.c_str());
                status = 1;
                continue;
            }
            const int64_t ow = c.ow;
            std::vector<uint8_t> dst(size_t(mb * d.oc * ow * convgen_dtype_size(d.dtype)));
            auto runKernel = [&] { kernel->run(c.src.data(), c.kernelWei(), c.bia.data(), dst.data(), mb, iw, nullptr); };
            const double t = medianSeconds(runKernel, minTime, 5, 100000);
            std::vector<double> ref(c.want.size());
            const double tRef = medianSeconds(
                [&] { convgen_reference_conv1d(&d, mb, iw, c.src.data(), c.wei.data(), c.bia.data(), ref.data(), nullptr); },
                0.0, 1, 3);
            const double flops = 2.0 * double(mb * d.oc * ow) * double(d.ic / d.g * d.kw);
            std::printf("%-24s %-44s %10.4f %9.2f %12.2f %8.1fx\n", spec.name.c_str(), problemString(d).c_str(), t * 1e3,
                        flops / t * 1e-9, tRef * 1e3, tRef / t);
            const double packMs = 1e3 * packingSeconds(d, c);  // weights packed once, outside the kernel's time
            if (packMs > 0)
                std::printf("    weights in the %s layout: packed once in %.3f ms (not in the time above)\n",
                            toString(d.wei_layout), packMs);
            std::fflush(stdout);
            rows.push_back(llvm::json::Object{{"kernel", spec.name},
                                              {"problem", problemString(d)},
                                              {"variant", variant->name},
                                              {"schedule", kernel->schedule().str()},
                                              {"threads", threads},
                                              {"batch", mb},
                                              {"length", iw},
                                              {"ms", t * 1e3},
                                              {"gflops", flops / t * 1e-9},
                                              {"reference_ms", tRef * 1e3},
                                              {"speedup", tRef / t},
                                              {"pack_ms", packMs}});
        }
    }
    if (args.has("--json")) {
        const std::string file = args.get("--json"), tmp = file + ".tmp";
        {
            std::ofstream out(tmp);
            std::string text;
            llvm::raw_string_ostream os(text);
            os << llvm::formatv("{0:2}", llvm::json::Value(std::move(rows))) << "\n";
            out << os.str();
        }
        if (std::rename(tmp.c_str(), file.c_str()) != 0) {
            std::cerr << "convgen bench: cannot write " << file << "\n";
            return 1;
        }
    }
    return status;
}

}  // namespace convgen::cli
