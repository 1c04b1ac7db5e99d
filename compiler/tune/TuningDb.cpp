// TuningDb: SQLite in WAL mode with a busy timeout, so several tuners (processes) can share one file;
// every write is one transaction, so kill -9 at any moment leaves a consistent database.
#include "TuningDb.h"

#include "convgen/cpu.h"

#include <Halide.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>
#include <sqlite3.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <thread>

namespace convgen {

namespace {

constexpr const char *kFormat = "convgen-tuning-db";
constexpr int kSchemaVersion = 2;  // 2: threads in the key
constexpr int kBusyTimeoutMs = 60000;  // a writer waits up to a minute for another one

const char *kSchema = R"(
CREATE TABLE IF NOT EXISTS convgen_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
  problem TEXT NOT NULL, target TEXT NOT NULL, threads INTEGER NOT NULL, cpu_features TEXT NOT NULL,
  cpu_model TEXT NOT NULL, convgen_version TEXT NOT NULL, halide_version TEXT NOT NULL,
  schedule TEXT NOT NULL, time_ms REAL NOT NULL, default_ms REAL NOT NULL, sizes TEXT NOT NULL,
  created TEXT NOT NULL,
  PRIMARY KEY (problem, target, threads, cpu_features, cpu_model, convgen_version, halide_version));
CREATE TABLE IF NOT EXISTS trials (
  problem TEXT NOT NULL, target TEXT NOT NULL, threads INTEGER NOT NULL, cpu_features TEXT NOT NULL,
  cpu_model TEXT NOT NULL, convgen_version TEXT NOT NULL, halide_version TEXT NOT NULL,
  schedule TEXT NOT NULL, time_ms REAL NOT NULL, outcome TEXT NOT NULL, created TEXT NOT NULL,
  PRIMARY KEY (problem, target, threads, cpu_features, cpu_model, convgen_version, halide_version, schedule));
)";

std::string readCpuModel() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("model name", 0) != 0) continue;
        size_t colon = line.find(':');
        if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
    return "unknown";
}

