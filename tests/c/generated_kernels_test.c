/* Calls kernels generated at build time through their C headers, from C, and checks each one
 * against the reference: integer-valued inputs must match exactly; error paths return codes.
 * Built natively for the x86-64 libraries and with the aarch64 cross compiler for the arm64 ones
 * (run under qemu). test_kernels.h, written by tests/CMakeLists.txt, includes the generated headers
 * and defines CONVGEN_TEST_REGISTER_ALL(X) and CONVGEN_TEST_TARGET (the --target of generate). */
#include "test_kernels.h"

#include "expect.h"

#include "convgen/cpu.h"
#include "convgen/half.h"
#include "convgen/reference.h"
#include "convgen/registry.h"
#include "convgen/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reference work allowed per check (multiply-adds): keeps the run short under qemu. */
#define WORK_BUDGET 3000000.0

static unsigned long long g_state = 12345;
static int next_int(void) { /* integers in [-3, 3] */
    g_state = g_state * 6364136223846793005ull + 1442695040888963407ull;
    return (int)((g_state >> 33) % 7) - 3;
}

static void *filled(convgen_dtype t, int64_t count) {
    void *p = malloc((size_t)(count > 0 ? count : 1) * (size_t)convgen_dtype_size(t));
    for (int64_t i = 0; i < count; ++i) convgen_store_from_double(t, p, i, next_int());
    return p;
}

/* Runs k at (mb, iw) on integer data; every output must equal the reference rounded to the dtype. */
static void check_kernel(const convgen_kernel *k, int64_t mb, int64_t iw) {
    const convgen_conv1d_desc *d = &k->desc;
    const int64_t ow = convgen_conv1d_output_length(d, iw);
    void *src = filled(d->dtype, mb * d->ic * iw), *wei = filled(d->dtype, d->oc * (d->ic / d->g) * d->kw);
    void *bia = filled(d->dtype, d->oc);
    void *packed = malloc((size_t)(d->oc * (d->ic / d->g) * d->kw) * (size_t)convgen_dtype_size(d->dtype));
    EXPECT(convgen_conv1d_pack_weights(d, wei, packed) == CONVGEN_OK, "%s: weights not packed", k->name);
    const int64_t n = mb * d->oc * ow;
    void *dst = malloc((size_t)n * 4);
    double *want = malloc((size_t)n * sizeof(double));
    memset(dst, 0xA5, (size_t)n * 4);
    int rc = k->fn(src, packed, bia, dst, mb, iw);
    EXPECT(rc == CONVGEN_OK, "%s mb=%lld iw=%lld returned %d (%s)", k->name, (long long)mb, (long long)iw, rc,
           convgen_status_string(rc));
    convgen_reference_conv1d(d, mb, iw, src, wei, bia, want, NULL);
    int exact = d->activation == CONVGEN_ACT_NONE || d->activation == CONVGEN_ACT_RELU;
    int bad = 0;
    for (int64_t i = 0; i < n && rc == CONVGEN_OK; ++i) {
        double got = convgen_load_as_double(d->dtype, dst, i);
        unsigned char rounded[4];
        convgen_store_from_double(d->dtype, rounded, 0, want[i]);
        double w = convgen_load_as_double(d->dtype, rounded, 0);
        double tol = exact ? 0.0 : 1e-5 * (1.0 + (w < 0 ? -w : w)) + (d->dtype == CONVGEN_F32 ? 0 : 1e-2 * (1 + (w < 0 ? -w : w)));
        double err = got > w ? got - w : w - got;
        if (!(err <= tol)) {
            if (!bad) printf("  %s mb=%lld iw=%lld output %lld: got %.9g want %.9g\n", k->name, (long long)mb,
                             (long long)iw, (long long)i, got, w);
            ++bad;
        }
    }
    EXPECT(bad == 0, "%s mb=%lld iw=%lld: %d outputs differ from the reference", k->name, (long long)mb, (long long)iw,
           bad);
    free(src), free(wei), free(packed), free(bia), free(dst), free(want);
}

static void check_errors(const convgen_kernel *k) {
    const convgen_conv1d_desc *d = &k->desc;
    int64_t iw = convgen_conv1d_min_length(d);
    float buf[4096] = {0};
    EXPECT(k->fn(NULL, buf, buf, buf, 1, iw) == CONVGEN_ERROR_NULL_POINTER, "%s: NULL src accepted", k->name);
    EXPECT(k->fn(buf, NULL, buf, buf, 1, iw) == CONVGEN_ERROR_NULL_POINTER, "%s: NULL wei accepted", k->name);
    EXPECT(k->fn(buf, buf, buf, NULL, 1, iw) == CONVGEN_ERROR_NULL_POINTER, "%s: NULL dst accepted", k->name);
    EXPECT(k->fn(buf, buf, buf, buf, 0, iw) == CONVGEN_ERROR_BAD_SIZE, "%s: batch 0 accepted", k->name);
    EXPECT(k->fn(buf, buf, buf, buf, 1, 0) == CONVGEN_ERROR_BAD_SIZE, "%s: length 0 accepted", k->name);
    if (d->iw == 0) {
        int64_t shortest = iw - 1;
        if (shortest >= 1)
            EXPECT(k->fn(buf, buf, buf, buf, 1, shortest) == CONVGEN_ERROR_BAD_SIZE, "%s: length %lld accepted",
                   k->name, (long long)shortest);
    } else {
        EXPECT(k->fn(buf, buf, buf, buf, 1, d->iw + 1) == CONVGEN_ERROR_BAD_SIZE, "%s: wrong fixed length accepted",
               k->name);
    }
    if (d->mb > 0)
        EXPECT(k->fn(buf, buf, buf, buf, d->mb + 1, iw) == CONVGEN_ERROR_BAD_SIZE, "%s: wrong fixed batch accepted",
               k->name);
}

