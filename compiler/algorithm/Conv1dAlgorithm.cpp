// Conv1dAlgorithm: the single definition of conv1d from which every target's kernel is scheduled.
#include "Conv1dAlgorithm.h"

#include <algorithm>

namespace convgen {

using namespace Halide;

namespace {

Expr activate(convgen_activation act, Expr v) {
    switch (act) {
    case CONVGEN_ACT_RELU: return max(v, 0.0f);
    case CONVGEN_ACT_SILU: return v / (1.0f + exp(-v));
    case CONVGEN_ACT_GELU: return 0.5f * v * (1.0f + erf(v * 0.70710678118654752f));
    case CONVGEN_ACT_TANH: return tanh(v);
    case CONVGEN_ACT_SIGMOID: return 1.0f / (1.0f + exp(-v));
    default: return v;
    }
}

// Applies the padding mode along the length axis only (dimension 0 of the logical source).
Func pad(const Func &source, convgen_padding_mode mode, Expr iw) {
    Region bounds = {{0, iw}, {Expr(), Expr()}, {Expr(), Expr()}};
    switch (mode) {
    case CONVGEN_PAD_REFLECT: return BoundaryConditions::mirror_interior(source, bounds);
    case CONVGEN_PAD_REPLICATE: return BoundaryConditions::repeat_edge(source, bounds);
    case CONVGEN_PAD_CIRCULAR: return BoundaryConditions::repeat_image(source, bounds);
    default: return BoundaryConditions::constant_exterior(source, 0, bounds);
    }
}

// bfloat16 travels as its raw 16 bits and is converted here, exactly (round to nearest even, NaN
// kept quiet), like the runtime's convgen_f32_to_bf16: Halide's own bf16 casts abort LLVM's NVPTX
// backend, and on x86 they are emulated with the same integer operations anyway.
Expr toF32(convgen_dtype t, Expr e) {
    if (t == CONVGEN_BF16) return reinterpret(Float(32), cast(UInt(32), e) << 16);
    return cast<float>(e);
}

Expr fromF32(convgen_dtype t, Expr v) {
    if (t != CONVGEN_BF16) return cast(halideType(t), v);
    Expr u = reinterpret(UInt(32), v);
    Expr rounded = (u + (cast(UInt(32), 0x7fff) + ((u >> 16) & 1))) >> 16;
    Expr nan = (u & 0x7fffffff) > cast(UInt(32), 0x7f800000);
    return cast(UInt(16), select(nan, (u >> 16) | 0x40, rounded));
}

}  // namespace

Type halideType(convgen_dtype t) {
    switch (t) {
    case CONVGEN_F16: return Float(16);
    case CONVGEN_BF16: return UInt(16);  // raw bits, see toF32
    default: return Float(32);
    }
}

std::vector<int> weightShape(const convgen_conv1d_desc &d) {
    const int icg = int(d.ic / d.g);
    if (d.wei_layout == CONVGEN_WEI_OWI16O) return {CONVGEN_WEI_BLOCK, icg, int(d.oc) / CONVGEN_WEI_BLOCK * int(d.kw)};
    return {int(d.kw), icg, int(d.oc)};
}

Conv1dFuncs defineConv1d(const convgen_conv1d_desc &d, const std::string &name, const AlgorithmOptions &options) {
    Conv1dFuncs f;
    f.desc = d;
    f.options = options;
    const int weightBlock = f.options.weightBlock = std::max(1, options.weightBlock);
    const Type t = halideType(d.dtype);
    const bool nwc = d.layout == CONVGEN_LAYOUT_NWC;
    const int lenDim = nwc ? 1 : 0, chDim = nwc ? 0 : 1;
    const int icg = int(d.ic / d.g), ocg = int(d.oc / d.g);
    Var x = f.x, o = f.o, n = f.n, p("p"), c("c"), k("k"), i("i");

    f.src = ImageParam(t, 3, name + "_src");
    f.wei = ImageParam(t, 3, name + "_wei");
    if (d.bias) f.bia = ImageParam(t, 1, name + "_bia");

    // Shapes: everything but batch and length is fixed by the spec.
    f.iw = f.src.dim(lenDim).extent();
    f.src.dim(lenDim).set_min(0);
    f.src.dim(chDim).set_bounds(0, int(d.ic));
    f.src.dim(2).set_min(0);
    if (d.iw > 0) f.src.dim(lenDim).set_extent(int(d.iw));
    if (d.mb > 0) f.src.dim(2).set_extent(int(d.mb));
    f.batch = f.src.dim(2).extent();
    const bool blockedWeights = d.wei_layout == CONVGEN_WEI_OWI16O;
    const std::vector<int> weiShape = weightShape(d);
    f.wei.dim(0).set_bounds(0, weiShape[0]).dim(1).set_bounds(0, weiShape[1]).set_stride(weiShape[0]);
    f.wei.dim(2).set_bounds(0, weiShape[2]).set_stride(weiShape[0] * weiShape[1]);
    if (d.bias) f.bia.dim(0).set_bounds(0, int(d.oc));
    // PyTorch's output length, floor((iw + pads - dw*(kw-1) - 1) / sw) + 1 (Halide's / floors).
    f.ow = (f.iw + int(d.pw_l + d.pw_r - d.dw * (d.kw - 1) - 1)) / int(d.sw) + 1;

    Func source(name + "_source");
    source(p, c, n) = nwc ? f.src(c, p, n) : f.src(p, c, n);
    Func padded = pad(source, d.padding_mode, f.iw);
    f.input = Func(name + "_input");
    f.input(p, c, n) = toF32(d.dtype, padded(p, c, n));
    f.weights = Func(name + "_weights");
    f.weights(k, i, o) = toF32(d.dtype, blockedWeights ? f.wei(o % CONVGEN_WEI_BLOCK, i, o / CONVGEN_WEI_BLOCK * int(d.kw) + k)
                                                       : f.wei(k, i, o));

    f.r = RDom(0, icg, 0, int(d.kw), name + "_r");
    if (options.tapTile > 0 && d.padding_mode == CONVGEN_PAD_ZEROS) {
        // The tile's first and last outputs (the row's last where the tile runs past it) read input
        // positions first and first + (last - start) * sw at tap r.y: outside [0, iw) for every output
        // of the tile, the tap adds zeros. Halide trims the tap loop to the taps left (the condition
        // is the same for every lane of a tile's vectors).
        const int tile = options.tapTile;
        Expr start = (x / tile) * tile, last = min(start + tile - 1, f.ow - 1);
        Expr first = start * int(d.sw) + f.r.y * int(d.dw) - int(d.pw_l);
        f.r.where(first < f.iw);
        f.r.where(first + (last - start) * int(d.sw) >= 0);
    }
    // Tap k reads padded position x*sw + q with q = k*dw - pw_l; with q = qs*sw + ph (floor division)
    // that is stride phase ph at index x + qs.
    Expr q = k * int(d.dw) - int(d.pw_l);
    f.taps = Func(name + "_taps");
    if (d.sw == 1 && options.directFrom > 0) {
        f.staged = Func(name + "_staged");
        f.staged(p, c, n) = f.input(p, c, n);
        f.taps(x, k, c, n) = select(f.directCondition(), f.input(x + q, c, n), f.staged(x + q, c, n));
    } else if (d.sw == 1) {
        f.staged = f.input;
        f.taps(x, k, c, n) = f.staged(x + q, c, n);
    } else {
        Var j("j"), ph("ph");
        f.staged = Func(name + "_phased");
        f.staged(j, ph, c, n) = f.input(j * int(d.sw) + ph, c, n);
        f.taps(x, k, c, n) = f.staged(x + q / int(d.sw), q % int(d.sw), c, n);
    }
    if (weightBlock > 1 && !blockedWeights) {
        // Blocks of weightBlock output channels, each block's (tap, input channel) vectors contiguous;
        // the last block repeats channel oc - 1 where oc is not a multiple.
        Var oi("oi"), ob("ob");
        f.packedWeights = Func(name + "_packed_weights");
        f.packedWeights(oi, k, i, ob) = f.weights(k, i, min(ob * weightBlock + oi, int(d.oc) - 1));
    }
    // acc's update definitions: one over r, reading taps; or, reading src directly (directFrom), one
    // per range of taps that can read padding at the same ends of the input (tap k at the left where
    // k * dw < pw_l, at the right where k * dw > dw * (kw - 1) - pw_r), in tap order. A range that
    // reads neither end reads src with no boundary (in bounds for outputs in [0, ow): directTile),
    // one end (zero padding) a one-sided select, so Halide's loop partitioning leaves a row's edge
    // vectors only the selects of the taps that reach past that edge (measured: CpuSchedules.cpp,
    // after kDepthwiseDirectPerEdge). Halide's bounds checks on src still stop a schedule that reads
    // past a row.
    std::vector<std::pair<RDom, Func>> updates = {{f.r, f.taps}};
    if (d.sw == 1 && options.directFrom > 0 && options.tapTile == 0) {
        const int kw = int(d.kw), dw = int(d.dw);
        // Taps [0, left) can read left padding, taps [right, kw) right padding.
        const int left = std::min(kw, int((d.pw_l + dw - 1) / dw));
        const int clearOfRight = dw * (kw - 1) - int(d.pw_r);  // the furthest reach that never reads it
        const int right = clearOfRight >= 0 ? clearOfRight / dw + 1 : 0;
        const Expr pos = x + q;
        auto read = [&](Expr at) { return toF32(d.dtype, source(at, c, n)); };
        const bool zeros = d.padding_mode == CONVGEN_PAD_ZEROS;
        const int cuts[] = {0, std::min(left, right), std::max(left, right), kw};
        updates.clear();
        for (int i = 0; i < 3; ++i) {
            if (cuts[i] == cuts[i + 1]) continue;
            const bool atLeft = cuts[i] < left, atRight = cuts[i] >= right;
            Expr value = f.input(pos, c, n);  // both ends, or one end of a padding mode other than zeros
            if (!atLeft && !atRight) value = read(pos);
            else if (zeros && !atRight) value = select(pos >= 0, read(max(pos, 0)), 0.0f);
            else if (zeros && !atLeft) value = select(pos < f.iw, read(min(pos, f.iw - 1)), 0.0f);
            const std::string suffix = std::to_string(updates.size());
            Func taps(name + "_taps_" + suffix);
            taps(x, k, c, n) = select(f.directCondition(), value, f.staged(pos, c, n));
            updates.push_back({RDom(0, icg, cuts[i], cuts[i + 1] - cuts[i], name + "_r" + suffix), taps});
        }
    }
    for (const auto &u : updates) f.accDomains.push_back(u.first);
    auto accumulator = [&](const std::string &accName) {
        Func a(name + accName);
        a(x, o, n) = d.bias ? toF32(d.dtype, f.bia(o)) : 0.0f;
        for (const auto &[r, taps] : updates) {
            Expr w = f.weights(r.y, r.x, o);
            if (weightBlock > 1 && !blockedWeights) w = f.packedWeights(o % weightBlock, r.y, r.x, o / weightBlock);
            a(x, o, n) += w * taps(x, r.y, d.g == 1 ? r.x : (o / ocg) * icg + r.x, n);
        }
        return a;
    };
    f.acc = accumulator("_acc");
    Expr sum = f.acc(x, o, n);
    if (options.batchRows > 1) {
        const Expr rows = f.batchRowsCondition();
        if (Internal::is_const_one(rows)) {
            f.rowsAcc = f.acc;
        } else if (!Internal::is_const_zero(rows)) {
            f.rowsAcc = accumulator("_rows_acc");
            sum = select(rows, f.rowsAcc(x, o, n), sum);
        }
    }

    Expr value = fromF32(d.dtype, activate(d.activation, sum));
    f.dst = Func(name + "_dst");
    if (nwc) f.dst(o, x, n) = value;
    else f.dst(x, o, n) = value;

    OutputImageParam out = f.dst.output_buffer();
    out.dim(lenDim).set_bounds(0, f.ow);
    out.dim(chDim).set_bounds(0, int(d.oc));
    out.dim(2).set_bounds(0, f.batch);
    return f;
}

int Conv1dFuncs::stagedExtent(int outputs) const {
    const int sw = int(desc.sw), first = -int(desc.pw_l), last = int(desc.dw * (desc.kw - 1)) - int(desc.pw_l);
    auto floorDiv = [](int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
    return outputs + (sw == 1 ? last - first : floorDiv(last, sw) - floorDiv(first, sw));
}

Expr Conv1dFuncs::batchRowsCondition() const {
    const int rows = options.batchRows;
    // Positions per row that tiles of `size` compute; fixed lengths give constants.
    const Expr rowOw = desc.iw > 0 ? Expr(int(convgen_conv1d_output_length(&desc, desc.iw))) : ow;
    auto computed = [&](int size) { return simplify((rowOw + size - 1) / size * size); };
    const Expr plain = computed(options.plainTile), fewer = plain - computed(options.rowsTile);
    const Expr wholeRows = (desc.mb > 0 ? Expr(int(desc.mb)) : batch) % rows == 0;
    return simplify(wholeRows && fewer * 8 >= plain);
}

Expr Conv1dFuncs::directCondition() const {
    return iw >= options.directFrom && ow >= std::max(1, options.directTile);
}

Pipeline Conv1dFuncs::pipeline() const {
    Pipeline p(dst);
    const convgen_conv1d_desc &d = desc;
    p.add_requirement(ow >= 1, "conv1d: input length ", iw, " plus padding (", int(d.pw_l), " + ", int(d.pw_r),
                      ") is shorter than the dilated kernel (", int(d.dw * (d.kw - 1) + 1), ")");
    if (d.padding_mode == CONVGEN_PAD_REFLECT)
        p.add_requirement(int(std::max(d.pw_l, d.pw_r)) < iw, "conv1d: reflect padding must be smaller than length ",
                          iw);
    if (d.padding_mode == CONVGEN_PAD_CIRCULAR)
        p.add_requirement(int(std::max(d.pw_l, d.pw_r)) <= iw, "conv1d: circular padding must not exceed length ",
                          iw);
    return p;
}

std::vector<Argument> Conv1dFuncs::arguments() const {
    std::vector<Argument> args = {src, wei};
    if (desc.bias) args.push_back(bia);
    return args;
}

}  // namespace convgen
