// convgen tune and convgen db end to end: kill -9 and resume, concurrent tuners, bad database files,
// export/import round trip, shards, and generate/verify taking the stored schedule.
#include "CliFixture.h"
#include "compiler/tune/TuningDb.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace {

using namespace convgen_test;

const char *kTuneSpec = "kernels:\n"
                        "  - {name: tune_dense, in_channels: 8, out_channels: 16, kernel_size: 3, padding: 1}\n"
                        "  - {name: tune_dw, in_channels: 16, out_channels: 16, groups: 16, kernel_size: 5,"
                        " padding: 2}\n";
const char *kQuick = " --target x86-64 --length 512 --min-time 0.005 --threads 1";

class TuneCli : public Cli {
protected:
    size_t trials(const std::string &db) const {
        std::string error;
        auto t = convgen::TuningDb::open(path(db), false, &error);
        if (!t) return 0;
        size_t n = 0;
        for (const char *p : {"f32_mbxic8oc16iwxkw3sw1pw1dw1g1", "f32_mbxic16oc16iwxkw5sw1pw2dw1g16"})
            n += t->trials(convgen::TuningKey::here(p, "x86-64", 1)).size();  // kQuick tunes at 1 thread
        return n;
    }
    // Starts convgen with args in the background; returns its pid.
    pid_t spawn(const std::string &args, const std::string &out = "bg.out") const {
        const std::string cmd = std::string("exec ") + CONVGEN_BINARY + " " + args + " >" + path(out) + " 2>&1";
        pid_t pid = fork();
        if (pid == 0) {
            execl("/bin/sh", "sh", "-c", cmd.c_str(), (char *)nullptr);
            _exit(127);
        }
        return pid;
    }
};

}  // namespace

TEST_F(TuneCli, KillNineThenResume) {
    write("k.yaml", kTuneSpec);
    const pid_t pid = spawn("tune " + path("k.yaml") + " --db " + path("t.db") + " --budget 10m" + kQuick);
    // Wait for a few stored trials, then kill without warning in the middle of the search.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (trials("t.db") < 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the tune finished before it could be killed";
    const size_t before = trials("t.db");
    ASSERT_GE(before, 3u) << slurp(path("bg.out"));
    // The database opens (integrity-checked) and the next run continues from it.
    Result r = convgen("db list " + path("t.db"));
    ASSERT_EQ(r.code, 0) << r.err;
    r = convgen("tune " + path("k.yaml") + " --db " + path("t.db") + " --trials " + std::to_string(before + 4) + kQuick);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("stored trials"), std::string::npos) << r.out;
    // Killed during the first kernel (a few trials of dozens): it goes on to before + 4 trials without
    // repeating any, the second kernel runs its first before + 4.
    EXPECT_EQ(trials("t.db"), 2 * (before + 4)) << r.out;
    EXPECT_NE(r.out.find(std::to_string(before) + " stored before"), std::string::npos) << r.out;
}

