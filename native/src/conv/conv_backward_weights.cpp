// Backward weights: per group and block of im2col rows, dW_g[:, block] = sum over images and spatial
// sub-blocks of dy_g[:, sub] * im2col(x)[block, sub]^T (Caffe's weight_cpu_gemm, accumulating with
// beta = 1). Blocks own disjoint column ranges of dW.
#include <algorithm>

#include "gemm/blas.h"
#include "runtime/buffer.h"
#include "conv4j/conv4j_cpu.h"
#include "conv/conv_direct.h"
#include "conv/conv_dw.h"
#include "conv/conv_implicit.h"
#include "conv/conv_plan.h"
#include "conv/conv_pointwise.h"
#include "conv/im2col.h"

namespace c4j {
namespace {

// Whether to run the GEMM transposed (see below): im2col blocks with at least twice as many rows as
// output channels, and a dW^T block small enough to stay in L2 while every sub-block adds onto it.
bool transposed_gemm(const ConvGeo &g, const RowPlan &p) {
    return !g.pointwise() && p.rb >= 2 * g.cog && p.rb * g.cog <= (int64_t(1) << 17);
}

// c[o * ldc + r] = ct[r * cog + o]: a task's dW^T block into dW.
void store_transposed(const float *ct, int64_t rows, int cog, float *c, int64_t ldc) {
    for (int o = 0; o < cog; ++o)
        for (int64_t r = 0; r < rows; ++r) c[o * ldc + r] = ct[r * cog + o];
}

int run_backward_weights_tasks(const ConvGeo &g, const RowPlan &p, const float *dy, const float *x, float *dw,
                               int64_t t0, int64_t t1) {
    if (per_plane(p.kernel) && p.kernel != ConvKernel::grouped_direct) return dw_kernels_for(p.kernel).backward_weights(g, dy, x, dw, t0, t1);
    if (p.kernel == ConvKernel::grouped_direct) {
        for (int64_t t = t0; t < t1; ++t) direct_backward_weights_filter(g, dy, x, dw, static_cast<int>(t));
        return C4J_OK;
    }
    if (igemm_rows(p.kernel)) {  // short filters: no im2col at all
        FloatBuffer ws(conv_implicit_wgrad_workspace(g, p.rb));
        if (!ws.ok()) return C4J_ERR_OUT_OF_MEMORY;
        const auto fn = p.kernel == ConvKernel::igemm_rows ? conv_implicit_backward_weights_avx512
                                                           : conv_implicit_backward_weights_avx2;
        for (int64_t t = t0; t < t1; ++t) {
            const int grp = static_cast<int>(t / p.nb);
            const int64_t r0 = (t % p.nb) * p.rb, r1 = std::min<int64_t>(g.kg, r0 + p.rb);
            fn(g, dy, x, dw, grp, r0, r1, ws.get());
            // padded zeros times an infinite or NaN dy: redo those results by the definition (conv_implicit.h)
            conv_redo_nan_backward_weights(g, dy, x, dw, grp, r0, r1);
        }
        return C4J_OK;
    }
    const bool pw = g.pointwise();
    if (p.kernel == ConvKernel::pointwise) {  // conv4j's AVX-512 GEMM, one operand transposed per chunk
        // transpose the side with fewer channels: dy when the block has more input than output channels
        // (then the GEMM makes dW^T in a task-local buffer). s5 (256 -> 64, 2 tasks of 128 rows), 2 threads:
        // the transposes were 17% of the time with x transposed (perf, AMD EPYC with AVX-512)
        const bool swap = g.cog < p.rb;
        FloatBuffer bt(pointwise_wgrad_workspace(static_cast<int>(swap ? g.cog : p.rb)));
        FloatBuffer ct(swap ? p.rb * g.cog : 0);
        if (!bt.ok() || (swap && !ct.ok())) return C4J_ERR_OUT_OF_MEMORY;
        for (int64_t t = t0; t < t1; ++t) {
            const int grp = static_cast<int>(t / p.nb);
            const int64_t r0 = (t % p.nb) * p.rb, r1 = std::min<int64_t>(g.kg, r0 + p.rb);
            const int rows = static_cast<int>(r1 - r0);
            float *c = dw + static_cast<int64_t>(grp) * g.cog * g.kg + r0;
            for (int64_t img = 0; img < g.n; ++img) {
                const float *xg = x + (img * g.cin + static_cast<int64_t>(grp) * g.cig + r0) * g.in_plane;
                const float *a = dy + (img * g.cout + static_cast<int64_t>(grp) * g.cog) * g.hw;
                if (swap)
                    pointwise_wgrad_avx512(xg, rows, a, g.cog, g.hw, ct.get(), g.cog, img == 0, bt.get());
                else
                    pointwise_wgrad_avx512(a, g.cog, xg, rows, g.hw, c, g.kg, img == 0, bt.get());
            }
            if (swap)  // same products summed in the same order: the bits equal the unswapped GEMM's
                store_transposed(ct.get(), rows, g.cog, c, g.kg);
        }
        return C4J_OK;
    }
    // transposed GEMM: dW^T[rows x cog] = col[rows x len] * dy[cog x len]^T into a task-local buffer,
    // copied into dW at the end. OpenBLAS runs it faster with the long side as M (one thread, Zen 5:
    // 8x64x56x56 -> 64 3x3 12.2-12.3 ms against 14.8; 8x128x28x28 -> 128 11.3-11.6 against 12.4-12.5;
    // but 8x512x7x7 -> 512, whose 2304 x 512 block leaves L2, 16.5 against 10.8, hence the size limit)
    const bool tr = transposed_gemm(g, p);
    FloatBuffer col(pw ? 0 : sub_block_buffer(g, p.rb));
    FloatBuffer ct(tr ? p.rb * g.cog : 0);
    // a padded copy of the block's input channels per image, so im2col needs no bounds checks (at most
    // 16 MiB; a block spans at most rb / khkw + 2 channels)
    const int64_t pad_ch = std::min<int64_t>(g.cig, p.rb / g.khkw + 2);
    // divided, not multiplied: with padding near 2^30 on both axes the plane alone is about 2^60 floats, and
    // pad_ch times it overflowed int64 to a value below the limit (an allocation of exabytes followed)
    const bool padded = !pw && padded_plane(g) <= (int64_t(1) << 22) / pad_ch;
    FloatBuffer xp(padded ? pad_ch * padded_plane(g) : 0);
    if ((!pw && !col.ok()) || (tr && !ct.ok()) || (padded && !xp.ok())) return C4J_ERR_OUT_OF_MEMORY;
    for (int64_t tt = t0; tt < t1; ++tt) {
        // task tt: (group, row block, output-channel block); the channel block is the whole group's cog unless
        // the plan split dy by output channels instead of dW's columns
        const int64_t t = tt / p.co_blocks, cb = tt % p.co_blocks;
        const int64_t co0 = p.co_blk > 0 ? cb * p.co_blk : 0;
        const int64_t nco = p.co_blk > 0 ? std::min<int64_t>(g.cog - co0, p.co_blk) : g.cog;
        int grp = static_cast<int>(t / p.nb);
        int64_t r0 = (t % p.nb) * p.rb;
        int64_t r1 = std::min<int64_t>(g.kg, r0 + p.rb);
        int64_t rows = r1 - r0;
        float *c = dw + (static_cast<int64_t>(grp) * g.cog + co0) * g.kg + r0;
        // pointwise: x is the column matrix (row r = channel r), one GEMM per image over all positions
        int64_t len = pw ? g.hw : sub_block_columns(g, rows);
        bool first = true;
        for (int64_t img = 0; img < g.n; ++img) {
            const float *xg = x + (img * g.cin + static_cast<int64_t>(grp) * g.cig) * g.in_plane;
            const float *a = dy + (img * g.cout + static_cast<int64_t>(grp) * g.cog + co0) * g.hw;
            const int64_t c_first = r0 / g.khkw;
            if (padded) {
                pad_planes(g, xg + c_first * g.in_plane, static_cast<int>((r1 - 1) / g.khkw - c_first + 1), xp.get());
            }
            for (int64_t q0 = 0; q0 < g.hw; q0 += len) {
                int64_t q1 = std::min<int64_t>(g.hw, q0 + len);
                const float *b = xg + r0 * g.in_plane + q0;
                int64_t ldb = g.hw;
                if (!pw) {  // the sub-block stays in L2 between im2col and the GEMM
                    if (padded) {
                        im2col_rows_padded(g, xp.get(), c_first, r0, r1, q0, q1, col.get(), q1 - q0);
                    } else {
                        im2col_rows(g, xg, r0, r1, q0, q1, col.get(), q1 - q0);
                    }
                    b = col.get();
                    ldb = q1 - q0;
                }
                if (tr) {
                    sgemm(false, true, rows, g.cog, q1 - q0, 1.f, b, ldb, a + q0, g.hw, first ? 0.f : 1.f, ct.get(),
                          g.cog);
                } else {
                    sgemm(false, true, nco, rows, q1 - q0, 1.f, a + q0, g.hw, b, ldb, first ? 0.f : 1.f, c, g.kg);
                }
                first = false;
            }
        }
        if (tr) store_transposed(ct.get(), rows, g.cog, c, g.kg);
    }
    return C4J_OK;
}

}  // namespace

int run_backward_weights(const ConvGeo &g, const RowPlan &p, const float *dy, const float *x, float *dw, int64_t t0,
                         int64_t t1) {
    try {
        return run_backward_weights_tasks(g, p, dy, x, dw, t0, t1);
    } catch (...) {
        return C4J_ERR_OUT_OF_MEMORY;
    }
}

}  // namespace c4j
