// Weight gradient of 3x3 stride-1 convolutions by Winograd F(3x3, 2x2), the transpose of the forward
// F(2x2, 3x3): dw[o][i] = sum over 2x2 tiles of dy of the 3x3 correlation of the tile's 4x4 input patch
// with the tile, and one tile's correlation is G^T [(A h A^T) . (B^T d B)] G with the forward's B and G
// (A = [1 0; 1 1; 1 -1; 0 -1]). So the input transform is the forward's, the 16 products summed over all
// tiles are 16 GEMMs M[k][i][o] = sum_t V[k][i][t] U[k][t][o] with the tile count as their long inner
// dimension, and the output transform G^T M G runs once per filter, not per tile: 16 multiply-adds per
// tile and filter pair instead of 36.
//
// Accuracy: every transform entry is 0, +-1 or +-1/2, so small-integer data stays exact; on general data
// the sums stay within the conformance tolerance once enough products are summed (kMinSummed below,
// test_winograd.cpp).
#include <algorithm>
#if defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
#include <xmmintrin.h>
#endif

#include "runtime/buffer.h"
#include "conv4j/conv4j_cpu.h"
#include "conv/conv_winograd.h"

namespace c4j {
namespace {

// Products per weight (n * hout * wout) below which this path is never taken: with few products the
// tolerance 4 (n + 1) u sum |term| is tight and the transforms' extra roundings can exceed it.
constexpr int64_t kMinSummed = 64;
// Tiles per block: V (16 x ib x tb) and U (16 x tb x ob) of one block stay in L2 (64 and 128 measured alike
// on s4, s6, s8 with 2 threads; 32 was slower).
constexpr int64_t kTileBlock = 128;
// Channels per task: U[k]'s rows (ob floats) are the GEMM's vector operand. s8 (512 -> 512) with 2 threads:
// 64 x 64 blocks 5.4-5.7 ms, 128 x 128 5.7-6.2, 256 x 256 8.0-8.8.
constexpr int64_t kMaxOutBlock = 64;
constexpr int64_t kMaxInBlock = 64;

inline void prefetch_l2(const float *p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 0, 2);
#elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
    _mm_prefetch(reinterpret_cast<const char *>(p), _MM_HINT_T1);
#else
    (void)p;
#endif
}

// Asks for the plane rows a tile block will read, every 16th float of rows [row0, row1) (clipped) of
// `channels` planes: the transforms read 16 to 64 channel planes at once, more row streams than the
// hardware prefetcher follows, and stalled on memory (s4's dy transform: a quarter of the time).
void prefetch_rows(const float *base, int64_t chan_stride, int channels, int rows, int width, int row0, int row1) {
    row0 = std::max(row0, 0);
    row1 = std::min(row1, rows);
    if (row1 <= row0) return;
    const int64_t len = static_cast<int64_t>(row1 - row0) * width;
    for (int c = 0; c < channels; ++c) {
        const float *p = base + c * chan_stride + static_cast<int64_t>(row0) * width;
        for (int64_t e = 0; e < len; e += 16) prefetch_l2(p + e);
    }
}

// The x and dy rows of tiles [t0, t0 + nt) (whole rows; tile rows of one image at a time).
void prefetch_block(const WinoProblem &p, const float *dy, int on, int64_t t0, int64_t nt) {
    const int64_t per_img = static_cast<int64_t>(p.th) * p.tw;
    const int64_t plane = static_cast<int64_t>(p.hin) * p.win, dplane = static_cast<int64_t>(p.hout) * p.wout;
    for (int64_t t = t0; t < t0 + nt;) {
        const int64_t img = t / per_img;
        const int ti0 = static_cast<int>((t % per_img) / p.tw);
        const int64_t last = std::min(t0 + nt, (img + 1) * per_img) - 1;  // last tile in this image
        const int ti1 = static_cast<int>((last % per_img) / p.tw) + 1;
        prefetch_rows(dy + img * p.out_img, dplane, on, p.hout, p.wout, 2 * ti0, 2 * ti1);
        prefetch_rows(p.in + img * p.in_img, plane, p.cin, p.hin, p.win, 2 * ti0 - p.offh, 2 * ti1 + 2 - p.offh);
        t = last + 1;
    }
}

}  // namespace

bool winograd_fits_backward_weights(const ConvGeo &g) {
    return g.algo != C4J_WINOGRAD_OFF && winograd_applicable(g) &&
           static_cast<int64_t>(g.n) * g.hout * g.wout >= kMinSummed;
}

bool winograd_pays_backward_weights(const ConvGeo &g) {
    return winograd_chosen(g, g.cig, g.cog, g.hout, g.wout, static_cast<int64_t>(g.n) * g.hout * g.wout, kMinSummed);
}

