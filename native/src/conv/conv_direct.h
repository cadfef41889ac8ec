// Direct (no GEMM) convolution loops for grouped convolutions with few channels per group.
#ifndef CONV4J_CONV_DIRECT_H
#define CONV4J_CONV_DIRECT_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// y plane (img, co) for plane index t = img * cout + co.
void direct_forward_plane(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y, int64_t t);
// dx plane (img, ci) for plane index t = img * cin + ci.
void direct_backward_data_plane(const ConvGeo &g, const float *dy, const float *w, float *dx, int64_t t);
// dw[co] (all taps of output channel co).
void direct_backward_weights_filter(const ConvGeo &g, const float *dy, const float *x, float *dw, int co);

}  // namespace c4j

#endif
