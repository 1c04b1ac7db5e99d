// End-to-end tests of the convgen command line: every verb, its --help, and every user-error path.
#include "CliFixture.h"
#include "compiler/target/LlvmOptions.h"
#include "convgen/reference.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace {

using namespace convgen_test;

const char *kSpec = "kernels:\n"
                    "  - {name: cli_conv, in_channels: 2, out_channels: 3, kernel_size: 3, padding: 1, activation: relu}\n"
                    "  - {name: cli_reflect, in_channels: 1, out_channels: 1, kernel_size: 3, padding: 2,\n"
                    "     padding_mode: reflect, bias: false}\n"
                    "  - {name: cli_fixed, in_channels: 1, out_channels: 1, kernel_size: 1, batch: 2, length: 4}\n"
                    "  - {name: cli_half, in_channels: 1, out_channels: 2, kernel_size: 2, dtype: f16, layout: nwc}\n";

}  // namespace

TEST_F(Cli, HelpForEveryVerb) {
    Result r = convgen("--help");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("verbs:"), std::string::npos);
    for (const char *verb : {"generate", "verify", "run", "bench", "targets"}) {
        r = convgen(std::string(verb) + " --help");
        EXPECT_EQ(r.code, 0) << verb;
        EXPECT_NE(r.out.find("usage: convgen " + std::string(verb)), std::string::npos) << verb << ": " << r.out;
    }
    r = convgen("frobnicate");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("unknown verb 'frobnicate'"), std::string::npos);
    r = convgen("generate --bogus x");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("unknown option --bogus"), std::string::npos);
    r = convgen("");
    EXPECT_EQ(r.code, 2);
}

TEST_F(Cli, Targets) {
    Result r = convgen("targets");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("x86-64-avx2"), std::string::npos);
    EXPECT_NE(r.out.find("x86-64        yes"), std::string::npos) << r.out;
}

TEST_F(Cli, GenerateWritesLibraryHeaderManifest) {
    write("k.yaml", kSpec);
    Result r = convgen("generate " + path("k.yaml") + " -o " + path("out") + " --target x86-64-avx2 --verbose");
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char *f : {"libk.a", "k.h", "manifest.json", "HalideRuntime.h", "convgen/status.h"}) {
        struct stat st;
        EXPECT_EQ(stat(path(std::string("out/") + f).c_str(), &st), 0) << f;
    }
    EXPECT_NE(r.out.find("depthwise_ncw: unimplemented"), std::string::npos) << r.out;  // --verbose reasons
    EXPECT_NE(r.out.find("wrote libk.a and k.h (4 kernels"), std::string::npos) << r.out;
}

TEST_F(Cli, GenerateIsDeterministic) {
    write("k.yaml", kSpec);
    write("other.yaml", "{name: other, in_channels: 3, out_channels: 5, kernel_size: 2}\n");
    ASSERT_EQ(convgen("generate " + path("k.yaml") + " -o " + path("a") + " --target x86-64-avx2").code, 0);
    ASSERT_EQ(convgen("generate " + path("other.yaml") + " " + path("k.yaml") + " -o " + path("b") +
                      " --target x86-64-avx2").code, 0);
    for (const char *f : {"libk.a", "k.h", "HalideRuntime.h", "convgen/conv1d.h", "convgen/status.h"}) {
        const std::string a = slurp(path(std::string("a/") + f)), b = slurp(path(std::string("b/") + f));
        EXPECT_FALSE(a.empty()) << f;
        EXPECT_TRUE(a == b) << f << " differs between two runs";
    }
    ASSERT_EQ(convgen("generate " + path("k.yaml") + " -o " + path("c") + " --target x86-64-avx2").code, 0);
    EXPECT_TRUE(slurp(path("a/manifest.json")) == slurp(path("c/manifest.json")));
    // depthwise_ncw's kernels specialize on the length (two copies of the loops Halide names), on
    // each variant of this machine, after another depthwise kernel of the same shape.
    write("dw.yaml", "{name: dw, in_channels: 16, out_channels: 16, groups: 16, kernel_size: 4, padding: causal}\n");
    write("other_dw.yaml", "{name: other_dw, in_channels: 16, out_channels: 16, groups: 16, kernel_size: 4,"
                           " padding: causal}\n");
    ASSERT_EQ(convgen("generate " + path("dw.yaml") + " -o " + path("d")).code, 0);
    ASSERT_EQ(convgen("generate " + path("other_dw.yaml") + " " + path("dw.yaml") + " -o " + path("e")).code, 0);
    const std::string header = slurp(path("d/dw.h"));
    EXPECT_NE(header.find("direct_from="), std::string::npos) << header;
    const std::string d = slurp(path("d/libdw.a")), e = slurp(path("e/libdw.a"));
    EXPECT_FALSE(d.empty());
    EXPECT_TRUE(d == e) << "libdw.a differs after another depthwise kernel";
    // dense_ncw's kernels on 16 registers specialize on the batch (batch rows per tile), after
    // another such kernel (in one process, Halide's name counters made this one's symbols differ).
    write("rows.yaml", "{name: rows, in_channels: 8, out_channels: 8, kernel_size: 3, padding: 1}\n");
    write("other_rows.yaml", "{name: a1, in_channels: 16, out_channels: 24, kernel_size: 5, padding: 2}\n");
    ASSERT_EQ(convgen("generate " + path("rows.yaml") + " -o " + path("f") + " --target x86-64-avx2").code, 0);
    ASSERT_EQ(convgen("generate " + path("other_rows.yaml") + " " + path("rows.yaml") + " -o " + path("g") +
                      " --target x86-64-avx2").code, 0);
    EXPECT_NE(slurp(path("f/rows.h")).find("batch_rows=2"), std::string::npos);
    const std::string f = slurp(path("f/librows.a")), g = slurp(path("g/librows.a"));
    EXPECT_FALSE(f.empty());
    EXPECT_TRUE(f == g) << "librows.a differs after another dense kernel";
}

