// OneDnnPeer: oneDNN 2.x convolution_forward (direct algorithm) in three forms: plain ncw, format `any`,
// and 2-D of height 1 with format `any`.
#include "OneDnnPeer.h"

#include "compiler/verify/Timing.h"

#ifdef CONVGEN_HAVE_DNNL
#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace convgen::bench {

const char *OneDnnPeer::name(Form f) {
    switch (f) {
    case kPlain: return "oneDNN-ncw";
    case kAny: return "oneDNN-any";
    case kAny2d: return "oneDNN-2d";
    }
    return "oneDNN";
}

#ifdef CONVGEN_HAVE_DNNL

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// One form: the primitive, the memories it runs on, and the plain (ncw or nchw) views of the
// caller's data that the `any` forms reorder from and to.
struct FormState {
    std::string why;  // empty when built
    dnnl::convolution_forward conv;
    memory src, wei, dst, srcPlain, weiPlain, dstPlain;
};

class Peer final : public OneDnnPeer {
public:
    Peer(const convgen_conv1d_desc &d, int64_t mb, int64_t iw, const float *src, const float *wei, const float *bia)
        : eng_(dnnl::engine::kind::cpu, 0), strm_(eng_) {
        if (d.bias) bia_ = memory({{d.oc}, dt::f32, tag::x}, eng_, const_cast<float *>(bia));
        for (Form f : kForms) {
            try {
                build(d, mb, iw, src, wei, f);
            } catch (const dnnl::error &e) {
                forms_[f] = FormState();
                forms_[f].why = std::string("oneDNN refused the layer: ") + e.what();
            }
        }
    }

    bool anyAvailable() const {
        for (const FormState &s : forms_)
            if (s.why.empty()) return true;
        return false;
    }

    bool available(Form f, std::string *why) const override {
        if (why) *why = forms_[f].why;
        return forms_[f].why.empty();
    }

    void run(Form f) override {
        FormState &s = forms_[f];
        std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, s.src}, {DNNL_ARG_WEIGHTS, s.wei}, {DNNL_ARG_DST, s.dst}};
        if (bia_) args[DNNL_ARG_BIAS] = bia_;
        s.conv.execute(strm_, args);
        strm_.wait();
    }

    std::vector<float> output(Form f) override {
        FormState &s = forms_[f];
        if (f != kPlain) reorder(s.dst, s.dstPlain);
        const float *p = static_cast<const float *>(s.dstPlain.get_data_handle());
        return std::vector<float>(p, p + s.dstPlain.get_desc().get_size() / sizeof(float));
    }

    Reorders reorders(Form f) override {
        FormState &s = forms_[f];
        Reorders r;
        if (f == kPlain) return r;
        auto ms = [&](memory &from, memory &to) {
            dnnl::reorder r(from, to);  // made once: only its execution is timed
            return 1e3 * medianSeconds([&] { r.execute(strm_, from, to), strm_.wait(); }, 0.02, 3, 50);
        };
        r.srcMs = ms(s.srcPlain, s.src);
        r.dstMs = ms(s.dst, s.dstPlain);
        r.weiMs = ms(s.weiPlain, s.wei);
        return r;
    }

private:
    void reorder(const memory &from, const memory &to) {
        dnnl::reorder(from, to).execute(strm_, const_cast<memory &>(from), const_cast<memory &>(to));
        strm_.wait();
    }

    void build(const convgen_conv1d_desc &d, int64_t mb, int64_t iw, const float *src, const float *wei, Form f) {
        const int64_t ow = convgen_conv1d_output_length(&d, iw);
        const bool twoD = f == kAny2d;
        // 2-D: a height of 1 before the width, a kernel of height 1, no stride, dilation or padding
        // along it. The plain memory is the same bytes as ncw and oiw.
        auto dims = [&](memory::dims widthLast, int64_t width) {
            if (twoD) widthLast.push_back(1);
            widthLast.push_back(width);
            return widthLast;
        };
        const memory::dims srcDims = dims({mb, d.ic}, iw), dstDims = dims({mb, d.oc}, ow);
        const memory::dims weiDims =
            d.g == 1 ? dims({d.oc, d.ic}, d.kw) : dims({d.g, d.oc / d.g, d.ic / d.g}, d.kw);
        const tag dataTag = twoD ? tag::nchw : tag::ncw;
        const tag weiTag = d.g == 1 ? (twoD ? tag::oihw : tag::oiw) : (twoD ? tag::goihw : tag::goiw);
        memory::dims strides = {d.sw}, dilates = {d.dw - 1}, padL = {d.pw_l}, padR = {d.pw_r};
        if (twoD) {
            strides.insert(strides.begin(), 1), dilates.insert(dilates.begin(), 0);
            padL.insert(padL.begin(), 0), padR.insert(padR.begin(), 0);
        }
        FormState s;
        s.srcPlain = memory({srcDims, dt::f32, dataTag}, eng_, const_cast<float *>(src));
        s.weiPlain = memory({weiDims, dt::f32, weiTag}, eng_, const_cast<float *>(wei));
        s.dstPlain = memory({dstDims, dt::f32, dataTag}, eng_);
        const bool plain = f == kPlain;
        const memory::desc srcMd = plain ? s.srcPlain.get_desc() : memory::desc(srcDims, dt::f32, tag::any);
        const memory::desc weiMd = plain ? s.weiPlain.get_desc() : memory::desc(weiDims, dt::f32, tag::any);
        const memory::desc dstMd = plain ? s.dstPlain.get_desc() : memory::desc(dstDims, dt::f32, tag::any);
        const auto prop = dnnl::prop_kind::forward_inference;
        const auto algo = dnnl::algorithm::convolution_direct;
        auto desc = d.bias ? dnnl::convolution_forward::desc(prop, algo, srcMd, weiMd, bia_.get_desc(), dstMd,
                                                             strides, dilates, padL, padR)
                           : dnnl::convolution_forward::desc(prop, algo, srcMd, weiMd, dstMd, strides, dilates, padL,
                                                             padR);
        const dnnl::convolution_forward::primitive_desc pd(desc, eng_);
        s.conv = dnnl::convolution_forward(pd);
        if (plain) {
            s.src = s.srcPlain, s.wei = s.weiPlain, s.dst = s.dstPlain;
        } else {
            s.src = memory(pd.src_desc(), eng_), s.wei = memory(pd.weights_desc(), eng_);
            s.dst = memory(pd.dst_desc(), eng_);
            reorder(s.srcPlain, s.src);
            reorder(s.weiPlain, s.wei);
        }
        forms_[f] = std::move(s);
    }

    dnnl::engine eng_;
    dnnl::stream strm_;
    memory bia_;
    FormState forms_[3];
};

}  // namespace

std::unique_ptr<OneDnnPeer> OneDnnPeer::create(const convgen_conv1d_desc &d, int64_t mb, int64_t iw, const float *src,
                                               const float *wei, const float *bia, std::string *why) {
    try {
        auto peer = std::make_unique<Peer>(d, mb, iw, src, wei, bia);
        if (peer->anyAvailable()) return peer;
        peer->available(kPlain, why);
    } catch (const dnnl::error &e) {
        *why = std::string("oneDNN failed: ") + e.what();
    }
    return nullptr;
}

#else

std::unique_ptr<OneDnnPeer> OneDnnPeer::create(const convgen_conv1d_desc &, int64_t, int64_t, const float *,
                                               const float *, const float *, std::string *why) {
    *why = "oneDNN not installed (libdnnl-dev) when convgen-bench was built";
    return nullptr;
}

#endif

}  // namespace convgen::bench
