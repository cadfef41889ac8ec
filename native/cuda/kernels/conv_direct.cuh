/*
 * Direct convolution kernels for few channels per group, where the implicit GEMM would compute mostly padding:
 * its tile has at least 64 rows, and a GEMM with M = 3 (the RGB stem's backward-data) or M = 1 (depthwise) uses
 * under 5% of them. Here one thread computes all CH values of one pixel (CH <= DIRECT_MAX_CH, in registers):
 *
 *   forward        (cout_g <= 8): y[img, g*cout_g + 0..CH-1, oh, ow], summing ci, r, s ascending (the GEMM's k
 *                  order, so the bits equal the GEMM's wherever no weight is infinite), then the bias;
 *   backward-data  (cin_g <= 8):   dx[img, g*cin_g + 0..CH-1, ih, iw], summing only the taps that reach the pixel.
 *
 * Backward-data orders the pixels of a row by stride phase: item q of a row is iw = (q % wq) * sw + q / wq with
 * wq = ceil(w / sw), so the threads of a warp share iw % sw and hence the same valid taps (no divergence), and
 * read consecutive dy elements (coalesced). Items with iw >= w (the last phases' tails) do nothing.
 */
#ifndef CONV4J_CUDA_CONV_DIRECT_CUH
#define CONV4J_CUDA_CONV_DIRECT_CUH

#include "dims.cuh"
#include "hd.cuh"

namespace c4j {
namespace cuda {

constexpr int DIRECT_MAX_CH = 8;
constexpr int DIRECT_THREADS = 256;

/* Items of the direct forward: one per (image, group, output pixel). */
inline long long direct_forward_items(const ConvDims& d) { return (long long)d.n * d.groups * d.hout * d.wout; }

/* Forward, CH == cout_g: item = ((img * groups + g) * hout + oh) * wout + ow. */
template <int CH>
CONV4J_HD inline void conv_fwd_direct(const ConvDims& d, const float* x, const float* w, const float* bias, float* y,
                                      long long item) {
    const int ow = (int)(item % d.wout);
    long long rest = item / d.wout;
    const int oh = (int)(rest % d.hout);
    rest /= d.hout;
    const int g = (int)(rest % d.groups), img = (int)(rest / d.groups);
    const int khw = d.kh * d.kw, ih0 = oh * d.sh - d.pt, iw0 = ow * d.sw - d.pl;
    const int wstride = d.cin_g * khw;  // between the weights of consecutive output channels
    const float* wg = w + (size_t)g * CH * wstride;
    float acc[CH];
    for (int c = 0; c < CH; c++) acc[c] = 0.f;
    for (int ci = 0; ci < d.cin_g; ci++) {
        const float* xc = x + ((size_t)img * d.cin + (size_t)g * d.cin_g + ci) * d.h * d.w;
        for (int r = 0; r < d.kh; r++) {
            const int ih = ih0 + r * d.dh;
            const bool row_in = (unsigned)ih < (unsigned)d.h;
            for (int s = 0; s < d.kw; s++) {
                const int iw = iw0 + s * d.dw;
                const float v = row_in && (unsigned)iw < (unsigned)d.w ? xc[ih * d.w + iw] : 0.f;
                const int k = ci * khw + r * d.kw + s;
                for (int c = 0; c < CH; c++) acc[c] = madd(wg[c * wstride + k], v, acc[c]);
            }
        }
    }
    const size_t plane = (size_t)d.hout * d.wout;
    for (int c = 0; c < CH; c++) {
        const int co = g * CH + c;
        y[((size_t)img * d.cout + co) * plane + (size_t)oh * d.wout + ow] = bias ? acc[c] + bias[co] : acc[c];
    }
}

/* Row items of the direct backward-data: sw * ceil(w / sw) (the phase-ordered row, with its idle tail). */
CONV4J_HD inline int direct_bwd_row_items(const ConvDims& d) { return d.sw * ((d.w + d.sw - 1) / d.sw); }

inline long long direct_backward_data_items(const ConvDims& d) {
    return (long long)d.n * d.groups * d.h * direct_bwd_row_items(d);
}

/* Backward-data, CH == cin_g: item = ((img * groups + g) * h + ih) * row_items + q. */
template <int CH>
CONV4J_HD inline void conv_bwd_data_direct(const ConvDims& d, const float* dy, const float* w, float* dx,
                                           long long item) {
    const int row_items = direct_bwd_row_items(d), wq = row_items / d.sw;
    const int q = (int)(item % row_items);
    long long rest = item / row_items;
    const int ih = (int)(rest % d.h);
    rest /= d.h;
    const int g = (int)(rest % d.groups), img = (int)(rest / d.groups);
    const int iw = (q % wq) * d.sw + q / wq;
    if (iw >= d.w) return;
    const int khw = d.kh * d.kw;
    const size_t plane = (size_t)d.hout * d.wout;
    const float* dyg = dy + ((size_t)img * d.cout + (size_t)g * d.cout_g) * plane;
    const float* wg = w + (size_t)g * d.cout_g * CH * khw;
    float acc[CH];
    for (int c = 0; c < CH; c++) acc[c] = 0.f;
    for (int r = 0; r < d.kh; r++) {
        const int th = ih + d.pt - r * d.dh;
        if (th < 0) break;  // th only falls with r
        const int oh = th / d.sh;
        if (oh * d.sh != th || oh >= d.hout) continue;
        for (int s = 0; s < d.kw; s++) {
            const int tw = iw + d.pl - s * d.dw;
            if (tw < 0) break;
            const int ow = tw / d.sw;
            if (ow * d.sw != tw || ow >= d.wout) continue;
            const float* dyp = dyg + (size_t)oh * d.wout + ow;
            const float* wp = wg + r * d.kw + s;
            for (int co = 0; co < d.cout_g; co++) {
                const float v = dyp[(size_t)co * plane];
                for (int c = 0; c < CH; c++) acc[c] = madd(wp[(co * CH + c) * khw], v, acc[c]);
            }
        }
    }
    const size_t in_plane = (size_t)d.h * d.w;
    for (int c = 0; c < CH; c++) {
        dx[((size_t)img * d.cin + (size_t)g * CH + c) * in_plane + (size_t)ih * d.w + iw] = acc[c];
    }
}

}  // namespace cuda
}  // namespace c4j

#endif
