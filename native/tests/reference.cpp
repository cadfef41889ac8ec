#include "reference.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "conv4j/conv4j_types.h"

namespace t4j {

std::vector<int32_t> Conv::desc() const {
    std::vector<int32_t> d(C4J_CONV_DESC_LEN);
    d[C4J_CONV_N] = n; d[C4J_CONV_CIN] = cin; d[C4J_CONV_H] = h; d[C4J_CONV_W] = w;
    d[C4J_CONV_COUT] = cout; d[C4J_CONV_KH] = kh; d[C4J_CONV_KW] = kw; d[C4J_CONV_SH] = sh; d[C4J_CONV_SW] = sw;
    d[C4J_CONV_PAD_TOP] = pt; d[C4J_CONV_PAD_BOTTOM] = pb; d[C4J_CONV_PAD_LEFT] = pl; d[C4J_CONV_PAD_RIGHT] = pr;
    d[C4J_CONV_DH] = dh; d[C4J_CONV_DW] = dw; d[C4J_CONV_GROUPS] = groups;
    d[C4J_CONV_HOUT] = hout(); d[C4J_CONV_WOUT] = wout(); d[C4J_CONV_ALGO] = algo;
    return d;
}

std::string Conv::str() const {
    std::ostringstream s;
    s << "conv n" << n << " cin" << cin << " " << h << "x" << w << " cout" << cout << " k" << kh << "x" << kw << " s"
      << sh << "x" << sw << " p" << pt << "," << pb << "," << pl << "," << pr << " d" << dh << "x" << dw << " g" << groups;
    return s.str();
}

int Pool::out(int in, int k, int s, int p) const {
    int span = in + 2 * p - k;
    int o = (ceil ? (span + s - 1) / s : span / s) + 1;
    if (ceil && (o - 1) * s >= in + p) o--;
    return o;
}

std::vector<int32_t> Pool::desc() const {
    std::vector<int32_t> d(C4J_POOL_DESC_LEN);
    d[C4J_POOL_N] = n; d[C4J_POOL_C] = c; d[C4J_POOL_H] = h; d[C4J_POOL_W] = w; d[C4J_POOL_KH] = kh;
    d[C4J_POOL_KW] = kw; d[C4J_POOL_SH] = sh; d[C4J_POOL_SW] = sw; d[C4J_POOL_PAD_H] = ph; d[C4J_POOL_PAD_W] = pw;
    d[C4J_POOL_HOUT] = hout(); d[C4J_POOL_WOUT] = wout(); d[C4J_POOL_COUNT_INCLUDE_PAD] = count_include_pad ? 1 : 0;
    return d;
}

std::string Pool::str() const {
    std::ostringstream s;
    s << "pool n" << n << " c" << c << " " << h << "x" << w << " k" << kh << "x" << kw << " s" << sh << "x" << sw
      << " p" << ph << "x" << pw << (ceil ? " ceil" : "") << (count_include_pad ? "" : " exclude-pad");
    return s.str();
}

Conv random_conv(std::mt19937 &rng) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (;;) {
        Conv c{};
        c.n = r(1, 4);
        int kind = r(0, 5);
        c.groups = kind == 0 ? r(2, 4) : kind == 1 ? 0 : 1;  // 0: depthwise, chosen below
        int cig = r(1, 5), cog = r(1, 6);
        if (c.groups == 0) {  // depthwise-like: one input channel per group
            c.groups = r(2, 6);
            cig = 1;
            cog = r(1, 2);
        }
        c.cin = cig * c.groups;
        c.cout = cog * c.groups;
        c.h = r(1, 13);
        c.w = r(1, 13);
        if (kind == 2) {  // pointwise: 1x1, stride 1, no padding (skips im2col)
            c.kh = c.kw = 1; c.sh = c.sw = 1; c.dh = c.dw = 1;
        } else {
            c.kh = r(1, 4); c.kw = r(1, 4); c.sh = r(1, 3); c.sw = r(1, 3); c.dh = r(1, 2); c.dw = r(1, 2);
            c.pt = r(0, 2); c.pb = r(0, 2); c.pl = r(0, 2); c.pr = r(0, 2);
        }
        if (c.h + c.pt + c.pb < c.dh * (c.kh - 1) + 1 || c.w + c.pl + c.pr < c.dw * (c.kw - 1) + 1) continue;
        return c;
    }
}

