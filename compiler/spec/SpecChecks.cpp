// SpecChecks: cross-field rules of a conv1d spec (the ones a single key cannot check alone).
#include "SpecChecks.h"

#include <map>
#include <sstream>

namespace convgen {

namespace {

template <typename... Args>
std::string cat(const Args &...args) {
    std::ostringstream os;
    (os << ... << args);
    return os.str();
}

void checkKernel(const Conv1dSpec &s, std::vector<Diagnostic> &errors) {
    const convgen_conv1d_desc &d = s.desc;
    auto error = [&](const std::string &key, const std::string &message) { errors.push_back({s.at(key), message}); };
    if (d.ic % d.g != 0) error("groups", cat("groups (", d.g, ") must divide in_channels (", d.ic, ")"));
    if (d.oc % d.g != 0) error("groups", cat("groups (", d.g, ") must divide out_channels (", d.oc, ")"));
    else if (d.wei_layout == CONVGEN_WEI_OWI16O && (d.oc / d.g) % CONVGEN_WEI_BLOCK != 0)
        error("weight_layout", cat("weight_layout Owi16o needs out_channels per group (", d.oc / d.g,
                                   ") to be a multiple of ", CONVGEN_WEI_BLOCK));
    if (d.iw <= 0) return;  // the remaining rules need a fixed length; the kernel checks them at run time
    if (d.padding_mode == CONVGEN_PAD_REFLECT && (d.pw_l >= d.iw || d.pw_r >= d.iw))
        error("padding_mode", cat("reflect padding (", d.pw_l, ", ", d.pw_r, ") must be smaller than length (", d.iw,
                                  ") on each side"));
    if (d.padding_mode == CONVGEN_PAD_CIRCULAR && (d.pw_l > d.iw || d.pw_r > d.iw))
        error("padding_mode", cat("circular padding (", d.pw_l, ", ", d.pw_r, ") must not exceed length (", d.iw,
                                  ") on either side"));
    if (convgen_conv1d_output_length(&d, d.iw) < 1)
        error("length", cat("padded length (", d.iw, " + ", d.pw_l, " + ", d.pw_r,
                            ") is shorter than the dilated kernel (dilation*(kernel_size-1)+1 = ",
                            d.dw * (d.kw - 1) + 1, "): the output would be empty"));
}

}  // namespace

void checkSpecs(const std::vector<Conv1dSpec> &kernels, std::vector<Diagnostic> &errors) {
    std::map<std::string, const Conv1dSpec *> byName;
    for (const Conv1dSpec &s : kernels) {
        checkKernel(s, errors);
        auto [it, fresh] = byName.emplace(s.name, &s);
        if (!fresh) {
            const SourceLocation &first = it->second->at("name");
            errors.push_back({s.at("name"), cat("kernel name '", s.name, "' is already used at line ", first.line)});
        }
    }
}

}  // namespace convgen
