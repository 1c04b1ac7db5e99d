// Tests for SpecParser and SpecChecks: every key, its default, and every error with its line:col.
#include "compiler/spec/SpecParser.h"

#include <gtest/gtest.h>

using namespace convgen;

namespace {

ParsedSpecs parse(const std::string &text) { return parseSpecText(text, "t.yaml"); }

Conv1dSpec one(const std::string &text) {
    ParsedSpecs p = parse(text);
    EXPECT_TRUE(p.ok()) << (p.errors.empty() ? "" : p.errors[0].str());
    EXPECT_EQ(p.kernels.size(), 1u);
    return p.kernels.empty() ? Conv1dSpec() : p.kernels[0];
}

// The single diagnostic text for `text` (fails the test if there is not exactly one).
std::string errorOf(const std::string &text) {
    ParsedSpecs p = parse(text);
    EXPECT_EQ(p.errors.size(), 1u);
    for (size_t i = 1; i < p.errors.size(); ++i) ADD_FAILURE() << "extra: " << p.errors[i].str();
    return p.errors.empty() ? "" : p.errors[0].str();
}

const std::string kBase = "name: k\nin_channels: 4\nout_channels: 8\nkernel_size: 3\n";

}  // namespace

TEST(SpecParser, DefaultsArePyTorchs) {
    Conv1dSpec s = one(kBase);
    EXPECT_EQ(s.name, "k");
    EXPECT_EQ(s.desc.ic, 4);
    EXPECT_EQ(s.desc.oc, 8);
    EXPECT_EQ(s.desc.kw, 3);
    EXPECT_EQ(s.desc.sw, 1);
    EXPECT_EQ(s.desc.dw, 1);
    EXPECT_EQ(s.desc.pw_l, 0);
    EXPECT_EQ(s.desc.pw_r, 0);
    EXPECT_EQ(s.desc.g, 1);
    EXPECT_EQ(s.desc.bias, 1);
    EXPECT_EQ(s.desc.padding_mode, CONVGEN_PAD_ZEROS);
    EXPECT_EQ(s.desc.activation, CONVGEN_ACT_NONE);
    EXPECT_EQ(s.desc.layout, CONVGEN_LAYOUT_NCW);
    EXPECT_EQ(s.desc.dtype, CONVGEN_F32);
    EXPECT_EQ(s.desc.mb, 0);
    EXPECT_EQ(s.desc.iw, 0);
    EXPECT_EQ(s.desc.wei_layout, CONVGEN_WEI_OIW);
    EXPECT_EQ(problemString(s.desc), "f32_mbxic4oc8iwxkw3sw1pw0dw1g1");
}

TEST(SpecParser, EveryKey) {
    Conv1dSpec s = one("name: all_keys\nin_channels: 6\nout_channels: 9\nkernel_size: 5\nstride: 2\n"
                       "dilation: 3\npadding: [4, 1]\npadding_mode: circular\ngroups: 3\nbias: false\n"
                       "activation: gelu\nlayout: nwc\ndtype: bf16\nbatch: 2\nlength: 100\n");
    EXPECT_EQ(s.desc.sw, 2);
    EXPECT_EQ(s.desc.dw, 3);
    EXPECT_EQ(s.desc.pw_l, 4);
    EXPECT_EQ(s.desc.pw_r, 1);
    EXPECT_EQ(s.desc.padding_mode, CONVGEN_PAD_CIRCULAR);
    EXPECT_EQ(s.desc.g, 3);
    EXPECT_EQ(s.desc.bias, 0);
    EXPECT_EQ(s.desc.activation, CONVGEN_ACT_GELU);
    EXPECT_EQ(s.desc.layout, CONVGEN_LAYOUT_NWC);
    EXPECT_EQ(s.desc.dtype, CONVGEN_BF16);
    EXPECT_EQ(s.desc.mb, 2);
    EXPECT_EQ(s.desc.iw, 100);
    EXPECT_EQ(problemString(s.desc), "bf16_mb2ic6oc9iw100kw5sw2pw4pwr1dw3g3_nwc_circular_nobias_gelu");
}

