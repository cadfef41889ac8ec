/*
 * Kernel choices and grid shapes, shared by the real launches (src/kernels.cu) and the host harness, so the
 * harness runs what the GPU runs: tile shape, split-K plan, direct kernels, and the chunking that keeps gridDim.y
 * and gridDim.z under the hardware limit of 65535.
 */
#ifndef CONV4J_CUDA_LAUNCH_PLAN_CUH
#define CONV4J_CUDA_LAUNCH_PLAN_CUH

#include "conv_direct.cuh"
#include "conv_ops.cuh"
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

template <class T>
inline GemmGrid gemm_grid(int M, int NC, int groups, int splits) {
    GemmGrid g;
    g.x = (NC + T::BN - 1) / T::BN;
    g.y = (M + T::BM - 1) / T::BM;
    g.z = groups * splits;
    return g;
}

/* Blocks of a 1-D launch with `threads` threads covering `count` items. */
inline int blocks_for(int count, int threads) { return (int)(((long long)count + threads - 1) / threads); }
inline long long blocks_for(long long count, int threads) { return (count + threads - 1) / threads; }

/*
 * Which tile shape a GEMM runs with. A function of the shape only (never of the device): the results' bits then
 * never depend on the GPU. The bigger tiles need a grid of at least BIG_GRID blocks (about one per SM of a large
 * GPU); smaller problems keep the 64 x 64 tile, whose grid is four times as many blocks.
 */
enum TileKind { TILE_SMALL = 0, TILE_WIDE = 1, TILE_LARGE = 2 };
constexpr long long BIG_GRID = 128;

/* Forward and backward-data: M rows (channels of the result), NC columns (pixels), per group. */
inline TileKind pick_tile(int M, int NC, int groups) {
    const long long col_tiles = (long long)((NC + 127) / 128) * groups;
    if (M > 64 && col_tiles * ((M + 127) / 128) >= BIG_GRID) return TILE_LARGE;
    if (M > 32 && M <= 64 && col_tiles >= BIG_GRID) return TILE_WIDE;
    return TILE_SMALL;
}

/* Backward-weights: M = output channels, NC = cin_g * kh * kw per group; split-K provides the blocks. */
inline TileKind pick_weights_tile(int M, int NC) {
    if (NC <= 64 || M <= 32) return TILE_SMALL;
    return M > 64 ? TILE_LARGE : TILE_WIDE;
}

template <class T>
struct TileTag {
    using type = T;
};

/* Calls f(TileTag<shape>{}) with the shape of `kind`. */
template <class F>
inline auto with_tile(TileKind kind, F&& f) {
    switch (kind) {
        case TILE_LARGE:
            return f(TileTag<LargeTile>{});
        case TILE_WIDE:
            return f(TileTag<WideTile>{});
        default:
            return f(TileTag<SmallTile>{});
    }
}

/* The whole backward-weights plan: tile shape and split-K. */
struct WeightsPlan {
    TileKind tile;
    SplitPlan split;
};

inline WeightsPlan weights_plan(const ConvDims& d) {
    WeightsPlan p;
    const int M = d.cout_g, NC = d.cin_g * d.kh * d.kw, K = d.n * d.hout * d.wout;
    p.tile = pick_weights_tile(M, NC);
    p.split = with_tile(p.tile, [&](auto tag) { return splitk_plan<typename decltype(tag)::type>(M, NC, K, d.groups); });
    return p;
}

/* True when the direct kernels (conv_direct.cuh) compute this forward / backward-data instead of the GEMM. */
inline bool direct_forward(const ConvDims& d) { return d.cout_g <= DIRECT_MAX_CH; }
inline bool direct_backward_data(const ConvDims& d) { return d.cin_g <= DIRECT_MAX_CH; }

}  // namespace cuda
}  // namespace c4j

#endif
