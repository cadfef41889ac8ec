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
 * Every function is a template over the tile shape (TileShape below); the launch picks the shape per problem.
 * Within a step no thread touches what another thread touches in that step (reads: buffer s % 2, k slot
 * (s + 1) % 2, column table; writes: buffer (s + 1) % 2, k slot s % 2), which the host harness checks by running
 * the threads of each phase in several orders.
 */
#ifndef CONV4J_CUDA_GEMM_TILE_CUH
#define CONV4J_CUDA_GEMM_TILE_CUH

#include "hd.cuh"

namespace c4j {
namespace cuda {

/*
 * Shape of one thread block's tile: BM x BN of C, K slices of BK, a TM x TN micro-tile per thread. The thread's
 * TM rows are groups of 4 consecutive rows, BM / (TM / 4) apart (likewise its columns): each group is one 128-bit
 * shared-memory load, and the 8 threads of a quarter-warp read 128 contiguous bytes (no bank conflict).
 */
template <int BM_, int BN_, int BK_, int TM_, int TN_>
struct TileShape {
    static constexpr int BM = BM_;
    static constexpr int BN = BN_;
    static constexpr int BK = BK_;
    static constexpr int TM = TM_;
    static constexpr int TN = TN_;
    static constexpr int THREADS = (BM / TM) * (BN / TN);
    static constexpr int LOADS_A = BM * BK / THREADS;  // elements of A per thread per slice
    static constexpr int LOADS_B = BK * BN / THREADS;  // elements of B per thread per slice
    static_assert(TM % 4 == 0 && TN % 4 == 0, "micro-tile rows and columns come in groups of 4");
    static_assert(LOADS_A * THREADS == BM * BK, "A slice must split evenly over the threads");
    static_assert(LOADS_B * THREADS == BK * BN, "B slice must split evenly over the threads");
    static_assert(THREADS >= BN && THREADS >= 2 * BK, "index phase: one thread per column and per k of 2 slices");

