// Driver: the one place that orders the stages: parse -> check -> define -> schedule -> emit.
#pragma once

#include "compiler/emit/KernelPlan.h"
#include "compiler/spec/Conv1dSpec.h"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace convgen {

// Parses and checks a spec file; prints every diagnostic to err and returns nullopt on any.
std::optional<std::vector<Conv1dSpec>> loadSpecs(const std::string &path, std::ostream &err);

class TuningDb;

// Chooses a schedule per variant of the family: the best stored in `db` for the kernel's problem,
// the variant and `threads` (0: threadsHere(); the nearest stored thread count when that one has
// none) when db is not null and has one that the candidate accepts, else the candidate rule;
// refusal reasons and ignored database entries go to `why` (may be null).
KernelPlan planKernel(const Conv1dSpec &spec, const TargetFamily &family, std::vector<std::string> *why,
                      TuningDb *db = nullptr, int threads = 0);

struct GenerateRequest {
    std::vector<std::string> specs;
    std::string outDir;
    std::string target = "host";  // comma-separated target names
    std::string db;               // tuning database to take schedules from ("" for none)
    int threads = 0;              // thread count to take tuned schedules for (0: threadsHere())
    std::vector<std::string> listings;  // also write Halide's "asm" and/or "stmt" per kernel variant
    bool verbose = false;
};

// Writes per spec file and architecture lib<stem><suffix>.a, <stem><suffix>.h and a pkg-config
// file <stem><suffix>.pc (suffix "" for
// x86-64, _arm64, _cuda), PTX files for CUDA (ptx/<kernel>_cuda.ptx), the support headers and
// manifest.json into outDir (and listings/<entry>_<variant>.s|.stmt when asked), all or nothing.
// Returns a process exit code (0 on success).
int generate(const GenerateRequest &request, std::ostream &log, std::ostream &err);

}  // namespace convgen
