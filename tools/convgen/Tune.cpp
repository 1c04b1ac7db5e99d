// convgen tune: searches schedules for the kernels of specs or a suite and stores the best in a database.
#include "Verbs.h"

#include "compiler/driver/Driver.h"
#include "compiler/spec/SuiteCsv.h"
#include "compiler/tune/Tuner.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace convgen::cli {

namespace {

const char *kHelp =
    "usage: convgen tune SPEC... | --suite CSV  [--target T] [--budget D | --trials N] [--db FILE]\n"
    "                    [--threads N] [--shard I/N] [--batch N] [--length N] [--min-time S]\n"
    "\n"
    "Searches the schedule parameters of each kernel (the knobs the default rule fills: candidate,\n"
    "register tile, tiles per task, ...) on this machine. The default schedule is timed first; every\n"
    "candidate is checked against the naive reference before it is timed (a wrong one is logged and\n"
    "discarded); a challenger that looks faster is re-timed against the incumbent, run for run, and\n"
    "wins only when it is at least 3% faster in two such windows (noise on a shared machine is a few\n"
    "%). The final winner is timed against the default once more, in three fresh windows, and kept\n"
    "only when at least 2% faster (the best of many noisy comparisons looks better than it is). The\n"
    "best schedule per kernel goes into an SQLite database keyed by problem, target, thread count, CPU\n"
    "features and model, and convgen and Halide versions; `convgen generate --db FILE` then uses it\n"
    "(tune at the thread count you deploy with; tune twice to have both). Every trial\n"
    "is stored as it finishes: a tune killed at any moment resumes where it stopped, and several\n"
    "tuners may share one database.\n"
    "\n"
    "options:\n"
    "  --suite CSV     tune the layers of a suite (columns as shared/bench/shapes.csv) as ncw f32\n"
    "                  kernels with dynamic batch and length, timed at each row's batch and length\n"
    "  --target T      the variant to tune: host (default), x86-64-avx512, x86-64-avx2, x86-64\n"
    "  --budget D      wall time per kernel, e.g. 90s, 2m, 1h (default 2m); the running trial finishes\n"
    "  --trials N      schedules per kernel, the default's and earlier runs' included (instead of --budget)\n"
    "  --db FILE       the tuning database (default convgen-tuning.db; created if missing)\n"
    "  --threads N     Halide thread pool size (default: all cores; sets HL_NUM_THREADS)\n"
    "  --shard I/N     only kernels whose index modulo N is I (0 <= I < N), for array jobs\n"
    "  --batch N       batch to time kernels whose batch is dynamic (default 1; specs only)\n"
    "  --length N      length to time kernels whose length is dynamic (default 4096; specs only)\n"
    "  --min-time S    seconds of timing per measurement (default 0.2)\n";

// "90", "90s", "2m", "1h" -> seconds; negative on bad input.
double parseDuration(const std::string &text) {
    if (text.empty()) return -1;
    char *end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    const std::string unit = end;
    const double scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : -1;
    return scale < 0 || v <= 0 ? -1 : v * scale;
}

struct Job {
    std::string name;
    convgen_conv1d_desc desc{};
    int64_t mb = 0, iw = 0;  // the sizes to time (0: options)
};

}  // namespace

