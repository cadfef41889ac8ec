// Scalar stride-1 max pooling, the shape test and the CPUID choice (pool_s1.h). The scalar kernels read x
// directly, window by window over its real cells only (a -inf border cell never beats anything, so
// skipping it changes nothing), with the NaN rule of the per-row path.
#include "pool/pool_s1.h"

#include <algorithm>
#include <limits>

#include "conv4j/conv4j_cpu.h"
#include "pool/pool_band.h"
#include "runtime/buffer.h"
#include "runtime/cpu_features.h"

namespace c4j {
namespace {

constexpr int64_t kMaxPadded = int64_t{1} << 16;
constexpr int64_t kGroupFloats = 4096;
constexpr int kMaxTaps = 25;
constexpr int64_t kSlack = 64;  // past the last row: a vector block (16) plus a window's width (at most 25)

// x beats m: greater, or NaN over a number (PyTorch's rule; ties and NaN over NaN keep m)
inline bool beats(float x, float m) { return x > m || (x != x && m == m); }

void max_forward_scalar(const S1Geo &s, const float *x, int planes, float *, float *y) {
    s1_max_forward_exact(s, x, planes, y);
}

void argmax_scalar(const S1Geo &s, const float *x, int planes, float *, float *vals, int32_t *idx) {
    s1_argmax_exact(s, x, planes, vals, idx);
}

void avg_forward_scalar(const S1Geo &s, const float *x, int planes, float *, const float *rext, const float *cext,
                        float *y) {
    s1_avg_forward_exact(s, x, planes, rext, cext, y);
}

void max_backward_scalar(const S1Geo &s, const float *dy, const float *x, int planes, float *, float *tp, float *dp,
                         float *dx) {
    s1_max_backward_exact(s, dy, x, planes, tp, reinterpret_cast<int32_t *>(dp), dx);
}

void avg_backward_scalar(const S1Geo &s, const float *dy, int planes, float *, const float *rinv, const float *cinv,
                         float *dx) {
    s1_avg_backward_exact(s, dy, planes, rinv, cinv, dx);
}

const PoolS1Kernels kScalar{max_forward_scalar, argmax_scalar, avg_forward_scalar, max_backward_scalar,
                            avg_backward_scalar};

}  // namespace

void s1_max_forward_exact(const S1Geo &s, const float *x, int planes, float *y) {
    const int64_t plane = s.plane(), oplane = s.oplane();
    for (int p = 0; p < planes; ++p) {
        const float *xp = x + p * plane;
        float *yp = y + p * oplane;
        for (int i = 0; i < s.hout; ++i) {
            const int r0 = std::max(i - s.ph, 0), r1 = std::min(i - s.ph + s.kh, s.h);
            for (int j = 0; j < s.wout; ++j) {
                const int c0 = std::max(j - s.pw, 0), c1 = std::min(j - s.pw + s.kw, s.w);
                // column-major: the order whose first maximum the separable path keeps
                float m = xp[static_cast<int64_t>(r0) * s.w + c0];
                for (int c = c0; c < c1; ++c) {
                    for (int r = c == c0 ? r0 + 1 : r0; r < r1; ++r) {
                        const float v = xp[static_cast<int64_t>(r) * s.w + c];
                        if (beats(v, m)) m = v;
                    }
                }
                yp[static_cast<int64_t>(i) * s.wout + j] = m;
            }
        }
    }
}

void s1_argmax_exact(const S1Geo &s, const float *x, int planes, float *vals, int32_t *idx) {
    const int64_t plane = s.plane(), oplane = s.oplane();
    for (int p = 0; p < planes; ++p) {
        const float *xp = x + p * plane;
        float *vp = vals + p * oplane;
        int32_t *ip = idx + p * oplane;
        for (int i = 0; i < s.hout; ++i) {
            const int r0 = std::max(i - s.ph, 0), r1 = std::min(i - s.ph + s.kh, s.h);
            for (int j = 0; j < s.wout; ++j) {
                const int c0 = std::max(j - s.pw, 0), c1 = std::min(j - s.pw + s.kw, s.w);
                int32_t at = r0 * s.w + c0;  // a plane of at most 64 Ki floats: fits an int
                float m = xp[at];
                for (int r = r0; r < r1; ++r) {
                    for (int c = r == r0 ? c0 + 1 : c0; c < c1; ++c) {
                        const float v = xp[r * s.w + c];
                        if (beats(v, m)) {
                            m = v;
                            at = r * s.w + c;
                        }
                    }
                }
                vp[static_cast<int64_t>(i) * s.wout + j] = m;
                ip[static_cast<int64_t>(i) * s.wout + j] = at;
            }
        }
    }
}

void s1_max_backward_exact(const S1Geo &s, const float *dy, const float *x, int planes, float *vals, int32_t *idx,
                           float *dx) {
    const int64_t plane = s.plane(), oplane = s.oplane();
    for (int p = 0; p < planes; ++p) {
        s1_argmax_exact(s, x + p * plane, 1, vals, idx);
        float *dxp = dx + p * plane;
        const float *dyp = dy + p * oplane;
        std::fill(dxp, dxp + plane, 0.f);
        for (int64_t q = 0; q < oplane; ++q) dxp[idx[q]] += dyp[q];
    }
}

void s1_avg_backward_exact(const S1Geo &s, const float *dy, int planes, const float *rinv, const float *cinv,
                           float *dx) {
    const int64_t plane = s.plane(), oplane = s.oplane();
    for (int p = 0; p < planes; ++p) {
        const float *dyp = dy + p * oplane;
        float *dxp = dx + p * plane;
        for (int r = 0; r < s.h; ++r) {
            const int lo = std::max(r + s.ph - s.kh + 1, 0), hi = std::min(r + s.ph + 1, s.hout);
            for (int c = 0; c < s.w; ++c) {
                float acc = 0.f;
                for (int i = lo; i < hi; ++i) {
                    // window columns j - pw + b = c: j = c + pw - b for b = kw - 1 .. 0 (left to right in the
                    // scaled row), a column outside 0 .. wout - 1 adding +0
                    float u = 0.f;
                    for (int b = s.kw - 1; b >= 0; --b) {
                        const int j = c + s.pw - b;
                        float t = 0.f;
                        if (j >= 0 && j < s.wout) t = dyp[static_cast<int64_t>(i) * s.wout + j] * (rinv[i] * cinv[j]);
                        u = b == s.kw - 1 ? t : u + t;
                    }
                    acc = i == lo ? u : acc + u;
                }
                dxp[static_cast<int64_t>(r) * s.w + c] = acc;
            }
        }
    }
}

void s1_avg_forward_exact(const S1Geo &s, const float *x, int planes, const float *rext, const float *cext, float *y) {
    const int64_t plane = s.plane(), oplane = s.oplane();
    for (int p = 0; p < planes; ++p) {
        const float *xp = x + p * plane;
        float *yp = y + p * oplane;
        for (int i = 0; i < s.hout; ++i) {
            const int r0 = std::max(i - s.ph, 0), r1 = std::min(i - s.ph + s.kh, s.h);
            for (int j = 0; j < s.wout; ++j) {
                float sum = 0.f;
                for (int b = 0; b < s.kw; ++b) {
                    const int c = j - s.pw + b;
                    float v = 0.f;  // a border column: +0, as the separable path's padded row holds
                    if (c >= 0 && c < s.w) {
                        v = xp[static_cast<int64_t>(r0) * s.w + c];
                        for (int r = r0 + 1; r < r1; ++r) v += xp[static_cast<int64_t>(r) * s.w + c];
                    }
                    sum = b == 0 ? v : sum + v;
                }
                yp[static_cast<int64_t>(i) * s.wout + j] = sum / (rext[i] * cext[j]);
            }
        }
    }
}

bool s1_applies(const PoolGeo &g) {
    // stride 1: hout = h + 2 ph - kh + 1 in either rounding mode, so output row i reads padded rows i .. i + kh
    // - 1 of its plane; checked rather than assumed. Wider windows keep the separable per-row path (it
    // compares kh + kw times per output, this one kh * kw).
    const int64_t hp = static_cast<int64_t>(g.h) + 2 * g.ph, wp = static_cast<int64_t>(g.w) + 2 * g.pw;
    return g.sh == 1 && g.sw == 1 && g.kh >= 1 && g.kw >= 1 &&
           static_cast<int64_t>(g.kh) * g.kw <= kMaxTaps && g.ph < g.kh && g.pw < g.kw && hp * wp <= kMaxPadded &&
           static_cast<int64_t>(g.hout) + g.kh - 1 == hp && static_cast<int64_t>(g.wout) + g.kw - 1 == wp;
}

S1Geo s1_geo(const PoolGeo &g) {
    return S1Geo{g.h, g.w, g.ph, g.pw, g.kh, g.kw, g.hout, g.wout, g.h + 2 * g.ph, g.w + 2 * g.pw};
}

int s1_group(const S1Geo &s) {
    const int64_t cells = s.cells();
    return static_cast<int>(std::max<int64_t>(1, kGroupFloats / cells));
}

int64_t s1_stack_floats(const S1Geo &s, int planes) {
    return static_cast<int64_t>(planes) * s.hp * s.wp + kSlack;
}

int64_t s1_tap_floats(const S1Geo &s) {
    // slack: the gather's last four blocks read up to 4 vectors (of at most 16) and a window past a row start
    return (static_cast<int64_t>(s.hout) + 2 * s.kh - 2) * (static_cast<int64_t>(s.wout) + 2 * s.kw - 2) + 2 * kSlack;
}

void s1_tap_init(float *tp, int64_t floats) {
    int32_t *t = reinterpret_cast<int32_t *>(tp);  // int32 in float-sized, aligned storage
    std::fill(t, t + floats, -1);
}

void s1_stack_init(float *stack, int64_t floats, float border) { std::fill(stack, stack + floats, border); }

namespace {

// Planes per group for the task range [t0, t1): s1_group, at most the range.
int task_group(const S1Geo &s, int64_t t0, int64_t t1) {
    return static_cast<int>(std::min<int64_t>(s1_group(s), t1 - t0));
}

// fn(t, n) for the groups of planes [t, t + n) of [t0, t1), in order.
template <class Fn>
void for_groups(int64_t t0, int64_t t1, int group, Fn fn) {
    for (int64_t t = t0; t < t1; t += group) fn(t, static_cast<int>(std::min<int64_t>(group, t1 - t)));
}

// The max forward drivers' common part: one -inf-bordered stack, fn(s, stack, t, n) per group of planes.
template <class Fn>
int max_stack_groups(const PoolGeo &g, int64_t t0, int64_t t1, Fn fn) {
    const S1Geo s = s1_geo(g);
    const int group = task_group(s, t0, t1);
    if (group < 1) return C4J_OK;
    const int64_t floats = s1_stack_floats(s, group);
    FloatBuffer stack(floats);
    if (!stack.ok()) return C4J_ERR_OUT_OF_MEMORY;
    s1_stack_init(stack.get(), floats, -std::numeric_limits<float>::infinity());
    for_groups(t0, t1, group, [&](int64_t t, int n) { fn(s, stack.get(), t, n); });
    return C4J_OK;
}

}  // namespace

int s1_max_forward_tasks(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1) {
    return max_stack_groups(g, t0, t1, [&](const S1Geo &s, float *stack, int64_t t, int n) {
        pool_s1().max_forward(s, x + t * s.plane(), n, stack, y + t * s.oplane());
    });
}

int s1_argmax_tasks(const PoolGeo &g, const float *x, float *vals, int32_t *idx, int64_t t0, int64_t t1) {
    return max_stack_groups(g, t0, t1, [&](const S1Geo &s, float *stack, int64_t t, int n) {
        pool_s1().argmax(s, x + t * s.plane(), n, stack, vals + t * s.oplane(), idx + t * s.oplane());
    });
}

int s1_avg_forward_tasks(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1) {
    const S1Geo s = s1_geo(g);
    const int group = task_group(s, t0, t1);
    if (group < 1) return C4J_OK;
    const int64_t floats = s1_stack_floats(s, group);
    FloatBuffer stack(floats), ext(static_cast<int64_t>(s.hout) + s.wout + kSlack);
    if (!stack.ok() || !ext.ok()) return C4J_ERR_OUT_OF_MEMORY;
    s1_stack_init(stack.get(), floats, 0.f);
    float *rext = ext.get(), *cext = rext + s.hout;
    for (int i = 0; i < s.hout; ++i) rext[i] = static_cast<float>(row_extent(g, i));
    for (int j = 0; j < s.wout + kSlack; ++j) cext[j] = j < s.wout ? static_cast<float>(col_extent(g, j)) : 1.f;
    const PoolS1Kernels &k = pool_s1();
    const int64_t plane = s.plane(), oplane = s.oplane();
    for_groups(t0, t1, group, [&](int64_t t, int n) {
        k.avg_forward(s, x + t * plane, n, stack.get(), rext, cext, y + t * oplane);
    });
    return C4J_OK;
}

int s1_avg_backward_tasks(const PoolGeo &g, const float *dy, float *dx, int64_t t0, int64_t t1) {
    const S1Geo s = s1_geo(g);
    const int group = task_group(s, t0, t1);
    if (group < 1) return C4J_OK;
    const int64_t tf = s1_tap_floats(s);
    FloatBuffer tp(tf), inv(static_cast<int64_t>(s.hout) + s.wout + kSlack);
    if (!tp.ok() || !inv.ok()) return C4J_ERR_OUT_OF_MEMORY;
    std::fill(tp.get(), tp.get() + tf, 0.f);
    float *rinv = inv.get(), *cinv = rinv + s.hout;
    for (int i = 0; i < s.hout; ++i) rinv[i] = 1.f / static_cast<float>(row_extent(g, i));
    for (int j = 0; j < s.wout + kSlack; ++j) cinv[j] = j < s.wout ? 1.f / static_cast<float>(col_extent(g, j)) : 0.f;
    const PoolS1Kernels &k = pool_s1();
    const int64_t plane = s.plane(), oplane = s.oplane();
    for_groups(t0, t1, group, [&](int64_t t, int n) {
        k.avg_backward(s, dy + t * oplane, n, tp.get(), rinv, cinv, dx + t * plane);
    });
    return C4J_OK;
}

int s1_max_backward_tasks(const PoolGeo &g, const float *dy, const float *x, float *dx, int64_t t0, int64_t t1) {
    const S1Geo s = s1_geo(g);
    const int group = task_group(s, t0, t1);
    if (group < 1) return C4J_OK;
    const int64_t floats = s1_stack_floats(s, group), tf = s1_tap_floats(s);
    const int64_t plane = s.plane(), oplane = s.oplane();
    FloatBuffer stack(floats), tp(tf), dp(tf);
    if (!stack.ok() || !tp.ok() || !dp.ok()) return C4J_ERR_OUT_OF_MEMORY;
    s1_stack_init(stack.get(), floats, -std::numeric_limits<float>::infinity());
    s1_tap_init(tp.get(), tf);
    std::fill(dp.get(), dp.get() + tf, 0.f);
    const PoolS1Kernels &k = pool_s1();
    for_groups(t0, t1, group, [&](int64_t t, int n) {
        k.max_backward(s, dy + t * oplane, x + t * plane, n, stack.get(), tp.get(), dp.get(), dx + t * plane);
    });
    return C4J_OK;
}

const PoolS1Kernels &pool_s1_scalar() { return kScalar; }

const PoolS1Kernels &pool_s1() {
    if (cpu_use_avx512()) return pool_s1_avx512();
    if (cpu_use_avx2_fma()) return pool_s1_avx2();
    return kScalar;
}

}  // namespace c4j
