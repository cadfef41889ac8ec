// Forward convolution: per group, y_g = W_g [cog x kg] * im2col(x)_g [kg x columns] (Caffe's
// forward_cpu_gemm), with the 1x1/stride-1/unpadded case reading x in place and small images batched
// into one wide GEMM. Bias is written into y first and the GEMM accumulates onto it (beta = 1), so it
// costs no extra pass over y.
#include <algorithm>
#include <cstring>
#include <new>

#include "gemm/blas.h"
#include "runtime/buffer.h"
#include "conv4j/conv4j_cpu.h"
#include "conv/conv_direct.h"
#include "conv/conv_dw.h"
#include "conv/conv_igemm_dense.h"
#include "conv/conv_igemm_phase.h"
#include "conv/conv_implicit.h"
#include "conv/conv_plan.h"
#include "conv/conv_pointwise.h"
#include "conv/conv_small.h"
#include "conv/im2col.h"

namespace c4j {
namespace {

void fill_rows(float *c, int64_t rows, int64_t len, int64_t ldc, const float *bias) {
    for (int64_t r = 0; r < rows; ++r) {
        float v = bias != nullptr ? bias[r] : 0.f;
        float *row = c + r * ldc;
        for (int64_t q = 0; q < len; ++q) row[q] = v;
    }
}

int run_forward_tasks(const ConvGeo &g, const FwdPlan &p, const float *x, const float *w, const float *bias,
                      float *y, int64_t t0, int64_t t1) {
    if (per_plane(p.kernel) && p.kernel != ConvKernel::grouped_direct) return dw_kernels_for(p.kernel).forward(g, x, w, bias, y, t0, t1);
    if (p.kernel == ConvKernel::grouped_direct) {
        for (int64_t t = t0; t < t1; ++t) direct_forward_plane(g, x, w, bias, y, t);
        return C4J_OK;
    }
    if (igemm_rows(p.kernel)) {
        FloatBuffer ws(conv_implicit_workspace(g, p.rows_per_task));
        if (!ws.ok()) return C4J_ERR_OUT_OF_MEMORY;
        const auto fn = p.kernel == ConvKernel::igemm_rows ? conv_implicit_forward_avx512 : conv_implicit_forward_avx2;
        // padded zeros times an infinite or NaN weight: redo those results by the definition (conv_implicit.h)
        const bool finite = conv_all_finite(w, g.cout * g.kg);
        const int64_t blocks = ceil_div(g.hout, p.rows_per_task);
        for (int64_t t = t0; t < t1; ++t) {
            int64_t img = t / blocks;
            int i0 = static_cast<int>((t % blocks) * p.rows_per_task);
            int i1 = static_cast<int>(std::min<int64_t>(g.hout, i0 + p.rows_per_task));
            fn(g, x, w, bias, y, img, i0, i1, ws.get());
            if (!finite) conv_redo_nan_forward(g, x, w, bias, y, img, i0, i1);
        }
        return C4J_OK;
    }
    if (igemm_dense(p.kernel)) {
        const IgemmDenseFn fn = p.kernel == ConvKernel::igemm_dense_avx512 ? igemm_dense_avx512()
                                : p.kernel == ConvKernel::igemm_dense_avx2 ? igemm_dense_avx2()
                                                                           : igemm_dense_scalar();
        const IgemmDenseSplit sp{p.co_blocks, p.rows_per_task};
        return igemm_dense_forward_tasks(g, fn, sp, x, w, bias, y, t0, t1);
    }
    if (igemm_phase(p.kernel)) {
        const IgemmPhaseFn fn = p.kernel == ConvKernel::igemm_phase_avx512 ? igemm_phase_avx512()
                                : p.kernel == ConvKernel::igemm_phase_avx2 ? igemm_phase_avx2()
                                                                           : igemm_phase_scalar();
        const int64_t blocks = ceil_div(g.hout, p.rows_per_task);
        for (int64_t t = t0; t < t1; ++t) {
            const int64_t ig = t / blocks;  // image * groups + group
            const int i0 = static_cast<int>((t % blocks) * p.rows_per_task);
            const int i1 = static_cast<int>(std::min<int64_t>(g.hout, i0 + p.rows_per_task));
            const int status = fn(g, x, w, bias, y, ig / g.groups, static_cast<int>(ig % g.groups), i0, i1);
            if (status != C4J_OK) return status;
        }
        return C4J_OK;
    }
    if (p.kernel == ConvKernel::igemm_small) {
        FloatBuffer pad(conv_small_workspace(g));
        if (!pad.ok()) return C4J_ERR_OUT_OF_MEMORY;
        const int64_t blocks = ceil_div(g.hout, p.rows_per_task);
        for (int64_t t = t0; t < t1; ++t) {
            int64_t img = t / blocks;
            int i0 = static_cast<int>((t % blocks) * p.rows_per_task);
            int i1 = static_cast<int>(std::min<int64_t>(g.hout, i0 + p.rows_per_task));
            conv_small_forward_avx2(g, x, w, bias, y, img, i0, i1, pad.get());
        }
        return C4J_OK;
    }
    const bool pw = g.pointwise();
    const int64_t max_cols = p.images_per_task > 1 ? p.images_per_task * g.hw : p.blk;
    // im2col block (not needed for single-image pointwise tasks) and, for batched images, the GEMM result.
    const bool need_col = !pw || p.images_per_task > 1;
    FloatBuffer col(need_col ? g.kg * max_cols : 0);
    FloatBuffer tmp(p.images_per_task > 1 ? g.cog * max_cols : 0);
    if ((need_col && !col.ok()) || (p.images_per_task > 1 && !tmp.ok())) return C4J_ERR_OUT_OF_MEMORY;

    for (int64_t t = t0; t < t1; ++t) {
        if (p.images_per_task > 1) {
            int64_t img0 = t * p.images_per_task;
            int64_t nimg = std::min<int64_t>(p.images_per_task, g.n - img0);
            int64_t len = nimg * g.hw;
            for (int grp = 0; grp < g.groups; ++grp) {
                for (int64_t k = 0; k < nimg; ++k) {
                    const float *xs = x + ((img0 + k) * g.cin + static_cast<int64_t>(grp) * g.cig) * g.in_plane;
                    im2col_range(g, xs, g.cig, 0, g.hw, col.get() + k * g.hw, len);
                }
                const float *wg = w + static_cast<int64_t>(grp) * g.cog * g.kg;
                sgemm(false, false, g.cog, len, g.kg, 1.f, wg, g.kg, col.get(), len, 0.f, tmp.get(), len);
                for (int64_t k = 0; k < nimg; ++k) {
                    for (int co = 0; co < g.cog; ++co) {
                        int oc = grp * g.cog + co;
                        float b0 = bias != nullptr ? bias[oc] : 0.f;
                        const float *src = tmp.get() + co * len + k * g.hw;
                        float *dst = y + ((img0 + k) * g.cout + oc) * g.hw;
                        for (int64_t q = 0; q < g.hw; ++q) dst[q] = src[q] + b0;
                    }
                }
            }
        } else {
            // task t: (image, column block, output-channel block), the channel block innermost
            const int64_t cb = t % p.co_blocks, tc = t / p.co_blocks;
            const int64_t co0 = cb * p.co_blk, nco = std::min<int64_t>(g.cog - co0, p.co_blk);
            int64_t img = tc / p.blocks_per_image;
            int64_t q0 = (tc % p.blocks_per_image) * p.blk;
            int64_t q1 = std::min<int64_t>(g.hw, q0 + p.blk);
            int64_t len = q1 - q0;
            for (int grp = 0; grp < g.groups; ++grp) {
                const float *xs = x + (img * g.cin + static_cast<int64_t>(grp) * g.cig) * g.in_plane;
                const float *b;
                int64_t ldb;
                if (pw) {  // x is already the [cig x hw] column matrix
                    b = xs + q0;
                    ldb = g.hw;
                } else {
                    im2col_range(g, xs, g.cig, q0, q1, col.get(), len);
                    b = col.get();
                    ldb = len;
                }
                const int64_t oc0 = static_cast<int64_t>(grp) * g.cog + co0;
                float *c = y + (img * g.cout + oc0) * g.hw + q0;
                const float *bg = bias != nullptr ? bias + oc0 : nullptr;
                if (bg != nullptr) fill_rows(c, nco, len, g.hw, bg);
                const float *wg = w + oc0 * g.kg;
                // conv4j's AVX-512 GEMM on x in place (reached where the implicit kernel does not apply: more
                // than 256 input channels per group, or rows narrower than 8)
                if (p.kernel == ConvKernel::pointwise)
                    pointwise_gemm_avx512(bg != nullptr, static_cast<int>(nco), len, g.kg, wg, g.kg, 1, b, ldb, c, g.hw);
                else
                    sgemm(false, false, nco, len, g.kg, 1.f, wg, g.kg, b, ldb, bg != nullptr ? 1.f : 0.f, c, g.hw);
            }
        }
    }
    return C4J_OK;
}

}  // namespace

int run_forward(const ConvGeo &g, const FwdPlan &p, const float *x, const float *w, const float *bias, float *y,
                int64_t t0, int64_t t1) {
    try {
        return run_forward_tasks(g, p, x, w, bias, y, t0, t1);
    } catch (...) {  // nothing here throws by design; never let anything cross the C boundary
        return C4J_ERR_OUT_OF_MEMORY;
    }
}

}  // namespace c4j
