// Whole-plane pooling kernels for the most common shapes: 2x2 stride 2 without padding (max and average,
// forward and backward, max forward with indices; AVX-512 and AVX2) and max 3x3 stride 2 padding 1
// (ResNet's stem pool, forward and backward; AVX-512). They give the same bits as the generic separable path in pool.cpp (same comparisons, same
// order of additions), so the tests hold them to it with c4j_cpu_force_scalar.
#ifndef CONV4J_POOL_PLANES_H
#define CONV4J_POOL_PLANES_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// Each returns false, having written nothing, when the shape or the CPU (or the scalar switch) rules it
// out; then the caller runs the generic path. Planes [t0, t1) of n * c, as the C API's task range.
bool pool_planes_max_forward(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1);
bool pool_planes_max_backward(const PoolGeo &g, const float *dy, const float *x, float *dx, int64_t t0, int64_t t1);
bool pool_planes_avg_forward(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1);
bool pool_planes_avg_backward(const PoolGeo &g, const float *dy, float *dx, int64_t t0, int64_t t1);
// Max forward that also writes each window's argmax (flat index in the input plane), as
// c4j_max_pool2d_forward_indices does.
bool pool_planes_max_forward_indices(const PoolGeo &g, const float *x, float *y, int32_t *idx, int64_t t0,
                                     int64_t t1);

// Whether this build compiled the AVX-512 bodies below (false: they are empty and must not be called).
bool pool_planes_avx512_built();

// The AVX-512 bodies (pool_planes_avx512.cpp); only called after the checks in pool_planes.cpp.
void k2s2_max_forward_avx512(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1);
void k2s2_max_backward_avx512(const PoolGeo &g, const float *dy, const float *x, float *dx, int64_t t0, int64_t t1);
void k2s2_max_forward_indices_avx512(const PoolGeo &g, const float *x, float *y, int32_t *idx, int64_t t0,
                                     int64_t t1);
void k2s2_avg_forward_avx512(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1);
void k2s2_avg_backward_avx512(const PoolGeo &g, const float *dy, float *dx, int64_t t0, int64_t t1);
void k3s2p1_max_forward_avx512(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1);
// Needs a scratch row of at least 2 * (wout + 16) + 32 floats.
void k3s2p1_max_backward_avx512(const PoolGeo &g, const float *dy, const float *x, float *dx, int64_t t0, int64_t t1,
                                float *carry);

// Whether this build compiled the AVX2 bodies below (false: they are empty and must not be called).
bool pool_planes_avx2_built();

// The AVX2 bodies (pool_planes_avx2.cpp); only called after the checks in pool_planes.cpp.
void k2s2_max_forward_avx2(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1);
void k2s2_max_forward_indices_avx2(const PoolGeo &g, const float *x, float *y, int32_t *idx, int64_t t0,
                                   int64_t t1);
void k2s2_max_backward_avx2(const PoolGeo &g, const float *dy, const float *x, float *dx, int64_t t0, int64_t t1);
void k2s2_avg_forward_avx2(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1);
void k2s2_avg_backward_avx2(const PoolGeo &g, const float *dy, float *dx, int64_t t0, int64_t t1);

}  // namespace c4j

#endif
