// Tests for the runtime's reference conv1d, size rules and 16-bit conversions, on hand-computed cases
// (the seed tutorial's worked examples: input 1..6, every weight 2).
#include "convgen/conv1d.h"
#include "convgen/half.h"
#include "convgen/reference.h"
#include "convgen/registry.h"
#include "convgen/status.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

convgen_conv1d_desc desc(int64_t ic, int64_t oc, int64_t kw) {
    convgen_conv1d_desc d{};
    d.ic = ic;
    d.oc = oc;
    d.kw = kw;
    d.sw = d.dw = d.g = 1;
    return d;
}

// Runs the reference on f32 data and returns the output.
std::vector<double> conv(const convgen_conv1d_desc &d, const std::vector<float> &src, const std::vector<float> &wei,
                         const std::vector<float> &bia = {}, int64_t mb = 1) {
    const int64_t iw = int64_t(src.size()) / (mb * d.ic);
    std::vector<double> out(size_t(mb * d.oc * std::max<int64_t>(convgen_conv1d_output_length(&d, iw), 0)));
    int rc = convgen_reference_conv1d(&d, mb, iw, src.data(), wei.data(), bia.empty() ? nullptr : bia.data(),
                                      out.data(), nullptr);
    EXPECT_EQ(rc, CONVGEN_OK);
    return out;
}

const std::vector<float> kInput = {1, 2, 3, 4, 5, 6};

}  // namespace

TEST(ReferenceTutorial, KernelSize1) {
    EXPECT_EQ(conv(desc(1, 1, 1), kInput, {2}), (std::vector<double>{2, 4, 6, 8, 10, 12}));
}

TEST(ReferenceTutorial, KernelSize2) {
    EXPECT_EQ(conv(desc(1, 1, 2), kInput, {2, 2}), (std::vector<double>{6, 10, 14, 18, 22}));
}

TEST(ReferenceTutorial, KernelSize3) {
    EXPECT_EQ(conv(desc(1, 1, 3), kInput, {2, 2, 2}), (std::vector<double>{12, 18, 24, 30}));
}

TEST(ReferenceTutorial, PaddingKeepsLength) {
    convgen_conv1d_desc d = desc(1, 1, 3);
    d.pw_l = d.pw_r = 1;
    EXPECT_EQ(conv(d, kInput, {2, 2, 2}), (std::vector<double>{6, 12, 18, 24, 30, 22}));
}

TEST(ReferenceTutorial, Stride3) {
    convgen_conv1d_desc d = desc(1, 1, 3);
    d.sw = 3;
    EXPECT_EQ(conv(d, kInput, {2, 2, 2}), (std::vector<double>{12, 30}));
}

TEST(ReferenceTutorial, Dilation2) {
    convgen_conv1d_desc d = desc(1, 1, 3);
    d.dw = 2;
    EXPECT_EQ(conv(d, kInput, {2, 2, 2}), (std::vector<double>{18, 24}));
}

TEST(ReferenceTutorial, Groups2AreTwoConvsSideBySide) {
    // Channel 0 = 1..6, channel 1 = 10..60; groups=2, K=1, weights 2 and 3: each output sees one channel.
    convgen_conv1d_desc d = desc(2, 2, 1);
    d.g = 2;
    std::vector<float> src = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60};
    EXPECT_EQ(conv(d, src, {2, 3}), (std::vector<double>{2, 4, 6, 8, 10, 12, 30, 60, 90, 120, 150, 180}));
}

TEST(ReferenceTutorial, PointwiseMixesChannels) {
    convgen_conv1d_desc d = desc(2, 1, 1);
    std::vector<float> src = {1, 2, 3, 4, 5, 6, 1, 1, 1, 1, 1, 1};
    EXPECT_EQ(conv(d, src, {2, -1}, {}), (std::vector<double>{1, 3, 5, 7, 9, 11}));
}

