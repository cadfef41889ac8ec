// AVX-512 implicit-GEMM convolution (see conv_implicit.h). Input rows are copied zero-padded and split by
// column phase: phase row p of a padded row holds its columns m * sw + p, so tap column b of output
// column j is phase (b * dw) % sw at m = j + (b * dw) / sw, and every strip of 16 outputs reads 16
// contiguous floats per tap whatever the stride.
// Forward: 6 output channels x up to 4 strips in 24 registers while the (channel, kernel row, kernel
// column) taps run: per tap one broadcast weight per channel and one load per strip.
// Weight gradient: 4 output channels x 6 taps of 16-lane partial sums in 24 registers while the strips of
// a span of output rows run: per strip one dy load per channel and one input load per tap.
// Compiled with the AVX-512 flags; reached only after CPUID (conv_implicit_active and friends).
#include "conv/conv_implicit.h"

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>

// Full unrolling of the register-block loops (their trip counts are template constants; MSVC does not
// know this pragma and unrolls such loops on its own).
#if defined(__GNUC__)
#define C4J_UNROLL _Pragma("GCC unroll 8")
#else
#define C4J_UNROLL
#endif

namespace c4j {
namespace {

// Forward register block: kR output channels x up to kMaxS strips (24 accumulators). Measured on the stem
// (one thread, Zen 5): 6 x 4 and 6 x 3 ran at 200 GFLOP/s, 8 x 3 at 157; 4 x 6, 4 x 4 and 5 x 4 at
// 60-80 (GCC kept their accumulators on the stack).
constexpr int kMaxS = 4;
constexpr int kR = 6;

// Horizontal sum in a fixed pairwise order (through memory: GCC 12's 512-to-256-bit casts and
// _mm512_reduce_add_ps trip -Wmaybe-uninitialized in its own header; this runs once per dW element).
inline float hsum(__m512 v) {
    alignas(64) float t[16];
    _mm512_store_ps(t, v);
    for (int w = 8; w >= 1; w /= 2)
        for (int k = 0; k < w; ++k) t[k] += t[k + w];
    return t[0];
}

inline __mmask16 lane_mask(int n) { return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1u); }

// A group of up to kMaxS strips of 16 output columns, from one or several output rows (narrow images
// put several rows in one register block): where each strip's taps start in ws, where it goes in the
// output plane, and which of its lanes exist.
struct Strips {
    const float *src[kMaxS];
    int64_t out[kMaxS];
    __mmask16 mask[kMaxS];
};

// Channels co0 .. co0 + R (of this group) of S strips: one flat loop over the kg taps with fixed R and S,
// so the R x S accumulators stay in registers.
template <int R, int S, bool Masked>
void block(const ConvGeo &g, const Strips &st, const int64_t *tap_off, const float *w, const float *bias, int co0,
           float *y_grp) {
    __m512 acc[R * S];
    for (int r = 0; r < R; ++r) {
        const __m512 b = _mm512_set1_ps(bias != nullptr ? bias[co0 + r] : 0.f);
        for (int s = 0; s < S; ++s) acc[r * S + s] = b;
    }
    const float *wr = w + static_cast<int64_t>(co0) * g.kg;
    const int64_t kg = g.kg;
    for (int64_t t = 0; t < kg; ++t) {
        const int64_t off = tap_off[t];
        __m512 v[S];
C4J_UNROLL
        for (int s = 0; s < S; ++s)
            v[s] = Masked ? _mm512_maskz_loadu_ps(st.mask[s], st.src[s] + off) : _mm512_loadu_ps(st.src[s] + off);
C4J_UNROLL
        for (int r = 0; r < R; ++r) {
            const __m512 wv = _mm512_set1_ps(wr[r * kg + t]);
C4J_UNROLL
            for (int s = 0; s < S; ++s) acc[r * S + s] = _mm512_fmadd_ps(wv, v[s], acc[r * S + s]);
        }
    }
    for (int r = 0; r < R; ++r) {
        float *dst = y_grp + (static_cast<int64_t>(co0) + r) * g.hw;
        for (int s = 0; s < S; ++s) _mm512_mask_storeu_ps(dst + st.out[s], st.mask[s], acc[r * S + s]);
    }
}

template <int R>
void strips_block(const ConvGeo &g, const Strips &st, int S, const int64_t *tap_off, const float *w,
                  const float *bias, int co0, float *y_grp) {
    // plain loads unless a strip is partial (masked loads measured 15% slower on the stem)
    bool masked = false;
    for (int s = 0; s < S; ++s) masked = masked || st.mask[s] != __mmask16(0xFFFF);
    if (masked) {
        switch (S) {
            case 1: block<R, 1, true>(g, st, tap_off, w, bias, co0, y_grp); break;
            case 2: block<R, 2, true>(g, st, tap_off, w, bias, co0, y_grp); break;
            case 3: block<R, 3, true>(g, st, tap_off, w, bias, co0, y_grp); break;
            case 4: block<R, 4, true>(g, st, tap_off, w, bias, co0, y_grp); break;
            default: break;
        }
    } else {
        switch (S) {
            case 1: block<R, 1, false>(g, st, tap_off, w, bias, co0, y_grp); break;
            case 2: block<R, 2, false>(g, st, tap_off, w, bias, co0, y_grp); break;
            case 3: block<R, 3, false>(g, st, tap_off, w, bias, co0, y_grp); break;
            case 4: block<R, 4, false>(g, st, tap_off, w, bias, co0, y_grp); break;
            default: break;
        }
    }
}

// Copies padded rows [r0, r0 + nr) of the group's cig planes into ws, split by column phase.
void fill_rows(const ConvGeo &g, const float *x_grp, int nch, int64_t r0, int64_t nr, int64_t mlen, float *ws) {
    for (int c = 0; c < nch; ++c) {
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
                // m covers input column m * sw + p - pl: zeros outside [0, w), one plain copy inside
                const int64_t lo = std::min<int64_t>(mlen, std::max<int64_t>(0, (g.pl - p + g.sw - 1) / g.sw));
                const int64_t hi =
                    std::max<int64_t>(lo, std::min<int64_t>(mlen, (g.w + g.pl - p + g.sw - 1) / g.sw));
                const int64_t shift = p - g.pl;
                for (int64_t m = 0; m < lo; ++m) dst[m] = 0.f;
                if (g.sw == 1) {
                    for (int64_t m = lo; m < hi; ++m) dst[m] = row[m + shift];
                } else {
                    for (int64_t m = lo; m < hi; ++m) dst[m] = row[m * g.sw + shift];
                }
                for (int64_t m = hi; m < mlen; ++m) dst[m] = 0.f;
            }
        }
    }
}

}  // namespace

