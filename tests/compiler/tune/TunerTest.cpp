// The tuner and its database through the API: wrong candidates, resuming, keys, JSON lines, bad files.
#include "compiler/schedule/Candidates.h"
#include "compiler/spec/Conv1dSpec.h"
#include "compiler/tune/SearchSpace.h"
#include "compiler/tune/Tuner.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace convgen;

namespace {

class Tune : public ::testing::Test {
protected:
    void SetUp() override {
        char model[] = "/tmp/convgen_tune_test_XXXXXX";
        dir_ = mkdtemp(model);
        d_ = Conv1dSpec().desc;
        d_.ic = 4, d_.oc = 8, d_.kw = 3, d_.pw_l = d_.pw_r = 1;
    }
    void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
    std::unique_ptr<TuningDb> open(const std::string &name) {
        std::string error;
        auto db = TuningDb::open(dir_ + "/" + name, true, &error);
        EXPECT_TRUE(db) << error;
        return db;
    }
    TuneOptions quick(int trials) const {
        TuneOptions o;
        o.trials = trials;
        o.iw = 256;
        o.minTime = 0.005;
        return o;
    }
    std::string dir_;
    convgen_conv1d_desc d_{};
    TargetVariant t_ = *variantNamed("x86-64");
};

}  // namespace

TEST(ScheduleText, RoundTripsAndRejectsOtherText) {
    ScheduleParams p;
    p.candidate = "dense_ncw", p.vector = 16, p.owBlock = 5, p.ocBlock = 3, p.parallel = false;
    auto back = ScheduleParams::parse(p.str());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->str(), p.str());
    EXPECT_EQ(back->owTiles, 1);
    p.owTiles = 4;  // written only where it is not 1
    EXPECT_EQ(p.str(), "dense_ncw vec=16 ow_block=5 oc_block=3 parallel=0 ow_tiles=4");
    back = ScheduleParams::parse(p.str());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->owTiles, 4);
    p.blocksOuter = p.trimTaps = true;  // likewise written only where set, after ow_tiles
    EXPECT_EQ(p.str(), "dense_ncw vec=16 ow_block=5 oc_block=3 parallel=0 ow_tiles=4 blocks_outer=1 trim_taps=1");
    back = ScheduleParams::parse(p.str());
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->blocksOuter && back->trimTaps);
    back = ScheduleParams::parse("dense_ncw vec=16 ow_block=5 oc_block=3 parallel=0 trim_taps=1");
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->trimTaps && !back->blocksOuter && back->owTiles == 1);
    ScheduleParams narrow;
    narrow.candidate = "narrow_ncw", narrow.phaseTaps = true;  // written only where set, after trim_taps
    EXPECT_EQ(narrow.str(), "narrow_ncw vec=8 ow_block=3 oc_block=4 parallel=1 phase_taps=1");
    back = ScheduleParams::parse(narrow.str());
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->phaseTaps && !back->trimTaps);
    p.phaseTaps = true;
    EXPECT_EQ(p.str(), "dense_ncw vec=16 ow_block=5 oc_block=3 parallel=0 ow_tiles=4 blocks_outer=1 trim_taps=1 "
                       "phase_taps=1");
    back = ScheduleParams::parse(p.str());
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->phaseTaps && back->trimTaps && back->blocksOuter);
    ScheduleParams dw;
    dw.candidate = "depthwise_ncw", dw.directFrom = 320;  // written only where not 0, last
    EXPECT_EQ(dw.str(), "depthwise_ncw vec=8 ow_block=3 oc_block=4 parallel=1 direct_from=320");
    back = ScheduleParams::parse(dw.str());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->directFrom, 320);
    EXPECT_FALSE(back->laneTaps);
    dw.laneTaps = true;  // written only where set, after phase_taps
    EXPECT_EQ(dw.str(), "depthwise_ncw vec=8 ow_block=3 oc_block=4 parallel=1 lane_taps=1 direct_from=320");
    back = ScheduleParams::parse(dw.str());
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->laneTaps && back->directFrom == 320 && !back->phaseTaps);
    ScheduleParams rows;
    rows.candidate = "dense_ncw", rows.owTiles = 6, rows.batchRows = 2;  // written only where not 0, last
    EXPECT_EQ(rows.str(), "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 ow_tiles=6 batch_rows=2");
    back = ScheduleParams::parse(rows.str());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->batchRows, 2);
    for (const char *bad : {"", "dense_ncw", "dense_ncw vec=8 ow_block=3 oc_block=4", "dense_ncw vec=x ow_block=3 "
                            "oc_block=4 parallel=1", "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=2",
                            "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 extra",
                            "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 ow_tiles=1",
                            "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 ow_tiles=0",
                            "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 ow_tiles=2 extra",
                            "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 trim_taps=0",
                            "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 trim_taps=1 blocks_outer=1",
                            "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 blocks_outer=1 ow_tiles=2",
                            "narrow_ncw vec=8 ow_block=3 oc_block=4 parallel=1 phase_taps=0",
                            "narrow_ncw vec=8 ow_block=3 oc_block=4 parallel=1 phase_taps=1 trim_taps=1",
                            "depthwise_ncw vec=8 ow_block=3 oc_block=4 parallel=1 direct_from=0",
                            "depthwise_ncw vec=8 ow_block=3 oc_block=4 parallel=1 direct_from=x",
                            "depthwise_ncw vec=8 ow_block=3 oc_block=4 parallel=1 direct_from=9 ow_tiles=2",
                            "depthwise_ncw vec=8 ow_block=3 oc_block=4 parallel=1 lane_taps=0",
                            "depthwise_ncw vec=8 ow_block=3 oc_block=4 parallel=1 direct_from=9 lane_taps=1",
                            "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 batch_rows=0",
                            "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 batch_rows=2 ow_tiles=6"})
        EXPECT_FALSE(ScheduleParams::parse(bad)) << bad;
}

