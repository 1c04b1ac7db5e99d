// defineConv1d's update definitions of acc: the tap ranges read directly (directFrom).
#include "compiler/algorithm/Conv1dAlgorithm.h"

#include <gtest/gtest.h>

using namespace convgen;

namespace {

// [first, first + extent) of r.y, per update definition of acc.
std::vector<std::pair<int, int>> tapRanges(const convgen_conv1d_desc &d, int directFrom) {
    AlgorithmOptions o;
    o.directFrom = directFrom;
    Conv1dFuncs f = defineConv1d(d, "a", o);
    EXPECT_EQ(f.acc.num_update_definitions(), int(f.accDomains.size()));
    std::vector<std::pair<int, int>> out;
    for (const Halide::RDom &r : f.accDomains) {
        using Halide::Internal::as_const_int;
        out.push_back({int(*as_const_int(r.y.min())), int(*as_const_int(r.y.extent()))});
    }
    return out;
}

}  // namespace

TEST(Conv1dAlgorithm, DirectReadsSplitTheTapsByTheEndsTheyCanReadPaddingAt) {
    using R = std::vector<std::pair<int, int>>;
    convgen_conv1d_desc d{};
    d.ic = d.oc = d.g = 8, d.kw = 3, d.sw = 1, d.dw = 128, d.pw_l = d.pw_r = 128;  // convtasnet_dw
    EXPECT_EQ(tapRanges(d, 0), (R{{0, 3}}));  // staged: one update over r
    EXPECT_EQ(tapRanges(d, 2560), (R{{0, 1}, {1, 1}, {2, 1}}));  // left, neither, right
    d.kw = 4, d.dw = 1, d.pw_l = 3, d.pw_r = 0;  // causal (mamba): the last tap reads no padding
    EXPECT_EQ(tapRanges(d, 320), (R{{0, 3}, {3, 1}}));
    d.kw = 5, d.pw_l = d.pw_r = 3;  // tap 2 can read both ends
    EXPECT_EQ(tapRanges(d, 500), (R{{0, 2}, {2, 1}, {3, 2}}));
    d.pw_l = d.pw_r = 0;  // no padding: one range, read with no boundary
    EXPECT_EQ(tapRanges(d, 500), (R{{0, 5}}));
    d.kw = 2, d.dw = 2, d.pw_l = d.pw_r = 1;  // each tap one end
    EXPECT_EQ(tapRanges(d, 80), (R{{0, 1}, {1, 1}}));
    d.sw = 2;  // strided layers are never read directly
    EXPECT_EQ(tapRanges(d, 0), (R{{0, 2}}));
}
