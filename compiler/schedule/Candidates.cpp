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
        if (reason.empty()) return c.defaults(d, t);
        if (why) why->push_back(c.name + ": " + reason);
    }
    return list.back().defaults(d, t);  // unreachable: the last candidate accepts everything
}

bool applySchedule(Conv1dFuncs &f, const ScheduleParams &p, std::string *error) {
    std::vector<ScheduleCandidate> all = cpuCandidates();
    all.insert(all.end(), cudaCandidates().begin(), cudaCandidates().end());
    for (const ScheduleCandidate &c : all) {
        if (c.name != p.candidate) continue;
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
        c.apply(f, p);
        return true;
    }
    if (error) *error = "unknown schedule candidate '" + p.candidate + "'";
    return false;
}

}  // namespace convgen