TEST(SearchSpaceTest, DefaultFirstNoDuplicatesAllAccepted) {
    convgen_conv1d_desc d = Conv1dSpec().desc;
    d.ic = d.oc = d.g = 64, d.kw = 31, d.pw_l = d.pw_r = 15;
    TargetVariant t = *variantNamed("x86-64-avx2");
    std::vector<ScheduleParams> space = searchSpace(d, t);
    ASSERT_GT(space.size(), 5u);
    EXPECT_EQ(space.front().str(), chooseSchedule(d, t, nullptr).str());
    std::set<std::string> seen;
    for (const ScheduleParams &p : space) {
        EXPECT_TRUE(seen.insert(p.str()).second) << p.str();
        for (const ScheduleCandidate &c : cpuCandidates())
            if (c.name == p.candidate) EXPECT_EQ(c.refuses(d), "") << p.str();
    }
    // Direct reads are tried where the default stages every row (31 taps), and the other way round;
    // the taps a vector apart unrolled together (the default on AVX2 for 8 vectors) and not.
    EXPECT_EQ(space.front().str(), "depthwise_ncw vec=8 ow_block=8 oc_block=8 parallel=1 lane_taps=1");
    EXPECT_TRUE(seen.count("depthwise_ncw vec=8 ow_block=8 oc_block=8 parallel=1 lane_taps=1 direct_from=128"));
    EXPECT_TRUE(seen.count("depthwise_ncw vec=8 ow_block=8 oc_block=8 parallel=1"));
    d.kw = 4, d.pw_l = 3, d.pw_r = 0;
    space = searchSpace(d, t);
    EXPECT_EQ(space.front().str(), "depthwise_ncw vec=8 ow_block=1 oc_block=8 parallel=1 direct_from=320");
    EXPECT_TRUE(std::any_of(space.begin(), space.end(), [](const ScheduleParams &p) {
        return p.str() == "depthwise_ncw vec=8 ow_block=1 oc_block=8 parallel=1";
    }));
    // A strided layer of one input channel: narrow_ncw by stride phase (AVX2's default) and not.
    d.ic = d.g = 1, d.oc = 64, d.kw = 10, d.sw = 5, d.pw_l = d.pw_r = 0;
    space = searchSpace(d, t);
    EXPECT_EQ(space.front().str(), "narrow_ncw vec=8 ow_block=3 oc_block=4 parallel=1 phase_taps=1");
    EXPECT_TRUE(std::any_of(space.begin(), space.end(), [](const ScheduleParams &p) {
        return p.str() == "narrow_ncw vec=8 ow_block=3 oc_block=4 parallel=1";
    }));
    d.sw = 1;  // nothing to split
    space = searchSpace(d, t);
    EXPECT_TRUE(std::none_of(space.begin(), space.end(), [](const ScheduleParams &p) { return p.phaseTaps; }));
    // Batch rows per tile (AVX2's default for kws_small) and not; none for an odd fixed batch; every
    // tile of the space splits into the rows, or takes one row.
    d.ic = 40, d.kw = 3, d.pw_l = d.pw_r = 1;
    space = searchSpace(d, t);
    EXPECT_EQ(space.front().str(), "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 ow_tiles=6 batch_rows=2");
    EXPECT_TRUE(std::any_of(space.begin(), space.end(), [](const ScheduleParams &p) {
        return p.str() == "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 ow_tiles=6";
    }));
    for (const ScheduleParams &p : space)
        if (p.batchRows) EXPECT_EQ(p.owBlock * p.ocBlock % p.batchRows, 0) << p.str();
    d.mb = 3;
    space = searchSpace(d, t);
    EXPECT_TRUE(std::none_of(space.begin(), space.end(), [](const ScheduleParams &p) { return p.batchRows; }));
}

