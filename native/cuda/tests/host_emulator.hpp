/*
 * Runs the CUDA kernels' per-thread bodies on the CPU: a loop over the grid, and inside each block a loop over
 * its threads per phase, with a barrier (__syncthreads) between phases being simply "the previous loop ended".
 *
 * Two things make the emulation stricter than a straight loop:
 *  - before every phase, the shared buffer and k-table slot that the phase rewrites are filled with NaN / -1, so
 *    a slot that no thread writes poisons the result instead of silently reusing the previous slice;
 *  - the threads of each phase run in an order given by the caller (ascending, descending or shuffled); results
 *    must not depend on it, which is what a phase with no intra-phase data race guarantees.
 *
 * Kernel choices and launch shapes come from kernels/launch_plan.cuh, the same code the real launches use;
 * tests can also force a tile shape or the direct kernels (Path) to cover every kernel on any shape.
 */
#ifndef CONV4J_CUDA_HOST_EMULATOR_HPP
#define CONV4J_CUDA_HOST_EMULATOR_HPP

#include <algorithm>
#include <cstring>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <type_traits>
#include <vector>

#include "../kernels/bias_grad.cuh"
#include "../kernels/conv_ops.cuh"
#include "../kernels/launch_plan.cuh"
#include "../kernels/pool.cuh"
#include "../kernels/pool_indexed.cuh"

namespace c4j {
namespace cuda {
namespace host {

/* Order in which the threads of one phase run. */
class ThreadOrder {
public:
    enum Kind { ASCENDING, DESCENDING, SHUFFLED };
    explicit ThreadOrder(Kind kind = ASCENDING, unsigned seed = 1) : kind_(kind), rng_(seed) {}