int tuneMain(int argc, char **argv) {
    Args args(argc, argv,
              {"--suite", "--target", "--budget", "--trials", "--db", "--threads", "--shard", "--batch", "--length",
               "--min-time"},
              {"--help", "-h"});
    if (args.has("--help") || args.has("-h")) {
        std::cout << kHelp;
        return 0;
    }
    const long long trials = args.getInt("--trials", 0), threads = args.getInt("--threads", 0);
    const long long batch = args.getInt("--batch", 1), length = args.getInt("--length", 4096);
    const double budget = args.has("--trials") && !args.has("--budget") ? 0 : parseDuration(args.get("--budget", "2m"));
    const double minTime = args.has("--min-time") ? std::atof(args.get("--min-time").c_str()) : 0.2;
    std::string usage;
    if (!args.ok()) usage = args.error();
    else if (args.positional().empty() == !args.has("--suite")) usage = "give spec files or --suite CSV (one of them)";
    else if (budget < 0) usage = "--budget takes a duration such as 90s, 2m or 1h";
    else if (trials < 0 || threads < 0 || batch < 1 || length < 1 || minTime <= 0) usage = "numbers must be positive";
    int shard = 0, shards = 1;
    if (usage.empty() && args.has("--shard")) {
        char slash = 0;
        if (std::sscanf(args.get("--shard").c_str(), "%d%c%d", &shard, &slash, &shards) != 3 || slash != '/' ||
            shards < 1 || shard < 0 || shard >= shards)
            usage = "--shard takes I/N with 0 <= I < N, e.g. --shard $SLURM_ARRAY_TASK_ID/8";
    }
    if (!usage.empty()) {
        std::cerr << "convgen tune: " << usage << "\n\n" << kHelp;
        return 2;
    }
    const auto variant = variantNamed(args.get("--target", "host"));
    if (!variant || variant->gpu || !variant->runsHere) {
        std::cerr << "convgen tune: " << args.get("--target")
                  << (variant ? " code cannot run on this machine's CPU; tuning times kernels here"
                              : " is not a known target (host, x86-64-avx512, x86-64-avx2, x86-64)")
                  << "\n";
        return 2;
    }
    if (threads > 0) setenv("HL_NUM_THREADS", std::to_string(threads).c_str(), 1);

    std::vector<Job> jobs;
    if (args.has("--suite")) {
        std::string error;
        std::vector<SuiteLayer> layers = readSuiteCsv(args.get("--suite"), &error);
        if (layers.empty()) {
            std::cerr << "convgen tune: " << error << "\n";
            return 1;
        }
        for (const SuiteLayer &l : layers) jobs.push_back({l.name, l.desc, l.mb, l.iw});
    } else {
        for (const std::string &path : args.positional()) {
            auto specs = loadSpecs(path, std::cerr);
            if (!specs) return 1;
            for (const Conv1dSpec &s : *specs) jobs.push_back({s.name, s.desc, 0, 0});
        }
    }
    std::vector<Job> mine;
    for (size_t i = 0; i < jobs.size(); ++i)
        if (int(i % size_t(shards)) == shard) mine.push_back(jobs[i]);

    const std::string dbPath = args.get("--db", "convgen-tuning.db");
    std::string error;
    auto db = TuningDb::open(dbPath, true, &error);
    if (!db) {
        std::cerr << "convgen tune: " << error << "\n";
        return 1;
    }
    std::cout << "tuning " << mine.size() << " of " << jobs.size() << " kernels (shard " << shard << "/" << shards
              << ") for " << variant->name << " at " << threadsHere() << " thread" << (threadsHere() == 1 ? "" : "s")
              << ", " << (budget > 0 ? args.get("--budget", "2m") + " per kernel" : "")
              << (trials > 0 ? (budget > 0 ? ", " : "") + std::to_string(trials) + " trials per kernel" : "")
              << ", database " << dbPath << "\n";
    int failed = 0;
    size_t index = 0;
    for (const Job &j : mine) {
        std::cout << "[" << ++index << "/" << mine.size() << "] " << j.name << " " << problemString(j.desc) << "\n";
        TuneOptions o;
        o.trials = int(trials);
        o.budgetSeconds = budget;
        o.mb = j.mb ? j.mb : batch;
        o.iw = j.iw ? j.iw : length;
        o.minTime = minTime;
        TuneReport r = tuneKernel(j.name, j.desc, *variant, *db, o, std::cout);
        if (!r.ok) {
            ++failed;
            continue;
        }
        std::printf("  best %s: %.4f ms, default %.4f ms (%.2fx); %d tried, %d stored before, %d wrong, %d failed\n",
                    r.best.c_str(), r.bestMs, r.defaultMs, r.defaultMs / r.bestMs, r.tried, r.resumed, r.wrong,
                    r.failed);
        std::fflush(stdout);
    }
    return failed ? 1 : 0;
}

}  // namespace convgen::cli
