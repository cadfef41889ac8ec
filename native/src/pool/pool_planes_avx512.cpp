// AVX-512 whole-plane pooling kernels (pool_planes.h). This file alone is compiled with AVX-512 flags and
// is only reached after cpu_has_avx512() (pool_planes.cpp). Sixteen windows per vector: the input row is
// loaded as 32 floats and split into even and odd columns, so a stride-2 window reads whole vectors.
// Max backward gathers: each dx cell is written once, as the sum (in row-major window order, from +0) of
// the gradients of the windows whose first maximum it is, so dx needs no zeroing pass and no scatter.
#include "pool/pool_planes.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_*, which it then reports as
// "may be used uninitialized" wherever they inline (GCC bug 105593, fixed in GCC 13)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

namespace c4j {
namespace {

// The first min(n, 16) lanes (none when n <= 0).
inline __mmask16 lanes(int64_t n) {
    return n >= 16 ? static_cast<__mmask16>(0xFFFF) : n <= 0 ? static_cast<__mmask16>(0) : static_cast<__mmask16>((1u << n) - 1);
}

// v beats the current maximum m: greater, or NaN over a number (so the first maximum and the first NaN win)
inline __mmask16 beats(__m512 v, __m512 m) {
    return _kor_mask16(_mm512_cmp_ps_mask(v, m, _CMP_GT_OQ),
                       _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(m, m, _CMP_ORD_Q), v, v, _CMP_UNORD_Q));
}

// [prev[15], v[0 .. 15)]: the value one column pair to the left
inline __m512 shift_in(__m512 v, __m512 prev) {
    return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(v), _mm512_castps_si512(prev), 15));
}

// [prev[1 .. 16), v[0]]: the value one column pair to the right
inline __m512 shift_out(__m512 v, __m512 prev) {
    return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(v), _mm512_castps_si512(prev), 1));
}

struct Split {
    __m512 even, odd;  // columns 2l and 2l + 1 of the 32 loaded
};

struct Perms {
    __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    __m512i dup_lo = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    __m512i dup_hi = _mm512_setr_epi32(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
};

// Columns [c, c + 32) of a row of w floats split into even and odd ones, fill past the row's end (no
// address past it is formed).
inline Split load_split(const Perms &p, const float *row, int64_t c, int64_t w, __m512 fill = _mm512_setzero_ps()) {
    __m512 a = fill, b = fill;
    if (c + 32 <= w) {
        a = _mm512_loadu_ps(row + c);
        b = _mm512_loadu_ps(row + c + 16);
    } else {
        if (c < w) a = _mm512_mask_loadu_ps(fill, lanes(w - c), row + c);
        if (c + 16 < w) b = _mm512_mask_loadu_ps(fill, lanes(w - c - 16), row + c + 16);
    }
    return Split{_mm512_permutex2var_ps(a, p.even, b), _mm512_permutex2var_ps(a, p.odd, b)};
}

// Writes columns [c, c + 32) of a row of w floats (those inside it) from even / odd column values.
// kStream: whole vectors go out as streaming stores (row + c on 64 bytes and w % 16 == 0, so a vector is
// whole or outside); dx is not read again here and the line is not fetched before it is overwritten.
template <bool kStream = false>
inline void store_pairs(const Perms &p, float *row, int64_t c, int64_t w, __m512 even, __m512 odd) {
    const __m512 lo = _mm512_permutex2var_ps(even, p.lo, odd), hi = _mm512_permutex2var_ps(even, p.hi, odd);
    if (kStream) {
        if (c < w) _mm512_stream_ps(row + c, lo);
        if (c + 16 < w) _mm512_stream_ps(row + c + 16, hi);
        return;
    }
    if (c + 32 <= w) {
        _mm512_storeu_ps(row + c, lo);
        _mm512_storeu_ps(row + c + 16, hi);
        return;
    }
    if (c < w) _mm512_mask_storeu_ps(row + c, lanes(w - c), lo);
    if (c + 16 < w) _mm512_mask_storeu_ps(row + c + 16, lanes(w - c - 16), hi);
}

// Clears columns [from, w) of a row: cells no window covers.
inline void clear_uncovered_cols(float *row, int64_t from, int64_t w) {
    if (from < w) std::memset(row + from, 0, sizeof(float) * static_cast<size_t>(w - from));
}

}  // namespace

