// pkgConfigText: a relocatable pkg-config file for one generated library (use without CMake).
#pragma once

#include <string>

namespace convgen {

// `<stem><suffix>.pc`: Cflags point at the generated directory, Libs at the archive and the system
// libraries it needs; paths are relative to the .pc file (${pcfiledir}), so the directory can move.
std::string pkgConfigText(const std::string &name, const std::string &library, const std::string &description);

}  // namespace convgen
