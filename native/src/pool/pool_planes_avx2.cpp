// AVX2 whole-plane pooling kernels for 2x2 stride-2 windows without padding (pool_planes.h): max and
// average, forward and backward, and max forward with indices. This file alone is compiled with AVX2/FMA
// flags and is only reached after cpu_use_avx2_fma() (pool_planes.cpp). Eight windows per vector: the two
// input rows of an output row are loaded as 16 floats each and split into even and odd columns with
// in-lane shuffles and one cross-lane permute, so a window's four cells are four whole vectors. Comparisons
// and additions run in the generic separable path's order (pool.cpp), so the bits are the same.
// Small planes (7 or 14 columns) go through masked loads: no scalar edge, no per-row scratch, no setup.
#include "pool/pool_planes.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace c4j {
namespace {

// All-ones in lanes [0, n), n clamped to [0, 8].
inline __m256i first_lanes(int64_t n) {
    const int k = static_cast<int>(n < 0 ? 0 : n > 8 ? 8 : n);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Floats [0, n) of p (n >= 8: a whole vector); the other lanes 0, and no address at or past p + n is read.
inline __m256 load(const float *p, int64_t n) {
    if (n >= 8) return _mm256_loadu_ps(p);
    if (n <= 0) return _mm256_setzero_ps();
    return _mm256_maskload_ps(p, first_lanes(n));
}

// Writes lanes [0, n) to p.
inline void store(float *p, int64_t n, __m256 v) {
    if (n >= 8) {
        _mm256_storeu_ps(p, v);
    } else if (n > 0) {
        _mm256_maskstore_ps(p, first_lanes(n), v);
    }
}

inline void store_i(int32_t *p, int64_t n, __m256i v) {
    if (n >= 8) {
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(p), v);
    } else if (n > 0) {
        _mm256_maskstore_epi32(p, first_lanes(n), v);
    }
}

struct Split {
    __m256 even, odd;  // columns 2l and 2l + 1 of the 16 in (a, b)
};

inline Split split(__m256 a, __m256 b) {
    // per 128-bit lane [a0 a2 b0 b2 | a4 a6 b4 b6], then the 64-bit pairs in order 0 2 1 3
    const __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256 o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    return Split{_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xD8)),
                 _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), 0xD8))};
}

// The inverse of split: columns [0, 8) and [8, 16) from even and odd column values.
inline void interleave(__m256 even, __m256 odd, __m256 &lo, __m256 &hi) {
    const __m256 l = _mm256_unpacklo_ps(even, odd), h = _mm256_unpackhi_ps(even, odd);
    lo = _mm256_permute2f128_ps(l, h, 0x20);
    hi = _mm256_permute2f128_ps(l, h, 0x31);
}

inline __m256 nan_mask(__m256 x) { return _mm256_cmp_ps(x, x, _CMP_UNORD_Q); }

// x beats the running maximum m: greater, or NaN over a number (the first maximum and the first NaN win)
inline __m256 beats(__m256 x, __m256 m) {
    return _mm256_or_ps(_mm256_cmp_ps(x, m, _CMP_GT_OQ), _mm256_andnot_ps(nan_mask(m), nan_mask(x)));
}

// Calls block(j, n) for outputs [j, j + n) of a row of wout outputs: n = 8, the last block moved back to end
// at wout (its outputs recomputed, the same values written again), or one block on rows of fewer than 8
// outputs: n = wout (masked loads and stores), or n = 8 when `whole` (the caller has checked that whole
// vectors stay inside the inputs and its task range). AVX2's masked stores are slow on some CPUs (AMD Zen), and
// 7x7 / 14x14 outputs are common, so small rows take whole vectors wherever they can: the lanes past the
// row land in cells that the same call writes again later (rows are written in ascending address order, and
// the cells no window covers are cleared after the plane's rows).
template <class F>
inline void blocks(int wout, bool whole, F block) {
    if (wout < 8) {
        block(int64_t{0}, whole ? int64_t{8} : static_cast<int64_t>(wout));
        return;
    }
    for (int64_t j = 0; j < wout; j += 8) block(std::min<int64_t>(j, wout - 8), int64_t{8});
}

// Whether a small row's whole-vector block stays inside: reading 16 floats at each of its two input rows (the
// second starts at x_row1) within the input, and writing `span` elements at out within the caller's range.
template <class T>
inline bool whole_fits(const float *x_row1, const float *x_end, const T *out, int64_t span, const T *out_end) {
    return x_row1 + 16 <= x_end && out + span <= out_end;
}

// Columns [2j, 2j + 2n) of a row, split.
inline Split load_split(const float *row, int64_t j, int64_t n) {
    const float *p = row + 2 * j;
    return split(load(p, 2 * n), load(p + 8, 2 * n - 8));
}

