/* What the running CPU can execute, for choosing among generated kernel variants. */
#ifndef CONVGEN_CPU_H
#define CONVGEN_CPU_H

#ifdef __cplusplus
extern "C" {
#endif

/* Non-zero when the CPU has AVX2, FMA and F16C (the x86-64-avx2 variant's requirements). */
int convgen_cpu_has_avx2(void);

/* Non-zero when the CPU also has AVX-512 F, CD, BW, DQ and VL (the x86-64-avx512 variant's requirements). */
int convgen_cpu_has_avx512(void);

/* A short space-separated list of the ISA features convgen cares about, e.g. "sse4.1 avx avx2 fma f16c". */
const char *convgen_cpu_features(void);

#ifdef __cplusplus
}
#endif
#endif
