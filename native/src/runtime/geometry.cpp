// Cheap re-check of the descriptors the Java side already validated: a native caller that skips the
// Java checks gets C4J_ERR_BAD_DESCRIPTOR instead of an out-of-bounds write.
#include "runtime/geometry.h"

#include <cstdint>

namespace c4j {
namespace {

constexpr int64_t kMaxElements = INT32_MAX;  // Java indexes tensors with int

bool fits(int64_t a, int64_t b, int64_t c, int64_t d) {
    // all factors are positive and below 2^31, so each partial product stays below 2^62 before the check
    int64_t p = a * b;
    if (p > kMaxElements) return false;
    p *= c;
    if (p > kMaxElements) return false;
    p *= d;
    return p <= kMaxElements;
}

}  // namespace

bool load_conv(const int32_t *d, ConvGeo &g) {
    if (d == nullptr) return false;
    g.n = d[C4J_CONV_N];
    g.cin = d[C4J_CONV_CIN];
    g.h = d[C4J_CONV_H];
    g.w = d[C4J_CONV_W];
    g.cout = d[C4J_CONV_COUT];
    g.kh = d[C4J_CONV_KH];
    g.kw = d[C4J_CONV_KW];
    g.sh = d[C4J_CONV_SH];
    g.sw = d[C4J_CONV_SW];
    g.pt = d[C4J_CONV_PAD_TOP];
    g.pb = d[C4J_CONV_PAD_BOTTOM];
    g.pl = d[C4J_CONV_PAD_LEFT];
    g.pr = d[C4J_CONV_PAD_RIGHT];
    g.dh = d[C4J_CONV_DH];
    g.dw = d[C4J_CONV_DW];
    g.groups = d[C4J_CONV_GROUPS];
    g.hout = d[C4J_CONV_HOUT];
    g.wout = d[C4J_CONV_WOUT];
    g.algo = d[C4J_CONV_ALGO];
    if (g.algo < 0 || g.algo > 2) return false;  // C4J_WINOGRAD_OFF, _AUTO, _ALWAYS
    if (g.n < 1 || g.cin < 1 || g.h < 1 || g.w < 1 || g.cout < 1 || g.kh < 1 || g.kw < 1 || g.sh < 1 ||
        g.sw < 1 || g.dh < 1 || g.dw < 1 || g.groups < 1 || g.hout < 1 || g.wout < 1)
        return false;
    if (g.pt < 0 || g.pb < 0 || g.pl < 0 || g.pr < 0) return false;
    if (g.cin % g.groups != 0 || g.cout % g.groups != 0) return false;
    int64_t eff_h = static_cast<int64_t>(g.dh) * (g.kh - 1) + 1;
    int64_t eff_w = static_cast<int64_t>(g.dw) * (g.kw - 1) + 1;
    int64_t span_h = static_cast<int64_t>(g.h) + g.pt + g.pb - eff_h;
    int64_t span_w = static_cast<int64_t>(g.w) + g.pl + g.pr - eff_w;
    if (span_h < 0 || span_w < 0) return false;
    // padded extents (plus a vector's slack) are indexed with int
    if (static_cast<int64_t>(g.h) + g.pt + g.pb > kMaxElements - 64 ||
        static_cast<int64_t>(g.w) + g.pl + g.pr > kMaxElements - 64)
        return false;
    if (span_h / g.sh + 1 != g.hout || span_w / g.sw + 1 != g.wout) return false;
    g.cig = g.cin / g.groups;
    g.cog = g.cout / g.groups;
    if (!fits(g.n, g.cin, g.h, g.w) || !fits(g.n, g.cout, g.hout, g.wout) || !fits(g.cout, g.cig, g.kh, g.kw))
        return false;
    derive_sizes(g);
    return true;
}

bool load_pool(const int32_t *d, PoolGeo &g) {
    if (d == nullptr) return false;
    g.n = d[C4J_POOL_N];
    g.c = d[C4J_POOL_C];
    g.h = d[C4J_POOL_H];
    g.w = d[C4J_POOL_W];
    g.kh = d[C4J_POOL_KH];
    g.kw = d[C4J_POOL_KW];
    g.sh = d[C4J_POOL_SH];
    g.sw = d[C4J_POOL_SW];
    g.ph = d[C4J_POOL_PAD_H];
    g.pw = d[C4J_POOL_PAD_W];
    g.hout = d[C4J_POOL_HOUT];
    g.wout = d[C4J_POOL_WOUT];
    int cip = d[C4J_POOL_COUNT_INCLUDE_PAD];
    if (g.n < 1 || g.c < 1 || g.h < 1 || g.w < 1 || g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 ||
        g.hout < 1 || g.wout < 1 || g.ph < 0 || g.pw < 0 || (cip != 0 && cip != 1))
        return false;
    if (2LL * g.ph > g.kh || 2LL * g.pw > g.kw) return false;
    // padded rows plus a window and a vector of slack are indexed with int (strides need no slack: the
    // last window starts inside the input or its left padding, see PaddedRow in pool.cpp)
    if (static_cast<int64_t>(g.h) + 2LL * g.ph + g.kh > kMaxElements - 64 ||
        static_cast<int64_t>(g.w) + 2LL * g.pw + g.kw > kMaxElements - 64)
        return false;
    g.count_include_pad = cip != 0;
    // Output size: floor mode, or ceil mode with PyTorch's drop of a window starting in the padding.
    auto ok_size = [](int64_t in, int64_t k, int64_t s, int64_t p, int64_t out) {
        int64_t span = in + 2 * p - k;
        if (span < 0) return false;
        int64_t fl = span / s + 1;
        int64_t ce = (span + s - 1) / s + 1;
        if (ce != fl && (ce - 1) * s >= in + p) ce--;
        return out == fl || out == ce;
    };
    if (!ok_size(g.h, g.kh, g.sh, g.ph, g.hout) || !ok_size(g.w, g.kw, g.sw, g.pw, g.wout)) return false;
    if (!fits(g.n, g.c, g.h, g.w) || !fits(g.n, g.c, g.hout, g.wout)) return false;
    return true;
}

}  // namespace c4j