// convgen's LLVM options (compiler/target/LlvmOptions) reach the code of a generated kernel, and
// HL_LLVM_ARGS set by the user replaces them: a depthwise K=31 kernel, whose unrolled tile LLVM's
// machine scheduler reorders.
TEST_F(Cli, GenerateUsesConvgenLlvmOptionsUnlessTheUserSetsThem) {
    write("dw31.yaml", "{name: dw31, in_channels: 8, out_channels: 8, groups: 8, kernel_size: 31, padding: 15}\n");
    const char *before = std::getenv("HL_LLVM_ARGS");
    const std::string saved = before ? before : "";
    auto assembly = [&](const char *llvmArgs, const std::string &out) {
        if (llvmArgs) setenv("HL_LLVM_ARGS", llvmArgs, 1);
        else unsetenv("HL_LLVM_ARGS");
        Result r =
            convgen("generate " + path("dw31.yaml") + " -o " + path(out) + " --target x86-64-avx2 --listings asm");
        EXPECT_EQ(r.code, 0) << r.err;
        return slurp(path(out + "/listings/dw31_x86_64_avx2.s"));
    };
    const std::string byDefault = assembly(nullptr, "a"), asConvgen = assembly(convgen::llvmOptions(), "b"),
                      schedulerOn = assembly("-enable-misched=true", "c");
    if (before) setenv("HL_LLVM_ARGS", saved.c_str(), 1);
    else unsetenv("HL_LLVM_ARGS");
    ASSERT_NE(byDefault.find("vfmadd"), std::string::npos);
    EXPECT_TRUE(byDefault == asConvgen) << "the default assembly is not the one made with convgen's options";
    EXPECT_FALSE(byDefault == schedulerOn) << "HL_LLVM_ARGS from the environment changed nothing";
}

TEST_F(Cli, GenerateOneLibraryPerArchitecture) {
    write("k.yaml", kSpec);
    Result r = convgen("generate " + path("k.yaml") + " -o " + path("out") + " --target x86-64-avx2,x86-64,arm64-neon,cuda");
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char *f : {"libk.a", "k.h", "libk_arm64.a", "k_arm64.h", "libk_cuda.a", "k_cuda.h",
                          "ptx/cli_conv_cuda.ptx", "HalideRuntimeCuda.h"}) {
        struct stat st;
        EXPECT_EQ(stat(path(std::string("out/") + f).c_str(), &st), 0) << f;
    }
    const std::string manifest = slurp(path("out/manifest.json"));
    for (const char *s : {"\"arch\": \"x86-64\"", "\"arch\": \"arm64\"", "\"arch\": \"cuda\"",
                          "\"library\": \"libk_arm64.a\"", "\"c_entry\": \"cli_conv_cuda\"",
                          "\"halide_target\": \"arm-64-linux\"", "\"schedule\": \"cuda_"})
        EXPECT_NE(manifest.find(s), std::string::npos) << s;
    const std::string header = slurp(path("out/k.h")), cuda = slurp(path("out/k_cuda.h"));
    EXPECT_NE(header.find("static inline const char *cli_conv_variant(void)"), std::string::npos);
    EXPECT_NE(header.find("CONVGEN_MAX_CPU_ISA"), std::string::npos);
    EXPECT_NE(cuda.find("static inline int cli_conv_cuda(const float *src"), std::string::npos);
    EXPECT_NE(cuda.find("halide_cuda_wrap_device_ptr"), std::string::npos);
    r = convgen("generate " + path("k.yaml") + " -o " + path("bad") + " --target x86-64,riscv");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("unknown target 'riscv'"), std::string::npos) << r.err;
    r = convgen("generate " + path("k.yaml") + " -o " + path("bad") + " --target cuda,cuda");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("given twice"), std::string::npos) << r.err;
}