void conv_implicit_forward_avx512(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                                  int64_t img, int i0, int i1, float *ws) {
    if (i1 <= i0) return;
    const int64_t r0 = static_cast<int64_t>(i0) * g.sh;
    const int64_t nr = conv_implicit_rows(g, i1 - i0), mlen = conv_implicit_mlen(g);
    // unpadded, stride 1 in w: the stored rows would be x's rows unchanged, so read x in place (s5, 1x1 over
    // 256 channels, C++ harness, 2 threads: the copy was about a tenth of the time)
    const bool in_place = g.pt == 0 && g.pb == 0 && g.pl == 0 && g.pr == 0 && g.sw == 1 && mlen == g.w;
    const int64_t chan = in_place ? g.in_plane : nr * g.sw * mlen;  // floats between stored channels
    // tap t = (c, a, b) of output row i reads stored row (i * sh - r0) + a * dh of channel c, phase
    // (b * dw) % sw, from column (b * dw) / sw on (callers keep kg <= kImplicitMaxTaps)
    int64_t tap_off[kImplicitMaxTaps];
    for (int c = 0, t = 0; c < g.cig; ++c)
        for (int a = 0; a < g.kh; ++a)
            for (int b = 0; b < g.kw; ++b, ++t)
                tap_off[t] = c * chan + (static_cast<int64_t>(a) * g.dh * g.sw + (b * g.dw) % g.sw) * mlen +
                             (b * g.dw) / g.sw;
    for (int grp = 0; grp < g.groups; ++grp) {
        const float *xg = x + (img * g.cin + static_cast<int64_t>(grp) * g.cig) * g.in_plane;
        const float *rows = in_place ? xg + r0 * g.w : ws;
        if (!in_place) fill_rows(g, xg, g.cig, r0, nr, mlen, ws);
        const float *wg = w + static_cast<int64_t>(grp) * g.cog * g.kg;
        const float *bg = bias != nullptr ? bias + static_cast<int64_t>(grp) * g.cog : nullptr;
        float *yg = y + (img * g.cout + static_cast<int64_t>(grp) * g.cog) * g.hw;
        // the task's (row, strip) items in groups of kMaxS, the last group's size evened out with the one before
        const int strips = static_cast<int>((g.wout + 15) / 16);
        const __mmask16 tail = lane_mask(g.wout - 16 * (strips - 1));
        const int64_t items = static_cast<int64_t>(i1 - i0) * strips;
        const int64_t ngroups = (items + kMaxS - 1) / kMaxS;
        int64_t it = 0;
        for (int64_t k = 0; k < ngroups; ++k) {
            const int S = static_cast<int>((items - it + (ngroups - k) - 1) / (ngroups - k));
            Strips st{};
            for (int s = 0; s < S; ++s, ++it) {
                const int64_t i = i0 + it / strips, j0 = 16 * (it % strips);
                st.src[s] = rows + (i * g.sh - r0) * g.sw * mlen + j0;
                st.out[s] = i * g.wout + j0;
                st.mask[s] = it % strips == strips - 1 ? tail : __mmask16(0xFFFF);
            }
            int co = 0;
            for (; co + kR <= g.cog; co += kR) strips_block<kR>(g, st, S, tap_off, wg, bg, co, yg);
            switch (g.cog - co) {
                case 5: strips_block<5>(g, st, S, tap_off, wg, bg, co, yg); break;
                case 4: strips_block<4>(g, st, S, tap_off, wg, bg, co, yg); break;
                case 3: strips_block<3>(g, st, S, tap_off, wg, bg, co, yg); break;
                case 2: strips_block<2>(g, st, S, tap_off, wg, bg, co, yg); break;
                case 1: strips_block<1>(g, st, S, tap_off, wg, bg, co, yg); break;
                default: break;
            }
        }
    }
}

