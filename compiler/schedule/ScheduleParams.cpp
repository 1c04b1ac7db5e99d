// ScheduleParams text form.
#include "ScheduleParams.h"

#include <sstream>

namespace convgen {

std::string ScheduleParams::str() const {
    std::ostringstream os;
    os << candidate << " vec=" << vector << " ow_block=" << owBlock << " oc_block=" << ocBlock
       << " parallel=" << (parallel ? 1 : 0);
    return os.str();
}

std::optional<ScheduleParams> ScheduleParams::parse(const std::string &text) {
    std::istringstream in(text);
    ScheduleParams p;
    int parallel = -1;
    char tail;
    if (!(in >> p.candidate)) return std::nullopt;
    for (auto [key, out] : {std::pair<const char *, int *>{"vec=", &p.vector}, {"ow_block=", &p.owBlock},
                            {"oc_block=", &p.ocBlock}, {"parallel=", &parallel}}) {
        std::string word;
        if (!(in >> word) || word.rfind(key, 0) != 0) return std::nullopt;
        try {
            size_t used = 0;
            *out = std::stoi(word.substr(std::string(key).size()), &used);
            if (used != word.size() - std::string(key).size()) return std::nullopt;
        } catch (const std::exception &) {
            return std::nullopt;
        }
    }
    if (in >> tail || parallel < 0 || parallel > 1) return std::nullopt;
    p.parallel = parallel == 1;
    return p.str() == text ? std::optional<ScheduleParams>(p) : std::nullopt;
}

}  // namespace convgen
