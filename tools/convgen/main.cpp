// convgen: the command line (generate, verify, run, bench, targets, tune, db).
#include "Verbs.h"

#include <cstdio>
#include <cstring>
#include <iostream>

namespace convgen::cli {

Args::Args(int argc, char **argv, std::vector<std::string> valueFlags, std::vector<std::string> boolFlags) {
    auto known = [](const std::vector<std::string> &list, const std::string &f) {
        for (const std::string &s : list)
            if (s == f) return true;
        return false;
    };
    for (int i = 0; i < argc; ++i) {
        std::string a = argv[i];
        if (a.size() > 1 && a[0] == '-') {
            std::string value;
            const size_t eq = a.find('=');
            const bool inline_value = a.rfind("--", 0) == 0 && eq != std::string::npos;
            if (inline_value) {
                value = a.substr(eq + 1);
                a = a.substr(0, eq);
            }
            if (known(boolFlags, a)) {
                values_[a] = "1";
            } else if (known(valueFlags, a)) {
                if (!inline_value) {
                    if (i + 1 >= argc) {
                        error_ = "option " + a + " needs a value";
                        return;
                    }
                    value = argv[++i];
                }
                values_[a] = value;
            } else {
                error_ = "unknown option " + a;
                return;
            }
        } else {
            positional_.push_back(a);
        }
    }
}

std::string Args::get(const std::string &flag, const std::string &fallback) const {
    auto it = values_.find(flag);
    return it == values_.end() ? fallback : it->second;
}

long long Args::getInt(const std::string &flag, long long fallback) {
    if (!has(flag)) return fallback;
    const std::string v = get(flag);
    char *end = nullptr;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end) {
        error_ = "option " + flag + " needs an integer, got '" + v + "'";
        return fallback;
    }
    return n;
}

}  // namespace convgen::cli

namespace {

const char *kUsage =
    "convgen: a compiler for specialized 1-D convolution kernels (PyTorch nn.Conv1d semantics)\n"
    "\n"
    "usage: convgen <verb> [options]   (convgen <verb> --help for each verb)\n"
    "\n"
    "verbs:\n"
    "  generate SPEC... -o DIR   write a static library + C header per spec file, and DIR/manifest.json\n"
    "  verify SPEC...            compile each kernel for this machine and check it against the reference\n"
    "  run SPEC --kernel NAME    run one kernel on .npy files\n"
    "  bench SPEC...             time each kernel (median, GFLOP/s) next to the naive reference\n"
    "  targets                   what this build can generate and what this machine can run\n"
    "  tune SPEC... | --suite CSV  search schedules on this machine into a tuning database\n"
    "  db list|export|import|merge  move tuning results between machines as JSON lines\n"
    "\n"
    "A spec is YAML: one kernel mapping or `kernels:` with a list; see README.md, 'The spec'.\n";

}  // namespace

int main(int argc, char **argv) {
    using namespace convgen::cli;
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!std::strcmp(argv[1], "--version")) {
        std::printf("convgen %s\n", CONVGEN_VERSION);
        return 0;
    }
    const std::string verb = argv[1];
    try {
        if (verb == "generate") return generateMain(argc - 2, argv + 2);
        if (verb == "verify") return verifyMain(argc - 2, argv + 2);
        if (verb == "run") return runMain(argc - 2, argv + 2);
        if (verb == "bench") return benchMain(argc - 2, argv + 2);
        if (verb == "targets") return targetsMain(argc - 2, argv + 2);
        if (verb == "tune") return tuneMain(argc - 2, argv + 2);
        if (verb == "db") return dbMain(argc - 2, argv + 2);
    } catch (const std::exception &e) {
        std::cerr << "convgen " << verb << ": internal error: " << e.what() << "\n";
        return 3;
    }
    std::cerr << "convgen: unknown verb '" << verb << "'\n\n" << kUsage;
    return 2;
}
