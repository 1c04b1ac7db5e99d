/* Naive conv1d reference: the definition of PyTorch nn.Conv1d written as loops, in double. */
#include "convgen/reference.h"

#include "convgen/half.h"
#include "convgen/status.h"

#include <math.h>

double convgen_load_as_double(convgen_dtype t, const void *p, int64_t i) {
    switch (t) {
    case CONVGEN_F16: return convgen_f16_to_f32(((const uint16_t *)p)[i]);
    case CONVGEN_BF16: return convgen_bf16_to_f32(((const uint16_t *)p)[i]);
    default: return ((const float *)p)[i];
    }
}

void convgen_store_from_double(convgen_dtype t, void *p, int64_t i, double v) {
    switch (t) {
    case CONVGEN_F16: ((uint16_t *)p)[i] = convgen_f32_to_f16((float)v); break;
    case CONVGEN_BF16: ((uint16_t *)p)[i] = convgen_f32_to_bf16((float)v); break;
    default: ((float *)p)[i] = (float)v; break;
    }
}

double convgen_error_bound(const convgen_conv1d_desc *d, double want, double magnitude) {
    const double f32 = 0x1.0p-24; /* unit roundoff of the accumulator */
    const double u = d->dtype == CONVGEN_F16 ? 0x1.0p-11 : d->dtype == CONVGEN_BF16 ? 0x1.0p-8 : f32;
    const double accumulations = (double)(d->ic / d->g * d->kw + 1);
    const double a = fabs(want);
    return 1.13 * (accumulations + 2) * f32 * magnitude + 32 * f32 * a + u * a + 1e-7 +
           (d->dtype == CONVGEN_F32 ? 0 : u * 1e-3);
}

double convgen_reference_activation(convgen_activation act, double x) {
    switch (act) {
    case CONVGEN_ACT_RELU: return x > 0 ? x : 0;
    case CONVGEN_ACT_SILU: return x / (1.0 + exp(-x));
    case CONVGEN_ACT_GELU: return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
    case CONVGEN_ACT_TANH: return tanh(x);
    case CONVGEN_ACT_SIGMOID: return 1.0 / (1.0 + exp(-x));
    default: return x;
    }
}

/* Maps a padded position p (may be outside [0, iw)) to an input index, or -1 for a zero. */
static int64_t source_index(convgen_padding_mode mode, int64_t p, int64_t iw) {
    if (p >= 0 && p < iw) return p;
    switch (mode) {
    case CONVGEN_PAD_REFLECT: return p < 0 ? -p : 2 * (iw - 1) - p;
    case CONVGEN_PAD_REPLICATE: return p < 0 ? 0 : iw - 1;
    case CONVGEN_PAD_CIRCULAR: return ((p % iw) + iw) % iw;
    default: return -1;
    }
}

int convgen_reference_conv1d(const convgen_conv1d_desc *d, int64_t mb, int64_t iw, const void *src, const void *wei,
                             const void *bia, double *dst, double *dst_mag) {
    if (!d || !src || !wei || !dst || (d->bias && !bia)) return CONVGEN_ERROR_NULL_POINTER;
    int status = convgen_conv1d_check_sizes(d, mb, iw, 0, 0);
    if (status != CONVGEN_OK) return status;
    const int64_t ow = convgen_conv1d_output_length(d, iw);
    const int64_t icg = d->ic / d->g, ocg = d->oc / d->g;
    const int nwc = d->layout == CONVGEN_LAYOUT_NWC;
    for (int64_t n = 0; n < mb; ++n) {
        for (int64_t oc = 0; oc < d->oc; ++oc) {
            const int64_t grp = oc / ocg;
            for (int64_t x = 0; x < ow; ++x) {
                double acc = d->bias ? convgen_load_as_double(d->dtype, bia, oc) : 0.0;
                double mag = fabs(acc);
                for (int64_t i = 0; i < icg; ++i) {
                    const int64_t ic = grp * icg + i;
                    for (int64_t k = 0; k < d->kw; ++k) {
                        const int64_t p = source_index(d->padding_mode, x * d->sw + k * d->dw - d->pw_l, iw);
                        if (p < 0) continue;
                        const int64_t si = nwc ? (n * iw + p) * d->ic + ic : (n * d->ic + ic) * iw + p;
                        const double prod = convgen_load_as_double(d->dtype, wei, (oc * icg + i) * d->kw + k) *
                                            convgen_load_as_double(d->dtype, src, si);
                        acc += prod;
                        mag += fabs(prod);
                    }
                }
                const int64_t di = nwc ? (n * ow + x) * d->oc + oc : (n * d->oc + oc) * ow + x;
                dst[di] = convgen_reference_activation(d->activation, acc);
                if (dst_mag) dst_mag[di] = mag;
            }
        }
    }
    return CONVGEN_OK;
}
