// AVX2 row kernels of the separable pooling. This file alone is compiled with -mavx2 -mfma and is
// only reached after a CPUID check (cpu_features.cpp), so the library still runs on any x86-64.
#include "pool/pool_rows.h"

#if defined(__AVX2__)
#include <immintrin.h>

#include <algorithm>

namespace c4j {
namespace {

inline __m256i first_lanes(int n) {  // all-ones in lanes [0, n), n in [0, 8]
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline __m256 nan_mask(__m256 x) { return _mm256_cmp_ps(x, x, _CMP_UNORD_Q); }

// x beats m: greater, or NaN over a number
inline __m256 beats(__m256 x, __m256 m) {
    return _mm256_or_ps(_mm256_cmp_ps(x, m, _CMP_GT_OQ), _mm256_andnot_ps(nan_mask(m), nan_mask(x)));
}

// Columns [j, j + 8) (or the first w when w < 8: masked loads and stores, which read and write nothing past
// column w) of the column max / sum. Callers run the full blocks, then the last w % 8 columns as one block
// moved back to end at w (its columns recomputed, the same values written again: outputs never overlap x),
// so only rows narrower than 8 take the masked path (masked stores are slow on some CPUs).
template <bool kMasked>
inline void col_max_block(const float *x, int64_t ldx, int rows, int j, __m256i k, float *vmax, int32_t *varg) {
    auto ld = [&](const float *p) { return kMasked ? _mm256_maskload_ps(p, k) : _mm256_loadu_ps(p); };
    __m256 m = ld(x + j);
    __m256 arg = _mm256_setzero_ps();  // row indices as int32 bit patterns
    for (int r = 1; r < rows; ++r) {
        const __m256 v = ld(x + r * ldx + j);
        // v wins when greater, or when it is NaN and the current maximum is not (PyTorch's rule)
        const __m256 win = beats(v, m);
        m = _mm256_blendv_ps(m, v, win);
        if (varg != nullptr) arg = _mm256_blendv_ps(arg, _mm256_castsi256_ps(_mm256_set1_epi32(r)), win);
    }
    if (kMasked) {
        _mm256_maskstore_ps(vmax + j, k, m);
        if (varg != nullptr) _mm256_maskstore_epi32(varg + j, k, _mm256_castps_si256(arg));
    } else {
        _mm256_storeu_ps(vmax + j, m);
        if (varg != nullptr) _mm256_storeu_si256(reinterpret_cast<__m256i *>(varg + j), _mm256_castps_si256(arg));
    }
}

void col_max(const float *x, int64_t ldx, int rows, int w, float *vmax, int32_t *varg) {
    const __m256i all = _mm256_set1_epi32(-1);
    if (w < 8) {
        if (w > 0) col_max_block<true>(x, ldx, rows, 0, first_lanes(w), vmax, varg);
        return;
    }
    int j = 0;
    for (; j + 8 <= w; j += 8) col_max_block<false>(x, ldx, rows, j, all, vmax, varg);
    if (j < w) col_max_block<false>(x, ldx, rows, w - 8, all, vmax, varg);
}

template <bool kMasked>
inline void col_sum_block(const float *x, int64_t ldx, int rows, int j, __m256i k, float *vsum) {
    auto ld = [&](const float *p) { return kMasked ? _mm256_maskload_ps(p, k) : _mm256_loadu_ps(p); };
    __m256 s = ld(x + j);
    for (int r = 1; r < rows; ++r) s = _mm256_add_ps(s, ld(x + r * ldx + j));
    if (kMasked) {
        _mm256_maskstore_ps(vsum + j, k, s);
    } else {
        _mm256_storeu_ps(vsum + j, s);
    }
}

void col_sum(const float *x, int64_t ldx, int rows, int w, float *vsum) {
    const __m256i all = _mm256_set1_epi32(-1);
    if (w < 8) {
        if (w > 0) col_sum_block<true>(x, ldx, rows, 0, first_lanes(w), vsum);
        return;
    }
    int j = 0;
    for (; j + 8 <= w; j += 8) col_sum_block<false>(x, ldx, rows, j, all, vsum);
    if (j < w) col_sum_block<false>(x, ldx, rows, w - 8, all, vsum);
}

void row_add(float *dst, const float *src, int w) {
    int j = 0;
    for (; j + 8 <= w; j += 8) {
        _mm256_storeu_ps(dst + j, _mm256_add_ps(_mm256_loadu_ps(dst + j), _mm256_loadu_ps(src + j)));
    }
    for (; j < w; ++j) dst[j] += src[j];
}

// Blocks of 8 window starts: block(c, part) for c = 0, 8, ...; a partial last block moves back to end at n
// when n >= 8 (the same values written again; callers never let out overlap what the kernel reads), or,
// for n < 8, runs once with part = true: loads and stores through the mask of lanes [0, n), so no address
// past the last window's cells is read (a band's scratch ends there) and nothing past out[n) is written.
template <class F>
inline void tail_blocks(int n, F block) {
    int c = 0;
    for (; c + 8 <= n; c += 8) block(c, false);
    if (c < n) {
        if (n >= 8) {
            block(n - 8, false);
        } else {
            block(0, true);
        }
    }
}

void win_max(const float *v, int n, int k, float *out) {
    const __m256i mk = first_lanes(n < 8 ? n : 8);
    tail_blocks(n, [&](int c, bool part) {
        auto ld = [&](const float *p) { return part ? _mm256_maskload_ps(p, mk) : _mm256_loadu_ps(p); };
        __m256 m = ld(v + c);
        for (int b = 1; b < k; ++b) {
            __m256 x = ld(v + c + b);
            m = _mm256_blendv_ps(m, x, beats(x, m));
        }
        if (part) {
            _mm256_maskstore_ps(out + c, mk, m);
        } else {
            _mm256_storeu_ps(out + c, m);
        }
    });
}

void win_sum(const float *v, int n, int k, float *out) {
    const __m256i mk = first_lanes(n < 8 ? n : 8);
    tail_blocks(n, [&](int c, bool part) {
        auto ld = [&](const float *p) { return part ? _mm256_maskload_ps(p, mk) : _mm256_loadu_ps(p); };
        __m256 s = ld(v + c);
        for (int b = 1; b < k; ++b) s = _mm256_add_ps(s, ld(v + c + b));
        if (part) {
            _mm256_maskstore_ps(out + c, mk, s);
        } else {
            _mm256_storeu_ps(out + c, s);
        }
    });
}

// Columns 2l of the 16 floats at p (l < 8): in-lane shuffle, then the 64-bit pairs in order 0 2 1 3.
inline __m256 even_of(const float *p) {
    const __m256 e = _mm256_shuffle_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8), _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xD8));
}

