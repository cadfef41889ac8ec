// AVX-512 implicit-GEMM forward convolution (see conv_implicit.h). For each output row, blocks of up to
// 4 output channels x up to 6 strips of 16 output columns live in 24 registers while the (channel,
// kernel row, kernel column) taps run; each tap is one broadcast weight per channel and one contiguous
// load per strip from the phase-split input, whose columns m hold padded column m * sw + phase, so tap
// column b of output column j is phase (b * dw) % sw at m = j + (b * dw) / sw. Compiled with the AVX-512
// flags; reached only after CPUID (conv_implicit_active).
#include "conv_implicit.h"

#include <algorithm>
#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>

namespace c4j {
namespace {

#ifndef C4J_MAXS
#define C4J_MAXS 4
#define C4J_R 6
#endif
constexpr int kMaxS = C4J_MAXS;
constexpr int kR = C4J_R;

inline __mmask16 lane_mask(int n) { return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1u); }

// Output row i, channels co0 .. co0 + R (of this group), strips [s0, s0 + S) of 16 columns; the last
// strip of the row may be partial (mask `tail`, applied to the loads and stores of strip s0 + S - 1).
template <int R, int S>
void block(const ConvGeo &g, const float *src, const int64_t *tap_off, const float *w, const float *bias, int co0,
           int64_t out_off, __mmask16 tail, float *y_grp) {
    // one flat loop over the kg taps with fixed R and S, so the accumulators stay in registers
    __m512 acc[R * S];
    for (int r = 0; r < R; ++r) {
        const __m512 b = _mm512_set1_ps(bias != nullptr ? bias[co0 + r] : 0.f);
        for (int s = 0; s < S; ++s) acc[r * S + s] = b;
    }
    const float *wr = w + static_cast<int64_t>(co0) * g.kg;
    const int64_t kg = g.kg;
    for (int64_t t = 0; t < kg; ++t) {
        const float *p = src + tap_off[t];
        __m512 v[S];
#pragma GCC unroll 8
        for (int s = 0; s < S - 1; ++s) v[s] = _mm512_loadu_ps(p + 16 * s);
        v[S - 1] = _mm512_maskz_loadu_ps(tail, p + 16 * (S - 1));
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            const __m512 wv = _mm512_set1_ps(wr[r * kg + t]);
#pragma GCC unroll 8
            for (int s = 0; s < S; ++s) acc[r * S + s] = _mm512_fmadd_ps(wv, v[s], acc[r * S + s]);
        }
    }
    for (int r = 0; r < R; ++r) {
        float *dst = y_grp + (static_cast<int64_t>(co0) + r) * g.hw + out_off;
        for (int s = 0; s < S - 1; ++s) _mm512_storeu_ps(dst + 16 * s, acc[r * S + s]);
        _mm512_mask_storeu_ps(dst + 16 * (S - 1), tail, acc[r * S + S - 1]);
    }
}

// Output row i (whose taps start at src: stored row i * sh of channel 0, phase 0), channels
// co0 .. co0 + R: the row's strips in groups of at most kMaxS, sized evenly (7 strips -> 4 + 3).
template <int R>
void row_strips(const ConvGeo &g, const float *src, const int64_t *tap_off, const float *w, const float *bias, int co0,
                int i, float *y_grp) {
    const int strips = static_cast<int>((g.wout + 15) / 16);
    const int groups = (strips + kMaxS - 1) / kMaxS;
    int s0 = 0;
    for (int k = 0; k < groups; ++k) {
        const int S = (strips - s0 + (groups - k) - 1) / (groups - k);
        const bool last = s0 + S == strips;
        const __mmask16 tail = last ? lane_mask(g.wout - 16 * (strips - 1)) : __mmask16(0xFFFF);
        const float *p = src + 16 * s0;
        const int64_t out = static_cast<int64_t>(i) * g.wout + 16 * s0;
        switch (S) {
            case 1: block<R, 1>(g, p, tap_off, w, bias, co0, out, tail, y_grp); break;
            case 2: block<R, 2>(g, p, tap_off, w, bias, co0, out, tail, y_grp); break;
            case 3: block<R, 3>(g, p, tap_off, w, bias, co0, out, tail, y_grp); break;
            case 4: block<R, 4>(g, p, tap_off, w, bias, co0, out, tail, y_grp); break;
            default: break;
        }
        s0 += S;
    }
}

