// Winograd F(2x2, 3x3) driver (see conv_winograd.h): the mode switch, the rule that picks it, the task
// plan, the filter transform and the portable tile transforms.
//
// Accuracy: the transforms use only 0, +-1 and +-1/2, so on small-integer data every intermediate value
// is a multiple of 1/4 far below 2^24 and the result is exact, as im2col + GEMM's is; on general data
// the error is bounded by the tile's magnitudes, 4 (C + 12) u sum_c sum|x tile_c| sum|w_c|, not by the
// output's own sum |x * w| (docs/accuracy.md): data spanning many binades can exceed GEMM's bound, which
// is why it runs only when a call asks for it (C4J_CONV_ALGO).
#include "conv/conv_winograd.h"

#include <algorithm>

#include "gemm/blas.h"
#include "runtime/buffer.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/cpu_features.h"

namespace c4j {
namespace {

// Floats of the transformed input block V (16 x cin x tiles) for few channels: 128 KiB.
constexpr int64_t kVTarget = int64_t(1) << 15;
// Tiles per block: fewer leave OpenBLAS too short a GEMM (it packs U[k] again for every call). Measured
// with one thread (s4, s6, s8: 64, 128, 512 channels): 64 tiles 173-217 GFLOP/s (direct-equivalent),
// 128 tiles 184-256, 256 tiles 179-250.
constexpr int64_t kMinBlock = 128;
constexpr int64_t kMaxBlock = 512;
// Auto rule (measured on 2 threads, native/README.md): both channel counts at least kMinChannels, and
// kManyChannels where partial tiles waste work (7x7 planes: 8x64 -> 64 channels ran 0.6-0.8x im2col's
// speed, 8x512 -> 512 1.25-1.7x; 8x16x56x56 -> 16 ran 2.9-3.2x faster, 8x8 -> 64 0.7-1.6x).
constexpr int kMinChannels = 16;
constexpr int kManyChannels = 128;
constexpr int64_t kMaxFilterFloats = int64_t(1) << 26;
// Summed channels per group below which Winograd is never used: its transforms add products that cancel in
// exact arithmetic, so with 1 to 4 summed channels its rounding exceeded the conformance tolerance
// 4 (n + 1) u sum |term| on near-cancelling outputs (test_winograd.cpp, 1500 random shapes); none did
// with 5 to 12. It is slower there anyway (GEMMs with K < 8).
constexpr int kMinSummed = 8;

WinoPlan plan_common(const ConvGeo &g, int cin, int cout, int64_t tiles, int parts, bool chosen) {
    WinoPlan p{};
    if (!chosen) return p;
    if (parts < 1) parts = 1;
    p.use = true;
    int64_t tb = std::clamp<int64_t>(kVTarget / (16 * int64_t(cin)), kMinBlock, kMaxBlock) / 16 * 16;
    p.ncb = 1;
    if (parts > 1 && cout >= 32 * parts && cout > tiles) {
        // the filters outweigh the tiles (deep, small images): split output channels so the threads do
        // not each transform all of them, in blocks of about 64 (up to 4 per thread): a task's U is then
        // 16 x 64 x cin floats (2 MiB for s8) instead of 8 MiB, at the price of transforming the input
        // once per block. s8 (8x512x7x7 -> 512), C++ harness, 2 threads, 3 runs: forward 4.1-4.9 ms
        // against 4.7-5.9 with one block per thread (8.0-8.8 MiB of U), backward data 4.0-4.1 against
        // 5.1-5.3; blocks of 32 were slower again (4.7-4.9 / 4.9-5.0)
        p.ncb = std::max<int64_t>(parts, std::min<int64_t>(4 * int64_t(parts), cout / 64));
    } else if (static_cast<int64_t>(g.groups) * ceil_div(tiles, tb) < parts) {
        tb = std::max<int64_t>(16, ceil_div(ceil_div(tiles, ceil_div(parts, g.groups)), 16) * 16);
    }
    p.tb = std::min(tb, tiles);
    p.ntb = ceil_div(tiles, p.tb);
    p.cb = ceil_div(cout, p.ncb);
    p.ncb = ceil_div(cout, p.cb);
    p.tasks = static_cast<int64_t>(g.groups) * p.ncb * p.ntb;
    return p;
}

}  // namespace

bool winograd_chosen(const ConvGeo &g, int cin, int cout, int hout, int wout, int64_t summed, int64_t min_summed) {
    const int mode = g.algo;  // the call's own mode: no process-wide state
    if (mode == C4J_WINOGRAD_OFF || !winograd_applicable(g) || summed < min_summed) return false;
    if (mode == C4J_WINOGRAD_ALWAYS) return true;
    if (cin < kMinChannels || cout < kMinChannels) return false;
    // a group's transformed filters (16/9 of its weights) are a per-call workspace: at most 256 MiB
    if (int64_t(16) * cin * cout > kMaxFilterFloats) return false;
    // Winograd's GEMM multiplications over the direct ones: 4/9 for even sizes, more where partial tiles
    // waste work (7x7: 0.58, 5x5: 0.64, 3x3: 0.79)
    double ratio = 16.0 * ceil_div(hout, 2) * ceil_div(wout, 2) / (9.0 * hout * wout);
    if (ratio > 0.6) return false;
    // small planes: the per-tile transforms weigh more against the GEMMs unless channels are many
    return ratio <= 0.5 || (cin >= kManyChannels && cout >= kManyChannels);
}

namespace {

int64_t tiles_of(const ConvGeo &g, int hout, int wout) {
    return static_cast<int64_t>(g.n) * ceil_div(hout, 2) * ceil_div(wout, 2);
}

// G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]; u = G f G^T.
void filters_scalar(const float *src, int64_t fstride, int count, bool flip, float *u, int64_t kstride) {
    for (int c = 0; c < count; ++c) {
        const float *f = src + fstride * c;
        float gg[3][3];
        for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) gg[a][b] = flip ? f[8 - (3 * a + b)] : f[3 * a + b];
        float t[4][3];
        for (int b = 0; b < 3; ++b) {
            t[0][b] = gg[0][b];
            t[1][b] = 0.5f * (gg[0][b] + gg[1][b] + gg[2][b]);
            t[2][b] = 0.5f * (gg[0][b] - gg[1][b] + gg[2][b]);
            t[3][b] = gg[2][b];
        }
        float *dst = u + c;
        for (int a = 0; a < 4; ++a) {
            dst[(4 * a + 0) * kstride] = t[a][0];
            dst[(4 * a + 1) * kstride] = 0.5f * (t[a][0] + t[a][1] + t[a][2]);
            dst[(4 * a + 2) * kstride] = 0.5f * (t[a][0] - t[a][1] + t[a][2]);
            dst[(4 * a + 3) * kstride] = t[a][2];
        }
    }
}

// OpenBLAS (or conv4j's small-GEMM kernel), U row-major or transposed; beta 0 (gemm) or 1 (gemm_acc).
void gemm_blas_beta(float beta, int on, int nt, int cin, const float *u, int64_t so, int64_t si, const float *v,
                    int64_t ldv, float *m, int64_t ldm) {
    if (si == 1)
        sgemm(false, false, on, nt, cin, 1.f, u, so, v, ldv, beta, m, ldm);
    else
        sgemm(true, false, on, nt, cin, 1.f, u, si, v, ldv, beta, m, ldm);
}
void gemm_blas(int on, int nt, int cin, const float *u, int64_t so, int64_t si, const float *v, int64_t ldv,
               float *m, int64_t ldm) {
    gemm_blas_beta(0.f, on, nt, cin, u, so, si, v, ldv, m, ldm);
}
void gemm_blas_acc(int on, int nt, int cin, const float *u, int64_t so, int64_t si, const float *v, int64_t ldv,
                   float *m, int64_t ldm) {
    gemm_blas_beta(1.f, on, nt, cin, u, so, si, v, ldv, m, ldm);
}

// Tile t (numbered image by image, row by row): its image and its top-left output cell.
struct TileAt {
    int64_t img;
    int r0, c0;
};
TileAt tile_at(const WinoProblem &p, int64_t t) {
    const int64_t per_img = static_cast<int64_t>(p.th) * p.tw;
    const int64_t rem = t % per_img;
    return TileAt{t / per_img, static_cast<int>(rem / p.tw) * 2, static_cast<int>(rem % p.tw) * 2};
}

// A h A^T of each 2x2 dy tile, A = [1 0; 1 1; 1 -1; 0 -1] (Winograd F(3x3, 2x2)'s "filter" transform).
void grad_tiles_scalar(const WinoProblem &p, const float *dy, int64_t t0, int nt, int on, float *u, int64_t kstride,
                       int64_t ldu) {
    const int64_t plane = static_cast<int64_t>(p.hout) * p.wout;
    for (int j = 0; j < nt; ++j) {
        const auto [img, r0, c0] = tile_at(p, t0 + j);
        const bool r1 = r0 + 1 < p.hout, c1 = c0 + 1 < p.wout;
        for (int o = 0; o < on; ++o) {
            const float *src = dy + img * p.out_img + o * plane + static_cast<int64_t>(r0) * p.wout + c0;
            const float h00 = src[0], h01 = c1 ? src[1] : 0.f;
            const float h10 = r1 ? src[p.wout] : 0.f, h11 = r1 && c1 ? src[p.wout + 1] : 0.f;
            const float s[4][2] = {{h00, h01}, {h00 + h10, h01 + h11}, {h00 - h10, h01 - h11}, {-h10, -h11}};
            float *dst = u + j * ldu + o;
            for (int a = 0; a < 4; ++a) {
                dst[(4 * a + 0) * kstride] = s[a][0];
                dst[(4 * a + 1) * kstride] = s[a][0] + s[a][1];
                dst[(4 * a + 2) * kstride] = s[a][0] - s[a][1];
                dst[(4 * a + 3) * kstride] = -s[a][1];
            }
        }
    }
}

// G^T M G per filter, G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1].
void grad_filters_scalar(const float *m, int64_t kstride, int64_t ldm, int in, int on, float *dw, int64_t kg) {
    for (int o = 0; o < on; ++o) {
        for (int i = 0; i < in; ++i) {
            float mm[4][4];
            for (int k = 0; k < 16; ++k) mm[k / 4][k % 4] = m[k * kstride + i * ldm + o];
            float r[3][4];  // G^T M
            for (int b = 0; b < 4; ++b) {
                r[0][b] = mm[0][b] + 0.5f * (mm[1][b] + mm[2][b]);
                r[1][b] = 0.5f * (mm[1][b] - mm[2][b]);
                r[2][b] = 0.5f * (mm[1][b] + mm[2][b]) + mm[3][b];
            }
            float *f = dw + o * kg + 9 * i;
            for (int a = 0; a < 3; ++a) {  // (G^T M) G
                f[3 * a + 0] = r[a][0] + 0.5f * (r[a][1] + r[a][2]);
                f[3 * a + 1] = 0.5f * (r[a][1] - r[a][2]);
                f[3 * a + 2] = 0.5f * (r[a][1] + r[a][2]) + r[a][3];
            }
        }
    }
}

void input_scalar(const WinoProblem &p, int64_t t0, int nt, float *v, int64_t ldv) {
    const int64_t plane = static_cast<int64_t>(p.hin) * p.win;
    const int64_t kstride = static_cast<int64_t>(p.cin) * ldv;
    for (int j = 0; j < nt; ++j) {
        const TileAt at = tile_at(p, t0 + j);
        const int64_t img = at.img;
        const int r0 = at.r0 - p.offh, c0 = at.c0 - p.offw;
        for (int i = 0; i < p.cin; ++i) {
            const float *src = p.in + img * p.in_img + i * plane;
            float d[4][4];
            for (int a = 0; a < 4; ++a) {
                int r = r0 + a;
                for (int b = 0; b < 4; ++b) {
                    int c = c0 + b;
                    d[a][b] = (r >= 0 && r < p.hin && c >= 0 && c < p.win) ? src[static_cast<int64_t>(r) * p.win + c] : 0.f;
                }
            }
            float s[4][4];  // B^T d
            for (int b = 0; b < 4; ++b) {
                s[0][b] = d[0][b] - d[2][b];
                s[1][b] = d[1][b] + d[2][b];
                s[2][b] = d[2][b] - d[1][b];
                s[3][b] = d[1][b] - d[3][b];
            }
            float *dst = v + i * ldv + j;
            for (int a = 0; a < 4; ++a) {  // (B^T d) B
                dst[(4 * a + 0) * kstride] = s[a][0] - s[a][2];
                dst[(4 * a + 1) * kstride] = s[a][1] + s[a][2];
                dst[(4 * a + 2) * kstride] = s[a][2] - s[a][1];
                dst[(4 * a + 3) * kstride] = s[a][1] - s[a][3];
            }
        }
    }
}

void output_scalar(const WinoProblem &p, const float *m, int64_t ldm, int o0, int on, int64_t t0, int nt,
                   const float *bias) {
    const int64_t plane = static_cast<int64_t>(p.hout) * p.wout;
    const int64_t kstride = static_cast<int64_t>(on) * ldm;
    for (int j = 0; j < nt; ++j) {
        const auto [img, r0, c0] = tile_at(p, t0 + j);
        for (int o = 0; o < on; ++o) {
            const float *src = m + o * ldm + j;
            float mm[4][4];
            for (int k = 0; k < 16; ++k) mm[k / 4][k % 4] = src[k * kstride];
            float s[2][4];  // A^T m, A^T = [1 1 1 0; 0 1 -1 -1]
            for (int b = 0; b < 4; ++b) {
                s[0][b] = mm[0][b] + mm[1][b] + mm[2][b];
                s[1][b] = mm[1][b] - mm[2][b] - mm[3][b];
            }
            float b0 = bias != nullptr ? bias[o0 + o] : 0.f;
            float *dst = p.out + img * p.out_img + (o0 + o) * plane;
            for (int a = 0; a < 2 && r0 + a < p.hout; ++a) {
                float *row = dst + static_cast<int64_t>(r0 + a) * p.wout;
                row[c0] = s[a][0] + s[a][1] + s[a][2] + b0;
                if (c0 + 1 < p.wout) row[c0 + 1] = s[a][1] - s[a][2] - s[a][3] + b0;
            }
        }
    }
}

// Runs tasks [t0, t1) of a plan. Per group grp: the problem is base with in/out moved by in_grp/out_grp
// floats and the filters by filt_grp. U[k] is kept as [out x in] in both directions, so the GEMM reads its
// rows contiguously. Forward: filter (o, i) at w + o * cin * 9 + i * 9 (filters along i contiguous).
// Backward data: filter (o, i) at w + i * cout * 9 + o * 9, rotated, read by that stride. Reading U
// transposed instead (rows 256 B apart, half of each line used) cost s8 backward data, 64-channel blocks,
// 8.6-9.1 ms against 7.2-8.1 (C++ harness, 2 threads, AMD EPYC with AVX-512, no VP2INTERSECT).
int run(const WinoPlan &pl, WinoProblem base, int64_t in_grp, int64_t out_grp, const float *w, int64_t filt_grp,
        bool backward, const float *bias, int64_t t0, int64_t t1) {
    const int64_t ld = ceil_div(pl.tb, 16) * 16;  // rows of V and M padded to whole vectors
    FloatBuffer u(16 * pl.cb * base.cin);
    FloatBuffer v(16 * base.cin * ld);
    FloatBuffer m(16 * pl.cb * ld);
    if (!u.ok() || !v.ok() || !m.ok()) return C4J_ERR_OUT_OF_MEMORY;
    const WinoKernels &kern = pl.portable ? wino_kernels_scalar() : wino_kernels();
    const int cin = base.cin;
    int64_t have = -1;    // (group, channel block) whose filters are in u
    int64_t have_v = -1;  // (group, tile block) whose transformed input is in v
    for (int64_t t = t0; t < t1; ++t) {
        int64_t key = t / pl.ntb;
        int grp = static_cast<int>(key / pl.ncb);
        int o0 = static_cast<int>((key % pl.ncb) * pl.cb);
        int on = static_cast<int>(std::min<int64_t>(pl.cb, base.cout - o0));
        const int64_t kstride = static_cast<int64_t>(on) * cin;
        if (key != have) {
            const float *wg = w + filt_grp * grp;
            if (!backward) {
                for (int o = 0; o < on; ++o)
                    for (int i = 0; i < cin; i += 16)
                        kern.filters(wg + (int64_t(o0 + o) * cin + i) * 9, 9, std::min(16, cin - i), false,
                                     u.get() + int64_t(o) * cin + i, kstride);
            } else {
                // filters along i are base.cout * 9 floats apart
                for (int i = 0; i < cin; i += 16)
                    for (int o = 0; o < on; ++o)
                        kern.filters(wg + (int64_t(i) * base.cout + o0 + o) * 9, int64_t(base.cout) * 9,
                                     std::min(16, cin - i), true, u.get() + int64_t(o) * cin + i, kstride);
            }
            have = key;
        }
        WinoProblem p = base;
        p.in += in_grp * grp;
        p.out += out_grp * grp;
        int64_t tile0 = (t % pl.ntb) * pl.tb;
        int nt = static_cast<int>(std::min<int64_t>(pl.tb, p.tiles - tile0));
        // consecutive tasks of one tile block (different channel blocks) share the transformed input
        int64_t vkey = int64_t(grp) * pl.ntb + t % pl.ntb;
        if (vkey != have_v) {
            kern.input(p, tile0, nt, v.get(), ld);
            have_v = vkey;
        }
        for (int k = 0; k < 16; ++k) {
            kern.gemm(on, nt, cin, u.get() + k * kstride, cin, 1,
                      v.get() + int64_t(k) * cin * ld, ld, m.get() + int64_t(k) * on * ld, ld);
        }
        kern.output(p, m.get(), ld, o0, on, tile0, nt, bias != nullptr ? bias + int64_t(grp) * p.cout : nullptr);
    }
    return C4J_OK;
}

}  // namespace

