// Backward data: per image, group and block of input channels, dcol = W_g[:, block]^T * dy_g
// (Caffe's backward_cpu_gemm) then col2im, one spatial sub-block of columns at a time; the
// 1x1/stride-1/unpadded case writes the GEMM straight into dx. Blocks own disjoint dx planes, so tasks
// never write the same memory.
#include <algorithm>
#include <cstring>

#include "gemm/blas.h"
#include "runtime/buffer.h"
#include "conv4j/conv4j_cpu.h"
#include "conv/conv_direct.h"
#include "conv/conv_dw.h"
#include "conv/conv_igemm_dense.h"
#include "conv/conv_implicit.h"
#include "conv/conv_plan.h"
#include "conv/conv_pointwise.h"
#include "conv/im2col.h"

namespace c4j {
namespace {

int run_backward_data_tasks(const ConvGeo &g, const ChannelPlan &p, const float *dy, const float *w, float *dx,
                            int64_t t0, int64_t t1) {
    if (per_plane(p.kernel) && p.kernel != ConvKernel::grouped_direct) return dw_kernels_for(p.kernel).backward_data(g, dy, w, dx, t0, t1);
    if (p.kernel == ConvKernel::grouped_direct) {
        for (int64_t t = t0; t < t1; ++t) direct_backward_data_plane(g, dy, w, dx, t);
        return C4J_OK;
    }
    if (igemm_rows(p.kernel)) {  // a forward correlation of dy with the flipped filters (conv_implicit.h)
        const ConvGeo t = conv_implicit_transposed(g);
        FloatBuffer wt(static_cast<int64_t>(g.cin) * g.cog * g.khkw);
        FloatBuffer ws(conv_implicit_workspace(t, p.rows_per_task));
        if (!wt.ok() || !ws.ok()) return C4J_ERR_OUT_OF_MEMORY;
        conv_implicit_flip_filters(g, w, wt.get());
        const auto fn = p.kernel == ConvKernel::igemm_rows ? conv_implicit_forward_avx512 : conv_implicit_forward_avx2;
        // zeros around dy times an infinite or NaN weight: redo those results by the definition (conv_implicit.h)
        const bool finite = conv_all_finite(w, g.cout * g.kg);
        const int64_t blocks = ceil_div(g.h, p.rows_per_task);
        for (int64_t k = t0; k < t1; ++k) {
            int i0 = static_cast<int>((k % blocks) * p.rows_per_task);
            int i1 = static_cast<int>(std::min<int64_t>(g.h, i0 + p.rows_per_task));
            fn(t, dy, wt.get(), nullptr, dx, k / blocks, i0, i1, ws.get());
            if (!finite) conv_redo_nan_backward_data(g, dy, w, dx, k / blocks, i0, i1);
        }
        return C4J_OK;
    }
    if (igemm_dense(p.kernel)) {  // a forward correlation of dy with the flipped filters (conv_igemm_dense.h)
        const IgemmDenseFn fn = p.kernel == ConvKernel::igemm_dense_avx512 ? igemm_dense_avx512()
                                : p.kernel == ConvKernel::igemm_dense_avx2 ? igemm_dense_avx2()
                                                                           : igemm_dense_scalar();
        const IgemmDenseSplit sp{p.co_blocks, p.rows_per_task};
        return igemm_dense_backward_data_tasks(g, fn, sp, dy, w, dx, t0, t1);
    }
    const bool pw = g.pointwise();
    const int64_t max_rows = p.cb * g.khkw;
    FloatBuffer dcol(pw ? 0 : sub_block_buffer(g, max_rows));
    if (!pw && !dcol.ok()) return C4J_ERR_OUT_OF_MEMORY;
    for (int64_t tt = t0; tt < t1; ++tt) {
        // task tt: (image, group, channel block, column block); column blocks only on the 1x1 path
        const int64_t t = tt / p.col_blocks, q0 = (tt % p.col_blocks) * p.col_blk;
        const int64_t ncol = p.col_blocks > 1 ? std::min<int64_t>(g.hw - q0, p.col_blk) : g.hw;
        int64_t img = t / (static_cast<int64_t>(g.groups) * p.nb);
        int grp = static_cast<int>((t / p.nb) % g.groups);
        int64_t c0 = (t % p.nb) * p.cb;
        int64_t c1 = std::min<int64_t>(g.cig, c0 + p.cb);
        float *dxp = dx + (img * g.cin + static_cast<int64_t>(grp) * g.cig + c0) * g.in_plane;
        const float *dyg = dy + (img * g.cout + static_cast<int64_t>(grp) * g.cog) * g.hw;
        const float *a = w + static_cast<int64_t>(grp) * g.cog * g.kg + c0 * g.khkw;
        int64_t rows = (c1 - c0) * g.khkw;
        if (pw) {  // dx = W^T dy: conv4j's AVX-512 GEMM reads W^T in place (OpenBLAS may run AVX2 kernels)
            if (p.kernel == ConvKernel::pointwise)
                pointwise_gemm_avx512(false, static_cast<int>(rows), ncol, g.cog, a, 1, g.kg, dyg + q0, g.hw, dxp + q0,
                                      g.hw);
            else
                sgemm(true, false, rows, ncol, g.cog, 1.f, a, g.kg, dyg + q0, g.hw, 0.f, dxp + q0, g.hw);
            continue;
        }
        // column sub-blocks: dcol stays in L2 between the GEMM that writes it and col2im that reads it
        std::memset(dxp, 0, sizeof(float) * (c1 - c0) * g.in_plane);
        int64_t len = sub_block_columns(g, rows);
        for (int64_t q0 = 0; q0 < g.hw; q0 += len) {
            int64_t q1 = std::min<int64_t>(g.hw, q0 + len);
            sgemm(true, false, rows, q1 - q0, g.cog, 1.f, a, g.kg, dyg + q0, g.hw, 0.f, dcol.get(), q1 - q0);
            col2im_add_range(g, dcol.get(), q1 - q0, static_cast<int>(c1 - c0), q0, q1, dxp);
        }
    }
    return C4J_OK;
}

}  // namespace

int run_backward_data(const ConvGeo &g, const ChannelPlan &p, const float *dy, const float *w, float *dx, int64_t t0,
                      int64_t t1) {
    try {
        return run_backward_data_tasks(g, p, dy, w, dx, t0, t1);
    } catch (...) {
        return C4J_ERR_OUT_OF_MEMORY;
    }
}

}  // namespace c4j
