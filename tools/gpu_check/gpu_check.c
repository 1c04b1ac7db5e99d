/* Runs every CUDA kernel of the bundle on the GPU: checks it against the reference (double, on the
 * CPU) on random inputs, then times it (median of repeated calls, each synchronized).
 * usage: gpu_check [RESULTS.jsonl]   (built by tools/gpu_check.sh prepare; see its --help)
 * gpu_kernels.h, written by gpu_check.sh, includes the generated *_cuda.h headers and defines
 * GPU_REGISTER_ALL(X). Device memory comes from Halide's CUDA runtime (no CUDA runtime library). */
#include "gpu_kernels.h"

#include "convgen/reference.h"
#include "convgen/registry.h"
#include "convgen/status.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_LENGTH 3000 /* input length for kernels whose length is dynamic (specs/) */

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A device copy of `bytes` bytes of host memory, through a 1-D byte buffer of Halide's runtime. */
typedef struct {
    struct halide_buffer_t buf;
    struct halide_dimension_t dim;
} device_array;

static int device_alloc(device_array *a, void *host, int64_t bytes, int upload) {
    memset(a, 0, sizeof *a);
    a->dim.extent = (int32_t)bytes;
    a->dim.stride = 1;
    a->buf.host = (uint8_t *)host;
    a->buf.type.code = halide_type_uint;
    a->buf.type.bits = 8;
    a->buf.type.lanes = 1;
    a->buf.dimensions = 1;
    a->buf.dim = &a->dim;
    int rc = halide_device_malloc(NULL, &a->buf, halide_cuda_device_interface());
    if (rc == 0 && upload) {
        a->buf.flags |= halide_buffer_flag_host_dirty;
        rc = halide_copy_to_device(NULL, &a->buf, halide_cuda_device_interface());
    }
    return rc;
}

static void *device_ptr(device_array *a) { return (void *)halide_cuda_get_device_ptr(NULL, &a->buf); }

static double next_uniform(unsigned long long *state) {
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*state >> 11) * 0x1.0p-53 * 2.0 - 1.0;
}

#define REGISTER(name) convgen_registry_add(name##_kernel());

/* One kernel's inputs and reference output, prepared on the CPU (in parallel: the reference is the
 * slow part of a run). */
typedef struct {
    int64_t mb, iw, ow, nsrc, nwei, ndst;
    void *src, *wei, *bia;
    void *packed;  /* wei in the kernel's weight layout */
    double *want, *mag;
} prepared;

static prepared *g_prep;
static int g_next;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static void prepare(int i) {
    const convgen_conv1d_desc *d = &convgen_registry_at(i)->desc;
    prepared *p = &g_prep[i];
    p->mb = d->mb > 0 ? d->mb : 1;
    p->iw = d->iw > 0 ? d->iw : DEFAULT_LENGTH;
    if (p->iw < convgen_conv1d_min_length(d)) p->iw = convgen_conv1d_min_length(d);
    p->ow = convgen_conv1d_output_length(d, p->iw);
    const int64_t es = convgen_dtype_size(d->dtype);
    p->nsrc = p->mb * d->ic * p->iw, p->nwei = d->oc * (d->ic / d->g) * d->kw, p->ndst = p->mb * d->oc * p->ow;
    p->src = malloc((size_t)(p->nsrc * es)), p->wei = malloc((size_t)(p->nwei * es)), p->bia = malloc((size_t)(d->oc * es));
    p->want = malloc((size_t)p->ndst * sizeof(double)), p->mag = malloc((size_t)p->ndst * sizeof(double));
    unsigned long long state = 20261126ull + (unsigned long long)i * 7919ull;
    for (int64_t j = 0; j < p->nsrc; ++j) convgen_store_from_double(d->dtype, p->src, j, next_uniform(&state));
    for (int64_t j = 0; j < p->nwei; ++j) convgen_store_from_double(d->dtype, p->wei, j, next_uniform(&state));
    for (int64_t j = 0; j < d->oc; ++j) convgen_store_from_double(d->dtype, p->bia, j, next_uniform(&state));
    convgen_reference_conv1d(d, p->mb, p->iw, p->src, p->wei, p->bia, p->want, p->mag);
    p->packed = malloc((size_t)(p->nwei * es));
    convgen_conv1d_pack_weights(d, p->wei, p->packed);
}

static void *worker(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&g_lock);
        const int i = g_next++;
        pthread_mutex_unlock(&g_lock);
        if (i >= convgen_registry_count()) return NULL;
        prepare(i);
    }
}