    /* Row of the tile held in the thread's micro-tile row i (ty = the thread's row of threads). */
    static CONV4J_HD int row(int ty, int i) { return (i / 4) * (BM / (TM / 4)) + ty * 4 + i % 4; }
    /* Column of the tile held in the thread's micro-tile column j. */
    static CONV4J_HD int col(int tx, int j) { return (j / 4) * (BN / (TN / 4)) + tx * 4 + j % 4; }
};

/* Small problems: many blocks for a short grid; every launch before the large tiles used this one. */
using SmallTile = TileShape<64, 64, 16, 4, 4>;
/* Large problems with M <= 64: twice the columns per block, 8 columns per thread. */
using WideTile = TileShape<64, 128, 8, 4, 8>;
/* Large problems: 8 x 8 per thread, 64 fused multiply-adds per 4 shared loads of 128 bits. */
using LargeTile = TileShape<128, 128, 8, 8, 8>;

/*
 * Shared memory of one block: one K slice of A (transposed, k-major) and of B, the operation's per-column
 * coordinates and its per-k coordinates for the current and the next slice.
 */
template <class T, class Op>
struct TileSmem {
    // 16-byte aligned rows so each group of 4 values loads as one 128-bit access; the +4 pad keeps that
    // alignment and spreads the column-wise writes of the k-fast commit over the banks.
    alignas(16) float a[2][T::BK][T::BM + 4];
    alignas(16) float b[2][T::BK][T::BN];
    typename Op::ColInfo col[T::BN];
    typename Op::KInfo k[2][T::BK];
};

/* Registers of one thread between the fetch of a slice and its write to shared memory. */
template <class T>
struct TileStage {
    float a[T::LOADS_A];
    float b[T::LOADS_B];
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
template <class T>
struct TileAcc {
    float v[T::TM][T::TN];
};

template <class T>
CONV4J_HD inline void tile_acc_zero(TileAcc<T>& acc) {
    for (int i = 0; i < T::TM; i++) {
        for (int j = 0; j < T::TN; j++) {
            acc.v[i][j] = 0.f;
        }
    }
}

/*
 * Block coordinates from the launch indices: x = column tile, y = row tile, z = group * splits + split.
 * Split s covers K values [s * split_len, (s + 1) * split_len), split_len a multiple of the tile's BK.
 */
template <class T>
CONV4J_HD inline TileCoord tile_coord(int bx, int by, int bz, int splits, int K, int split_len) {
    TileCoord t;
    t.g = bz / splits;
    t.split = bz % splits;
    t.m0 = by * T::BM;
    t.n0 = bx * T::BN;
    t.kbegin = t.split * split_len;
    int end = t.kbegin + split_len;
    t.kend = end < K ? end : K;
    return t;
}

/* Index phase (once per block): column table, and the k tables of the block's first two slices. */
template <class T, class Op>
CONV4J_HD inline void tile_index(const Op& op, const TileCoord& t, int tid, TileSmem<T, Op>& s) {
    // Columns and k beyond the matrix are clamped to its last one: their loads are masked anyway, and the clamp
    // keeps every offset computed here inside the tensors (no int overflow for any valid descriptor).
    if (tid < T::BN) {
        s.col[tid] = op.col_info(t.g, imin(t.n0 + tid, op.NC - 1));
    }
    if (tid < T::BK) {
        s.k[0][tid] = op.k_info(t.g, imin(t.kbegin + tid, t.kend - 1));
    } else if (tid < 2 * T::BK && t.kbegin + T::BK < t.kend) {
        s.k[1][tid - T::BK] = op.k_info(t.g, imin(t.kbegin + tid, t.kend - 1));
    }
}

/* Part of the step phase: threads < BK fill the k table of the slice at k0_next (slot parity_next). */
template <class T, class Op>
CONV4J_HD inline void tile_index_next(const Op& op, const TileCoord& t, int k0_next, int parity_next, int tid,
                                      TileSmem<T, Op>& s) {
    if (tid < T::BK && k0_next < t.kend) {
        s.k[parity_next][tid] = op.k_info(t.g, imin(k0_next + tid, t.kend - 1));
    }
}

/*
 * Fetch: thread tid reads its elements of the slice starting at k0 (k table slot `parity`) into registers, zero
 * outside the matrix. Op::A_K_FAST / Op::B_K_FAST choose whether consecutive threads walk k or m/n, whichever is
 * contiguous in the tensor the element comes from (coalescing).
 */
template <class T, class Op>
CONV4J_HD inline void tile_fetch(const Op& op, const TileCoord& t, int k0, int parity, int tid,
                                 const TileSmem<T, Op>& s, TileStage<T>& r) {
    for (int i = 0; i < T::LOADS_A; i++) {
        int e = tid + i * T::THREADS;
        int kk = Op::A_K_FAST ? e % T::BK : e / T::BM;
        int mm = Op::A_K_FAST ? e / T::BK : e % T::BM;
        int m = t.m0 + mm, k = k0 + kk;
        r.a[i] = (m < op.M && k < t.kend) ? op.a(t.g, m, k, s.k[parity][kk]) : 0.f;
    }
    for (int i = 0; i < T::LOADS_B; i++) {
        int e = tid + i * T::THREADS;
        int kk = Op::B_K_FAST ? e % T::BK : e / T::BN;
        int nn = Op::B_K_FAST ? e / T::BK : e % T::BN;
        int n = t.n0 + nn, k = k0 + kk;
        r.b[i] = (n < op.NC && k < t.kend) ? op.b(s.k[parity][kk], s.col[nn]) : 0.f;
    }
}

/* Commit: thread tid writes the registers of tile_fetch to shared buffer `buf`, at the same positions. */
template <class T, class Op>
CONV4J_HD inline void tile_commit(const TileStage<T>& r, int buf, int tid, TileSmem<T, Op>& s) {
    for (int i = 0; i < T::LOADS_A; i++) {
        int e = tid + i * T::THREADS;
        int kk = Op::A_K_FAST ? e % T::BK : e / T::BM;
        int mm = Op::A_K_FAST ? e / T::BK : e % T::BM;
        s.a[buf][kk][mm] = r.a[i];
    }
    for (int i = 0; i < T::LOADS_B; i++) {
        int e = tid + i * T::THREADS;
        int kk = Op::B_K_FAST ? e % T::BK : e / T::BN;
        int nn = Op::B_K_FAST ? e / T::BK : e % T::BN;
        s.b[buf][kk][nn] = r.b[i];
    }
}

/*
 * Multiply (part of the step phase): thread (ty, tx) owns rows T::row(ty, i) and columns T::col(tx, j) of the
 * tile. Each k reads its TM values of a (the same for all threads of a row of threads: a broadcast) and TN of b,
 * in groups of 4 (128-bit loads), then does TM*TN fused multiply-adds. Summation order over k is fixed (k
 * ascending, one accumulator per output), so the tile shape never changes the bits of a result.
 */
template <class T, class Op>
CONV4J_HD inline void tile_compute(const TileSmem<T, Op>& s, int buf, int tid, TileAcc<T>& acc) {
    const int tx = tid % (T::BN / T::TN), ty = tid / (T::BN / T::TN);
    for (int kk = 0; kk < T::BK; kk++) {
        float av[T::TM], bv[T::TN];
        for (int i = 0; i < T::TM; i++) {
            av[i] = s.a[buf][kk][T::row(ty, i)];
        }
        for (int j = 0; j < T::TN; j++) {
            bv[j] = s.b[buf][kk][T::col(tx, j)];
        }
        for (int i = 0; i < T::TM; i++) {
            for (int j = 0; j < T::TN; j++) {
                acc.v[i][j] = madd(av[i], bv[j], acc.v[i][j]);
            }
        }
    }
}

/*
 * The step phase of slice s (starting at k0): prefetch slice s + 1, multiply slice s, publish slice s + 1, and
 * build the k table of slice s + 2. `r` is the thread's staging registers.
 */
template <class T, class Op>
CONV4J_HD inline void tile_step(const Op& op, const TileCoord& t, int k0, int slice, int tid, TileSmem<T, Op>& s,
                                TileAcc<T>& acc, TileStage<T>& r) {
    const int cur = slice & 1, nxt = cur ^ 1;
    const bool more = k0 + T::BK < t.kend;
    if (more) tile_fetch<T>(op, t, k0 + T::BK, nxt, tid, s, r);  // global loads in flight during the multiply
    tile_compute<T, Op>(s, cur, tid, acc);
    if (more) tile_commit<T, Op>(r, nxt, tid, s);
    tile_index_next<T>(op, t, k0 + 2 * T::BK, cur, tid, s);
}

/* Epilogue: hands each in-range element of the micro-tile to the operation's store. */
template <class T, class Op>
CONV4J_HD inline void tile_store(const Op& op, const TileCoord& t, int tid, const TileAcc<T>& acc) {
    const int tx = tid % (T::BN / T::TN), ty = tid / (T::BN / T::TN);
    for (int i = 0; i < T::TM; i++) {
        int m = t.m0 + T::row(ty, i);
        if (m >= op.M) {
            continue;
        }
        for (int j = 0; j < T::TN; j++) {
            int n = t.n0 + T::col(tx, j);
            if (n < op.NC) {
                op.store(t, m, n, acc.v[i][j]);
            }
        }
    }
}

}  // namespace cuda
}  // namespace c4j

#endif
