/*
 * Bias gradient db[c] = sum of dy[n, c, :, :] over n and the plane. One block of BIAS_THREADS threads per
 * channel, in two phases:
 *
 *   phase "partial": thread t sums elements t, t + BIAS_THREADS, ... of each image's plane, images in order,
 *                    into smem[t];
 *   phase "tree"   : for stride = BIAS_THREADS/2 .. 1: threads t < stride add smem[t + stride] into smem[t]
 *                    (one __syncthreads between strides); thread 0 writes smem[0].
 *
 * The pairing is fixed, so the result has the same bits on every run (no atomics).
 */
#ifndef CONV4J_CUDA_BIAS_GRAD_CUH
#define CONV4J_CUDA_BIAS_GRAD_CUH

#include "hd.cuh"

namespace c4j {
namespace cuda {

constexpr int BIAS_THREADS = 256;

CONV4J_HD inline void bias_grad_partial(const float* dy, int n, int c, int hw, int ch, int tid, float* smem) {
    float s = 0.f;
    for (int img = 0; img < n; img++) {
        const float* plane = dy + ((size_t)img * c + ch) * (size_t)hw;
        for (int i = tid; i < hw; i += BIAS_THREADS) {
            s += plane[i];
        }
    }
    smem[tid] = s;
}

CONV4J_HD inline void bias_grad_tree_step(float* smem, int tid, int stride) {
    if (tid < stride) {
        smem[tid] += smem[tid + stride];
    }
}

CONV4J_HD inline void bias_grad_finish(const float* smem, float* db, int ch, int tid) {
    if (tid == 0) {
        db[ch] = smem[0];
    }
}

}  // namespace cuda
}  // namespace c4j

#endif
