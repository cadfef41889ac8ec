/*
 * The three convolution directions as implicit GEMMs over gemm_tile.cuh, per group g:
 *
 *   forward          C[cout_g, N*Hout*Wout]   = W_g[cout_g, cin_g*kh*kw]  * im2col(x)_g        (+ bias)
 *   backward-data    C[cin_g,  N*H*W]         = W_g^T[cin_g, cout_g*kh*kw] * gather(dy)_g
 *   backward-weights C[cout_g, cin_g*kh*kw]   = dy_g[cout_g, N*Hout*Wout] * im2col(x)_g^T      (split-K)
 *
 * Backward-data is the transposed GEMM written as a gather: input pixel (ih, iw) receives dy at (oh, ow) with
 * oh*sh - pt + r*dh = ih, i.e. only where (ih + pt - r*dh) is a non-negative multiple of sh below Hout. Every dx
 * element is written once by one thread: no atomics. Backward-weights splits K = N*Hout*Wout into fixed slices
 * written to a workspace and summed in split order by splitk_reduce: identical bits on every run.
 */
#ifndef CONV4J_CUDA_CONV_OPS_CUH
#define CONV4J_CUDA_CONV_OPS_CUH

#include <stddef.h>

#include "dims.cuh"
#include "gemm_tile.cuh"

namespace c4j {
namespace cuda {

/*
 * Forward: A = weights (contiguous along k), B = implicit im2col of x (contiguous along output columns).
 * k = (ci, r, s) -> KInfo {ci*H*W, r*dh, s*dw}; column = (img, oh, ow) -> ColInfo {x offset of the image and
 * group, oh*sh - pad_top, ow*sw - pad_left}.
 */
struct ConvFwdOp {
    static constexpr bool A_K_FAST = true;
    static constexpr bool B_K_FAST = false;
    struct KInfo {
        int off, dr, ds;
    };
    struct ColInfo {
        int base, ih0, iw0;
    };
    ConvDims d;
    int M, NC, K;
    const float* x;
    const float* w;
    const float* bias;  // may be null
    float* y;

    CONV4J_HD KInfo k_info(int, int k) const {
        const int khw = d.kh * d.kw;
        int ci = k / khw, rs = k - ci * khw, r = rs / d.kw, s = rs - r * d.kw;
        KInfo i;
        i.off = ci * d.h * d.w;
        i.dr = r * d.dh;
        i.ds = s * d.dw;
        return i;
    }

    CONV4J_HD ColInfo col_info(int g, int col) const {
        const int hw = d.hout * d.wout;
        int img = col / hw, p = col - img * hw, oh = p / d.wout, ow = p - oh * d.wout;
        ColInfo c;
        c.base = (img * d.cin + g * d.cin_g) * d.h * d.w;
        c.ih0 = oh * d.sh - d.pt;
        c.iw0 = ow * d.sw - d.pl;
        return c;
    }

    CONV4J_HD float a(int g, int m, int k, const KInfo&) const { return w[(g * d.cout_g + m) * K + k]; }

    CONV4J_HD float b(const KInfo& ki, const ColInfo& c) const {
        int ih = c.ih0 + ki.dr, iw = c.iw0 + ki.ds;
        if ((unsigned)ih >= (unsigned)d.h || (unsigned)iw >= (unsigned)d.w) return 0.f;
        return x[c.base + ki.off + ih * d.w + iw];
    }

