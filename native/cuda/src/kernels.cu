// The __global__ kernels: thin shells that call the CONV4J_HD phase bodies of native/cuda/kernels/ between
// __syncthreads(), exactly in the order the host harness (native/cuda/tests/host_emulator.hpp) runs them.
#include "launch.hpp"

#include "../kernels/bias_grad.cuh"
#include "../kernels/conv_ops.cuh"
#include "../kernels/launch_plan.cuh"
#include "../kernels/pool.cuh"

namespace c4j {
namespace cuda {

template <class Op>
__global__ void __launch_bounds__(TILE_THREADS)
    gemm_tile_kernel(Op op, int splits, int slices_per_split, int y0, int z0) {
    __shared__ TileSmem<Op> smem;
    TileAcc acc;
    tile_acc_zero(acc);
    const TileCoord t = tile_coord(blockIdx.x, y0 + blockIdx.y, z0 + blockIdx.z, splits, op.K, slices_per_split);
    const int tid = threadIdx.x;
    TileStage stage;
    tile_index(op, t, tid, smem);
    __syncthreads();
    tile_fetch(op, t, t.kbegin, 0, tid, smem, stage);
    tile_commit<Op>(stage, 0, tid, smem);
    __syncthreads();
    int slice = 0;
    for (int k0 = t.kbegin; k0 < t.kend; k0 += BK, slice++) {
        tile_step(op, t, k0, slice, tid, smem, acc, stage);
        __syncthreads();
    }
    tile_store(op, t, tid, acc);
}

__global__ void splitk_reduce_kernel(const float* ws, float* dw, int size, int splits) {
    splitk_reduce(ws, dw, size, splits, blockIdx.x * blockDim.x + threadIdx.x);
}

__global__ void __launch_bounds__(BIAS_THREADS) bias_grad_kernel(const float* dy, int n, int c, int hw, float* db) {
    __shared__ float smem[BIAS_THREADS];
    const int ch = blockIdx.x, tid = threadIdx.x;
    bias_grad_partial(dy, n, c, hw, ch, tid, smem);
    __syncthreads();
    for (int stride = BIAS_THREADS / 2; stride > 0; stride /= 2) {
        bias_grad_tree_step(smem, tid, stride);
        __syncthreads();
    }
    bias_grad_finish(smem, db, ch, tid);
}

__global__ void maxpool_fwd_kernel(PoolDims p, const float* x, float* y, int count) {
    int o = blockIdx.x * blockDim.x + threadIdx.x;
    if (o < count) maxpool_fwd(p, x, y, o);
}

__global__ void avgpool_fwd_kernel(PoolDims p, const float* x, float* y, int count) {
    int o = blockIdx.x * blockDim.x + threadIdx.x;
    if (o < count) avgpool_fwd(p, x, y, o);
}

__global__ void maxpool_bwd_kernel(PoolDims p, const float* x, const float* dy, float* dx, int count) {
    int e = blockIdx.x * blockDim.x + threadIdx.x;
    if (e < count) maxpool_bwd(p, x, dy, dx, e);
}

__global__ void avgpool_bwd_kernel(PoolDims p, const float* dy, float* dx, int count) {
    int e = blockIdx.x * blockDim.x + threadIdx.x;
    if (e < count) avgpool_bwd(p, dy, dx, e);
}

/* Launches the tile kernel over the whole grid, in chunks that keep gridDim.y and gridDim.z <= 65535. */
template <class Op>
static cudaError_t launch_gemm(const Op& op, int groups, int splits, int slices_per_split) {
    const GemmGrid g = gemm_grid(op.M, op.NC, groups, splits);
    for (int y0 = 0; y0 < g.y; y0 += GRID_YZ_LIMIT) {
        for (int z0 = 0; z0 < g.z; z0 += GRID_YZ_LIMIT) {
            dim3 grid(g.x, imin(GRID_YZ_LIMIT, g.y - y0), imin(GRID_YZ_LIMIT, g.z - z0));
            gemm_tile_kernel<Op><<<grid, TILE_THREADS, 0, cudaStreamPerThread>>>(op, splits, slices_per_split, y0, z0);
            cudaError_t e = cudaGetLastError();
            if (e != cudaSuccess) return e;
        }
    }
    return cudaSuccess;
}

cudaError_t launch_conv_forward(const ConvDims& d, const float* x, const float* w, const float* bias, float* y) {
    ConvFwdOp op = conv_fwd_op(d, x, w, bias, y);
    return launch_gemm(op, d.groups, 1, (op.K + BK - 1) / BK);
}

cudaError_t launch_conv_backward_data(const ConvDims& d, const float* dy, const float* w, float* dx) {
    ConvBwdDataOp op = conv_bwd_data_op(d, dy, w, dx);
    return launch_gemm(op, d.groups, 1, (op.K + BK - 1) / BK);
}

static SplitPlan weights_plan(const ConvDims& d) {
    return splitk_plan(d.cout_g, d.cin_g * d.kh * d.kw, d.n * d.hout * d.wout, d.groups);
}

int backward_weights_splits(const ConvDims& d) { return weights_plan(d).splits; }

cudaError_t launch_conv_backward_weights(const ConvDims& d, const float* dy, const float* x, float* dw, float* ws) {
    const SplitPlan plan = weights_plan(d);
    ConvBwdWeightsOp op = conv_bwd_weights_op(d, dy, x, dw, ws, plan.splits);
    cudaError_t e = launch_gemm(op, d.groups, plan.splits, plan.slices_per_split);
    if (e != cudaSuccess || plan.splits == 1) return e;
    const int size = d.cout * op.NC;
    splitk_reduce_kernel<<<blocks_for(size, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(ws, dw, size,
                                                                                                   plan.splits);
    return cudaGetLastError();
}

cudaError_t launch_conv_backward_bias(int n, int c, int hw, const float* dy, float* db) {
    bias_grad_kernel<<<c, BIAS_THREADS, 0, cudaStreamPerThread>>>(dy, n, c, hw, db);
    return cudaGetLastError();
}

cudaError_t launch_max_pool_forward(const PoolDims& p, const float* x, float* y) {
    int count = p.n * p.c * p.hout * p.wout;
    maxpool_fwd_kernel<<<blocks_for(count, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(p, x, y, count);
    return cudaGetLastError();
}

cudaError_t launch_avg_pool_forward(const PoolDims& p, const float* x, float* y) {
    int count = p.n * p.c * p.hout * p.wout;
    avgpool_fwd_kernel<<<blocks_for(count, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(p, x, y, count);
    return cudaGetLastError();
}

cudaError_t launch_max_pool_backward(const PoolDims& p, const float* x, const float* dy, float* dx) {
    int count = p.n * p.c * p.h * p.w;
    maxpool_bwd_kernel<<<blocks_for(count, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(p, x, dy, dx, count);
    return cudaGetLastError();
}

cudaError_t launch_avg_pool_backward(const PoolDims& p, const float* dy, float* dx) {
    int count = p.n * p.c * p.h * p.w;
    avgpool_bwd_kernel<<<blocks_for(count, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(p, dy, dx, count);
    return cudaGetLastError();
}

}  // namespace cuda
}  // namespace c4j
