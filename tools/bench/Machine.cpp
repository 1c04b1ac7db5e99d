// Machine: AVX2 and AVX-512 FMA loops with independent accumulators, and the STREAM triad, per thread count.
#include "Machine.h"

#include <immintrin.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace convgen::bench {

namespace {

constexpr int kAccumulators = 12;  // > FMA latency x throughput (4 x 2 on Skylake-class cores)

__attribute__((target("avx2,fma"))) float fmaLoop(long iterations) {
    __m256 acc[kAccumulators];
    for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm256_set1_ps(float(i) * 1e-3f);
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (long it = 0; it < iterations; ++it)
        for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    __m256 sum = acc[0];
    for (int i = 1; i < kAccumulators; ++i) sum = _mm256_add_ps(sum, acc[i]);
    float out[8];
    _mm256_storeu_ps(out, sum);
    return out[0];
}

__attribute__((target("avx512f"))) float fmaLoop512(long iterations) {
    __m512 acc[kAccumulators];
    for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm512_set1_ps(float(i) * 1e-3f);
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (long it = 0; it < iterations; ++it)
        for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    __m512 sum = acc[0];
    for (int i = 1; i < kAccumulators; ++i) sum = _mm512_add_ps(sum, acc[i]);
    return _mm512_reduce_add_ps(sum);
}

template <typename F>
double parallelSeconds(int threads, F body) {
    std::vector<std::thread> pool;
    const auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t) pool.emplace_back([&, t] { body(t); });
    for (auto &th : pool) th.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <typename Loop>
double fmaPeak(int threads, int lanes, Loop loop) {
    const long iterations = 20'000'000 * 8 / lanes;
    std::vector<double> rates;
    volatile float sink = 0;
    for (int run = 0; run < 5; ++run) {
        const double s = parallelSeconds(threads, [&](int) { sink = sink + loop(iterations); });
        rates.push_back(2.0 * lanes * kAccumulators * double(iterations) * threads / s * 1e-9);
    }
    return *std::max_element(rates.begin(), rates.end());
}

// The L3 size the kernel reports for CPU 0 (sysfs, e.g. "32768K"), else glibc's: on a 2-vCPU EPYC
// VM glibc's sysconf said 320 MiB where the kernel and lscpu said 32 MiB.
long l3CacheBytes() {
    for (int index = 0; index < 8; ++index) {
        const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
        std::ifstream level(dir + "level"), size(dir + "size");
        int l = 0;
        long value = 0;
        std::string unit;
        if (!(level >> l) || l != 3 || !(size >> value) || value <= 0) continue;
        size >> unit;
        return value * (unit == "K" ? 1024L : unit == "M" ? 1024L * 1024 : 1L);
    }
    return sysconf(_SC_LEVEL3_CACHE_SIZE);
}

}  // namespace

double triadGbps(int threads, size_t totalBytes) {
    const size_t n = totalBytes / 3 / sizeof(float) / size_t(threads);
    std::vector<std::vector<float>> a(threads, std::vector<float>(n, 1.f)), b = a, c = a;
    const int reps = std::max<int>(1, int((1u << 30) / totalBytes));
    std::vector<double> rates;
    for (int run = 0; run < 7; ++run) {
        const double s = parallelSeconds(threads, [&](int t) {
            float *x = a[t].data();
            const float *y = b[t].data(), *z = c[t].data();
            for (int r = 0; r < reps; ++r) {
                for (size_t i = 0; i < n; ++i) x[i] = y[i] + 0.5f * z[i];
                asm volatile("" ::: "memory");
            }
        });
        rates.push_back(double(3 * sizeof(float) * n) * threads * reps / s * 1e-9);
    }
    return *std::max_element(rates.begin(), rates.end());
}

Ceilings measureCeilings(int threads, bool avx512) {
    Ceilings c;
    c.peakAvx2Gflops = fmaPeak(threads, 8, fmaLoop);
    c.peakGflops = avx512 ? fmaPeak(threads, 16, fmaLoop512) : c.peakAvx2Gflops;
    const long l3 = l3CacheBytes(), l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
    c.l3Bytes = l3 > 0 ? double(l3) : 16e6;
    // The L3 triad's arrays: 4 times what the threads' L2 caches hold (each thread's share must miss
    // its own L2: a fixed 4 MiB fit the two 2 MiB L2s at 2 threads here and measured 61-95 GB/s
    // against 23-25 at 1 thread), at least 4 MiB, at most half the L3.
    const size_t l2Total = size_t(l2 > 0 ? l2 : 1 << 20) * size_t(threads);
    c.l3TriadBytes = std::min(std::max(size_t(4) << 20, 4 * l2Total), size_t(c.l3Bytes / 2));
    c.l3Gbps = triadGbps(threads, c.l3TriadBytes);
    c.dramGbps = triadGbps(threads, size_t(384) << 20);
    return c;
}

}  // namespace convgen::bench
