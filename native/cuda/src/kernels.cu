// The __global__ kernels: thin shells that call the CONV4J_HD phase bodies of native/cuda/kernels/ between
// __syncthreads(), exactly in the order the host harness (native/cuda/tests/host_emulator.hpp) runs them.
#include "launch.hpp"

#include "../kernels/bias_grad.cuh"
#include "../kernels/conv_ops.cuh"
#include "../kernels/launch_plan.cuh"
#include "../kernels/pool.cuh"
#include "../kernels/pool_indexed.cuh"

namespace c4j {
namespace cuda {

template <class T, class Op>
__global__ void __launch_bounds__(T::THREADS)
    gemm_tile_kernel(Op op, int splits, int split_len, int y0, int z0) {
    __shared__ TileSmem<T, Op> smem;
    TileAcc<T> acc;
    tile_acc_zero(acc);
    const TileCoord t = tile_coord<T>(blockIdx.x, y0 + blockIdx.y, z0 + blockIdx.z, splits, op.K, split_len);
    const int tid = threadIdx.x;
    TileStage<T> stage;
    tile_index<T>(op, t, tid, smem);
    __syncthreads();
    tile_fetch<T>(op, t, t.kbegin, 0, tid, smem, stage);
    tile_commit<T, Op>(stage, 0, tid, smem);
    __syncthreads();
    int slice = 0;
    for (int k0 = t.kbegin; k0 < t.kend; k0 += T::BK, slice++) {
        tile_step<T>(op, t, k0, slice, tid, smem, acc, stage);
        __syncthreads();
    }
    tile_store<T>(op, t, tid, acc);
}

template <int CH>
__global__ void __launch_bounds__(DIRECT_THREADS)
    conv_fwd_direct_kernel(ConvDims d, const float* x, const float* w, const float* bias, float* y, long long count) {
    long long i = (long long)blockIdx.x * DIRECT_THREADS + threadIdx.x;
    if (i < count) conv_fwd_direct<CH>(d, x, w, bias, y, i);
}

template <int CH>
__global__ void __launch_bounds__(DIRECT_THREADS)
    conv_bwd_data_direct_kernel(ConvDims d, const float* dy, const float* w, float* dx, long long count) {
    long long i = (long long)blockIdx.x * DIRECT_THREADS + threadIdx.x;
    if (i < count) conv_bwd_data_direct<CH>(d, dy, w, dx, i);
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

/* Launches the tile kernel of shape T over the whole grid, in chunks that keep gridDim.y and gridDim.z <= 65535. */
template <class T, class Op>
static cudaError_t launch_gemm(const Op& op, int groups, int splits, int split_len) {
    const GemmGrid g = gemm_grid<T>(op.M, op.NC, groups, splits);
    for (int y0 = 0; y0 < g.y; y0 += GRID_YZ_LIMIT) {
        for (int z0 = 0; z0 < g.z; z0 += GRID_YZ_LIMIT) {
            dim3 grid(g.x, imin(GRID_YZ_LIMIT, g.y - y0), imin(GRID_YZ_LIMIT, g.z - z0));
            gemm_tile_kernel<T, Op><<<grid, T::THREADS, 0, cudaStreamPerThread>>>(op, splits, split_len, y0, z0);
            cudaError_t e = cudaGetLastError();
            if (e != cudaSuccess) return e;
        }
    }
    return cudaSuccess;
}

/* A one-split GEMM (forward, backward-data) with the tile shape of pick_tile. */
template <class Op>
static cudaError_t launch_gemm_whole_k(const Op& op, int groups) {
    return with_tile(pick_tile(op.M, op.NC, groups), [&](auto tag) {
        using T = typename decltype(tag)::type;
        return launch_gemm<T>(op, groups, 1, (op.K + T::BK - 1) / T::BK * T::BK);
    });
}

/* Launches a direct kernel instantiated for CH = 1 .. DIRECT_MAX_CH (8) channels per thread. */
static_assert(DIRECT_MAX_CH == 8, "launch_direct instantiates CH = 1 .. 8");
template <template <int> class K, class... Args>
static cudaError_t launch_direct(int ch, long long count, Args... args) {
    const unsigned blocks = (unsigned)blocks_for(count, DIRECT_THREADS);
    switch (ch) {
        case 1: K<1>::launch(blocks, count, args...); break;
        case 2: K<2>::launch(blocks, count, args...); break;
        case 3: K<3>::launch(blocks, count, args...); break;
        case 4: K<4>::launch(blocks, count, args...); break;
        case 5: K<5>::launch(blocks, count, args...); break;
        case 6: K<6>::launch(blocks, count, args...); break;
        case 7: K<7>::launch(blocks, count, args...); break;
        default: K<8>::launch(blocks, count, args...); break;
    }
    return cudaGetLastError();
}

template <int CH>
struct FwdDirect {
    static void launch(unsigned blocks, long long count, ConvDims d, const float* x, const float* w, const float* b,
                       float* y) {
        conv_fwd_direct_kernel<CH><<<blocks, DIRECT_THREADS, 0, cudaStreamPerThread>>>(d, x, w, b, y, count);
    }
};

template <int CH>
struct BwdDataDirect {
    static void launch(unsigned blocks, long long count, ConvDims d, const float* dy, const float* w, float* dx) {
        conv_bwd_data_direct_kernel<CH><<<blocks, DIRECT_THREADS, 0, cudaStreamPerThread>>>(d, dy, w, dx, count);
    }
};

cudaError_t launch_conv_forward(const ConvDims& d, const float* x, const float* w, const float* bias, float* y) {
    if (direct_forward(d)) return launch_direct<FwdDirect>(d.cout_g, direct_forward_items(d), d, x, w, bias, y);
    return launch_gemm_whole_k(conv_fwd_op(d, x, w, bias, y), d.groups);
}

cudaError_t launch_conv_backward_data(const ConvDims& d, const float* dy, const float* w, float* dx) {
    if (direct_backward_data(d)) {
        return launch_direct<BwdDataDirect>(d.cin_g, direct_backward_data_items(d), d, dy, w, dx);
    }
    return launch_gemm_whole_k(conv_bwd_data_op(d, dy, w, dx), d.groups);
}

int backward_weights_splits(const ConvDims& d) { return weights_plan(d).split.splits; }

cudaError_t launch_conv_backward_weights(const ConvDims& d, const float* dy, const float* x, float* dw, float* ws) {
    const WeightsPlan plan = weights_plan(d);
    const int splits = plan.split.splits;
    ConvBwdWeightsOp op = conv_bwd_weights_op(d, dy, x, dw, ws, splits);
    cudaError_t e = with_tile(plan.tile, [&](auto tag) {
        return launch_gemm<typename decltype(tag)::type>(op, d.groups, splits, plan.split.split_len);
    });
    if (e != cudaSuccess || splits == 1) return e;
    const int size = d.cout * op.NC;
    splitk_reduce_kernel<<<blocks_for(size, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(ws, dw, size,
                                                                                                   splits);
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

__global__ void maxpool_fwd_idx_kernel(PoolDims p, const float* x, float* y, int* idx, int count) {
    int o = blockIdx.x * blockDim.x + threadIdx.x;
    if (o < count) maxpool_fwd_idx(p, x, y, idx, o);
}

__global__ void index_bwd_kernel(IndexDims d, const float* dy, const int* idx, float* dx, int count) {
    int k = blockIdx.x * blockDim.x + threadIdx.x;
    if (k < count) index_bwd(d, dy, idx, dx, k);
}

__global__ void unpool_claim_kernel(IndexDims d, const int* idx, int* owner, int count) {
    int k = blockIdx.x * blockDim.x + threadIdx.x;
    if (k < count) unpool_claim(d, idx, owner, k);
}

__global__ void unpool_gather_kernel(IndexDims d, const float* x, const int* owner, float* y, int count) {
    int e = blockIdx.x * blockDim.x + threadIdx.x;
    if (e < count) unpool_gather(d, x, owner, y, e);
}

__global__ void adaptive_avg_fwd_kernel(AdaptiveDims d, const float* x, float* y, int count) {
    int o = blockIdx.x * blockDim.x + threadIdx.x;
    if (o < count) adaptive_avg_fwd(d, x, y, o);
}

__global__ void adaptive_avg_bwd_kernel(AdaptiveDims d, const float* dy, float* dx, int count) {
    int e = blockIdx.x * blockDim.x + threadIdx.x;
    if (e < count) adaptive_avg_bwd(d, dy, dx, e);
}

__global__ void adaptive_max_fwd_kernel(AdaptiveDims d, const float* x, float* y, int* idx, int count) {
    int o = blockIdx.x * blockDim.x + threadIdx.x;
    if (o < count) adaptive_max_fwd(d, x, y, idx, o);
}

cudaError_t launch_max_pool_forward_indices(const PoolDims& p, const float* x, float* y, int* idx) {
    int count = p.n * p.c * p.hout * p.wout;
    maxpool_fwd_idx_kernel<<<blocks_for(count, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(p, x, y, idx,
                                                                                                      count);
    return cudaGetLastError();
}

cudaError_t launch_max_pool_backward_indices(const IndexDims& d, const float* dy, const int* idx, float* dx) {
    cudaError_t e = cudaMemsetAsync(dx, 0, sizeof(float) * (size_t)d.n * d.c * d.hb * d.wb, cudaStreamPerThread);
    if (e != cudaSuccess) return e;
    int count = d.n * d.c * d.hs * d.ws;
    index_bwd_kernel<<<blocks_for(count, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(d, dy, idx, dx, count);
    return cudaGetLastError();
}

cudaError_t launch_max_unpool(const IndexDims& d, const float* x, const int* idx, int* owner, float* y) {
    int big = d.n * d.c * d.hb * d.wb;
    cudaError_t e = cudaMemsetAsync(owner, 0xff, sizeof(int) * (size_t)big, cudaStreamPerThread);  // all -1
    if (e != cudaSuccess) return e;
    int count = d.n * d.c * d.hs * d.ws;
    unpool_claim_kernel<<<blocks_for(count, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(d, idx, owner, count);
    unpool_gather_kernel<<<blocks_for(big, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(d, x, owner, y, big);
    return cudaGetLastError();
}

cudaError_t launch_adaptive_avg_pool_forward(const AdaptiveDims& d, const float* x, float* y) {
    int count = d.n * d.c * d.hout * d.wout;
    adaptive_avg_fwd_kernel<<<blocks_for(count, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(d, x, y, count);
    return cudaGetLastError();
}

cudaError_t launch_adaptive_avg_pool_backward(const AdaptiveDims& d, const float* dy, float* dx) {
    int count = d.n * d.c * d.h * d.w;
    adaptive_avg_bwd_kernel<<<blocks_for(count, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(d, dy, dx,
                                                                                                       count);
    return cudaGetLastError();
}

cudaError_t launch_adaptive_max_pool_forward(const AdaptiveDims& d, const float* x, float* y, int* idx) {
    int count = d.n * d.c * d.hout * d.wout;
    adaptive_max_fwd_kernel<<<blocks_for(count, POOL_THREADS), POOL_THREADS, 0, cudaStreamPerThread>>>(d, x, y, idx,
                                                                                                       count);
    return cudaGetLastError();
}

}  // namespace cuda
}  // namespace c4j
