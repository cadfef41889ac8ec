// Forward convolution for few output channels and a short filter (LeNet's first layers): an implicit
// GEMM that reads a zero-padded copy of the input directly instead of materialising im2col, which
// costs as much as the arithmetic there. AVX2+FMA only; elsewhere the im2col + small GEMM path runs.
#ifndef CONV4J_CONV_SMALL_H
#define CONV4J_CONV_SMALL_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// Shapes the kernel handles: unit horizontal stride, <= 16 output channels per group, <= 256 filter taps
// per group, not the depthwise path.
bool conv_small_fits(const ConvGeo &g);

// Whether it runs here (fits, and the AVX2 kernels are in use).
bool conv_small_active(const ConvGeo &g);

// Floats of workspace for one call: one group's zero-padded input planes.
int64_t conv_small_workspace(const ConvGeo &g);

// Output rows [i0, i1) of image img, all output channels. pad: conv_small_workspace(g) floats.
void conv_small_forward_avx2(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                             int64_t img, int i0, int i1, float *pad);

}  // namespace c4j

#endif
