/* The conv1d problem descriptor shared by the compiler, the runtime and generated code. */
#ifndef CONVGEN_CONV1D_H
#define CONVGEN_CONV1D_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { CONVGEN_PAD_ZEROS = 0, CONVGEN_PAD_REFLECT, CONVGEN_PAD_REPLICATE, CONVGEN_PAD_CIRCULAR } convgen_padding_mode;
typedef enum { CONVGEN_ACT_NONE = 0, CONVGEN_ACT_RELU, CONVGEN_ACT_SILU, CONVGEN_ACT_GELU, CONVGEN_ACT_TANH, CONVGEN_ACT_SIGMOID } convgen_activation;
typedef enum { CONVGEN_LAYOUT_NCW = 0, CONVGEN_LAYOUT_NWC } convgen_layout;
typedef enum { CONVGEN_F32 = 0, CONVGEN_F16, CONVGEN_BF16 } convgen_dtype;
/* How a kernel reads wei. OIW: [oc][ic/g][kw] (PyTorch's). OWI16O (oneDNN's Owi16o): blocks of
 * CONVGEN_WEI_BLOCK output channels, [oc/16][kw][ic/g][16]; needs out_channels per group a multiple
 * of 16. Weights are constant in inference: convgen_conv1d_pack_weights makes them once, and kernels
 * that read output channels as vectors load them with no copy per call. */
typedef enum { CONVGEN_WEI_OIW = 0, CONVGEN_WEI_OWI16O } convgen_weight_layout;
#define CONVGEN_WEI_BLOCK 16

/* The OWI16O permutation of oc x icg x kw elements of elem bytes (4 or 2; oc a multiple of 16):
 * element (o, i, k) of [oc][icg][kw] goes to ((o / 16 * kw + k) * icg + i) * 16 + o % 16. 16 rows
 * of wei are read front to back at a time and 16 elements written together. What
 * convgen_conv1d_pack_weights and each generated NAME_pack_weights do. */
static inline void convgen_pack_owi16o(int64_t oc, int64_t icg, int64_t kw, int elem, const void *wei, void *packed) {
    const int64_t per_oc = icg * kw;
    for (int64_t ob = 0; ob < oc / CONVGEN_WEI_BLOCK; ++ob)
        for (int64_t i = 0; i < icg; ++i)
            for (int64_t k = 0; k < kw; ++k) {
                const int64_t to = ((ob * kw + k) * icg + i) * CONVGEN_WEI_BLOCK;
                const int64_t from = ob * CONVGEN_WEI_BLOCK * per_oc + i * kw + k;
                for (int64_t oi = 0; oi < CONVGEN_WEI_BLOCK; ++oi) {
                    if (elem == 4) ((uint32_t *)packed)[to + oi] = ((const uint32_t *)wei)[from + oi * per_oc];
                    else ((uint16_t *)packed)[to + oi] = ((const uint16_t *)wei)[from + oi * per_oc];
                }
            }
}

/* PyTorch nn.Conv1d semantics. src is [mb, ic, iw] (ncw) or [mb, iw, ic] (nwc); wei is [oc, ic/g,
 * kw] or, with wei_layout OWI16O, packed (see convgen_weight_layout); bia is [oc]; dst is [mb, oc,
 * ow] or [mb, ow, oc]. */
typedef struct {
    int64_t ic, oc, kw;
    int64_t sw, dw;          /* stride, dilation (PyTorch's: 1 means dense) */
    int64_t pw_l, pw_r;      /* padding on the left and right of the length axis */
    int64_t g;               /* groups */
    int64_t mb, iw;          /* fixed batch / input length; 0 means given at run time */
    convgen_padding_mode padding_mode;
    convgen_activation activation;
    convgen_layout layout;
    convgen_dtype dtype;
    int bias;                /* non-zero: add bia[oc] before the activation */
    convgen_weight_layout wei_layout;
} convgen_conv1d_desc;

/* Type-erased entry point of a generated kernel: element pointers of the kernel's dtype. */
typedef int (*convgen_kernel_fn)(const void *src, const void *wei, const void *bia, void *dst, int64_t mb, int64_t iw);

/* A generated kernel as the registry and tests see it. */
typedef struct {
    const char *name;
    const char *problem;      /* canonical problem string, e.g. f32_mb1ic80oc512iw3000kw3sw1pw1dw1g1 */
    convgen_conv1d_desc desc;
    convgen_kernel_fn fn;
} convgen_kernel;

/* Output length for input length iw: floor((iw + pw_l + pw_r - dw*(kw-1) - 1) / sw) + 1.
 * Returns a value < 1 when the padded input is shorter than the dilated kernel. */
int64_t convgen_conv1d_output_length(const convgen_conv1d_desc *d, int64_t iw);

/* CONVGEN_OK when (mb, iw) is a valid call of a kernel with descriptor d (fixed sizes match,
 * output length >= 1, reflect padding < iw, circular padding <= iw); else CONVGEN_ERROR_BAD_SIZE
 * with a message written to msg (if msg != NULL and msg_size > 0). */
int convgen_conv1d_check_sizes(const convgen_conv1d_desc *d, int64_t mb, int64_t iw, char *msg, int msg_size);

/* Smallest input length that check_sizes accepts. */
int64_t convgen_conv1d_min_length(const convgen_conv1d_desc *d);

/* Writes the weights wei, [oc][ic/g][kw] (PyTorch's order), in d's wei_layout to packed (the same
 * number of elements of d's dtype; for OIW a copy). Returns CONVGEN_OK, CONVGEN_ERROR_NULL_POINTER
 * or CONVGEN_ERROR_BAD_SIZE (OWI16O with out_channels per group not a multiple of 16). */
int convgen_conv1d_pack_weights(const convgen_conv1d_desc *d, const void *wei, void *packed);

/* Bytes per element of a dtype (4 or 2). */
int convgen_dtype_size(convgen_dtype t);

#ifdef __cplusplus
}
#endif
#endif