// Calls block(j, n) for outputs [j, j + n) of a 2x2 stride-2 row, n = 16 except on rows narrower than 16
// outputs; the last partial block moves back to end at wout (its outputs are recomputed, same values) so
// that every load and store is a whole vector.
template <class F>
inline void k2s2_blocks(int wout, F block) {
    if (wout < 16) {
        block(0, static_cast<int64_t>(wout));
        return;
    }
    for (int64_t j = 0; j < wout; j += 16) block(std::min<int64_t>(j, wout - 16), int64_t{16});
}

// Even and odd columns [2j, 2j + 32) of op(row r0, row r1) for n <= 16 outputs, op applied to the raw rows
// first (column pairs reduce before the split: one split per block instead of two).
template <class Op>
inline Split k2s2_columns(const Perms &p, const float *r0, const float *r1, int64_t j, int64_t n, Op op) {
    const float *a0 = r0 + 2 * j, *a1 = r1 + 2 * j;
    __m512 a, b = _mm512_setzero_ps();
    if (n == 16) {
        a = op(_mm512_loadu_ps(a0), _mm512_loadu_ps(a1));
        b = op(_mm512_loadu_ps(a0 + 16), _mm512_loadu_ps(a1 + 16));
    } else {
        a = op(_mm512_maskz_loadu_ps(lanes(2 * n), a0), _mm512_maskz_loadu_ps(lanes(2 * n), a1));
        if (n > 8) b = op(_mm512_maskz_loadu_ps(lanes(2 * n - 16), a0 + 16), _mm512_maskz_loadu_ps(lanes(2 * n - 16), a1 + 16));
    }
    return Split{_mm512_permutex2var_ps(a, p.even, b), _mm512_permutex2var_ps(a, p.odd, b)};
}

void k2s2_max_forward_avx512(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1) {
    const Perms p;
    const int64_t w = g.w, plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    // the generic path's order, columns first (it decides which of -0 and +0, or which NaN, is kept)
    auto colmax = [](__m512 top, __m512 bottom) { return _mm512_mask_mov_ps(top, beats(bottom, top), bottom); };
    for (int64_t t = t0; t < t1; ++t) {
        for (int i = 0; i < g.hout; ++i) {
            const float *r0 = x + t * plane + 2 * i * w, *r1 = r0 + w;
            float *yr = y + t * oplane + static_cast<int64_t>(i) * g.wout;
            k2s2_blocks(g.wout, [&](int64_t j, int64_t n) {
                const Split c = k2s2_columns(p, r0, r1, j, n, colmax);
                _mm512_mask_storeu_ps(yr + j, lanes(n), colmax(c.even, c.odd));
            });
        }
    }
}

