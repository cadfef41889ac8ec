// The implicit-GEMM convolution on AVX-512 (see conv_implicit.h): the body of conv_implicit_body.inc on
// 16-float vectors with mask registers for partial strips. Compiled with the AVX-512 flags; reached only
// after CPUID (conv_implicit_active and friends).
#include "conv/conv_implicit.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>

namespace c4j {
namespace implicit_avx512 {
namespace {

using vf = __m512;
using mask_t = __mmask16;
constexpr int W = 16;
// Forward register block: kR output channels x up to kMaxS strips (24 accumulators). Measured on the stem
// (one thread, Zen 5): 6 x 4 and 6 x 3 ran at 200 GFLOP/s, 8 x 3 at 157; 4 x 6, 4 x 4 and 5 x 4 at
// 60-80 (GCC kept their accumulators on the stack).
constexpr int kMaxS = 4;
constexpr int kR = 6;
// Weight-gradient register block: kWR output channels x kWT taps (28 accumulators), over spans of about
// kSpan output columns. On the stem (147 taps, 2 threads, per-thread time of the C++ harness): 4 x 7
// 0.67 ms, 4 x 6 0.72, 4 x 8 (spills) 0.77, 5 x 5 0.80, 6 x 4 1.0, 3 x 8 1.3; spans of 512 0.68, 2048 0.74.
constexpr int kWR = 4;
constexpr int kWT = 7;
constexpr int64_t kSpan = 1024;

inline vf loadu(const float *p) { return _mm512_loadu_ps(p); }
inline vf load(const float *p) { return _mm512_load_ps(p); }
inline void store(float *p, vf v) { _mm512_store_ps(p, v); }
inline vf zero() { return _mm512_setzero_ps(); }
inline vf splat(float s) { return _mm512_set1_ps(s); }
inline vf fmadd(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
inline mask_t lanes(int n) { return n >= 16 ? mask_t(0xFFFF) : mask_t((1u << n) - 1u); }
inline vf maskz_loadu(mask_t m, const float *p) { return _mm512_maskz_loadu_ps(m, p); }
inline void mask_storeu(float *p, mask_t m, vf v) { _mm512_mask_storeu_ps(p, m, v); }
// Horizontal sum in a fixed pairwise order (through memory: GCC 12's 512-to-256-bit casts and
// _mm512_reduce_add_ps trip -Wmaybe-uninitialized in its own header; this runs once per dW element).
inline float hsum(vf v) {
    alignas(64) float t[16];
    _mm512_store_ps(t, v);
    for (int w = 8; w >= 1; w /= 2)
        for (int k = 0; k < w; ++k) t[k] += t[k + w];
    return t[0];
}

}  // namespace
}  // namespace implicit_avx512
}  // namespace c4j

#define IMP_NS implicit_avx512
#include "conv/conv_implicit_body.inc"
#undef IMP_NS

namespace c4j {
void conv_implicit_forward_avx512(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                                  int64_t img, int i0, int i1, float *ws) {
    implicit_avx512::forward(g, x, w, bias, y, img, i0, i1, ws);
}
void conv_implicit_backward_weights_avx512(const ConvGeo &g, const float *dy, const float *x, float *dw, int grp,
                                           int64_t r0, int64_t r1, float *ws) {
    implicit_avx512::backward_weights(g, dy, x, dw, grp, r0, r1, ws);
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