static double work(const convgen_conv1d_desc *d, int64_t mb, int64_t iw) {
    return (double)mb * (double)d->oc * (double)convgen_conv1d_output_length(d, iw) * (double)(d->ic / d->g) * (double)d->kw;
}

/* The variant the library should pick: x86-64 libraries built for x86-64-avx512 run the best of
 * AVX-512, AVX2 and SSE2 that the CPU has and CONVGEN_MAX_CPU_ISA allows. */
static const char *expected_variant(void) {
    const char *target = CONVGEN_TEST_TARGET;
    if (strcmp(target, "x86-64-avx512") != 0) return target;
    const char *cap = getenv("CONVGEN_MAX_CPU_ISA");
    const int capped_sse2 = cap && strcmp(cap, "x86-64") == 0, capped_avx2 = cap && strcmp(cap, "x86-64-avx2") == 0;
    if (!capped_sse2 && !capped_avx2 && convgen_cpu_has_avx512()) return "x86-64-avx512";
    if (!capped_sse2 && convgen_cpu_has_avx2()) return "x86-64-avx2";
    return "x86-64";
}

#define REGISTER(name)                                                                              \
    do {                                                                                             \
        convgen_registry_add(name##_kernel());                                                       \
        EXPECT(strcmp(name##_variant(), expected_variant()) == 0, "%s runs %s, want %s", #name,      \
               name##_variant(), expected_variant());                                                \
    } while (0);

int main(void) {
    printf("target %s, variant %s (CONVGEN_MAX_CPU_ISA=%s)\n", CONVGEN_TEST_TARGET, expected_variant(),
           getenv("CONVGEN_MAX_CPU_ISA") ? getenv("CONVGEN_MAX_CPU_ISA") : "");
    CONVGEN_TEST_REGISTER_ALL(REGISTER)
#define COUNT(name) +1
    const int kernels = 0 CONVGEN_TEST_REGISTER_ALL(COUNT);
    EXPECT(convgen_registry_count() == kernels, "registry holds %d kernels, want %d", convgen_registry_count(),
           kernels);
    EXPECT(convgen_registry_find("edge_big_pad") != NULL, "edge_big_pad not found");
    EXPECT(convgen_registry_find("no_such_kernel") == NULL, "found a kernel that does not exist");
    { /* The header's own packing writes what the runtime's does. */
        const convgen_conv1d_desc *d = &edge_blocked_long_kernel()->desc;
        const int64_t n = d->oc * (d->ic / d->g) * d->kw;
        float *w = malloc(sizeof(float) * (size_t)n), *mine = malloc(sizeof(float) * (size_t)n);
        float *runtime = malloc(sizeof(float) * (size_t)n);
        for (int64_t i = 0; i < n; ++i) w[i] = (float)i;
        EXPECT(edge_blocked_long_pack_weights(w, mine) == CONVGEN_OK && convgen_conv1d_pack_weights(d, w, runtime) == CONVGEN_OK &&
                   memcmp(mine, runtime, sizeof(float) * (size_t)n) == 0,
               "edge_blocked_long_pack_weights differs from convgen_conv1d_pack_weights");
        EXPECT(edge_blocked_long_pack_weights(NULL, mine) == CONVGEN_ERROR_NULL_POINTER, "NULL weights packed");
        free(w), free(mine), free(runtime);
    }

    for (int i = 0; i < convgen_registry_count(); ++i) {
        const convgen_kernel *k = convgen_registry_at(i);
        const convgen_conv1d_desc *d = &k->desc;
        int64_t minIw = convgen_conv1d_min_length(d);
        if (d->iw > 0) {
            check_kernel(k, d->mb > 0 ? d->mb : 2, d->iw);
        } else {
            /* 1000: past where short depthwise kernels read src directly (20 x kw^2 positions on) */
            int64_t lengths[] = {minIw, minIw + 1, minIw + 7, minIw + 24, minIw + 25, 133, 1000};
            for (int j = 0; j < 7; ++j) {
                int64_t mb = d->mb > 0 ? d->mb : (j == 5 ? 3 : 1), iw = lengths[j] < minIw ? minIw : lengths[j];
                if (j > 0 && work(d, mb, iw) > WORK_BUDGET) continue;  /* big layers: the short lengths */
                check_kernel(k, mb, iw);
            }
        }
        check_errors(k);
    }

    /* The tutorial's worked example through the generated header: input 1..6, weights 2, K=2. */
    float x[6] = {1, 2, 3, 4, 5, 6}, w[2] = {2, 2}, y[5];
    EXPECT(edge_tutorial_k2_output_length(6) == 5, "output length %lld", (long long)edge_tutorial_k2_output_length(6));
    EXPECT(edge_tutorial_k2(x, w, NULL, y, 1, 6) == CONVGEN_OK, "tutorial kernel failed");
    EXPECT(y[0] == 6 && y[1] == 10 && y[2] == 14 && y[3] == 18 && y[4] == 22, "tutorial: got %g %g %g %g %g", y[0],
           y[1], y[2], y[3], y[4]);

    return expect_summary();
}
