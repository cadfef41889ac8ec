// Forward convolution as an implicit GEMM with AVX-512 (a short filter over few input channels, any
// stride: the ResNet stem, LeNet's layers): output rows are computed straight from a zero-padded copy of
// the input whose columns are split by stride phase, so a strided tap reads contiguous memory and no
// im2col matrix is built (on the stem that matrix is 147 x 12544 floats, written and read back once
// more by OpenBLAS's packing, for a GEMM of only 147-long dot products).
#ifndef CONV4J_CONV_IMPLICIT_H
#define CONV4J_CONV_IMPLICIT_H

#include <cstdint>

#include "geometry.h"

namespace c4j {

// Shapes the kernel is meant for: not the depthwise path, <= 256 filter taps per group, rows of at
// least 8 outputs (narrower rows waste most of a 16-lane vector).
bool conv_implicit_fits(const ConvGeo &g);

// Whether it runs here: fits, AVX-512 present and the scalar kernels not forced.
bool conv_implicit_active(const ConvGeo &g);

// Floats of workspace for output rows [i0, i1) of one image (at most `rows` of them): one group's
// padded, phase-split input rows.
int64_t conv_implicit_workspace(const ConvGeo &g, int64_t rows);

// Output rows [i0, i1) of image img, every output channel. ws: conv_implicit_workspace(g, i1 - i0) floats.
void conv_implicit_forward_avx512(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                                  int64_t img, int i0, int i1, float *ws);

// Whether this build holds the AVX-512 body (false on other architectures).
bool conv_implicit_compiled();

}  // namespace c4j

#endif
