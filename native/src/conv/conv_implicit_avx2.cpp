// The implicit-GEMM convolution on AVX2+FMA (see conv_implicit.h): the body of conv_implicit_body.inc on
// 8-float vectors; a partial strip's lanes by vmaskmov (lanes masked off are neither read nor written).
// Compiled with -mavx2 -mfma; reached only after CPUID (conv_implicit_avx2_active and friends).
#include "conv/conv_implicit.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace c4j {
namespace implicit_avx2 {
namespace {

using vf = __m256;
using mask_t = __m256i;
constexpr int W = 8;
// 16 vector registers: forward 6 channels x 2 strips (12 accumulators, 2 input vectors, one broadcast
// weight); weight gradient 3 channels x 4 taps (12 accumulators, 3 dy vectors, one input vector). Chosen on
// the few-channel layers (LeNet's two, the ResNet, MobileNetV2 and VGG first layers; thread CPU time, one
// thread, Zen AVX2): forward 6 x 2 beat 4 x 3 by up to 1.5x and 3 x 4, 2 x 6 by 1.4-3x; weight gradient
// 3 x 4 beat 2 x 6 by 1.2-1.7x, 4 x 3 by up to 1.4x, 1 x 12 by 1.5-3x.
constexpr int kMaxS = 2;
constexpr int kR = 6;
constexpr int kWR = 3;
constexpr int kWT = 4;
constexpr int64_t kSpan = 1024;

inline vf loadu(const float *p) { return _mm256_loadu_ps(p); }
inline vf load(const float *p) { return _mm256_load_ps(p); }
inline void store(float *p, vf v) { _mm256_store_ps(p, v); }
inline vf zero() { return _mm256_setzero_ps(); }
inline vf splat(float s) { return _mm256_set1_ps(s); }
inline vf fmadd(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
inline mask_t lanes(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline vf maskz_loadu(mask_t m, const float *p) { return _mm256_maskload_ps(p, m); }
inline void mask_storeu(float *p, mask_t m, vf v) { _mm256_maskstore_ps(p, m, v); }
// Horizontal sum in a fixed pairwise order (an unaligned store: MinGW's GCC does not promise 32-byte stack
// alignment).
inline float hsum(vf v) {
    float t[8];
    _mm256_storeu_ps(t, v);
    for (int w = 4; w >= 1; w /= 2)
        for (int k = 0; k < w; ++k) t[k] += t[k + w];
    return t[0];
}

}  // namespace
}  // namespace implicit_avx2
}  // namespace c4j

#define IMP_NS implicit_avx2
#include "conv/conv_implicit_body.inc"
#undef IMP_NS

namespace c4j {
void conv_implicit_forward_avx2(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                                int64_t img, int i0, int i1, float *ws) {
    implicit_avx2::forward(g, x, w, bias, y, img, i0, i1, ws);
}
void conv_implicit_backward_weights_avx2(const ConvGeo &g, const float *dy, const float *x, float *dw, int grp,
                                         int64_t r0, int64_t r1, float *ws) {
    implicit_avx2::backward_weights(g, dy, x, dw, grp, r0, r1, ws);
}
bool conv_implicit_avx2_compiled() { return true; }
}  // namespace c4j

#else  // not compiled for AVX2: conv_implicit_avx2_active() is false, never called

namespace c4j {
void conv_implicit_forward_avx2(const ConvGeo &, const float *, const float *, const float *, float *, int64_t, int,
                                int, float *) {}
void conv_implicit_backward_weights_avx2(const ConvGeo &, const float *, const float *, float *, int, int64_t,
                                         int64_t, float *) {}
bool conv_implicit_avx2_compiled() { return false; }
}  // namespace c4j

#endif