void k2s2_max_backward_avx512(const PoolGeo &g, const float *dy, const float *x, float *dx, int64_t t0, int64_t t1) {
    const Perms p;
    const __m512 zero = _mm512_setzero_ps();
    const int64_t w = g.w, w2 = 2 * static_cast<int64_t>(g.wout);
    const int64_t plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    for (int64_t t = t0; t < t1; ++t) {
        float *dxp = dx + t * plane;
        for (int i = 0; i < g.hout; ++i) {
            const float *r0 = x + t * plane + 2 * i * w, *r1 = r0 + w;
            float *d0 = dxp + 2 * i * w, *d1 = d0 + w;
            const float *dr = dy + t * oplane + static_cast<int64_t>(i) * g.wout;
            for (int64_t j = 0; j < g.wout; j += 16) {
                Split u = load_split(p, r0, 2 * j, w2);
                Split d = load_split(p, r1, 2 * j, w2);
                // +0 + dy, as the generic path adds into a zeroed dx (a -0 gradient lands as +0)
                __m512 gr = _mm512_add_ps(zero, _mm512_maskz_loadu_ps(lanes(g.wout - j), dr + j));
                __m512 m = u.even;
                __mmask16 kb = beats(u.odd, m);
                m = _mm512_mask_mov_ps(m, kb, u.odd);
                __mmask16 kc = beats(d.even, m);
                m = _mm512_mask_mov_ps(m, kc, d.even);
                __mmask16 kd = beats(d.odd, m);
                // the last window cell that beat the running maximum is the first maximal one
                __mmask16 mc = static_cast<__mmask16>(kc & ~kd), mb = static_cast<__mmask16>(kb & ~(kc | kd));
                __mmask16 ma = static_cast<__mmask16>(~(kb | kc | kd));
                store_pairs(p, d0, 2 * j, w2, _mm512_maskz_mov_ps(ma, gr), _mm512_maskz_mov_ps(mb, gr));
                store_pairs(p, d1, 2 * j, w2, _mm512_maskz_mov_ps(mc, gr), _mm512_maskz_mov_ps(kd, gr));
            }
            clear_uncovered_cols(d0, w2, w);
            clear_uncovered_cols(d1, w2, w);
        }
        const int64_t covered = 2 * static_cast<int64_t>(g.hout) * w;
        if (covered < plane) std::memset(dxp + covered, 0, sizeof(float) * static_cast<size_t>(plane - covered));
    }
}

void k2s2_max_forward_indices_avx512(const PoolGeo &g, const float *x, float *y, int32_t *idx, int64_t t0,
                                     int64_t t1) {
    const Perms p;
    const int64_t w = g.w, w2 = 2 * static_cast<int64_t>(g.wout);
    const int64_t plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    const __m512i lane2 = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i wv = _mm512_set1_epi32(g.w), one = _mm512_set1_epi32(1);
    for (int64_t t = t0; t < t1; ++t) {
        for (int i = 0; i < g.hout; ++i) {
            const float *r0 = x + t * plane + 2 * i * w, *r1 = r0 + w;
            const int64_t o = t * oplane + static_cast<int64_t>(i) * g.wout;
            k2s2_blocks(g.wout, [&](int64_t j, int64_t n) {
                // the first maximum in row-major order, as k2s2_max_backward_avx512 finds it
                const Split u = load_split(p, r0, 2 * j, w2);
                const Split d = load_split(p, r1, 2 * j, w2);
                __m512 m = u.even;
                const __mmask16 kb = beats(u.odd, m);
                m = _mm512_mask_mov_ps(m, kb, u.odd);
                const __mmask16 kc = beats(d.even, m);
                m = _mm512_mask_mov_ps(m, kc, d.even);
                const __mmask16 kd = beats(d.odd, m);
                m = _mm512_mask_mov_ps(m, kd, d.odd);
                const __mmask16 bottom = static_cast<__mmask16>(kc | kd);
                const __mmask16 right = static_cast<__mmask16>((kb & ~(kc | kd)) | kd);
                // flat index in the plane (fits an int32: the plane does): row 2i (+1 bottom), column 2j (+1 right)
                __m512i at = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int32_t>(2 * i * w + 2 * j)), lane2);
                at = _mm512_mask_add_epi32(at, bottom, at, wv);
                at = _mm512_mask_add_epi32(at, right, at, one);
                _mm512_mask_storeu_ps(y + o + j, lanes(n), m);
                _mm512_mask_storeu_epi32(idx + o + j, lanes(n), at);
            });
        }
    }
}

void k2s2_avg_forward_avx512(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1) {
    const Perms p;
    const __m512 quarter = _mm512_set1_ps(0.25f);  // x * 0.25 == x / 4 exactly (the generic path divides)
    const int64_t w = g.w, plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    // the generic path's order: column sums first, then along the row
    auto add = [](__m512 top, __m512 bottom) { return _mm512_add_ps(top, bottom); };
    for (int64_t t = t0; t < t1; ++t) {
        for (int i = 0; i < g.hout; ++i) {
            const float *r0 = x + t * plane + 2 * i * w, *r1 = r0 + w;
            float *yr = y + t * oplane + static_cast<int64_t>(i) * g.wout;
            k2s2_blocks(g.wout, [&](int64_t j, int64_t n) {
                const Split c = k2s2_columns(p, r0, r1, j, n, add);
                _mm512_mask_storeu_ps(yr + j, lanes(n), _mm512_mul_ps(_mm512_add_ps(c.even, c.odd), quarter));
            });
        }
    }
}