TEST_F(TuneCli, ConcurrentTunersShareOneDatabase) {
    write("k.yaml", kTuneSpec);
    const std::string common = "tune " + path("k.yaml") + " --db " + path("t.db") + " --trials 6" + kQuick;
    const pid_t a = spawn(common, "a.out"), b = spawn(common + " --shard 1/2", "b.out");
    int sa = 0, sb = 0;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    ASSERT_TRUE(WIFEXITED(sa) && WEXITSTATUS(sa) == 0) << slurp(path("a.out"));
    ASSERT_TRUE(WIFEXITED(sb) && WEXITSTATUS(sb) == 0) << slurp(path("b.out"));
    // Both kernels have a result; the trials are unique per schedule, at most 6 per kernel.
    Result r = convgen("db export " + path("t.db"));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("f32_mbxic8oc16iwxkw3sw1pw1dw1g1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("f32_mbxic16oc16iwxkw5sw1pw2dw1g16"), std::string::npos) << r.out;
    EXPECT_GE(trials("t.db"), 7u);
    EXPECT_LE(trials("t.db"), 12u);
}

TEST_F(TuneCli, ShardsSplitTheKernels) {
    write("k.yaml", kTuneSpec);
    Result r = convgen("tune " + path("k.yaml") + " --db " + path("s0.db") + " --trials 2 --shard 0/2" + kQuick);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("tuning 1 of 2 kernels (shard 0/2)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("tune_dense"), std::string::npos);
    EXPECT_EQ(r.out.find("tune_dw"), std::string::npos);
    r = convgen("tune " + path("k.yaml") + " --db " + path("s1.db") + " --trials 2 --shard 1/2" + kQuick);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("tune_dw"), std::string::npos);
    // The merge step of the README recipe.
    r = convgen("db merge " + path("all.db") + " " + path("s0.db") + " " + path("s1.db"));
    ASSERT_EQ(r.code, 0) << r.err;
    r = convgen("db export " + path("all.db"));
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;
    for (const char *bad : {"--shard 2/2", "--shard 1", "--shard -1/2", "--shard a/b"}) {
        r = convgen("tune " + path("k.yaml") + " " + bad);
        EXPECT_EQ(r.code, 2) << bad;
        EXPECT_NE(r.err.find("--shard takes I/N"), std::string::npos) << bad << r.err;
    }
}

TEST_F(TuneCli, BadDatabaseFilesAreClearErrors) {
    write("k.yaml", kTuneSpec);
    write("junk.db", "definitely not an SQLite database; written by a test to look like a corrupt file\n");
    for (const std::string &verb : {"tune " + path("k.yaml") + " --trials 1 --db " + path("junk.db"),
                                    "db list " + path("junk.db"), "db import " + path("junk.db") + " /dev/null",
                                    "generate " + path("k.yaml") + " -o " + path("out") + " --db " + path("junk.db")}) {
        Result r = convgen(verb);
        EXPECT_EQ(r.code, 1) << verb;
        EXPECT_NE(r.err.find(path("junk.db") + ": not a convgen tuning database"), std::string::npos) << verb << r.err;
    }
    EXPECT_NE(access(path("out").c_str(), F_OK), 0) << "generate failed but wrote its output directory";
    Result r = convgen("db list " + path("none.db"));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("none.db"), std::string::npos) << r.err;
    write("bad.jsonl", "{\"problem\": \"p\"}\n");
    r = convgen("db import " + path("t.db") + " " + path("bad.jsonl"));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find(path("bad.jsonl") + ":1: error: missing string field"), std::string::npos) << r.err;
}

TEST_F(TuneCli, ExportImportRoundTrip) {
    write("k.yaml", kTuneSpec);
    ASSERT_EQ(convgen("tune " + path("k.yaml") + " --db " + path("a.db") + " --trials 3" + kQuick).code, 0);
    ASSERT_EQ(convgen("db export " + path("a.db") + " -o " + path("a.jsonl")).code, 0);
    const std::string exported = slurp(path("a.jsonl"));
    EXPECT_EQ(std::count(exported.begin(), exported.end(), '\n'), 2) << exported;
    Result r = convgen("db import " + path("b.db") + " " + path("a.jsonl"));
    ASSERT_EQ(r.code, 0) << r.err;
    r = convgen("db export " + path("b.db"));
    EXPECT_EQ(r.out, exported);
}

TEST_F(TuneCli, GenerateAndVerifyTakeTheStoredSchedule) {
    write("k.yaml", kTuneSpec);
    // A stored schedule the default rule would not choose (3 x 2 tile instead of 3 x 4).
    const std::string tuned = "dense_ncw vec=4 ow_block=5 oc_block=2 parallel=1";
    convgen::TuningResult res{convgen::TuningKey::here("f32_mbxic8oc16iwxkw3sw1pw1dw1g1", "x86-64", 1), tuned, 0.01, 0.02,
                              "batch=1 length=512", "2026-11-26T12:00:00Z"};
    write("t.jsonl", convgen::resultToJson(res) + "\n");
    ASSERT_EQ(convgen("db import " + path("t.db") + " " + path("t.jsonl")).code, 0);
    Result r = convgen("generate " + path("k.yaml") + " -o " + path("out") + " --target x86-64 --db " + path("t.db"));
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string manifest = slurp(path("out/manifest.json"));
    EXPECT_NE(manifest.find("\"schedule\": \"" + tuned + "\""), std::string::npos) << manifest;
    EXPECT_NE(manifest.find("\"schedule_source\": \"tuned: " + path("t.db")), std::string::npos) << manifest;
    EXPECT_NE(manifest.find("\"schedule_source\": \"default\""), std::string::npos) << "tune_dw has no entry";
    // The tuned kernel is checked against the reference like every other.
    r = convgen("verify " + path("k.yaml") + " --target x86-64 --db " + path("t.db"));
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("dense_ncw (tuned)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("0 failed"), std::string::npos) << r.out;
    // A stored schedule this convgen cannot apply falls back to the default, with a note.
    res.schedule = "no_such_candidate vec=4 ow_block=1 oc_block=1 parallel=1";
    res.key.problem = "f32_mbxic16oc16iwxkw5sw1pw2dw1g16";
    write("u.jsonl", convgen::resultToJson(res) + "\n");
    ASSERT_EQ(convgen("db import " + path("t.db") + " " + path("u.jsonl")).code, 0);
    r = convgen("generate " + path("k.yaml") + " -o " + path("out2") + " --target x86-64 --verbose --db " + path("t.db"));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("is not a schedule this convgen accepts"), std::string::npos) << r.out;
}

