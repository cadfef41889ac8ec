/*
 * Naive reference implementations in double precision, written straight from the semantics in conv4j_types.h
 * and docs (the same rules as the java backend): direct loops, backward-data as a scatter (the kernels gather),
 * so the reference shares no index arithmetic with the kernels. Each also returns, per output element, the sum
 * of the absolute values of its terms, which bounds the float rounding error of any summation order.
 */
#ifndef CONV4J_CUDA_REFERENCE_HPP
#define CONV4J_CUDA_REFERENCE_HPP

#include <cmath>
#include <vector>

#include "../kernels/dims.cuh"

namespace c4j {
namespace cuda {
namespace ref {

struct Result {
    std::vector<double> v;    // exact-ish values
    std::vector<double> mag;  // sum of |terms| per element
    std::vector<double> terms;  // number of terms per element
};

inline Result conv_forward(const ConvDims& d, const float* x, const float* w, const float* bias) {
    Result r;
    size_t ny = (size_t)d.n * d.cout * d.hout * d.wout;
    r.v.assign(ny, 0.0);
    r.mag.assign(ny, 0.0);
    r.terms.assign(ny, 0.0);
    for (int n = 0; n < d.n; n++)
        for (int co = 0; co < d.cout; co++) {
            int g = co / d.cout_g;
            for (int oh = 0; oh < d.hout; oh++)
                for (int ow = 0; ow < d.wout; ow++) {
                    size_t yi = (((size_t)n * d.cout + co) * d.hout + oh) * d.wout + ow;
                    double s = bias ? bias[co] : 0.0, m = bias ? std::fabs(bias[co]) : 0.0;
                    for (int ci = 0; ci < d.cin_g; ci++)
                        for (int a = 0; a < d.kh; a++)
                            for (int b = 0; b < d.kw; b++) {
                                int ih = oh * d.sh - d.pt + a * d.dh, iw = ow * d.sw - d.pl + b * d.dw;
                                if (ih < 0 || ih >= d.h || iw < 0 || iw >= d.w) continue;
                                double t = (double)x[(((size_t)n * d.cin + g * d.cin_g + ci) * d.h + ih) * d.w + iw]
                                    * w[(((size_t)co * d.cin_g + ci) * d.kh + a) * d.kw + b];
                                s += t;
                                m += std::fabs(t);
                            }
                    r.v[yi] = s;
                    r.mag[yi] = m;
                    r.terms[yi] = d.cin_g * d.kh * d.kw + 1;
                }
        }
    return r;
}

/* Scatter formulation: every (output, kernel tap) pair adds w * dy to the input pixel it read. */
inline Result conv_backward_data(const ConvDims& d, const float* dy, const float* w) {
    Result r;
    size_t nx = (size_t)d.n * d.cin * d.h * d.w;
    r.v.assign(nx, 0.0);
    r.mag.assign(nx, 0.0);
    r.terms.assign(nx, (double)d.cout_g * d.kh * d.kw);
    for (int n = 0; n < d.n; n++)
        for (int co = 0; co < d.cout; co++) {
            int g = co / d.cout_g;
            for (int oh = 0; oh < d.hout; oh++)
                for (int ow = 0; ow < d.wout; ow++) {
                    double gy = dy[(((size_t)n * d.cout + co) * d.hout + oh) * d.wout + ow];
                    for (int ci = 0; ci < d.cin_g; ci++)
                        for (int a = 0; a < d.kh; a++)
                            for (int b = 0; b < d.kw; b++) {
                                int ih = oh * d.sh - d.pt + a * d.dh, iw = ow * d.sw - d.pl + b * d.dw;
                                if (ih < 0 || ih >= d.h || iw < 0 || iw >= d.w) continue;
                                size_t xi = (((size_t)n * d.cin + g * d.cin_g + ci) * d.h + ih) * d.w + iw;
                                double t = gy * w[(((size_t)co * d.cin_g + ci) * d.kh + a) * d.kw + b];
                                r.v[xi] += t;
                                r.mag[xi] += std::fabs(t);
                            }
                }
        }
    return r;
}

inline Result conv_backward_weights(const ConvDims& d, const float* dy, const float* x) {
    Result r;
    size_t nw = (size_t)d.cout * d.cin_g * d.kh * d.kw;
    r.v.assign(nw, 0.0);
    r.mag.assign(nw, 0.0);
    r.terms.assign(nw, (double)d.n * d.hout * d.wout);
    for (int n = 0; n < d.n; n++)
        for (int co = 0; co < d.cout; co++) {
            int g = co / d.cout_g;
            for (int oh = 0; oh < d.hout; oh++)
                for (int ow = 0; ow < d.wout; ow++) {
                    double gy = dy[(((size_t)n * d.cout + co) * d.hout + oh) * d.wout + ow];
                    for (int ci = 0; ci < d.cin_g; ci++)
                        for (int a = 0; a < d.kh; a++)
                            for (int b = 0; b < d.kw; b++) {
                                int ih = oh * d.sh - d.pt + a * d.dh, iw = ow * d.sw - d.pl + b * d.dw;
                                if (ih < 0 || ih >= d.h || iw < 0 || iw >= d.w) continue;
                                size_t wi = (((size_t)co * d.cin_g + ci) * d.kh + a) * d.kw + b;
                                double t = gy * x[(((size_t)n * d.cin + g * d.cin_g + ci) * d.h + ih) * d.w + iw];
                                r.v[wi] += t;
                                r.mag[wi] += std::fabs(t);
                            }
                }
        }
    return r;
}

inline Result conv_backward_bias(const float* dy, int n, int c, int hw) {
    Result r;
    r.v.assign(c, 0.0);
    r.mag.assign(c, 0.0);
    r.terms.assign(c, (double)n * hw);
    for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < hw; p++) {
                double t = dy[((size_t)i * c + ch) * hw + p];
                r.v[ch] += t;
                r.mag[ch] += std::fabs(t);
            }
    return r;
}

/* First maximum of window (i, j) of plane `xp` in row-major order, padded cells skipped, NaN wins: (row, col). */
inline void window_argmax(const PoolDims& p, const float* xp, int i, int j, int& ra, int& rb) {
    ra = rb = -1;
    float best = 0;
    for (int a = i * p.sh - p.ph; a < i * p.sh - p.ph + p.kh; a++)
        for (int b = j * p.sw - p.pw; b < j * p.sw - p.pw + p.kw; b++) {
            if (a < 0 || a >= p.h || b < 0 || b >= p.w) continue;  // padding never wins
            float v = xp[a * p.w + b];
            bool take = ra < 0 || v > best || (std::isnan(v) && !std::isnan(best));
            if (take) {
                ra = a;
                rb = b;
                best = v;
            }
        }
}

/* PyTorch's divisor, computed by counting cells rather than by clipping formulas. */
inline int window_divisor(const PoolDims& p, int i, int j) {
    int cnt = 0;
    for (int a = i * p.sh - p.ph; a < i * p.sh - p.ph + p.kh; a++)
        for (int b = j * p.sw - p.pw; b < j * p.sw - p.pw + p.kw; b++) {
            bool inside = a >= 0 && a < p.h && b >= 0 && b < p.w;
            bool inPadded = a >= -p.ph && a < p.h + p.ph && b >= -p.pw && b < p.w + p.pw;
            if (p.count_include_pad ? inPadded : inside) cnt++;
        }
    return cnt;
}

inline std::vector<float> max_pool_forward(const PoolDims& p, const float* x) {
    std::vector<float> y((size_t)p.n * p.c * p.hout * p.wout);
    for (int pl = 0; pl < p.n * p.c; pl++)
        for (int i = 0; i < p.hout; i++)
            for (int j = 0; j < p.wout; j++) {
                int a, b;
                window_argmax(p, x + (size_t)pl * p.h * p.w, i, j, a, b);
                y[((size_t)pl * p.hout + i) * p.wout + j] = x[((size_t)pl * p.h + a) * p.w + b];
            }
    return y;
}

inline Result avg_pool_forward(const PoolDims& p, const float* x) {
    Result r;
    size_t ny = (size_t)p.n * p.c * p.hout * p.wout;
    r.v.assign(ny, 0.0);
    r.mag.assign(ny, 0.0);
    r.terms.assign(ny, (double)p.kh * p.kw + 1);
    for (int pl = 0; pl < p.n * p.c; pl++)
        for (int i = 0; i < p.hout; i++)
            for (int j = 0; j < p.wout; j++) {
                double s = 0, m = 0;
                for (int a = i * p.sh - p.ph; a < i * p.sh - p.ph + p.kh; a++)
                    for (int b = j * p.sw - p.pw; b < j * p.sw - p.pw + p.kw; b++) {
                        if (a < 0 || a >= p.h || b < 0 || b >= p.w) continue;
                        double v = x[((size_t)pl * p.h + a) * p.w + b];
                        s += v;
                        m += std::fabs(v);
                    }
                int div = window_divisor(p, i, j);
                size_t yi = ((size_t)pl * p.hout + i) * p.wout + j;
                r.v[yi] = s / div;
                r.mag[yi] = m / div;
            }
    return r;
}

inline Result max_pool_backward(const PoolDims& p, const float* x, const float* dy) {
    Result r;
    size_t nx = (size_t)p.n * p.c * p.h * p.w;
    r.v.assign(nx, 0.0);
    r.mag.assign(nx, 0.0);
    r.terms.assign(nx, (double)p.hout * p.wout);
    for (int pl = 0; pl < p.n * p.c; pl++)
        for (int i = 0; i < p.hout; i++)
            for (int j = 0; j < p.wout; j++) {
                int a, b;
                window_argmax(p, x + (size_t)pl * p.h * p.w, i, j, a, b);
                double g = dy[((size_t)pl * p.hout + i) * p.wout + j];
                size_t xi = ((size_t)pl * p.h + a) * p.w + b;
                r.v[xi] += g;
                r.mag[xi] += std::fabs(g);
            }
    return r;
}

inline Result avg_pool_backward(const PoolDims& p, const float* dy) {
    Result r;
    size_t nx = (size_t)p.n * p.c * p.h * p.w;
    r.v.assign(nx, 0.0);
    r.mag.assign(nx, 0.0);
    r.terms.assign(nx, 2.0 * p.hout * p.wout);
    for (int pl = 0; pl < p.n * p.c; pl++)
        for (int i = 0; i < p.hout; i++)
            for (int j = 0; j < p.wout; j++) {
                double g = dy[((size_t)pl * p.hout + i) * p.wout + j] / window_divisor(p, i, j);
                for (int a = i * p.sh - p.ph; a < i * p.sh - p.ph + p.kh; a++)
                    for (int b = j * p.sw - p.pw; b < j * p.sw - p.pw + p.kw; b++) {
                        if (a < 0 || a >= p.h || b < 0 || b >= p.w) continue;
                        size_t xi = ((size_t)pl * p.h + a) * p.w + b;
                        r.v[xi] += g;
                        r.mag[xi] += std::fabs(g);
                    }
            }
    return r;
}

}  // namespace ref
}  // namespace cuda
}  // namespace c4j

#endif