    CONV4J_HD void store(const TileCoord& t, int m, int col, float v) const {
        const int hw = d.hout * d.wout;
        int img = col / hw, p = col - img * hw, co = t.g * d.cout_g + m;
        y[(img * d.cout + co) * hw + p] = bias ? v + bias[co] : v;
    }
};

inline ConvFwdOp conv_fwd_op(const ConvDims& d, const float* x, const float* w, const float* bias, float* y) {
    ConvFwdOp op;
    op.d = d;
    op.M = d.cout_g;
    op.NC = d.n * d.hout * d.wout;
    op.K = d.cin_g * d.kh * d.kw;
    op.x = x;
    op.w = w;
    op.bias = bias;
    op.y = y;
    return op;
}

/*
 * Backward-data: A = weights transposed per group, B = dy gathered onto input pixels.
 * k = (co, r, s) -> KInfo {w offset of (g*cout_g + co, ci = 0, r, s), dy offset of channel g*cout_g + co,
 * r*dh, s*dw}; column = (img, ih, iw) -> ColInfo {dy offset of the image, ih + pad_top, iw + pad_left}.
 */
struct ConvBwdDataOp {
    static constexpr bool A_K_FAST = true;   // k = (co, r, s): r, s contiguous in w
    static constexpr bool B_K_FAST = false;  // columns = input pixels, contiguous in dx and dy rows
    struct KInfo {
        int woff, dyoff, dr, ds;
    };
    struct ColInfo {
        int base, th0, tw0;
    };
    ConvDims d;
    int M, NC, K;
    const float* dy;
    const float* w;
    float* dx;

    CONV4J_HD KInfo k_info(int g, int k) const {
        const int khw = d.kh * d.kw;
        int co = k / khw, rs = k - co * khw, r = rs / d.kw, s = rs - r * d.kw;
        KInfo i;
        i.woff = (g * d.cout_g + co) * d.cin_g * khw + rs;
        i.dyoff = (g * d.cout_g + co) * d.hout * d.wout;
        i.dr = r * d.dh;
        i.ds = s * d.dw;
        return i;
    }

    CONV4J_HD ColInfo col_info(int, int col) const {
        const int hw = d.h * d.w;
        int img = col / hw, p = col - img * hw, ih = p / d.w, iw = p - ih * d.w;
        ColInfo c;
        c.base = img * d.cout * d.hout * d.wout;
        c.th0 = ih + d.pt;
        c.tw0 = iw + d.pl;
        return c;
    }

    CONV4J_HD float a(int, int m, int, const KInfo& ki) const { return w[ki.woff + m * d.kh * d.kw]; }

    CONV4J_HD float b(const KInfo& ki, const ColInfo& c) const {
        int th = c.th0 - ki.dr, tw = c.tw0 - ki.ds;
        if (th < 0 || tw < 0) return 0.f;
        int oh = d.sh == 1 ? th : th / d.sh, ow = d.sw == 1 ? tw : tw / d.sw;  // stride 1: no division
        if (oh * d.sh != th || ow * d.sw != tw || oh >= d.hout || ow >= d.wout) return 0.f;
        return dy[c.base + ki.dyoff + oh * d.wout + ow];
    }

    CONV4J_HD void store(const TileCoord& t, int m, int col, float v) const {
        const int hw = d.h * d.w;
        int img = col / hw, p = col - img * hw;
        dx[(img * d.cin + t.g * d.cin_g + m) * hw + p] = v;
    }
};

inline ConvBwdDataOp conv_bwd_data_op(const ConvDims& d, const float* dy, const float* w, float* dx) {
    ConvBwdDataOp op;
    op.d = d;
    op.M = d.cin_g;
    op.NC = d.n * d.h * d.w;
    op.K = d.cout_g * d.kh * d.kw;
    op.dy = dy;
    op.w = w;
    op.dx = dx;
    return op;
}

/*
 * Backward-weights: A = dy (contiguous along k = output pixels), B = im2col(x)^T (k-fast too: consecutive output
 * pixels read x with stride sw). With one split the result goes straight to dw; otherwise split s writes its
 * partial sums to ws[s * dw_size + i] and splitk_reduce adds the splits in order.
 */
struct ConvBwdWeightsOp {
    static constexpr bool A_K_FAST = true;
    static constexpr bool B_K_FAST = true;
    /* k = (img, oh, ow): dy offset without the channel, x offset of the image, oh*sh - pad_top, ow*sw - pad_left. */
    struct KInfo {
        int dyoff, xoff, ih0, iw0;
    };
    /* column = (ci, r, s): x offset of channel g*cin_g + ci, r*dh, s*dw. */
    struct ColInfo {
        int coff, dr, ds;
    };
    ConvDims d;
    int M, NC, K;
    int splits;
    const float* dy;
    const float* x;
    float* dw;  // final result (splits == 1)
    float* ws;  // workspace of splits * dw_size floats (splits > 1)