TEST_F(Tune, WrongCandidateIsRejectedAndNeverStored) {
    auto db = open("wrong.db");
    const std::vector<ScheduleParams> space = searchSpace(d_, t_);
    ASSERT_GE(space.size(), 3u);
    const std::string victim = space[1].str();
    TuneOptions o = quick(3);
    // A candidate that computes one wrong value: the check must catch it before any timing counts.
    o.corruptOutput = [&](const ScheduleParams &p, void *dst, size_t) {
        if (p.str() == victim) static_cast<float *>(dst)[0] += 1.0f;
    };
    std::ostringstream log;
    TuneReport r = tuneKernel("k", d_, t_, *db, o, log);
    ASSERT_TRUE(r.ok) << log.str();
    EXPECT_EQ(r.wrong, 1) << log.str();
    EXPECT_NE(r.best, victim);
    EXPECT_NE(log.str().find(victim + ": rejected, wrong result"), std::string::npos) << log.str();
    bool stored = false;
    for (const TuningTrial &tr : db->trials(TuningKey::here(problemString(d_), t_.name)))
        if (tr.schedule == victim) {
            stored = true;
            EXPECT_EQ(tr.outcome.rfind("wrong: ", 0), 0u) << tr.outcome;
        }
    EXPECT_TRUE(stored);
    for (const TuningResult &res : db->all()) EXPECT_NE(res.schedule, victim);
}

TEST_F(Tune, ResumesWithoutRepeatingTrials) {
    auto db = open("resume.db");
    std::ostringstream log;
    TuneReport first = tuneKernel("k", d_, t_, *db, quick(3), log);
    ASSERT_TRUE(first.ok) << log.str();
    EXPECT_EQ(first.resumed, 0);
    const TuningKey key = TuningKey::here(problemString(d_), t_.name);
    EXPECT_EQ(db->trials(key).size(), 3u);
    TuneReport second = tuneKernel("k", d_, t_, *db, quick(5), log);
    ASSERT_TRUE(second.ok) << log.str();
    EXPECT_EQ(second.resumed, 3);
    EXPECT_EQ(db->trials(key).size(), 5u);  // two new ones, none tried twice
    auto best = db->best(key);
    ASSERT_TRUE(best);
    EXPECT_GT(best->timeMs, 0);
    EXPECT_LE(best->timeMs, best->defaultMs * 1.0000001);
}