WinoPlan plan_winograd_backward_weights(const ConvGeo &g, int parts) {
    WinoPlan p{};
    if (parts < 1) parts = 1;
    p.use = true;
    const int64_t tiles = static_cast<int64_t>(g.n) * ceil_div(g.hout, 2) * ceil_div(g.wout, 2);
    p.tb = std::min(kTileBlock, tiles);
    p.ntb = ceil_div(tiles, p.tb);
    p.cb = std::min<int64_t>(g.cog, kMaxOutBlock);
    p.ib = std::min<int64_t>(g.cig, kMaxInBlock);
    // at least two tasks per thread where channels allow (a late pool thread then costs half a task), halving
    // the larger block: an input block's transform is repeated per output block and the other way round
    // (s4, 64 -> 64 channels, 2 threads: 32 x 32 blocks 3.9 ms against 4.5-4.8 with 16 x 64)
    auto tasks = [&] { return static_cast<int64_t>(g.groups) * ceil_div(g.cog, p.cb) * ceil_div(g.cig, p.ib); };
    while (tasks() < 2 * parts && (p.ib > 16 || p.cb > 16)) {
        if (p.ib >= p.cb)
            p.ib = std::max<int64_t>(16, p.ib / 2);
        else
            p.cb = std::max<int64_t>(16, p.cb / 2);
    }
    p.ncb = ceil_div(g.cog, p.cb);
    p.nib = ceil_div(g.cig, p.ib);
    p.tasks = tasks();
    return p;
}

int winograd_backward_weights(const ConvGeo &g, const WinoPlan &pl, const float *dy, const float *x, float *dw,
                              int64_t t0, int64_t t1) {
    const int64_t ld = ceil_div(pl.tb, 16) * 16;   // V rows padded to whole vectors
    const int64_t ldu = ceil_div(pl.cb, 16) * 16;  // U rows and M rows likewise
    FloatBuffer v(16 * pl.ib * ld);
    FloatBuffer u(16 * ld * ldu);
    FloatBuffer m(16 * pl.ib * ldu);
    if (!v.ok() || !u.ok() || !m.ok()) return C4J_ERR_OUT_OF_MEMORY;
    const WinoKernels &kern = pl.portable ? wino_kernels_scalar() : wino_kernels();
    // the AVX-512 dy transform gathers 16 channel planes with 32-bit offsets
    auto grad_tiles = int64_t(16) * g.hw < (int64_t(1) << 31) ? kern.grad_tiles : wino_kernels_scalar().grad_tiles;
    for (int64_t t = t0; t < t1; ++t) {
        const int grp = static_cast<int>(t / (pl.ncb * pl.nib));
        const int64_t ob = (t / pl.nib) % pl.ncb, ibk = t % pl.nib;
        const int o0 = static_cast<int>(ob * pl.cb), i0 = static_cast<int>(ibk * pl.ib);
        const int on = static_cast<int>(std::min<int64_t>(pl.cb, g.cog - o0));
        const int in = static_cast<int>(std::min<int64_t>(pl.ib, g.cig - i0));
        // the input side: x channels [i0, i0 + in) of the group; tiles follow dy's plane
        WinoProblem p = wino_problem(x + (static_cast<int64_t>(grp) * g.cig + i0) * g.in_plane, g.cin * g.in_plane,
                                     g.h, g.w, in, nullptr, g.cout * g.hw, g.hout, g.wout, on, g.pt, g.pl, g.n);
        const float *dyb = dy + (static_cast<int64_t>(grp) * g.cog + o0) * g.hw;
        const int64_t vk = int64_t(in) * ld, uk = ld * ldu, mk = int64_t(in) * ldu;
        for (int64_t b = 0; b < pl.ntb; ++b) {  // tile blocks in order: a fixed summation order
            const int64_t tile0 = b * pl.tb;
            const int nt = static_cast<int>(std::min<int64_t>(pl.tb, p.tiles - tile0));
            if (b + 1 < pl.ntb)  // the next block's rows arrive in L2 while this one computes
                prefetch_block(p, dyb, on, tile0 + pl.tb, std::min<int64_t>(pl.tb, p.tiles - tile0 - pl.tb));
            kern.input(p, tile0, nt, v.get(), ld);
            grad_tiles(p, dyb, tile0, nt, on, u.get(), uk, ldu);
            auto gemm = b == 0 ? kern.gemm : kern.gemm_acc;
            for (int k = 0; k < 16; ++k)
                gemm(in, on, nt, v.get() + k * vk, ld, 1, u.get() + k * uk, ldu, m.get() + k * mk, ldu);
        }
        kern.grad_filters(m.get(), mk, ldu, in, on,
                          dw + (static_cast<int64_t>(grp) * g.cog + o0) * g.kg + static_cast<int64_t>(i0) * 9, g.kg);
    }
    return C4J_OK;
}

}  // namespace c4j