// Blocks of 8 outputs; the last moves back to end at n (the same values written again) when n >= 8, else
// one block whose lanes past n are computed from the caller's padding and not stored.
template <class F>
inline void s2_blocks(int n, float *out, F block) {
    if (n < 8) {
        _mm256_maskstore_ps(out, first_lanes(n), block(0));
        return;
    }
    for (int j = 0; j < n; j += 8) {
        const int j0 = j + 8 <= n ? j : n - 8;
        _mm256_storeu_ps(out + j0, block(j0));
    }
}

void win_max_s2(const float *v, int n, int k, float *out) {
    s2_blocks(n, out, [&](int j) {
        const float *p = v + 2 * static_cast<int64_t>(j);
        __m256 m = even_of(p);
        for (int b = 1; b < k; ++b) {
            const __m256 x = even_of(p + b);
            m = _mm256_blendv_ps(m, x, beats(x, m));
        }
        return m;
    });
}

void win_sum_s2(const float *v, int n, int k, float *out) {
    s2_blocks(n, out, [&](int j) {
        const float *p = v + 2 * static_cast<int64_t>(j);
        __m256 s = even_of(p);
        for (int b = 1; b < k; ++b) s = _mm256_add_ps(s, even_of(p + b));
        return s;
    });
}

void win_argmax(const float *v, const int32_t *va, int n, int k, float *out_v, int32_t *out_row, int32_t *out_col) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mk = first_lanes(n < 8 ? n : 8);
    tail_blocks(n, [&](int c, bool part) {
        auto ld = [&](const float *p) { return part ? _mm256_maskload_ps(p, mk) : _mm256_loadu_ps(p); };
        auto ldi = [&](const int32_t *p) {
            return part ? _mm256_maskload_epi32(p, mk) : _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
        };
        __m256 bv = ld(v + c);
        __m256i ba = ldi(va + c);
        __m256i bc = _mm256_add_epi32(_mm256_set1_epi32(c), lane);
        for (int b = 1; b < k; ++b) {
            __m256 x = ld(v + c + b);
            __m256i a = ldi(va + c + b);
            __m256 tie = _mm256_or_ps(_mm256_cmp_ps(x, bv, _CMP_EQ_OQ), _mm256_and_ps(nan_mask(x), nan_mask(bv)));
            __m256 earlier_row = _mm256_castsi256_ps(_mm256_cmpgt_epi32(ba, a));
            __m256 win = _mm256_or_ps(beats(x, bv), _mm256_and_ps(tie, earlier_row));
            bv = _mm256_blendv_ps(bv, x, win);
            ba = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(ba), _mm256_castsi256_ps(a), win));
            __m256i col = _mm256_add_epi32(_mm256_set1_epi32(c + b), lane);
            bc = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(bc), _mm256_castsi256_ps(col), win));
        }
        if (part) {
            _mm256_maskstore_ps(out_v + c, mk, bv);
            _mm256_maskstore_epi32(out_row + c, mk, ba);
            _mm256_maskstore_epi32(out_col + c, mk, bc);
        } else {
            _mm256_storeu_ps(out_v + c, bv);
            _mm256_storeu_si256(reinterpret_cast<__m256i *>(out_row + c), ba);
            _mm256_storeu_si256(reinterpret_cast<__m256i *>(out_col + c), bc);
        }
    });
}