std::string nowUtc() {
    std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

// A prepared statement that finalizes itself.
struct Stmt {
    sqlite3_stmt *s = nullptr;
    Stmt(sqlite3 *db, const char *sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
    ~Stmt() { sqlite3_finalize(s); }
    Stmt &bind(int i, const std::string &v) {
        sqlite3_bind_text(s, i, v.c_str(), int(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt &bind(int i, double v) {
        sqlite3_bind_double(s, i, v);
        return *this;
    }
    Stmt &bind(int i, int v) {
        sqlite3_bind_int(s, i, v);
        return *this;
    }
    // The key takes parameters ?1 to ?7, in the tables' column order.
    Stmt &bindKey(const TuningKey &k) {
        return bind(1, k.problem).bind(2, k.target).bind(3, k.threads).bind(4, k.cpuFeatures).bind(5, k.cpuModel)
            .bind(6, k.convgenVersion).bind(7, k.halideVersion);
    }
    std::string text(int col) const {
        const unsigned char *t = sqlite3_column_text(s, col);
        return t ? reinterpret_cast<const char *>(t) : "";
    }
};

constexpr const char *kResultColumns =
    "problem, target, threads, cpu_features, cpu_model, convgen_version, halide_version, schedule, time_ms, "
    "default_ms, sizes, created";

TuningResult readResult(const Stmt &q) {
    TuningResult r;
    r.key = {q.text(0), q.text(1), sqlite3_column_int(q.s, 2), q.text(3), q.text(4), q.text(5), q.text(6)};
    r.schedule = q.text(7);
    r.timeMs = sqlite3_column_double(q.s, 8);
    r.defaultMs = sqlite3_column_double(q.s, 9);
    r.sizes = q.text(10);
    r.created = q.text(11);
    return r;
}

bool exec(sqlite3 *db, const char *sql, std::string *error) {
    char *message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
    if (error) *error = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return false;
}

}  // namespace

int threadsHere() {
    const char *env = std::getenv("HL_NUM_THREADS");
    const int n = env ? std::atoi(env) : 0;
    return n > 0 ? n : int(std::max(1u, std::thread::hardware_concurrency()));
}

TuningKey TuningKey::here(const std::string &problem, const std::string &target, int threads) {
    static const std::string model = readCpuModel();
    return {problem,
            target,
            threads > 0 ? threads : threadsHere(),
            convgen_cpu_features(),
            model,
            CONVGEN_VERSION,
            std::to_string(HALIDE_VERSION_MAJOR) + "." + std::to_string(HALIDE_VERSION_MINOR) + "." +
                std::to_string(HALIDE_VERSION_PATCH)};
}

std::unique_ptr<TuningDb> TuningDb::open(const std::string &path, bool create, std::string *error) {
    std::unique_ptr<TuningDb> t(new TuningDb());
    t->path_ = path;
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &t->db_, flags, nullptr) != SQLITE_OK) {
        if (error) *error = path + ": cannot open tuning database: " + sqlite3_errmsg(t->db_);
        return nullptr;
    }
    sqlite3_busy_timeout(t->db_, kBusyTimeoutMs);
    // Reading the schema is the first access: a file that is not SQLite fails here. Creating is one
    // immediate transaction, so a second tuner starting on the same new file waits for the first.
    std::string why;
    if (create && !exec(t->db_, "BEGIN IMMEDIATE", &why)) {
        if (error) *error = path + ": not a convgen tuning database (" + why + ")";
        return nullptr;
    }
    bool empty = false;
    {
        Stmt tables(t->db_, "SELECT count(*) FROM sqlite_master");
        if (!tables.s || sqlite3_step(tables.s) != SQLITE_ROW) {
            if (error) *error = path + ": not a convgen tuning database (" + sqlite3_errmsg(t->db_) + ")";
            return nullptr;
        }
        empty = sqlite3_column_int(tables.s, 0) == 0;
    }
    if (empty && create) {
        if (!exec(t->db_, kSchema, &why)) {
            if (error) *error = path + ": cannot create tuning database: " + why;
            return nullptr;
        }
        Stmt insert(t->db_, "INSERT OR IGNORE INTO convgen_meta VALUES ('format', ?1), ('schema_version', ?2)");
        insert.bind(1, std::string(kFormat)).bind(2, std::to_string(kSchemaVersion));
        if (sqlite3_step(insert.s) != SQLITE_DONE) {
            if (error) *error = path + ": cannot create tuning database: " + sqlite3_errmsg(t->db_);
            return nullptr;
        }
    }
    if (create && !exec(t->db_, "COMMIT", &why)) {
        if (error) *error = path + ": cannot create tuning database: " + why;
        return nullptr;
    }
    if (empty && create) {
        // WAL lets readers and one writer work at once; the mode is stored in the file. Switching
        // needs the file to itself, so it is retried while another process has it open.
        for (int waited = 0; !exec(t->db_, "PRAGMA journal_mode=WAL", &why); waited += 20) {
            if (waited >= kBusyTimeoutMs) {
                if (error) *error = path + ": cannot switch the tuning database to WAL mode: " + why;
                return nullptr;
            }
            usleep(20000);
        }
    }
    Stmt meta(t->db_, "SELECT (SELECT value FROM convgen_meta WHERE key = 'format'), "
                      "(SELECT value FROM convgen_meta WHERE key = 'schema_version')");
    if (!meta.s || sqlite3_step(meta.s) != SQLITE_ROW || meta.text(0) != kFormat) {
        if (error) *error = path + ": not a convgen tuning database (an SQLite file without convgen's tables)";
        return nullptr;
    }
    if (meta.text(1) != std::to_string(kSchemaVersion)) {
        if (error)
            *error = path + ": tuning database schema version " + meta.text(1) + ", this convgen reads version " +
                     std::to_string(kSchemaVersion);
        return nullptr;
    }
    Stmt check(t->db_, "PRAGMA quick_check");
    if (!check.s || sqlite3_step(check.s) != SQLITE_ROW || check.text(0) != "ok") {
        if (error) *error = path + ": tuning database is corrupt (" + sqlite3_errmsg(t->db_) + ")";
        return nullptr;
    }
    return t;
}

TuningDb::~TuningDb() { sqlite3_close(db_); }

std::vector<TuningTrial> TuningDb::trials(const TuningKey &key) {
    Stmt q(db_, "SELECT schedule, time_ms, outcome FROM trials WHERE problem = ?1 AND target = ?2 AND threads = ?3 "
                "AND cpu_features = ?4 AND cpu_model = ?5 AND convgen_version = ?6 AND halide_version = ?7 "
                "ORDER BY rowid");
    q.bindKey(key);
    std::vector<TuningTrial> out;
    while (sqlite3_step(q.s) == SQLITE_ROW) out.push_back({q.text(0), sqlite3_column_double(q.s, 1), q.text(2)});
    return out;
}

bool TuningDb::addTrial(const TuningKey &key, const TuningTrial &trial, std::string *error) {
    Stmt q(db_, "INSERT OR REPLACE INTO trials VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    q.bindKey(key).bind(8, trial.schedule).bind(9, trial.timeMs).bind(10, trial.outcome).bind(11, nowUtc());
    if (sqlite3_step(q.s) == SQLITE_DONE) return true;
    if (error) *error = path_ + ": " + sqlite3_errmsg(db_);
    return false;
}

bool TuningDb::offer(const TuningResult &r, std::string *error) {
    // One statement, so two tuners offering results for the same key cannot interleave.
    Stmt q(db_, "INSERT INTO results VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                "ON CONFLICT DO UPDATE SET schedule = excluded.schedule, time_ms = excluded.time_ms, "
                "default_ms = excluded.default_ms, sizes = excluded.sizes, created = excluded.created "
                "WHERE excluded.time_ms < results.time_ms");
    q.bindKey(r.key).bind(8, r.schedule).bind(9, r.timeMs).bind(10, r.defaultMs).bind(11, r.sizes);
    q.bind(12, r.created.empty() ? nowUtc() : r.created);
    if (sqlite3_step(q.s) == SQLITE_DONE) return true;
    if (error) *error = path_ + ": " + sqlite3_errmsg(db_);
    return false;
}

std::optional<TuningResult> TuningDb::best(const TuningKey &key) {
    // The same thread count first, this machine's own result first; else the nearest thread count.
    const std::string sql = std::string("SELECT ") + kResultColumns +
                            " FROM results WHERE problem = ?1 AND target = ?2 AND convgen_version = ?6 AND "
                            "halide_version = ?7 ORDER BY abs(threads - ?3), (cpu_features = ?4 AND cpu_model = ?5) "
                            "DESC, time_ms LIMIT 1";
    Stmt q(db_, sql.c_str());
    q.bindKey(key);
    if (sqlite3_step(q.s) != SQLITE_ROW) return std::nullopt;
    return readResult(q);
}

std::vector<TuningResult> TuningDb::all() {
    const std::string sql = std::string("SELECT ") + kResultColumns +
                            " FROM results ORDER BY problem, target, threads, cpu_model, cpu_features, convgen_version, "
                            "halide_version";
    Stmt q(db_, sql.c_str());
    std::vector<TuningResult> out;
    while (sqlite3_step(q.s) == SQLITE_ROW) out.push_back(readResult(q));
    return out;
}

std::string resultToJson(const TuningResult &r) {
    llvm::json::Object o{{"problem", r.key.problem},
                         {"target", r.key.target},
                         {"threads", r.key.threads},
                         {"cpu_features", r.key.cpuFeatures},
                         {"cpu_model", r.key.cpuModel},
                         {"convgen_version", r.key.convgenVersion},
                         {"halide_version", r.key.halideVersion},
                         {"schedule", r.schedule},
                         {"time_ms", r.timeMs},
                         {"default_ms", r.defaultMs},
                         {"sizes", r.sizes},
                         {"created", r.created}};
    std::string text;
    llvm::raw_string_ostream os(text);
    os << llvm::json::Value(std::move(o));
    return os.str();
}

std::optional<TuningResult> resultFromJson(const std::string &line, std::string *error) {
    auto v = llvm::json::parse(line);
    if (!v) {
        if (error) *error = "invalid JSON: " + llvm::toString(v.takeError());
        return std::nullopt;
    }
    const llvm::json::Object *o = v->getAsObject();
    if (!o) {
        if (error) *error = "expected a JSON object";
        return std::nullopt;
    }
    TuningResult r;
    struct Field {
        const char *name;
        std::string *out;
    } strings[] = {{"problem", &r.key.problem},       {"target", &r.key.target},
                   {"cpu_features", &r.key.cpuFeatures}, {"cpu_model", &r.key.cpuModel},
                   {"convgen_version", &r.key.convgenVersion}, {"halide_version", &r.key.halideVersion},
                   {"schedule", &r.schedule},         {"sizes", &r.sizes},
                   {"created", &r.created}};
    for (const Field &f : strings) {
        auto s = o->getString(f.name);
        if (!s) {
            if (error) *error = std::string("missing string field '") + f.name + "'";
            return std::nullopt;
        }
        *f.out = s->str();
    }
    auto threads = o->getInteger("threads");
    if (!threads || *threads < 1) {
        if (error) *error = "threads must be a positive integer";
        return std::nullopt;
    }
    r.key.threads = int(*threads);
    auto t = o->getNumber("time_ms"), d = o->getNumber("default_ms");
    if (!t || !d || *t <= 0 || *d <= 0) {
        if (error) *error = "time_ms and default_ms must be positive numbers";
        return std::nullopt;
    }
    r.timeMs = *t;
    r.defaultMs = *d;
    return r;
}

}  // namespace convgen