void k2s2_avg_backward_avx512(const PoolGeo &g, const float *dy, float *dx, int64_t t0, int64_t t1) {
    const Perms p;
    const __m512 quarter = _mm512_set1_ps(0.25f), zero = _mm512_setzero_ps();
    const int64_t w = g.w, w2 = 2 * static_cast<int64_t>(g.wout);
    const int64_t plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    for (int64_t t = t0; t < t1; ++t) {
        float *dxp = dx + t * plane;
        for (int i = 0; i < g.hout; ++i) {
            float *d0 = dxp + 2 * i * w, *d1 = d0 + w;
            const float *dr = dy + t * oplane + static_cast<int64_t>(i) * g.wout;
            for (int64_t j = 0; j < g.wout; j += 16) {
                __m512 v = _mm512_add_ps(zero, _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes(g.wout - j), dr + j), quarter));
                __m512 lo = _mm512_permutexvar_ps(p.dup_lo, v), hi = _mm512_permutexvar_ps(p.dup_hi, v);
                const int64_t c = 2 * j;
                _mm512_mask_storeu_ps(d0 + c, lanes(w2 - c), lo);
                _mm512_mask_storeu_ps(d1 + c, lanes(w2 - c), lo);
                if (c + 16 < w2) {
                    _mm512_mask_storeu_ps(d0 + c + 16, lanes(w2 - c - 16), hi);
                    _mm512_mask_storeu_ps(d1 + c + 16, lanes(w2 - c - 16), hi);
                }
            }
            clear_uncovered_cols(d0, w2, w);
            clear_uncovered_cols(d1, w2, w);
        }
        const int64_t covered = 2 * static_cast<int64_t>(g.hout) * w;
        if (covered < plane) std::memset(dxp + covered, 0, sizeof(float) * static_cast<size_t>(plane - covered));
    }
}

namespace {

inline __m512i shift_in_i(__m512i v, __m512i prev) { return _mm512_alignr_epi32(v, prev, 15); }

// Max backward of the 3x3 kernel: per lane (window) a candidate cell, its value and kernel row 0..2.
// Column -1 (padding) is (-inf, kOutside): any real cell beats or out-ties it. Columns past the input's end
// are loaded as -inf and keep the first real row, so they cannot win either: a real best that is -inf has
// the first real row too (nothing in its column beats -inf), and a tie needs a strictly earlier row.
// No "is there a cell yet" mask is needed. kNan: the block holds a NaN, so compares follow the NaN rule
// (NaN beats a number, NaNs tie); without NaNs a plain compare gives the same answer, cheaper. (A NaN
// shifted in from the previous block comes first in its window and stays best under either rule.)
constexpr int kOutside = 3;

struct Cand {
    __m512 v;
    __m512i r;
};

template <bool kNan>
inline __mmask16 gt(__m512 v, __m512 m) {
    return kNan ? beats(v, m) : _mm512_cmp_ps_mask(v, m, _CMP_GT_OQ);
}

template <bool kNan>
inline __mmask16 tie(__m512 v, __m512 m) {
    const __mmask16 eq = _mm512_cmp_ps_mask(v, m, _CMP_EQ_OQ);
    return kNan ? _kor_mask16(eq, _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(m, m, _CMP_UNORD_Q), v, v, _CMP_UNORD_Q)) : eq;
}

// the next row down in the same column: taken only when it beats (the first maximum stays)
template <bool kNan>
inline void down(Cand &c, __m512 x, __m512i row) {
    const __mmask16 win = gt<kNan>(x, c.v);
    c.v = _mm512_mask_mov_ps(c.v, win, x);
    c.r = _mm512_mask_mov_epi32(c.r, win, row);
}

