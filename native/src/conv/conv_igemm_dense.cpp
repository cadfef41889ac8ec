// Which shapes the dense implicit GEMM takes, its weight packing and its task loops (see conv_igemm_dense.h).
// Kept out of the ISA files: this runs on every CPU, before anything knows the ISA.
#include "conv/conv_igemm_dense.h"

#include <algorithm>
#include <cstring>

#include "conv/conv_implicit.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"
#include "runtime/cpu_features.h"

namespace c4j {

int64_t igemm_dense_packed(const ConvGeo &g) { return ceil_div(g.cout, kDenseMr) * kDenseMr * g.kg; }

bool igemm_dense_pack(const ConvGeo &g, const float *w, float *wpk) {
    const int64_t panels = ceil_div(g.cout, kDenseMr);
    for (int64_t pn = 0; pn < panels; ++pn) {
        float *dst = wpk + pn * kDenseMr * g.kg;
        for (int k = 0; k < kDenseMr; ++k) {
            const int64_t co = pn * kDenseMr + k;
            if (co >= g.cout) {
                for (int64_t r = 0; r < g.kg; ++r) dst[r * kDenseMr + k] = 0.f;
                continue;
            }
            const float *src = w + co * g.kg;  // read contiguously, written kDenseMr apart
            for (int64_t r = 0; r < g.kg; ++r) dst[r * kDenseMr + k] = src[r];
        }
    }
    // one branch-free integer pass (vectorised): infinite and NaN floats have every exponent bit set
    const int64_t count = static_cast<int64_t>(g.cout) * g.kg;
    uint32_t non_finite = 0;
    for (int64_t i = 0; i < count; ++i) {
        uint32_t bits;
        std::memcpy(&bits, w + i, sizeof bits);
        non_finite |= static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
    }
    return non_finite == 0;
}

int64_t igemm_dense_workspace(const ConvGeo &g, int64_t rows) {
    const int64_t in_rows = std::min<int64_t>(g.h, (rows - 1) * g.sh + static_cast<int64_t>(g.kh - 1) * g.dh + 1);
    return static_cast<int64_t>(g.cin) * std::max<int64_t>(1, in_rows) * g.sw * igemm_dense_mlen(g);
}

bool igemm_dense_fits(const ConvGeo &g) {
    return g.groups == 1 && g.khkw > 1 && g.khkw <= kDenseMaxTaps && g.kw <= kDenseMaxTaps &&
           igemm_dense_packed(g) <= (int64_t(1) << 26);
}

namespace {

// Fraction of (output position, tap) pairs of one axis whose input index lies inside the image: the taps an
// implicit GEMM computes, where im2col + sgemm multiplies every tap (padding included).
double valid_fraction(int64_t out, int k, int s, int pad, int d, int in) {
    int64_t valid = 0;
    for (int b = 0; b < k; ++b) {
        const int64_t o = static_cast<int64_t>(b) * d - pad;  // input index of output 0's tap b
        // outputs j with 0 <= j * s + o < in
        const int64_t lo = o >= 0 ? 0 : (-o + s - 1) / s;
        const int64_t hi = in - o <= 0 ? 0 : std::min<int64_t>(out, (in - o + s - 1) / s);
        valid += std::max<int64_t>(0, hi - lo);
    }
    return static_cast<double>(valid) / (static_cast<double>(out) * k);
}

}  // namespace

bool igemm_dense_pays(const ConvGeo &g) {
    // the sum must be deep and the panels many for the register block to pay
    if (!igemm_dense_fits(g) || g.cin < 32 || g.cout < 32 || g.sh > 2 || g.sw > 2 || g.wout < 14) return false;
    // with few output channels and stride 1, im2col's copy (9 floats per input float for 3x3) and sgemm's packing
    // of it cost as much as the GEMM; with many channels, or stride 2 (its 28- and 14-wide outputs fill 16-column
    // strips only partly), OpenBLAS's GEMM on its packed blocks runs as fast as this kernel, so it is chosen only
    // where it computes clearly fewer FMAs: the taps it skips (padding, dilation) against the lanes it wastes at
    // the end of each row (16-column strips of the AVX2 body)
    if (g.cout <= 128 && g.sh == 1 && g.sw == 1) return true;
    const double used = static_cast<double>(g.wout) / (16.0 * static_cast<double>(ceil_div(g.wout, 16)));
    const double valid = valid_fraction(g.hout, g.kh, g.sh, g.pt, g.dh, g.h) *
                         valid_fraction(g.wout, g.kw, g.sw, g.pl, g.dw, g.w);
    return valid < 0.75 * used;
}

bool igemm_dense_avx2_active(const ConvGeo &g) {
    return igemm_dense_fits(g) && igemm_dense_avx2() != nullptr && cpu_use_avx2_fma();
}

bool igemm_dense_avx512_active(const ConvGeo &g) {
    return igemm_dense_fits(g) && igemm_dense_avx512() != nullptr && cpu_use_avx512();
}

bool igemm_dense_bwd_data_fits(const ConvGeo &g) {
    // stride 1 only (otherwise dx is not a plain correlation of dy); padding within the filter's reach, so the
    // transposed padding is not negative
    if (g.groups != 1 || g.sh != 1 || g.sw != 1) return false;
    if (g.pt > (g.kh - 1) * g.dh || g.pb > (g.kh - 1) * g.dh || g.pl > (g.kw - 1) * g.dw || g.pr > (g.kw - 1) * g.dw)
        return false;
    return igemm_dense_fits(conv_implicit_transposed(g));
}

bool igemm_dense_bwd_data_pays(const ConvGeo &g) {
    return igemm_dense_bwd_data_fits(g) && igemm_dense_pays(conv_implicit_transposed(g));
}

bool igemm_dense_bwd_data_avx2_active(const ConvGeo &g) {
    return igemm_dense_bwd_data_fits(g) && igemm_dense_avx2() != nullptr && cpu_use_avx2_fma();
}

bool igemm_dense_bwd_data_avx512_active(const ConvGeo &g) {
    return igemm_dense_bwd_data_fits(g) && igemm_dense_avx512() != nullptr && cpu_use_avx512();
}

int64_t igemm_dense_rows_per_task(int64_t n, int64_t rows, int parts) {
    const int64_t blocks = std::min<int64_t>(rows, std::max<int64_t>(1, ceil_div(4 * std::max(parts, 1), n)));
    return ceil_div(rows, blocks);
}

namespace {

// Tasks [t0, t1) of g (image, block of rows_per_task output rows) with weights already packed.
int run_packed(const ConvGeo &g, IgemmDenseFn fn, int64_t rows_per_task, const float *x, const float *wpk,
               bool finite, const float *bias, float *y, int64_t t0, int64_t t1) {
    FloatBuffer ws(igemm_dense_workspace(g, rows_per_task));
    if (!ws.ok()) return C4J_ERR_OUT_OF_MEMORY;
    const int64_t blocks = ceil_div(g.hout, rows_per_task);
    for (int64_t t = t0; t < t1; ++t) {
        const int i0 = static_cast<int>((t % blocks) * rows_per_task);
        const int i1 = static_cast<int>(std::min<int64_t>(g.hout, i0 + rows_per_task));
        fn(g, x, wpk, finite, bias, y, t / blocks, i0, i1, ws.get());
    }
    return C4J_OK;
}

}  // namespace

int igemm_dense_forward_tasks(const ConvGeo &g, IgemmDenseFn fn, int64_t rows_per_task, const float *x,
                              const float *w, const float *bias, float *y, int64_t t0, int64_t t1) {
    if (t1 <= t0) return C4J_OK;
    FloatBuffer wpk(igemm_dense_packed(g));
    if (!wpk.ok()) return C4J_ERR_OUT_OF_MEMORY;
    const bool finite = igemm_dense_pack(g, w, wpk.get());
    return run_packed(g, fn, rows_per_task, x, wpk.get(), finite, bias, y, t0, t1);
}

int igemm_dense_backward_data_tasks(const ConvGeo &g, IgemmDenseFn fn, int64_t rows_per_task, const float *dy,
                                    const float *w, float *dx, int64_t t0, int64_t t1) {
    if (t1 <= t0) return C4J_OK;
    const ConvGeo t = conv_implicit_transposed(g);
    FloatBuffer wt(static_cast<int64_t>(g.cin) * g.cog * g.khkw);
    FloatBuffer wpk(igemm_dense_packed(t));
    if (!wt.ok() || !wpk.ok()) return C4J_ERR_OUT_OF_MEMORY;
    conv_implicit_flip_filters(g, w, wt.get());
    const bool finite = igemm_dense_pack(t, wt.get(), wpk.get());
    return run_packed(t, fn, rows_per_task, dy, wpk.get(), finite, nullptr, dx, t0, t1);
}

}  // namespace c4j