TEST_F(Cli, GenerateSpecErrorIsLocatedAndWritesNothing) {
    write("bad.yaml", "name: bad\nin_channels: 4\nout_channels: 4\nkernel_size: 3\nstride: 2\npadding: same\n");
    Result r = convgen("generate " + path("bad.yaml") + " -o " + path("out"));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find(path("bad.yaml") + ":6:10: error: padding 'same' is not supported for strided"),
              std::string::npos)
        << r.err;
    struct stat st;
    EXPECT_NE(stat(path("out").c_str(), &st), 0) << "a failed generate must not create its output";
    r = convgen("generate " + path("missing.yaml") + " -o " + path("out"));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("cannot read spec file"), std::string::npos);
    r = convgen("generate " + path("bad.yaml"));
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("no -o DIR given"), std::string::npos);
}

TEST_F(Cli, VerifyPassesAndReportsErrors) {
    write("k.yaml", kSpec);
    Result r = convgen("verify " + path("k.yaml"));
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("cli_conv"), std::string::npos);
    EXPECT_NE(r.out.find("PASS"), std::string::npos);
    EXPECT_EQ(r.out.find("FAIL"), std::string::npos);
    EXPECT_NE(r.out.find("4 kernels x"), std::string::npos) << r.out;
    r = convgen("verify " + path("k.yaml") + " --kernel cli_fixed --target x86-64");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("1 kernel x 1 variant: 0 failed"), std::string::npos) << r.out;
    r = convgen("verify " + path("k.yaml") + " --kernel nope");
    EXPECT_EQ(r.code, 2);
}

// `convgen run` on one kernel with bias, batch 1.
class CliRun : public Cli {
protected:
    // Runs kernel `name` of spec file `yaml` (problem d) on x ([1, ic, iw]), w (PyTorch's [oc, ic/g,
    // kw]) and b; returns its output and the reference's on the same data (empty output on failure).
    std::pair<std::vector<float>, std::vector<double>> runWithReference(const std::string &yaml, const std::string &name,
                                                                        const convgen_conv1d_desc &d, int64_t iw,
                                                                        const std::vector<double> &x,
                                                                        const std::vector<double> &w,
                                                                        const std::vector<double> &b, Result *run) {
        writeNpy("x.npy", "<f4", {1, long(d.ic), long(iw)}, x);
        writeNpy("w.npy", "<f4", {long(d.oc), long(d.ic / d.g), long(d.kw)}, w);
        writeNpy("b.npy", "<f4", {long(d.oc)}, b);
        *run = convgen("run " + path(yaml) + " --kernel " + name + " --input " + path("x.npy") + " --weight " +
                       path("w.npy") + " --bias " + path("b.npy") + " --output " + path("y.npy"));
        std::vector<float> xf(x.begin(), x.end()), wf(w.begin(), w.end()), bf(b.begin(), b.end());
        std::vector<double> want(size_t(d.oc * convgen_conv1d_output_length(&d, iw)));
        EXPECT_EQ(convgen_reference_conv1d(&d, 1, iw, xf.data(), wf.data(), bf.data(), want.data(), nullptr), 0);
        return {run->code == 0 ? readNpyF32("y.npy") : std::vector<float>(), want};
    }
};

