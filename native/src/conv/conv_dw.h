// Direct convolution for grouped layers with few output channels per group (depthwise and the like: no GEMM,
// the loops follow the definition), vectorised along output rows, reading x, w and dy in place (no copies).
// Forward and backward data compute each output (dx) row's interior, where every tap lies inside the input, in
// whole vectors and its edges one column at a time with each tap checked; backward weights runs each tap over its
// own valid columns. Padded taps are skipped, never multiplied by zero: an infinite input or weight gives NaN only
// where the definition does. Stride 2 deinterleaves with shuffles; backward data is a gather per dx element (no
// scatter), its stride phases interleaved on store. Backward weights sums in a fixed order (images, then rows, then
// vector lanes), so the result does not depend on the thread count. One body (conv_dw_body.inc) compiled for
// scalar, AVX2+FMA and AVX-512.
//
// The phase-plane helpers at the end (zero-padded, stride-phase-split copies of input planes) serve igemm_phase.
#ifndef CONV4J_CONV_DW_H
#define CONV4J_CONV_DW_H

#include <cstdint>

#include "conv/conv_plan.h"
#include "runtime/geometry.h"

namespace c4j {

struct DwKernels {
    // Output planes t = img * cout + co in [t0, t1).
    int (*forward)(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y, int64_t t0,
                   int64_t t1);
    // dx planes t = img * cin + ci in [t0, t1).
    int (*backward_data)(const ConvGeo &g, const float *dy, const float *w, float *dx, int64_t t0, int64_t t1);
    // Filters of output channels [t0, t1).
    int (*backward_weights)(const ConvGeo &g, const float *dy, const float *x, float *dw, int64_t t0, int64_t t1);
};

const DwKernels &dw_kernels_scalar();
const DwKernels &dw_kernels_avx2();    // forward is null where the AVX2 body is not compiled in
const DwKernels &dw_kernels_avx512();  // likewise

// The flavour a plan's kernel (one of ConvKernel::dw_direct_*) names.
const DwKernels &dw_kernels_for(ConvKernel k);

// Horizontal strides the direct kernels take: backward data keeps one vector per stride phase.
constexpr int kDwMaxStride = 4;

// Whether a group's phase planes for vectors of `width` floats stay within 16 Mi floats and an affordable copy
// (padded_copy_affordable), computed without overflow for any valid geometry.
bool dw_phase_planes_fit(const ConvGeo &g, int width);

// Shapes the kernels take: groups > 1 with at most 4 output channels per group (use_direct), horizontal stride
// at most kDwMaxStride.
bool dw_direct_fits(const ConvGeo &g);

// Where the vectorised kernels are the choice over the plain loops (grouped_direct), for the layers the channel-
// blocked kernels above them in the lists leave (conv_dw_blocked.h: depthwise up to 7x7 on planes within its
// scratch bound; here depth multipliers, few channels per group, larger filters and planes): rows long enough
// that whole vectors dominate the masked edges and per-row set-up. Forward: at least 32 output columns. Backward
// data: unit horizontal stride and at least 32 dx columns (with stride 2 each block's few taps per phase leave the
// loop overhead dominant). Backward weights: at least 8 output columns, one whole AVX2 vector (every tap a dot
// product along the row; shorter rows are all masked tail).
bool dw_direct_pays_forward(const ConvGeo &g);
bool dw_direct_pays_backward_data(const ConvGeo &g);
bool dw_direct_pays_backward_weights(const ConvGeo &g);

// Whether each flavour runs here: fits, compiled in, and the ISA cap allows it.
bool dw_direct_avx2_active(const ConvGeo &g);
bool dw_direct_avx512_active(const ConvGeo &g);

// Phase-plane geometry (igemm_phase): rows (h + pt + pb), columns per phase row for vectors of
// `width` floats, and floats of one phase plane (all sw phases).
inline int64_t dw_rows(const ConvGeo &g) { return static_cast<int64_t>(g.h) + g.pt + g.pb; }
inline int64_t dw_cols(const ConvGeo &g, int width) {
    return ceil_div(g.wout, width) * width + static_cast<int64_t>(g.kw - 1) * g.dw / g.sw;
}
inline int64_t dw_plane(const ConvGeo &g, int width) { return g.sw * dw_rows(g) * dw_cols(g, width); }

// Copies input plane xp [h x w] into the phase plane ps (dw_plane floats), zeros everywhere else.
void dw_fill_phase_plane(const ConvGeo &g, int width, const float *xp, float *ps);

// dx plane [h x w] from the phase plane ps the backward pass accumulated into.
void dw_fold_phase_plane(const ConvGeo &g, int width, const float *ps, float *dxp);

}  // namespace c4j

#endif