TEST(Reference, BiasAndActivations) {
    convgen_conv1d_desc d = desc(1, 1, 1);
    d.bias = 1;
    EXPECT_EQ(conv(d, {-2, 0, 2}, {1}, {0.5f}), (std::vector<double>{-1.5, 0.5, 2.5}));
    d.activation = CONVGEN_ACT_RELU;
    EXPECT_EQ(conv(d, {-2, 0, 2}, {1}, {0.5f}), (std::vector<double>{0, 0.5, 2.5}));
    EXPECT_NEAR(convgen_reference_activation(CONVGEN_ACT_SILU, 1.0), 1.0 / (1.0 + std::exp(-1.0)), 1e-15);
    EXPECT_NEAR(convgen_reference_activation(CONVGEN_ACT_GELU, 1.0), 0.8413447460685429, 1e-15);
    EXPECT_NEAR(convgen_reference_activation(CONVGEN_ACT_TANH, 0.5), std::tanh(0.5), 1e-15);
    EXPECT_NEAR(convgen_reference_activation(CONVGEN_ACT_SIGMOID, 0.0), 0.5, 1e-15);
}

TEST(Reference, PaddingModes) {
    // input 1..6, K=1 weight 1, padding 2 on each side: the output is the padded input itself.
    convgen_conv1d_desc d = desc(1, 1, 1);
    d.pw_l = d.pw_r = 2;
    EXPECT_EQ(conv(d, kInput, {1}), (std::vector<double>{0, 0, 1, 2, 3, 4, 5, 6, 0, 0}));
    d.padding_mode = CONVGEN_PAD_REFLECT;
    EXPECT_EQ(conv(d, kInput, {1}), (std::vector<double>{3, 2, 1, 2, 3, 4, 5, 6, 5, 4}));
    d.padding_mode = CONVGEN_PAD_REPLICATE;
    EXPECT_EQ(conv(d, kInput, {1}), (std::vector<double>{1, 1, 1, 2, 3, 4, 5, 6, 6, 6}));
    d.padding_mode = CONVGEN_PAD_CIRCULAR;
    EXPECT_EQ(conv(d, kInput, {1}), (std::vector<double>{5, 6, 1, 2, 3, 4, 5, 6, 1, 2}));
}

TEST(Reference, PaddingLargerThanKernel) {
    convgen_conv1d_desc d = desc(1, 1, 2);
    d.pw_l = d.pw_r = 3;
    EXPECT_EQ(conv(d, {1, 2}, {1, 10}), (std::vector<double>{0, 0, 10, 21, 2, 0, 0}));
}

TEST(Reference, NwcLayoutMatchesNcw) {
    convgen_conv1d_desc d = desc(2, 3, 2);
    std::vector<float> ncw = {1, 2, 3, 4, -1, -2, -3, -4}, nwc = {1, -1, 2, -2, 3, -3, 4, -4};
    std::vector<float> wei = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    std::vector<double> a = conv(d, ncw, wei);
    d.layout = CONVGEN_LAYOUT_NWC;
    std::vector<double> b = conv(d, nwc, wei);
    // a is [oc][ow], b is [ow][oc]
    for (int o = 0; o < 3; ++o)
        for (int x = 0; x < 3; ++x) EXPECT_EQ(a[o * 3 + x], b[x * 3 + o]);
}

TEST(Reference, MagnitudeIsSumOfAbsoluteProducts) {
    convgen_conv1d_desc d = desc(1, 1, 2);
    d.bias = 1;
    std::vector<float> src = {1, -2, 3}, wei = {2, 1}, bia = {-1};
    std::vector<double> out(2), mag(2);
    ASSERT_EQ(convgen_reference_conv1d(&d, 1, 3, src.data(), wei.data(), bia.data(), out.data(), mag.data()), 0);
    EXPECT_EQ(out, (std::vector<double>{-1, -2}));
    EXPECT_EQ(mag, (std::vector<double>{5, 8}));
}

TEST(Reference, RejectsBadCalls) {
    convgen_conv1d_desc d = desc(1, 1, 3);
    std::vector<float> buf(16);
    std::vector<double> out(16);
    EXPECT_EQ(convgen_reference_conv1d(&d, 1, 2, buf.data(), buf.data(), nullptr, out.data(), nullptr),
              CONVGEN_ERROR_BAD_SIZE);
    EXPECT_EQ(convgen_reference_conv1d(&d, 1, 4, nullptr, buf.data(), nullptr, out.data(), nullptr),
              CONVGEN_ERROR_NULL_POINTER);
    d.bias = 1;
    EXPECT_EQ(convgen_reference_conv1d(&d, 1, 4, buf.data(), buf.data(), nullptr, out.data(), nullptr),
              CONVGEN_ERROR_NULL_POINTER);
}

