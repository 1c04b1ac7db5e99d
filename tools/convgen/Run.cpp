// convgen run: one kernel on NumPy files.
#include "Verbs.h"

#include "Npy.h"
#include "compiler/driver/Driver.h"
#include "compiler/jit/JitKernel.h"
#include "compiler/verify/KernelCheck.h"
#include "convgen/half.h"
#include "convgen/reference.h"

#include <iostream>

namespace convgen::cli {

namespace {
const char *kHelp =
    "usage: convgen run SPEC --kernel NAME --input x.npy --weight w.npy [--bias b.npy] --output y.npy\n"
    "                   [--target TARGET]\n"
    "\n"
    "Runs kernel NAME of SPEC (compiled for this machine) on NumPy arrays and writes the result.\n"
    "  --input   [N, C, L] for layout ncw, [N, L, C] for nwc; C = in_channels\n"
    "  --weight  [out_channels, in_channels/groups, kernel_size], PyTorch's order whatever the kernel's\n"
    "            weight_layout (Owi16o kernels get them packed)\n"
    "  --bias    [out_channels]; required when the kernel has bias, refused when it has none\n"
    "  --output  float32 [N, out_channels, Lout] (ncw) or [N, Lout, out_channels] (nwc), written atomically\n"
    "float32 files are accepted for every dtype (rounded to it on the way in); float16 files only for\n"
    "f16 kernels. --target picks the variant (default: the best this machine runs).\n";

std::string shapeText(const std::vector<int64_t> &s) {
    std::string t = "[";
    for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
    return t + "]";
}

// Converts a loaded array to the kernel's dtype; false with a message for a refused combination.
bool toDtype(const NpyArray &a, convgen_dtype t, const std::string &what, std::vector<uint8_t> &out,
             std::string *error) {
    if (a.descr == "<f2" && t != CONVGEN_F16) {
        *error = what + ": float16 files are accepted only by f16 kernels; this kernel is " +
                 std::string(t == CONVGEN_BF16 ? "bf16" : "f32") + " (save it as float32)";
        return false;
    }
    out.resize(size_t(a.count() * convgen_dtype_size(t)));
    for (int64_t i = 0; i < a.count(); ++i) {
        const double v = a.descr == "<f4" ? double(reinterpret_cast<const float *>(a.data.data())[i])
                                          : double(convgen_f16_to_f32(reinterpret_cast<const uint16_t *>(a.data.data())[i]));
        convgen_store_from_double(t, out.data(), i, v);
    }
    return true;
}

}  // namespace

int runMain(int argc, char **argv) {
    Args args(argc, argv, {"--kernel", "--input", "--weight", "--bias", "--output", "--target"}, {"--help", "-h"});
    if (args.has("--help") || args.has("-h")) {
        std::cout << kHelp;
        return 0;
    }
    auto fail = [](const std::string &message, int code = 1) {
        std::cerr << "convgen run: " << message << "\n";
        return code;
    };
    if (!args.ok()) return fail(args.error() + "\n\n" + kHelp, 2);
    if (args.positional().size() != 1) return fail("give exactly one spec file\n\n" + std::string(kHelp), 2);
    for (const char *required : {"--kernel", "--input", "--weight", "--output"})
        if (!args.has(required)) return fail(std::string("missing ") + required + "\n\n" + kHelp, 2);
    auto specs = loadSpecs(args.positional()[0], std::cerr);
    if (!specs) return 1;
    const Conv1dSpec *spec = nullptr;
    for (const Conv1dSpec &s : *specs)
        if (s.name == args.get("--kernel")) spec = &s;
    if (!spec) return fail("no kernel named '" + args.get("--kernel") + "' in " + args.positional()[0]);
    const convgen_conv1d_desc &d = spec->desc;
    const bool nwc = d.layout == CONVGEN_LAYOUT_NWC;

    std::string error;
    NpyArray x, w, b;
    if (!readNpy(args.get("--input"), x, &error) || !readNpy(args.get("--weight"), w, &error)) return fail(error);
    if (x.shape.size() != 3 || x.shape[nwc ? 2 : 1] != d.ic)
        return fail("--input has shape " + shapeText(x.shape) + "; kernel " + spec->name + " (layout " +
                    toString(d.layout) + ") needs " + (nwc ? "[N, L, " : "[N, ") + std::to_string(d.ic) +
                    (nwc ? "]" : ", L]"));
    const std::vector<int64_t> wantW = {d.oc, d.ic / d.g, d.kw};
    if (w.shape != wantW) return fail("--weight has shape " + shapeText(w.shape) + ", needs " + shapeText(wantW));
    if (d.bias && !args.has("--bias")) return fail("kernel " + spec->name + " has a bias: give --bias");
    if (!d.bias && args.has("--bias")) return fail("kernel " + spec->name + " has no bias (bias: false)");
    if (d.bias) {
        if (!readNpy(args.get("--bias"), b, &error)) return fail(error);
        if (b.shape != std::vector<int64_t>{d.oc})
            return fail("--bias has shape " + shapeText(b.shape) + ", needs [" + std::to_string(d.oc) + "]");
    }
    const int64_t mb = x.shape[0], iw = x.shape[nwc ? 1 : 2];
    char message[256];
    if (convgen_conv1d_check_sizes(&d, mb, iw, message, sizeof message) != 0) return fail("--input: " + std::string(message));

    std::vector<uint8_t> src, wei, bia;
    if (!toDtype(x, d.dtype, "--input", src, &error) || !toDtype(w, d.dtype, "--weight", wei, &error) ||
        (d.bias && !toDtype(b, d.dtype, "--bias", bia, &error)))
        return fail(error);
    // --weight is [oc][ic/g][kw], PyTorch's order; the kernel reads its own layout.
    if (std::vector<uint8_t> packed = packedWeights(d, wei); !packed.empty()) wei = std::move(packed);

    auto variant = args.has("--target") ? variantNamed(args.get("--target")) : variantNamed("host");
    if (!variant) return fail("unknown target '" + args.get("--target") + "'", 2);
    if (!variant->runsHere) return fail("this machine cannot run " + variant->name, 2);
    auto kernel = JitKernel::build(d, spec->name, *variant, nullptr, &error);
    if (!kernel) return fail("cannot compile " + spec->name + ": " + error);
    const int64_t ow = convgen_conv1d_output_length(&d, iw);
    std::vector<uint8_t> dst(size_t(mb * d.oc * ow * convgen_dtype_size(d.dtype)));
    if (kernel->run(src.data(), wei.data(), d.bias ? bia.data() : nullptr, dst.data(), mb, iw, &error) != 0)
        return fail(spec->name + ": " + error);
    std::vector<float> out(size_t(mb * d.oc * ow));
    for (size_t i = 0; i < out.size(); ++i) out[i] = float(convgen_load_as_double(d.dtype, dst.data(), int64_t(i)));
    const std::vector<int64_t> shape = nwc ? std::vector<int64_t>{mb, ow, d.oc} : std::vector<int64_t>{mb, d.oc, ow};
    if (!writeNpyF32(args.get("--output"), shape, out, &error)) return fail(error);
    std::cout << "wrote " << args.get("--output") << " " << shapeText(shape) << " (" << spec->name << ", "
              << variant->name << ")\n";
    return 0;
}

}  // namespace convgen::cli
