// Candidates: choosing and applying a schedule from the candidate list of a target.
#include "Candidates.h"

namespace convgen {

const std::vector<ScheduleCandidate> &candidatesFor(const TargetVariant &t) {
    return t.gpu ? cudaCandidates() : cpuCandidates();
}

ScheduleParams chooseSchedule(const convgen_conv1d_desc &d, const TargetVariant &t, std::vector<std::string> *why) {
    const std::vector<ScheduleCandidate> &list = candidatesFor(t);
    for (const ScheduleCandidate &c : list) {
        std::string reason = c.refuses(d);
        if (reason.empty() && c.notDefault) reason = c.notDefault(d, t);
        if (reason.empty()) return c.defaults(d, t);
        if (why) why->push_back(c.name + ": " + reason);
    }
    return list.back().defaults(d, t);  // unreachable: the last candidate accepts everything
}

const ScheduleCandidate *findCandidate(const std::string &name) {
    for (const auto *list : {&cpuCandidates(), &cudaCandidates()})
        for (const ScheduleCandidate &c : *list)
            if (c.name == name) return &c;
    return nullptr;
}

AlgorithmOptions algorithmOptionsFor(const ScheduleParams &p) {
    AlgorithmOptions o;
    const ScheduleCandidate *c = findCandidate(p.candidate);
    if (!c) return o;
    if (c->packsWeights) o.weightBlock = p.ocBlock;
    if (p.trimTaps) o.tapTile = (c->packsWeights ? 1 : p.vector) * p.owBlock;  // packsWeights: owBlock counts positions
    o.directFrom = p.directFrom;
    if (p.directFrom > 0) o.directTile = p.vector * p.owBlock;
    if (p.batchRows > 1) {  // the rows' tiles are one vector, acc's owBlock vectors
        o.batchRows = p.batchRows;
        o.rowsTile = p.vector;
        o.plainTile = p.vector * p.owBlock;
    }
    return o;
}

bool applySchedule(Conv1dFuncs &f, const ScheduleParams &p, std::string *error) {
    if (const ScheduleCandidate *found = findCandidate(p.candidate)) {
        const ScheduleCandidate &c = *found;
        std::string reason = c.refuses(f.desc);
        if (!reason.empty()) {
            if (error) *error = c.name + ": " + reason;
            return false;
        }
        if (p.vector < 1 || p.owBlock < 1 || p.ocBlock < 1 || p.owTiles < 1) {
            if (error) *error = "schedule parameters must be positive: " + p.str();
            return false;
        }
        if (p.owTiles != 1 && !c.takesOwTiles) {
            if (error) *error = c.name + " takes no ow_tiles: " + p.str();
            return false;
        }
        if (p.blocksOuter && !c.takesBlocksOuter) {
            if (error) *error = c.name + " takes no blocks_outer: " + p.str();
            return false;
        }
        if (p.trimTaps && !c.takesTrimTaps) {
            if (error) *error = c.name + " takes no trim_taps: " + p.str();
            return false;
        }
        if (p.phaseTaps && !c.takesPhaseTaps) {
            if (error) *error = c.name + " takes no phase_taps: " + p.str();
            return false;
        }
        if (p.phaseTaps && f.desc.sw == 1) {
            if (error) *error = "phase_taps needs stride above 1: " + p.str();
            return false;
        }
        if (p.laneTaps && !c.takesLaneTaps) {
            if (error) *error = c.name + " takes no lane_taps: " + p.str();
            return false;
        }
        if (p.directFrom != 0 && !c.takesDirectFrom) {
            if (error) *error = c.name + " takes no direct_from: " + p.str();
            return false;
        }
        if (p.directFrom != 0 && f.desc.sw != 1) {
            if (error) *error = "direct_from needs stride 1: " + p.str();
            return false;
        }
        if (p.batchRows != 0 && !c.takesBatchRows) {
            if (error) *error = c.name + " takes no batch_rows: " + p.str();
            return false;
        }
        if (p.batchRows != 0 && (p.batchRows < 2 || (p.owBlock * p.ocBlock) % p.batchRows != 0)) {
            if (error) *error = "batch_rows must be at least 2 and divide ow_block x oc_block: " + p.str();
            return false;
        }
        if (p.batchRows != 0 && f.desc.mb > 0 && f.desc.mb % p.batchRows != 0) {
            if (error)
                *error = "batch_rows=" + std::to_string(p.batchRows) + " needs a dynamic batch or a multiple of " +
                         std::to_string(p.batchRows) + " rows (this spec's batch is " + std::to_string(f.desc.mb) + ")";
            return false;
        }
        if (c.packsWeights && (p.ocBlock % p.vector != 0 || f.desc.oc % p.ocBlock != 0)) {
            if (error) *error = c.name + " needs oc_block a multiple of vec and a divisor of out_channels: " + p.str();
            return false;
        }
        const AlgorithmOptions wants = algorithmOptionsFor(p);
        if (!(wants == f.options)) {
            if (error)
                *error = "the Funcs were defined with weight block " + std::to_string(f.options.weightBlock) +
                         ", tap tile " + std::to_string(f.options.tapTile) + ", direct_from " +
                         std::to_string(f.options.directFrom) + " (tile " + std::to_string(f.options.directTile) +
                         ") and batch rows " + std::to_string(f.options.batchRows) + ", " + p.str() + " reads " +
                         std::to_string(wants.weightBlock) + ", " + std::to_string(wants.tapTile) + ", " +
                         std::to_string(wants.directFrom) + " (" + std::to_string(wants.directTile) + ") and " +
                         std::to_string(wants.batchRows);
            return false;
        }
        c.apply(f, p);
        return true;
    }
    if (error) *error = "unknown schedule candidate '" + p.candidate + "'";
    return false;
}

}  // namespace convgen