    CONV4J_HD KInfo k_info(int, int k) const {
        const int hw = d.hout * d.wout;
        int img = k / hw, p = k - img * hw, oh = p / d.wout, ow = p - oh * d.wout;
        KInfo i;
        i.dyoff = img * d.cout * hw + p;
        i.xoff = img * d.cin * d.h * d.w;
        i.ih0 = oh * d.sh - d.pt;
        i.iw0 = ow * d.sw - d.pl;
        return i;
    }

    CONV4J_HD ColInfo col_info(int g, int col) const {
        const int khw = d.kh * d.kw;
        int ci = col / khw, rs = col - ci * khw, r = rs / d.kw, s = rs - r * d.kw;
        ColInfo c;
        c.coff = (g * d.cin_g + ci) * d.h * d.w;
        c.dr = r * d.dh;
        c.ds = s * d.dw;
        return c;
    }

    CONV4J_HD float a(int g, int m, int, const KInfo& ki) const {
        return dy[ki.dyoff + (g * d.cout_g + m) * d.hout * d.wout];
    }

    CONV4J_HD float b(const KInfo& ki, const ColInfo& c) const {
        int ih = ki.ih0 + c.dr, iw = ki.iw0 + c.ds;
        if ((unsigned)ih >= (unsigned)d.h || (unsigned)iw >= (unsigned)d.w) return 0.f;
        return x[ki.xoff + c.coff + ih * d.w + iw];
    }

    CONV4J_HD void store(const TileCoord& t, int m, int col, float v) const {
        int i = (t.g * d.cout_g + m) * NC + col;
        if (splits == 1) {
            dw[i] = v;
        } else {
            ws[(size_t)t.split * (size_t)(d.cout * NC) + (size_t)i] = v;
        }
    }
};

/*
 * How backward-weights splits its K: a function of the shape only (never of the device), so every GPU gives
 * the same bits. Aims at about 512 blocks of tile T with at least 128 values of K per split and at most 64
 * splits; each split covers split_len values of K (a multiple of T::BK), the last one possibly fewer.
 */
struct SplitPlan {
    int splits;
    int split_len;
};

template <class T>
inline SplitPlan splitk_plan(int M, int NC, int K, int groups) {
    long long tiles = (long long)((M + T::BM - 1) / T::BM) * ((NC + T::BN - 1) / T::BN) * groups;
    int slices = (K + T::BK - 1) / T::BK;
    long long want = tiles >= 512 ? 1 : 512 / tiles;
    int most = K / 128 > 1 ? K / 128 : 1;
    int splits = (int)(want < most ? want : most);
    if (splits > 64) splits = 64;
    if (splits < 1) splits = 1;
    SplitPlan p;
    p.split_len = (slices + splits - 1) / splits * T::BK;
    p.splits = (K + p.split_len - 1) / p.split_len;  // no empty split
    return p;
}

inline ConvBwdWeightsOp conv_bwd_weights_op(const ConvDims& d, const float* dy, const float* x, float* dw, float* ws,
                                            int splits) {
    ConvBwdWeightsOp op;
    op.d = d;
    op.M = d.cout_g;
    op.NC = d.cin_g * d.kh * d.kw;
    op.K = d.n * d.hout * d.wout;
    op.splits = splits;
    op.dy = dy;
    op.x = x;
    op.dw = dw;
    op.ws = ws;
    return op;
}

/* One thread per dw element: the splits added in index order, so the result never depends on scheduling. */
CONV4J_HD inline void splitk_reduce(const float* ws, float* dw, int size, int splits, int i) {
    if (i >= size) return;
    float s = 0.f;
    for (int k = 0; k < splits; k++) {
        s += ws[(size_t)k * (size_t)size + (size_t)i];
    }
    dw[i] = s;
}

}  // namespace cuda
}  // namespace c4j

#endif