namespace {

// Weight-gradient register block: kWR output channels x kWT taps (28 accumulators), over spans of about
// kSpan output columns. On the stem (147 taps, 2 threads, per-thread time of the C++ harness): 4 x 7
// 0.67 ms, 4 x 6 0.72, 4 x 8 (spills) 0.77, 5 x 5 0.80, 6 x 4 1.0, 3 x 8 1.3; spans of 512 0.68, 2048 0.74.
constexpr int kWR = 4;
constexpr int kWT = 7;
constexpr int64_t kSpan = 1024;

// One span of (image, output row) positions of a chunk: where each row's taps start in ws and where its
// dy starts (the group's first channel); each row is `strips` strips of 16 output columns, the last with
// lanes `tail`.
struct Span {
    const float *ws;
    const float *dy_grp;
    const int64_t *src_row, *dy_row;
    int64_t rows;
    int strips;
    __mmask16 tail;
    bool masked() const { return tail != __mmask16(0xFFFF); }
};

// Vector partial sums (16 output columns each) of dW[co0 .. co0 + R][taps t .. t + T] over the strips of
// a span, in R x T registers, loaded from and stored back to part (row stride ld vectors); `first`
// starts them at zero. Strips in a fixed order, so results do not depend on the thread count. The strips
// of a row are walked by pointer increments (per-strip offset tables cost loads and registers: 61% of
// the FMA peak on the stem with them); only a partial last strip uses masked loads (masked loads measured
// 15% slower on the stem).
template <int R, int T, bool Masked>
void wblock(const ConvGeo &g, const Span &sp, const int64_t *tap_off, int co0, float *part, int64_t ld, bool first) {
    __m512 acc[R * T];
    for (int r = 0; r < R; ++r)
        for (int k = 0; k < T; ++k)
            acc[r * T + k] = first ? _mm512_setzero_ps() : _mm512_load_ps(part + (r * ld + k) * 16);
    const int64_t hw = g.hw;
    int64_t off[T];  // a local copy the compiler can keep in registers (tap_off may alias part)
    for (int k = 0; k < T; ++k) off[k] = tap_off[k];
    const float *dy0 = sp.dy_grp + static_cast<int64_t>(co0) * hw;
    auto strip = [&](const float *src, const float *d, __mmask16 m, auto masked) {
        constexpr bool kM = decltype(masked)::value;
        __m512 dv[R];
C4J_UNROLL
        for (int r = 0; r < R; ++r) dv[r] = kM ? _mm512_maskz_loadu_ps(m, d + r * hw) : _mm512_loadu_ps(d + r * hw);
C4J_UNROLL
        for (int k = 0; k < T; ++k) {
            const __m512 v = kM ? _mm512_maskz_loadu_ps(m, src + off[k]) : _mm512_loadu_ps(src + off[k]);
C4J_UNROLL
            for (int r = 0; r < R; ++r) acc[r * T + k] = _mm512_fmadd_ps(dv[r], v, acc[r * T + k]);
        }
    };
    const int whole = Masked ? sp.strips - 1 : sp.strips;
    for (int64_t q = 0; q < sp.rows; ++q) {
        const float *src = sp.ws + sp.src_row[q];
        const float *d = dy0 + sp.dy_row[q];
        for (int s = 0; s < whole; ++s, src += 16, d += 16) strip(src, d, __mmask16(0xFFFF), std::false_type{});
        if (Masked) strip(src, d, sp.tail, std::true_type{});
    }
    for (int r = 0; r < R; ++r)
        for (int k = 0; k < T; ++k) _mm512_store_ps(part + (r * ld + k) * 16, acc[r * T + k]);
}

template <int R, int T>
void wblock_any(const ConvGeo &g, const Span &sp, const int64_t *tap_off, int co0, float *part, int64_t ld,
                bool first) {
    if (sp.masked()) {
        wblock<R, T, true>(g, sp, tap_off, co0, part, ld, first);
    } else {
        wblock<R, T, false>(g, sp, tap_off, co0, part, ld, first);
    }
}

// T = 1 .. kWT taps as a constant (the accumulators must be registers).
template <int R, int T = kWT>
void wblock_taps(const ConvGeo &g, const Span &sp, const int64_t *tap_off, int co0, float *part, int64_t ld, int taps,
                 bool first) {
    if (taps == T) {
        wblock_any<R, T>(g, sp, tap_off, co0, part, ld, first);
    } else if constexpr (T > 1) {
        wblock_taps<R, T - 1>(g, sp, tap_off, co0, part, ld, taps, first);
    }
}

// R = 1 .. kWR output channels as a constant.
template <int R = kWR>
void wblock_channels(const ConvGeo &g, const Span &sp, const int64_t *tap_off, int co0, float *part, int64_t ld,
                     int channels, int taps, bool first) {
    if (channels == R) {
        wblock_taps<R>(g, sp, tap_off, co0, part, ld, taps, first);
    } else if constexpr (R > 1) {
        wblock_channels<R - 1>(g, sp, tap_off, co0, part, ld, channels, taps, first);
    }
}

}  // namespace

