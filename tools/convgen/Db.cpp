// convgen db: list, export, import and merge tuning databases (JSON lines between machines).
#include "Verbs.h"

#include "compiler/tune/TuningDb.h"

#include <cstdio>
#include <fstream>
#include <iostream>

namespace convgen::cli {

namespace {

const char *kHelp =
    "usage: convgen db list DB\n"
    "       convgen db export DB [-o FILE.jsonl]\n"
    "       convgen db import DB FILE.jsonl...\n"
    "       convgen db merge DB OTHER.db...\n"
    "\n"
    "Tuning databases (written by `convgen tune`) between machines and jobs:\n"
    "  list    one line per stored result: problem, target, CPU model, schedule, time and speed-up\n"
    "  export  the results as JSON lines (stdout, or -o FILE written atomically)\n"
    "  import  JSON lines into DB (created if missing); a result replaces a stored one for the same\n"
    "          key (problem, target, CPU features and model, convgen and Halide versions) only when faster\n"
    "  merge   the results of other databases into DB, with the same rule (e.g. after a sharded tune)\n";

std::unique_ptr<TuningDb> openOrComplain(const std::string &path, bool create) {
    std::string error;
    auto db = TuningDb::open(path, create, &error);
    if (!db) std::cerr << "convgen db: " << error << "\n";
    return db;
}

int offerAll(TuningDb &to, const std::vector<TuningResult> &results, const std::string &from) {
    std::string error;
    for (const TuningResult &r : results)
        if (!to.offer(r, &error)) {
            std::cerr << "convgen db: " << error << "\n";
            return 1;
        }
    std::cout << from << ": " << results.size() << " results offered to " << to.path() << "\n";
    return 0;
}

}  // namespace

int dbMain(int argc, char **argv) {
    Args args(argc, argv, {"-o"}, {"--help", "-h"});
    if (args.has("--help") || args.has("-h")) {
        std::cout << kHelp;
        return 0;
    }
    const std::vector<std::string> &pos = args.positional();
    const std::string verb = pos.empty() ? "" : pos[0];
    const bool known = verb == "list" || verb == "export" || verb == "import" || verb == "merge";
    const size_t need = verb == "import" || verb == "merge" ? 3 : 2;
    if (!args.ok() || !known || pos.size() < need || ((verb == "list" || verb == "export") && pos.size() != 2)) {
        std::cerr << "convgen db: "
                  << (!args.ok() ? args.error() : !known ? "give list, export, import or merge" : "wrong arguments")
                  << "\n\n" << kHelp;
        return 2;
    }
    auto db = openOrComplain(pos[1], verb == "import" || verb == "merge");
    if (!db) return 1;
    if (verb == "list") {
        for (const TuningResult &r : db->all())
            std::printf("%-44s %-14s %2dT %-32s %-48s %9.4f ms %5.2fx  %s\n", r.key.problem.c_str(),
                        r.key.target.c_str(), r.key.threads, r.key.cpuModel.c_str(), r.schedule.c_str(), r.timeMs,
                        r.defaultMs / r.timeMs, r.sizes.c_str());
        return 0;
    }
    if (verb == "export") {
        std::string text;
        for (const TuningResult &r : db->all()) text += resultToJson(r) + "\n";
        if (!args.has("-o")) {
            std::cout << text;
            return 0;
        }
        const std::string out = args.get("-o"), tmp = out + ".tmp";
        std::ofstream f(tmp);
        f << text;
        f.close();
        if (!f || std::rename(tmp.c_str(), out.c_str()) != 0) {
            std::remove(tmp.c_str());
            std::cerr << "convgen db: cannot write " << out << "\n";
            return 1;
        }
        return 0;
    }
    for (size_t i = 2; i < pos.size(); ++i) {
        std::vector<TuningResult> results;
        if (verb == "import") {
            std::ifstream in(pos[i]);
            if (!in) {
                std::cerr << "convgen db: cannot read " << pos[i] << "\n";
                return 1;
            }
            int line = 0;
            for (std::string text; std::getline(in, text);) {
                ++line;
                if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
                std::string error;
                auto r = resultFromJson(text, &error);
                if (!r) {  // nothing is imported from a file with a bad line
                    std::cerr << pos[i] << ":" << line << ": error: " << error << "\n";
                    return 1;
                }
                results.push_back(*r);
            }
        } else {
            auto other = openOrComplain(pos[i], false);
            if (!other) return 1;
            results = other->all();
        }
        if (offerAll(*db, results, pos[i]) != 0) return 1;
    }
    return 0;
}

}  // namespace convgen::cli
