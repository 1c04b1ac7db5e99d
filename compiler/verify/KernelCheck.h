// KernelCheck: runs a kernel and the naive reference on the same data and compares them.
#pragma once

#include "compiler/schedule/ScheduleParams.h"
#include "convgen/conv1d.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace convgen {

// A kernel under test: same contract as a generated C entry point, on type-erased arrays.
using KernelFn = std::function<int(const void *src, const void *wei, const void *bia, void *dst, int64_t mb,
                                   int64_t iw, std::string *error)>;

enum class Fill {
    Random,   // uniform in [-1, 1], rounded to the dtype: compared within an accumulation-length bound
    Integer,  // integers in [-3, 3]: f32 accumulation is exact, so linear kernels must match exactly
};

// The data of one check: inputs in the kernel's dtype and the reference output (double).
struct CheckCase {
    int64_t mb = 1, iw = 1, ow = 1;
    Fill fill = Fill::Random;
    std::vector<uint8_t> src, wei, bia;  // wei as the reference reads it: [oc][ic/g][kw]
    std::vector<uint8_t> packedWei;       // wei in the kernel's Owi16o layout (empty for oiw)
    std::vector<double> want, magnitude;  // reference output and sum |w*x| + |b| per output
    // The weights as the kernel reads them (desc.wei_layout).
    const uint8_t *kernelWei() const { return packedWei.empty() ? wei.data() : packedWei.data(); }
};

// Fills inputs (seeded, deterministic), packs the weights for the kernel and computes the reference.
CheckCase makeCase(const convgen_conv1d_desc &d, int64_t mb, int64_t iw, Fill fill, uint64_t seed);

struct CheckResult {
    bool pass = true;
    int status = 0;         // the kernel's return code
    double maxAbs = 0;      // max |got - want|
    double maxRel = 0;      // max |got - want| / (sum |w*x| + |b|): error relative to the accumulation
    int64_t checked = 0;    // outputs compared
    std::string failure;    // first failing output: `mb=0 oc=17 ow=203: got .. want .. (tol ..)`
};

// Runs `kernel` on c and compares with c.want: exactly for integer fills of linear kernels (after
// rounding the reference to the dtype), else within the accumulation-length bound.
CheckResult checkCase(const convgen_conv1d_desc &d, const CheckCase &c, const KernelFn &kernel);

// Output positions per register tile of a schedule, times the tiles a task takes (what checkSizes
// straddles).
int outputTile(const convgen_conv1d_desc &d, const ScheduleParams &p);

// (batch, length) pairs that exercise a kernel: the shortest valid length, output lengths around
// `tile` (below, equal, one past, two tiles plus a tail) and a longer run, and where a schedule
// changes code at an input length (`switchLength`, ScheduleParams::directFrom) the lengths just
// below, at and a tile plus a tail past it; the fixed sizes when the spec fixes them. Batches of 1
// and 3; where a schedule tiles several batch rows (`batchRows`, ScheduleParams::batchRows) also of
// that many rows at every length and twice that many at one.
std::vector<std::pair<int64_t, int64_t>> checkSizes(const convgen_conv1d_desc &d, int tile, int switchLength = 0,
                                                    int batchRows = 0);

// wei ([oc][ic/g][kw], PyTorch's order) in d's weight layout, as the kernel reads it; empty for oiw
// weights, which the kernel reads as they are.
std::vector<uint8_t> packedWeights(const convgen_conv1d_desc &d, const std::vector<uint8_t> &wei);

// Median seconds of packing c's weights into d's layout (done once, outside the kernel's time); 0
// for oiw weights, which are not packed.
double packingSeconds(const convgen_conv1d_desc &d, const CheckCase &c);

// Merges b into a (worst errors, first failure).
void accumulate(CheckResult &a, const CheckResult &b);

}  // namespace convgen