TEST(SpecParser, EnumerationsAndWords) {
    const char *modes[] = {"zeros", "reflect", "replicate", "circular"};
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(one(kBase + "padding_mode: " + modes[i] + "\n").desc.padding_mode, i) << modes[i];
    const char *acts[] = {"none", "relu", "silu", "gelu", "tanh", "sigmoid"};
    for (int i = 0; i < 6; ++i) EXPECT_EQ(one(kBase + "activation: " + acts[i] + "\n").desc.activation, i) << acts[i];
    EXPECT_EQ(one(kBase + "dtype: f16\n").desc.dtype, CONVGEN_F16);
    EXPECT_EQ(one(kBase + "layout: ncw\n").desc.layout, CONVGEN_LAYOUT_NCW);
    EXPECT_EQ(one(kBase + "batch: dynamic\nlength: dynamic\n").desc.iw, 0);
    EXPECT_EQ(one(kBase + "bias: true\n").desc.bias, 1);
    const Conv1dSpec blocked = one("name: k\nin_channels: 4\nout_channels: 32\nkernel_size: 3\nweight_layout: Owi16o\n");
    EXPECT_EQ(blocked.desc.wei_layout, CONVGEN_WEI_OWI16O);
    EXPECT_EQ(problemString(blocked.desc), "f32_mbxic4oc32iwxkw3sw1pw0dw1g1_Owi16o");
    EXPECT_EQ(one(kBase + "weight_layout: oiw\n").desc.wei_layout, CONVGEN_WEI_OIW);
}

TEST(SpecParser, PaddingForms) {
    Conv1dSpec s = one(kBase + "padding: 2\n");
    EXPECT_EQ(s.desc.pw_l, 2);
    EXPECT_EQ(s.desc.pw_r, 2);
    s = one(kBase + "padding: valid\n");
    EXPECT_EQ(s.desc.pw_l + s.desc.pw_r, 0);
    // 'same' is PyTorch's: total = dilation*(k-1), left = total/2 rounded down, right = the rest.
    s = one("name: k\nin_channels: 1\nout_channels: 1\nkernel_size: 4\ndilation: 3\npadding: same\n");
    EXPECT_EQ(s.desc.pw_l, 4);
    EXPECT_EQ(s.desc.pw_r, 5);
    s = one("name: k\nin_channels: 1\nout_channels: 1\nkernel_size: 4\ndilation: 2\npadding: causal\n");
    EXPECT_EQ(s.desc.pw_l, 6);
    EXPECT_EQ(s.desc.pw_r, 0);
}

TEST(SpecParser, KernelsList) {
    ParsedSpecs p = parse("kernels:\n  - {name: a, in_channels: 1, out_channels: 2, kernel_size: 1}\n"
                          "  - name: b\n    in_channels: 2\n    out_channels: 2\n    kernel_size: 3\n    groups: 2\n");
    ASSERT_TRUE(p.ok()) << p.errors[0].str();
    ASSERT_EQ(p.kernels.size(), 2u);
    EXPECT_EQ(p.kernels[0].name, "a");
    EXPECT_EQ(p.kernels[1].desc.g, 2);
    EXPECT_EQ(p.kernels[1].where.line, 3u);
    EXPECT_EQ(p.kernels[1].where.col, 5u);
}

TEST(SpecParserErrors, UnknownKeySuggests) {
    EXPECT_EQ(errorOf(kBase + "strides: 2\n"), "t.yaml:5:1: error: unknown key 'strides' (did you mean 'stride'?)");
}

TEST(SpecParserErrors, MissingRequired) {
    EXPECT_EQ(errorOf("name: k\nin_channels: 4\nkernel_size: 3\n"),
              "t.yaml:1:1: error: missing required key 'out_channels'");
}

