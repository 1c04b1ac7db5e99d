// CHeader: plain C entry points over the Halide buffer entry point, with size and pointer checks.
#include "CHeader.h"

#include "StaticLibrary.h"
#include "compiler/algorithm/Conv1dAlgorithm.h"

#include <sstream>

namespace convgen {

namespace {

const char *elementType(convgen_dtype t) { return t == CONVGEN_F32 ? "float" : "uint16_t"; }

const char *halideTypeInit(convgen_dtype t) {
    switch (t) {
    case CONVGEN_F16: return "{halide_type_float, 16, 1}";
    case CONVGEN_BF16: return "{halide_type_uint, 16, 1}";  /* bfloat16 as raw bits */
    default: return "{halide_type_float, 32, 1}";
    }
}

const char *enumName(convgen_padding_mode m) {
    static const char *names[] = {"CONVGEN_PAD_ZEROS", "CONVGEN_PAD_REFLECT", "CONVGEN_PAD_REPLICATE",
                                  "CONVGEN_PAD_CIRCULAR"};
    return names[m];
}
const char *enumName(convgen_activation a) {
    static const char *names[] = {"CONVGEN_ACT_NONE", "CONVGEN_ACT_RELU", "CONVGEN_ACT_SILU",
                                  "CONVGEN_ACT_GELU", "CONVGEN_ACT_TANH", "CONVGEN_ACT_SIGMOID"};
    return names[a];
}
const char *enumName(convgen_dtype t) {
    static const char *names[] = {"CONVGEN_F32", "CONVGEN_F16", "CONVGEN_BF16"};
    return names[t];
}

// The numbers of the Halide target features that select a variant (arch and OS excluded).
std::vector<int> featureNumbers(const Halide::Target &t) {
    std::vector<int> out;
    for (int f = 0; f < int(Halide::Target::FeatureEnd); ++f)
        if (t.has_feature(Halide::Target::Feature(f))) out.push_back(f);
    return out;
}

// Which variant the library runs: the first whose features the CPU has and CONVGEN_MAX_CPU_ISA
// allows. Mirrors the choice of Halide's multitarget wrapper, whose feature test it shares.
void variantText(std::ostream &h, const KernelPlan &k) {
    const std::string &name = k.entry;
    h << "/* The variant " << name << " runs on this machine: ";
    for (size_t i = 0; i < k.variants.size(); ++i) h << (i ? ", " : "") << "\"" << k.variants[i].target.name << "\"";
    h << ". */\nstatic inline const char *" << name << "_variant(void) {\n";
    if (k.variants.size() > 1) {
        h << "    convgen_install_isa_cap();\n";
        for (size_t i = 0; i + 1 < k.variants.size(); ++i) {
            h << "    {\n        uint64_t mask[(halide_target_feature_end + 63) / 64] = {0};\n";
            for (int f : featureNumbers(k.variants[i].target.halide))
                h << "        mask[" << f / 64 << "] |= (uint64_t)1 << " << f % 64 << ";\n";
            h << "        if (halide_can_use_target_features((halide_target_feature_end + 63) / 64, mask)) return \""
              << k.variants[i].target.name << "\";\n    }\n";
        }
    }
    h << "    return \"" << k.variants.back().target.name << "\";\n}\n\n";
}

// Shared by every header of a multi-variant library: the CONVGEN_MAX_CPU_ISA cap.
const char *kIsaCap = R"(#ifndef CONVGEN_ISA_CAP_DEFINED
#define CONVGEN_ISA_CAP_DEFINED
/* CONVGEN_MAX_CPU_ISA caps the variant x86-64 libraries run (like oneDNN's ONEDNN_MAX_CPU_ISA):
 * x86-64 keeps them on the SSE2 baseline, x86-64-avx2 below AVX-512; x86-64-avx512 or unset allows
 * all. It is read once, at the first call of a C entry point or NAME_variant() in the process, and
 * applies to every convgen library. */
static int convgen_has_feature(int count, const uint64_t *features, int f) {
    return count > f / 64 && ((features[f / 64] >> (f % 64)) & 1);
}
static int convgen_capped_can_use_target_features(int count, const uint64_t *features) {
    const char *cap = getenv("CONVGEN_MAX_CPU_ISA");
    if (cap && strcmp(cap, "x86-64") == 0 && convgen_has_feature(count, features, halide_target_feature_avx2))
        return 0;
    if (cap && (strcmp(cap, "x86-64") == 0 || strcmp(cap, "x86-64-avx2") == 0) &&
        convgen_has_feature(count, features, halide_target_feature_avx512))
        return 0;
    return halide_default_can_use_target_features(count, features);
}
static inline void convgen_install_isa_cap(void) {
    static volatile int installed;
    if (!installed) {
        halide_set_custom_can_use_target_features(convgen_capped_can_use_target_features);
        installed = 1;
    }
}
#endif

)";

// Shared by every CUDA header: whether libcuda can be loaded (Halide's runtime dlopens it too).
const char *kCudaDriver = R"(#ifndef CONVGEN_CUDA_DRIVER_DEFINED
#define CONVGEN_CUDA_DRIVER_DEFINED
#include <dlfcn.h>
static inline int convgen_cuda_driver_loadable(void) {
    static int state; /* 0 unknown, 1 yes, -1 no */
    if (state == 0) state = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD) || dlopen("libcuda.so.1", RTLD_LAZY) ||
                            dlopen("libcuda.so", RTLD_LAZY) ? 1 : -1;
    return state > 0;
}
#endif

)";

