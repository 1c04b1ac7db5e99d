/* Calls every kernel of kernels.yaml from C and checks it against convgen's reference. */
#include "kernels.h"

#include <convgen/reference.h>
#include <convgen/status.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int passed, failed;

static void check(const convgen_kernel *k, int64_t batch, int64_t length) {
    const convgen_conv1d_desc *d = &k->desc;
    const int64_t ow = convgen_conv1d_output_length(d, length);
    const int64_t nsrc = batch * d->ic * length, nwei = d->oc * (d->ic / d->g) * d->kw, ndst = batch * d->oc * ow;
    float *src = malloc(sizeof(float) * (size_t)nsrc), *wei = malloc(sizeof(float) * (size_t)nwei);
    float *bia = malloc(sizeof(float) * (size_t)d->oc), *dst = malloc(sizeof(float) * (size_t)ndst);
    double *want = malloc(sizeof(double) * (size_t)ndst);
    for (int64_t i = 0; i < nsrc; ++i) src[i] = (float)((i * 7 + 3) % 9 - 4);
    for (int64_t i = 0; i < nwei; ++i) wei[i] = (float)((i * 5 + 1) % 7 - 3);
    for (int64_t i = 0; i < d->oc; ++i) bia[i] = (float)(i % 3 - 1);
    /* Kernels read the weights in their spec's weight_layout: PyTorch's order packed once (a copy
     * for the default, oiw). */
    float *packed = malloc(sizeof(float) * (size_t)nwei);
    int rc = convgen_conv1d_pack_weights(d, wei, packed);
    if (rc == CONVGEN_OK) rc = k->fn(src, packed, bia, dst, batch, length);
    convgen_reference_conv1d(d, batch, length, src, wei, bia, want, NULL);
    double worst = 0;
    for (int64_t i = 0; i < ndst && rc == CONVGEN_OK; ++i) {
        double err = fabs(dst[i] - want[i]) / (1.0 + fabs(want[i]));
        if (err > worst) worst = err;
    }
    const int ok = rc == CONVGEN_OK && worst < 1e-5;
    printf("%-12s batch %lld length %5lld: %s (rc %d, max rel error %.2g)\n", k->name, (long long)batch,
           (long long)length, ok ? "ok" : "WRONG", rc, worst);
    ok ? ++passed : ++failed;
    free(src), free(wei), free(packed), free(bia), free(dst), free(want);
}

#define CHECK(name)                   \
    check(name##_kernel(), 1, 1000);  \
    check(name##_kernel(), 3, 37);

int main(void) {
    CONVGEN_KERNELS_KERNELS(CHECK)
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
