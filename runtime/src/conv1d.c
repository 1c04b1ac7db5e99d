/* Size rules of a conv1d problem (PyTorch nn.Conv1d). */
#include "convgen/conv1d.h"
#include "convgen/status.h"

#include <stdio.h>
#include <string.h>

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t convgen_conv1d_output_length(const convgen_conv1d_desc *d, int64_t iw) {
    return floor_div(iw + d->pw_l + d->pw_r - d->dw * (d->kw - 1) - 1, d->sw) + 1;
}

int convgen_conv1d_check_sizes(const convgen_conv1d_desc *d, int64_t mb, int64_t iw, char *msg, int msg_size) {
    char dummy[1];
    if (!msg || msg_size <= 0) {
        msg = dummy;
        msg_size = sizeof dummy;
    }
    msg[0] = 0;
    if (mb < 1 || iw < 1) {
        snprintf(msg, (size_t)msg_size, "batch (%lld) and length (%lld) must be positive", (long long)mb, (long long)iw);
        return CONVGEN_ERROR_BAD_SIZE;
    }
    if (d->mb > 0 && mb != d->mb) {
        snprintf(msg, (size_t)msg_size, "batch is %lld but the kernel was generated for batch %lld", (long long)mb, (long long)d->mb);
        return CONVGEN_ERROR_BAD_SIZE;
    }
    if (d->iw > 0 && iw != d->iw) {
        snprintf(msg, (size_t)msg_size, "length is %lld but the kernel was generated for length %lld", (long long)iw, (long long)d->iw);
        return CONVGEN_ERROR_BAD_SIZE;
    }
    if (d->padding_mode == CONVGEN_PAD_REFLECT && (d->pw_l >= iw || d->pw_r >= iw)) {
        snprintf(msg, (size_t)msg_size, "reflect padding (%lld, %lld) must be smaller than the length (%lld)",
                 (long long)d->pw_l, (long long)d->pw_r, (long long)iw);
        return CONVGEN_ERROR_BAD_SIZE;
    }
    if (d->padding_mode == CONVGEN_PAD_CIRCULAR && (d->pw_l > iw || d->pw_r > iw)) {
        snprintf(msg, (size_t)msg_size, "circular padding (%lld, %lld) must not exceed the length (%lld)",
                 (long long)d->pw_l, (long long)d->pw_r, (long long)iw);
        return CONVGEN_ERROR_BAD_SIZE;
    }
    if (convgen_conv1d_output_length(d, iw) < 1) {
        snprintf(msg, (size_t)msg_size,
                 "length %lld plus padding (%lld + %lld) is shorter than the dilated kernel (%lld)", (long long)iw,
                 (long long)d->pw_l, (long long)d->pw_r, (long long)(d->dw * (d->kw - 1) + 1));
        return CONVGEN_ERROR_BAD_SIZE;
    }
    return CONVGEN_OK;
}

int64_t convgen_conv1d_min_length(const convgen_conv1d_desc *d) {
    if (d->iw > 0) return d->iw;
    int64_t iw = d->dw * (d->kw - 1) + 1 - d->pw_l - d->pw_r;
    if (iw < 1) iw = 1;
    if (d->padding_mode == CONVGEN_PAD_REFLECT) {
        int64_t p = (d->pw_l > d->pw_r ? d->pw_l : d->pw_r) + 1;
        if (iw < p) iw = p;
    }
    if (d->padding_mode == CONVGEN_PAD_CIRCULAR) {
        int64_t p = d->pw_l > d->pw_r ? d->pw_l : d->pw_r;
        if (iw < p) iw = p;
    }
    while (convgen_conv1d_output_length(d, iw) < 1) ++iw;
    return iw;
}

int convgen_conv1d_pack_weights(const convgen_conv1d_desc *d, const void *wei, void *packed) {
    if (!d || !wei || !packed) return CONVGEN_ERROR_NULL_POINTER;
    const int64_t icg = d->ic / d->g, ocg = d->oc / d->g, per_oc = icg * d->kw;
    const size_t elem = (size_t)convgen_dtype_size(d->dtype);
    if (d->wei_layout == CONVGEN_WEI_OIW) {
        memcpy(packed, wei, (size_t)(d->oc * per_oc) * elem);
        return CONVGEN_OK;
    }
    if (d->wei_layout != CONVGEN_WEI_OWI16O || ocg % CONVGEN_WEI_BLOCK != 0) return CONVGEN_ERROR_BAD_SIZE;
    convgen_pack_owi16o(d->oc, icg, d->kw, (int)elem, wei, packed);
    return CONVGEN_OK;
}

int convgen_dtype_size(convgen_dtype t) { return t == CONVGEN_F32 ? 4 : 2; }
