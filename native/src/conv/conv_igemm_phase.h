// Forward convolution as an implicit GEMM on phase planes (conv_dw.h): any stride, dilation, padding and
// groups; chosen for grouped layers (igemm_phase_pays), whose per-group GEMMs are too thin for im2col + sgemm. Each group's input
// channels are copied once per task into zero-padded stride-phase planes; per output row, blocks of up to 6
// output channels x 2 vectors of output columns stay in registers while the (input channel, tap) pairs run: per
// pair 2 contiguous loads and up to 6 weight broadcasts feed up to 12 FMAs. Weights are packed per task as
// [input channel][tap][output channel] so the broadcasts are contiguous. One body (conv_igemm_phase_body.inc)
// compiled for scalar, AVX2+FMA and AVX-512.
#ifndef CONV4J_CONV_IGEMM_PHASE_H
#define CONV4J_CONV_IGEMM_PHASE_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// Output rows [i0, i1) of image img and group grp, every output channel of the group.
using IgemmPhaseFn = int (*)(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                             int64_t img, int grp, int i0, int i1);

IgemmPhaseFn igemm_phase_scalar();
IgemmPhaseFn igemm_phase_avx2();    // null where the AVX2 body is not compiled in
IgemmPhaseFn igemm_phase_avx512();  // likewise

// Shapes it computes: not pointwise, a group's phase planes and packed weights within 16 Mi floats each.
bool igemm_phase_fits(const ConvGeo &g);

// Shapes it is chosen for (when nothing above it in the list picks them): grouped layers with more than 4
// output channels per group.
bool igemm_phase_pays(const ConvGeo &g);

bool igemm_phase_avx2_active(const ConvGeo &g);
bool igemm_phase_avx512_active(const ConvGeo &g);

}  // namespace c4j

#endif