int main(int argc, char **argv) {
    GPU_REGISTER_ALL(REGISTER)
    if (!convgen_cuda_driver_loadable()) {
        fprintf(stderr, "gpu_check: the CUDA driver (libcuda.so.1) cannot be loaded: no GPU to check on\n");
        return 2;
    }
    FILE *json = argc > 1 ? fopen(argv[1], "w") : NULL;
    int failed = 0, passed = 0;
    g_prep = calloc((size_t)convgen_registry_count(), sizeof *g_prep);
    pthread_t threads[16];
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const int nthreads = cores < 1 ? 1 : cores > 16 ? 16 : (int)cores;
    for (int t = 0; t < nthreads; ++t) pthread_create(&threads[t], NULL, worker, NULL);
    for (int t = 0; t < nthreads; ++t) pthread_join(threads[t], NULL);
    printf("%-28s %-44s %9s %9s %9s %10s  %s\n", "kernel", "problem", "ms", "TFLOP/s", "GB/s", "max_rel", "result");
    for (int i = 0; i < convgen_registry_count(); ++i) {
        const convgen_kernel *k = convgen_registry_at(i);
        const convgen_conv1d_desc *d = &k->desc;
        prepared *p = &g_prep[i];
        const int64_t mb = p->mb, iw = p->iw, es = convgen_dtype_size(d->dtype);
        const int64_t nsrc = p->nsrc, nwei = p->nwei, ndst = p->ndst;
        void *src = p->src, *wei = p->wei, *bia = p->bia, *dst = malloc((size_t)(ndst * es));
        double *want = p->want, *mag = p->mag;

        device_array ds, dwt, db, dd;
        int rc = device_alloc(&ds, src, nsrc * es, 1);
        if (rc == 0) rc = device_alloc(&dwt, p->packed, nwei * es, 1);
        if (rc == 0) rc = device_alloc(&db, bia, d->oc * es, 1);
        if (rc == 0) rc = device_alloc(&dd, dst, ndst * es, 0);
        if (rc == 0) rc = k->fn(device_ptr(&ds), device_ptr(&dwt), device_ptr(&db), device_ptr(&dd), mb, iw);
        if (rc == 0) {
            dd.buf.flags |= halide_buffer_flag_device_dirty;
            rc = halide_copy_to_host(NULL, &dd.buf);
        }
        double max_rel = 0;
        int ok = rc == 0;
        for (int64_t j = 0; j < ndst && rc == 0; ++j) {
            const double got = convgen_load_as_double(d->dtype, dst, j), w = want[j];
            const double tol = convgen_error_bound(d, w, mag[j]);
            const double err = fabs(got - w);
            if (!(err <= tol)) ok = 0;
            if (err / (mag[j] + 1e-30) > max_rel) max_rel = err / (mag[j] + 1e-30);
        }
        double median = 0;
        if (ok) {
            double times[1000];
            int runs = 0;
            for (int w = 0; w < 3; ++w) k->fn(device_ptr(&ds), device_ptr(&dwt), device_ptr(&db), device_ptr(&dd), mb, iw);
            const double start = now();
            while (runs < 1000 && (runs < 10 || now() - start < 0.25)) {
                const double t0 = now();
                k->fn(device_ptr(&ds), device_ptr(&dwt), device_ptr(&db), device_ptr(&dd), mb, iw);
                times[runs++] = now() - t0;
            }
            qsort(times, (size_t)runs, sizeof times[0], cmp);
            median = times[runs / 2];
        }
        const double flops = 2.0 * (double)ndst * (double)(d->ic / d->g * d->kw);
        const double bytes = (double)((nsrc + nwei + ndst) * es);
        printf("%-28s %-44s %9.4f %9.3f %9.1f %10.2e  %s%s\n", k->name, k->problem, median * 1e3,
               ok ? flops / median * 1e-12 : 0.0, ok ? bytes / median * 1e-9 : 0.0, max_rel, ok ? "PASS" : "FAIL",
               rc ? " (kernel or copy returned an error)" : "");
        fflush(stdout);
        if (json)
            fprintf(json,
                    "{\"kernel\": \"%s\", \"problem\": \"%s\", \"ok\": %d, \"ms\": %.6f, \"flops\": %.0f, \"bytes\": %.0f, "
                    "\"mb\": %lld, \"iw\": %lld, \"ic\": %lld, \"oc\": %lld, \"kw\": %lld, \"sw\": %lld, \"dw\": %lld, "
                    "\"pw_l\": %lld, \"pw_r\": %lld, \"g\": %lld, \"bias\": %d, \"padding_mode\": %d, \"activation\": %d, "
                    "\"layout\": %d, \"dtype\": %d}\n",
                    k->name, k->problem, ok, median * 1e3, flops, bytes, (long long)mb, (long long)iw, (long long)d->ic,
                    (long long)d->oc, (long long)d->kw, (long long)d->sw, (long long)d->dw, (long long)d->pw_l,
                    (long long)d->pw_r, (long long)d->g, d->bias, (int)d->padding_mode, (int)d->activation,
                    (int)d->layout, (int)d->dtype);
        ok ? ++passed : ++failed;
        halide_device_free(NULL, &ds.buf), halide_device_free(NULL, &dwt.buf), halide_device_free(NULL, &db.buf);
        halide_device_free(NULL, &dd.buf);
        free(src), free(wei), free(p->packed), free(bia), free(dst), free(want), free(mag);
    }
    if (json) fclose(json);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