// Writes columns [2j, 2j + 2n) of a row from even / odd column values.
inline void store_pairs(float *row, int64_t j, int64_t n, __m256 even, __m256 odd) {
    __m256 lo, hi;
    interleave(even, odd, lo, hi);
    store(row + 2 * j, 2 * n, lo);
    store(row + 2 * j + 8, 2 * n - 8, hi);
}

// The first maximum of each 2x2 window (row-major: top-left a, top-right b, bottom-left c, bottom-right d),
// as masks of which cell it is, and its value.
struct Arg2 {
    __m256 m;           // the maximum
    __m256 b, c, d;     // all-ones where b / c / d is the first maximum (a where none is)
    __m256 any;         // b | c | d
};

inline Arg2 argmax2(const Split &u, const Split &dn) {
    __m256 m = u.even;
    const __m256 kb = beats(u.odd, m);
    m = _mm256_blendv_ps(m, u.odd, kb);
    const __m256 kc = beats(dn.even, m);
    m = _mm256_blendv_ps(m, dn.even, kc);
    const __m256 kd = beats(dn.odd, m);
    m = _mm256_blendv_ps(m, dn.odd, kd);
    // the last cell that beat the running maximum is the first maximal one
    const __m256 mc = _mm256_andnot_ps(kd, kc);
    const __m256 mb = _mm256_andnot_ps(_mm256_or_ps(kc, kd), kb);
    return Arg2{m, mb, mc, kd, _mm256_or_ps(kb, _mm256_or_ps(kc, kd))};
}

// Clears what no window covers: columns [2 wout, w) of the covered rows, and rows [2 hout, h).
inline void clear_uncovered(const PoolGeo &g, float *dxp) {
    const int64_t w = g.w, w2 = 2 * static_cast<int64_t>(g.wout);
    if (w2 < w) {
        for (int64_t r = 0; r < 2 * static_cast<int64_t>(g.hout); ++r)
            std::memset(dxp + r * w + w2, 0, sizeof(float) * static_cast<size_t>(w - w2));
    }
    const int64_t covered = 2 * static_cast<int64_t>(g.hout) * w, plane = static_cast<int64_t>(g.h) * w;
    if (covered < plane) std::memset(dxp + covered, 0, sizeof(float) * static_cast<size_t>(plane - covered));
}

}  // namespace

void k2s2_max_forward_avx2(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1) {
    const int64_t w = g.w, plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    // the generic path's order, rows first (it decides which of -0 and +0, or which NaN, is kept)
    auto colmax = [](__m256 top, __m256 bottom) { return _mm256_blendv_ps(top, bottom, beats(bottom, top)); };
    const float *x_end = x + static_cast<int64_t>(g.n) * g.c * plane, *y_end = y + t1 * oplane;
    for (int64_t t = t0; t < t1; ++t) {
        for (int i = 0; i < g.hout; ++i) {
            const float *r0 = x + t * plane + 2 * i * w, *r1 = r0 + w;
            float *yr = y + t * oplane + static_cast<int64_t>(i) * g.wout;
            blocks(g.wout, whole_fits(r1, x_end, yr, 8, y_end), [&](int64_t j, int64_t n) {
                const float *a = r0 + 2 * j, *b = r1 + 2 * j;
                const __m256 lo = colmax(load(a, 2 * n), load(b, 2 * n));
                const __m256 hi = colmax(load(a + 8, 2 * n - 8), load(b + 8, 2 * n - 8));
                const Split s = split(lo, hi);
                store(yr + j, n, colmax(s.even, s.odd));
            });
        }
    }
}

void k2s2_max_forward_indices_avx2(const PoolGeo &g, const float *x, float *y, int32_t *idx, int64_t t0,
                                   int64_t t1) {
    const int64_t w = g.w, plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    const __m256i lane2 = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14), one = _mm256_set1_epi32(1);
    const __m256i wv = _mm256_set1_epi32(g.w);
    const float *x_end = x + static_cast<int64_t>(g.n) * g.c * plane, *y_end = y + t1 * oplane;
    for (int64_t t = t0; t < t1; ++t) {
        for (int i = 0; i < g.hout; ++i) {
            const float *r0 = x + t * plane + 2 * i * w, *r1 = r0 + w;
            const int64_t o = t * oplane + static_cast<int64_t>(i) * g.wout;
            // idx has y's layout: whole vectors fit the one where they fit the other
            blocks(g.wout, whole_fits(r1, x_end, y + o, 8, y_end), [&](int64_t j, int64_t n) {
                const Arg2 a = argmax2(load_split(r0, j, n), load_split(r1, j, n));
                // flat index in the plane (fits an int32: the plane does): row 2i (+1 for c, d), column 2j (+1 for b, d)
                const __m256i base = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>(2 * i * w + 2 * j)), lane2);
                const __m256i bottom = _mm256_castps_si256(_mm256_or_ps(a.c, a.d));
                const __m256i right = _mm256_castps_si256(_mm256_or_ps(a.b, a.d));
                const __m256i at = _mm256_add_epi32(base, _mm256_add_epi32(_mm256_and_si256(bottom, wv),
                                                                            _mm256_and_si256(right, one)));
                store(y + o + j, n, a.m);
                store_i(idx + o + j, n, at);
            });
        }
    }
}

