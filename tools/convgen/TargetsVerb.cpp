// convgen targets: what this build generates and what this machine runs.
#include "Verbs.h"

#include "compiler/target/Targets.h"
#include "convgen/cpu.h"

#include <iostream>

namespace convgen::cli {

int targetsMain(int argc, char **argv) {
    Args args(argc, argv, {}, {"--help", "-h"});
    if (args.has("--help") || args.has("-h") || !args.ok()) {
        std::cout << "usage: convgen targets\n\nLists the targets `generate --target` accepts, the Halide target "
                     "each compiles for,\nand whether this machine can run it (CPU features: "
                  << convgen_cpu_features() << ").\n";
        return args.ok() ? 0 : 2;
    }
    std::cout << "cpu features: " << convgen_cpu_features() << "\n";
    std::cout << "host -> " << variantNamed("host")->name << "\n\n";
    std::cout << "target        runs here  halide target\n";
    for (const std::string &name : targetNames()) {
        TargetVariant v = *variantNamed(name);
        std::cout.width(14);
        const char *runs = v.runsHere ? "yes        " : v.gpu ? "on a GPU   " : "no         ";
        std::cout << std::left << name << runs << v.halide.to_string() << "\n";
    }
    return 0;
}

}  // namespace convgen::cli