TEST_F(TuneCli, EachThreadCountHasItsOwnSchedule) {
    write("k.yaml", "kernels:\n  - {name: tune_dense, in_channels: 8, out_channels: 16, kernel_size: 3, padding: 1}\n");
    const std::string spec = " " + path("k.yaml") + " --target x86-64 --length 512 --min-time 0.005 --trials 2 --db ";
    ASSERT_EQ(convgen("tune" + spec + path("t.db") + " --threads 1").code, 0);
    // Trials at 1 thread are not results at 2: the second tune starts afresh.
    Result r = convgen("tune" + spec + path("t.db") + " --threads 2");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("0 stored before"), std::string::npos) << r.out;
    r = convgen("db list " + path("t.db"));
    EXPECT_NE(r.out.find(" 1T "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" 2T "), std::string::npos) << r.out;

    // generate --threads N takes N's schedule; a count nobody tuned takes the nearest one.
    const std::string problem = "f32_mbxic8oc16iwxkw3sw1pw1dw1g1";
    const std::string one = "dense_ncw vec=4 ow_block=5 oc_block=2 parallel=1";
    const std::string two = "dense_ncw vec=4 ow_block=2 oc_block=3 parallel=1";
    convgen::TuningResult at1{convgen::TuningKey::here(problem, "x86-64", 1), one, 0.01, 0.02, "batch=1 length=512", ""};
    convgen::TuningResult at2 = at1;
    at2.key.threads = 2, at2.schedule = two;
    write("u.jsonl", convgen::resultToJson(at1) + "\n" + convgen::resultToJson(at2) + "\n");
    ASSERT_EQ(convgen("db import " + path("u.db") + " " + path("u.jsonl")).code, 0);
    for (auto [threads, want] : {std::pair<int, std::string>{1, one}, {2, two}, {8, two}}) {
        const std::string out = path("out" + std::to_string(threads));
        r = convgen("generate " + path("k.yaml") + " -o " + out + " --target x86-64 --db " + path("u.db") +
                    " --threads " + std::to_string(threads));
        ASSERT_EQ(r.code, 0) << r.err;
        const std::string manifest = slurp(out + "/manifest.json");
        EXPECT_NE(manifest.find("\"schedule\": \"" + want + "\""), std::string::npos) << threads << manifest;
        const std::string tunedAt = threads == 1 ? "1 thread," : "2 threads,";
        EXPECT_NE(manifest.find(tunedAt), std::string::npos) << threads << manifest;
    }
}

TEST_F(TuneCli, UsageErrors) {
    write("k.yaml", kTuneSpec);
    EXPECT_EQ(convgen("tune").code, 2);
    EXPECT_EQ(convgen("tune " + path("k.yaml") + " --budget 5x").code, 2);
    Result r = convgen("tune " + path("k.yaml") + " --target cuda");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("cannot run"), std::string::npos) << r.err;
    r = convgen("tune --help");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("--shard I/N"), std::string::npos);
    EXPECT_EQ(convgen("db frobnicate x.db").code, 2);
    EXPECT_EQ(convgen("db --help").code, 0);
}
