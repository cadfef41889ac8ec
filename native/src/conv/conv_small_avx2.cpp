// Implicit-GEMM forward convolution (see conv_small.h): per output row, strips of 16 columns x up to 6
// output channels live in 12 registers while the (channel, kernel row, kernel column) taps run; the
// input is read from a zero-padded copy, so no bounds checks and no im2col buffer. Compiled with
// -mavx2 -mfma; reached only after CPUID (conv_small_active).
#include "conv/conv_small.h"

#include <algorithm>
#include <cstring>


namespace c4j {
namespace {

constexpr int kSlack = 16;  // see conv_small.cpp
inline int64_t padded_h(const ConvGeo &g) { return static_cast<int64_t>(g.h) + g.pt + g.pb; }
inline int64_t padded_w(const ConvGeo &g) { return static_cast<int64_t>(g.w) + g.pl + g.pr + kSlack; }

}  // namespace
}  // namespace c4j

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace c4j {
namespace {

// Output row i, columns [j0, j0 + 16), channels co0 .. co0 + R of this group; dst rows are y planes.
template <int R>
inline void strip(const ConvGeo &g, const float *pad, int64_t pw, const float *w, const float *bias, int co0,
                  int i, int j0, float *y_img, int ncols) {
    __m256 c0[R], c1[R];
    for (int r = 0; r < R; ++r) {
        const float b = bias != nullptr ? bias[co0 + r] : 0.f;
        c0[r] = _mm256_set1_ps(b);
        c1[r] = _mm256_set1_ps(b);
    }
    const int64_t ph = padded_h(g);
    for (int c = 0; c < g.cig; ++c) {
        const float *plane = pad + c * ph * pw;
        for (int a = 0; a < g.kh; ++a) {
            const float *row = plane + (static_cast<int64_t>(i) * g.sh + static_cast<int64_t>(a) * g.dh) * pw + j0;
            const float *wt = w + static_cast<int64_t>(co0) * g.kg + (static_cast<int64_t>(c) * g.kh + a) * g.kw;
            for (int b = 0; b < g.kw; ++b) {
                const __m256 v0 = _mm256_loadu_ps(row + static_cast<int64_t>(b) * g.dw);
                const __m256 v1 = _mm256_loadu_ps(row + static_cast<int64_t>(b) * g.dw + 8);
                for (int r = 0; r < R; ++r) {
                    const __m256 wv = _mm256_broadcast_ss(wt + r * g.kg + b);
                    c0[r] = _mm256_fmadd_ps(wv, v0, c0[r]);
                    c1[r] = _mm256_fmadd_ps(wv, v1, c1[r]);
                }
            }
        }
    }
    for (int r = 0; r < R; ++r) {
        float *dst = y_img + (static_cast<int64_t>(co0) + r) * g.hw + static_cast<int64_t>(i) * g.wout + j0;
        if (ncols == 16) {
            _mm256_storeu_ps(dst, c0[r]);
            _mm256_storeu_ps(dst + 8, c1[r]);
        } else {  // the last strip of a row: keep the columns that exist
            alignas(32) float tmp[16];
            _mm256_store_ps(tmp, c0[r]);
            _mm256_store_ps(tmp + 8, c1[r]);
            std::memcpy(dst, tmp, sizeof(float) * ncols);
        }
    }
}

template <int R>
void rows(const ConvGeo &g, const float *pad, int64_t pw, const float *w, const float *bias, int co0, int i0, int i1,
          float *y_img) {
    for (int i = i0; i < i1; ++i) {
        for (int j0 = 0; j0 < g.wout; j0 += 16) {
            strip<R>(g, pad, pw, w, bias, co0, i, j0, y_img, std::min(16, g.wout - j0));
        }
    }
}

}  // namespace

void conv_small_forward_avx2(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                             int64_t img, int i0, int i1, float *pad) {
    const int64_t ph = padded_h(g), pw = padded_w(g);
    // the strips of output row i read padded rows i*sh + a*dh, columns up to wout - 1 + (kw-1)*dw + 16,
    // which kSlack keeps inside the row; every read value is initialised (zeros outside the image)
    for (int grp = 0; grp < g.groups; ++grp) {
        std::memset(pad, 0, sizeof(float) * g.cig * ph * pw);
        for (int c = 0; c < g.cig; ++c) {
            const float *src = x + (img * g.cin + static_cast<int64_t>(grp) * g.cig + c) * g.in_plane;
            float *dst = pad + c * ph * pw;
            for (int r = 0; r < g.h; ++r) {
                std::memcpy(dst + (static_cast<int64_t>(r) + g.pt) * pw + g.pl, src + static_cast<int64_t>(r) * g.w,
                            sizeof(float) * g.w);
            }
        }
        const float *wg = w + static_cast<int64_t>(grp) * g.cog * g.kg;
        const float *bg = bias != nullptr ? bias + static_cast<int64_t>(grp) * g.cog : nullptr;
        float *yg = y + (img * g.cout + static_cast<int64_t>(grp) * g.cog) * g.hw;
        int co = 0;
        for (; co + 6 <= g.cog; co += 6) rows<6>(g, pad, pw, wg, bg, co, i0, i1, yg);
        switch (g.cog - co) {
            case 5: rows<5>(g, pad, pw, wg, bg, co, i0, i1, yg); break;
            case 4: rows<4>(g, pad, pw, wg, bg, co, i0, i1, yg); break;
            case 3: rows<3>(g, pad, pw, wg, bg, co, i0, i1, yg); break;
            case 2: rows<2>(g, pad, pw, wg, bg, co, i0, i1, yg); break;
            case 1: rows<1>(g, pad, pw, wg, bg, co, i0, i1, yg); break;
            default: break;
        }
    }
}

}  // namespace c4j

#else  // another architecture: conv_small_active() is false, never called

namespace c4j {
void conv_small_forward_avx2(const ConvGeo &, const float *, const float *, const float *, float *, int64_t, int, int,
                             float *) {}
}  // namespace c4j

#endif