TEST(SpecParserErrors, TypesAndRanges) {
    EXPECT_EQ(errorOf(kBase + "stride: 0\n"), "t.yaml:5:9: error: stride must be a positive integer, got 0");
    EXPECT_EQ(errorOf(kBase + "dilation: two\n"),
              "t.yaml:5:11: error: dilation must be a positive integer, got 'two'");
    EXPECT_EQ(errorOf(kBase + "groups: \"2\"\n"), "t.yaml:5:9: error: groups must be a positive integer, got '2'");
    EXPECT_EQ(errorOf(kBase + "padding: -1\n"),
              "t.yaml:5:10: error: padding must be a non-negative integer, got -1");
    EXPECT_EQ(errorOf(kBase + "padding: [1, 2, 3]\n"),
              "t.yaml:5:11: error: padding as a list must be [left, right], got 3 values");
    EXPECT_EQ(errorOf(kBase + "padding: full\n"),
              "t.yaml:5:10: error: padding must be a non-negative integer, [left, right], same, valid or causal, "
              "got 'full'");
    EXPECT_EQ(errorOf(kBase + "length: 3000000000\n"),
              "t.yaml:5:9: error: length must be a positive integer below 2^31, got 3000000000");
    EXPECT_EQ(errorOf(kBase + "batch: some\n"), "t.yaml:5:8: error: batch must be a positive integer, got 'some'");
    EXPECT_EQ(errorOf(kBase + "bias: 1\n"), "t.yaml:5:7: error: bias must be true or false, got '1'");
    EXPECT_EQ(errorOf(kBase + "in_channels: 4\n"), "t.yaml:5:1: error: duplicate key 'in_channels'");
    EXPECT_EQ(errorOf(kBase + "activation: swish\n"),
              "t.yaml:5:13: error: activation must be one of none | relu | silu | gelu | tanh | sigmoid, got 'swish'");
    EXPECT_EQ(errorOf(kBase + "padding_mode: mirror\n"),
              "t.yaml:5:15: error: padding_mode must be one of zeros | reflect | replicate | circular, got 'mirror'");
    EXPECT_EQ(errorOf(kBase + "layout: nchw\n"), "t.yaml:5:9: error: layout must be one of ncw | nwc, got 'nchw'");
    EXPECT_EQ(errorOf(kBase + "dtype: f64\n"), "t.yaml:5:8: error: dtype must be one of f32 | f16 | bf16, got 'f64'");
    EXPECT_EQ(errorOf(kBase + "stride: {a: 1}\n"), "t.yaml:5:10: error: stride must be a positive integer");
}

TEST(SpecParserErrors, Names) {
    EXPECT_EQ(errorOf("name: 2fast\nin_channels: 1\nout_channels: 1\nkernel_size: 1\n"),
              "t.yaml:1:7: error: name must be a C identifier (letters, digits, '_', not starting with a digit), got "
              "'2fast'");
    EXPECT_EQ(errorOf("name: int\nin_channels: 1\nout_channels: 1\nkernel_size: 1\n"),
              "t.yaml:1:7: error: name 'int' is reserved (a C/C++ keyword or a halide_/convgen_ prefix)");
    EXPECT_EQ(errorOf("kernels:\n  - {name: a, in_channels: 1, out_channels: 1, kernel_size: 1}\n"
                      "  - {name: a, in_channels: 1, out_channels: 1, kernel_size: 1}\n"),
              "t.yaml:3:12: error: kernel name 'a' is already used at line 2");
}