const WinoKernels &wino_kernels_scalar() {
    static const WinoKernels k{filters_scalar,      gemm_blas,    gemm_blas_acc, grad_tiles_scalar,
                               grad_filters_scalar, input_scalar, output_scalar};
    return k;
}

const WinoKernels &wino_kernels() {
    if (cpu_use_avx512()) {
        const WinoKernels &k = wino_kernels_avx512();
        if (k.filters != nullptr) return k;
    }
    if (cpu_use_neon()) {
        const WinoKernels &k = wino_kernels_neon();
        if (k.filters != nullptr) return k;
    }
    return wino_kernels_scalar();
}

bool winograd_applicable(const ConvGeo &g) {
    return g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1;
}

bool winograd_fits_forward(const ConvGeo &g) {
    return g.algo != C4J_WINOGRAD_OFF && winograd_applicable(g) && g.cig >= kMinSummed;
}

bool winograd_fits_backward_data(const ConvGeo &g) {
    return g.algo != C4J_WINOGRAD_OFF && winograd_applicable(g) && g.cog >= kMinSummed;
}

bool winograd_pays_forward(const ConvGeo &g) {
    return winograd_chosen(g, g.cig, g.cog, g.hout, g.wout, g.cig, kMinSummed);
}

bool winograd_pays_backward_data(const ConvGeo &g) {
    return winograd_chosen(g, g.cog, g.cig, g.h, g.w, g.cog, kMinSummed);
}