void kernelText(std::ostream &h, const KernelPlan &k) {
    const convgen_conv1d_desc &d = k.spec.desc;
    const std::string &name = k.entry;
    const std::string buf = bufferEntryName(name);
    const char *T = elementType(d.dtype);
    const bool nwc = d.layout == CONVGEN_LAYOUT_NWC, gpu = k.onGpu();
    const int64_t span = d.dw * (d.kw - 1) + 1;
    h << "/* ---- " << name << ": " << problemString(d) << " ---- */\n";
    for (const VariantPlan &v : k.variants)
        h << "/* schedule for " << v.target.name << ": " << v.schedule.str() << " (" << v.scheduleSource << ") */\n";
    const char *wei = d.wei_layout == CONVGEN_WEI_OWI16O ? "[oc/16][kw][ic/g][16] (convgen_conv1d_pack_weights)"
                                                         : "[oc][ic/g][kw]";
    h << "\n/* Halide entry point: src " << (nwc ? "[mb][iw][ic]" : "[mb][ic][iw]") << ", wei " << wei
      << (d.bias ? ", bia [oc]" : "") << ", dst " << (nwc ? "[mb][ow][oc]" : "[mb][oc][ow]")
      << ". Returns 0 or a Halide error code. */\n";
    h << "int " << buf << "(struct halide_buffer_t *src, struct halide_buffer_t *wei, "
      << (d.bias ? "struct halide_buffer_t *bia, " : "") << "struct halide_buffer_t *dst);\n\n";
    h << "/* Output length for an input of `length` (< 1: the input is too short). */\n";
    h << "static inline int64_t " << name << "_output_length(int64_t length) {\n"
      << "    int64_t num = length + " << d.pw_l + d.pw_r - span << ";\n"
      << "    return (num >= 0 ? num / " << d.sw << " : -((-num + " << d.sw - 1 << ") / " << d.sw << ")) + 1;\n}\n\n";
    variantText(h, k);
    if (d.wei_layout == CONVGEN_WEI_OWI16O) {
        h << "/* " << name << "'s weights, PyTorch's [oc][ic/g][kw], in its Owi16o layout [oc/16][kw][ic/g][16] (as\n"
          << " * convgen_conv1d_pack_weights writes them). Weights are constant: pack them once. */\n"
          << "static inline int " << name << "_pack_weights(const " << T << " *wei, " << T << " *packed) {\n"
          << "    if (!wei || !packed) return CONVGEN_ERROR_NULL_POINTER;\n"
          << "    convgen_pack_owi16o(" << d.oc << ", " << d.ic / d.g << ", " << d.kw << ", " << convgen_dtype_size(d.dtype)
          << ", wei, packed);\n"
          << "    return CONVGEN_OK;\n}\n\n";
    }
    h << "/* " << name << ": dst = " << toString(d.activation) << "(conv1d(src, wei)" << (d.bias ? " + bia" : "")
      << "), dense arrays in the layouts above" << (d.bias ? "" : "; bia is ignored and may be NULL") << ".\n";
    if (gpu)
        h << " * All four are CUDA device pointers (in the context Halide's CUDA runtime uses: see README,\n"
             " * 'CUDA'). Returns after the kernel finished (the stream is synchronized).\n";
    h << " * Returns CONVGEN_OK, CONVGEN_ERROR_NULL_POINTER, CONVGEN_ERROR_BAD_SIZE or CONVGEN_ERROR_KERNEL. */\n";
    h << "static inline int " << name << "(const " << T << " *src, const " << T << " *wei, const " << T << " *bia, "
      << T << " *dst, int64_t batch, int64_t length) {\n";
    h << "    if (!src || !wei || !dst" << (d.bias ? " || !bia" : "") << ") return CONVGEN_ERROR_NULL_POINTER;\n";
    h << "    if (batch < 1 || length < 1 || batch > INT32_MAX || length > INT32_MAX) return CONVGEN_ERROR_BAD_SIZE;\n";
    if (d.mb > 0) h << "    if (batch != " << d.mb << ") return CONVGEN_ERROR_BAD_SIZE;\n";
    if (d.iw > 0) h << "    if (length != " << d.iw << ") return CONVGEN_ERROR_BAD_SIZE;\n";
    if (d.padding_mode == CONVGEN_PAD_REFLECT)
        h << "    if (" << std::max(d.pw_l, d.pw_r) << " >= length) return CONVGEN_ERROR_BAD_SIZE;\n";
    if (d.padding_mode == CONVGEN_PAD_CIRCULAR)
        h << "    if (" << std::max(d.pw_l, d.pw_r) << " > length) return CONVGEN_ERROR_BAD_SIZE;\n";
    h << "    const int64_t ow = " << name << "_output_length(length);\n";
    h << "    if (ow < 1) return CONVGEN_ERROR_BAD_SIZE;\n";
    h << "    if (batch * " << std::max(d.ic, d.oc) << " * (length > ow ? length : ow) > INT32_MAX) return CONVGEN_ERROR_BAD_SIZE;\n";
    if (k.variants.size() > 1) h << "    convgen_install_isa_cap();\n";
    h << "    const int mb = (int)batch, iw = (int)length, w = (int)ow;\n";
    h << "    const struct halide_type_t type = " << halideTypeInit(d.dtype) << ";\n";
    auto dims = [&](const char *var, const std::string &inner, const std::string &middle, const std::string &outer) {
        h << "    struct halide_dimension_t " << var << "[3] = {{0, " << inner << ", 1, 0}, {0, " << middle << ", "
          << inner << ", 0}, {0, " << outer << ", (" << inner << ") * (" << middle << "), 0}};\n";
    };
    const std::string ic = std::to_string(d.ic), oc = std::to_string(d.oc);
    if (nwc) {
        dims("sd", ic, "iw", "mb");
        dims("dd", oc, "w", "mb");
    } else {
        dims("sd", "iw", ic, "mb");
        dims("dd", "w", oc, "mb");
    }
    const std::vector<int> w = weightShape(d);
    dims("wd", std::to_string(w[0]), std::to_string(w[1]), std::to_string(w[2]));
    h << "    struct halide_dimension_t bd[1] = {{0, " << d.oc << ", 1, 0}};\n";
    h << "    struct halide_buffer_t s, wt, b, o;\n"
      << "    memset(&s, 0, sizeof s); memset(&wt, 0, sizeof wt); memset(&b, 0, sizeof b); memset(&o, 0, sizeof o);\n"
      << "    s.type = type; s.dimensions = 3; s.dim = sd;\n"
      << "    wt.type = type; wt.dimensions = 3; wt.dim = wd;\n"
      << "    b.type = type; b.dimensions = 1; b.dim = bd;\n"
      << "    o.type = type; o.dimensions = 3; o.dim = dd;\n";
    const std::string args = std::string("&s, &wt, ") + (d.bias ? "&b, " : "") + "&o";
    if (!gpu) {
        h << "    s.host = (uint8_t *)src; wt.host = (uint8_t *)wei; b.host = (uint8_t *)bia; o.host = (uint8_t *)dst;\n"
          << "    (void)b; (void)bd;\n"
          << "    return " << buf << "(" << args << ") == 0 ? CONVGEN_OK : CONVGEN_ERROR_KERNEL;\n}\n\n";
    } else {
        h << "    /* Halide's CUDA runtime aborts when it cannot load the driver: refuse first. */\n"
          << "    if (!convgen_cuda_driver_loadable()) return CONVGEN_ERROR_KERNEL;\n"
          << "    /* Wrap the caller's device memory; nothing is copied. */\n"
          << "    int rc = halide_cuda_wrap_device_ptr(NULL, &s, (uint64_t)(uintptr_t)src);\n"
          << "    if (rc == 0) rc = halide_cuda_wrap_device_ptr(NULL, &wt, (uint64_t)(uintptr_t)wei);\n"
          << (d.bias ? "    if (rc == 0) rc = halide_cuda_wrap_device_ptr(NULL, &b, (uint64_t)(uintptr_t)bia);\n" : "")
          << "    if (rc == 0) rc = halide_cuda_wrap_device_ptr(NULL, &o, (uint64_t)(uintptr_t)dst);\n"
          << "    if (rc == 0) rc = " << buf << "(" << args << ");\n"
          << "    if (rc == 0) rc = halide_device_sync(NULL, &o);\n"
          << "    if (s.device) halide_cuda_detach_device_ptr(NULL, &s);\n"
          << "    if (wt.device) halide_cuda_detach_device_ptr(NULL, &wt);\n"
          << "    if (b.device) halide_cuda_detach_device_ptr(NULL, &b);\n"
          << "    if (o.device) halide_cuda_detach_device_ptr(NULL, &o);\n"
          << "    (void)bd;\n"
          << "    return rc == 0 ? CONVGEN_OK : CONVGEN_ERROR_KERNEL;\n}\n\n";
    }
    h << "static inline int " << name << "_erased(const void *src, const void *wei, const void *bia, void *dst, "
      << "int64_t batch, int64_t length) {\n"
      << "    return " << name << "((const " << T << " *)src, (const " << T << " *)wei, (const " << T << " *)bia, ("
      << T << " *)dst, batch, length);\n}\n\n";
    h << "/* The kernel as a registry record (convgen/registry.h). */\n";
    h << "static inline const convgen_kernel *" << name << "_kernel(void) {\n"
      << "    static const convgen_kernel k = {\"" << name << "\", \"" << problemString(d) << "\",\n"
      << "        {" << d.ic << ", " << d.oc << ", " << d.kw << ", " << d.sw << ", " << d.dw << ", " << d.pw_l << ", "
      << d.pw_r << ", " << d.g << ", " << d.mb << ", " << d.iw << ", " << enumName(d.padding_mode) << ", "
      << enumName(d.activation) << ", " << (nwc ? "CONVGEN_LAYOUT_NWC" : "CONVGEN_LAYOUT_NCW") << ", "
      << enumName(d.dtype) << ", " << d.bias << ", "
      << (d.wei_layout == CONVGEN_WEI_OWI16O ? "CONVGEN_WEI_OWI16O" : "CONVGEN_WEI_OIW") << "},\n"
      << "        " << name << "_erased};\n    return &k;\n}\n\n";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> supportHeaders() {
    return {
#include "EmbeddedHeaders.inc"
    };
}

std::string cHeaderText(const std::vector<KernelPlan> &kernels, const std::string &stem, const std::string &banner) {
    const bool gpu = !kernels.empty() && kernels.front().onGpu();
    const bool dispatch = !kernels.empty() && kernels.front().variants.size() > 1;
    std::string guard = "CONVGEN_GENERATED_" + stem + "_H";
    for (char &c : guard) c = std::isalnum((unsigned char)c) ? char(std::toupper((unsigned char)c)) : '_';
    std::ostringstream h;
    h << banner << "#ifndef " << guard << "\n#define " << guard << "\n\n"
      << "#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n\n"
      << "#include \"HalideRuntime.h\"\n" << (gpu ? "#include \"HalideRuntimeCuda.h\"\n" : "")
      << "#include \"convgen/conv1d.h\"\n#include \"convgen/status.h\"\n\n"
      << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n" << (dispatch ? kIsaCap : "") << (gpu ? kCudaDriver : "");
    for (const KernelPlan &k : kernels) kernelText(h, k);
    std::string macro = "CONVGEN_KERNELS_" + stem;
    for (char &c : macro) c = std::isalnum((unsigned char)c) ? char(std::toupper((unsigned char)c)) : '_';
    h << "/* X-macro over the kernels of this file: " << macro << "(X) expands X(name) for each. */\n#define " << macro
      << "(X)";
    for (const KernelPlan &k : kernels) h << " X(" << k.entry << ")";
    h << "\n\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
    return h.str();
}

}  // namespace convgen