// the next column's candidate: taken when it beats, or ties at an earlier row (row-major order)
template <bool kNan>
inline __mmask16 across(Cand &best, const Cand &c) {
    const __mmask16 win = _kor_mask16(gt<kNan>(c.v, best.v), _mm512_mask_cmplt_epi32_mask(tie<kNan>(c.v, best.v), c.r, best.r));
    best.v = _mm512_mask_mov_ps(best.v, win, c.v);
    best.r = _mm512_mask_mov_epi32(best.r, win, c.r);
    return win;
}

// Where each window's first maximum is: kernel row r (0..2), and column masks (middle c1, right c2, else left).
struct K3Arg {
    __m512i r;
    __mmask16 c1, c2;
};

// rows[0 .. N): the window rows inside the input, the first at kernel row r0; prev: the previous block's
// right column (window j - 1's, which is column 2j - 1 of window j).
template <bool kNan, int N>
inline K3Arg k3_argmax(const Split (&rows)[N], int r0, Cand &prev) {
    const __m512i first = _mm512_set1_epi32(r0);
    Cand e{rows[0].even, first}, o{rows[0].odd, first};
    for (int k = 1; k < N; ++k) {
        const __m512i rv = _mm512_set1_epi32(r0 + k);
        down<kNan>(e, rows[k].even, rv);
        down<kNan>(o, rows[k].odd, rv);
    }
    Cand best{shift_in(o.v, prev.v), shift_in_i(o.r, prev.r)};
    prev = o;
    const __mmask16 w1 = across<kNan>(best, e);
    const __mmask16 w2 = across<kNan>(best, o);
    return K3Arg{best.r, _kandn_mask16(w2, w1), w2};
}

}  // namespace

void k3s2p1_max_forward_avx512(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1) {
    const Perms p;
    const __m512 neg_inf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    const int64_t w = g.w, plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * plane;
        for (int i = 0; i < g.hout; ++i) {
            float *yr = y + t * oplane + static_cast<int64_t>(i) * g.wout;
            const int r0 = std::max(2 * i - 1, 0), r1 = std::min(2 * i + 2, g.h);  // at least one row
            __m512 prev_odd = neg_inf;  // column -1: padding
            for (int64_t j0 = 0; j0 < g.wout; j0 += 16) {
                // the generic path's order: each column's maximum over the rows, then along the row, with
                // padding and columns past the end as -inf (the generic path pads with -inf too)
                Split c = load_split(p, xp + static_cast<int64_t>(r0) * w, 2 * j0, w, neg_inf);
                for (int r = r0 + 1; r < r1; ++r) {
                    Split s = load_split(p, xp + static_cast<int64_t>(r) * w, 2 * j0, w, neg_inf);
                    c.even = _mm512_mask_mov_ps(c.even, beats(s.even, c.even), s.even);
                    c.odd = _mm512_mask_mov_ps(c.odd, beats(s.odd, c.odd), s.odd);
                }
                __m512 m = shift_in(c.odd, prev_odd);
                m = _mm512_mask_mov_ps(m, beats(c.even, m), c.even);
                m = _mm512_mask_mov_ps(m, beats(c.odd, m), c.odd);
                prev_odd = c.odd;
                _mm512_mask_storeu_ps(yr + j0, lanes(g.wout - j0), m);
            }
        }
    }
}

