/* CPU feature query (x86-64 through the compiler's cpuid builtins; other ISAs report none). */
#include "convgen/cpu.h"

int convgen_cpu_has_avx2(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx");
#else
    return 0;
#endif
}

int convgen_cpu_has_avx512(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return convgen_cpu_has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

const char *convgen_cpu_features(void) {
#if defined(__x86_64__) || defined(__i386__)
    static char buf[128];
    static const char *names[] = {"sse4.1", "avx", "avx2", "fma", "avx512f"};
    __builtin_cpu_init();
    int supported[5] = {__builtin_cpu_supports("sse4.1"), __builtin_cpu_supports("avx"), __builtin_cpu_supports("avx2"),
                        __builtin_cpu_supports("fma"), __builtin_cpu_supports("avx512f")};
    char *p = buf;
    for (int i = 0; i < 5; ++i) {
        if (!supported[i]) continue;
        for (const char *s = names[i]; *s; ++s) *p++ = *s;
        *p++ = ' ';
    }
    if (p > buf) --p;
    *p = 0;
    return buf;
#else
    return "";
#endif
}
