// Machine ceilings for the benchmark: measured f32 FMA peak and triad bandwidth.
#pragma once

#include <cstddef>

namespace convgen::bench {

struct Ceilings {
    double peakGflops = 0;    // f32 FMA, all threads, with the widest vectors measured (AVX-512 or AVX2)
    double peakAvx2Gflops = 0;  // f32 FMA with AVX2 vectors
    double l3Gbps = 0;        // triad over an L3-sized working set (3 arrays, l3TriadBytes in all)
    size_t l3TriadBytes = 0;  // 4 x the threads' L2 caches, 4 MiB to half the L3
    double dramGbps = 0;      // triad over 384 MiB
    double l3Bytes = 0;       // the L3 size the kernel reports (sysfs), else glibc's sysconf
};

// Measures with `threads` threads (the best of several runs each, as STREAM reports: load from
// other processes only lowers a rate; the median once put a 2-thread peak at 164 GFLOP/s, half the
// machine's, and layers at 149 % of it); the AVX-512 peak only when `avx512`.
Ceilings measureCeilings(int threads, bool avx512);

// The STREAM triad over three arrays of totalBytes in all, split among `threads` threads (GB/s; the
// best of several runs).
double triadGbps(int threads, size_t totalBytes);

}  // namespace convgen::bench