WinoPlan plan_winograd_forward(const ConvGeo &g, int parts) {
    return plan_common(g, g.cig, g.cog, tiles_of(g, g.hout, g.wout), parts, true);
}

WinoPlan plan_winograd_backward_data(const ConvGeo &g, int parts) {
    return plan_common(g, g.cog, g.cig, tiles_of(g, g.h, g.w), parts, true);
}

WinoProblem wino_problem(const float *in, int64_t in_img, int hin, int win, int cin, float *out, int64_t out_img,
                           int hout, int wout, int cout, int offh, int offw, int n) {
    WinoProblem p{};
    p.in = in;
    p.in_img = in_img;
    p.hin = hin;
    p.win = win;
    p.cin = cin;
    p.out = out;
    p.out_img = out_img;
    p.hout = hout;
    p.wout = wout;
    p.cout = cout;
    p.offh = offh;
    p.offw = offw;
    p.th = static_cast<int>(ceil_div(hout, 2));
    p.tw = static_cast<int>(ceil_div(wout, 2));
    p.tiles = static_cast<int64_t>(n) * p.th * p.tw;
    return p;
}

int winograd_forward(const ConvGeo &g, const WinoPlan &pl, const float *x, const float *w, const float *bias,
                     float *y, int64_t t0, int64_t t1) {
    WinoProblem p = wino_problem(x, g.cin * g.in_plane, g.h, g.w, g.cig, y, g.cout * g.hw, g.hout, g.wout, g.cog, g.pt,
                            g.pl, g.n);
    return run(pl, p, g.cig * g.in_plane, g.cog * g.hw, w, int64_t(g.cog) * g.kg, false, bias, t0, t1);
}

int winograd_backward_data(const ConvGeo &g, const WinoPlan &pl, const float *dy, const float *w, float *dx,
                           int64_t t0, int64_t t1) {
    WinoProblem p = wino_problem(dy, g.cout * g.hw, g.hout, g.wout, g.cog, dx, g.cin * g.in_plane, g.h, g.w, g.cig,
                            2 - g.pt, 2 - g.pl, g.n);
    // filter (o = dx channel, i = dy channel) of group grp: w[grp * cog + i][o], rotated
    return run(pl, p, g.cog * g.hw, g.cig * g.in_plane, w, int64_t(g.cog) * g.kg, true, nullptr, t0, t1);
}

}  // namespace c4j