// The search's winner is timed once more against the default before it is stored. A candidate that
// is fast during the search and slow in that final check (a lucky winner) leaves the default stored.
TEST_F(Tune, AWinnerThatIsNotConfirmedLeavesTheDefault) {
    auto db = open("lucky.db");
    const std::vector<ScheduleParams> space = searchSpace(d_, t_);
    const std::string def = space[0].str(), lucky = space[1].str();
    TuneOptions o = quick(2);
    o.beforeTimedRun = [&](const ScheduleParams &p, bool confirming) {
        if (p.str() == (confirming ? lucky : def)) usleep(2000);
    };
    std::ostringstream log;
    TuneReport r = tuneKernel("k", d_, t_, *db, o, log);
    ASSERT_TRUE(r.ok) << log.str();
    EXPECT_NE(log.str().find(lucky + ": "), std::string::npos) << log.str();
    EXPECT_NE(log.str().find("new best"), std::string::npos) << log.str();
    EXPECT_NE(log.str().find("the default stays"), std::string::npos) << log.str();
    EXPECT_EQ(r.best, def);
    auto best = db->best(TuningKey::here(problemString(d_), t_.name));
    ASSERT_TRUE(best);
    EXPECT_EQ(best->schedule, def);
}

// ... and a winner that is faster in the final check too is stored, with the confirmed time.
TEST_F(Tune, AConfirmedWinnerIsStored) {
    auto db = open("confirmed.db");
    const std::vector<ScheduleParams> space = searchSpace(d_, t_);
    const std::string def = space[0].str(), winner = space[1].str();
    TuneOptions o = quick(2);
    o.beforeTimedRun = [&](const ScheduleParams &p, bool) {
        if (p.str() == def) usleep(2000);
    };
    std::ostringstream log;
    TuneReport r = tuneKernel("k", d_, t_, *db, o, log);
    ASSERT_TRUE(r.ok) << log.str();
    EXPECT_EQ(r.best, winner) << log.str();
    EXPECT_NE(log.str().find("confirming " + winner), std::string::npos) << log.str();
    auto best = db->best(TuningKey::here(problemString(d_), t_.name));
    ASSERT_TRUE(best);
    EXPECT_EQ(best->schedule, winner);
    EXPECT_LE(best->timeMs, 0.98 * best->defaultMs);
}

TEST_F(Tune, OfferKeepsTheFaster) {
    auto db = open("offer.db");
    TuningResult r{TuningKey::here("p", "x86-64"), "dense_ncw vec=4 ow_block=3 oc_block=4 parallel=1", 2.0, 3.0,
                   "batch=1 length=8", ""};
    std::string error;
    ASSERT_TRUE(db->offer(r, &error)) << error;
    r.schedule = "dense_ncw vec=4 ow_block=2 oc_block=4 parallel=1", r.timeMs = 2.5;
    ASSERT_TRUE(db->offer(r, &error)) << error;
    EXPECT_EQ(db->best(r.key)->timeMs, 2.0);
    r.timeMs = 1.5;
    ASSERT_TRUE(db->offer(r, &error)) << error;
    EXPECT_EQ(db->best(r.key)->schedule, r.schedule);
    // Another machine's result serves when this machine has none, this machine's when it has one.
    TuningResult other = r;
    other.key.problem = "q", other.key.cpuModel = "Some Other CPU", other.timeMs = 0.5;
    ASSERT_TRUE(db->offer(other, &error)) << error;
    EXPECT_EQ(db->best(TuningKey::here("q", "x86-64"))->key.cpuModel, "Some Other CPU");
    other.key.problem = "p";
    ASSERT_TRUE(db->offer(other, &error)) << error;
    EXPECT_EQ(db->best(r.key)->key.cpuModel, r.key.cpuModel);
}

