// SearchSpace: knob ranges per CPU candidate.
#include "SearchSpace.h"

#include "compiler/schedule/Candidates.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace convgen {

// How far another candidate's tiles, and other tiles per task, count from the default's: they are
// tried with the default's nearest neighbours, not after all ~80 of the default candidate's tiles.
// With every dense_ncw tile first, a 2-minute tune of wav2vec2_fe1 (1 thread) got through 13
// candidates, 75 s of it checking 2, 4 and 8 tiles per task (the check lengths straddle the task's
// span, up to 1027 outputs of a 512->512 conv), and never reached im2col_ncw (1.18-1.29x the
// default in the last run that tried it).
constexpr int kOtherCandidate = 2;
constexpr int kOtherTiles = 2;
// Where depthwise_ncw's default stages every row, the tuner tries direct reads from this many
// vectors of input on (the default's 20 x kw^2 positions were fitted on one machine, the EPYC).
constexpr int kDirectFromVectors = 16;
// Where dense_ncw's or im2col_ncw's default tiles one batch row, the tuner tries this many (measured
// on 16 registers only).
constexpr int kBatchRows = 2;

std::vector<ScheduleParams> searchSpace(const convgen_conv1d_desc &d, const TargetVariant &t) {
    const ScheduleParams def = chooseSchedule(d, t, nullptr);
    std::vector<ScheduleParams> out;
    std::set<std::string> seen;
    auto add = [&](ScheduleParams p) {
        if (seen.insert(p.str()).second) out.push_back(p);
    };
    if (t.gpu) return {def};  // GPU kernels are tuned on a GPU only; none is assumed here
    for (const ScheduleCandidate &c : cpuCandidates()) {
        if (!c.refuses(d).empty()) continue;
        const ScheduleParams base = c.defaults(d, t);
        if (c.name == "dense_ncw" || c.name == "im2col_ncw" || c.name == "narrow_ncw") {
            // accumulators = owBlock x ocBlock must fit the register file with the inputs
            for (int ow = 1; ow <= 8; ++ow)
                for (int oc : {1, 2, 3, 4, 6, 8, 12, 16})
                    if (oc <= d.oc && ow * oc + ow + 1 <= t.vectorRegisters) {
                        ScheduleParams p = base;
                        p.owBlock = ow, p.ocBlock = oc;
                        if ((ow * oc) % std::max(1, p.batchRows) != 0) p.batchRows = 0;  // rows split the tile
                        add(p);
                    }
            if (c.takesOwTiles)  // x tiles per task, at the default tile
                for (int tiles : {1, 2, 4, 8, 16}) {
                    ScheduleParams p = base;
                    p.owTiles = tiles;
                    add(p);
                }
            if (c.takesBatchRows && d.mb % kBatchRows == 0 && (base.owBlock * base.ocBlock) % kBatchRows == 0) {
                ScheduleParams p = base;  // batch rows per tile or not, at the default tile
                p.batchRows = base.batchRows ? 0 : kBatchRows;
                add(p);
            }
            if (c.takesPhaseTaps && d.sw > 1) {  // taps by stride phase or not, at the default tile
                ScheduleParams p = base;
                p.phaseTaps = !base.phaseTaps;
                add(p);
            }
            if (c.takesBlocksOuter)  // the loop order and tap trimming, at the default tile
                for (int flags = 0; flags < 4; ++flags) {
                    ScheduleParams p = base;
                    p.blocksOuter = flags & 1, p.trimTaps = flags & 2;
                    if (p.blocksOuter && p.owTiles == 1) p.owTiles = 4;  // else the order changes nothing
                    add(p);
                }
        } else if (c.name == "depthwise_ncw") {
            for (int ow : {1, 2, 3, 4, 5, 6, 7, 8, 12, 16})
                for (int rows : {1, 4, 8, 16, 32, 64, base.ocBlock}) {
                    if (ow + 2 > t.vectorRegisters) continue;  // accumulators, weight, input
                    ScheduleParams p = base;
                    p.owBlock = ow, p.ocBlock = rows;
                    add(p);
                }
            if (base.vector != t.vectorLanesF32) {  // the target's own lanes where the default takes fewer
                ScheduleParams p = base;
                p.vector = t.vectorLanesF32;
                add(p);
            }
            {  // at the default tile: the taps a step apart unrolled together or not
                ScheduleParams p = base;
                p.laneTaps = !base.laneTaps;
                add(p);
            }
            if (d.sw == 1) {  // at the default tile: always staged, or direct from 16 vectors on
                ScheduleParams p = base;
                p.directFrom = base.directFrom ? 0 : kDirectFromVectors * base.vector;
                add(p);
            }
        } else if (c.name == "channels_ncw") {
            // vecs x pos accumulators, the weight vectors and a broadcast; channel blocks divide a group
            for (int vecs = 1; vecs <= 4; ++vecs)
                for (int pos : {4, 5, 6, 8, 12, 14, 16, 24, 28})
                    if (vecs * pos + vecs + 1 <= t.vectorRegisters && (d.oc / d.g) % (vecs * base.vector) == 0) {
                        ScheduleParams p = base;
                        p.ocBlock = vecs * base.vector, p.owBlock = pos;
                        add(p);
                    }
            for (int tiles : {2, 8, 16}) {
                ScheduleParams p = base;
                p.owTiles = tiles;
                add(p);
            }
            ScheduleParams p = base;  // tap trimming on or off, at the default tile
            p.trimTaps = !base.trimTaps;
            add(p);
        } else if (c.name == "channels_nwc") {
            for (int vecs = 1; vecs <= 4; ++vecs)
                for (int pos = 1; pos <= 8; ++pos)
                    if (vecs * pos + vecs + 1 <= t.vectorRegisters) {
                        ScheduleParams p = base;
                        p.ocBlock = vecs * base.vector, p.owBlock = pos;
                        add(p);
                    }
        } else {
            add(base);
        }
    }
    auto distance = [&](const ScheduleParams &p) {
        if (p.str() == def.str()) return -1;
        const ScheduleCandidate *c = findCandidate(p.candidate);
        const bool lanes = p.candidate == "channels_nwc" || (c && c->packsWeights);
        const int ocStep = lanes ? std::max(1, p.vector) : 1;  // channel-vectorized: blocks of whole vectors
        const bool otherLoops =
            p.owTiles != def.owTiles || p.blocksOuter != def.blocksOuter || p.trimTaps != def.trimTaps ||
            p.directFrom != def.directFrom || p.phaseTaps != def.phaseTaps || p.laneTaps != def.laneTaps ||
            p.batchRows != def.batchRows;
        return (p.candidate == def.candidate ? 0 : kOtherCandidate) + std::abs(p.owBlock - def.owBlock) +
               std::abs(p.ocBlock - def.ocBlock) / ocStep + (otherLoops ? kOtherTiles : 0);
    };
    std::stable_sort(out.begin(), out.end(),
                     [&](const ScheduleParams &a, const ScheduleParams &b) { return distance(a) < distance(b); });
    if (out.empty() || out.front().str() != def.str()) out.insert(out.begin(), def);
    return out;
}

}  // namespace convgen
