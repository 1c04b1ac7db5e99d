// OneDnnPeer: oneDNN 2.x convolution_forward (direct algorithm), plain ncw and format `any`.
#include "OneDnnPeer.h"

#ifdef CONVGEN_HAVE_DNNL
#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace convgen::bench {

#ifdef CONVGEN_HAVE_DNNL

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

class Peer final : public OneDnnPeer {
public:
    Peer(const convgen_conv1d_desc &d, int64_t mb, int64_t iw, const float *src, const float *wei, const float *bia)
        : eng_(dnnl::engine::kind::cpu, 0), strm_(eng_) {
        const int64_t ow = convgen_conv1d_output_length(&d, iw);
        const memory::dims srcDims = {mb, d.ic, iw}, dstDims = {mb, d.oc, ow}, biaDims = {d.oc};
        const memory::dims weiDims = d.g == 1 ? memory::dims{d.oc, d.ic, d.kw}
                                              : memory::dims{d.g, d.oc / d.g, d.ic / d.g, d.kw};
        const tag weiTag = d.g == 1 ? tag::oiw : tag::goiw;
        const memory::dims strides = {d.sw}, dilates = {d.dw - 1}, padL = {d.pw_l}, padR = {d.pw_r};
        memory::desc biaMd(biaDims, dt::f32, tag::x);
        srcPlain_ = memory({srcDims, dt::f32, tag::ncw}, eng_, const_cast<float *>(src));
        weiPlain_ = memory({weiDims, dt::f32, weiTag}, eng_, const_cast<float *>(wei));
        bia_ = d.bias ? memory(biaMd, eng_, const_cast<float *>(bia)) : memory();
        dstPlain_ = memory({dstDims, dt::f32, tag::ncw}, eng_);
        auto make = [&](const memory::desc &s, const memory::desc &w, const memory::desc &o) {
            auto desc = d.bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                                 dnnl::algorithm::convolution_direct, s, w, biaMd, o,
                                                                 strides, dilates, padL, padR)
                               : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                                 dnnl::algorithm::convolution_direct, s, w, o, strides,
                                                                 dilates, padL, padR);
            return dnnl::convolution_forward::primitive_desc(desc, eng_);
        };
        plainPd_ = make(srcPlain_.get_desc(), weiPlain_.get_desc(), dstPlain_.get_desc());
        plain_ = dnnl::convolution_forward(plainPd_);
        anyPd_ = make(memory::desc(srcDims, dt::f32, tag::any), memory::desc(weiDims, dt::f32, tag::any),
                      memory::desc(dstDims, dt::f32, tag::any));
        any_ = dnnl::convolution_forward(anyPd_);
        srcAny_ = memory(anyPd_.src_desc(), eng_);
        weiAny_ = memory(anyPd_.weights_desc(), eng_);
        dstAny_ = memory(anyPd_.dst_desc(), eng_);
        dnnl::reorder(srcPlain_, srcAny_).execute(strm_, srcPlain_, srcAny_);
        dnnl::reorder(weiPlain_, weiAny_).execute(strm_, weiPlain_, weiAny_);
        strm_.wait();
    }

    void run(bool plain) override {
        std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, plain ? srcPlain_ : srcAny_},
                                                {DNNL_ARG_WEIGHTS, plain ? weiPlain_ : weiAny_},
                                                {DNNL_ARG_DST, plain ? dstPlain_ : dstAny_}};
        if (bia_) args[DNNL_ARG_BIAS] = bia_;
        (plain ? plain_ : any_).execute(strm_, args);
        strm_.wait();
    }

    std::vector<float> output(bool plain) override {
        memory out = dstPlain_;
        if (!plain) {
            out = memory(dstPlain_.get_desc(), eng_);
            dnnl::reorder(dstAny_, out).execute(strm_, dstAny_, out);
            strm_.wait();
        }
        const float *p = static_cast<const float *>(out.get_data_handle());
        return std::vector<float>(p, p + out.get_desc().get_size() / sizeof(float));
    }

private:
    dnnl::engine eng_;
    dnnl::stream strm_;
    memory srcPlain_, weiPlain_, bia_, dstPlain_, srcAny_, weiAny_, dstAny_;
    dnnl::convolution_forward::primitive_desc plainPd_, anyPd_;
    dnnl::convolution_forward plain_, any_;
};

}  // namespace

std::unique_ptr<OneDnnPeer> OneDnnPeer::create(const convgen_conv1d_desc &d, int64_t mb, int64_t iw, const float *src,
                                               const float *wei, const float *bia, std::string *why) {
    try {
        return std::make_unique<Peer>(d, mb, iw, src, wei, bia);
    } catch (const dnnl::error &e) {
        *why = std::string("oneDNN refused the layer: ") + e.what();
        return nullptr;
    }
}

#else

std::unique_ptr<OneDnnPeer> OneDnnPeer::create(const convgen_conv1d_desc &, int64_t, int64_t, const float *,
                                               const float *, const float *, std::string *why) {
    *why = "oneDNN not installed (libdnnl-dev) when convgen-bench was built";
    return nullptr;
}

#endif

}  // namespace convgen::bench
