// ScheduleParams: the knobs of a kernel's schedule, as plain data a tuner can search.
#pragma once

#include <optional>
#include <string>

namespace convgen {

// What the knobs mean depends on the candidate (compiler/schedule/*Schedules.cpp):
//   dense_ncw, im2col_ncw,    vector = f32 lanes, owBlock = vectors of positions per register tile,
//                             owTiles = register tiles per parallel task along x (dense, im2col),
//                             blocksOuter = channel blocks outside the task's x tiles (dense, im2col),
//                             trimTaps = skip the taps where a whole tile reads zero padding (dense, im2col),
//   narrow_ncw, depthwise_ncw ocBlock = output channels per tile (dense_ncw, im2col_ncw, narrow_ncw),
//                             channel rows per parallel task (depthwise_ncw),
//                             phaseTaps = the tap loop in steps of the stride, one tap per stride
//                             phase unrolled in each (narrow_ncw, stride > 1),
//                             laneTaps = the taps whose input positions lie whole vectors apart
//                             unrolled together, so each loaded input vector serves several of
//                             them (depthwise_ncw),
//                             directFrom = input lengths from which each row reads the input
//                             directly instead of a padded copy (depthwise_ncw, stride 1; 0: never),
//                             batchRows = batch rows per register tile where the batch has that
//                             many, in tiles of one vector x ow_block x oc_block / batchRows
//                             channels (dense_ncw, im2col_ncw; 0: one row)
//   channels_ncw              ocBlock = output channels per tile (vectorized, oiw weights packed in
//                             blocks of it), owBlock = positions per tile, owTiles = tiles per task,
//                             trimTaps = skip the taps where a whole tile reads zero padding
//   channels_nwc              ocBlock = output channels per tile (vectorized), owBlock = positions
//   cuda_dense                vector = threads along x, ocBlock = channels per thread (registers),
//                             owBlock = threads along channels
//   cuda_direct               vector = threads along the contiguous dimension, ocBlock = along the other
struct ScheduleParams {
    std::string candidate;  // which schedule candidate applies them (see Candidates.h)
    int vector = 8;         // f32 lanes per vector of the target (CPU); threads (GPU)
    int owBlock = 3;        // see above
    int ocBlock = 4;        // see above
    bool parallel = true;   // spread tiles over the Halide thread pool (CPU)
    int owTiles = 1;        // see above
    bool blocksOuter = false;  // see above
    bool trimTaps = false;     // see above
    int directFrom = 0;        // see above
    bool phaseTaps = false;    // see above
    bool laneTaps = false;     // see above
    int batchRows = 0;         // see above

    // `dense_ncw vec=8 ow_block=3 oc_block=4 parallel=1`, then ` ow_tiles=N` where N is not 1,
    // ` blocks_outer=1`, ` trim_taps=1`, ` phase_taps=1` and ` lane_taps=1` where set, ` direct_from=N` and
    // ` batch_rows=N` where N is not 0: stable text for logs, manifests, tuning keys.
    std::string str() const;
    // The inverse of str(); nullopt for text it did not write.
    static std::optional<ScheduleParams> parse(const std::string &text);
};

}  // namespace convgen
