// OneDnnPeer: oneDNN's convolution_forward on the same layer, on plain ncw and on its own layout.
#pragma once

#include "convgen/conv1d.h"

#include <memory>
#include <string>
#include <vector>

namespace convgen::bench {

class OneDnnPeer {
public:
    // Builds both primitives for d at (mb, iw) with f32 data; null and *why when oneDNN is not
    // available or refuses the layer.
    static std::unique_ptr<OneDnnPeer> create(const convgen_conv1d_desc &d, int64_t mb, int64_t iw, const float *src,
                                              const float *wei, const float *bia, std::string *why);
    virtual ~OneDnnPeer() = default;
    // Runs one convolution: plain == true on ncw memory, else on the layout oneDNN chose ("any"),
    // with reorders done once at creation (not timed, as for pre-packed weights).
    virtual void run(bool plain) = 0;
    // The ncw output of the last run of either form.
    virtual std::vector<float> output(bool plain) = 0;
};

}  // namespace convgen::bench
