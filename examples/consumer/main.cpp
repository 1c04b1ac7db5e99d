// Calls a generated kernel from C++ through the same header, and checks it against the reference.
#include "kernels.h"

#include <convgen/reference.h>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
    const int64_t batch = 2, length = 300;
    const int64_t ow = frontend_output_length(length);
    std::vector<float> src(batch * 8 * length), wei(32 * 8 * 5), bia(32), dst(batch * 32 * ow);
    for (size_t i = 0; i < src.size(); ++i) src[i] = std::sin(0.01f * float(i));
    for (size_t i = 0; i < wei.size(); ++i) wei[i] = std::cos(0.3f * float(i)) * 0.1f;
    for (size_t i = 0; i < bia.size(); ++i) bia[i] = 0.01f * float(i);
    if (frontend(src.data(), wei.data(), bia.data(), dst.data(), batch, length) != CONVGEN_OK) {
        std::printf("frontend failed\n");
        return 1;
    }
    std::vector<double> want(dst.size());
    convgen_reference_conv1d(&frontend_kernel()->desc, batch, length, src.data(), wei.data(), bia.data(), want.data(),
                             nullptr);
    double worst = 0;
    for (size_t i = 0; i < dst.size(); ++i) worst = std::fmax(worst, std::fabs(dst[i] - want[i]));
    std::printf("C++: frontend (%s) max abs error %.2g\n", frontend_variant(), worst);
    const bool ok = worst < 1e-4 && frontend(nullptr, wei.data(), bia.data(), dst.data(), batch, length) ==
                                        CONVGEN_ERROR_NULL_POINTER;
    std::printf("%d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
    return ok ? 0 : 1;
}