namespace {

// Gradients of one window row i (dy row dr) for its N rows inside the input (xr: the first, kernel row r0),
// written to dx rows 2i - 1 (top, when kTop) and 2i (mid, when inside); row 2i + 1 is left in carry for window row
// i + 1, which adds to it first (row-major window order).
// The rows go out in 64-byte chunks aligned to the row: chunk b is columns [32b, 32b + 32), block b's
// middle cells (column 2j, window j's) and the cells right of them (column 2j + 1: window j's right cell,
// then window j + 1's left cell, the next lane, for the last lane the next block's first). So chunk b is
// written when block b + 1 is known, and a block past the last (all zero) flushes the row.
template <int N, bool kTop, bool kStream>
inline void k3_backward_row(const Perms &p, const PoolGeo &g, const float *xr, int r0, const float *dr, float *top,
                            float *mid, float *carry) {
    constexpr bool kMid = !kTop || N >= 2;  // row 2i is inside (past the end only in a ceil-mode last row)
    const __m512 zero = _mm512_setzero_ps(), neg_inf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    const int64_t w = g.w, jend = static_cast<int64_t>(g.wout) + 1;  // window wout has no cells but ends column 2 wout - 1
    Cand prev{neg_inf, _mm512_set1_epi32(kOutside)};  // column -1 is padding
    __m512 pg[3][3] = {{zero, zero, zero}, {zero, zero, zero}, {zero, zero, zero}};  // block b - 1's, [row][column]
    for (int64_t j0 = 0, b = 0;; j0 += 16, ++b) {
        __m512 gc[3][3] = {{zero, zero, zero}, {zero, zero, zero}, {zero, zero, zero}};
        const bool more = j0 < jend;
        if (more) {
            Split rows[N];
            __mmask16 nan = 0;
            for (int k = 0; k < N; ++k) {
                rows[k] = load_split(p, xr + k * w, 2 * j0, w, neg_inf);
                nan = _kor_mask16(nan, _mm512_cmp_ps_mask(rows[k].even, rows[k].odd, _CMP_UNORD_Q));
            }
            const K3Arg a = nan != 0 ? k3_argmax<true, N>(rows, r0, prev) : k3_argmax<false, N>(rows, r0, prev);
            // +0 + dy: a -0 gradient lands as +0, as in the generic path's sums from a zeroed dx; then no term
            // below is -0, so the sums that start from zero can leave the zero out
            const __m512 gr = _mm512_add_ps(zero, j0 + 16 <= g.wout ? _mm512_loadu_ps(dr + j0)
                                                  : j0 < g.wout     ? _mm512_maskz_loadu_ps(lanes(g.wout - j0), dr + j0)
                                                                    : zero);
            const __mmask16 c0 = _knot_mask16(_kor_mask16(a.c1, a.c2));
            for (int ro = kTop ? 0 : 1; ro < 3; ++ro) {
                const __m512 gro = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(a.r, _mm512_set1_epi32(ro)), gr);
                gc[ro][0] = _mm512_maskz_mov_ps(c0, gro);
                gc[ro][1] = _mm512_maskz_mov_ps(a.c1, gro);
                gc[ro][2] = _mm512_maskz_mov_ps(a.c2, gro);
            }
        }
        if (b > 0) {
            float *cb = carry + 32 * (b - 1);
            const int64_t c = 32 * (b - 1);
            // column 2j + 1 of each dx row: window j's right cell, then window j + 1's left cell
            __m512 odd[3];
            for (int ro = kTop ? 0 : 1; ro < 3; ++ro) odd[ro] = shift_out(gc[ro][0], pg[ro][0]);
            if (kTop) {  // window row i - 1's bottom row comes first
                const __m512 o = _mm512_add_ps(_mm512_add_ps(_mm512_loadu_ps(cb), pg[0][2]), odd[0]);
                store_pairs<kStream>(p, top, c, w, _mm512_add_ps(_mm512_loadu_ps(cb + 16), pg[0][1]), o);
            }
            if (kMid) store_pairs<kStream>(p, mid, c, w, pg[1][1], _mm512_add_ps(pg[1][2], odd[1]));
            _mm512_storeu_ps(cb, _mm512_add_ps(pg[2][2], odd[2]));
            _mm512_storeu_ps(cb + 16, pg[2][1]);
        }
        if (!more) break;
        for (int ro = 0; ro < 3; ++ro)
            for (int k = 0; k < 3; ++k) pg[ro][k] = gc[ro][k];
    }
}