TEST(SizeRules, OutputLengthIsPyTorchs) {
    convgen_conv1d_desc d = desc(1, 1, 3);
    d.sw = 2;
    d.dw = 2;
    d.pw_l = 1;
    d.pw_r = 2;
    // floor((10 + 3 - 4 - 1) / 2) + 1 = 5
    EXPECT_EQ(convgen_conv1d_output_length(&d, 10), 5);
    EXPECT_EQ(convgen_conv1d_output_length(&d, 2), 1);  // padded length 5 = dilated kernel
    EXPECT_LT(convgen_conv1d_output_length(&d, 1), 1);
    EXPECT_EQ(convgen_conv1d_min_length(&d), 2);
}

TEST(SizeRules, CheckSizesMessages) {
    convgen_conv1d_desc d = desc(1, 1, 3);
    char msg[256];
    EXPECT_EQ(convgen_conv1d_check_sizes(&d, 1, 3, msg, sizeof msg), CONVGEN_OK);
    EXPECT_EQ(convgen_conv1d_check_sizes(&d, 1, 2, msg, sizeof msg), CONVGEN_ERROR_BAD_SIZE);
    EXPECT_STREQ(msg, "length 2 plus padding (0 + 0) is shorter than the dilated kernel (3)");
    d.padding_mode = CONVGEN_PAD_REFLECT;
    d.pw_l = d.pw_r = 3;
    EXPECT_EQ(convgen_conv1d_check_sizes(&d, 1, 3, msg, sizeof msg), CONVGEN_ERROR_BAD_SIZE);
    EXPECT_STREQ(msg, "reflect padding (3, 3) must be smaller than the length (3)");
    EXPECT_EQ(convgen_conv1d_min_length(&d), 4);
    d.padding_mode = CONVGEN_PAD_CIRCULAR;
    EXPECT_EQ(convgen_conv1d_check_sizes(&d, 1, 3, msg, sizeof msg), CONVGEN_OK);
    EXPECT_EQ(convgen_conv1d_check_sizes(&d, 1, 2, msg, sizeof msg), CONVGEN_ERROR_BAD_SIZE);
    d.mb = 2;
    EXPECT_EQ(convgen_conv1d_check_sizes(&d, 1, 3, msg, sizeof msg), CONVGEN_ERROR_BAD_SIZE);
    EXPECT_STREQ(msg, "batch is 1 but the kernel was generated for batch 2");
    EXPECT_EQ(convgen_conv1d_check_sizes(&d, 0, 3, nullptr, 0), CONVGEN_ERROR_BAD_SIZE);
}

// The layout itself: element (o, i, k) at ((o / 16 * kw + k) * ic/g + i) * 16 + o % 16.
TEST(WeightLayout, PackingPlacesEveryElement) {
    convgen_conv1d_desc d{};
    d.ic = 6, d.oc = 32, d.g = 2, d.kw = 3, d.sw = d.dw = 1;
    const int64_t icg = 3, n = d.oc * icg * d.kw;
    std::vector<float> wei((size_t)n), packed((size_t)n, -1.0f);
    for (int64_t j = 0; j < n; ++j) wei[size_t(j)] = float(j);  // element (o, i, k) holds (o * icg + i) * kw + k
    EXPECT_EQ(convgen_conv1d_pack_weights(&d, wei.data(), packed.data()), CONVGEN_OK);
    EXPECT_EQ(packed, wei);  // oiw: a copy
    d.wei_layout = CONVGEN_WEI_OWI16O;
    ASSERT_EQ(convgen_conv1d_pack_weights(&d, wei.data(), packed.data()), CONVGEN_OK);
    for (int64_t o = 0; o < d.oc; ++o)
        for (int64_t i = 0; i < icg; ++i)
            for (int64_t k = 0; k < d.kw; ++k)
                ASSERT_EQ(packed[size_t(((o / 16 * d.kw + k) * icg + i) * 16 + o % 16)], float((o * icg + i) * d.kw + k))
                    << "o=" << o << " i=" << i << " k=" << k;
    std::vector<uint16_t> half((size_t)n), halfPacked((size_t)n);
    for (int64_t j = 0; j < n; ++j) half[size_t(j)] = uint16_t(j);
    d.dtype = CONVGEN_F16;
    ASSERT_EQ(convgen_conv1d_pack_weights(&d, half.data(), halfPacked.data()), CONVGEN_OK);
    EXPECT_EQ(halfPacked[size_t(((1 * d.kw + 2) * icg + 1) * 16 + 5)], uint16_t(((16 + 5) * icg + 1) * d.kw + 2));
    d.g = 4;  // 8 output channels per group
    EXPECT_EQ(convgen_conv1d_pack_weights(&d, wei.data(), packed.data()), CONVGEN_ERROR_BAD_SIZE);
    EXPECT_EQ(convgen_conv1d_pack_weights(&d, nullptr, packed.data()), CONVGEN_ERROR_NULL_POINTER);
}

