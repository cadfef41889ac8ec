// NEON tile transforms of Winograd F(2x2, 3x3) (aarch64): the input transform B^T d B and the output
// transform A^T m A on 4 neighbouring tiles at once, one tile per lane. The GEMMs stay OpenBLAS's (its own
// NEON kernels), and the filter and weight-gradient transforms, run once per call, the portable ones.
// The arithmetic is the scalar transforms' in the same order (no FMA), so results equal theirs bit for bit.
// <arm_neon.h> intrinsics only (Apple clang and GCC).
#include "conv/conv_winograd.h"

#if defined(__aarch64__) || defined(_M_ARM64)
#include <arm_neon.h>

namespace c4j {
namespace {

// Where tile t (numbered image by image, row by row) lies: image, top-left output cell, column in its row.
struct Tile {
    int64_t img;
    int r0, c0, tc;
};
Tile tile(const WinoProblem &p, int64_t t) {
    const int64_t per_img = static_cast<int64_t>(p.th) * p.tw;
    const int64_t rem = t % per_img;
    const int tc = static_cast<int>(rem % p.tw);
    return Tile{t / per_img, static_cast<int>(rem / p.tw) * 2, tc * 2, tc};
}

// Tiles j..j+3 of the input transform: when they share an image and a tile row and their 4 x 10 input
// window lies inside the plane, lane l of d[a][b] is input cell (r + a, c + 2 l + b), loaded by two
// de-interleaving loads per row; otherwise (edges, padding, row ends) the scalar transform does them.
void input_neon(const WinoProblem &p, int64_t t0, int nt, float *v, int64_t ldv) {
    const WinoKernels &portable = wino_kernels_scalar();
    const int64_t plane = static_cast<int64_t>(p.hin) * p.win;
    const int64_t kstride = static_cast<int64_t>(p.cin) * ldv;
    int j = 0;
    while (j < nt) {
        const Tile at = tile(p, t0 + j);
        const int r = at.r0 - p.offh, c = at.c0 - p.offw;
        if (!(j + 4 <= nt && at.tc + 4 <= p.tw && r >= 0 && r + 4 <= p.hin && c >= 0 && c + 10 <= p.win)) {
            portable.input(p, t0 + j, 1, v + j, ldv);
            ++j;
            continue;
        }
        for (int i = 0; i < p.cin; ++i) {
            const float *src = p.in + at.img * p.in_img + i * plane + static_cast<int64_t>(r) * p.win + c;
            float32x4_t d[4][4];
            for (int a = 0; a < 4; ++a) {
                const float *row = src + static_cast<int64_t>(a) * p.win;
                const float32x4x2_t lo = vld2q_f32(row), hi = vld2q_f32(row + 2);
                d[a][0] = lo.val[0];
                d[a][1] = lo.val[1];
                d[a][2] = hi.val[0];
                d[a][3] = hi.val[1];
            }
            float32x4_t s[4][4];  // B^T d
            for (int b = 0; b < 4; ++b) {
                s[0][b] = vsubq_f32(d[0][b], d[2][b]);
                s[1][b] = vaddq_f32(d[1][b], d[2][b]);
                s[2][b] = vsubq_f32(d[2][b], d[1][b]);
                s[3][b] = vsubq_f32(d[1][b], d[3][b]);
            }
            float *dst = v + i * ldv + j;
            for (int a = 0; a < 4; ++a) {  // (B^T d) B
                vst1q_f32(dst + (4 * a + 0) * kstride, vsubq_f32(s[a][0], s[a][2]));
                vst1q_f32(dst + (4 * a + 1) * kstride, vaddq_f32(s[a][1], s[a][2]));
                vst1q_f32(dst + (4 * a + 2) * kstride, vsubq_f32(s[a][2], s[a][1]));
                vst1q_f32(dst + (4 * a + 3) * kstride, vsubq_f32(s[a][1], s[a][3]));
            }
        }
        j += 4;
    }
}

// Tiles j..j+3 of the output transform: when they share an image and a tile row and their 2 x 8 output
// cells lie inside the plane (the second row only where it exists), each output row is one interleaving
// store of the tiles' left and right cells; otherwise the scalar transform writes them.
void output_neon(const WinoProblem &p, const float *m, int64_t ldm, int o0, int on, int64_t t0, int nt,
                 const float *bias) {
    const WinoKernels &portable = wino_kernels_scalar();
    const int64_t plane = static_cast<int64_t>(p.hout) * p.wout;
    const int64_t kstride = static_cast<int64_t>(on) * ldm;
    int j = 0;
    while (j < nt) {
        const Tile at = tile(p, t0 + j);
        if (!(j + 4 <= nt && at.tc + 4 <= p.tw && at.c0 + 8 <= p.wout)) {
            // m's columns are tiles: column j of m is tile t0 + j, so shift both by j
            portable.output(p, m + j, ldm, o0, on, t0 + j, 1, bias);
            ++j;
            continue;
        }
        const int rows = at.r0 + 1 < p.hout ? 2 : 1;
        for (int o = 0; o < on; ++o) {
            const float *src = m + o * ldm + j;
            float32x4_t mm[4][4];
            for (int k = 0; k < 16; ++k) mm[k / 4][k % 4] = vld1q_f32(src + k * kstride);
            float32x4_t s[2][4];  // A^T m, A^T = [1 1 1 0; 0 1 -1 -1]
            for (int b = 0; b < 4; ++b) {
                s[0][b] = vaddq_f32(vaddq_f32(mm[0][b], mm[1][b]), mm[2][b]);
                s[1][b] = vsubq_f32(vsubq_f32(mm[1][b], mm[2][b]), mm[3][b]);
            }
            const float32x4_t b0 = vdupq_n_f32(bias != nullptr ? bias[o0 + o] : 0.f);
            float *dst = p.out + at.img * p.out_img + (o0 + o) * plane;
            for (int a = 0; a < rows; ++a) {
                float32x4x2_t cells;
                cells.val[0] = vaddq_f32(vaddq_f32(vaddq_f32(s[a][0], s[a][1]), s[a][2]), b0);
                cells.val[1] = vaddq_f32(vsubq_f32(vsubq_f32(s[a][1], s[a][2]), s[a][3]), b0);
                vst2q_f32(dst + static_cast<int64_t>(at.r0 + a) * p.wout + at.c0, cells);
            }
        }
        j += 4;
    }
}

}  // namespace

const WinoKernels &wino_kernels_neon() {
    static const WinoKernels k = [] {
        WinoKernels t = wino_kernels_scalar();
        t.input = input_neon;
        t.output = output_neon;
        return t;
    }();
    return k;
}

}  // namespace c4j

#else  // not aarch64: never selected (see cpu_has_neon)

namespace c4j {
const WinoKernels &wino_kernels_neon() {
    static const WinoKernels k{nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
    return k;
}
}  // namespace c4j

#endif
