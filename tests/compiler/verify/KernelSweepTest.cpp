// Generated kernels (JIT-compiled with the schedules `generate` emits) against the reference: every
// spec in specs/ on every target, and a seeded randomized sweep of the parameter space through every
// schedule candidate that accepts each problem.
#include "compiler/jit/JitKernel.h"
#include "compiler/schedule/Candidates.h"
#include "compiler/spec/SpecParser.h"
#include "compiler/verify/KernelCheck.h"

#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>

using namespace convgen;

namespace {

// Checks one kernel build at every size checkSizes picks, with random and integer fills.
void expectMatchesReference(const convgen_conv1d_desc &d, const std::string &name, const TargetVariant &t,
                            const ScheduleParams *params) {
    // Register-tiled candidates compute whole tiles past the end of a row: their inputs must still be
    // written memory (uninitialized lanes cost denormal stalls: kws_small ran at 1.3-41 GFLOP/s).
    // Not held to this: generic and channels_nwc, which load a few unwritten lanes in their predicated
    // tail vectors, and SSE2 code, whose predicated loads leave the masked-off lanes undefined (AVX2
    // and AVX-512 masked loads of f32 zero them; 16-bit outputs take a scalarized path) before the
    // activation runs on them.
    const std::string candidate = params ? params->candidate : chooseSchedule(d, t, nullptr).candidate;
    JitKernel::poisonAllocations((candidate == "dense_ncw" || candidate == "im2col_ncw" || candidate == "narrow_ncw" ||
                                  candidate == "depthwise_ncw") &&
                                 t.name != "x86-64" &&
                                 d.dtype == CONVGEN_F32);
    std::string error;
    auto k = JitKernel::build(d, name, t, params, &error);
    ASSERT_TRUE(k) << problemString(d) << " on " << t.name << ": " << error;
    const ScheduleParams &p = k->schedule();
    for (auto [mb, iw] : checkSizes(d, outputTile(d, p), p.directFrom, p.batchRows)) {
        for (Fill fill : {Fill::Random, Fill::Integer}) {
            CheckCase c = makeCase(d, mb, iw, fill, 7);
            CheckResult r = checkCase(d, c, [&](const void *s, const void *w, const void *b, void *o, int64_t n,
                                                int64_t l, std::string *e) { return k->run(s, w, b, o, n, l, e); });
            ASSERT_TRUE(r.pass) << name << " " << problemString(d) << " on " << t.name << " with " << p.str() << ": "
                                << r.failure;
        }
    }
}

std::vector<std::string> specFiles() {
    std::vector<std::string> files;
    const std::string dir = CONVGEN_SOURCE_DIR "/specs";
    if (DIR *d = opendir(dir.c_str())) {
        while (dirent *e = readdir(d)) {
            std::string n = e->d_name;
            if (n.size() > 5 && n.substr(n.size() - 5) == ".yaml") files.push_back(n);
        }
        closedir(d);
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

class SpecsOnTarget : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(SpecsOnTarget, EveryKernelMatchesReference) {
    const auto &[file, targetName] = GetParam();
    TargetVariant t = *variantNamed(targetName);
    if (!t.runsHere) GTEST_SKIP() << "this CPU cannot run " << targetName << " code";
    ParsedSpecs parsed = parseSpecFile(CONVGEN_SOURCE_DIR "/specs/" + file);
    ASSERT_TRUE(parsed.ok()) << parsed.errors[0].str();
    for (const Conv1dSpec &s : parsed.kernels) expectMatchesReference(s.desc, s.name, t, nullptr);
}

INSTANTIATE_TEST_SUITE_P(Specs, SpecsOnTarget,
                         // JIT runs CPU code of this machine's ISA only: arm64 kernels are checked under
                         // qemu and CUDA kernels by ptxas and tools/gpu_check.sh (tests/CMakeLists.txt).
                         ::testing::Combine(::testing::ValuesIn(specFiles()),
                                            ::testing::Values("x86-64-avx512", "x86-64-avx2", "x86-64")),
                         [](const auto &info) {
                             std::string n = std::get<0>(info.param) + "_" + std::get<1>(info.param);
                             for (char &c : n)
                                 if (!isalnum((unsigned char)c)) c = '_';
                             return n;
                         });

TEST(SpecsOnTarget, SpecsDirectoryIsNotEmpty) { EXPECT_GE(specFiles().size(), 6u); }

namespace {

struct Rng {
    uint64_t s;
    int operator()(int n) {  // uniform in [0, n)
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return int((s >> 33) % uint64_t(n));
    }
};

// A random valid problem. Channel counts straddle the register tiles (4 channels, 8/4 lanes).
// channels_ncw's default parameters for d on v (its candidate need not be d's default).
ScheduleParams channelsNcwParams(const convgen_conv1d_desc &d, const TargetVariant &v) {
    for (const ScheduleCandidate &c : cpuCandidates())
        if (c.name == "channels_ncw") return c.defaults(d, v);
    ADD_FAILURE() << "no channels_ncw candidate";
    return {};
}

convgen_conv1d_desc randomProblem(Rng &rng) {
    convgen_conv1d_desc d{};
    const int channels[] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 24};
    const int g = std::vector<int>{1, 1, 1, 2, 3, 4}[size_t(rng(6))];
    d.g = g;
    d.ic = g * channels[rng(8)];
    d.oc = g * channels[rng(12)];
    if (rng(4) == 0) d.ic = d.oc = g * channels[rng(12)], d.g = d.ic;  // depthwise, sometimes multiplier 1
    d.kw = 1 + rng(7);
    d.sw = 1 + rng(3);
    d.dw = 1 + rng(3);
    d.pw_l = rng(d.kw + 3);  // padding can exceed the kernel
    d.pw_r = rng(4) == 0 ? d.pw_l : rng(d.kw + 3);
    d.padding_mode = convgen_padding_mode(rng(4));
    d.activation = convgen_activation(rng(6));
    d.layout = convgen_layout(rng(3) == 0);
    d.dtype = convgen_dtype(rng(5) < 3 ? 0 : 1 + rng(2));
    d.bias = rng(3) != 0;
    if (rng(4) == 0) d.mb = 1 + rng(3);
    if (rng(4) == 0) d.iw = std::max<int64_t>(convgen_conv1d_min_length(&d), 1 + rng(40));
    return d;
}

}  // namespace

class RandomSweep : public ::testing::TestWithParam<int> {};

TEST_P(RandomSweep, EveryAcceptingCandidateMatchesReference) {
    Rng rng{uint64_t(GetParam()) * 7919u + 17u};
    const convgen_conv1d_desc d = randomProblem(rng);
    SCOPED_TRACE(problemString(d));
    int tried = 0;
    for (const TargetVariant &t : runnableCpuVariants()) {
        for (const ScheduleCandidate &c : cpuCandidates()) {
            if (!c.refuses(d).empty()) continue;
            ScheduleParams p = c.defaults(d, t);
            SCOPED_TRACE(t.name + " " + p.str());
            expectMatchesReference(d, "sweep", t, &p);
            ++tried;
        }
    }
    EXPECT_GE(tried, 2) << "the generic candidate and at least one specialized one must run";
}

INSTANTIATE_TEST_SUITE_P(Seeded, RandomSweep, ::testing::Range(0, 48));

// Weights in the Owi16o layout (packed by the runtime from PyTorch's order; the reference reads the
// unpacked ones): every CPU candidate that accepts a problem reads them right, on every variant.
TEST(BlockedWeights, EveryAcceptingCandidateMatchesReference) {
    for (int variant = 0; variant < 5; ++variant) {
        convgen_conv1d_desc d{};
        d.ic = 6, d.oc = 32, d.g = 2, d.kw = 3, d.sw = d.dw = 1, d.pw_l = d.pw_r = 1, d.bias = 1;
        d.wei_layout = CONVGEN_WEI_OWI16O;
        if (variant == 1) d.g = 1, d.ic = 5, d.sw = 2, d.activation = CONVGEN_ACT_RELU;  // dense, strided
        if (variant == 2) d.ic = d.g = 2, d.kw = 5, d.pw_l = 4, d.pw_r = 0;  // depthwise, multiplier 16
        if (variant == 3) d.ic = 8, d.oc = 64, d.kw = 70, d.pw_l = d.pw_r = 35;  // taps trimmed per tile
        if (variant == 4) d.dtype = CONVGEN_BF16, d.layout = CONVGEN_LAYOUT_NWC, d.bias = 0;
        SCOPED_TRACE(problemString(d));
        for (const TargetVariant &t : runnableCpuVariants())
            for (const ScheduleCandidate &c : cpuCandidates()) {
                if (!c.refuses(d).empty()) continue;
                ScheduleParams p = c.defaults(d, t);
                SCOPED_TRACE(t.name + " " + p.str());
                expectMatchesReference(d, "blocked", t, &p);
            }
    }
}

TEST(ScheduleParams, TunedParametersStillMatch) {
    // Non-default knobs (tails in every tiled dimension) must not change results.
    convgen_conv1d_desc d{};
    d.ic = 5, d.oc = 7, d.kw = 3, d.sw = 1, d.dw = 1, d.g = 1, d.pw_l = 1, d.pw_r = 1, d.bias = 1;
    TargetVariant t = *variantNamed("x86-64");
    ScheduleParams p = chooseSchedule(d, t, nullptr);
    p.owBlock = 5;
    p.ocBlock = 3;  // does not divide 7
    p.batchRows = 0;  // 15 accumulators do not split into 2 rows (batch rows: below)
    expectMatchesReference(d, "tuned", t, &p);
    {
        // 5 channel blocks of 3 (the last shifted inwards) do not split evenly into dense_ncw's 2
        // parallel parts, which it makes only where a part takes 1 M FMAs or more (here 1.8 M).
        convgen_conv1d_desc big = d;
        big.ic = 400, big.kw = 8, big.oc = 14, big.pw_l = big.pw_r = 4;
        expectMatchesReference(big, "parts", t, &p);
    }
    // Several x tiles per task (one staged span), on every variant and both copies of the input.
    for (const TargetVariant &v : runnableCpuVariants())
        for (const char *candidate : {"dense_ncw", "im2col_ncw"}) {
            ScheduleParams q = chooseSchedule(d, v, nullptr);
            q.candidate = candidate, q.owBlock = 2, q.ocBlock = 3, q.owTiles = 3;
            expectMatchesReference(d, "tiles", v, &q);
        }
    // Batch rows per register tile (batch_rows): dst reads the rows' accumulator for even batches
    // where the rows' one-vector tiles compute an eighth fewer positions (checkSizes: batches of 1,
    // 3, 2 and 4, lengths on both sides). Dynamic batch and length (a specialization of dst); a
    // fixed batch of 4 with a dynamic length, then with fixed lengths that always (8 outputs) and
    // never (24 outputs on 8 lanes: 3 x 8 tiles compute no more) take the rows; 3 rows; channel
    // blocks shifted inwards (2 x 3 / 2 = 3 of 7), strided and 16-bit with im2col_ncw, dilated, and
    // channel blocks outside the x tiles with taps trimmed (padding wider than a tile).
    for (const TargetVariant &v : runnableCpuVariants())
        for (int variant = 0; variant < 9; ++variant) {
            convgen_conv1d_desc w = d;
            w.ic = 6, w.oc = 8;
            const char *candidate = "dense_ncw";
            int rows = 2;
            if (variant == 1) w.mb = 4;
            if (variant == 2) w.mb = 4, w.iw = 8;
            if (variant == 3) w.mb = 4, w.iw = 3 * v.vectorLanesF32;
            if (variant == 4) rows = 3, w.activation = CONVGEN_ACT_GELU;
            if (variant == 5) w.oc = 7, w.padding_mode = CONVGEN_PAD_REFLECT;
            if (variant == 6) candidate = "im2col_ncw", w.sw = 2, w.dtype = CONVGEN_F16;
            if (variant == 7) w.dw = 3, w.pw_l = 4, w.pw_r = 0, w.bias = 0;
            ScheduleParams q = chooseSchedule(w, v, nullptr);
            q.candidate = candidate, q.owBlock = 3, q.ocBlock = 2, q.owTiles = 2, q.batchRows = rows;
            q.phaseTaps = false;
            if (variant == 8) w.kw = 19, w.pw_l = 20, w.pw_r = 11, q.blocksOuter = q.trimTaps = true;
            expectMatchesReference(w, "batch_rows", v, &q);
        }
    {
        // Where the rows path is taken, by the Funcs: constant with a fixed batch and length.
        convgen_conv1d_desc w = d;
        w.mb = 4, w.iw = 8;
        AlgorithmOptions rows;
        rows.batchRows = 2, rows.rowsTile = 8, rows.plainTile = 24;
        Conv1dFuncs always = defineConv1d(w, "always", rows);
        EXPECT_TRUE(Halide::Internal::is_const_one(always.batchRowsCondition()));
        EXPECT_EQ(always.rowsAcc.name(), always.acc.name());
        w.iw = 24;  // 24 outputs: no fewer
        EXPECT_FALSE(defineConv1d(w, "never", rows).rowsAcc.defined());
        w.iw = 0;
        Conv1dFuncs dynamic = defineConv1d(w, "dynamic", rows);
        EXPECT_FALSE(Halide::Internal::is_const(dynamic.batchRowsCondition()));
        EXPECT_NE(dynamic.rowsAcc.name(), dynamic.acc.name());
        // What applySchedule refuses.
        ScheduleParams q = chooseSchedule(w, t, nullptr);
        q.candidate = "dense_ncw", q.owBlock = 3, q.ocBlock = 4, q.batchRows = 5;
        Conv1dFuncs f5 = defineConv1d(w, "r5", algorithmOptionsFor(q));
        std::string error;
        EXPECT_FALSE(applySchedule(f5, q, &error));
        EXPECT_EQ(error, "batch_rows must be at least 2 and divide ow_block x oc_block: " + q.str());
        w.mb = 3, q.batchRows = 2;
        Conv1dFuncs f3 = defineConv1d(w, "r3", algorithmOptionsFor(q));
        EXPECT_FALSE(applySchedule(f3, q, &error));
        EXPECT_EQ(error, "batch_rows=2 needs a dynamic batch or a multiple of 2 rows (this spec's batch is 3)");
    }
    ScheduleParams notTiled = p;
    notTiled.candidate = "generic", notTiled.owTiles = 2;
    std::string error;
    Conv1dFuncs f = defineConv1d(d, "nt");
    EXPECT_FALSE(applySchedule(f, notTiled, &error));
    EXPECT_EQ(error, "generic takes no ow_tiles: " + notTiled.str());
    notTiled.owTiles = 1, notTiled.trimTaps = true;
    EXPECT_FALSE(applySchedule(f, notTiled, &error));
    EXPECT_EQ(error, "generic takes no trim_taps: " + notTiled.str());
    notTiled.trimTaps = false, notTiled.phaseTaps = true;
    EXPECT_FALSE(applySchedule(f, notTiled, &error));
    EXPECT_EQ(error, "generic takes no phase_taps: " + notTiled.str());
    notTiled.phaseTaps = false, notTiled.batchRows = 2;
    Conv1dFuncs fr = defineConv1d(d, "nt_rows", algorithmOptionsFor(notTiled));
    EXPECT_FALSE(applySchedule(fr, notTiled, &error));
    EXPECT_EQ(error, "generic takes no batch_rows: " + notTiled.str());
    d.ic = 2, d.sw = 3;  // narrow_ncw, strided, the same tails
    p = chooseSchedule(d, t, nullptr);
    ASSERT_EQ(p.candidate, "narrow_ncw");
    EXPECT_TRUE(p.phaseTaps);  // 16 registers
    p.owBlock = 5;
    p.ocBlock = 3;
    expectMatchesReference(d, "tuned_narrow", t, &p);
    // Taps by stride phase on every variant, with and without a last step of fewer phases (K=7 at
    // strides 2 and 3; K=6 at 3), dilated, and a padding mode that is not zeros.
    for (const TargetVariant &v : runnableCpuVariants())
        for (int variant = 0; variant < 4; ++variant) {
            convgen_conv1d_desc w = d;
            w.ic = 3, w.oc = 7, w.kw = 7, w.sw = 2, w.pw_l = 3, w.pw_r = 2;
            if (variant == 1) w.sw = 3;
            if (variant == 2) w.kw = 6, w.sw = 3, w.dw = 2;
            if (variant == 3) w.padding_mode = CONVGEN_PAD_CIRCULAR;
            ScheduleParams q = chooseSchedule(w, v, nullptr);
            ASSERT_EQ(q.candidate, "narrow_ncw");
            EXPECT_EQ(q.phaseTaps, v.vectorRegisters < 32) << v.name;
            q.phaseTaps = true, q.owBlock = 2, q.ocBlock = 3;
            expectMatchesReference(w, "phase_taps", v, &q);
        }
    {
        convgen_conv1d_desc w = d;
        w.sw = 1;
        ScheduleParams q = chooseSchedule(w, t, nullptr);
        EXPECT_FALSE(q.phaseTaps);
        q.phaseTaps = true;
        Conv1dFuncs g = defineConv1d(w, "pt");
        EXPECT_FALSE(applySchedule(g, q, &error));
        EXPECT_EQ(error, "phase_taps needs stride above 1: " + q.str());
    }
    d.ic = 5, d.sw = 1;
    // Taps further apart than the tile: dense_ncw stores each tap's window instead of the span
    // (one vector per tile: 4 to 16 outputs against a dilation of 20), on every variant.
    for (const TargetVariant &v : runnableCpuVariants())
        for (int sw : {1, 2}) {
            convgen_conv1d_desc w = d;
            w.kw = 3, w.dw = 20, w.sw = sw, w.pw_l = 40, w.pw_r = 0;
            ScheduleParams q = chooseSchedule(w, v, nullptr);
            ASSERT_EQ(q.candidate, "dense_ncw");
            q.owBlock = 1;
            q.ocBlock = 3;
            q.batchRows = 0;
            expectMatchesReference(w, "taps", v, &q);
        }
    // Taps skipped where a whole tile reads zero padding, channel blocks outside the x tiles: padding
    // wider than a tile on both sides (1 vector, 4-16 outputs), grouped, strided and dilated, and a
    // padding mode that is not zeros (nothing skipped), on every variant and both copies of the input.
    for (const TargetVariant &v : runnableCpuVariants())
        for (int variant = 0; variant < 3; ++variant) {
            convgen_conv1d_desc w = d;
            w.ic = 6, w.oc = 10, w.g = 2, w.kw = 19, w.pw_l = 20, w.pw_r = 11;
            if (variant == 1) w.sw = 2, w.dw = 2, w.pw_l = 37;
            if (variant == 2) w.padding_mode = CONVGEN_PAD_REPLICATE;
            for (const char *candidate : {"dense_ncw", "im2col_ncw"}) {
                ScheduleParams q = chooseSchedule(w, v, nullptr);
                q.candidate = candidate, q.owBlock = 1, q.ocBlock = 3, q.owTiles = 2;
                q.blocksOuter = q.trimTaps = true;
                q.phaseTaps = false;  // narrow_ncw's (3 input channels per group) on 16 registers
                expectMatchesReference(w, "trimmed", v, &q);
            }
        }
    // depthwise_ncw rows longer than Halide's 16 KB stack limit: its pseudo-stack row is on the heap.
    for (const TargetVariant &v : runnableCpuVariants()) {
        convgen_conv1d_desc w = d;
        w.ic = w.oc = w.g = 6, w.kw = 5, w.pw_l = w.pw_r = 2, w.mb = 2, w.iw = 20000;
        ScheduleParams q = chooseSchedule(w, v, nullptr);
        ASSERT_EQ(q.candidate, "depthwise_ncw");
        EXPECT_EQ(q.owBlock, 1);  // one vector per tile up to 16 taps
        q.ocBlock = 4;  // 2 tasks per batch, the second with 2 of its 4 rows
        q.directFrom = 0;  // staged at any length (by default this row would read src directly)
        expectMatchesReference(w, "long_rows", v, &q);
        q.owBlock = 3;  // several vectors per tile, with an x tail
        expectMatchesReference(w, "long_rows_3", v, &q);
        w.kw = 17, w.pw_l = w.pw_r = 8;
        EXPECT_EQ(chooseSchedule(w, v, nullptr).owBlock, 8);
        // More taps than one unrolled loop takes (8 vectors x 37 > 256 FMAs): 2 groups of 19 taps,
        // the second guarded (18 taps).
        w.kw = 37, w.pw_l = 18, w.pw_r = 19, w.iw = 300;
        q = chooseSchedule(w, v, nullptr);
        ASSERT_EQ(q.owBlock, 8);
        EXPECT_EQ(q.laneTaps, v.name != "x86-64") << q.str();  // where the target has FMA
        q.laneTaps = false;
        expectMatchesReference(w, "tap_groups", v, &q);
    }
    // depthwise_ncw with lane_taps (taps a step apart unrolled together, each residue of the step in a
    // loop), on every variant: 37 taps (the last residues guarded), 8 vectors and 3 (an x tail);
    // dilated (steps of 4, 8 and 1 tap on 8 lanes), strided (steps of 16 and 12 taps on 8 lanes: stride
    // 2; stride 3 with dilation 2), reflected, a channel multiplier of 2 with SiLU, bf16, and so many
    // taps that the residues' taps split in 2 guarded groups (8 vectors x 38 > 256 FMAs on 8 lanes).
    for (const TargetVariant &v : runnableCpuVariants())
        for (int variant = 0; variant < 9; ++variant) {
            convgen_conv1d_desc w = d;
            w.ic = w.oc = w.g = 6, w.kw = 37, w.pw_l = 18, w.pw_r = 18, w.sw = w.dw = 1, w.mb = 0, w.iw = 0;
            w.bias = 1, w.activation = CONVGEN_ACT_NONE, w.padding_mode = CONVGEN_PAD_ZEROS;
            if (variant == 1) w.dw = 2, w.pw_l = w.pw_r = 36;
            if (variant == 2) w.dw = 3, w.kw = 19, w.pw_l = 30, w.pw_r = 0;
            if (variant == 3) w.dw = 8, w.kw = 20, w.pw_l = w.pw_r = 76;
            if (variant == 4) w.sw = 2;
            if (variant == 5) w.sw = 3, w.dw = 2, w.kw = 25, w.pw_l = w.pw_r = 5;
            if (variant == 6) w.padding_mode = CONVGEN_PAD_REFLECT, w.kw = 21, w.pw_l = w.pw_r = 10;
            if (variant == 7) w.oc = 12, w.activation = CONVGEN_ACT_SILU, w.dtype = CONVGEN_BF16;
            if (variant == 8) w.kw = 300, w.pw_l = w.pw_r = 150;
            ScheduleParams q = chooseSchedule(w, v, nullptr);
            ASSERT_EQ(q.candidate, "depthwise_ncw");
            ASSERT_EQ(q.owBlock, 8);
            q.laneTaps = true;
            expectMatchesReference(w, "lane_taps", v, &q);
            if (variant % 3 == 0) {
                q.owBlock = 3;
                expectMatchesReference(w, "lane_taps_3", v, &q);
            }
        }
    // depthwise_ncw reading src directly from direct_from on (the lengths just below, at and past
    // it, with a partial last vector): causal, padding on both sides, the right one wider, dilated,
    // a channel multiplier of 2 with bias and SiLU, and a row switching at 20 positions, shorter
    // than two vectors of AVX-512, so the edge vectors meet; then edges wider than the short rule's
    // (taps reaching 32 and 100 positions, padding past two vectors, reflected and replicated),
    // read directly from 2560 positions on; a tap that can read padding at both ends (ranges of
    // taps reading the left end, both, the right: defineConv1d); and, unpadded, taps reaching 20
    // positions, so rows read directly have fewer outputs than a tile (1-7: staged) or a few more
    // (the last tile shifted inwards); f16, each tap range converting what it reads; every variant.
    for (const TargetVariant &v : runnableCpuVariants())
        for (int variant = 0; variant < 10; ++variant) {
            convgen_conv1d_desc w = d;
            w.ic = w.g = 5, w.oc = 5, w.kw = 4, w.pw_l = 3, w.pw_r = 0, w.dw = 1, w.sw = 1;
            w.mb = 0, w.iw = 0, w.bias = 1, w.activation = CONVGEN_ACT_NONE;
            if (variant == 1) w.kw = 3, w.pw_l = w.pw_r = 1;
            if (variant == 2) w.pw_l = 1, w.pw_r = 2;
            if (variant == 3) w.kw = 2, w.dw = 2, w.pw_l = w.pw_r = 1;
            if (variant == 4) w.oc = 10, w.activation = CONVGEN_ACT_SILU;
            if (variant == 5) w.kw = 3, w.dw = 16, w.pw_l = 20, w.pw_r = 12, w.padding_mode = CONVGEN_PAD_REFLECT;
            if (variant == 6) w.kw = 2, w.dw = 100, w.pw_l = 100, w.pw_r = 0, w.padding_mode = CONVGEN_PAD_REPLICATE;
            if (variant == 7) w.kw = 5, w.pw_l = w.pw_r = 3;
            if (variant == 8) w.kw = 3, w.dw = 10, w.pw_l = w.pw_r = 0;
            if (variant == 9) w.kw = 3, w.pw_l = w.pw_r = 1, w.dtype = CONVGEN_F16;
            ScheduleParams q = chooseSchedule(w, v, nullptr);
            ASSERT_EQ(q.candidate, "depthwise_ncw");
            EXPECT_EQ(q.directFrom, variant < 5 || (variant >= 7 && variant != 8) ? 20 * w.kw * w.kw : 2560) << q.str();
            expectMatchesReference(w, "direct", v, &q);
            q.directFrom = 20;
            expectMatchesReference(w, "direct_short", v, &q);
        }
    // channels_ncw (few random problems have out_channels a multiple of 16): x tails around the
    // task's span (5 positions x 3 tiles), 3 channel blocks in 2 parts, 1 and 2 vectors per block,
    // strided, dilated past the span (each tap's window stored), 16-bit, every variant.
    for (const TargetVariant &v : runnableCpuVariants())
        for (int variant = 0; variant < 4; ++variant) {
            convgen_conv1d_desc w = d;
            w.oc = 48, w.activation = CONVGEN_ACT_SILU;
            if (variant == 1) w.sw = 2, w.padding_mode = CONVGEN_PAD_REFLECT;
            if (variant == 2) w.dw = 20, w.pw_l = 40, w.pw_r = 0;
            if (variant == 3) w.dtype = CONVGEN_BF16, w.bias = 0, w.pw_l = 4;
            ScheduleParams q = channelsNcwParams(w, v);
            q.owBlock = 5, q.owTiles = 3, q.ocBlock = variant % 2 ? v.vectorLanesF32 : 16;
            expectMatchesReference(w, "channels", v, &q);
        }
    d.layout = CONVGEN_LAYOUT_NWC;
    p = chooseSchedule(d, t, nullptr);
    p.ocBlock = 12;
    p.owBlock = 3;
    expectMatchesReference(d, "tuned_nwc", t, &p);
    // channels_nwc's register tile: out_channels that the blocks do not divide (the last block
    // shifted inwards: 40 in blocks of 32, 16 or 8), strided and dilated, 16-bit, and fewer channels
    // than a block (the tile in memory), with x tails, every variant.
    for (const TargetVariant &v : runnableCpuVariants())
        for (int variant = 0; variant < 4; ++variant) {
            convgen_conv1d_desc w = d;
            w.ic = 6, w.oc = 40, w.g = 1, w.kw = 5, w.pw_l = w.pw_r = 2, w.sw = w.dw = 1, w.bias = 1;
            if (variant == 1) w.sw = 2, w.dw = 2, w.pw_l = 4, w.pw_r = 1;
            if (variant == 2) w.dtype = CONVGEN_F16, w.activation = CONVGEN_ACT_RELU;
            if (variant == 3) w.oc = 3;
            ScheduleParams q = chooseSchedule(w, v, nullptr);
            ASSERT_EQ(q.candidate, "channels_nwc");
            expectMatchesReference(w, "nwc_tile", v, &q);
        }
}

TEST(ScheduleCandidates, OrderAndReasons) {
    convgen_conv1d_desc d{};
    d.ic = d.oc = d.g = 64, d.kw = 31, d.sw = d.dw = 1;
    TargetVariant t = *variantNamed("x86-64");
    std::vector<std::string> why;
    EXPECT_EQ(chooseSchedule(d, t, &why).candidate, "depthwise_ncw");
    EXPECT_TRUE(why.empty());
    d.layout = CONVGEN_LAYOUT_NWC;
    EXPECT_EQ(chooseSchedule(d, t, &why).candidate, "channels_nwc");
    ASSERT_EQ(why.size(), 5u);
    EXPECT_EQ(why[0], "depthwise_ncw: unimplemented: needs layout ncw");
    EXPECT_EQ(why[1], "narrow_ncw: unimplemented: needs layout ncw");
    EXPECT_EQ(why[2], "im2col_ncw: unimplemented: needs layout ncw");
    EXPECT_EQ(why[3], "channels_ncw: unimplemented: needs layout ncw");
    EXPECT_EQ(cpuCandidates().back().name, "generic");
    std::string error;
    Conv1dFuncs f = defineConv1d(d, "x");
    ScheduleParams bad = chooseSchedule(d, t, nullptr);
    bad.candidate = "dense_ncw";
    EXPECT_FALSE(applySchedule(f, bad, &error));
    EXPECT_EQ(error, "dense_ncw: unimplemented: needs layout ncw");
    bad.candidate = "nope";
    EXPECT_FALSE(applySchedule(f, bad, &error));
    EXPECT_EQ(error, "unknown schedule candidate 'nope'");
    // depthwise_ncw takes vectors of at most 8 lanes, out_channels / 16 rows per task (at least 8),
    // and reads the input directly where its rows take one vector per tile, at stride 1: from 20 x
    // kw^2 positions on (at most 2560) where the taps reach less than 16 positions and the padding is
    // at most 16 a side, else from 2560 or 5 x (padding + reach), whichever is longer.
    {
        convgen_conv1d_desc m = d;  // mamba_causal_dw
        m.layout = CONVGEN_LAYOUT_NCW, m.ic = m.oc = m.g = 1536, m.kw = 4, m.pw_l = 3, m.pw_r = 0;
        const TargetVariant avx512 = *variantNamed("x86-64-avx512");
        EXPECT_EQ(chooseSchedule(m, avx512, nullptr).str(),
                  "depthwise_ncw vec=8 ow_block=1 oc_block=96 parallel=1 direct_from=320");
        EXPECT_EQ(chooseSchedule(m, t, nullptr).str(),
                  "depthwise_ncw vec=4 ow_block=1 oc_block=96 parallel=1 direct_from=320");
        for (auto [channels, rows] : {std::pair{256, 16}, {200, 12}, {128, 8}, {64, 8}}) {
            convgen_conv1d_desc c = m;
            c.ic = c.oc = c.g = channels;
            EXPECT_EQ(chooseSchedule(c, avx512, nullptr).ocBlock, rows) << channels;
        }
        m.kw = 5, m.pw_l = 4;
        EXPECT_EQ(chooseSchedule(m, avx512, nullptr).directFrom, 500);
        m.kw = 15, m.pw_l = m.pw_r = 7;  // 20 x 15^2 = 4500: from 2560
        EXPECT_EQ(chooseSchedule(m, avx512, nullptr).directFrom, 2560);
        m.kw = 3, m.dw = 16, m.pw_l = m.pw_r = 16;  // 32 positions of reach
        EXPECT_EQ(chooseSchedule(m, avx512, nullptr).directFrom, 2560);
        m.dw = 1, m.pw_l = m.pw_r = 17;  // padding past 16
        EXPECT_EQ(chooseSchedule(m, avx512, nullptr).directFrom, 2560);
        m.dw = 512, m.pw_l = m.pw_r = 512;  // 5 x (1024 + 1024)
        EXPECT_EQ(chooseSchedule(m, avx512, nullptr).directFrom, 10240);
        m.dw = 1, m.pw_l = m.pw_r = 1, m.sw = 2;
        EXPECT_EQ(chooseSchedule(m, avx512, nullptr).directFrom, 0);
        m.sw = 1, m.kw = 31, m.pw_l = m.pw_r = 15;  // conformer_dw: 8 vectors of 8 lanes per tile
        EXPECT_EQ(chooseSchedule(m, avx512, nullptr).str(),
                  "depthwise_ncw vec=8 ow_block=8 oc_block=96 parallel=1 lane_taps=1");
        m.kw = 16, m.pw_l = m.pw_r = 8;  // up to 16 taps: one vector
        EXPECT_EQ(chooseSchedule(m, avx512, nullptr).str(),
                  "depthwise_ncw vec=8 ow_block=1 oc_block=96 parallel=1 direct_from=2560");
        m.kw = 17;  // lane_taps where the target has FMA, on tiles of several vectors
        EXPECT_EQ(chooseSchedule(m, t, nullptr).str(), "depthwise_ncw vec=4 ow_block=8 oc_block=96 parallel=1");
        EXPECT_EQ(chooseSchedule(m, *variantNamed("x86-64-avx2"), nullptr).str(),
                  "depthwise_ncw vec=8 ow_block=8 oc_block=96 parallel=1 lane_taps=1");
        m.kw = 31;
        // Only depthwise_ncw takes direct_from, and only at stride 1.
        ScheduleParams q = chooseSchedule(m, avx512, nullptr);
        q.candidate = "dense_ncw", q.directFrom = 64, q.laneTaps = false;
        Conv1dFuncs fm = defineConv1d(m, "m", algorithmOptionsFor(q));
        EXPECT_FALSE(applySchedule(fm, q, &error));
        EXPECT_EQ(error, "dense_ncw takes no direct_from: " + q.str());
        q.directFrom = 0, q.laneTaps = true;  // and only depthwise_ncw takes lane_taps
        EXPECT_FALSE(applySchedule(fm, q, &error));
        EXPECT_EQ(error, "dense_ncw takes no lane_taps: " + q.str());
        m.sw = 2;
        q.candidate = "depthwise_ncw", q.directFrom = 64;
        Conv1dFuncs fs = defineConv1d(m, "s", algorithmOptionsFor(q));
        EXPECT_FALSE(applySchedule(fs, q, &error));
        EXPECT_EQ(error, "direct_from needs stride 1: " + q.str());
    }
    // 1-4 input channels per group: the channel-block-outer order; more: dense_ncw.
    d.layout = CONVGEN_LAYOUT_NCW, d.g = 1, d.ic = 3, d.oc = 64, d.kw = 7;
    EXPECT_EQ(chooseSchedule(d, t, nullptr).candidate, "narrow_ncw");
    d.ic = 5;
    {
        // On 16 registers, at stride 1, 6 x tiles per task and 2 batch rows per tile (where the batch
        // is dynamic or even) where the taps reach 1 to 64 positions, 4 tiles and one row past that
        // (each tap's window copied); a pointwise layer (no halo) takes 1 tile and one row; 32
        // registers one row.
        convgen_conv1d_desc pw = d;
        pw.ic = 256, pw.oc = 512, pw.kw = 1, pw.pw_l = pw.pw_r = 0, pw.sw = pw.dw = 1;
        const TargetVariant avx2 = *variantNamed("x86-64-avx2");
        EXPECT_EQ(chooseSchedule(pw, avx2, nullptr).str(), "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1");
        EXPECT_EQ(chooseSchedule(pw, t, nullptr).str(), "dense_ncw vec=4 ow_block=2 oc_block=4 parallel=1");
        pw.kw = 2;
        EXPECT_EQ(chooseSchedule(pw, avx2, nullptr).str(),
                  "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 ow_tiles=6 batch_rows=2");
        // SSE2 (no FMA): 2 x 4, 3/2 as many tiles per task.
        EXPECT_EQ(chooseSchedule(pw, t, nullptr).str(),
                  "dense_ncw vec=4 ow_block=2 oc_block=4 parallel=1 ow_tiles=9 batch_rows=2");
        EXPECT_EQ(chooseSchedule(pw, *variantNamed("x86-64-avx512"), nullptr).batchRows, 0);
        pw.mb = 4;
        EXPECT_EQ(chooseSchedule(pw, avx2, nullptr).batchRows, 2);
        pw.mb = 3;
        EXPECT_EQ(chooseSchedule(pw, avx2, nullptr).batchRows, 0);
        pw.mb = 0, pw.dw = 64;
        EXPECT_EQ(chooseSchedule(pw, avx2, nullptr).owTiles, 6);
        EXPECT_EQ(chooseSchedule(pw, avx2, nullptr).batchRows, 2);
        pw.dw = 65;
        EXPECT_EQ(chooseSchedule(pw, avx2, nullptr).owTiles, 4);
        EXPECT_EQ(chooseSchedule(pw, avx2, nullptr).batchRows, 0);
        pw.dw = 1, pw.sw = 2;
        EXPECT_EQ(chooseSchedule(pw, avx2, nullptr).batchRows, 0);
    }
    why.clear();
    EXPECT_EQ(chooseSchedule(d, t, &why).candidate, "dense_ncw");
    ASSERT_EQ(why.size(), 4u);
    EXPECT_EQ(why[1], "narrow_ncw: unimplemented: more than 4 input channels per group");
    EXPECT_EQ(why[2], "im2col_ncw: not the default: stride 1");
    EXPECT_EQ(why[3], "channels_ncw: not the default: 16 vector registers");
    // im2col_ncw is the default for strided, undilated layers whose taps reach at most 2 strides,
    // on every target; dense_ncw's tile.
    const TargetVariant wide = *variantNamed("x86-64-avx512");
    d.ic = 512, d.oc = 512, d.kw = 3, d.sw = 2;
    EXPECT_EQ(chooseSchedule(d, wide, nullptr).str(), "im2col_ncw vec=16 ow_block=4 oc_block=4 parallel=1");
    EXPECT_EQ(chooseSchedule(d, *variantNamed("x86-64-avx2"), nullptr).str(), "im2col_ncw vec=8 ow_block=3 oc_block=4 parallel=1");
    d.kw = 8, d.sw = 4;
    EXPECT_EQ(chooseSchedule(d, t, nullptr).candidate, "im2col_ncw");
    // Past that, channels_ncw is the default on 32 registers for strided layers with ic x kw >= 1024
    // only, else dense_ncw.
    d.kw = 7, d.sw = 2;
    why.clear();
    EXPECT_EQ(chooseSchedule(d, wide, &why).str(), "channels_ncw vec=16 ow_block=12 oc_block=32 parallel=1 ow_tiles=8");
    EXPECT_EQ(why.back(), "im2col_ncw: not the default: kernel_size above 2 x stride");
    EXPECT_EQ(chooseSchedule(d, *variantNamed("x86-64-avx2"), nullptr).candidate, "dense_ncw");
    d.kw = 3, d.dw = 2;
    why.clear();
    EXPECT_EQ(chooseSchedule(d, wide, &why).candidate, "channels_ncw");
    EXPECT_EQ(why.back(), "im2col_ncw: not the default: dilated");
    d.dw = 1, d.sw = 1;
    why.clear();
    EXPECT_EQ(chooseSchedule(d, wide, &why).candidate, "dense_ncw");
    EXPECT_EQ(why.back(), "channels_ncw: not the default: stride 1");
    // Weights over 4 MiB and taps reaching past 64 positions (wav2vec2_posconv): taps trimmed,
    // channel blocks outside 4 x tiles, 2 x 8 tiles on 32 registers; else not.
    convgen_conv1d_desc pos = d;
    pos.ic = pos.oc = 768, pos.g = 16, pos.kw = 128, pos.pw_l = pos.pw_r = 64;
    EXPECT_EQ(chooseSchedule(pos, wide, nullptr).str(),
              "dense_ncw vec=16 ow_block=2 oc_block=8 parallel=1 ow_tiles=4 blocks_outer=1 trim_taps=1");
    EXPECT_EQ(chooseSchedule(pos, *variantNamed("x86-64-avx2"), nullptr).str(),
              "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 ow_tiles=4 blocks_outer=1 trim_taps=1");
    pos.kw = 64, pos.g = 8;  // 8.4 MB of weights, taps reaching 63
    EXPECT_EQ(chooseSchedule(pos, wide, nullptr).str(), "dense_ncw vec=16 ow_block=4 oc_block=4 parallel=1 ow_tiles=4");
    pos.kw = 128, pos.g = 128;  // 2.4 MB
    EXPECT_EQ(chooseSchedule(pos, wide, nullptr).str(), "dense_ncw vec=16 ow_block=4 oc_block=4 parallel=1");
    // With 16 lanes (AVX-512) 1 vector x 16 channels where out_channels is a multiple of 16 and the
    // weights take at most 1 MiB, with 4 times the x tiles of the 4 x 4 tile that takes the others
    // (as 512->512 K=3 above, 3 MB); AVX2 keeps 3 x 4, arm64 4 x 4.
    convgen_conv1d_desc kws = d;
    kws.ic = 40, kws.oc = 64;
    EXPECT_EQ(chooseSchedule(kws, wide, nullptr).str(),
              "dense_ncw vec=16 ow_block=1 oc_block=16 parallel=1 ow_tiles=8");
    EXPECT_EQ(chooseSchedule(kws, *variantNamed("x86-64-avx2"), nullptr).str(),
              "dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1 ow_tiles=6 batch_rows=2");
    EXPECT_EQ(chooseSchedule(kws, *variantNamed("arm64-neon"), nullptr).str(),
              "dense_ncw vec=4 ow_block=4 oc_block=4 parallel=1");
    kws.kw = 7;  // taps reaching 6: 4 x 4 takes 4 x tiles per task
    EXPECT_EQ(chooseSchedule(kws, wide, nullptr).str(),
              "dense_ncw vec=16 ow_block=1 oc_block=16 parallel=1 ow_tiles=16");
    kws.oc = 24;
    EXPECT_EQ(chooseSchedule(kws, wide, nullptr).str(), "dense_ncw vec=16 ow_block=4 oc_block=4 parallel=1 ow_tiles=4");
    kws.oc = 64, kws.kw = 3, kws.sw = 2;  // im2col_ncw takes dense_ncw's tile, but not 1 x 16
    EXPECT_EQ(chooseSchedule(kws, wide, nullptr).str(), "im2col_ncw vec=16 ow_block=4 oc_block=4 parallel=1");
    kws.sw = 1, kws.ic = 3;  // narrow_ncw too, with one x tile per task (it walks whole rows)
    EXPECT_EQ(chooseSchedule(kws, wide, nullptr).str(), "narrow_ncw vec=16 ow_block=1 oc_block=16 parallel=1");
    d.sw = 2, d.kw = 5, d.ic = 128;
    why.clear();
    EXPECT_EQ(chooseSchedule(d, wide, &why).candidate, "dense_ncw");
    EXPECT_EQ(why.back(), "channels_ncw: not the default: in_channels x kernel_size below 1024");
    d.oc = 24;
    why.clear();
    chooseSchedule(d, wide, &why);
    EXPECT_EQ(why.back(), "channels_ncw: unimplemented: needs out_channels per group a multiple of 16");
    d.oc = 48;
    ScheduleParams q = channelsNcwParams(d, wide);
    q.ocBlock = 32;  // does not divide 48
    Conv1dFuncs f48 = defineConv1d(d, "b", algorithmOptionsFor(q));
    EXPECT_FALSE(applySchedule(f48, q, &error));
    EXPECT_EQ(error, "channels_ncw needs oc_block a multiple of vec and a divisor of out_channels: " + q.str());
    q.ocBlock = 16;  // the Funcs were defined for blocks of 32
    EXPECT_FALSE(applySchedule(f48, q, &error));
    EXPECT_EQ(error, "the Funcs were defined with weight block 32, tap tile 0, direct_from 0 (tile 0) and batch "
                     "rows 0, " + q.str() + " reads 16, 0, 0 (0) and 0");
    // Owi16o weights and more than 64 taps (wav2vec2's positional conv): channels_ncw, taps
    // trimmed per tile of positions, 3 vectors where they divide a group, on 32 and 16 registers.
    convgen_conv1d_desc pc{};
    pc.ic = pc.oc = 768, pc.g = 16, pc.kw = 128, pc.sw = pc.dw = 1, pc.pw_l = pc.pw_r = 64, pc.bias = 1;
    why.clear();
    EXPECT_EQ(chooseSchedule(pc, wide, &why).candidate, "dense_ncw");  // oiw weights
    EXPECT_EQ(why.back(), "channels_ncw: not the default: oiw weights (with weight_layout Owi16o it is, skipping "
                          "taps per tile)");
    pc.wei_layout = CONVGEN_WEI_OWI16O;
    EXPECT_EQ(chooseSchedule(pc, wide, nullptr).str(),
              "channels_ncw vec=16 ow_block=5 oc_block=48 parallel=1 ow_tiles=16 trim_taps=1");
    EXPECT_EQ(chooseSchedule(pc, *variantNamed("x86-64-avx2"), nullptr).str(),
              "channels_ncw vec=8 ow_block=4 oc_block=24 parallel=1 ow_tiles=16 trim_taps=1");
    EXPECT_EQ(chooseSchedule(pc, t, nullptr).str(),  // SSE2, no FMA: 2 vectors x 5 positions
              "channels_ncw vec=4 ow_block=5 oc_block=8 parallel=1 ow_tiles=16 trim_taps=1");
    pc.oc = 512;  // 32 channels per group: 2 vectors
    EXPECT_EQ(chooseSchedule(pc, wide, nullptr).ocBlock, 32);
    pc.oc = 768, pc.kw = 64;  // 64 taps: too few skipped
    EXPECT_EQ(chooseSchedule(pc, wide, nullptr).candidate, "dense_ncw");
    pc.kw = 2, pc.dw = 512, pc.pw_l = 512, pc.pw_r = 0;  // wavenet's reach, 2 taps
    EXPECT_EQ(chooseSchedule(pc, wide, nullptr).candidate, "dense_ncw");
    pc.dw = 1, pc.pw_l = pc.pw_r = 64;
    pc.kw = 128, pc.padding_mode = CONVGEN_PAD_REFLECT;  // nothing to skip
    EXPECT_EQ(chooseSchedule(pc, wide, nullptr).candidate, "dense_ncw");
}
