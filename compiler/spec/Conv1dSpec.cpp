// Conv1dSpec defaults, canonical problem strings and names of the enumerations.
#include "Conv1dSpec.h"

#include <sstream>

namespace convgen {

std::string Diagnostic::str() const {
    std::ostringstream os;
    os << where.file << ":" << where.line << ":" << where.col << ": error: " << message;
    return os.str();
}

Conv1dSpec::Conv1dSpec() {
    desc.sw = desc.dw = desc.g = 1;
    desc.bias = 1;
    desc.padding_mode = CONVGEN_PAD_ZEROS;
    desc.activation = CONVGEN_ACT_NONE;
    desc.layout = CONVGEN_LAYOUT_NCW;
    desc.dtype = CONVGEN_F32;
}

SourceLocation Conv1dSpec::at(const std::string &key) const {
    auto it = keys.find(key);
    return it == keys.end() ? where : it->second;
}

const char *toString(convgen_padding_mode m) {
    static const char *names[] = {"zeros", "reflect", "replicate", "circular"};
    return names[m];
}
const char *toString(convgen_activation a) {
    static const char *names[] = {"none", "relu", "silu", "gelu", "tanh", "sigmoid"};
    return names[a];
}
const char *toString(convgen_layout l) { return l == CONVGEN_LAYOUT_NWC ? "nwc" : "ncw"; }
const char *toString(convgen_weight_layout w) { return w == CONVGEN_WEI_OWI16O ? "Owi16o" : "oiw"; }
const char *toString(convgen_dtype t) {
    static const char *names[] = {"f32", "f16", "bf16"};
    return names[t];
}

std::string problemString(const convgen_conv1d_desc &d) {
    std::ostringstream os;
    auto fixed = [&](const char *tag, int64_t v) {
        os << tag;
        if (v > 0) os << v; else os << "x";
    };
    os << toString(d.dtype) << "_";
    fixed("mb", d.mb);
    os << "ic" << d.ic << "oc" << d.oc;
    fixed("iw", d.iw);
    os << "kw" << d.kw << "sw" << d.sw << "pw" << d.pw_l;
    if (d.pw_r != d.pw_l) os << "pwr" << d.pw_r;
    os << "dw" << d.dw << "g" << d.g;
    if (d.layout != CONVGEN_LAYOUT_NCW) os << "_" << toString(d.layout);
    if (d.padding_mode != CONVGEN_PAD_ZEROS) os << "_" << toString(d.padding_mode);
    if (!d.bias) os << "_nobias";
    if (d.activation != CONVGEN_ACT_NONE) os << "_" << toString(d.activation);
    if (d.wei_layout != CONVGEN_WEI_OIW) os << "_" << toString(d.wei_layout);
    return os.str();
}

std::string specHash(const Conv1dSpec &spec) {
    const std::string text = spec.name + "|" + problemString(spec.desc);
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    static const char hex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[i] = hex[h & 15];
    return out;
}

}  // namespace convgen
