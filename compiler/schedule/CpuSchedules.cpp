// CpuSchedules: register-blocked, vectorized, multi-threaded schedules for CPUs (x86-64, arm64).
#include "Candidates.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace convgen {

using namespace Halide;

namespace {

// 16 vector registers on x86-64 (SSE2 and AVX2): a 3-vector x 4-channel tile keeps 12
// accumulators, 3 input vectors and 1 weight broadcast live. With the accumulators in registers it
// measured 71 GFLOP/s on whisper_conv1 (80->512, K=3, 1 thread, this 2-core Xeon, ~80 % of peak).
constexpr int kDenseOwVectors = 3;
constexpr int kDenseOcBlock = 4;
// ... but without FMA (the x86-64 baseline, SSE2) 2 vectors x 4 channels: each multiply-add is a
// copy, a multiply and an add through a register of its own, and 3 x 4 then spilled an accumulator
// to the stack and reloaded it in every step (its assembly). The tiles per task grow by 3/2, so a
// task spans as many positions. Paired against 3 x 4, this EPYC (Zen 4), SSE2, 1 thread:
// whisper_conv1, ecg_resnet (batch 1), conformer_pw, tcn_block, hifigan_resblock 1.26-1.31,
// downsample_s2 and whisper_conv2 (im2col_ncw) 1.28-1.31, wav2vec2_fe0 (narrow_ncw) 1.06,
// kws_small 2.08 (2.12 at 2 threads), wavenet_dilated 2.15 (its copied windows), wav2vec2_posconv
// (trimmed taps, blocks outer, 4 tiles) 1.39; 2 x 5 and 2 x 6 were level or slower (kws_small
// 1.60, wavenet_dilated 1.60 with 2 x 6), 1 x 8 level with 3 x 4.
constexpr int kNoFmaDenseOwVectors = 2;
// 32 vector registers (AVX-512, arm64): a 4-vector x 4-channel tile keeps 16 accumulators, 4 input
// vectors and the weights live. AVX-512, 1 thread, this Xeon: 4x4 gave whisper_conv1 133, conformer_pw
// 132, tcn_block 128, hifigan 127 GFLOP/s; 3x8, 4x6, 6x4 were within noise on some layers and 10-30 %
// slower on others, 2x12 and 8x3 slower on all. arm64: not measured (qemu timings mean nothing).
constexpr int kManyDenseOwVectors = 4;
constexpr int kManyDenseOcBlock = 4;
constexpr int kManyRegisters = 32;
// ... but with 16-lane vectors (AVX-512) where out_channels is a multiple of 16 and the weights
// (f32) take at most kWideDenseMaxWeightsBytes, 1 vector x 16 channels (16 accumulators; each step
// loads 1 input vector and 16 weight broadcasts), with kManyDenseOwVectors times the x tiles per
// task, so a task spans as many positions. Its x tail is 1 vector, not 4: kws_small (98 positions)
// computed 112, not 128. Measured on a 2-vCPU AMD EPYC (Zen 4) VM, AVX-512, paired against 4 x 4,
// 1 | 2 threads: kws_small 1.15 | 1.13, wav2vec2_fe0 (narrow_ncw) 1.13 at 1 thread; whisper_conv1,
// conformer_pw, wavenet_dilated, tcn_block, hifigan_resblock, ecg_resnet 0.97-1.04 (noise); with
// im2col_ncw downsample_s2 0.97, so im2col_ncw keeps 4 x 4 (a later session, paired: 4 x 4
// 1.04-1.05x the 1 x 16 tile on downsample_s2 at 1 thread, level at 2 threads and at batch 1;
// 64->128 and 256->256 K=3 s2, 128->128 K=4 s2 0.99-1.02). Not measured on the Xeon where 4 x 4
// was chosen (its two loads and two FMAs per cycle would make the 17 loads per 16 FMAs the limit
// there; the tuner can take 4 x 4 back). Every x tile streams all the weights, 4 times as often as with 4 x 4: with 2 MB of them
// 0.48 (512->512 K=2), with 8.4 and 12.6 MB 0.47-0.49; 1 MB 0.99, 768 KB 1.00 (this EPYC's L2 is
// 1 MB per core; whisper_conv2 with im2col_ncw, 3 MB, was level at 1.02 and keeps 4 x 4).
// At stride 1, where the taps reach 1 to kDenseTilesMinReach - 1 positions, kWideDenseShortReachTiles
// x tiles per task (128 positions), so kws_small's 98 positions take one task, not 4 tiles and 3
// (its span staged once): paired against 4 tiles, 1 | 2 threads, 1.03-1.05 | 1.03-1.09;
// whisper_conv1 1.00-1.01 | 1.00; pointwise conformer_pw (no halo to share) 1.00 | 0.98 keeps 4.
constexpr int kWideDenseOcBlock = 16;
constexpr int kWideDenseShortReachTiles = 8;
constexpr int kWideDenseLanes = 16;
constexpr int64_t kWideDenseMaxWeightsBytes = int64_t(1) << 20;
// x tiles per dense_ncw task at stride 1 (one staged input span, read from memory, serves them
// all, halo included). Why it helps, as far as measured: one tile per task stages 64 rows of 5
// cache lines each; ecg_resnet ran at 151 GFLOP/s with its input in L2 (batch 1) and 120 at
// batch 32 (another process on the second core). 4 vs 1 tile per task, this Xeon, paired (median
// of per-round ratios, each timed run right after an untimed one), 1 and 2 threads:
// - 16 registers (AVX2, 24-position tiles): 1.06-1.21 on ecg_resnet, hifigan_resblock, tcn_block,
//   whisper_conv1; 1.01-1.03 on wav2vec2_posconv. 4 tiles at stride 1 where the taps reach past
//   one position: a pointwise layer (no halo to share) ran 1 tile at 1.04-1.09x 4 on conformer_pw,
//   1.01-1.05 on 512->512, 1.03-1.04 on 64->128 and 128->128 at length 200, 0.98-0.99 on 1024->256
//   (this EPYC, AVX2, 1 and 2 threads; kernels of 2 or more taps there: tcn_block 1.03-1.07, kws_small
//   1.03-1.05, whisper_conv1 0.97-1.00, hifigan_resblock 0.97-0.99, wavenet_dilated 0.94-0.98,
//   ecg_resnet 0.89-0.92, so they keep 4).
// - 32 registers (AVX-512, 64-position tiles): where the taps reach 6 to 64 positions (dilation x
//   (K - 1)) ecg_resnet 1.16-1.29, tcn_block 1.05-1.09, hifigan_resblock 1.03-1.06. Elsewhere 4
//   tiles lost: whisper_conv1 (reach 2) 0.91-0.94, kws_small (reach 2; 98 positions, 4 tiles staged
//   for 2) 0.74, wav2vec2_posconv (reach 127; 50 outputs, one tile) 0.97-0.98, wavenet_dilated
//   (reach 512, each tap's window stored) 0.97-0.99; strided layers (AVX-512) 0.89-0.92.
// - 16 registers, where the taps reach up to kDenseTilesMaxReach positions (a span staged, not
//   each tap's window), kDenseFewRegistersTilesPerTask: kws_small's 98 positions (5 tiles) were 2
//   tasks of 4 tiles, the second staging its input again for 2 outputs; in one task (6 tiles, the
//   copy bounded by the row's tiles: stageInput) they ran 1.09-1.10x 4 tiles, paired, this EPYC
//   (Zen 4), AVX2, 1 | 2 threads; the others were level: whisper_conv1 1.03 | 1.03, tcn_block 1.00 |
//   1.00, hifigan_resblock 1.00 | 1.00, ecg_resnet 1.00 | 1.01 (8 tiles: kws_small the same,
//   hifigan_resblock and ecg_resnet 0.98-0.99 at 1 thread). wavenet_dilated (windows) keeps 4: 0.96
//   | 0.91 with 6.
constexpr int kDenseTilesPerTask = 4;
constexpr int kDenseFewRegistersTilesPerTask = 6;
constexpr int kDenseTilesMinReach = 6;
constexpr int kDenseTilesMaxReach = 64;
// On 16 registers, at stride 1 where the taps reach 1 to kDenseTilesMaxReach positions (a staged
// span), dense_ncw takes kDenseBatchRows batch rows per register tile where the batch is a multiple
// of that (dynamic batches: a specialization of dst) and its tiles of one vector x 6 channels x 2
// rows (12 accumulators, as 3 x 4; SSE2's 2 x 4 gives 1 x 4 x 2) compute at least an eighth fewer
// positions per row than the plain tiles (AlgorithmOptions::batchRows; where the rows split the
// tile's accumulators evenly): a row's x tail is then at most a vector, not 3 (2). The rows of a channel are unrolled inside it, so each
// weight broadcast serves both (rows outside channels spilled the broadcasts: 0.49-0.54). Paired
// against the plain tiles, this EPYC (Zen 4), AVX2: kws_small (98 positions, 104 computed, not
// 120) 1.14-1.15 at 1 thread, 1.15-1.18 at 2, at 50 positions 1.28, at 26 1.51, at 10 1.46 (SSE2
// against 2 x 4: 1.32 at 10 positions, 1.19 at 20; before 2 x 4, against 3 x 4, 1.42 at 50); batch 8
// of 98 positions: whisper_conv1 1.10, ecg_resnet 1.09, tcn_block 1.05; the suite's other layers
// (their lengths or batch 1 take the plain tiles) 0.99-1.00. Where the tails save less they lose:
// all positions computed alike (lengths 1024-2500 at the suite's batches) ecg_resnet 0.94-0.95,
// tcn_block 0.88-0.89, kws_small's shape level at 1024 (the specialization not taken); pointwise
// conformer_pw (one tile per task) 0.81 at 500 and 0.96 at 98, strided downsample_s2 (im2col_ncw)
// 0.84 and 0.96, so those keep one row. 3 rows x 4 channels ran as 2 x 6 on kws_small, 4 x 3 at
// 0.44-0.50. On AVX-512 the 1 x 16 tile's tail is already one vector: 8-lane rows tiles ran
// kws_small 0.94. Batches that are not a multiple (1, 3: level) take the plain tiles; shifted
// inwards, batch 3 had computed 4 rows (0.87).
constexpr int kDenseBatchRows = 2;
// Parallel tasks per x tile of dense_ncw (its channel blocks split in this many parts): with one
// task per x tile, wav2vec2_posconv (50 outputs: one tile) ran on one thread, 121 GFLOP/s at 1 and 2
// threads; with 2 parts 167 at 2 threads. whisper_conv1 and tcn_block at 2 threads: 230-260 and
// 155-240 with 1 part, 171-273 and 179-202 with 2 (noise; no loss seen).
constexpr int kDenseChannelParts = 2;
// ... but only where each part takes at least this many FMAs: kws_small (64 positions x 32 channels
// x 120 per part) ran 1.16-1.19x faster in one part at 1 and 2 threads (paired, AVX-512); with
// 3.9-4.2 M per part one part lost at 2 threads (whisper_conv1 0.96-0.97, conformer_pw 0.95).
constexpr int64_t kDenseMinPartFmas = int64_t(1) << 20;
// Layers whose weights (f32) exceed kDenseBigWeightsBytes and whose taps reach past
// kDenseTilesMaxReach skip the taps where a whole tile reads zero padding (trim_taps) and take each
// channel block through the task's x tiles (blocks_outer), kDenseTilesPerTask of them, so a block's
// weights are read once per task; on 32 registers in 2-vector x 8-channel tiles, shorter ones, of
// which more skip taps (AVX2 keeps 3 x 4). wav2vec2_posconv (19 MB of weights, K=128, 64 padding
// each side, 50 outputs: 62 % of the taps read padding), paired, this Xeon:
// - trimming alone, at the 1-tile default: 1.13-1.14 (AVX-512), 1.62 (AVX2, 3 tiles of 24)
// - then 2 x 8, 4 tiles, blocks outer: 1.20-1.22 more at 1 and 2 threads (2 x 6 and 2 x 12 level,
//   2 x 4 1.09-1.13, 1 x 12 1.04, 3 x 4 0.87); AVX2 3 x 4 with 4 tiles, blocks outer: 1.27 more.
//   Rows of 200 positions 1.16, of 500 and 1500 level.
// - then trimming up to the row's last output, not the tile's: 1.08-1.10 more (2 x 8 stays ahead:
//   2 x 12 level, 1 x 12 0.84-0.86, 1 x 16 0.76-0.80, 4 x 4 0.83)
// Elsewhere it lost, 1 thread AVX-512: trimming on wavenet_dilated (each tap's window stored) 0.64,
// on the other dense suite layers 0.98-0.99; the tiles and order on 1024->1024 K=3 (12.6 MB) 0.85,
// the same at stride 2 0.79, 512->512 K=64 groups 8 (8.4 MB) 0.96. (Trimming in depthwise_ncw: 0.76
// on conformer_dw, whose 31 taps are unrolled only while their count is fixed.)
constexpr int64_t kDenseBigWeightsBytes = int64_t(4) << 20;
constexpr int kDenseBigWeightsOwVectors = 2;
constexpr int kDenseBigWeightsOcBlock = 8;
// Depthwise rows: one vector per tile for kernels up to kDepthwiseShortKernel taps, else 8. These
// layers are memory-bound and one vector measured fastest, paired against the 16-vector tile that
// was the default (this Xeon, AVX-512, 1 | 2 threads): mamba_causal_dw (K=4) 1.10 | 1.12-1.14,
// convtasnet_dw (K=3, dilation 128) 1.14 | 1.17, 512 channels K=7 1.13 | 1.13, K=9 1.10 | 1.10,
// K=15 1.05 | 1.05, K=5 stride 2 1.15 | 1.13; 2 vectors 0.77-1.02. AVX2 (against 8 vectors),
// 1 thread: mamba 1.27, convtasnet 1.37, K=15 1.01. With K=31 (conformer_dw) one vector lost:
// 0.75 | 0.80 (AVX-512), 0.63 (AVX2); 8 vectors there were 4-10 % faster than 4 at 1 and 2
// threads, and 12 or 16 (taps not unrolled) 4-23 % slower.
constexpr int kDepthwiseShortKernel = 16;
constexpr int kDepthwiseOwVectors = 8;
// Depthwise rows take vectors of at most kDepthwiseLanes lanes: 8 on AVX-512 too. Past
// kDepthwiseShortKernel taps each tile is then half as wide, but the unaligned loads of its taps
// cross a cache line less often (7 of 16 offsets, not 15), and one loaded vector serves tap k of
// vector j and tap k + 8 of vector j - 1. This is what limits these tiles: 8 x 16 lanes with 31 taps
// load 143 input vectors for 248 FMAs, and their weight broadcasts are memory operands (spilled).
// Paired against 16 lanes, this EPYC (Zen 4, whose 16-lane FMAs issue at half the rate of 8-lane
// ones), 1 | 2 threads: conformer_dw (K=31, 256 channels, length 500) 1.08-1.12 | 1.03-1.09, K=31
// at 3000 1.10, K=21 1.33 | 1.24, K=17 1.17 | 1.18, K=64 1.02 | 1.02 (8 x 8 lanes; 12 x 8 lost
// 0.83, 6 x 8 1.04). One-vector rows alike, AVX-512, paired, 1 | 2 threads (512 channels unless
// said): K=7 at 1000 (4 x 256 channels) 1.14 | 1.13, K=5 at 3000 1.06 | 1.06, K=5 stride 2 1.12 |
// 1.10, K=9 dilation 4 1.09 | 1.07, K=15 at 2000 1.09 | 1.09, K=3 at 2048 1.02 | 1.02, K=3
// dilation 128 at 2048 1.02 | 1.04, convtasnet_dw 1.00-1.11 | 1.00-1.06, mamba_causal_dw 1.00-1.01
// | 1.01 (each read as it was: convtasnet_dw staged, mamba_causal_dw directly). Lengths that are
// not a multiple of 16 won most, likely because 16-lane vectors then straddle cache lines in every
// other row and the row's last vector is partial. Not measured on the Xeon of the 16-lane choice
// (two 16-lane FMA pipes there); the tuner tries 16.
constexpr int kDepthwiseLanes = 8;
// One-vector rows (stride 1) read the input directly, with no padded copy, from a length on (a
// specialization of dst on the length; shorter rows are staged as above). Halide then splits each
// row into edge vectors that select the padding and vectors of plain loads in between. The copy
// costs a load and a store per vector of the row; the edge vectors gather each tap element by
// element (the right one, whose clamp depends on the length; knowing the row is long, the left one
// becomes a shorter dense load).
// - Where the taps reach less than kDepthwiseDirectSmallEdge positions and the padding is at most
//   that on each side, from kDepthwiseDirectPerTapSquared x kw^2 on. Paired against always staged,
//   this EPYC (Zen 4), AVX-512 (16 lanes then), 1 thread: mamba_causal_dw (K=4, causal) 1.52 at
//   length 2048, 1.16-1.24 at 256-1000, and where the last vector is partial 0.79 at 100 and 0.97
//   at 250; K=3 pad 1 1.29 at 3000 and 1.22 at 250; K=4 pad 1|2 1.20 at 1000, 0.98 at 250, 0.74 at
//   64; K=5 1.13 at 1000, 1.01 at 500, 0.91 at 250; K=7 1.15 at 3000, 1.03 at 1000, 0.93 at 500,
//   0.80 at 250 (AVX2 alike: K=4 pad 1|2 1.17 at 250, K=7 0.71 at 250 and 1.10 at 1000): about 20 x
//   kw^2 is where it starts to win. On 8 lanes (AVX2, 1 thread) K=11 0.71 at 500, 0.90 at 1000,
//   1.00 at 2000, 1.17 at 3000 (AVX-512 1.09), 1.57-1.75 at 6000; K=7 dilation 2 1.01 at 1000, 1.11
//   at 2000.
// - Elsewhere, and where that would be later, from kDepthwiseDirectLongRow on, or from
//   kDepthwiseDirectPerEdge times the padding and reach where that is longer: a staged row slows
//   down once it, the src row and the dst row no longer fit in L1 (32 KB; K=5 dilation 8, staged,
//   AVX2: 59.7 GFLOP/s at 2000, 46.7 at 3000), while wider edges take longer rows to pay off.
//   Paired against always staged, 8 lanes, AVX2, 1 thread: K=5 dilation 8 (pads 16) 0.70 at 1000,
//   0.87 at 2000, 1.11 at 2600, 1.12 at 3000 (AVX-512 0.98; 2 threads 1.03 | 1.08 AVX2 | AVX-512);
//   K=9 dilation 4 0.74 at 1000, 0.90 at 2000, 1.11 at 3000; K=3 dilation 16 0.86 at 1000, 0.99 at
//   2000, 1.14 at 3000 (AVX-512 1.16, 2 threads 1.13 | 1.19); K=15 0.83 at 1000, 0.93-1.01 at 2600
//   (AVX2 | AVX-512, 1 and 2 threads), 1.12 at 4000, K=13 1.48 at 8000; convtasnet_dw (K=3, dilation
//   128, pads 128) 0.39 at 500, 0.51 at 1000, 0.69 at 2000, 0.97 at 2600, 1.21 at 3000 (AVX-512
//   1.10; on a quieter machine 1.04 | 1.00 AVX2, 1.06 | 1.01 AVX-512, 1 | 2 threads, this rule
//   against the one before); K=3 dilation 512 (pads 512) 0.61 at 3000, 0.94 at 6000; K=2 dilation 1024 causal 0.79
//   at 3000. SSE2 (4 lanes), 1 thread, where this rule moved rows to direct reads: K=5 and K=7 at
//   3000 1.21-1.23, K=7 at 1000 1.20, K=5 dilation 8 1.21, K=3 dilation 16 1.42, convtasnet_dw
//   1.34, K=11 0.94 at 3000 and 1.26 at 6000. arm64: not measured. (Conformer_dw's 8-vector tiles
//   stay staged: their edge tiles gather every tap of every vector, 0.23-0.40.)
constexpr int kDepthwiseDirectSmallEdge = 16;
constexpr int kDepthwiseDirectPerTapSquared = 20;
constexpr int kDepthwiseDirectLongRow = 2560;
constexpr int kDepthwiseDirectPerEdge = 5;
// Read directly, the taps come in up to three update definitions of acc by the ends of the row they
// can read padding at (defineConv1d), and a row's last tile is shifted inwards. Before, every tap
// of the right edge's vectors kept its select and clamped gather (the edge's bounds depend on the
// length, so Halide could not simplify them, while it did the left edge's). Paired against that,
// this EPYC (Zen 4), 1 | 2 threads: convtasnet_dw (K=3, dilation 128, its 16 right edge vectors per
// row of 375) 1.24 | 1.24 AVX2, 1.22 | 1.23 AVX-512, 1.22 SSE2; K=7 at 1000 1.07, K=4 pad 1|2 at
// 1003 1.06, K=5 dilation 8 1.04, K=3 pad 1, K=9 and K=11 at 3000 1.01-1.02, mamba_causal_dw (no
// right padding) 1.00 | 1.00, K=3 dilation 512 at 6000 1.00 (AVX2); but K=13 0.91-0.93 and K=15 0.98
// at 3000-8000 (AVX2; AVX-512 1.01-1.02), from the shifted tile alone (the old taps with it: 0.90-0.91):
// LLVM then keeps 12 of the 13 weights in registers, reloading one per vector.
// Channel rows per parallel task: out_channels / kDepthwiseTasksPerBatch, at least
// kDepthwiseRowsPerTask. One row per task had left the second thread idle (2 threads, AVX-512,
// conformer_dw 65, mamba 24 GFLOP/s); 8 rows gave 80 and 34 (32 rows 91 and 36 but 1-thread
// conformer_dw dropped from 52 to 44: a Xeon, before the rows were staged on the pseudo-stack). On
// this EPYC (Zen 4), paired against 8 rows, 2 | 1 threads, AVX2 and AVX-512: mamba_causal_dw (1536
// channels) 96 rows 1.12-1.14 | 1.01, 192 1.12-1.17 | 1.01 (64: 1.06-1.14, 16: 0.96-1.10);
// conformer_dw (256) 16 rows 1.01-1.02 | 1.00-1.01, 32 1.03-1.04 | 1.01; convtasnet_dw (512) 32
// rows 1.03-1.04 | 1.02, 64 1.04-1.05 | 1.02. 8 tasks per batch row ran a little faster on this
// 2-core machine; 16 keep a core each busy on a 16-core one at batch 1.
constexpr int kDepthwiseRowsPerTask = 8;
constexpr int kDepthwiseTasksPerBatch = 16;
// Taps are unrolled when kw x owBlock vector FMAs stay within this: conformer_dw (K=31, 8 vectors,
// AVX-512, same process, interleaved) 82 -> 90 GFLOP/s at 2 threads and 37.4 -> 40.6 at 1, ahead of
// Adams2019's 82 and 37.4. In the assembly (4 vectors, AVX-512) LLVM loads each input vector once for
// tap k of vector j and tap k-16 of vector j+1 and hoists the 31 weight broadcasts out of the x loop,
// spilling both to the stack. Yet not unrolled (2 threads, two processes compared through Adams2019
// as the common anchor) 4 vectors ran 2-4 % behind Adams2019 and 8 vectors about 7 % behind 8 unrolled.
// More taps than that are split into the fewest equal groups that stay within it, each group
// unrolled (the last one guarded where the groups do not divide kw). Paired against the plain tap
// loop, this EPYC (Zen 4), 8 vectors of 8 lanes, 1 thread, 256 channels, length 500-2000, AVX-512 |
// AVX2: K=33 (17 + 16 taps) 1.09-1.11 | 1.02, K=40 (2 x 20) 1.33-1.35 | 1.05, K=48 1.15-1.37 | 0.97,
// K=64 1.43 | 1.18-1.27, K=100 (4 x 25) 1.29-1.33 | 1.20. Groups of 16 instead: 1.11-1.30 (1.21 on
// K=33); of 32 plus the rest: K=40 and 48 0.82x the equal groups, K=100 1.06x. (Up to 32 taps,
// groups of 10-12 ran 1.03-1.07x the full unroll on K=21, 25 and 31 but 0.96 on K=17, and groups of
// 8 0.86-0.92x: a lead, not a rule.)
constexpr int kDepthwiseUnrolledFmas = 256;
// Tiles of several vectors take lane_taps where the target has FMA: the taps whose input positions
// lie whole vectors apart (k, k + 8, k + 16, ... on 8 lanes, undilated; laneTapStep) are unrolled
// together with the tile's vectors, each residue of the step in a loop of its own. A loaded input
// vector then serves tap k of vector j and tap k + 8 of vector j - 1: conformer_dw's residue loads
// 11 vectors and 4 weight broadcasts for 32 FMAs, where with all 31 taps unrolled LLVM hoisted the
// weights out of the x loop and spilled them and the loaded inputs (in the AVX2 assembly most FMAs
// read their weight from the stack; 45 % of the FMA peak in the AVX2 suite run). Paired against all
// taps unrolled (in groups past kDepthwiseUnrolledFmas), this EPYC (Zen 4), 8 vectors of 8 lanes, 1
// thread, AVX2 | AVX-512: conformer_dw (K=31, length 500) 1.18-1.32 | 1.14-1.27 (2 threads 1.21 |
// 1.12), K=17 1.49 | 1.23, K=21 1.19 | 1.14, K=33 1.26 | 1.18, K=64 1.36 | 1.08, K=100 1.26 | 1.10,
// K=31 dilation 2 (a step of 4) 1.18 | 1.04, K=31 stride 2 (a step of 16) 1.30 | 1.25 (a step of 8
// there: 1.07 | 1.23). Other tiles with it, conformer_dw: 6 vectors 0.84-0.86x 8, 10 0.76-0.89, 12
// 0.62-0.82, 16 0.63-0.95; 16 lanes (a step of 16) 0.94x 8 lanes (AVX-512). SSE2 (no FMA; each
// product a register of its own) lost: conformer_dw 0.93, K=17 0.82, K=33 0.94 (4 vectors 1.06).
// One-vector tiles (up to kDepthwiseShortKernel taps) share no loads; 8 vectors with it against
// them: K=15 at length 2000 (staged) 1.23, but K=11 at 1000 0.93, K=9 at 3000 and K=13 at 8000
// (read directly) 0.69 and 0.55 (AVX2).
// narrow_ncw takes layers with at most this many input channels per group, whose padded input
// (ic x length floats) stays in cache while every channel block reads it: wav2vec2_fe0 (1 channel,
// K=10, stride 5, 512 outputs, 1 thread) ran at 28.5 GFLOP/s with dense_ncw's order and 71 with this
// one (100 at 2 threads); 3 channels, K=7, 64 outputs, length 16000: 64 and 122 (dense_ncw best 124).
constexpr int kNarrowMaxInputs = 4;
// On 16 registers (SSE2, AVX2) strided narrow_ncw layers take the taps in steps of the stride, one
// tap per stride phase unrolled in each (phase_taps): each tap's phase row and offset are then
// constants plus the step, not a division by the stride per tap (and the weights of a step are not
// loop-invariant, which unrolling all taps made them: LLVM hoisted the 40 broadcasts of
// wav2vec2_fe0 out of the x loop and reloaded them from the stack, 0.81-0.89x). Paired against the
// plain tap loop, this EPYC (Zen 4), AVX2, 1 thread: wav2vec2_fe0 (1 channel, K=10, stride 5)
// 1.08-1.10 (1.18 at 2 threads), 3 channels K=7 s2 1.81 (1.62), 1 channel K=3 s2 1.20, 4 channels
// K=11 s3 1.23, 2 channels K=8 s4 1.03; SSE2 wav2vec2_fe0 1.67, 3 channels K=7 s2 1.07. On
// AVX-512 (32 registers, 1 x 16 tiles) it was level (0.995-1.02) but for 1 channel K=3 s2,
// 0.79-0.91, so 32-register targets keep the plain loop. (dense_ncw and im2col_ncw, strided, AVX2:
// level, 0.996-1.04; all taps unrolled there: 0.91-1.01.)
// channels_ncw: 2 channel vectors x 12 positions (24 accumulators) on 32 registers, 8 tiles per
// task. Against dense_ncw's default, paired, this Xeon, AVX-512, 1 | 2 threads: whisper_conv2 (512
// channels, K=3, stride 2) 1.14 | 1.11, wav2vec2_fe1 (same, no padding) 1.12 | 1.06, a 512->512 K=3
// stride-1 layer 1.07; but where each output takes fewer FMAs the transposed store (one scalar store
// per output) and the weight loads cost more than they save: downsample_s2 (128 x 3) 0.83 | 0.86,
// conformer_pw (256 x 1) 0.85 | 0.78, ecg_resnet 0.81, kws_small 0.76, whisper_conv1 0.85, tcn 0.67,
// hifigan 0.95, wavenet 0.81 (1 thread). Other tiles (12 x 32 with 2 or 16 tiles per task, 6 x 64,
// 24 x 16) were level or slower on all of them. It is the default where those wins were measured:
// 32 registers, stride > 1, ic x kw >= 1024 (on 16 registers, AVX2, 6 x 16 ran whisper_conv2 at
// 1.43x dense_ncw but wav2vec2_fe1 at 0.87x: the tuner's choice there), after im2col_ncw, which
// later measured 1.07-1.16x it on both (so it keeps the layers with taps past 2 strides or
// dilated: 512->512 K=7 s2, K=3 s2 d2, 256->256 K=5 s2 measured level with im2col_ncw and
// 1.01-1.10x dense_ncw, 1 thread).
constexpr int kChannelsNcwVectors = 2;
constexpr int kManyChannelsNcwPositions = 12;
constexpr int kChannelsNcwPositions = 6;
constexpr int kChannelsNcwTilesPerTask = 8;
constexpr int64_t kChannelsNcwMinFmas = 1024;
// ... and where it trims taps (channelsNcwTrims), 3 vectors x 5 positions (4 on 16 registers),
// 16 tiles per task: the fewer positions a tile has, the fewer of its taps read padding for some of
// them. wav2vec2_posconv (768 channels, 16 groups of 48, K=128, 64 padding each side, length 49:
// each output's 49 taps on the input are 38 % of the 128) with Owi16o weights, this EPYC (Zen 4),
// 1 thread: 1.54x dense_ncw's trimmed default on oiw weights (AVX-512; AVX2 1.33-1.37), where every
// call found its weights out of cache; in convgen-bench, which warms each up, 1.26-1.31x oneDNN's
// blocked kernel at 1 and 2 threads. Against 3 x 5 with 16 tiles, all warm, AVX-512, paired, 1 | 2
// threads: 3 x 4 0.94 | 0.97, 3 x 6 0.94 | 0.92, 3 x 7 0.90 | 0.88, 3 x 8 0.89 | 0.87, 1 x 12 (8
// tiles) 0.81 | 0.78, 8 tiles 0.96 | 0.96, untrimmed 0.45 (cold). AVX2, against 2 x 6 of 8 lanes: 2
// x 5 1.00 | 1.05, 3 x 4 0.99 | 1.05, 8 tiles 0.94 | 0.96, 1 x 10 0.91 | 0.85. At lengths 200 and 1000
// (fewer taps to skip), AVX-512, 1.06 and 0.97 against dense_ncw's default. The reduction runs over
// input channels inside taps, the Owi16o order: with taps innermost, over the Oiw16o layout tried
// first (each tile then read 16-channel chunks of 53 taps from 3 blocks far apart), it ran at 148
// GFLOP/s where this order ran at 218-225 (cold weights). SSE2 and arm64: not measured.
// Few taps skip little per output, whatever their reach: wavenet_dilated (K=2, dilation 512, 64 ->
// 128 channels, length 16000) ran at 88.8 GFLOP/s this way with Owi16o weights, where dense_ncw's
// default had run at 97.9 (1 thread; the suite runs of this session and the last).
constexpr int kTrimmedChannelsNcwMinTaps = 64;
constexpr int kTrimmedChannelsNcwVectors = 3;
constexpr int kManyTrimmedChannelsNcwPositions = 5;
constexpr int kTrimmedChannelsNcwPositions = 4;
constexpr int kTrimmedChannelsNcwTilesPerTask = 16;
// ... and without FMA (SSE2), 2 vectors x 5 positions (14 registers with the product's own), as
// dense_ncw's tile there. wav2vec2_posconv with Owi16o weights, this EPYC (Zen 4), SSE2, 1 thread, paired
// against 3 x 4: 2 x 5 1.34-1.35, 2 x 4 1.28-1.30, 3 x 3 1.24-1.26, 2 x 3 1.21-1.22, 2 x 6 0.98, 1 x 7
// 0.99.
constexpr int kNoFmaTrimmedChannelsNcwVectors = 2;
constexpr int kNoFmaTrimmedChannelsNcwPositions = 5;
// Output channels come in whole vectors of every CPU target (4, 8 or 16 f32 lanes): no channel tails.
constexpr int kChannelsNcwOcMultiple = 16;
// nwc: 2 channel vectors x 4 positions = 8 accumulators.
constexpr int kNwcChannelVectors = 2;
constexpr int kNwcPositions = 4;

int largestDivisor(int64_t n, std::initializer_list<int> options) {
    for (int v : options)
        if (n % v == 0) return v;
    return 1;
}

bool sixteenBit(const convgen_conv1d_desc &d) { return d.dtype != CONVGEN_F32; }

// Whether t multiplies and adds in one instruction (all but the x86-64 baseline, SSE2).
bool fusedMultiplyAdd(const TargetVariant &t) {
    return t.halide.arch != Halide::Target::X86 || t.halide.has_feature(Halide::Target::FMA);
}

// ---- dense_ncw: GEMM-like register tile over (output positions x output channels) -------------

std::string denseRefuses(const convgen_conv1d_desc &d) {
    if (d.layout != CONVGEN_LAYOUT_NCW) return "unimplemented: needs layout ncw";
    return "";
}

// x tiles per dense_ncw task, by the constants above: where the taps reach no position or the
// layer is strided, 1 (the 1 x 16 tile kManyDenseOwVectors, spanning as many positions as 4 x 4);
// else on 16 registers by whether a span is staged (reach up to kDenseTilesMaxReach), on 32 by
// whether the reach lies in [kDenseTilesMinReach, kDenseTilesMaxReach], the 1 x 16 tile with its
// own count below that range.
int denseTilesPerTask(const convgen_conv1d_desc &d, bool many, bool wide) {
    const int64_t reach = d.dw * (d.kw - 1);
    if (d.sw != 1 || reach == 0) return wide ? kManyDenseOwVectors : 1;
    if (!many) return reach <= kDenseTilesMaxReach ? kDenseFewRegistersTilesPerTask : kDenseTilesPerTask;
    if (wide && reach < kDenseTilesMinReach) return kWideDenseShortReachTiles;
    const int tiles = reach >= kDenseTilesMinReach && reach <= kDenseTilesMaxReach ? kDenseTilesPerTask : 1;
    return wide ? tiles * kManyDenseOwVectors : tiles;
}

// dense_ncw's default tile and tasks for d on t (`allowWide`: the 1 x 16 tile where it applies).
ScheduleParams denseTiling(const convgen_conv1d_desc &d, const TargetVariant &t, bool allowWide) {
    ScheduleParams p;
    p.candidate = "dense_ncw";
    p.vector = t.vectorLanesF32;
    const bool many = t.vectorRegisters >= kManyRegisters;
    const int64_t weightBytes = d.oc * (d.ic / d.g) * d.kw * int64_t(sizeof(float));
    const bool wide = many && p.vector == kWideDenseLanes && d.oc % kWideDenseOcBlock == 0 &&
                      weightBytes <= kWideDenseMaxWeightsBytes && allowWide;
    const bool fma = fusedMultiplyAdd(t);
    p.owBlock = wide ? 1 : many ? kManyDenseOwVectors : fma ? kDenseOwVectors : kNoFmaDenseOwVectors;
    p.ocBlock = wide ? kWideDenseOcBlock : largestDivisor(d.oc, {many ? kManyDenseOcBlock : kDenseOcBlock, 3, 2});
    p.owTiles = denseTilesPerTask(d, many, wide);
    if (!fma) p.owTiles = p.owTiles * kDenseOwVectors / kNoFmaDenseOwVectors;
    const int64_t reach = d.dw * (d.kw - 1);
    if (!many && d.sw == 1 && reach > 0 && reach <= kDenseTilesMaxReach && d.mb % kDenseBatchRows == 0 &&
        p.owBlock * p.ocBlock % kDenseBatchRows == 0)
        p.batchRows = kDenseBatchRows;
    if (weightBytes > kDenseBigWeightsBytes && reach > kDenseTilesMaxReach) {
        p.blocksOuter = p.trimTaps = true;
        p.owTiles = kDenseTilesPerTask;
        if (many) {
            p.owBlock = kDenseBigWeightsOwVectors;
            p.ocBlock = largestDivisor(d.oc, {kDenseBigWeightsOcBlock, 6, 4, 3, 2});
        }
    }
    return p;
}

ScheduleParams denseDefaults(const convgen_conv1d_desc &d, const TargetVariant &t) { return denseTiling(d, t, true); }

// The accumulator of the dense schedules: a full tile of p.owBlock vectors x ocBlock channels (x
// `rows` batch rows), computed at dst's loop `at`, so it is a constant-size block that lives in
// registers (store_in Register; it was a stack array reloaded around every FMA before:
// whisper_conv1 19 -> 70 GFLOP/s, 1 thread). The rows of a channel are unrolled inside it, so one
// weight broadcast serves them all.
void registerTile(Conv1dFuncs &f, Func acc, const ScheduleParams &p, const Var &at, int ocBlock, int rows) {
    acc.compute_at(f.dst, at).bound_extent(f.x, p.vector * p.owBlock).bound_extent(f.o, ocBlock);
    acc.store_in(MemoryType::Register).vectorize(f.x, p.vector).unroll(f.x).unroll(f.o);
    Stage update = acc.update();
    if (rows > 1) {
        acc.bound_extent(f.n, rows).unroll(f.n);
        update.reorder(f.x, f.n, f.o, f.r.y, f.r.x).unroll(f.n);
    } else {
        update.reorder(f.x, f.o, f.r.y, f.r.x, f.n);
    }
    update.vectorize(f.x, p.vector).unroll(f.x).unroll(f.o);
    if (sixteenBit(f.desc)) f.weights.compute_root();
}

// The loops of dst (the Stage `dst`: its definition or a specialization) in the register-tiled
// schedules (dense_ncw, im2col_ncw, channels_ncw): tiles of `tile` positions x ocBlock channels
// (x `rows` batch rows, shifted inwards); each parallel task takes p.owTiles x tiles (one input span
// staged for all of them) and a part of the channel blocks. dense_ncw takes each x tile through every
// block (the tile's input in L1); channels_ncw and dense_ncw with blocks_outer (`tilesInsideBlocks`)
// each block through every x tile (the block's weights in L2). Returns the task loop, the
// channel block and x tile loops and the tile's own two.
struct TaskLoops {
    Var t{"t"}, oo{"oo"}, xoi{"xoi"}, xi{"xi"}, oi{"oi"}, ni{"ni"};
};

TaskLoops taskLoops(Conv1dFuncs &f, Stage dst, const ScheduleParams &p, int tile, int ocBlock,
                    bool tilesInsideBlocks, int rows = 1) {
    TaskLoops l;
    Var xo("xo"), part("part"), xoo("xoo"), no("no");
    // The accumulator is always a full tile (registerTile): the last x tile computes past the end and
    // its stores are guarded.
    // Channel blocks shift inwards: oc is fixed and >= the block (channels_ncw's blocks divide oc, so
    // they never shift and each starts where a block of the packed weights does).
    dst.split(f.x, xo, l.xi, tile, TailStrategy::GuardWithIf)
        .split(f.o, l.oo, l.oi, ocBlock, TailStrategy::ShiftInwards);
    // Each x task's channel blocks are split into kDenseChannelParts parallel tasks, so a short row
    // (one x task) still feeds every thread; each part stages its own input tile. Not where a part
    // would take fewer than kDenseMinPartFmas FMAs (per output lane; its fixed costs then weigh).
    const int blocks = int((f.desc.oc + ocBlock - 1) / ocBlock);
    const int64_t partFmas =
        int64_t(tile) * p.owTiles * (f.desc.oc / kDenseChannelParts) * (f.desc.ic / f.desc.g) * f.desc.kw;
    const int parts = partFmas < kDenseMinPartFmas ? 1 : kDenseChannelParts;
    const int partBlocks = (blocks + parts - 1) / parts;
    dst.split(l.oo, part, l.oo, partBlocks, TailStrategy::GuardWithIf)
        .split(xo, xoo, l.xoi, p.owTiles, TailStrategy::GuardWithIf);
    Var batch = f.n;
    if (rows > 1) {
        dst.split(f.n, no, l.ni, rows, TailStrategy::ShiftInwards).unroll(l.ni);
        batch = no;
        if (tilesInsideBlocks) dst.reorder(l.oi, l.xi, l.ni, l.xoi, l.oo, part, xoo, no);
        else dst.reorder(l.xi, l.oi, l.ni, l.oo, l.xoi, part, xoo, no);
    } else if (tilesInsideBlocks) {
        dst.reorder(l.oi, l.xi, l.xoi, l.oo, part, xoo, f.n);
    } else {
        dst.reorder(l.xi, l.oi, l.oo, l.xoi, part, xoo, f.n);
    }
    dst.fuse(part, xoo, l.t).fuse(l.t, batch, l.t);
    if (p.parallel) dst.parallel(l.t);
    return l;
}

// The padded, f32 input of a task's tiles is made once per task and stays in L2 while every channel
// tile streams through it (x tiles outside channel tiles: 9 -> 53 GFLOP/s in the issue-3 probe). It
// is the span the tiles' taps cover, or where each tap's window alone is smaller (an im2col copy;
// im2col_ncw always) the windows: wavenet's 2 taps 512 apart spanned 576 positions for 64 outputs.
// (Elements per channel: span x kw for the windows; the span, times sw phases when strided.)
// Each copied row costs Halide's edge split (its bounds, a guarded vector at each end) besides its
// vectors, so the copies are shaped to pay it rarely:
// - The windows are copied tap by tap (taps outside channels): the split's bounds depend on the tap
//   and the task only, and LLVM hoists them out of the channel loop. Taps inside channels computed
//   them for every channel and tap, about 40 instructions for the 3 vectors of a 24-position AVX2
//   window. Paired, this EPYC (Zen 4), 1 thread: AVX2 downsample_s2 1.10 (1.15 at 2 threads),
//   whisper_conv2 1.03 (1.06), wav2vec2_fe1 1.00 (1.01), 64->128, 192->192 and 32->64 K=8 s4
//   1.12-1.24, wavenet_dilated (windows of dilated taps) 1.04; AVX-512 (64-position windows) 0.98-1.06.
//   Copying channels in chunks of 8-32 inside the taps (so each src line is reread from L1) was level
//   with this. The stride phases of a strided span likewise (AVX2 dense_ncw K=5 s2, K=7 s2 and
//   K=3 s2 dilation 2: 1.01-1.05; AVX-512 0.998-1.01).
// - The staged span is a whole number of vectors: its last vector, shifted inwards otherwise, was
//   a guarded (gathered) one in every row of every task. Paired, AVX2, 1 thread: ecg_resnet and
//   whisper_conv1 1.02-1.05, tcn_block, hifigan_resblock, wavenet_dilated, kws_small 1.00-1.02;
//   AVX-512 1.00-1.02.
// With rowsTile (dense_ncw's batch-row tiles), the row's tiles are of that many positions where dst
// reads rowsAcc.
void stageInput(Conv1dFuncs &f, const ScheduleParams &p, const Var &task, int tile, bool alwaysWindows,
                int rowsTile = 0) {
    const int span = tile * p.owTiles;
    // (Spans shorter than a vector, from channels_ncw's position tiles, take a guarded vector.)
    const TailStrategy tail = span < p.vector ? TailStrategy::GuardWithIf : TailStrategy::Auto;
    if (alwaysWindows || span * f.desc.kw < f.desc.sw * f.stagedExtent(span)) {
        f.staged.compute_inline();
        const std::vector<Var> a = f.taps.args();  // x, k, c, n
        f.taps.compute_at(f.dst, task).bound_extent(a[0], span).vectorize(a[0], p.vector, tail)
            .reorder(a[0], a[2], a[1], a[3]);
    } else {
        // A staged span shrinks to a row's tiles where the row is shorter than a task (still whole
        // vectors, at least one): kws_small (98 positions, one task of 6 AVX2 tiles) 1.02x the full
        // span, paired, 1 and 2 threads; level elsewhere. (The windows keep a constant extent:
        // bounded so, wavenet_dilated's copies ran 0.93x.)
        auto rowTiles = [&](int size) { return (f.ow + size - 1) / size * size; };
        Expr outputs = rowTiles(tile);
        if (rowsTile > 0) outputs = select(f.batchRowsCondition(), rowTiles(rowsTile), outputs);
        outputs = min(span, outputs);
        const int vectors = (f.stagedExtent(span) + p.vector - 1) / p.vector;
        const Expr extent = (outputs + (vectors * p.vector - span) + p.vector - 1) / p.vector * p.vector;
        f.staged.compute_at(f.dst, task).bound_extent(f.staged.args()[0], extent)
            .vectorize(f.staged.args()[0], p.vector, tail);
        const std::vector<Var> a = f.staged.args();  // x, c, n; or x, phase, c, n where strided
        if (a.size() == 4) f.staged.reorder(a[0], a[2], a[1], a[3]);
    }
}

// dense_ncw's batch-row tile for p: one vector x owBlock x ocBlock / batchRows channels (as many
// accumulators), owBlock times the x tiles per task (as many positions).
ScheduleParams rowsTile(const ScheduleParams &p, int ocBlock) {
    ScheduleParams q = p;
    q.ocBlock = std::max(1, p.owBlock * ocBlock / p.batchRows);
    q.owTiles = p.owTiles * p.owBlock;
    q.owBlock = 1;
    return q;
}

// The vectors of a register tile's x are stored unrolled (vectorize leaves their loop named xi): in a
// loop, LLVM copied the accumulators to the stack and back before each store, 3 memory operations
// per vector of outputs. Unrolled, paired against the loop, this EPYC (Zen 4), AVX2 (3 x 4 tiles),
// 1 | 2 threads: wav2vec2_fe0 (10 FMAs per output) 1.18 | 1.17, the other dense layers 1.00-1.07;
// AVX-512 (mostly 1-vector tiles) 0.99-1.02. (In depthwise_ncw's 8-vector tiles it lost: conformer_dw
// 0.94, AVX-512 and AVX2.)
void storeTileUnrolled(Stage dst, const ScheduleParams &p, const Var &xi) { dst.vectorize(xi, p.vector).unroll(xi); }

// dense_ncw and im2col_ncw (`windows`: each tap's window stored). With p.batchRows, batches of that
// many rows or more (a specialization of dst where the batch is dynamic) take tiles of one vector
// x (owBlock x ocBlock / batchRows) channels x batchRows rows: as many accumulators, the same span
// per task, but a row's x tail is at most a vector.
void denseTiles(Conv1dFuncs &f, const ScheduleParams &p, bool windows) {
    const int ocBlock = int(std::min<int64_t>(p.ocBlock, f.desc.oc));
    auto tiles = [&](Stage dst, Func acc, const ScheduleParams &q, int channels, int rows) {
        TaskLoops l = taskLoops(f, dst, q, q.vector * q.owBlock, channels, q.blocksOuter, rows);
        if (q.blocksOuter) dst.reorder(l.xi, l.oi, l.xoi, l.oo);  // the register tile stays x-vectorized
        storeTileUnrolled(dst, q, l.xi);
        dst.unroll(l.oi);
        registerTile(f, acc, q, q.blocksOuter ? l.xoi : l.oo, channels, rows);
        return l.t;
    };
    // dst reads rowsAcc always (the condition is constant: rowsAcc is acc), in a specialization or
    // never (rowsAcc undefined). Both sets of loops name the task loop alike: one staged input.
    const bool rows = f.rowsAcc.defined(), always = rows && Internal::is_const_one(f.batchRowsCondition());
    Var task;
    if (rows) {
        ScheduleParams q = rowsTile(p, ocBlock);
        const int channels = int(std::min<int64_t>(q.ocBlock, f.desc.oc));
        task = tiles(always ? Stage(f.dst) : f.dst.specialize(f.batchRowsCondition()), f.rowsAcc, q, channels,
                     p.batchRows);
    }
    if (!always) task = tiles(f.dst, f.acc, p, ocBlock, 1);
    stageInput(f, p, task, p.vector * p.owBlock, windows, rows ? p.vector : 0);
}

void denseApply(Conv1dFuncs &f, const ScheduleParams &p) { denseTiles(f, p, false); }

// ---- im2col_ncw: dense_ncw reading every tap's window from an aligned copy --------------------
// Each tap's loads are aligned and, when strided, contiguous (no stride phases), but the copy is kw
// times the span's where the stride phases copy it about once. The default for strided, undilated
// layers whose taps reach at most kIm2colMaxTapsPerStride strides. Paired against dense_ncw (and
// channels_ncw where that was the default), this Xeon, at dense_ncw's default tile:
// - AVX-512, 1 | 2 threads: downsample_s2 (128->256, K=3, stride 2) 1.16 | 1.13, whisper_conv2
//   (512, K=3, s2) 1.07-1.10 | 1.08 and wav2vec2_fe1 1.16 | 1.14 over channels_ncw (1.12-1.19 over
//   dense_ncw); 64->128 K=3 s2 1.33 | 1.02, 256->256 K=3 s2 1.12 | 1.21, 64->128 K=8 s4 1.14 |
//   1.12, 32->64 K=3 s2 1.00 | 0.96, K=s (3 and 4) 1.00. Past 2 strides it lost: K=5 s2 0.99 |
//   1.10, K=7 s2 0.95, K=16 s2 0.90, K=32 s4 0.87. Dilated (K=3 s2 d2): 1.09 at 1 thread.
// - AVX2, 1 thread: K=3 s2 layers 1.54-1.76 (downsample_s2 28 -> 46 GFLOP/s, whisper_conv2 38 ->
//   67), wav2vec2_fe1 1.21; K=5 s2 1.07, K=8 s4 1.04, K=7 s2 1.36, K=16 s2 0.97; dilated 0.91
//   (so dilated layers are not its default anywhere).
// At stride 1 it loses (whisper_conv1 126 -> 89, ecg_resnet 116 -> 67 GFLOP/s, AVX-512).
constexpr int kIm2colMaxTapsPerStride = 2;

std::string im2colNotDefault(const convgen_conv1d_desc &d, const TargetVariant &) {
    if (d.sw == 1) return "not the default: stride 1";
    if (d.dw != 1) return "not the default: dilated";
    if (d.kw > kIm2colMaxTapsPerStride * d.sw)
        return "not the default: kernel_size above " + std::to_string(kIm2colMaxTapsPerStride) + " x stride";
    return "";
}

ScheduleParams im2colDefaults(const convgen_conv1d_desc &d, const TargetVariant &t) {
    ScheduleParams p = denseTiling(d, t, false);  // 4 x 4 on AVX-512, not 1 x 16 (kWideDenseOcBlock)
    p.candidate = "im2col_ncw";
    return p;
}

void im2colApply(Conv1dFuncs &f, const ScheduleParams &p) { denseTiles(f, p, true); }

// ---- narrow_ncw: few input channels per group, channel blocks outside the length -----------------

std::string narrowRefuses(const convgen_conv1d_desc &d) {
    if (d.layout != CONVGEN_LAYOUT_NCW) return "unimplemented: needs layout ncw";
    if (d.ic / d.g > kNarrowMaxInputs)
        return "unimplemented: more than " + std::to_string(kNarrowMaxInputs) + " input channels per group";
    return "";
}

ScheduleParams narrowDefaults(const convgen_conv1d_desc &d, const TargetVariant &t) {
    ScheduleParams p = denseDefaults(d, t);
    p.candidate = "narrow_ncw";
    p.owTiles = 1;  // each task walks a whole row
    p.batchRows = 0;
    p.phaseTaps = d.sw > 1 && t.vectorRegisters < kManyRegisters;
    return p;
}

void narrowApply(Conv1dFuncs &f, const ScheduleParams &p) {
    Var xo("xo"), xi("xi"), oo("oo"), oi("oi");
    const int tile = p.vector * p.owBlock;
    const int ocBlock = int(std::min<int64_t>(p.ocBlock, f.desc.oc));
    // The register tile of dense_ncw, but each parallel task takes a channel block and walks the
    // whole row, so every output row is written front to back.
    f.dst.split(f.x, xo, xi, tile, TailStrategy::GuardWithIf)
        .split(f.o, oo, oi, ocBlock, TailStrategy::ShiftInwards)
        .reorder(xi, oi, xo, oo, f.n)
        .unroll(oi);
    storeTileUnrolled(f.dst, p, xi);
    if (p.parallel) f.dst.parallel(oo);
    // The whole padded input of a batch, staged once before the parallel loop (staging it per task
    // instead would copy the row once per channel block). Bounded by the full tiles, as in depthwise.
    const Expr rowTiles = (f.ow + tile - 1) / tile * tile;
    f.staged.compute_at(f.dst, f.n)
        .bound_extent(f.staged.args()[0], rowTiles + f.stagedExtent(tile) - tile)
        .vectorize(f.staged.args()[0], p.vector);
    registerTile(f, f.acc, p, xo, ocBlock, 1);
    if (p.phaseTaps) {
        RVar step("step"), phase("phase");
        f.acc.update().split(f.r.y, step, phase, int(f.desc.sw)).unroll(phase);
    }
}

// ---- depthwise_ncw: one channel row at a time, vectorized along the length ----------------------

std::string depthwiseRefuses(const convgen_conv1d_desc &d) {
    if (d.layout != CONVGEN_LAYOUT_NCW) return "unimplemented: needs layout ncw";
    if (d.g != d.ic) return "unimplemented: needs groups == in_channels (depthwise)";
    if (d.oc / d.g > 4) return "unimplemented: channel multiplier above 4 (dense_ncw blocks over channels)";
    return "";
}

ScheduleParams depthwiseDefaults(const convgen_conv1d_desc &d, const TargetVariant &t) {
    ScheduleParams p;
    p.candidate = "depthwise_ncw";
    p.vector = std::min(t.vectorLanesF32, kDepthwiseLanes);
    p.owBlock = d.kw <= kDepthwiseShortKernel ? 1 : kDepthwiseOwVectors;
    p.ocBlock = int(std::max<int64_t>(kDepthwiseRowsPerTask, d.oc / kDepthwiseTasksPerBatch));
    p.laneTaps = p.owBlock > 1 && fusedMultiplyAdd(t);
    const int64_t reach = d.dw * (d.kw - 1);
    if (d.sw == 1 && p.owBlock == 1) {
        const bool smallEdge = reach < kDepthwiseDirectSmallEdge && d.pw_l <= kDepthwiseDirectSmallEdge &&
                               d.pw_r <= kDepthwiseDirectSmallEdge;
        const int64_t perTaps = kDepthwiseDirectPerTapSquared * d.kw * d.kw;
        const int64_t perEdge = kDepthwiseDirectPerEdge * (d.pw_l + d.pw_r + reach);
        const int64_t from = smallEdge ? std::min<int64_t>(perTaps, kDepthwiseDirectLongRow)
                                       : std::max<int64_t>(kDepthwiseDirectLongRow, perEdge);
        p.directFrom = int(std::min<int64_t>(from, std::numeric_limits<int>::max()));
    }
    return p;
}

// lane_taps' step: taps k and k + step read input positions (in stride phases, where strided) whole
// vectors of `lanes` apart, so one loaded vector serves tap k of a tile's vector j and tap k + step
// of vector j - step x dw / (sw x lanes).
int laneTapStep(const convgen_conv1d_desc &d, int lanes) {
    const int64_t span = d.sw * lanes;
    return int(span / std::gcd<int64_t>(d.dw, span));
}

void depthwiseApply(Conv1dFuncs &f, const ScheduleParams &p) {
    Var xo("xo"), xi("xi"), oo("oo"), oi("oi"), t("t");
    const int tile = p.vector * p.owBlock;
    // Register accumulators over a full tile, as in dense_ncw (mamba_conv1d without SiLU: 5 -> 19
    // GFLOP/s, 1 thread). Each parallel task takes ocBlock channel rows.
    auto loops = [&](Stage dst, TailStrategy tail) {
        dst.split(f.x, xo, xi, tile, tail)
            .split(f.o, oo, oi, p.ocBlock, TailStrategy::GuardWithIf)
            .reorder(xi, xo, oi, oo, f.n)
            .vectorize(xi, p.vector)
            .fuse(oo, f.n, t);
        if (p.parallel) dst.parallel(t);
    };
    // From directFrom on, where a row has at least a tile of outputs, acc reads the input itself
    // (staged is then not computed: Halide skips a producer whose values are not used in the
    // specialization taken), its last tile shifted inwards: the taps that read no padding read src
    // with no bounds check (defineConv1d), so no tile may compute past the row.
    if (p.directFrom > 0) loops(f.dst.specialize(f.directCondition()), TailStrategy::ShiftInwards);
    loops(f.dst, TailStrategy::GuardWithIf);
    // One padded row per channel: the boundary is handled once per element, not once per tap.
    // Its extent covers every full tile of the row, which the accumulator computes (stagedExtent).
    // On Halide's pseudo-stack: a heap row per channel cost one malloc and free per row (1024 per
    // call on conformer_dw: 80 vs 89 GFLOP/s at 2 threads, AVX-512, same process); past Halide's
    // stack limit (16 KB) the pseudo-stack falls back to one heap block per task, reused by its rows.
    const Expr rowTiles = (f.ow + tile - 1) / tile * tile;
    f.staged.compute_at(f.dst, oi)
        .store_in(MemoryType::Stack)
        .bound_extent(f.staged.args()[0], rowTiles + f.stagedExtent(tile) - tile)
        .vectorize(f.staged.args()[0], p.vector);
    f.acc.compute_at(f.dst, xo).bound_extent(f.x, tile).store_in(MemoryType::Register);
    f.acc.vectorize(f.x, p.vector).unroll(f.x);
    // Each update definition (a range of taps where src is read directly) alike: the taps unrolled
    // together, all of them or with lane_taps those a step apart (each residue of the step in a loop),
    // in the fewest equal groups of at most kDepthwiseUnrolledFmas FMAs.
    for (size_t i = 0; i < f.accDomains.size(); ++i) {
        const RDom &r = f.accDomains[i];
        const int64_t kw = *Internal::as_const_int(r.y.extent());
        Stage update = f.acc.update(int(i));
        update.reorder(f.x, r.y, r.x, f.o, f.n).vectorize(f.x, p.vector).unroll(f.x);
        RVar taps = r.y;
        int64_t unrolled = kw;
        if (p.laneTaps) {
            const int step = laneTapStep(f.desc, p.vector);
            RVar residue("tap_residue"), q("tap_q");
            update.split(r.y, q, residue, step, TailStrategy::GuardWithIf).reorder(f.x, q, residue);
            taps = q, unrolled = (kw + step - 1) / step;
        }
        const int64_t groups = (unrolled * p.owBlock + kDepthwiseUnrolledFmas - 1) / kDepthwiseUnrolledFmas;
        if (groups <= 1) {
            update.unroll(taps);
        } else {
            RVar group("tap_group"), tap("tap");
            update.split(taps, group, tap, int((unrolled + groups - 1) / groups), TailStrategy::GuardWithIf)
                .unroll(tap);
        }
    }
    if (sixteenBit(f.desc)) f.weights.compute_root();
}

// ---- channels_nwc: vectorized over output channels, blocked over positions ----------------------

std::string nwcRefuses(const convgen_conv1d_desc &d) {
    if (d.layout != CONVGEN_LAYOUT_NWC) return "unimplemented: needs layout nwc";
    return "";
}

ScheduleParams nwcDefaults(const convgen_conv1d_desc &d, const TargetVariant &t) {
    ScheduleParams p;
    p.candidate = "channels_nwc";
    p.vector = t.vectorLanesF32;
    p.ocBlock = d.oc >= kNwcChannelVectors * p.vector ? kNwcChannelVectors * p.vector : p.vector;
    p.owBlock = kNwcPositions;
    return p;
}

// Where out_channels fill a channel block, the accumulator is a full tile of ocBlock channels x
// owBlock positions held in registers (dense_ncw's registerTile, transposed): the last channel block
// shifts inwards and the last x tile computes past the row, its stores guarded. Before, its size
// followed the guarded tails, so it lived in memory and every FMA loaded and stored it: paired
// against that, this EPYC (Zen 4), 1 thread, AVX2 (2 vectors x 4 positions) conformer_pw and
// whisper_conv1 in nwc 2.87 and 2.84 (31 -> 88-90 GFLOP/s), AVX-512 2.08 and 1.14. Fewer channels
// than a block keep the guarded tile in memory.
void nwcApply(Conv1dFuncs &f, const ScheduleParams &p) {
    Var xo("xo"), xi("xi"), oo("oo"), oi("oi"), t("t");
    const bool registers = f.desc.oc >= p.ocBlock;
    f.dst.split(f.o, oo, oi, p.ocBlock, registers ? TailStrategy::ShiftInwards : TailStrategy::GuardWithIf)
        .split(f.x, xo, xi, p.owBlock, TailStrategy::GuardWithIf)
        .reorder(oi, xi, oo, xo, f.n)
        .vectorize(oi, p.vector)
        .fuse(xo, f.n, t);
    if (p.parallel) f.dst.parallel(t);
    const std::vector<Var> in = f.staged.args(), w = f.weights.args();
    // Channels innermost in the input tile and output-channel-major weights: every load is a vector.
    // Channel dimensions have no boundary condition: a vector may not shift or round past them.
    const TailStrategy guard = TailStrategy::GuardWithIf;
    // staged is (p, c, n), or (j, ph, c, n) for strided kernels: move c to the front.
    const size_t ch = in.size() - 2;
    std::vector<Var> storage(in.begin(), in.end());
    std::rotate(storage.begin(), storage.begin() + ch, storage.begin() + ch + 1);
    std::vector<VarOrRVar> order(storage.begin(), storage.end());
    f.staged.compute_at(f.dst, t).reorder_storage(storage).reorder(order);
    f.staged.vectorize(in[ch], p.vector, guard);
    f.weights.compute_root().reorder_storage(w[2], w[0], w[1]).reorder(w[2], w[0], w[1]).vectorize(w[2], p.vector,
                                                                                                   guard);
    f.acc.compute_at(f.dst, oo).reorder_storage(f.o, f.x, f.n).reorder(f.o, f.x, f.n).vectorize(f.o, p.vector, guard);
    f.acc.update().reorder(f.o, f.x, f.r.y, f.r.x, f.n).vectorize(f.o, p.vector, guard).unroll(f.o).unroll(f.x);
    if (registers)
        f.acc.bound_extent(f.x, p.owBlock).bound_extent(f.o, p.ocBlock).store_in(MemoryType::Register).unroll(f.o)
            .unroll(f.x);
}

// ---- channels_ncw: vectorized over output channels, positions broadcast ----------------------
// oneDNN's order (weights as vectors, each input element broadcast to a block of output channels),
// on ncw data: the input needs no vector loads at unaligned or strided positions and x has no
// vector tail, but the tile is transposed on its way out (channels are vector lanes, dst is
// x-contiguous), one scalar store per output, so it pays where each output takes many FMAs
// (ic x kw). oiw weights are packed per call in blocks of ocBlock channels (defineConv1d's
// weightBlock); unpacked, each step of the reduction loaded 128 bytes 2 KB apart (whisper_conv2) and
// ran at half the speed. Owi16o weights, packed once outside the call, are read as they are. Each
// tile's channels lie in one group, so its input channels are the same for all its lanes.

std::string channelsNcwRefuses(const convgen_conv1d_desc &d) {
    if (d.layout != CONVGEN_LAYOUT_NCW) return "unimplemented: needs layout ncw";
    if ((d.oc / d.g) % kChannelsNcwOcMultiple != 0)
        return "unimplemented: needs out_channels per group a multiple of " + std::to_string(kChannelsNcwOcMultiple);
    return "";
}

// Kernels of more than kTrimmedChannelsNcwMinTaps taps with zero padding, where a tile of positions
// skips many taps ...
bool skipsManyTaps(const convgen_conv1d_desc &d) {
    return d.padding_mode == CONVGEN_PAD_ZEROS && d.kw > kTrimmedChannelsNcwMinTaps;
}

// ... which channels_ncw's tile does where the weights come in the Owi16o layout (made once, outside
// the call).
bool channelsNcwTrims(const convgen_conv1d_desc &d) { return d.wei_layout == CONVGEN_WEI_OWI16O && skipsManyTaps(d); }

std::string channelsNcwNotDefault(const convgen_conv1d_desc &d, const TargetVariant &t) {
    if (channelsNcwTrims(d)) return "";
    if (skipsManyTaps(d))  // a hint for --verbose: the spec can ask for it
        return "not the default: oiw weights (with weight_layout Owi16o it is, skipping taps per tile)";
    if (t.vectorRegisters < kManyRegisters) return "not the default: 16 vector registers";
    if (d.sw == 1) return "not the default: stride 1";
    if (d.ic * d.kw < kChannelsNcwMinFmas)
        return "not the default: in_channels x kernel_size below " + std::to_string(kChannelsNcwMinFmas);
    return "";
}

ScheduleParams channelsNcwDefaults(const convgen_conv1d_desc &d, const TargetVariant &t) {
    ScheduleParams p;
    p.candidate = "channels_ncw";
    p.vector = t.vectorLanesF32;
    const bool many = t.vectorRegisters >= kManyRegisters;
    const int64_t ocg = d.oc / d.g;  // a tile's channels lie in one group
    p.ocBlock = ocg % (kChannelsNcwVectors * p.vector) == 0 ? kChannelsNcwVectors * p.vector : p.vector;
    p.owBlock = many ? kManyChannelsNcwPositions : kChannelsNcwPositions;
    p.owTiles = kChannelsNcwTilesPerTask;
    if (channelsNcwTrims(d)) {
        p.trimTaps = true;
        const bool fma = fusedMultiplyAdd(t);
        p.ocBlock = p.vector * largestDivisor(ocg / p.vector, {fma ? kTrimmedChannelsNcwVectors
                                                                   : kNoFmaTrimmedChannelsNcwVectors, 2});
        p.owBlock = many ? kManyTrimmedChannelsNcwPositions
                    : fma ? kTrimmedChannelsNcwPositions : kNoFmaTrimmedChannelsNcwPositions;
        p.owTiles = kTrimmedChannelsNcwTilesPerTask;
    }
    return p;
}

void channelsNcwApply(Conv1dFuncs &f, const ScheduleParams &p) {
    TaskLoops l = taskLoops(f, f.dst, p, p.owBlock, p.ocBlock, true);
    f.dst.vectorize(l.oi, p.vector).unroll(l.oi).unroll(l.xi);
    stageInput(f, p, l.t, p.owBlock, false);
    if (f.packedWeights.defined()) {  // oiw weights, packed per call
        const std::vector<Var> w = f.packedWeights.args();
        f.packedWeights.compute_root().vectorize(w[0], p.vector).parallel(w[3]);
    }
    f.acc.compute_at(f.dst, l.xoi).bound_extent(f.x, p.owBlock).bound_extent(f.o, p.ocBlock);
    f.acc.reorder_storage(f.o, f.x, f.n).reorder(f.o, f.x, f.n);
    f.acc.store_in(MemoryType::Register).vectorize(f.o, p.vector).unroll(f.o).unroll(f.x);
    // The reduction walks the weights in their order: taps innermost where packed per call, input
    // channels innermost in the Owi16o layout.
    if (f.packedWeights.defined()) f.acc.update().reorder(f.o, f.x, f.r.y, f.r.x, f.n);
    else f.acc.update().reorder(f.o, f.x, f.r.x, f.r.y, f.n);
    f.acc.update().vectorize(f.o, p.vector).unroll(f.o).unroll(f.x);
}

// ---- generic: always applies; vectorized along the innermost dimension ------------------------

std::string genericRefuses(const convgen_conv1d_desc &) { return ""; }

ScheduleParams genericDefaults(const convgen_conv1d_desc &, const TargetVariant &t) {
    ScheduleParams p;
    p.candidate = "generic";
    p.vector = t.vectorLanesF32;
    p.owBlock = 1;
    p.ocBlock = 1;
    return p;
}

void genericApply(Conv1dFuncs &f, const ScheduleParams &p) {
    Var vo("vo"), vi("vi"), t("t");
    const bool nwc = f.desc.layout == CONVGEN_LAYOUT_NWC;
    Var inner = nwc ? f.o : f.x, outer = nwc ? f.x : f.o;
    f.dst.split(inner, vo, vi, p.vector, TailStrategy::GuardWithIf).vectorize(vi).fuse(outer, f.n, t);
    if (p.parallel) f.dst.parallel(t);
    f.acc.compute_at(f.dst, vo);
}

}  // namespace

const std::vector<ScheduleCandidate> &cpuCandidates() {
    static const std::vector<ScheduleCandidate> list = {
        {"depthwise_ncw", depthwiseRefuses, depthwiseDefaults, depthwiseApply, false, false, nullptr, false, true,
         false, false, false, true},
        {"narrow_ncw", narrowRefuses, narrowDefaults, narrowApply, false, false, nullptr, false, false, false, true},
        {"im2col_ncw", denseRefuses, im2colDefaults, im2colApply, true, false, im2colNotDefault, true, false, true,
         false, true},
        {"channels_ncw", channelsNcwRefuses, channelsNcwDefaults, channelsNcwApply, true, true, channelsNcwNotDefault,
         false, false, true},
        {"dense_ncw", denseRefuses, denseDefaults, denseApply, true, false, nullptr, true, false, true, false, true},
        {"channels_nwc", nwcRefuses, nwcDefaults, nwcApply},
        {"generic", genericRefuses, genericDefaults, genericApply},
    };
    return list;
}

}  // namespace convgen
