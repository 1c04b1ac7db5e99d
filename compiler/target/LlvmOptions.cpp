// LlvmOptions: the options convgen gives the LLVM inside Halide.
#include "LlvmOptions.h"

#include <cstdlib>

namespace convgen {

// LLVM's machine scheduler (before register allocation) off: instructions keep the order Halide
// emits them in. In depthwise_ncw's unrolled tiles (8 vectors x 31 taps for conformer_dw) that order
// is tap by tap, 8 independent FMAs per tap; the scheduler regrouped them to shorten the live ranges
// of input vectors shared by taps 8 apart, into runs of up to 8 dependent FMAs on one accumulator
// (each waits the 4-cycle FMA latency). Paired processes, this EPYC (Zen 4), 1 thread: conformer_dw
// 1.16 on AVX2 (61 -> 70 GFLOP/s) and 1.23 on AVX-512 (66 -> 81), 1.04-1.17 at 2 threads;
// convtasnet_dw 1.05-1.17, mamba_causal_dw 0.97-1.04; the dense suite layers 0.97-1.05 (noise) on
// both. Turning off only its register-pressure heuristic gave conformer_dw 1.13-1.16 and
// convtasnet_dw 0.96-1.00. Not measured on arm64 or CUDA (ptxas schedules PTX again).
const char *llvmOptions() { return "-enable-misched=false"; }

void useLlvmOptions() {
    static const bool set = (setenv("HL_LLVM_ARGS", llvmOptions(), 0), true);
    (void)set;
}

}  // namespace convgen