void k2s2_max_backward_avx2(const PoolGeo &g, const float *dy, const float *x, float *dx, int64_t t0, int64_t t1) {
    const __m256 zero = _mm256_setzero_ps();
    const int64_t w = g.w, plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    const int64_t planes = static_cast<int64_t>(g.n) * g.c;
    const float *x_end = x + planes * plane, *dy_end = dy + planes * oplane, *dx_end = dx + t1 * plane;
    for (int64_t t = t0; t < t1; ++t) {
        float *dxp = dx + t * plane;
        for (int i = 0; i < g.hout; ++i) {
            const float *r0 = x + t * plane + 2 * i * w, *r1 = r0 + w;
            float *d0 = dxp + 2 * i * w, *d1 = d0 + w;
            const float *dr = dy + t * oplane + static_cast<int64_t>(i) * g.wout;
            // a gather: each covered dx cell is written once (a block moved back writes the same values again)
            const bool whole = whole_fits(r1, x_end, d1, 16, dx_end) && dr + 8 <= dy_end;
            blocks(g.wout, whole, [&](int64_t j, int64_t n) {
                const Arg2 a = argmax2(load_split(r0, j, n), load_split(r1, j, n));
                // +0 + dy, as the generic path adds into a zeroed dx (a -0 gradient lands as +0)
                const __m256 gr = _mm256_add_ps(zero, load(dr + j, n));
                store_pairs(d0, j, n, _mm256_andnot_ps(a.any, gr), _mm256_and_ps(a.b, gr));
                store_pairs(d1, j, n, _mm256_and_ps(a.c, gr), _mm256_and_ps(a.d, gr));
            });
        }
        clear_uncovered(g, dxp);
    }
}

void k2s2_avg_forward_avx2(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1) {
    const __m256 quarter = _mm256_set1_ps(0.25f);  // x * 0.25 == x / 4 exactly (the generic path divides)
    const int64_t w = g.w, plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    for (int64_t t = t0; t < t1; ++t) {
        for (int i = 0; i < g.hout; ++i) {
            const float *r0 = x + t * plane + 2 * i * w, *r1 = r0 + w;
            float *yr = y + t * oplane + static_cast<int64_t>(i) * g.wout;
            blocks(g.wout, false, [&](int64_t j, int64_t n) {
                // the generic path's order: column sums first, then along the row
                const float *a = r0 + 2 * j, *b = r1 + 2 * j;
                const __m256 lo = _mm256_add_ps(load(a, 2 * n), load(b, 2 * n));
                const __m256 hi = _mm256_add_ps(load(a + 8, 2 * n - 8), load(b + 8, 2 * n - 8));
                const Split s = split(lo, hi);
                store(yr + j, n, _mm256_mul_ps(_mm256_add_ps(s.even, s.odd), quarter));
            });
        }
    }
}

void k2s2_avg_backward_avx2(const PoolGeo &g, const float *dy, float *dx, int64_t t0, int64_t t1) {
    const __m256 quarter = _mm256_set1_ps(0.25f), zero = _mm256_setzero_ps();
    const int64_t w = g.w, plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    for (int64_t t = t0; t < t1; ++t) {
        float *dxp = dx + t * plane;
        for (int i = 0; i < g.hout; ++i) {
            float *d0 = dxp + 2 * i * w, *d1 = d0 + w;
            const float *dr = dy + t * oplane + static_cast<int64_t>(i) * g.wout;
            blocks(g.wout, false, [&](int64_t j, int64_t n) {
                // 0 + dy * (1/2 * 1/2), the generic gather's sum for a cell one window covers
                const __m256 v = _mm256_add_ps(zero, _mm256_mul_ps(load(dr + j, n), quarter));
                store_pairs(d0, j, n, v, v);
                store_pairs(d1, j, n, v, v);
            });
        }
        clear_uncovered(g, dxp);
    }
}

bool pool_planes_avx2_built() { return true; }

}  // namespace c4j

#else  // not built with AVX2 (another architecture): never selected, see pool_planes.cpp

namespace c4j {
bool pool_planes_avx2_built() { return false; }
void k2s2_max_forward_avx2(const PoolGeo &, const float *, float *, int64_t, int64_t) {}
void k2s2_max_forward_indices_avx2(const PoolGeo &, const float *, float *, int32_t *, int64_t, int64_t) {}
void k2s2_max_backward_avx2(const PoolGeo &, const float *, const float *, float *, int64_t, int64_t) {}
void k2s2_avg_forward_avx2(const PoolGeo &, const float *, float *, int64_t, int64_t) {}
void k2s2_avg_backward_avx2(const PoolGeo &, const float *, float *, int64_t, int64_t) {}
}  // namespace c4j

#endif