TEST(SpecParserErrors, PyTorchRules) {
    EXPECT_EQ(errorOf("name: k\nin_channels: 6\nout_channels: 8\nkernel_size: 3\ngroups: 4\n"),
              "t.yaml:5:9: error: groups (4) must divide in_channels (6)");
    EXPECT_EQ(errorOf("name: k\nin_channels: 8\nout_channels: 6\nkernel_size: 3\ngroups: 4\n"),
              "t.yaml:5:9: error: groups (4) must divide out_channels (6)");
    EXPECT_EQ(errorOf(kBase + "stride: 2\npadding: same\n"),
              "t.yaml:6:10: error: padding 'same' is not supported for strided convolutions (stride 2), as in "
              "PyTorch");
    EXPECT_EQ(errorOf(kBase + "padding: 5\npadding_mode: reflect\nlength: 5\n"),
              "t.yaml:6:15: error: reflect padding (5, 5) must be smaller than length (5) on each side");
    EXPECT_EQ(errorOf(kBase + "padding: 6\npadding_mode: circular\nlength: 5\n"),
              "t.yaml:6:15: error: circular padding (6, 6) must not exceed length (5) on either side");
    EXPECT_EQ(errorOf(kBase + "dilation: 4\nlength: 8\n"),
              "t.yaml:6:9: error: padded length (8 + 0 + 0) is shorter than the dilated kernel "
              "(dilation*(kernel_size-1)+1 = 9): the output would be empty");
    EXPECT_EQ(errorOf("name: k\nin_channels: 4\nout_channels: 32\nkernel_size: 3\ngroups: 4\nweight_layout: Owi16o\n"),
              "t.yaml:6:16: error: weight_layout Owi16o needs out_channels per group (8) to be a multiple of 16");
    EXPECT_EQ(errorOf(kBase + "weight_layout: OIW16o\n"),
              "t.yaml:5:16: error: weight_layout must be one of oiw | Owi16o, got 'OIW16o'");
    // Accepted edge: circular padding equal to the length, reflect one below it.
    EXPECT_TRUE(parse(kBase + "padding: 5\npadding_mode: circular\nlength: 5\n").ok());
    EXPECT_TRUE(parse(kBase + "padding: 4\npadding_mode: reflect\nlength: 5\n").ok());
}

TEST(SpecParserErrors, Structure) {
    EXPECT_EQ(errorOf(""), "t.yaml:1:1: error: empty spec: expected a kernel mapping or 'kernels:'");
    EXPECT_EQ(errorOf("- 1\n- 2\n"),
              "t.yaml:1:1: error: expected a kernel mapping or 'kernels:' with a list of kernel mappings");
    EXPECT_EQ(errorOf("kernels: 3\n"), "t.yaml:1:10: error: 'kernels' must be a list of kernel mappings");
    EXPECT_EQ(errorOf("kernels: []\n"), "t.yaml:1:11: error: 'kernels' is empty: give at least one kernel");
    EXPECT_EQ(errorOf("kernels:\n  - 7\n"),
              "t.yaml:2:5: error: a kernel must be a mapping of keys such as name, in_channels, out_channels, "
              "kernel_size");
    EXPECT_EQ(errorOf("kernels:\n  - {name: a, in_channels: 1, out_channels: 1, kernel_size: 1}\nextra: 1\n"),
              "t.yaml:3:1: error: a file with 'kernels:' has no other top-level keys");
    std::string yamlError = errorOf("name: [unclosed\n");
    EXPECT_NE(yamlError.find("t.yaml:"), std::string::npos);
    EXPECT_NE(yamlError.find("error: invalid YAML"), std::string::npos) << yamlError;
}

TEST(SpecParserErrors, AllErrorsReported) {
    ParsedSpecs p = parse("name: k\nin_channels: 0\nout_channels: x\nkernel_size: 3\nfoo: 1\n");
    EXPECT_EQ(p.errors.size(), 3u);
}

TEST(SpecParserErrors, UnreadableFile) {
    ParsedSpecs p = parseSpecFile("/nonexistent/spec.yaml");
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_NE(p.errors[0].str().find("/nonexistent/spec.yaml:0:0: error: cannot read spec file"), std::string::npos);
}
