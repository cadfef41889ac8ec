// Launchers of the CUDA kernels (kernels.cu), called by the C API (api.cu) on validated dimensions.
#ifndef CONV4J_CUDA_LAUNCH_HPP
#define CONV4J_CUDA_LAUNCH_HPP

#include <cuda_runtime.h>

#include "../kernels/dims.cuh"

namespace c4j {
namespace cuda {

/* Each returns the launch error (cudaSuccess when every launch was accepted); none synchronises. */
cudaError_t launch_conv_forward(const ConvDims& d, const float* x, const float* w, const float* bias, float* y);
cudaError_t launch_conv_backward_data(const ConvDims& d, const float* dy, const float* w, float* dx);
/* ws: splits * dw_size floats when backward_weights_splits(d) > 1, else unused. */
cudaError_t launch_conv_backward_weights(const ConvDims& d, const float* dy, const float* x, float* dw, float* ws);
cudaError_t launch_conv_backward_bias(int n, int c, int hw, const float* dy, float* db);
cudaError_t launch_max_pool_forward(const PoolDims& p, const float* x, float* y);
cudaError_t launch_max_pool_backward(const PoolDims& p, const float* x, const float* dy, float* dx);
cudaError_t launch_avg_pool_forward(const PoolDims& p, const float* x, float* y);
cudaError_t launch_avg_pool_backward(const PoolDims& p, const float* dy, float* dx);
cudaError_t launch_max_pool_forward_indices(const PoolDims& p, const float* x, float* y, int* idx);
cudaError_t launch_max_pool_backward_indices(const IndexDims& d, const float* dy, const int* idx, float* dx);
/* owner: scratch of n*c*hb*wb ints on the device. */
cudaError_t launch_max_unpool(const IndexDims& d, const float* x, const int* idx, int* owner, float* y);
cudaError_t launch_adaptive_avg_pool_forward(const AdaptiveDims& d, const float* x, float* y);
cudaError_t launch_adaptive_avg_pool_backward(const AdaptiveDims& d, const float* dy, float* dx);
cudaError_t launch_adaptive_max_pool_forward(const AdaptiveDims& d, const float* x, float* y, int* idx);

/* Split count of backward-weights for these dimensions (a function of the shape only). */
int backward_weights_splits(const ConvDims& d);

}  // namespace cuda
}  // namespace c4j

#endif
