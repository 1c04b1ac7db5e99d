// convgen verify: every kernel of a spec, JIT-compiled per runnable variant, against the reference.
#include "Verbs.h"

#include "compiler/driver/Driver.h"
#include "compiler/jit/JitKernel.h"
#include "compiler/tune/TuningDb.h"
#include "compiler/verify/KernelCheck.h"

#include <cstdio>
#include <iostream>

namespace convgen::cli {

namespace {
const char *kHelp =
    "usage: convgen verify SPEC... [--target TARGET] [--kernel NAME] [--seed N] [--db FILE]\n"
    "\n"
    "Builds each kernel for this machine (every variant it can run, with the schedule `generate`\n"
    "would use), runs it on random and integer-valued inputs for several batch and length values\n"
    "(the shortest valid length, output lengths around the tile size, a longer run, batch 3), and\n"
    "compares with the naive reference (double accumulation). Integer-valued inputs must match\n"
    "exactly for linear kernels; random inputs within a bound derived from the accumulation length.\n"
    "Prints per kernel and variant the max abs error, the max error relative to sum|w*x|, and\n"
    "PASS or FAIL with the first failing coordinate. Exits 1 if any kernel fails.\n"
    "\n"
    "options:\n"
    "  --target TARGET   check only this variant (x86-64-avx512, x86-64-avx2 or x86-64); default: all that run here.\n"
    "                    arm64-neon kernels are checked under qemu and CUDA kernels on a GPU by the\n"
    "                    test suite and tools/gpu_check.sh (see README)\n"
    "  --kernel NAME     check only this kernel\n"
    "  --seed N          seed of the input fills (default 1)\n"
    "  --db FILE         check the schedules `generate --db FILE` would take from a tuning database\n"
    "                    (marked 'tuned' in the schedule column)\n"
    "  --threads N       with --db: the thread count to take tuned schedules for, as generate's\n";
}  // namespace

int verifyMain(int argc, char **argv) {
    Args args(argc, argv, {"--target", "--kernel", "--seed", "--db", "--threads"}, {"--help", "-h"});
    if (args.has("--help") || args.has("-h")) {
        std::cout << kHelp;
        return 0;
    }
    const long long seed = args.getInt("--seed", 1), threads = args.getInt("--threads", 0);
    if (!args.ok() || args.positional().empty() || threads < 0) {
        std::cerr << "convgen verify: "
                  << (!args.ok() ? args.error() : threads < 0 ? "--threads takes a positive number" : "no spec file given")
                  << "\n\n" << kHelp;
        return 2;
    }
    std::vector<TargetVariant> variants;
    if (args.has("--target")) {
        auto v = variantNamed(args.get("--target"));
        if (!v) {
            std::cerr << "convgen verify: unknown target '" << args.get("--target") << "'\n";
            return 2;
        }
        if (!v->runsHere) {
            std::cerr << "convgen verify: this machine cannot run " << v->name << "\n";
            return 2;
        }
        variants.push_back(*v);
    } else {
        variants = runnableCpuVariants();
    }
    std::unique_ptr<TuningDb> db;
    if (args.has("--db")) {
        std::string error;
        if (!(db = TuningDb::open(args.get("--db"), false, &error))) {
            std::cerr << "convgen verify: " << error << "\n";
            return 2;
        }
    }
    int failures = 0, kernels = 0;
    bool loadFailed = false;
    std::printf("%-24s %-13s %-22s %6s %10s %10s  %s\n", "kernel", "variant", "schedule", "outputs", "max_abs",
                "max_rel", "result");
    for (const std::string &path : args.positional()) {
        auto specs = loadSpecs(path, std::cerr);
        if (!specs) {
            loadFailed = true;
            continue;
        }
        for (const Conv1dSpec &spec : *specs) {
            if (args.has("--kernel") && spec.name != args.get("--kernel")) continue;
            ++kernels;
            std::vector<std::unique_ptr<JitKernel>> built;
            std::vector<CheckResult> results(variants.size());
            int tile = 1, switchLength = 0, batchRows = 0;
            const KernelPlan plan = planKernel(spec, TargetFamily{"", "", "", variants}, nullptr, db.get(), int(threads));
            for (size_t i = 0; i < variants.size(); ++i) {
                std::string error;
                built.push_back(JitKernel::build(spec.desc, spec.name, variants[i], &plan.variants[i].schedule, &error));
                if (!built.back()) {
                    results[i].pass = false;
                    results[i].failure = "compile failed: " + error;
                    continue;
                }
                tile = std::max(tile, outputTile(spec.desc, built.back()->schedule()));
                switchLength = std::max(switchLength, built.back()->schedule().directFrom);
                batchRows = std::max(batchRows, built.back()->schedule().batchRows);
            }
            for (auto [mb, iw] : checkSizes(spec.desc, tile, switchLength, batchRows)) {
                for (Fill fill : {Fill::Random, Fill::Integer}) {
                    CheckCase c = makeCase(spec.desc, mb, iw, fill, uint64_t(seed));
                    for (size_t i = 0; i < variants.size(); ++i) {
                        if (!built[i]) continue;
                        const JitKernel &k = *built[i];
                        accumulate(results[i],
                                   checkCase(spec.desc, c,
                                             [&](const void *s, const void *w, const void *b, void *d, int64_t n,
                                                 int64_t l, std::string *e) { return k.run(s, w, b, d, n, l, e); }));
                    }
                }
            }
            for (size_t i = 0; i < variants.size(); ++i) {
                const CheckResult &r = results[i];
                const std::string schedule = !built[i] ? "-"
                                             : built[i]->schedule().candidate +
                                                   (plan.variants[i].scheduleSource == "default" ? "" : " (tuned)");
                std::printf("%-24s %-13s %-22s %6lld %10.3g %10.3g  %s%s%s\n", spec.name.c_str(),
                            variants[i].name.c_str(), schedule.c_str(), (long long)r.checked, r.maxAbs, r.maxRel,
                            r.pass ? "PASS" : "FAIL", r.pass ? "" : "  ", r.failure.c_str());
                std::fflush(stdout);
                if (!r.pass) ++failures;
            }
        }
    }
    if (args.has("--kernel") && kernels == 0 && !loadFailed) {
        std::cerr << "convgen verify: no kernel named '" << args.get("--kernel") << "'\n";
        return 2;
    }
    std::printf("%d kernel%s x %zu variant%s: %d failed\n", kernels, kernels == 1 ? "" : "s", variants.size(),
                variants.size() == 1 ? "" : "s", failures);
    return loadFailed ? 2 : failures ? 1 : 0;
}

}  // namespace convgen::cli