TEST_F(Tune, JsonLinesRoundTrip) {
    TuningResult r{TuningKey::here("f32_mbxic4oc8iwxkw3sw1pw1dw1g1", "x86-64-avx2"),
                   "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1", 0.125, 0.25, "batch=1 length=256",
                   "2026-11-26T10:00:00Z"};
    std::string error;
    auto back = resultFromJson(resultToJson(r), &error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(resultToJson(*back), resultToJson(r));
    EXPECT_FALSE(resultFromJson("{\"problem\": 3}", &error));
    EXPECT_NE(error.find("problem"), std::string::npos);
    EXPECT_FALSE(resultFromJson("not json", &error));
    std::string noThreads = resultToJson(r);
    noThreads.replace(noThreads.find("\"threads\""), 1, "\"x");  // a line from before threads were keyed
    EXPECT_FALSE(resultFromJson(noThreads, &error));
    EXPECT_NE(error.find("threads"), std::string::npos) << error;
}

TEST_F(Tune, BestPrefersTheSameThreadCountThenTheNearest) {
    auto db = open("threads.db");
    std::string error;
    for (int threads : {1, 4}) {
        TuningResult r{TuningKey::here("p", "x86-64", threads),
                       "dense_ncw vec=4 ow_block=" + std::to_string(threads) + " oc_block=4 parallel=1",
                       threads == 1 ? 2.0 : 0.5, 3.0, "batch=1 length=8", ""};
        ASSERT_TRUE(db->offer(r, &error)) << error;
    }
    // Faster at 4 threads does not make it the 1-thread schedule.
    EXPECT_EQ(db->best(TuningKey::here("p", "x86-64", 1))->key.threads, 1);
    EXPECT_EQ(db->best(TuningKey::here("p", "x86-64", 4))->key.threads, 4);
    EXPECT_EQ(db->best(TuningKey::here("p", "x86-64", 2))->key.threads, 1);  // nearest: |2-1| < |2-4|
    EXPECT_EQ(db->best(TuningKey::here("p", "x86-64", 16))->key.threads, 4);
    EXPECT_EQ(db->all().size(), 2u);
}

TEST_F(Tune, BadFilesGetClearErrors) {
    std::string error;
    const std::string garbage = dir_ + "/garbage.db";
    std::ofstream(garbage) << "this is not an SQLite database, just text that is long enough to have a header\n";
    EXPECT_FALSE(TuningDb::open(garbage, true, &error));
    EXPECT_NE(error.find(garbage + ": not a convgen tuning database"), std::string::npos) << error;

    // A valid SQLite file of some other program.
    const std::string foreign = dir_ + "/foreign.db";
    sqlite3 *raw = nullptr;
    ASSERT_EQ(sqlite3_open(foreign.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
    EXPECT_FALSE(TuningDb::open(foreign, true, &error));
    EXPECT_NE(error.find("without convgen's tables"), std::string::npos) << error;

    // A real tuning database whose data pages were overwritten (a bad disk or copy).
    const std::string good = dir_ + "/good.db";
    {
        auto db = open("good.db");
        for (int i = 0; i < 300; ++i)
            ASSERT_TRUE(db->addTrial(TuningKey::here("p" + std::to_string(i), "x86-64"),
                                     {"generic vec=4 ow_block=1 oc_block=1 parallel=1", 1.0, "ok"}, &error));
    }  // closing the last connection checkpoints the WAL into the file
    std::ifstream in(good, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(bytes.size(), 4u * 4096);
    for (size_t i = 2 * 4096; i < bytes.size(); ++i) bytes[i] = char(0xA5 ^ (i * 7));
    const std::string bad = dir_ + "/bad.db";
    std::ofstream(bad, std::ios::binary) << bytes;
    EXPECT_FALSE(TuningDb::open(bad, false, &error));
    EXPECT_NE(error.find(bad + ": "), std::string::npos) << error;
    // A database written by a convgen with another schema (version 1 had no thread count).
    const std::string old = dir_ + "/old.db";
    ASSERT_EQ(sqlite3_open(old.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE convgen_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                                "INSERT INTO convgen_meta VALUES ('format', 'convgen-tuning-db'), ('schema_version', '1');",
                           nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
    EXPECT_FALSE(TuningDb::open(old, true, &error));
    EXPECT_NE(error.find("schema version 1"), std::string::npos) << error;
    EXPECT_FALSE(TuningDb::open(dir_ + "/missing.db", false, &error));
    EXPECT_NE(error.find("missing.db"), std::string::npos);
}