TEST_F(CliRun, MatchesReference) {
    write("k.yaml", kSpec);
    // cli_conv: [1, 2, 5] input, [3, 2, 3] weights, bias [3]
    std::vector<double> x = {1, -2, 3, 0.5, 2, -1, 0, 4, 1, -3}, w(18), b = {0.5, -1, 2};
    for (size_t i = 0; i < w.size(); ++i) w[i] = double(int(i % 5) - 2) * 0.25;
    convgen_conv1d_desc d{};
    d.ic = 2, d.oc = 3, d.kw = 3, d.sw = d.dw = d.g = 1, d.pw_l = d.pw_r = 1, d.bias = 1;
    d.activation = CONVGEN_ACT_RELU;
    Result r;
    auto [y, want] = runWithReference("k.yaml", "cli_conv", d, 5, x, w, b, &r);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("[1, 3, 5]"), std::string::npos) << r.out;
    ASSERT_EQ(y.size(), 15u);
    for (size_t i = 0; i < 15; ++i) EXPECT_NEAR(y[i], want[i], 1e-5) << i;
}

TEST_F(CliRun, PacksWeightsForOwi16oKernels) {
    // 2 groups of 16 output channels, taps past 64 (channels_ncw skips taps per tile); --weight in
    // PyTorch's order.
    write("p.yaml", "name: packed\nin_channels: 4\nout_channels: 32\nkernel_size: 67\ngroups: 2\npadding: 33\n"
                    "weight_layout: Owi16o\n");
    std::vector<double> x(4 * 9), w(32 * 2 * 67), b(32);
    for (size_t i = 0; i < x.size(); ++i) x[i] = double(int(i % 7) - 3);
    for (size_t i = 0; i < w.size(); ++i) w[i] = double(int(i % 5) - 2);
    for (size_t i = 0; i < b.size(); ++i) b[i] = double(i % 3);
    convgen_conv1d_desc d{};
    d.ic = 4, d.oc = 32, d.kw = 67, d.sw = d.dw = 1, d.g = 2, d.pw_l = d.pw_r = 33, d.bias = 1;
    Result r;
    auto [y, want] = runWithReference("p.yaml", "packed", d, 9, x, w, b, &r);
    ASSERT_EQ(r.code, 0) << r.err;
    ASSERT_EQ(y.size(), 32u * 9u);
    for (size_t i = 0; i < y.size(); ++i) EXPECT_EQ(y[i], want[i]) << i;  // integers: exact
}

TEST_F(Cli, RunAcceptsFloat16ForF16Kernels) {
    write("k.yaml", kSpec);
    writeNpy("x.npy", "<f2", {1, 4, 1}, {1, 2, 3, 4});
    writeNpy("w.npy", "<f2", {2, 1, 2}, {1, 1, 2, -1});
    writeNpy("b.npy", "<f4", {2}, {0, 0.5});
    Result r = convgen("run " + path("k.yaml") + " --kernel cli_half --input " + path("x.npy") + " --weight " +
                       path("w.npy") + " --bias " + path("b.npy") + " --output " + path("y.npy"));
    ASSERT_EQ(r.code, 0) << r.err;
    // nwc output [1, 3, 2]: position-major; channel 0 = x[i] + x[i+1], channel 1 = 2x[i] - x[i+1] + 0.5
    EXPECT_EQ(readNpyF32("y.npy"), (std::vector<float>{3, 0.5, 5, 1.5, 7, 2.5}));
}

