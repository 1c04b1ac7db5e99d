// ScheduleParams text form.
#include "ScheduleParams.h"

#include <sstream>

namespace convgen {

std::string ScheduleParams::str() const {
    std::ostringstream os;
    os << candidate << " vec=" << vector << " ow_block=" << owBlock << " oc_block=" << ocBlock
       << " parallel=" << (parallel ? 1 : 0);
    if (owTiles != 1) os << " ow_tiles=" << owTiles;
    if (blocksOuter) os << " blocks_outer=1";
    if (trimTaps) os << " trim_taps=1";
    if (phaseTaps) os << " phase_taps=1";
    if (laneTaps) os << " lane_taps=1";
    if (directFrom != 0) os << " direct_from=" << directFrom;
    if (batchRows != 0) os << " batch_rows=" << batchRows;
    return os.str();
}

std::optional<ScheduleParams> ScheduleParams::parse(const std::string &text) {
    std::istringstream in(text);
    ScheduleParams p;
    int parallel = -1;
    if (!(in >> p.candidate)) return std::nullopt;
    auto number = [](const std::string &word, const std::string &key, int *out) {
        if (word.rfind(key, 0) != 0) return false;
        try {
            size_t used = 0;
            *out = std::stoi(word.substr(key.size()), &used);
            return used == word.size() - key.size();
        } catch (const std::exception &) {
            return false;
        }
    };
    for (auto [key, out] : {std::pair<const char *, int *>{"vec=", &p.vector}, {"ow_block=", &p.owBlock},
                            {"oc_block=", &p.ocBlock}, {"parallel=", &parallel}}) {
        std::string word;
        if (!(in >> word) || !number(word, key, out)) return std::nullopt;
    }
    // The optional words, in str()'s order; str() == text below rejects defaults written out.
    std::string word;
    bool more = bool(in >> word);
    if (more && word.rfind("ow_tiles=", 0) == 0) {
        if (!number(word, "ow_tiles=", &p.owTiles) || p.owTiles < 1) return std::nullopt;
        more = bool(in >> word);
    }
    for (auto [flag, out] :
         {std::pair<const char *, bool *>{"blocks_outer=1", &p.blocksOuter},
          {"trim_taps=1", &p.trimTaps},
          {"phase_taps=1", &p.phaseTaps},
          {"lane_taps=1", &p.laneTaps}})
        if (more && word == flag) {
            *out = true;
            more = bool(in >> word);
        }
    if (more && word.rfind("direct_from=", 0) == 0) {
        if (!number(word, "direct_from=", &p.directFrom) || p.directFrom < 1) return std::nullopt;
        more = bool(in >> word);
    }
    if (more && word.rfind("batch_rows=", 0) == 0) {
        if (!number(word, "batch_rows=", &p.batchRows) || p.batchRows < 1) return std::nullopt;
        more = bool(in >> word);
    }
    if (more || parallel < 0 || parallel > 1) return std::nullopt;
    p.parallel = parallel == 1;
    return p.str() == text ? std::optional<ScheduleParams>(p) : std::nullopt;
}

}  // namespace convgen