Pool random_pool(std::mt19937 &rng) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (;;) {
        Pool p{};
        p.n = r(1, 3); p.c = r(1, 4); p.h = r(1, 19); p.w = r(1, 19);
        p.kh = r(1, 4); p.kw = r(1, 4); p.sh = r(1, 3); p.sw = r(1, 3);
        p.ph = r(0, p.kh / 2); p.pw = r(0, p.kw / 2);
        p.ceil = r(0, 1) == 1; p.count_include_pad = r(0, 1) == 1;
        if (p.h + 2 * p.ph < p.kh || p.w + 2 * p.pw < p.kw) continue;
        return p;
    }
}

namespace {
inline int64_t xi(const Conv &c, int n, int ch, int i, int j) { return ((int64_t(n) * c.cin + ch) * c.h + i) * c.w + j; }
inline int64_t wi(const Conv &c, int co, int ci, int a, int b) {
    return ((int64_t(co) * (c.cin / c.groups) + ci) * c.kh + a) * c.kw + b;
}
inline int64_t yi(const Conv &c, int n, int co, int i, int j) {
    return ((int64_t(n) * c.cout + co) * c.hout() + i) * c.wout() + j;
}

// Visits every (image, out channel, out pos, in channel, tap) with the input position inside the image.
template <class F>
void each_tap(const Conv &c, F f) {
    int cig = c.cin / c.groups, cog = c.cout / c.groups;
    for (int n = 0; n < c.n; ++n)
        for (int co = 0; co < c.cout; ++co)
            for (int i = 0; i < c.hout(); ++i)
                for (int j = 0; j < c.wout(); ++j)
                    for (int k = 0; k < cig; ++k)
                        for (int a = 0; a < c.kh; ++a)
                            for (int b = 0; b < c.kw; ++b) {
                                int ih = i * c.sh - c.pt + a * c.dh, iw = j * c.sw - c.pl + b * c.dw;
                                if (ih < 0 || ih >= c.h || iw < 0 || iw >= c.w) continue;
                                f(xi(c, n, (co / cog) * cig + k, ih, iw), wi(c, co, k, a, b), yi(c, n, co, i, j));
                            }
}
}  // namespace

std::vector<float> ref_conv_forward(const Conv &c, const std::vector<float> &x, const std::vector<float> &w,
                                    const float *bias) {
    std::vector<double> y(c.ysize(), 0.0);
    each_tap(c, [&](int64_t xo, int64_t wo, int64_t yo) { y[yo] += double(x[xo]) * w[wo]; });
    std::vector<float> out(y.size());
    int64_t hw = int64_t(c.hout()) * c.wout();
    for (size_t q = 0; q < y.size(); ++q) out[q] = float(y[q] + (bias ? bias[(q / hw) % c.cout] : 0.0));
    return out;
}

std::vector<float> ref_conv_backward_data(const Conv &c, const std::vector<float> &dy, const std::vector<float> &w) {
    std::vector<double> dx(c.xsize(), 0.0);
    each_tap(c, [&](int64_t xo, int64_t wo, int64_t yo) { dx[xo] += double(dy[yo]) * w[wo]; });
    return std::vector<float>(dx.begin(), dx.end());
}

std::vector<float> ref_conv_backward_weights(const Conv &c, const std::vector<float> &dy, const std::vector<float> &x) {
    std::vector<double> dw(c.wsize(), 0.0);
    each_tap(c, [&](int64_t xo, int64_t wo, int64_t yo) { dw[wo] += double(dy[yo]) * x[xo]; });
    return std::vector<float>(dw.begin(), dw.end());
}

