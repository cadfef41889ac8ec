/*
 * CONV4J_HD marks the per-thread bodies of the CUDA kernels. Under nvcc they are __host__ __device__, so the
 * same source compiles into the real __global__ kernels and into the host harness (native/cuda/tests), which
 * runs each block's threads one after the other, phase by phase, on the CPU. Under a plain C++ compiler the
 * macro is empty.
 */
#ifndef CONV4J_CUDA_HD_CUH
#define CONV4J_CUDA_HD_CUH

#include <math.h>

#if defined(__CUDACC__)
#define CONV4J_HD __host__ __device__
#else
#define CONV4J_HD
#endif

namespace c4j {
namespace cuda {

CONV4J_HD inline int imin(int a, int b) { return a < b ? a : b; }
CONV4J_HD inline int imax(int a, int b) { return a > b ? a : b; }

/* Floor division for a possibly negative numerator and a positive divisor. */
CONV4J_HD inline int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/*
 * One multiply-add, always fused (fmaf): the GPU would contract a*b+c anyway, and spelling it out gives the host
 * harness the same rounding as the device for the same summation order.
 */
CONV4J_HD inline float madd(float a, float b, float c) { return fmaf(a, b, c); }

}  // namespace cuda
}  // namespace c4j

#endif