TEST_F(Cli, RunRejectsBadInputsAndWritesNothing) {
    write("k.yaml", kSpec);
    writeNpy("w.npy", "<f4", {3, 2, 3}, std::vector<double>(18, 1));
    writeNpy("b.npy", "<f4", {3}, {0, 0, 0});
    writeNpy("x_shape.npy", "<f4", {1, 3, 5}, std::vector<double>(15, 1));
    writeNpy("x_f64.npy", "<f8", {1, 2, 5}, std::vector<double>(10, 1));
    writeNpy("x_f16.npy", "<f2", {1, 2, 5}, std::vector<double>(10, 1));
    writeNpy("x_short.npy", "<f4", {1, 1, 2}, {1, 2});
    writeNpy("x_fixed.npy", "<f4", {3, 1, 4}, std::vector<double>(12, 1));
    writeNpy("w1.npy", "<f4", {1, 1, 3}, {1, 1, 1});
    writeNpy("w_fixed.npy", "<f4", {1, 1, 1}, {1});
    writeNpy("b1.npy", "<f4", {1}, {0});
    write("garbage.npy", "this is not numpy");
    const std::string common = " --weight " + path("w.npy") + " --bias " + path("b.npy") + " --output " + path("y.npy");
    struct Case {
        std::string args, message;
    } cases[] = {
        {"--kernel cli_conv --input " + path("x_shape.npy") + common, "--input has shape [1, 3, 5]; kernel cli_conv"},
        {"--kernel cli_conv --input " + path("x_f64.npy") + common, "dtype <f8 is not supported"},
        {"--kernel cli_conv --input " + path("x_f16.npy") + common, "float16 files are accepted only by f16 kernels"},
        {"--kernel cli_conv --input " + path("garbage.npy") + common, "not a .npy file"},
        {"--kernel cli_conv --input " + path("nonexistent.npy") + common, "cannot open"},
        {"--kernel cli_conv --input " + path("x_f16.npy") + " --weight " + path("w.npy") + " --output " + path("y.npy"),
         "has a bias: give --bias"},
        {"--kernel cli_reflect --input " + path("x_short.npy") + " --weight " + path("w1.npy") + " --output " +
             path("y.npy"),
         "reflect padding (2, 2) must be smaller than the length (2)"},
        {"--kernel cli_reflect --input " + path("x_short.npy") + " --weight " + path("w1.npy") + " --bias " +
             path("b1.npy") + " --output " + path("y.npy"),
         "has no bias"},
        {"--kernel cli_fixed --input " + path("x_fixed.npy") + " --weight " + path("w_fixed.npy") + " --bias " +
             path("b1.npy") + " --output " + path("y.npy"),
         "batch is 3 but the kernel was generated for batch 2"},
        {"--kernel cli_conv --input " + path("x_shape.npy") + " --weight " + path("w1.npy") + " --bias " +
             path("b.npy") + " --output " + path("y.npy"),
         "--input has shape"},
        {"--kernel missing --input " + path("x_shape.npy") + common, "no kernel named 'missing'"},
    };
    for (const Case &c : cases) {
        Result r = convgen("run " + path("k.yaml") + " " + c.args);
        EXPECT_EQ(r.code, 1) << c.args;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << c.message << "\n got: " << r.err;
        struct stat st;
        EXPECT_NE(stat(path("y.npy").c_str(), &st), 0) << "output written despite: " << c.message;
    }
    // The shortest input of a dilated kernel: too short is refused with the rule.
    write("d.yaml", "{name: dil, in_channels: 1, out_channels: 1, kernel_size: 3, dilation: 4, bias: false}\n");
    writeNpy("x8.npy", "<f4", {1, 1, 8}, std::vector<double>(8, 1));
    writeNpy("x9.npy", "<f4", {1, 1, 9}, std::vector<double>(9, 1));
    Result r = convgen("run " + path("d.yaml") + " --kernel dil --input " + path("x8.npy") + " --weight " +
                       path("w1.npy") + " --output " + path("y.npy"));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("shorter than the dilated kernel (9)"), std::string::npos) << r.err;
    r = convgen("run " + path("d.yaml") + " --kernel dil --input " + path("x9.npy") + " --weight " + path("w1.npy") +
                " --output " + path("y.npy"));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(readNpyF32("y.npy"), (std::vector<float>{3}));
    r = convgen("run " + path("k.yaml") + " --kernel cli_conv");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("missing --input"), std::string::npos);
}

TEST_F(Cli, BenchPrintsAndWritesJson) {
    write("k.yaml", kSpec);
    Result r = convgen("bench " + path("k.yaml") + " --kernel cli_conv --length 256 --threads 1 --min-time 0.01 --json " +
                       path("bench.json"));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("GFLOP/s"), std::string::npos);
    EXPECT_NE(r.out.find("cli_conv"), std::string::npos);
    const std::string json = slurp(path("bench.json"));
    EXPECT_NE(json.find("\"gflops\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"problem\": \"f32_mbxic2oc3iwxkw3sw1pw1dw1g1_relu\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"length\": 256"), std::string::npos) << json;
    EXPECT_NE(json.find("\"pack_ms\": 0"), std::string::npos) << json;  // oiw weights: nothing packed
    write("p.yaml", "name: packed\nin_channels: 4\nout_channels: 32\nkernel_size: 67\ngroups: 2\npadding: 33\n"
                    "weight_layout: Owi16o\n");
    r = convgen("bench " + path("p.yaml") + " --length 64 --threads 1 --min-time 0.01");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("weights in the Owi16o layout: packed once in"), std::string::npos) << r.out;
    r = convgen("bench " + path("k.yaml") + " --threads many");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("needs an integer"), std::string::npos);
}
