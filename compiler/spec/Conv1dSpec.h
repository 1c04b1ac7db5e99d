// Conv1dSpec: one conv1d kernel as the user specified it (plain data, no YAML types).
#pragma once

#include "convgen/conv1d.h"

#include <cstdint>
#include <map>
#include <string>

namespace convgen {

struct SourceLocation {
    std::string file;
    unsigned line = 0, col = 0;
};

// A located user error: `file:line:col: error: message`.
struct Diagnostic {
    SourceLocation where;
    std::string message;
    std::string str() const;
};

struct Conv1dSpec {
    std::string name;                // the generated C function's name
    convgen_conv1d_desc desc{};      // the problem, with PyTorch's defaults filled in
    SourceLocation where;            // where the kernel's mapping starts
    std::map<std::string, SourceLocation> keys;  // where each given key was written (for later checks)

    Conv1dSpec();
    // The location of key if the user wrote it, else of the kernel's mapping.
    SourceLocation at(const std::string &key) const;
};

// Canonical problem string in benchdnn order, e.g. f32_mb1ic512oc512iw3000kw3sw2pw1dw1g1; a dynamic
// batch or length reads `mbx` / `iwx`; asymmetric padding adds `pwr<right>`; options that differ from
// the defaults follow as suffixes (_nwc, _reflect, _nobias, _relu, _Owi16o).
std::string problemString(const convgen_conv1d_desc &d);

// A stable 16-hex-digit hash of the name and problem (FNV-1a), recorded in the manifest.
std::string specHash(const Conv1dSpec &spec);

const char *toString(convgen_padding_mode m);
const char *toString(convgen_activation a);
const char *toString(convgen_layout l);
const char *toString(convgen_dtype t);
const char *toString(convgen_weight_layout w);

}  // namespace convgen
