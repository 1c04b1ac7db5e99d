// CudaSchedules: one GPU thread per output (or per few outputs), reductions in registers.
#include "Candidates.h"

namespace convgen {

using namespace Halide;

namespace {

// 32 consecutive outputs along the contiguous dimension per warp keep loads and stores coalesced;
// 8 rows of the other dimension make 256-thread blocks.
constexpr int kWarp = 32;
constexpr int kRows = 8;

std::string directRefuses(const convgen_conv1d_desc &) { return ""; }

ScheduleParams directDefaults(const convgen_conv1d_desc &, const TargetVariant &t) {
    ScheduleParams p;
    p.candidate = "cuda_direct";
    p.vector = t.vectorLanesF32;  // threads along the contiguous dimension
    p.owBlock = 1;
    p.ocBlock = kRows;            // threads along the other dimension
    return p;
}

void directApply(Conv1dFuncs &f, const ScheduleParams &p) {
    Var bi("bi"), bo("bo"), ti("ti"), to("to");
    const bool nwc = f.desc.layout == CONVGEN_LAYOUT_NWC;
    Var inner = nwc ? f.o : f.x, outer = nwc ? f.x : f.o;  // inner is contiguous in memory
    f.dst.split(inner, bi, ti, p.vector, TailStrategy::GuardWithIf)
        .split(outer, bo, to, p.ocBlock, TailStrategy::GuardWithIf)
        .reorder(ti, to, bi, bo, f.n)
        .gpu_threads(ti, to)
        .gpu_blocks(bi, bo, f.n);
    f.acc.compute_at(f.dst, ti);
    f.acc.update().reorder(f.r.y, f.r.x);
    if (f.desc.kw <= 8) f.acc.update().unroll(f.r.y);
}

}  // namespace

const std::vector<ScheduleCandidate> &cudaCandidates() {
    static const std::vector<ScheduleCandidate> list = {
        {"cuda_direct", directRefuses, directDefaults, directApply},
    };
    return list;
}

}  // namespace convgen
