/*
 * The tiled implicit GEMM shared by forward, backward-data and backward-weights convolution.
 *
 * One thread block computes a BM x BN tile of C[M, NC] = A[M, K] * B[K, NC] for one group (and, for split-K,
 * one slice of K). A and B are never materialised: the operation struct (conv_ops.cuh) computes each element
 * from the tensors with bounds and padding checks (implicit im2col). The integer divisions that turn a column
 * or a k into tensor coordinates are done once per block (column table) and once per K slice (k table, built two
 * slices ahead), both in shared memory, so the loads of the main loop only add and compare. Shared memory holds
 * two slices (double buffering): while a thread multiplies slice s, its loads of slice s + 1 are in flight.
 *
 *   phase "index":   threads < BN fill the column table, threads < 2 BK the k tables of slices 0 and 1;
 *   __syncthreads();
 *   phase "prime":   every thread fetches its 4 + 4 elements of slice 0 and writes them to buffer 0;
 *   __syncthreads();
 *   for each slice s, phase "step": fetch slice s + 1 into registers, multiply buffer s % 2 into the TM x TN
 *                    micro-tile, write the registers to buffer (s + 1) % 2, and (threads < BK) fill the k table
 *                    of slice s + 2 in slot s % 2;
 *                    __syncthreads();
 *
 * and the epilogue stores the micro-tile through the operation (bias, scatter to NCHW, or split-K workspace).
 * Within a step no thread touches what another thread touches in that step (reads: buffer s % 2, k slot
 * (s + 1) % 2, column table; writes: buffer (s + 1) % 2, k slot s % 2), which the host harness checks by running
 * the threads of each phase in several orders.
 */
#ifndef CONV4J_CUDA_GEMM_TILE_CUH
#define CONV4J_CUDA_GEMM_TILE_CUH

#include "hd.cuh"

