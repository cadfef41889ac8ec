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
 * Launch shapes come from kernels/launch_plan.cuh, the same code the real launches use.
 */
#ifndef CONV4J_CUDA_HOST_EMULATOR_HPP
#define CONV4J_CUDA_HOST_EMULATOR_HPP

#include <algorithm>
#include <cstring>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "../kernels/bias_grad.cuh"
#include "../kernels/conv_ops.cuh"
#include "../kernels/launch_plan.cuh"
#include "../kernels/pool.cuh"

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
template <class Op>
void poison(TileSmem<Op>& s, int buf) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (int k = 0; k < BK; k++) {
        for (int m = 0; m < BM + 4; m++) s.a[buf][k][m] = nan;
        for (int n = 0; n < BN; n++) s.b[buf][k][n] = nan;
    }
}

/* gemm_tile_kernel<Op> of conv4j_cuda.cu over the whole grid. */
template <class Op>
void run_gemm(const Op& op, int groups, int splits, int slices_per_split, ThreadOrder& order) {
    GemmGrid grid = gemm_grid(op.M, op.NC, groups, splits);
    std::vector<TileAcc> acc(TILE_THREADS);
    std::vector<TileStage> stage(TILE_THREADS);
    TileSmem<Op> smem;
    std::memset(&smem, 0xff, sizeof smem);  // NaN floats and -1 ints: nothing left over from another block
    for (int bz = 0; bz < grid.z; bz++) {
        for (int by = 0; by < grid.y; by++) {
            for (int bx = 0; bx < grid.x; bx++) {
                TileCoord t = tile_coord(bx, by, bz, splits, op.K, slices_per_split);
                std::memset(&smem, 0xff, sizeof smem);
                for (int tid : order.next(TILE_THREADS)) {
                    tile_acc_zero(acc[tid]);
                    tile_index(op, t, tid, smem);
                }
                // __syncthreads()
                for (int tid : order.next(TILE_THREADS)) {
                    tile_fetch(op, t, t.kbegin, 0, tid, smem, stage[tid]);
                    tile_commit<Op>(stage[tid], 0, tid, smem);
                }
                // __syncthreads()
                int slice = 0;
                for (int k0 = t.kbegin; k0 < t.kend; k0 += BK, slice++) {
                    // What this step rewrites is poisoned first: a slot nobody writes cannot pass unnoticed.
                    poison(smem, (slice & 1) ^ 1);
                    std::memset(smem.k[slice & 1], 0xff, sizeof smem.k[0]);
                    for (int tid : order.next(TILE_THREADS)) tile_step(op, t, k0, slice, tid, smem, acc[tid], stage[tid]);
                    // __syncthreads()
                }
                for (int tid : order.next(TILE_THREADS)) tile_store(op, t, tid, acc[tid]);
            }
        }
    }
}

inline void conv_forward(const ConvDims& d, const float* x, const float* w, const float* bias, float* y,
                         ThreadOrder& order) {
    ConvFwdOp op = conv_fwd_op(d, x, w, bias, y);
    run_gemm(op, d.groups, 1, (op.K + BK - 1) / BK, order);
}

inline void conv_backward_data(const ConvDims& d, const float* dy, const float* w, float* dx, ThreadOrder& order) {
    ConvBwdDataOp op = conv_bwd_data_op(d, dy, w, dx);
    run_gemm(op, d.groups, 1, (op.K + BK - 1) / BK, order);
}

/* Backward-weights with the split plan of the real launch, or a forced one (splits_override > 0) for tests. */
inline void conv_backward_weights(const ConvDims& d, const float* dy, const float* x, float* dw, ThreadOrder& order,
                                  int splits_override = 0) {
    ConvBwdWeightsOp probe = conv_bwd_weights_op(d, dy, x, dw, nullptr, 1);
    SplitPlan plan = splitk_plan(probe.M, probe.NC, probe.K, d.groups);
    if (splits_override > 0) {
        int slices = (probe.K + BK - 1) / BK;
        plan.slices_per_split = (slices + splits_override - 1) / splits_override;
        plan.splits = (slices + plan.slices_per_split - 1) / plan.slices_per_split;
    }
    const int size = d.cout * probe.NC;
    std::vector<float> ws(plan.splits > 1 ? (size_t)plan.splits * size : 0, std::numeric_limits<float>::quiet_NaN());
    ConvBwdWeightsOp op = conv_bwd_weights_op(d, dy, x, dw, ws.data(), plan.splits);
    run_gemm(op, d.groups, plan.splits, plan.slices_per_split, order);
    if (plan.splits > 1) {
        for (int b = 0; b < blocks_for(size, POOL_THREADS); b++) {
            for (int tid : order.next(POOL_THREADS)) splitk_reduce(ws.data(), dw, size, plan.splits, b * POOL_THREADS + tid);
        }
    }
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

/* A one-thread-per-item kernel: blocks of POOL_THREADS threads, the last block partly idle. */
template <class Body>
void run_elementwise(int count, ThreadOrder& order, Body body) {
    for (int b = 0; b < blocks_for(count, POOL_THREADS); b++) {
        for (int tid : order.next(POOL_THREADS)) {
            int i = b * POOL_THREADS + tid;
            if (i < count) body(i);
        }
    }
}

inline void max_pool_forward(const PoolDims& p, const float* x, float* y, ThreadOrder& order) {
    run_elementwise(p.n * p.c * p.hout * p.wout, order, [&](int o) { maxpool_fwd(p, x, y, o); });
}

inline void avg_pool_forward(const PoolDims& p, const float* x, float* y, ThreadOrder& order) {
    run_elementwise(p.n * p.c * p.hout * p.wout, order, [&](int o) { avgpool_fwd(p, x, y, o); });
}

inline void max_pool_backward(const PoolDims& p, const float* x, const float* dy, float* dx, ThreadOrder& order) {
    run_elementwise(p.n * p.c * p.h * p.w, order, [&](int e) { maxpool_bwd(p, x, dy, dx, e); });
}

inline void avg_pool_backward(const PoolDims& p, const float* dy, float* dx, ThreadOrder& order) {
    run_elementwise(p.n * p.c * p.h * p.w, order, [&](int e) { avgpool_bwd(p, dy, dx, e); });
}

}  // namespace host
}  // namespace cuda
}  // namespace c4j

#endif
