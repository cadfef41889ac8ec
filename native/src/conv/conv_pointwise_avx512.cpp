// AVX-512 kernels of conv_pointwise.h. Compiled with AVX-512 flags (conv4j_avx512_source) and called only
// when pointwise_avx512_active().
#include "conv/conv_pointwise.h"

#include <algorithm>

#include "conv/conv_winograd.h"
#include "runtime/cpu_features.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include "isa/avx512_util.h"
#endif

namespace c4j {

#if defined(__AVX512F__)
namespace {

// Floats of the B panel (k rows x chunk columns) a chunk may span: 64 KiB, so it stays in L1/L2 while the
// kernel's row blocks (8 rows each) pass over it.
constexpr int64_t kPanelFloats = int64_t(1) << 14;
// Positions per weight-gradient chunk: x^T of a chunk (positions x channels) is built in the workspace.
constexpr int64_t kWgradChunk = 128;

int64_t chunk_columns(int k) {
    const int64_t c = kPanelFloats / std::max(k, 1);
    return std::max<int64_t>(32, c / 32 * 32);
}

}  // namespace

bool pointwise_avx512_active() { return cpu_use_avx512(); }

void pointwise_gemm_avx512(bool acc, int m, int64_t n, int k, const float *a, int64_t sa_row, int64_t sa_k,
                           const float *b, int64_t ldb, float *c, int64_t ldc) {
    const WinoKernels &kern = wino_kernels_avx512();
    const auto gemm = acc ? kern.gemm_acc : kern.gemm;
    const int64_t chunk = chunk_columns(k);
    for (int64_t j0 = 0; j0 < n; j0 += chunk) {
        const int nt = static_cast<int>(std::min(chunk, n - j0));
        gemm(m, nt, k, a, sa_row, sa_k, b + j0, ldb, c + j0, ldc);
    }
}

int64_t pointwise_wgrad_workspace(int cin) { return kWgradChunk * ((static_cast<int64_t>(cin) + 15) / 16 * 16); }

void pointwise_wgrad_avx512(const float *dy, int cout, const float *x, int cin, int64_t hw, float *dw, int64_t ldw,
                            bool first, float *ws) {
    const WinoKernels &kern = wino_kernels_avx512();
    const int64_t ldt = (static_cast<int64_t>(cin) + 15) / 16 * 16;  // x^T rows: one position's channels
    for (int64_t q0 = 0; q0 < hw; q0 += kWgradChunk) {
        const int len = static_cast<int>(std::min(kWgradChunk, hw - q0));
        // x^T [len x cin] of this chunk, 16 channels x 16 positions per transpose
        for (int c0 = 0; c0 < cin; c0 += 16) {
            const int nc = std::min(16, cin - c0);
            for (int p0 = 0; p0 < len; p0 += 16) {
                const __mmask16 pos = range_mask(0, len - p0);
                __m512 r[16];
                for (int i = 0; i < 16; ++i)
                    r[i] = i < nc ? _mm512_maskz_loadu_ps(pos, x + (c0 + i) * hw + q0 + p0) : _mm512_setzero_ps();
                transpose16(r);
                const int np = std::min(16, len - p0);
                for (int i = 0; i < np; ++i) _mm512_store_ps(ws + (p0 + i) * ldt + c0, r[i]);
            }
        }
        // dw[o][c] += sum_q dy[o][q] x^T[q][c]: dy rows broadcast, x^T rows the vectors
        const auto gemm = first && q0 == 0 ? kern.gemm : kern.gemm_acc;
        gemm(cout, cin, len, dy + q0, hw, 1, ws, ldt, dw, ldw);
    }
}

#else  // not built for AVX-512: never active

bool pointwise_avx512_active() { return false; }
void pointwise_gemm_avx512(bool, int, int64_t, int, const float *, int64_t, int64_t, const float *, int64_t, float *,
                           int64_t) {}
int64_t pointwise_wgrad_workspace(int) { return 0; }
void pointwise_wgrad_avx512(const float *, int, const float *, int, int64_t, float *, int64_t, bool, float *) {}

#endif

}  // namespace c4j
