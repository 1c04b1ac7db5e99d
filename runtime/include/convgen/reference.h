/* The naive conv1d against which every generated kernel is checked (accumulates in double). */
#ifndef CONVGEN_REFERENCE_H
#define CONVGEN_REFERENCE_H

#include "convgen/conv1d.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Computes dst = act(conv1d(src, wei) + bia) in double precision, for every option of d.
 * src/wei/bia hold elements of d->dtype (float or 16-bit words) in the layouts of conv1d.h;
 * bia may be NULL when d->bias is 0. dst receives mb*oc*ow doubles in d->layout.
 * If dst_mag is not NULL it receives, per output, sum |wei*src| + |bia| (before the activation):
 * the magnitude that bounds the rounding error of an accumulation in lower precision.
 * Returns CONVGEN_OK, or a negative status (bad sizes, NULL pointers). */
int convgen_reference_conv1d(const convgen_conv1d_desc *d, int64_t mb, int64_t iw, const void *src, const void *wei,
                             const void *bia, double *dst, double *dst_mag);

/* How far a kernel's output may be from the reference value `want` whose accumulation magnitude
 * (dst_mag above) is `magnitude`: f32 accumulation over ic/g*kw + 1 terms (Higham's gamma_n with
 * FMA slack) through an activation whose slope is at most 1.13 (gelu), the activation's own
 * few-ulp error, and rounding to d->dtype. Shared by every checker (verify, tests, gpu_check). */
double convgen_error_bound(const convgen_conv1d_desc *d, double want, double magnitude);

/* The activation of d applied to x, in double. */
double convgen_reference_activation(convgen_activation act, double x);

/* Element i of a buffer of dtype t, as double. */
double convgen_load_as_double(convgen_dtype t, const void *p, int64_t i);

/* Stores v into element i of a buffer of dtype t (rounded to nearest even). */
void convgen_store_from_double(convgen_dtype t, void *p, int64_t i, double v);

#ifdef __cplusplus
}
#endif
#endif