TEST(Half, F16RoundTripsAndRounds) {
    EXPECT_EQ(convgen_f32_to_f16(1.0f), 0x3c00);
    EXPECT_EQ(convgen_f32_to_f16(-2.0f), 0xc000);
    EXPECT_EQ(convgen_f32_to_f16(65504.0f), 0x7bff);
    EXPECT_EQ(convgen_f32_to_f16(65520.0f), 0x7c00);           // rounds to infinity
    EXPECT_EQ(convgen_f32_to_f16(1.0f + 0x1.0p-11f), 0x3c00);  // tie to even
    EXPECT_EQ(convgen_f32_to_f16(1.0f + 0x1.8p-11f), 0x3c01);
    EXPECT_EQ(convgen_f32_to_f16(0x1.0p-24f), 0x0001);          // smallest subnormal
    EXPECT_EQ(convgen_f16_to_f32(0x0001), 0x1.0p-24f);
    EXPECT_TRUE(std::isnan(convgen_f16_to_f32(convgen_f32_to_f16(NAN))));
    for (uint32_t h = 0; h < 0x7c00; ++h) ASSERT_EQ(convgen_f32_to_f16(convgen_f16_to_f32(uint16_t(h))), h) << h;
}

TEST(Half, BF16RoundsToNearestEven) {
    EXPECT_EQ(convgen_f32_to_bf16(1.0f), 0x3f80);
    EXPECT_EQ(convgen_bf16_to_f32(0x3f80), 1.0f);
    EXPECT_EQ(convgen_f32_to_bf16(1.0f + 0x1.0p-8f), 0x3f80);  // tie to even
    EXPECT_EQ(convgen_f32_to_bf16(1.0f + 0x1.8p-8f), 0x3f81);  // 0.75 ulp rounds up
    EXPECT_EQ(convgen_f32_to_bf16(1.0f + 0x1.8p-7f), 0x3f82);  // 1.5 ulp: tie, to even
    EXPECT_EQ(convgen_f32_to_bf16(-3.0f), 0xc040);
}

TEST(Status, EveryCodeHasAMessage) {
    for (int s = CONVGEN_ERROR_OUT_OF_MEMORY; s <= CONVGEN_OK; ++s)
        EXPECT_STRNE(convgen_status_string(s), "unknown status code") << s;
    EXPECT_STREQ(convgen_status_string(-99), "unknown status code");
}

namespace {
int fakeKernel(const void *, const void *, const void *, void *, int64_t, int64_t) { return 0; }
}  // namespace

TEST(Registry, AddFindReplace) {
    convgen_registry_clear();
    convgen_kernel a{"a", "p", {}, fakeKernel}, a2{"a", "q", {}, fakeKernel}, b{"b", "p", {}, fakeKernel};
    EXPECT_EQ(convgen_registry_add(&a), CONVGEN_OK);
    EXPECT_EQ(convgen_registry_add(&b), CONVGEN_OK);
    EXPECT_EQ(convgen_registry_add(&a2), CONVGEN_OK);
    EXPECT_EQ(convgen_registry_count(), 2);
    EXPECT_EQ(convgen_registry_find("a"), &a2);
    EXPECT_EQ(convgen_registry_find("c"), nullptr);
    EXPECT_EQ(convgen_registry_at(1), &b);
    EXPECT_EQ(convgen_registry_at(2), nullptr);
    EXPECT_EQ(convgen_registry_add(nullptr), CONVGEN_ERROR_NULL_POINTER);
    convgen_registry_clear();
    EXPECT_EQ(convgen_registry_count(), 0);
}
