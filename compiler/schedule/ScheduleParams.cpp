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

}  // namespace convgen
