// KernelCheck: data fills, the reference and the error bounds every generated kernel is held to.
#include "KernelCheck.h"

#include "Timing.h"
#include "compiler/schedule/Candidates.h"
#include "convgen/reference.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace convgen {

namespace {

uint64_t splitmix(uint64_t &s) {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::vector<uint8_t> fill(convgen_dtype t, int64_t count, Fill kind, uint64_t &state) {
    std::vector<uint8_t> bytes(size_t(count * convgen_dtype_size(t)));
    for (int64_t i = 0; i < count; ++i) {
        const uint64_t r = splitmix(state);
        const double v = kind == Fill::Integer ? double(int64_t(r % 7) - 3) : double(r >> 11) * 0x1.0p-52 - 1.0;
        convgen_store_from_double(t, bytes.data(), i, v);
    }
    return bytes;
}

bool linear(convgen_activation a) { return a == CONVGEN_ACT_NONE || a == CONVGEN_ACT_RELU; }

}  // namespace

CheckCase makeCase(const convgen_conv1d_desc &d, int64_t mb, int64_t iw, Fill kind, uint64_t seed) {
    CheckCase c;
    c.mb = mb;
    c.iw = iw;
    c.ow = convgen_conv1d_output_length(&d, iw);
    c.fill = kind;
    uint64_t state = seed * 0x2545f4914f6cdd1dull + uint64_t(mb * 131 + iw);
    c.src = fill(d.dtype, mb * d.ic * iw, kind, state);
    c.wei = fill(d.dtype, d.oc * (d.ic / d.g) * d.kw, kind, state);
    c.bia = fill(d.dtype, d.oc, kind, state);
    c.packedWei = packedWeights(d, c.wei);
    const size_t n = size_t(mb * d.oc * std::max<int64_t>(c.ow, 0));
    c.want.resize(n);
    c.magnitude.resize(n);
    convgen_reference_conv1d(&d, mb, iw, c.src.data(), c.wei.data(), c.bia.data(), c.want.data(), c.magnitude.data());
    return c;
}

CheckResult checkCase(const convgen_conv1d_desc &d, const CheckCase &c, const KernelFn &kernel) {
    CheckResult r;
    const size_t n = c.want.size();
    // Canary-filled output: an element the kernel forgot to write cannot pass by accident.
    std::vector<uint8_t> dst(n * size_t(convgen_dtype_size(d.dtype)), 0xA5);
    std::string error;
    r.status = kernel(c.src.data(), c.kernelWei(), c.bia.data(), dst.data(), c.mb, c.iw, &error);
    if (r.status != 0) {
        r.pass = false;
        r.failure = "kernel returned " + std::to_string(r.status) + ": " + error;
        return r;
    }
    const bool exact = c.fill == Fill::Integer && linear(d.activation);
    const bool nwc = d.layout == CONVGEN_LAYOUT_NWC;
    for (size_t i = 0; i < n; ++i) {
        const double got = convgen_load_as_double(d.dtype, dst.data(), int64_t(i));
        double want = c.want[i], tol = 0;
        if (exact) {
            std::vector<uint8_t> rounded(4);
            convgen_store_from_double(d.dtype, rounded.data(), 0, want);
            want = convgen_load_as_double(d.dtype, rounded.data(), 0);
        } else {
            tol = convgen_error_bound(&d, want, c.magnitude[i]);
        }
        const double err = std::fabs(got - want);
        const bool ok = exact ? got == want : err <= tol;  // NaN fails both
        r.maxAbs = std::max(r.maxAbs, err);
        r.maxRel = std::max(r.maxRel, err / (c.magnitude[i] + 1e-30));
        ++r.checked;
        if (!ok && r.pass) {
            r.pass = false;
            const int64_t oc = d.oc, ow = c.ow;
            const int64_t nIdx = int64_t(i) / (oc * ow);
            const int64_t rest = int64_t(i) % (oc * ow);
            const int64_t o = nwc ? rest % oc : rest / ow, x = nwc ? rest / oc : rest % ow;
            std::ostringstream os;
            os.precision(9);
            os << "mb=" << nIdx << " oc=" << o << " ow=" << x << ": got " << got << " want " << want
               << (exact ? " (exact)" : " (tol ") << (exact ? "" : std::to_string(tol) + ")") << " [mb=" << c.mb
               << " iw=" << c.iw << (c.fill == Fill::Integer ? " integer" : " random") << " fill]";
            r.failure = os.str();
        }
    }
    if (std::isnan(r.maxAbs)) r.pass = false;
    return r;
}

int outputTile(const convgen_conv1d_desc &d, const ScheduleParams &p) {
    if (d.layout == CONVGEN_LAYOUT_NWC) return p.owBlock;
    const ScheduleCandidate *c = findCandidate(p.candidate);
    return (c && c->packsWeights ? 1 : p.vector) * p.owBlock * p.owTiles;  // packsWeights: owBlock counts positions
}

std::vector<std::pair<int64_t, int64_t>> checkSizes(const convgen_conv1d_desc &d, int tile, int switchLength,
                                                    int batchRows) {
    const int64_t minIw = convgen_conv1d_min_length(&d);
    const int64_t span = d.dw * (d.kw - 1) + 1;
    auto lengthFor = [&](int64_t ow) {  // shortest input giving at least `ow` outputs
        return std::max(minIw, (ow - 1) * d.sw + span - d.pw_l - d.pw_r);
    };
    std::vector<int64_t> lengths;
    if (d.iw > 0) {
        lengths = {d.iw};
    } else {
        std::set<int64_t> set = {minIw, minIw + 1};
        for (int64_t ow : {int64_t(tile) - 1, int64_t(tile), int64_t(tile) + 1, 2 * int64_t(tile) + 3, int64_t(97)})
            if (ow >= 1) set.insert(lengthFor(ow));
        if (switchLength > 0)
            for (int64_t iw : {int64_t(switchLength) - 1, int64_t(switchLength), int64_t(switchLength) + tile + 3})
                set.insert(std::max(minIw, iw));
        lengths.assign(set.begin(), set.end());
    }
    std::vector<std::pair<int64_t, int64_t>> sizes;
    for (int64_t iw : lengths) sizes.push_back({d.mb > 0 ? d.mb : 1, iw});
    if (d.mb <= 0) sizes.push_back({3, lengths.back()});
    if (d.mb <= 0 && batchRows > 1) {
        for (int64_t iw : lengths) sizes.push_back({batchRows, iw});
        sizes.push_back({2 * batchRows, lengths[lengths.size() / 2]});
    }
    return sizes;
}

std::vector<uint8_t> packedWeights(const convgen_conv1d_desc &d, const std::vector<uint8_t> &wei) {
    if (d.wei_layout == CONVGEN_WEI_OIW) return {};
    std::vector<uint8_t> packed(wei.size());
    convgen_conv1d_pack_weights(&d, wei.data(), packed.data());  // the spec checked its layout
    return packed;
}

double packingSeconds(const convgen_conv1d_desc &d, const CheckCase &c) {
    if (d.wei_layout == CONVGEN_WEI_OIW) return 0;
    std::vector<uint8_t> packed(c.wei.size());
    return medianSeconds([&] { convgen_conv1d_pack_weights(&d, c.wei.data(), packed.data()); }, 0.0, 3, 3);
}

void accumulate(CheckResult &a, const CheckResult &b) {
    a.maxAbs = std::max(a.maxAbs, b.maxAbs);
    a.maxRel = std::max(a.maxRel, b.maxRel);
    a.checked += b.checked;
    if (a.pass && !b.pass) {
        a.pass = false;
        a.status = b.status;
        a.failure = b.failure;
    }
}

}  // namespace convgen
