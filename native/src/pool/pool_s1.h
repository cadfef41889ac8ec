// Stride-1 max and average pooling, forward and backward (Inception's 3x3 stride 1 padding 1 and the like), on
// groups of planes stacked in one padded scratch: each plane's rows are copied between -inf borders (0 for
// average), the planes of a group one below the other, so every output row of every plane is a run of windows
// over the same row-major buffer and a vector of W outputs is kh * kw unaligned loads, whatever the plane's
// width (7x7 planes included: no per-row tails that cost more than the row). AVX-512, AVX2 and scalar versions
// (pool_s1_body.inc once per ISA), chosen by CPUID and capped by the ISA switch.
//
// Results are those of the per-row separable path (pool.cpp) bit for bit:
// - max value: the first maximum in column-major window order (kernel column, then kernel row: the order in
//   which the separable path's column-then-row reductions keep the first of equal values, +0 against -0);
// - argmax: the first maximum in row-major order (PyTorch's rule), its value and flat index in the h x w
//   plane; a window whose real cells are all -inf answers its first real cell;
// - max backward: each window's dy added at its argmax in row-major window order from +0;
// - average: the separable path's sums and divisions in its order.
// The vector max kernels compare with max (never replacing on a tie), which skips NaN; a group whose input
// holds a NaN is done by the scalar body instead, which implements the NaN rule (the first NaN wins).
#ifndef CONV4J_POOL_S1_H
#define CONV4J_POOL_S1_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// The geometry a group kernel needs, with the stack's padded sizes.
struct S1Geo {
    int h, w, ph, pw, kh, kw, hout, wout;
    int hp, wp;  // padded plane: h + 2 ph rows of w + 2 pw floats
    int64_t plane() const { return static_cast<int64_t>(h) * w; }        // floats of one input (dx) plane
    int64_t oplane() const { return static_cast<int64_t>(hout) * wout; } // floats of one output (dy) plane
    int64_t cells() const { return static_cast<int64_t>(hp) * wp; }      // floats of one padded plane
};

struct PoolS1Kernels {
    // Planes [0, planes) of x (contiguous h x w planes) into y (hout x wout planes): the window maxima.
    // stack: scratch of s1_stack_floats(planes) floats whose border cells are -inf (s1_stack_init).
    void (*max_forward)(const S1Geo &s, const float *x, int planes, float *stack, float *y);
    // The first maximum of each window (row-major, NaN wins): value into vals, flat index in the input
    // plane into idx (hout x wout per plane each). Stack as for max_forward.
    void (*argmax)(const S1Geo &s, const float *x, int planes, float *stack, float *vals, int32_t *idx);
    // Average pooling: each window's sum (its real rows top to bottom per column, then the kw columns left to
    // right, a border column adding +0: the separable path's order) divided by rext[i] * cext[j] (the row
    // and column extents of PyTorch's divisor, as floats; cext readable up to wout + 16). Stack as for
    // max_forward but with 0 in its border cells.
    void (*avg_forward)(const S1Geo &s, const float *x, int planes, float *stack, const float *rext,
                        const float *cext, float *y);
    // dx (h x w planes) = the backward of max pooling: each window's dy added at its first maximum (argmax's
    // rule) in row-major window order from +0, the sums of the per-row path's scatter into a cleared plane.
    // Stack as for max_forward; tp, dp: scratch of s1_tap_floats(s) floats each, tp set by s1_tap_init.
    void (*max_backward)(const S1Geo &s, const float *dy, const float *x, int planes, float *stack, float *tp,
                         float *dp, float *dx);
    // dx = the backward of average pooling: dy[i][j] * (rinv[i] * cinv[j]) summed per window row over the kw
    // columns covering each input column (left to right), then over the window rows covering each input row
    // (top to bottom): the separable path's operations in its order. tp: s1_tap_floats(s) floats, all +0
    // before the first call (only interior cells are written); cinv readable up to wout + 16 (zeros past wout).
    void (*avg_backward)(const S1Geo &s, const float *dy, int planes, float *tp, const float *rinv, const float *cinv,
                         float *dx);
};

const PoolS1Kernels &pool_s1_scalar();
const PoolS1Kernels &pool_s1_avx2();    // only call when cpu_has_avx2_fma()
const PoolS1Kernels &pool_s1_avx512();  // only call when cpu_has_avx512()

// The kernels in use.
const PoolS1Kernels &pool_s1();

// Whether the stacked path takes this shape: stride 1 both ways, windows of at most 25 cells, a padded
// plane of at most 64 Ki floats.
bool s1_applies(const PoolGeo &g);
S1Geo s1_geo(const PoolGeo &g);
// Planes per group: as many as fit a 16 KiB stack (L1-resident between the copy and the window pass), at
// least one.
int s1_group(const S1Geo &s);
// Floats of the stack of `planes` planes, with the slack the vector kernels' last blocks read.
int64_t s1_stack_floats(const S1Geo &s, int planes);
// Fills the stack with `border` (-inf for max, 0 for sums; its border cells keep that value through every use).
void s1_stack_init(float *stack, int64_t floats, float border);

// Floats of one plane's tap (or padded dy) scratch for max_backward: (hout + 2 kh - 2) x (wout + 2 kw - 2) and
// the slack the gather's last vectors read.
int64_t s1_tap_floats(const S1Geo &s);
// The tap scratch's initial state: -1 (as int32) in every cell, the borders' value for good.
void s1_tap_init(float *tp, int64_t floats);

// Task drivers for the C entry points: planes [t0, t1) of the tensors, in groups (s1_group) through one stack.
// Return a C4J status (C4J_OK, or C4J_ERR_OUT_OF_MEMORY when the scratch is refused).
int s1_max_forward_tasks(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1);
int s1_argmax_tasks(const PoolGeo &g, const float *x, float *vals, int32_t *idx, int64_t t0, int64_t t1);
// dx = the backward of max pooling: each window's gradient added at its first maximum, in row-major output
// order from +0 (the per-row path's sums, bit for bit).
int s1_avg_forward_tasks(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1);
int s1_avg_backward_tasks(const PoolGeo &g, const float *dy, float *dx, int64_t t0, int64_t t1);
int s1_max_backward_tasks(const PoolGeo &g, const float *dy, const float *x, float *dx, int64_t t0, int64_t t1);

// The scalar kernels' bodies, which the vector versions call for a group holding a NaN.
void s1_max_forward_exact(const S1Geo &s, const float *x, int planes, float *y);
void s1_argmax_exact(const S1Geo &s, const float *x, int planes, float *vals, int32_t *idx);
// vals, idx: scratch of hout * wout each (one plane at a time).
void s1_max_backward_exact(const S1Geo &s, const float *dy, const float *x, int planes, float *vals, int32_t *idx,
                           float *dx);
void s1_avg_backward_exact(const S1Geo &s, const float *dy, int planes, const float *rinv, const float *cinv,
                           float *dx);
void s1_avg_forward_exact(const S1Geo &s, const float *x, int planes, const float *rext, const float *cext, float *y);

}  // namespace c4j

#endif
