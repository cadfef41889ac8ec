// Depthwise convolution on channel blocks (oneDNN's jit_dw on nChw8c, done per task): for a block of W channels
// of one image (W = the vector's lanes: 8 on AVX2, 16 on AVX-512, 1 scalar) the small planes are transposed into
// an interleaved, zero-bordered scratch [rows][cols][W] that stays in L1/L2, every tap is then one full-vector FMA
// with a per-channel weight vector (no masks, no shuffles, any stride and dilation), and the result is transposed
// back to NCHW. Why: on rows narrower than a few vectors (7, 14, 28 columns: late MobileNet / EfficientNet stages)
// the row-vectorised dw_direct kernels run mostly masked edges (and shuffles at stride 2); here the lanes are
// channels, so the row's width and the stride do not matter.
//
// Backward data gathers per dx stride phase (a correlation of the zero-bordered dy with the phase's taps);
// backward weights sums dy * x per tap with lanes = channels, over images, rows, columns in that fixed order, so
// the result does not depend on the thread count.
//
// Padded taps: the zero border is multiplied like any input. That changes no finite result, but a zero times an
// infinite or NaN weight (forward, backward data) or dy (backward weights) is NaN where the definition has no
// term; channels with a non-finite weight (forward, backward data) or a non-finite weight gradient (backward
// weights: such a NaN always shows there) are recomputed by the definition's loops (conv_direct.h).
#ifndef CONV4J_CONV_DW_BLOCKED_H
#define CONV4J_CONV_DW_BLOCKED_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

struct DwBlockedKernels {
    int width;  // channels per block
    // Tasks t = img * blocks + block, blocks = ceil(cin / width).
    int (*forward)(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y, int64_t t0,
                   int64_t t1);
    int (*backward_data)(const ConvGeo &g, const float *dy, const float *w, float *dx, int64_t t0, int64_t t1);
    // Tasks t = block (each sums over every image).
    int (*backward_weights)(const ConvGeo &g, const float *dy, const float *x, float *dw, int64_t t0, int64_t t1);
};

const DwBlockedKernels *dw_blocked_scalar();  // never null
const DwBlockedKernels *dw_blocked_avx2();    // null where the AVX2 body is not compiled in
const DwBlockedKernels *dw_blocked_avx512();  // likewise

// The scratch planes' sides. Forward and backward weights: x with its padding, hp x wp (rows and columns every
// tap reaches). Backward data: dy rows [i_lo, i_lo + hd) and columns [j_lo, j_lo + wd), every dy index a dx
// phase's taps reach (those outside dy are the zero border).
struct DwBlockedSides {
    int64_t hp, wp;
    int64_t i_lo, hd, j_lo, wd;
};

// Sides for g; false when a scratch plane would exceed kDwBlockedMaxCells: planes beyond 181 x 181, or huge
// padding or dilation (the border would dominate) keep the other kernels. The bound holds a task's scratch to
// 4 MiB per thread on AVX-512 (two planes of 2^15 cells x 16 lanes), 2 MiB on AVX2.
bool dw_blocked_sides(const ConvGeo &g, DwBlockedSides &s);
constexpr int64_t kDwBlockedMaxCells = int64_t(1) << 15;

// Depthwise (one input and one output channel per group) with scratch planes within bounds.
bool dw_blocked_fits(const ConvGeo &g);

// Where the blocked kernels are the choice: depthwise filters up to 7x7 (the per-tap weight vectors stay in L1
// with the block), any plane within the scratch bound, all three directions. With the lanes on channels no row has
// masked edges and stride 2 needs no shuffles, while the transposes cost about two vector moves per element
// against 9 to 25 FMAs per output; dw_direct's row vectors lose to that even on 112-wide rows (measured in all
// three directions, back to back).
bool dw_blocked_pays(const ConvGeo &g);

// Whether each flavour runs here: fits, compiled in, and the ISA cap allows it.
bool dw_blocked_avx2_active(const ConvGeo &g);
bool dw_blocked_avx512_active(const ConvGeo &g);

// Tasks of a flavour of `width` lanes: (image, block) forward and backward data, blocks backward weights.
int64_t dw_blocked_tasks(const ConvGeo &g, int width, bool weights);

}  // namespace c4j

#endif
