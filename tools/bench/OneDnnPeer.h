// OneDnnPeer: oneDNN's convolution_forward on the same layer: on plain ncw, on the layout it picks,
// and as a 2-D convolution of height 1 on the layout it picks.
#pragma once

#include "convgen/conv1d.h"

#include <memory>
#include <string>
#include <vector>

namespace convgen::bench {

class OneDnnPeer {
public:
    enum Form {
        kPlain,  // ncw src and dst, oiw weights
        kAny,    // format `any`: oneDNN's own layout (nCw16c, ...), reorders outside the timed call
        kAny2d,  // the same layer as a 2-D convolution of height 1 (nchw data), format `any`
    };
    static constexpr Form kForms[] = {kPlain, kAny, kAny2d};
    // The form's column name: oneDNN-ncw, oneDNN-any, oneDNN-2d.
    static const char *name(Form f);

    // Milliseconds of the reorders that a caller holding ncw data and oiw weights pays around run(f):
    // src and dst per call, the weights once (medians of a few runs; zeros for kPlain).
    struct Reorders {
        double srcMs = 0, dstMs = 0, weiMs = 0;
    };

    // Builds the forms oneDNN accepts for d at (mb, iw) with f32 data; null and *why when oneDNN is
    // not installed or refuses every form.
    static std::unique_ptr<OneDnnPeer> create(const convgen_conv1d_desc &d, int64_t mb, int64_t iw, const float *src,
                                              const float *wei, const float *bia, std::string *why);
    virtual ~OneDnnPeer() = default;
    // Whether oneDNN built form f; if not, *why says what it refused.
    virtual bool available(Form f, std::string *why) const = 0;
    // Runs one convolution in form f, with src and weights reordered once at creation.
    virtual void run(Form f) = 0;
    // The ncw output of the last run of form f.
    virtual std::vector<float> output(Form f) = 0;
    virtual Reorders reorders(Form f) = 0;
};

}  // namespace convgen::bench