    /* A fresh order of 0..n-1 for the next phase. */
    const std::vector<int>& next(int n) {
        order_.resize(n);
        std::iota(order_.begin(), order_.end(), 0);
        if (kind_ == DESCENDING) {
            std::reverse(order_.begin(), order_.end());
        } else if (kind_ == SHUFFLED) {
            std::shuffle(order_.begin(), order_.end(), rng_);
        }
        return order_;
    }

private:
    Kind kind_;
    std::mt19937 rng_;
    std::vector<int> order_;
};

/* Fills shared buffer `buf` with NaN. */
template <class T, class Op>
void poison(TileSmem<T, Op>& s, int buf) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (int k = 0; k < T::BK; k++) {
        for (int m = 0; m < T::BM + 4; m++) s.a[buf][k][m] = nan;
        for (int n = 0; n < T::BN; n++) s.b[buf][k][n] = nan;
    }
}

/* gemm_tile_kernel<T, Op> of kernels.cu over the whole grid. */
template <class T, class Op>
void run_gemm(const Op& op, int groups, int splits, int split_len, ThreadOrder& order) {
    GemmGrid grid = gemm_grid<T>(op.M, op.NC, groups, splits);
    std::vector<TileAcc<T>> acc(T::THREADS);
    std::vector<TileStage<T>> stage(T::THREADS);
    auto smem_holder = std::make_unique<TileSmem<T, Op>>();
    TileSmem<T, Op>& smem = *smem_holder;
    for (int bz = 0; bz < grid.z; bz++) {
        for (int by = 0; by < grid.y; by++) {
            for (int bx = 0; bx < grid.x; bx++) {
                TileCoord t = tile_coord<T>(bx, by, bz, splits, op.K, split_len);
                std::memset(&smem, 0xff, sizeof smem);  // NaN floats and -1 ints: nothing left over from another block
                for (int tid : order.next(T::THREADS)) {
                    tile_acc_zero(acc[tid]);
                    tile_index<T>(op, t, tid, smem);
                }
                // __syncthreads()
                for (int tid : order.next(T::THREADS)) {
                    tile_fetch<T>(op, t, t.kbegin, 0, tid, smem, stage[tid]);
                    tile_commit<T, Op>(stage[tid], 0, tid, smem);
                }
                // __syncthreads()
                int slice = 0;
                for (int k0 = t.kbegin; k0 < t.kend; k0 += T::BK, slice++) {
                    // What this step rewrites is poisoned first: a slot nobody writes cannot pass unnoticed.
                    poison(smem, (slice & 1) ^ 1);
                    std::memset(smem.k[slice & 1], 0xff, sizeof smem.k[0]);
                    for (int tid : order.next(T::THREADS)) tile_step<T>(op, t, k0, slice, tid, smem, acc[tid], stage[tid]);
                    // __syncthreads()
                }
                for (int tid : order.next(T::THREADS)) tile_store<T>(op, t, tid, acc[tid]);
            }
        }
    }
}

/* How a test runs a convolution: as the real launch chooses (AUTO), or forced to one kernel. */
enum class Path { AUTO, SMALL, WIDE, LARGE, DIRECT };

inline TileKind tile_of(Path p, TileKind automatic) {
    switch (p) {
        case Path::SMALL: return TILE_SMALL;
        case Path::WIDE: return TILE_WIDE;
        case Path::LARGE: return TILE_LARGE;
        default: return automatic;
    }
}

/* A one-split GEMM with the tile of `kind`. */
template <class Op>
void run_gemm_whole_k(const Op& op, int groups, TileKind kind, ThreadOrder& order) {
    with_tile(kind, [&](auto tag) {
        using T = typename decltype(tag)::type;
        run_gemm<T>(op, groups, 1, (op.K + T::BK - 1) / T::BK * T::BK, order);
    });
}

/* A one-thread-per-item kernel of `threads` threads per block, the last block partly idle. */
template <class Body>
void run_items(long long count, int threads, ThreadOrder& order, Body body) {
    for (long long b = 0; b < blocks_for(count, threads); b++) {
        for (int tid : order.next(threads)) {
            long long i = b * threads + tid;
            if (i < count) body(i);
        }
    }
}

/* Calls f(std::integral_constant<int, ch>) for ch = 1 .. DIRECT_MAX_CH, like launch_direct of kernels.cu. */
template <class F>
void with_channels(int ch, F&& f) {
    switch (ch) {
        case 1: f(std::integral_constant<int, 1>{}); break;
        case 2: f(std::integral_constant<int, 2>{}); break;
        case 3: f(std::integral_constant<int, 3>{}); break;
        case 4: f(std::integral_constant<int, 4>{}); break;
        case 5: f(std::integral_constant<int, 5>{}); break;
        case 6: f(std::integral_constant<int, 6>{}); break;
        case 7: f(std::integral_constant<int, 7>{}); break;
        default: f(std::integral_constant<int, 8>{}); break;
    }
}

inline void conv_forward(const ConvDims& d, const float* x, const float* w, const float* bias, float* y,
                         ThreadOrder& order, Path path = Path::AUTO) {
    if (path == Path::DIRECT || (path == Path::AUTO && direct_forward(d))) {
        with_channels(d.cout_g, [&](auto ch) {
            run_items(direct_forward_items(d), DIRECT_THREADS, order,
                      [&](long long i) { conv_fwd_direct<decltype(ch)::value>(d, x, w, bias, y, i); });
        });
        return;
    }
    ConvFwdOp op = conv_fwd_op(d, x, w, bias, y);
    run_gemm_whole_k(op, d.groups, tile_of(path, pick_tile(op.M, op.NC, d.groups)), order);
}

inline void conv_backward_data(const ConvDims& d, const float* dy, const float* w, float* dx, ThreadOrder& order,
                               Path path = Path::AUTO) {
    if (path == Path::DIRECT || (path == Path::AUTO && direct_backward_data(d))) {
        with_channels(d.cin_g, [&](auto ch) {
            run_items(direct_backward_data_items(d), DIRECT_THREADS, order,
                      [&](long long i) { conv_bwd_data_direct<decltype(ch)::value>(d, dy, w, dx, i); });
        });
        return;
    }
    ConvBwdDataOp op = conv_bwd_data_op(d, dy, w, dx);
    run_gemm_whole_k(op, d.groups, tile_of(path, pick_tile(op.M, op.NC, d.groups)), order);
}

/* Backward-weights with the plan of the real launch, or a forced tile and/or split count (> 0) for tests. */
inline void conv_backward_weights(const ConvDims& d, const float* dy, const float* x, float* dw, ThreadOrder& order,
                                  int splits_override = 0, Path path = Path::AUTO) {
    WeightsPlan plan = weights_plan(d);
    plan.tile = tile_of(path, plan.tile);
    const int M = d.cout_g, NC = d.cin_g * d.kh * d.kw, K = d.n * d.hout * d.wout;
    with_tile(plan.tile, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if (path != Path::AUTO) plan.split = splitk_plan<T>(M, NC, K, d.groups);
        if (splits_override > 0) {
            int slices = (K + T::BK - 1) / T::BK;
            plan.split.split_len = (slices + splits_override - 1) / splits_override * T::BK;
            plan.split.splits = (K + plan.split.split_len - 1) / plan.split.split_len;
        }
        const int size = d.cout * NC;
        std::vector<float> ws(plan.split.splits > 1 ? (size_t)plan.split.splits * size : 0,
                              std::numeric_limits<float>::quiet_NaN());
        ConvBwdWeightsOp op = conv_bwd_weights_op(d, dy, x, dw, ws.data(), plan.split.splits);
        run_gemm<T>(op, d.groups, plan.split.splits, plan.split.split_len, order);
        if (plan.split.splits > 1) {
            run_items(size, POOL_THREADS, order,
                      [&](long long i) { splitk_reduce(ws.data(), dw, size, plan.split.splits, (int)i); });
        }
    });
}

inline void conv_backward_bias(const float* dy, int n, int c, int hw, float* db, ThreadOrder& order) {
    float smem[BIAS_THREADS];
    for (int ch = 0; ch < c; ch++) {
        std::fill(smem, smem + BIAS_THREADS, std::numeric_limits<float>::quiet_NaN());
        for (int tid : order.next(BIAS_THREADS)) bias_grad_partial(dy, n, c, hw, ch, tid, smem);
        for (int stride = BIAS_THREADS / 2; stride > 0; stride /= 2) {
            // __syncthreads() before each step
            for (int tid : order.next(BIAS_THREADS)) bias_grad_tree_step(smem, tid, stride);
        }
        for (int tid : order.next(BIAS_THREADS)) bias_grad_finish(smem, db, ch, tid);
    }
}

inline void max_pool_forward(const PoolDims& p, const float* x, float* y, ThreadOrder& order) {
    run_items((long long)p.n * p.c * p.hout * p.wout, POOL_THREADS, order, [&](long long o) { maxpool_fwd(p, x, y, (int)o); });
}

inline void avg_pool_forward(const PoolDims& p, const float* x, float* y, ThreadOrder& order) {
    run_items((long long)p.n * p.c * p.hout * p.wout, POOL_THREADS, order, [&](long long o) { avgpool_fwd(p, x, y, (int)o); });
}

inline void max_pool_backward(const PoolDims& p, const float* x, const float* dy, float* dx, ThreadOrder& order) {
    run_items((long long)p.n * p.c * p.h * p.w, POOL_THREADS, order, [&](long long e) { maxpool_bwd(p, x, dy, dx, (int)e); });
}

inline void avg_pool_backward(const PoolDims& p, const float* dy, float* dx, ThreadOrder& order) {
    run_items((long long)p.n * p.c * p.h * p.w, POOL_THREADS, order, [&](long long e) { avgpool_bwd(p, dy, dx, (int)e); });
}

/* Max pooling with indices: one thread per output, as maxpool_fwd_idx_kernel. */
inline void max_pool_forward_indices(const PoolDims& p, const float* x, float* y, int* idx, ThreadOrder& order) {
    run_items((long long)p.n * p.c * p.hout * p.wout, POOL_THREADS, order,
              [&](long long o) { maxpool_fwd_idx(p, x, y, idx, (int)o); });
}

/* Index gradient: dx cleared (cudaMemsetAsync), then one add per pooled value, as index_bwd_kernel. */
inline void max_pool_backward_indices(const IndexDims& d, const float* dy, const int* idx, float* dx,
                                      ThreadOrder& order) {
    for (long long e = 0; e < (long long)d.n * d.c * d.hb * d.wb; e++) dx[e] = 0.f;
    run_items((long long)d.n * d.c * d.hs * d.ws, POOL_THREADS, order,
              [&](long long k) { index_bwd(d, dy, idx, dx, (int)k); });
}

/* Unpooling: owners set to -1, claim pass, gather pass, as launch_max_unpool. */
inline void max_unpool(const IndexDims& d, const float* x, const int* idx, int* owner, float* y, ThreadOrder& order) {
    const long long big = (long long)d.n * d.c * d.hb * d.wb;
    for (long long e = 0; e < big; e++) owner[e] = -1;
    run_items((long long)d.n * d.c * d.hs * d.ws, POOL_THREADS, order,
              [&](long long k) { unpool_claim(d, idx, owner, (int)k); });
    run_items(big, POOL_THREADS, order, [&](long long e) { unpool_gather(d, x, owner, y, (int)e); });
}

inline void adaptive_avg_pool_forward(const AdaptiveDims& d, const float* x, float* y, ThreadOrder& order) {
    run_items((long long)d.n * d.c * d.hout * d.wout, POOL_THREADS, order,
              [&](long long o) { adaptive_avg_fwd(d, x, y, (int)o); });
}

inline void adaptive_avg_pool_backward(const AdaptiveDims& d, const float* dy, float* dx, ThreadOrder& order) {
    run_items((long long)d.n * d.c * d.h * d.w, POOL_THREADS, order,
              [&](long long e) { adaptive_avg_bwd(d, dy, dx, (int)e); });
}

inline void adaptive_max_pool_forward(const AdaptiveDims& d, const float* x, float* y, int* idx, ThreadOrder& order) {
    run_items((long long)d.n * d.c * d.hout * d.wout, POOL_THREADS, order,
              [&](long long o) { adaptive_max_fwd(d, x, y, idx, (int)o); });
}

}  // namespace host
}  // namespace cuda
}  // namespace c4j

#endif
