// defineConv1d: what a conv1d kernel computes, as Halide Funcs. Names no target, applies no schedule.
#pragma once

#include "compiler/spec/Conv1dSpec.h"

#include <Halide.h>

#include <vector>

namespace convgen {

// What a schedule asks of the algorithm beyond the spec; neither changes the result.
struct AlgorithmOptions {
    // Output channels per block of packedWeights (1: not packed; with weights in the Owi16o layout
    // never packed: blocks of 16 are what a block of vectors loads).
    int weightBlock = 1;
    // Output positions per accumulator tile (tiles start at multiples of it) whose kernel taps are
    // skipped where every position of the tile reads zero padding (0: every tap is computed).
    int tapTile = 0;
    // Input lengths from which acc reads input directly, not through the copy `staged` (stride 1;
    // 0: always staged): a schedule that specializes dst on directCondition() skips the copy there.
    int directFrom = 0;
    // With directFrom: outputs per accumulator tile of that schedule. acc reads the input directly
    // only where a row has at least one such tile (directCondition()): the taps that read no padding
    // then read src with no bounds check, so the schedule must not compute past a row's end there
    // (depthwise_ncw shifts its last tile inwards).
    int directTile = 0;
    // Batch rows per accumulator tile (0: one row). dst then reads rowsAcc, a second accumulator
    // that a schedule tiles over batchRows rows and rowsTile positions, where the batch is a multiple
    // of batchRows and such tiles compute at least an eighth fewer positions per row than tiles of
    // plainTile positions (those of acc); else acc. A schedule specializes dst on
    // batchRowsCondition() unless that is constant.
    int batchRows = 0;
    int rowsTile = 0;
    int plainTile = 0;
    bool operator==(const AlgorithmOptions &o) const {
        return weightBlock == o.weightBlock && tapTile == o.tapTile && directFrom == o.directFrom &&
               directTile == o.directTile && batchRows == o.batchRows && rowsTile == o.rowsTile &&
               plainTile == o.plainTile;
    }
};

struct Conv1dFuncs {
    convgen_conv1d_desc desc{};
    Halide::ImageParam src, wei, bia;  // bia is defined only when desc.bias
    Halide::Var x{"x"}, o{"o"}, n{"n"}; // output position, output channel, batch (logical order)
    Halide::RDom r;                      // r.x: input channel within the group, r.y: kernel tap
    std::vector<Halide::RDom> accDomains; // the domain of each update definition of acc (and rowsAcc),
                                         // in order: r; or reading src directly (directFrom), one
                                         // per range of taps (defineConv1d), each r.x and r.y alike
    Halide::Func input;                  // input(p, c, n): f32 source at padded position p (boundary applied)
    Halide::Func staged;                 // what acc reads: input itself, or for stride > 1 input split
                                         // into stride phases, staged(j, ph, c, n) = input(j*sw + ph, c, n),
                                         // so each kernel tap reads consecutive elements; with directFrom,
                                         // a copy of input that acc reads only for shorter inputs
    Halide::Func taps;                   // what acc reads, per kernel tap: taps(x, k, c, n) is staged at
                                         // output x's tap k. Inlined (acc reads staged) unless a schedule
                                         // stores it: then only each tap's window is copied, not the span
                                         // between taps (dilated kernels whose taps lie far apart)
    Halide::Func weights;                // weights(k, i, o): f32 weights
    Halide::Func packedWeights;          // packedWeights(oi, k, i, ob) = weights(k, i, ob * block + oi), what
                                         // acc reads when defined with a weight block and the weights
                                         // come in the oiw layout (else undefined)
    Halide::Func acc;                    // acc(x, o, n): bias, then += over r
    Halide::Func rowsAcc;                // the same as acc, for tiles of options.batchRows batch rows
                                         // (undefined where dst never reads it; acc itself where it
                                         // always does)
    Halide::Func dst;                    // output in the spec's layout and dtype: (x, o, n) or (o, x, n)
    AlgorithmOptions options;            // what the schedule asked for
    Halide::Expr iw, ow;                 // run-time input and output lengths
    Halide::Expr batch;                  // run-time batch
    // Where dst reads rowsAcc (see AlgorithmOptions::batchRows); a constant where the batch and
    // length are fixed.
    Halide::Expr batchRowsCondition() const;
    // Where acc reads the input directly (see AlgorithmOptions::directFrom and directTile).
    Halide::Expr directCondition() const;

    // How many consecutive staged positions (dimension 0) `outputs` consecutive outputs read. A
    // schedule whose accumulator tile runs past the end of the output bounds staged by it: Halide
    // infers staged's region from the positions the output needs, not from the accumulator's
    // bound_extent, so the tail tile would otherwise read uninitialized memory (kws_small: 1.3-41
    // GFLOP/s across processes, from denormal garbage in the discarded lanes).
    int stagedExtent(int outputs) const;
    // The pipeline with its run-time requirements (valid length, reflect/circular limits).
    Halide::Pipeline pipeline() const;
    // Argument order of every generated entry point: src, wei, [bia,] dst.
    std::vector<Halide::Argument> arguments() const;
};

// Builds the Funcs for a spec: PyTorch nn.Conv1d, padding modes computed in the kernel, f32
// accumulation, bias and activation fused. Buffer shapes are constrained to the spec (wei's to its
// layout). With a weight block above 1 and oiw weights, acc reads the weights through packedWeights,
// a copy in blocks of that many output channels (for schedules that load the weights of consecutive
// output channels as vectors). With a tap tile and zero padding, acc's reduction skips the taps
// where a whole tile reads padding. With directFrom (stride 1), acc reads input itself for inputs of
// at least that length. With batchRows, dst reads rowsAcc where the batch has that many rows.
Conv1dFuncs defineConv1d(const convgen_conv1d_desc &d, const std::string &name, const AlgorithmOptions &options = {});

// The extents of the wei buffer, innermost first, dense: (kw, ic/g, oc) for oiw weights, (16,
// ic/g, oc/16 x kw) for Owi16o, whose element (o, i, k) is at (o % 16, i, o / 16 x kw + k).
std::vector<int> weightShape(const convgen_conv1d_desc &d);

// The Halide element type of a dtype.
Halide::Type halideType(convgen_dtype t);

}  // namespace convgen
