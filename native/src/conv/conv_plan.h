// How each convolution direction is cut into tasks (shared by the *_tasks counters and the kernels,
// so a caller running task ranges on several threads sees one consistent plan).
#ifndef CONV4J_CONV_PLAN_H
#define CONV4J_CONV_PLAN_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// Floats of one forward im2col block (4 MiB, L3-resident): measured on s4/s6/s8 with one thread, 1 MiB
// blocks gave the GEMM too few columns (s6 74-84 GFLOP/s against 84-90 with 4 MiB).
constexpr int64_t kColTarget = int64_t(1) << 20;
// Backward passes cut each channel block's columns into spatial sub-blocks of about this many floats
// (rows x columns), so the im2col / col2im buffer stays in L2 between its writer and the GEMM.
constexpr int64_t kSubBlockTarget = int64_t(1) << 16;

// Columns per spatial sub-block for a block of `rows` im2col rows: at least 64 (a GEMM with a shorter
// side wastes its packing), at most hw.
int64_t sub_block_columns(const ConvGeo &g, int64_t rows);

// Floats a buffer needs to hold any sub-block of up to max_rows rows (rows * sub_block_columns(rows) is
// not monotonic in rows because of the rounding, so bound it directly).
int64_t sub_block_buffer(const ConvGeo &g, int64_t max_rows);

// Grouped convolutions with few output channels per group (depthwise and the like) use the grouped direct
// loops (conv_direct.h): a GEMM with M <= 4 rows runs far below the machine's speed.

// Whether a zero-padded copy of `floats` floats per image (and group) is worth making for a kernel that
// reads one: at most four times the image's input and output planes plus 64K floats. Valid geometries with
// padding and dilation near 2^30 (whose windows mostly read padding) would otherwise size the copy by the
// padding (gigabytes, then OutOfMemoryError); those take im2col + GEMM, which only visits real cells.
inline bool padded_copy_affordable(const ConvGeo &g, int64_t floats) {
    return floats <= 4 * (static_cast<int64_t>(g.cig) * g.in_plane + static_cast<int64_t>(g.cog) * g.hw) +
                         (int64_t(1) << 16);
}
inline bool use_direct(const ConvGeo &g) { return g.groups > 1 && g.cog <= 4; }

// The kernel family an implementation-list entry (conv_impl_list.h) plans and runs; Winograd has its own plan.
enum class ConvKernel {
    grouped_direct,  // conv_direct.h: one output plane (dx plane, filter) per task, no GEMM
    dw_direct_scalar,  // conv_dw.h: the same tasks, vectorised along rows on phase planes
    dw_direct_avx2,
    dw_direct_avx512,
    igemm_rows,      // conv_implicit.h (AVX-512): implicit GEMM over blocks of output rows
    igemm_rows_avx2, // the same body on AVX2+FMA
    igemm_small,     // conv_small.h (AVX2): implicit GEMM for few output channels
    igemm_phase_scalar,  // conv_igemm_phase.h (forward): tasks are (image, group, block of output rows)
    igemm_phase_avx2,
    igemm_phase_avx512,
    igemm_dense_scalar,  // conv_igemm_dense.h: tasks are (image, block of output rows; dx rows backward)
    igemm_dense_avx2,
    igemm_dense_avx512,
    pointwise,       // conv_pointwise.h (AVX-512): 1x1 GEMM on x in place
    im2col_sgemm,    // im2col (or x in place for 1x1) + OpenBLAS sgemm
};

// The families whose tasks are whole planes (forward, backward data) or filters (backward weights).
inline bool per_plane(ConvKernel k) {
    return k == ConvKernel::grouped_direct || k == ConvKernel::dw_direct_scalar || k == ConvKernel::dw_direct_avx2 ||
           k == ConvKernel::dw_direct_avx512;
}

inline bool igemm_rows(ConvKernel k) { return k == ConvKernel::igemm_rows || k == ConvKernel::igemm_rows_avx2; }

inline bool igemm_phase(ConvKernel k) {
    return k == ConvKernel::igemm_phase_scalar || k == ConvKernel::igemm_phase_avx2 ||
           k == ConvKernel::igemm_phase_avx512;
}

inline bool igemm_dense(ConvKernel k) {
    return k == ConvKernel::igemm_dense_scalar || k == ConvKernel::igemm_dense_avx2 ||
           k == ConvKernel::igemm_dense_avx512;
}

struct FwdPlan {
    ConvKernel kernel;        // igemm_rows / igemm_small: tasks are (image, block of output rows)
    int64_t rows_per_task;    // implicit path: output rows per task
    int64_t images_per_task;  // > 1: whole images batched into one wide GEMM (small outputs)
    int64_t blocks_per_image; // > 1: one image's output columns split into blocks
    int64_t blk;              // columns per block
    int64_t co_blocks = 1;    // > 1: output-channel blocks (im2col / 1x1 path: blocks of co_blk, few small images;
                              // igemm_dense: its IgemmDenseSplit)
    int64_t co_blk = 0;       // im2col / 1x1 path: output channels per block (the group's cog when co_blocks is 1)
    int64_t tasks;
};

FwdPlan plan_forward(const ConvGeo &g, int parts, ConvKernel kernel);

struct ChannelPlan {  // backward data (per image and group) and backward weights (per group)
    int64_t cb;       // channels per block: whole groups unless more tasks are needed for the threads
    int64_t nb;       // blocks per group
    int64_t tasks;
    ConvKernel kernel = ConvKernel::im2col_sgemm;  // igemm_rows, igemm_dense: tasks are (image, block of dx rows)
    int64_t rows_per_task = 0;                      // igemm_rows, igemm_dense: dx rows per task
    int64_t col_blocks = 1;  // > 1 (1x1 GEMM path, backward data): each dx plane's columns in blocks of col_blk
    int64_t col_blk = 0;     // columns per block (hw when col_blocks is 1)
    int64_t co_blocks = 1;                        // igemm_dense: dx-channel blocks (IgemmDenseSplit)
};

ChannelPlan plan_backward_data(const ConvGeo &g, int parts, ConvKernel kernel);

struct RowPlan {     // backward weights: per group, blocks of rows of the im2col matrix (= columns of dW)
    int64_t rb;      // rows per block: the whole group unless more tasks are needed for the threads
    int64_t nb;      // blocks per group
    int64_t tasks;
    ConvKernel kernel;
    int64_t co_blk = 0;     // > 0 (1x1 GEMM path only): blocks of this many output channels instead of rows
    int64_t co_blocks = 1;  // output-channel blocks per group (tasks are (group, row block, channel block))
};

// Blocks of rows rather than of channels, so a convolution with few input channels (an RGB stem, a
// one-channel image) still splits evenly: each task owns a disjoint range of dW's columns.
RowPlan plan_backward_weights(const ConvGeo &g, int parts, ConvKernel kernel);

// Run tasks [t0, t1) of a plan (conv_forward.cpp, conv_backward_data.cpp, conv_backward_weights.cpp):
// C4J_OK or C4J_ERR_OUT_OF_MEMORY. The plan's kernel must apply to g (conv_impl_list.cpp checks).
int run_forward(const ConvGeo &g, const FwdPlan &p, const float *x, const float *w, const float *bias, float *y,
                int64_t t0, int64_t t1);
int run_backward_data(const ConvGeo &g, const ChannelPlan &p, const float *dy, const float *w, float *dx, int64_t t0,
                      int64_t t1);
int run_backward_weights(const ConvGeo &g, const RowPlan &p, const float *dy, const float *x, float *dw, int64_t t0,
                         int64_t t1);

}  // namespace c4j

#endif