inline __m256i even_of_i(const int32_t *p) { return _mm256_castps_si256(even_of(reinterpret_cast<const float *>(p))); }

void win_argmax_s2(const float *v, const int32_t *va, int n, int k, float *out_v, int32_t *out_row,
                   int32_t *out_col) {
    const __m256i lane2 = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    // blocks of 8 windows; the last moves back (n >= 8) or is stored through masks (n < 8)
    const int last = n < 8 ? 0 : n - 8;
    for (int j = 0;; j += 8) {
        const int j0 = std::min(j, last);
        const float *p = v + 2 * static_cast<int64_t>(j0);
        const int32_t *pa = va + 2 * static_cast<int64_t>(j0);
        __m256 bv = even_of(p);
        __m256i ba = even_of_i(pa);
        __m256i bc = _mm256_add_epi32(_mm256_set1_epi32(2 * j0), lane2);
        for (int b = 1; b < k; ++b) {
            const __m256 x = even_of(p + b);
            const __m256i a = even_of_i(pa + b);
            const __m256 tie = _mm256_or_ps(_mm256_cmp_ps(x, bv, _CMP_EQ_OQ), _mm256_and_ps(nan_mask(x), nan_mask(bv)));
            const __m256 earlier_row = _mm256_castsi256_ps(_mm256_cmpgt_epi32(ba, a));
            const __m256 win = _mm256_or_ps(beats(x, bv), _mm256_and_ps(tie, earlier_row));
            bv = _mm256_blendv_ps(bv, x, win);
            ba = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(ba), _mm256_castsi256_ps(a), win));
            const __m256i col = _mm256_add_epi32(_mm256_set1_epi32(2 * j0 + b), lane2);
            bc = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(bc), _mm256_castsi256_ps(col), win));
        }
        if (n < 8) {
            const __m256i m = first_lanes(n);
            _mm256_maskstore_ps(out_v, m, bv);
            _mm256_maskstore_epi32(out_row, m, ba);
            _mm256_maskstore_epi32(out_col, m, bc);
            return;
        }
        _mm256_storeu_ps(out_v + j0, bv);
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(out_row + j0), ba);
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(out_col + j0), bc);
        if (j0 == last) return;
    }
}

const PoolRowKernels kAvx2{col_max, col_sum, row_add, win_max, win_sum, win_max_s2, win_sum_s2, win_argmax, win_argmax_s2};

}  // namespace

const PoolRowKernels &pool_rows_avx2() { return kAvx2; }

}  // namespace c4j

#else  // not built with AVX2 (another architecture): never selected, see cpu_has_avx2_fma()

namespace c4j {
const PoolRowKernels &pool_rows_avx2() { return pool_rows_scalar(); }
}  // namespace c4j

#endif
