// Machine ceilings for the benchmark: measured f32 FMA peak and triad bandwidth.
#pragma once

namespace convgen::bench {

struct Ceilings {
    double peakGflops = 0;    // f32 FMA, all threads, with the widest vectors measured (AVX-512 or AVX2)
    double peakAvx2Gflops = 0;  // f32 FMA with AVX2 vectors
    double l3Gbps = 0;        // triad over an L3-sized working set (3 arrays, 4 MiB in all)
    double dramGbps = 0;      // triad over 384 MiB
    double l3Bytes = 0;       // the last-level cache size the OS reports
};

// Measures with `threads` threads (median of several runs each); the AVX-512 peak only when `avx512`.
Ceilings measureCeilings(int threads, bool avx512);

}  // namespace convgen::bench
