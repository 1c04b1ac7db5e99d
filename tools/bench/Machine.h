// Machine ceilings for the benchmark: measured f32 FMA peak and triad bandwidth.
#pragma once

namespace convgen::bench {

struct Ceilings {
    double peakGflops = 0;    // f32 FMA, all threads
    double l3Gbps = 0;        // triad over an L3-sized working set (3 arrays, 4 MiB in all)
    double dramGbps = 0;      // triad over 384 MiB
    double l3Bytes = 0;       // the last-level cache size the OS reports
};

// Measures with `threads` threads (median of several runs each).
Ceilings measureCeilings(int threads);

}  // namespace convgen::bench
