/*
 * Grid shapes, shared by the real launches (src/conv4j_cuda.cu) and the host harness, so the harness also
 * exercises the chunking that keeps gridDim.y and gridDim.z under the hardware limit of 65535.
 */
#ifndef CONV4J_CUDA_LAUNCH_PLAN_CUH
#define CONV4J_CUDA_LAUNCH_PLAN_CUH

#include "gemm_tile.cuh"

namespace c4j {
namespace cuda {

constexpr int GRID_YZ_LIMIT = 65535;
constexpr int POOL_THREADS = 256;

/* One GEMM launch covers every column tile, row tiles [y0, y0 + ny) and blocks z [z0, z0 + nz). */
struct GemmGrid {
    int x;       // column tiles
    int y;       // row tiles in all
    int z;       // groups * splits in all
};

inline GemmGrid gemm_grid(int M, int NC, int groups, int splits) {
    GemmGrid g;
    g.x = (NC + BN - 1) / BN;
    g.y = (M + BM - 1) / BM;
    g.z = groups * splits;
    return g;
}

/* Blocks of a 1-D launch with `threads` threads covering `count` items. */
inline int blocks_for(int count, int threads) { return (int)(((long long)count + threads - 1) / threads); }

}  // namespace cuda
}  // namespace c4j

#endif
