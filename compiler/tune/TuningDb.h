// TuningDb: the SQLite database of tuning results (best schedule per problem and machine) and of
// every trial, so that a killed tune resumes where it stopped.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace convgen {

// What a result is keyed by: the problem, the convgen target variant, the thread count, the machine,
// the compilers. The thread count matters: the fastest schedule at 1 thread can be the wrong one at 2.
struct TuningKey {
    std::string problem;         // problemString(desc), e.g. f32_mbxic80oc512iwxkw3sw1pw1dw1g1_gelu
    std::string target;          // convgen variant name, e.g. x86-64-avx512
    int threads = 1;             // Halide thread pool size the schedule was timed with
    std::string cpuFeatures;     // convgen_cpu_features()
    std::string cpuModel;        // /proc/cpuinfo model name
    std::string convgenVersion;  // CONVGEN_VERSION
    std::string halideVersion;   // e.g. 21.0.0

    // The key of `problem` on `target` at `threads` (0: threadsHere()) on this machine with this build.
    static TuningKey here(const std::string &problem, const std::string &target, int threads = 0);
};

// The thread count Halide's pool uses in this process: HL_NUM_THREADS when set, else the core count.
int threadsHere();

// The best schedule found for a key.
struct TuningResult {
    TuningKey key;
    std::string schedule;    // ScheduleParams::str()
    double timeMs = 0;       // its median time
    double defaultMs = 0;    // the default rule's median time, measured in the same tune
    std::string sizes;       // what was timed, e.g. "batch=1 length=3000"
    std::string created;     // UTC, ISO 8601
};

// One tried schedule: its time, or why it was discarded ("wrong: ...", "failed: ...").
struct TuningTrial {
    std::string schedule;
    double timeMs = 0;       // 0 when discarded
    std::string outcome;     // "ok", or the reason it was discarded
};

class TuningDb {
public:
    // Opens (creating when `create` and missing) a tuning database. A file that is not SQLite, or a
    // SQLite file without convgen's tables, gives nullopt and *error naming the file.
    static std::unique_ptr<TuningDb> open(const std::string &path, bool create, std::string *error);
    ~TuningDb();

    // Every trial already stored for a key (a resumed tune skips them).
    std::vector<TuningTrial> trials(const TuningKey &key);
    // Stores one trial, in its own transaction (a kill leaves every earlier trial intact).
    bool addTrial(const TuningKey &key, const TuningTrial &trial, std::string *error);
    // Stores r unless the database already has a faster schedule for its key. Returns false on error.
    bool offer(const TuningResult &r, std::string *error);
    // The stored result for a problem and target with the same versions: the key's thread count
    // before any other, this machine before others; else the nearest thread count; the fastest of equals.
    std::optional<TuningResult> best(const TuningKey &key);
    // Every stored result, ordered by key.
    std::vector<TuningResult> all();

    const std::string &path() const { return path_; }

private:
    TuningDb() = default;
    sqlite3 *db_ = nullptr;
    std::string path_;
};

// JSON lines of results (one object per line: the key fields (threads a number), schedule, time_ms,
// default_ms, sizes, created), for moving results between machines.
std::string resultToJson(const TuningResult &r);
std::optional<TuningResult> resultFromJson(const std::string &line, std::string *error);

}  // namespace convgen