// Copies padded rows [r0, r0 + nr) of the group's cig planes into ws, split by column phase.
void fill_rows(const ConvGeo &g, const float *x_grp, int64_t r0, int64_t nr, int64_t mlen, float *ws) {
    for (int c = 0; c < g.cig; ++c) {
        const float *plane = x_grp + c * g.in_plane;
        for (int64_t rr = r0; rr < r0 + nr; ++rr) {
            const int64_t ih = rr - g.pt;
            for (int p = 0; p < g.sw; ++p) {
                float *dst = ws + ((c * nr + (rr - r0)) * g.sw + p) * mlen;
                if (ih < 0 || ih >= g.h) {
                    std::memset(dst, 0, sizeof(float) * mlen);
                    continue;
                }
                const float *row = plane + ih * g.w;
                // m covers input column m * sw + p - pl: zero outside [0, w)
                for (int64_t m = 0; m < mlen; ++m) {
                    const int64_t col = m * g.sw + p - g.pl;
                    dst[m] = (col >= 0 && col < g.w) ? row[col] : 0.f;
                }
            }
        }
    }
}

}  // namespace

void conv_implicit_forward_avx512(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                                  int64_t img, int i0, int i1, float *ws) {
    if (i1 <= i0) return;
    const int64_t r0 = static_cast<int64_t>(i0) * g.sh;
    const int64_t nr = static_cast<int64_t>(i1 - 1 - i0) * g.sh + static_cast<int64_t>(g.kh - 1) * g.dh + 1;
    const int64_t mlen = g.wout + static_cast<int64_t>(g.kw - 1) * g.dw / g.sw;
    // tap t = (c, a, b) of output row i reads stored row (i * sh - r0) + a * dh of channel c, phase
    // (b * dw) % sw, from column (b * dw) / sw on (kg <= 256 bounds the table)
    int64_t tap_off[256];
    for (int c = 0, t = 0; c < g.cig; ++c)
        for (int a = 0; a < g.kh; ++a)
            for (int b = 0; b < g.kw; ++b, ++t)
                tap_off[t] = ((c * nr + static_cast<int64_t>(a) * g.dh) * g.sw + (b * g.dw) % g.sw) * mlen +
                             (b * g.dw) / g.sw;
    for (int grp = 0; grp < g.groups; ++grp) {
        const float *xg = x + (img * g.cin + static_cast<int64_t>(grp) * g.cig) * g.in_plane;
        fill_rows(g, xg, r0, nr, mlen, ws);
        const float *wg = w + static_cast<int64_t>(grp) * g.cog * g.kg;
        const float *bg = bias != nullptr ? bias + static_cast<int64_t>(grp) * g.cog : nullptr;
        float *yg = y + (img * g.cout + static_cast<int64_t>(grp) * g.cog) * g.hw;
        for (int i = i0; i < i1; ++i) {
            const float *src = ws + (static_cast<int64_t>(i) * g.sh - r0) * g.sw * mlen;
            int co = 0;
            for (; co + kR <= g.cog; co += kR) row_strips<kR>(g, src, tap_off, wg, bg, co, i, yg);
            switch (g.cog - co) {
                case 5: row_strips<5>(g, src, tap_off, wg, bg, co, i, yg); break;
                case 4: row_strips<4>(g, src, tap_off, wg, bg, co, i, yg); break;
                case 3: row_strips<3>(g, src, tap_off, wg, bg, co, i, yg); break;
                case 2: row_strips<2>(g, src, tap_off, wg, bg, co, i, yg); break;
                case 1: row_strips<1>(g, src, tap_off, wg, bg, co, i, yg); break;
                default: break;
            }
        }
    }
}

bool conv_implicit_compiled() { return true; }

}  // namespace c4j

#else  // not an x86-64 build: conv_implicit_active() is false, never called

namespace c4j {
void conv_implicit_forward_avx512(const ConvGeo &, const float *, const float *, const float *, float *, int64_t, int,
                                  int, float *) {}
bool conv_implicit_compiled() { return false; }
}  // namespace c4j

#endif