namespace {
// Index of the first maximal element of window (i, j) of plane p (NaN wins, first wins).
int64_t argmax(const Pool &g, const std::vector<float> &x, int64_t p, int i, int j) {
    int h0 = std::max(i * g.sh - g.ph, 0), h1 = std::min(i * g.sh - g.ph + g.kh, g.h);
    int w0 = std::max(j * g.sw - g.pw, 0), w1 = std::min(j * g.sw - g.pw + g.kw, g.w);
    int64_t best = -1;
    float bv = -INFINITY;
    for (int a = h0; a < h1; ++a)
        for (int b = w0; b < w1; ++b) {
            int64_t idx = (p * g.h + a) * g.w + b;
            float v = x[idx];
            if (best < 0 || v > bv || (std::isnan(v) && !std::isnan(bv))) {
                best = idx;
                bv = v;
            }
        }
    return best;
}

float divisor(const Pool &g, int i, int j) {
    int hs = i * g.sh - g.ph, ws = j * g.sw - g.pw;
    int he = std::min(hs + g.kh, g.h + g.ph), we = std::min(ws + g.kw, g.w + g.pw);
    if (g.count_include_pad) return float((he - hs) * (we - ws));
    return float((std::min(he, g.h) - std::max(hs, 0)) * (std::min(we, g.w) - std::max(ws, 0)));
}
}  // namespace

std::vector<float> ref_max_pool(const Pool &g, const std::vector<float> &x) {
    std::vector<float> y(int64_t(g.n) * g.c * g.hout() * g.wout());
    for (int64_t p = 0; p < int64_t(g.n) * g.c; ++p)
        for (int i = 0; i < g.hout(); ++i)
            for (int j = 0; j < g.wout(); ++j) y[(p * g.hout() + i) * g.wout() + j] = x[argmax(g, x, p, i, j)];
    return y;
}

std::vector<float> ref_max_pool_backward(const Pool &g, const std::vector<float> &dy, const std::vector<float> &x) {
    std::vector<float> dx(x.size(), 0.f);
    for (int64_t p = 0; p < int64_t(g.n) * g.c; ++p)
        for (int i = 0; i < g.hout(); ++i)
            for (int j = 0; j < g.wout(); ++j) dx[argmax(g, x, p, i, j)] += dy[(p * g.hout() + i) * g.wout() + j];
    return dx;
}

std::vector<float> ref_avg_pool(const Pool &g, const std::vector<float> &x) {
    std::vector<float> y(int64_t(g.n) * g.c * g.hout() * g.wout());
    for (int64_t p = 0; p < int64_t(g.n) * g.c; ++p)
        for (int i = 0; i < g.hout(); ++i)
            for (int j = 0; j < g.wout(); ++j) {
                int h0 = std::max(i * g.sh - g.ph, 0), h1 = std::min(i * g.sh - g.ph + g.kh, g.h);
                int w0 = std::max(j * g.sw - g.pw, 0), w1 = std::min(j * g.sw - g.pw + g.kw, g.w);
                double s = 0;
                for (int a = h0; a < h1; ++a)
                    for (int b = w0; b < w1; ++b) s += x[(p * g.h + a) * g.w + b];
                y[(p * g.hout() + i) * g.wout() + j] = float(s / divisor(g, i, j));
            }
    return y;
}

std::vector<float> ref_avg_pool_backward(const Pool &g, const std::vector<float> &dy) {
    std::vector<double> dx(int64_t(g.n) * g.c * g.h * g.w, 0.0);
    for (int64_t p = 0; p < int64_t(g.n) * g.c; ++p)
        for (int i = 0; i < g.hout(); ++i)
            for (int j = 0; j < g.wout(); ++j) {
                int h0 = std::max(i * g.sh - g.ph, 0), h1 = std::min(i * g.sh - g.ph + g.kh, g.h);
                int w0 = std::max(j * g.sw - g.pw, 0), w1 = std::min(j * g.sw - g.pw + g.kw, g.w);
                double d = double(dy[(p * g.hout() + i) * g.wout() + j]) / divisor(g, i, j);
                for (int a = h0; a < h1; ++a)
                    for (int b = w0; b < w1; ++b) dx[(p * g.h + a) * g.w + b] += d;
            }
    return std::vector<float>(dx.begin(), dx.end());
}

}  // namespace t4j