namespace c4j {
namespace cuda {

constexpr int BM = 64;          // rows of C per block (output channels for forward)
constexpr int BN = 64;          // columns of C per block (output pixels for forward)
constexpr int BK = 16;          // depth of one shared-memory slice
constexpr int TM = 4;           // rows per thread
constexpr int TN = 4;           // columns per thread
constexpr int TILE_THREADS = (BM / TM) * (BN / TN);  // 256
constexpr int LOADS_A = BM * BK / TILE_THREADS;      // 4 elements of A per thread per slice
constexpr int LOADS_B = BK * BN / TILE_THREADS;      // 4 elements of B per thread per slice
static_assert(LOADS_A * TILE_THREADS == BM * BK, "A slice must split evenly over the threads");
static_assert(LOADS_B * TILE_THREADS == BK * BN, "B slice must split evenly over the threads");

/*
 * Shared memory of one block: one K slice of A (transposed, k-major) and of B, the operation's per-column
 * coordinates and its per-k coordinates for the current and the next slice.
 */
template <class Op>
struct TileSmem {
    // 16-byte aligned rows so each thread's TM (TN) consecutive values load as one 128-bit access; the +4 pad
    // keeps that alignment and spreads the column-wise writes of the k-fast commit over the banks.
    alignas(16) float a[2][BK][BM + 4];
    alignas(16) float b[2][BK][BN];
    typename Op::ColInfo col[BN];
    typename Op::KInfo k[2][BK];
};

/* Registers of one thread between the fetch of a slice and its write to shared memory. */
struct TileStage {
    float a[LOADS_A];
    float b[LOADS_B];
};

/* What one block computes: group g, rows m0.., columns n0.., K range [kbegin, kend), split index (split-K). */
struct TileCoord {
    int g;
    int m0;
    int n0;
    int kbegin;
    int kend;
    int split;
};

/* Registers of one thread: its TM x TN partial sums. */
struct TileAcc {
    float v[TM][TN];
};

CONV4J_HD inline void tile_acc_zero(TileAcc& acc) {
    for (int i = 0; i < TM; i++) {
        for (int j = 0; j < TN; j++) {
            acc.v[i][j] = 0.f;
        }
    }
}

/*
 * Block coordinates from the launch indices: x = column tile, y = row tile, z = group * splits + split.
 * Split s covers K slices [s * slices_per_split, (s + 1) * slices_per_split), in units of BK.
 */
CONV4J_HD inline TileCoord tile_coord(int bx, int by, int bz, int splits, int K, int slices_per_split) {
    TileCoord t;
    t.g = bz / splits;
    t.split = bz % splits;
    t.m0 = by * BM;
    t.n0 = bx * BN;
    t.kbegin = t.split * slices_per_split * BK;
    int end = t.kbegin + slices_per_split * BK;
    t.kend = end < K ? end : K;
    return t;
}

/* Index phase (once per block): column table, and the k table of the block's first slice (parity 0). */
template <class Op>
CONV4J_HD inline void tile_index(const Op& op, const TileCoord& t, int tid, TileSmem<Op>& s) {
    // Columns and k beyond the matrix are clamped to its last one: their loads are masked anyway, and the clamp
    // keeps every offset computed here inside the tensors (no int overflow for any valid descriptor).
    if (tid < BN) {
        s.col[tid] = op.col_info(t.g, imin(t.n0 + tid, op.NC - 1));
    }
    if (tid < BK) {
        s.k[0][tid] = op.k_info(t.g, imin(t.kbegin + tid, t.kend - 1));
    } else if (tid < 2 * BK && t.kbegin + BK < t.kend) {
        s.k[1][tid - BK] = op.k_info(t.g, imin(t.kbegin + tid, t.kend - 1));
    }
}

/* Part of the step phase: threads < BK fill the k table of the slice at k0_next (slot parity_next). */
template <class Op>
CONV4J_HD inline void tile_index_next(const Op& op, const TileCoord& t, int k0_next, int parity_next, int tid,
                                      TileSmem<Op>& s) {
    if (tid < BK && k0_next < t.kend) {
        s.k[parity_next][tid] = op.k_info(t.g, imin(k0_next + tid, t.kend - 1));
    }
}

/*
 * Fetch: thread tid reads its elements of the slice starting at k0 (k table slot `parity`) into registers, zero
 * outside the matrix. Op::A_K_FAST / Op::B_K_FAST choose whether consecutive threads walk k or m/n, whichever is
 * contiguous in the tensor the element comes from (coalescing).
 */
template <class Op>
CONV4J_HD inline void tile_fetch(const Op& op, const TileCoord& t, int k0, int parity, int tid, const TileSmem<Op>& s,
                                 TileStage& r) {
    for (int i = 0; i < LOADS_A; i++) {
        int e = tid + i * TILE_THREADS;
        int kk = Op::A_K_FAST ? e % BK : e / BM;
        int mm = Op::A_K_FAST ? e / BK : e % BM;
        int m = t.m0 + mm, k = k0 + kk;
        r.a[i] = (m < op.M && k < t.kend) ? op.a(t.g, m, k, s.k[parity][kk]) : 0.f;
    }
    for (int i = 0; i < LOADS_B; i++) {
        int e = tid + i * TILE_THREADS;
        int kk = Op::B_K_FAST ? e % BK : e / BN;
        int nn = Op::B_K_FAST ? e / BK : e % BN;
        int n = t.n0 + nn, k = k0 + kk;
        r.b[i] = (n < op.NC && k < t.kend) ? op.b(s.k[parity][kk], s.col[nn]) : 0.f;
    }
}

/* Commit: thread tid writes the registers of tile_fetch to shared buffer `buf`, at the same positions. */
template <class Op>
CONV4J_HD inline void tile_commit(const TileStage& r, int buf, int tid, TileSmem<Op>& s) {
    for (int i = 0; i < LOADS_A; i++) {
        int e = tid + i * TILE_THREADS;
        int kk = Op::A_K_FAST ? e % BK : e / BM;
        int mm = Op::A_K_FAST ? e / BK : e % BM;
        s.a[buf][kk][mm] = r.a[i];
    }
    for (int i = 0; i < LOADS_B; i++) {
        int e = tid + i * TILE_THREADS;
        int kk = Op::B_K_FAST ? e % BK : e / BN;
        int nn = Op::B_K_FAST ? e / BK : e % BN;
        s.b[buf][kk][nn] = r.b[i];
    }
}

/*
 * Multiply (part of the step phase): thread (ty, tx) owns rows ty*TM .. ty*TM+TM-1 and columns tx*TN .. tx*TN+TN-1
 * of the tile. Each k reads TM consecutive floats of a (the same for the 16 threads of a half-warp: a broadcast)
 * and TN consecutive floats of b (one 128-bit access each, 256 contiguous bytes per half-warp), then does TM*TN
 * fused multiply-adds. Summation order over k is fixed.
 */
template <class Op>
CONV4J_HD inline void tile_compute(const TileSmem<Op>& s, int buf, int tid, TileAcc& acc) {
    const int tx = tid % (BN / TN), ty = tid / (BN / TN);
    for (int kk = 0; kk < BK; kk++) {
        float av[TM], bv[TN];
        for (int i = 0; i < TM; i++) {
            av[i] = s.a[buf][kk][ty * TM + i];
        }
        for (int j = 0; j < TN; j++) {
            bv[j] = s.b[buf][kk][tx * TN + j];
        }
        for (int i = 0; i < TM; i++) {
            for (int j = 0; j < TN; j++) {
                acc.v[i][j] = madd(av[i], bv[j], acc.v[i][j]);
            }
        }
    }
}

/*
 * The step phase of slice s (starting at k0): prefetch slice s + 1, multiply slice s, publish slice s + 1, and
 * build the k table of slice s + 2. `r` is the thread's staging registers.
 */
template <class Op>
CONV4J_HD inline void tile_step(const Op& op, const TileCoord& t, int k0, int slice, int tid, TileSmem<Op>& s,
                                TileAcc& acc, TileStage& r) {
    const int cur = slice & 1, nxt = cur ^ 1;
    const bool more = k0 + BK < t.kend;
    if (more) tile_fetch(op, t, k0 + BK, nxt, tid, s, r);  // global loads in flight during the multiply
    tile_compute(s, cur, tid, acc);
    if (more) tile_commit<Op>(r, nxt, tid, s);
    tile_index_next(op, t, k0 + 2 * BK, cur, tid, s);
}

/* Epilogue: hands each in-range element of the micro-tile to the operation's store. */
template <class Op>
CONV4J_HD inline void tile_store(const Op& op, const TileCoord& t, int tid, const TileAcc& acc) {
    const int tx = tid % (BN / TN), ty = tid / (BN / TN);
    for (int i = 0; i < TM; i++) {
        int m = t.m0 + ty * TM + i;
        if (m >= op.M) {
            continue;
        }
        for (int j = 0; j < TN; j++) {
            int n = t.n0 + tx * TN + j;
            if (n < op.NC) {
                op.store(t, m, n, acc.v[i][j]);
            }
        }
    }
}

}  // namespace cuda
}  // namespace c4j

#endif