void conv_implicit_backward_weights_avx512(const ConvGeo &g, const float *dy, const float *x, float *dw, int grp,
                                           int64_t r0, int64_t r1, float *ws) {
    if (r1 <= r0) return;
    const int64_t nr = conv_implicit_rows(g, g.hout), mlen = conv_implicit_mlen(g);
    // only the channels this task's taps read: c_first .. c_first + nch
    const int64_t c_first = r0 / g.khkw, nch = (r1 - 1) / g.khkw - c_first + 1;
    const int64_t img_floats = nch * nr * g.sw * mlen;
    const int64_t chunk = conv_implicit_wgrad_images(g);
    const int64_t rows = r1 - r0;
    float *part = ws + conv_implicit_wgrad_padded(g);  // [cog][rows][16], 64-byte aligned
    int64_t tap_off[kImplicitMaxTaps];
    for (int64_t r = r0; r < r1; ++r) {
        const int64_t c = r / g.khkw - c_first, a = (r % g.khkw) / g.kw, b = r % g.kw;
        tap_off[r - r0] = ((c * nr + a * g.dh) * g.sw + (b * g.dw) % g.sw) * mlen + (b * g.dw) / g.sw;
    }
    // taps in blocks of at most kWT, sized evenly (74 taps -> 11 blocks of 6 or 7); (image, row) positions
    // in spans of about kSpan output columns, so a channel block's dy and the input rows stay in L1 while
    // all tap blocks run over the span
    const int64_t nblk = (rows + kWT - 1) / kWT;
    const int64_t span = std::max<int64_t>(1, kSpan / g.wout);
    const int strips = static_cast<int>((g.wout + 15) / 16);
    const __mmask16 tail = lane_mask(g.wout - 16 * (strips - 1));
    std::vector<int64_t> src_row(span), dy_row(span);  // may throw: the C entry catches
    for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
        const int64_t nimg = std::min<int64_t>(chunk, g.n - n0);
        for (int64_t k = 0; k < nimg; ++k) {
            const float *xg = x + ((n0 + k) * g.cin + static_cast<int64_t>(grp) * g.cig) * g.in_plane;
            fill_rows(g, xg + c_first * g.in_plane, static_cast<int>(nch), 0, nr, mlen, ws + k * img_floats);
        }
        const int64_t positions = nimg * g.hout;
        const int64_t row_step = static_cast<int64_t>(g.sh) * g.sw * mlen, dy_img = static_cast<int64_t>(g.cout) * g.hw;
        for (int64_t p0 = 0; p0 < positions; p0 += span) {
            const int64_t p1 = std::min<int64_t>(positions, p0 + span);
            for (int64_t q = p0; q < p1; ++q) {
                const int64_t n = q / g.hout, i = q % g.hout;
                src_row[q - p0] = n * img_floats + i * row_step;
                dy_row[q - p0] = n * dy_img + i * g.wout;
            }
            const Span sp{ws, dy + (n0 * g.cout + static_cast<int64_t>(grp) * g.cog) * g.hw, src_row.data(),
                          dy_row.data(), p1 - p0, strips, tail};
            const bool first = n0 == 0 && p0 == 0;
            // channel blocks outside: their dy span stays in L1 while every tap block runs over it (dy was
            // the traffic that bound the kernel: one pass fewer, 7 taps a block instead of 6, was 11% faster)
            for (int co = 0; co < g.cog; co += kWR) {
                int64_t t = 0;
                for (int64_t b = 0; b < nblk; ++b) {
                    const int T = static_cast<int>((rows - t + (nblk - b) - 1) / (nblk - b));
                    wblock_channels(g, sp, tap_off + t, co, part + (co * rows + t) * 16, rows, std::min(kWR, g.cog - co), T,
                                    first);
                    t += T;
                }
            }
        }
    }
    float *dw_grp = dw + static_cast<int64_t>(grp) * g.cog * g.kg;
    for (int64_t co = 0; co < g.cog; ++co)
        for (int64_t t = 0; t < rows; ++t)
            dw_grp[co * g.kg + r0 + t] = hsum(_mm512_load_ps(part + (co * rows + t) * 16));
}

bool conv_implicit_compiled() { return true; }

}  // namespace c4j

#else  // not an x86-64 build: conv_implicit_active() is false, never called

namespace c4j {
void conv_implicit_forward_avx512(const ConvGeo &, const float *, const float *, const float *, float *, int64_t, int,
                                  int, float *) {}
void conv_implicit_backward_weights_avx512(const ConvGeo &, const float *, const float *, float *, int, int64_t,
                                           int64_t, float *) {}
bool conv_implicit_compiled() { return false; }
}  // namespace c4j

#endif