template <bool kStream>
void k3s2p1_max_backward_planes(const PoolGeo &g, const float *dy, const float *x, float *dx, int64_t t0, int64_t t1,
                                float *carry) {
    const Perms p;
    const int64_t w = g.w, plane = static_cast<int64_t>(g.h) * g.w, oplane = static_cast<int64_t>(g.hout) * g.wout;
    const int64_t chunks = ceil_div(static_cast<int64_t>(g.wout) + 1, 16);
    for (int64_t t = t0; t < t1; ++t) {
        const float *xp = x + t * plane;
        float *dxp = dx + t * plane;
        for (int i = 0; i < g.hout; ++i) {
            const float *dr = dy + t * oplane + static_cast<int64_t>(i) * g.wout;
            const int top = 2 * i - 1;  // dx rows top, top + 1, top + 2 (to carry)
            const int r0 = std::max(top, 0), r1 = std::min(top + 3, g.h);  // at least one row
            const float *xr = xp + static_cast<int64_t>(r0) * w;
            float *tr = i > 0 ? dxp + static_cast<int64_t>(top) * w : nullptr;
            float *mr = top + 1 < g.h ? dxp + static_cast<int64_t>(top + 1) * w : nullptr;
            // the rows inside the input as a constant, so they stay in registers; i == 0: row -1 is padding
            if (i == 0) {
                if (r1 - r0 == 2) {
                    k3_backward_row<2, false, kStream>(p, g, xr, r0 - top, dr, nullptr, mr, carry);
                } else {
                    k3_backward_row<1, false, kStream>(p, g, xr, r0 - top, dr, nullptr, mr, carry);
                }
            } else if (r1 - r0 == 3) {
                k3_backward_row<3, true, kStream>(p, g, xr, r0 - top, dr, tr, mr, carry);
            } else if (r1 - r0 == 2) {
                k3_backward_row<2, true, kStream>(p, g, xr, r0 - top, dr, tr, mr, carry);
            } else {
                k3_backward_row<1, true, kStream>(p, g, xr, r0 - top, dr, tr, nullptr, carry);
            }
        }
        // the last window row's bottom dx row is complete
        const int last = 2 * g.hout - 1;
        if (last < g.h) {
            for (int64_t b = 0; b < chunks; ++b)
                store_pairs<kStream>(p, dxp + static_cast<int64_t>(last) * w, 32 * b, w, _mm512_loadu_ps(carry + 32 * b + 16),
                                     _mm512_loadu_ps(carry + 32 * b));
        }
        // 2 hout >= h and 2 wout >= w here (floor((h - 1) / 2) + 1 windows at least), so every dx cell was written
    }
    if (kStream) _mm_sfence();  // the streamed lines are visible before the caller's threads join
}

}  // namespace

void k3s2p1_max_backward_avx512(const PoolGeo &g, const float *dy, const float *x, float *dx, int64_t t0, int64_t t1,
                                float *carry) {
    // Streaming stores pay off once dx is larger than the caches hold anyway (and need whole 64-byte lines)
    const bool stream = reinterpret_cast<uintptr_t>(dx) % 64 == 0 && g.w % 16 == 0 &&
                        int64_t{g.n} * g.c * g.h * g.w * 4 >= (int64_t{16} << 20);
    if (stream) {
        k3s2p1_max_backward_planes<true>(g, dy, x, dx, t0, t1, carry);
    } else {
        k3s2p1_max_backward_planes<false>(g, dy, x, dx, t0, t1, carry);
    }
}

bool pool_planes_avx512_built() { return true; }

}  // namespace c4j

#else  // not built with AVX-512 (another architecture or compiler): never selected, see pool_planes.cpp

namespace c4j {
bool pool_planes_avx512_built() { return false; }
void k2s2_max_forward_avx512(const PoolGeo &, const float *, float *, int64_t, int64_t) {}
void k2s2_max_backward_avx512(const PoolGeo &, const float *, const float *, float *, int64_t, int64_t) {}
void k2s2_max_forward_indices_avx512(const PoolGeo &, const float *, float *, int32_t *, int64_t, int64_t) {}
void k2s2_avg_forward_avx512(const PoolGeo &, const float *, float *, int64_t, int64_t) {}
void k2s2_avg_backward_avx512(const PoolGeo &, const float *, float *, int64_t, int64_t) {}
void k3s2p1_max_forward_avx512(const PoolGeo &, const float *, float *, int64_t, int64_t) {}
void k3s2p1_max_backward_avx512(const PoolGeo &, const float *, const float *, float *, int64_t, int64_t, float *) {}
}  // namespace c4j

#endif
