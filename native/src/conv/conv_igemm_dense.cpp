// Which shapes the dense implicit GEMM takes, its weight packing and its task loops (see conv_igemm_dense.h).
// Kept out of the ISA files: this runs on every CPU, before anything knows the ISA.
#include "conv/conv_igemm_dense.h"

#include <algorithm>
#include <cstring>

#include "conv/conv_implicit.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"
#include "runtime/cpu_features.h"

namespace c4j {

int64_t igemm_dense_packed(const ConvGeo &g) { return ceil_div(g.cout, kDenseMr) * kDenseMr * g.kg; }

namespace {

// Panels [pn0, pn1) of the packing: entry r of panel pn's output channel k (r = input channel x taps + tap) is
// src(pn * kDenseMr + k, r), 0 past the last channel. Written in order, read as kDenseMr streams. Returns whether
// every weight copied is finite (infinite and NaN floats have every exponent bit set).
template <class Src>
bool pack_panels(const ConvGeo &g, int64_t pn0, int64_t pn1, float *wpk, Src src) {
    uint32_t non_finite = 0;
    for (int64_t pn = pn0; pn < pn1; ++pn) {
        float *dst = wpk + pn * kDenseMr * g.kg;
        const int kr = static_cast<int>(std::min<int64_t>(kDenseMr, g.cout - pn * kDenseMr));
        for (int64_t r = 0; r < g.kg; ++r, dst += kDenseMr)
            for (int k = 0; k < kDenseMr; ++k) {
                const float v = k < kr ? src(pn * kDenseMr + k, r) : 0.f;
                uint32_t bits;
                std::memcpy(&bits, &v, sizeof bits);
                non_finite |= static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
                dst[k] = v;
            }
    }
    return non_finite == 0;
}

}  // namespace

bool igemm_dense_pack(const ConvGeo &g, const float *w, float *wpk, int64_t pn0, int64_t pn1) {
    return pack_panels(g, pn0, pn1, wpk, [&](int64_t co, int64_t r) { return w[co * g.kg + r]; });
}

bool igemm_dense_pack_flipped(const ConvGeo &g, const float *w, float *wpk, int64_t pn0, int64_t pn1) {
    // the transposed geometry's output channel is g's input channel ci, its input channel g's output channel co,
    // its tap the mirrored one (conv_implicit_flip_filters without the intermediate copy)
    const ConvGeo t = conv_implicit_transposed(g);
    const int64_t khkw = g.khkw;
    return pack_panels(t, pn0, pn1, wpk, [&](int64_t ci, int64_t r) {
        const int64_t co = r / khkw, tap = r - co * khkw;
        return w[co * g.kg + ci * khkw + (khkw - 1 - tap)];
    });
}

int64_t igemm_dense_workspace(const ConvGeo &g, int64_t rows) {
    const int64_t in_rows = std::min<int64_t>(g.h, (rows - 1) * g.sh + static_cast<int64_t>(g.kh - 1) * g.dh + 1);
    return static_cast<int64_t>(g.cin) * std::max<int64_t>(1, in_rows) * g.sw * igemm_dense_mlen(g);
}

bool igemm_dense_fits(const ConvGeo &g) {
    return g.groups == 1 && g.khkw > 1 && g.khkw <= kDenseMaxTaps && g.kw <= kDenseMaxTaps &&
           igemm_dense_packed(g) <= (int64_t(1) << 26);
}

namespace {

// Fraction of (output position, tap) pairs of one axis whose input index lies inside the image: the taps an
// implicit GEMM computes, where im2col + sgemm multiplies every tap (padding included).
double valid_fraction(int64_t out, int k, int s, int pad, int d, int in) {
    int64_t valid = 0;
    for (int b = 0; b < k; ++b) {
        const int64_t o = static_cast<int64_t>(b) * d - pad;  // input index of output 0's tap b
        // outputs j with 0 <= j * s + o < in
        const int64_t lo = o >= 0 ? 0 : (-o + s - 1) / s;
        const int64_t hi = in - o <= 0 ? 0 : std::min<int64_t>(out, (in - o + s - 1) / s);
        valid += std::max<int64_t>(0, hi - lo);
    }
    return static_cast<double>(valid) / (static_cast<double>(out) * k);
}

}  // namespace

bool igemm_dense_pays(const ConvGeo &g) {
    // the sum must be deep and the panels many for the register block to pay
    if (!igemm_dense_fits(g) || g.cin < 32 || g.cout < 32 || g.sh > 2 || g.sw > 2 || g.wout < 14) return false;
    // with few output channels and stride 1, im2col's copy (9 floats per input float for 3x3) and sgemm's packing
    // of it cost as much as the GEMM; with many channels, or stride 2 (its 28- and 14-wide outputs fill 16-column
    // strips only partly), OpenBLAS's GEMM on its packed blocks runs as fast as this kernel, so it is chosen only
    // where it computes clearly fewer FMAs: the taps it skips (padding, dilation) against the lanes it wastes at
    // the end of each row (16-column strips of the AVX2 body)
    if (g.cout <= 128 && g.sh == 1 && g.sw == 1) return true;
    const double used = static_cast<double>(g.wout) / (16.0 * static_cast<double>(ceil_div(g.wout, 16)));
    const double valid = valid_fraction(g.hout, g.kh, g.sh, g.pt, g.dh, g.h) *
                         valid_fraction(g.wout, g.kw, g.sw, g.pl, g.dw, g.w);
    return valid < 0.75 * used;
}

bool igemm_dense_avx2_active(const ConvGeo &g) {
    return igemm_dense_fits(g) && igemm_dense_avx2() != nullptr && cpu_use_avx2_fma();
}

bool igemm_dense_avx512_active(const ConvGeo &g) {
    return igemm_dense_fits(g) && igemm_dense_avx512() != nullptr && cpu_use_avx512();
}

namespace {

// One axis of a stride phase of backward data: dx indices p, p + s, p + 2s, ... (count of them) receive dy
// through the taps a0, a0 + s, ... (k_sub of them), a stride-1 correlation of dy with those taps mirrored and
// padded by lo before dy's first index and hi after its last.
struct PhaseAxis {
    int a0, k_sub, count, lo, hi;
};

// dx index Y = U * s + p gets dy[i] * w[a] for Y = i * s - pad + a: a = a0 + m * s with a0 = (p + pad) mod s and
// i = U + q - m, q = (p + pad) / s; mirrored (m' = k_sub - 1 - m) that is dy[U - lo + m'] with lo = k_sub - 1 - q.
// False when a padding comes out negative (the correlation would start inside dy).
bool phase_axis(int in, int out, int k, int s, int pad, int p, PhaseAxis &ax) {
    ax.a0 = (p + pad) % s;
    ax.k_sub = ax.a0 < k ? (k - ax.a0 + s - 1) / s : 0;
    ax.count = p < in ? (in - p + s - 1) / s : 0;
    ax.lo = ax.k_sub - 1 - (p + pad) / s;
    ax.hi = ax.count - 1 + ax.k_sub - ax.lo - out;
    return ax.k_sub >= 1 && ax.count >= 1 && ax.lo >= 0 && ax.hi >= 0;
}

// The forward geometry of phase (py, px): dy in, the phase's dx plane out, channel axes swapped, stride 1.
bool phase_geometry(const ConvGeo &g, int py, int px, ConvGeo &t, PhaseAxis &ay, PhaseAxis &ax) {
    if (!phase_axis(g.h, g.hout, g.kh, g.sh, g.pt, py, ay) || !phase_axis(g.w, g.wout, g.kw, g.sw, g.pl, px, ax))
        return false;
    t = g;
    t.cin = t.cig = g.cout;
    t.cout = t.cog = g.cin;
    t.h = g.hout;
    t.w = g.wout;
    t.kh = ay.k_sub;
    t.kw = ax.k_sub;
    t.sh = t.sw = t.dh = t.dw = 1;
    t.pt = ay.lo;
    t.pb = ay.hi;
    t.pl = ax.lo;
    t.pr = ax.hi;
    t.hout = ay.count;
    t.wout = ax.count;
    derive_sizes(t);
    return true;
}

// Strided backward data as sh x sw stride-1 phase correlations: undilated, every phase reached by a tap.
bool phases_fit(const ConvGeo &g) {
    if (g.groups != 1 || g.dh != 1 || g.dw != 1 || g.sh > g.kh || g.sw > g.kw || g.sh * g.sw > 16) return false;
    if (!igemm_dense_fits(g)) return false;
    for (int py = 0; py < g.sh; ++py)
        for (int px = 0; px < g.sw; ++px) {
            ConvGeo t;
            PhaseAxis ay, ax;
            if (!phase_geometry(g, py, px, t, ay, ax)) return false;
        }
    return true;
}

}  // namespace

bool igemm_dense_bwd_data_fits(const ConvGeo &g) {
    if (g.groups != 1) return false;
    if (g.sh != 1 || g.sw != 1) return phases_fit(g);
    // stride 1: padding within the filter's reach, so the transposed padding is not negative
    if (g.pt > (g.kh - 1) * g.dh || g.pb > (g.kh - 1) * g.dh || g.pl > (g.kw - 1) * g.dw || g.pr > (g.kw - 1) * g.dw)
        return false;
    return igemm_dense_fits(conv_implicit_transposed(g));
}

bool igemm_dense_bwd_data_pays(const ConvGeo &g) {
    // im2col's backward data writes a column matrix kh * kw times dx's size (sgemm) and adds it back (col2im);
    // reading dy in place pays at any channel count, wherever the sum is deep and the rows fill the strips. Strided
    // layers keep im2col: their column matrix is only kh * kw / (sh * sw) times dx, and the phase correlations
    // (narrower rows, dy copied once per phase, 1x1 and 1x2 sub-filters) measured no faster on 3x3 stride 2
    if (g.sh != 1 || g.sw != 1 || !igemm_dense_bwd_data_fits(g)) return false;
    return g.cin >= 32 && g.cout >= 32 && g.w >= 14;
}

bool igemm_dense_bwd_data_avx2_active(const ConvGeo &g) {
    return igemm_dense_bwd_data_fits(g) && igemm_dense_avx2() != nullptr && cpu_use_avx2_fma();
}

bool igemm_dense_bwd_data_avx512_active(const ConvGeo &g) {
    return igemm_dense_bwd_data_fits(g) && igemm_dense_avx512() != nullptr && cpu_use_avx512();
}

IgemmDenseSplit igemm_dense_split(const ConvGeo &g, int parts) {
    parts = std::max(parts, 1);
    IgemmDenseSplit sp;
    // every task packs the weights of its output channels and copies its input rows: where the weights outnumber
    // the input (deep layers on small images), each thread takes a share of the output channels over all rows
    // instead of every thread packing all of them
    const int64_t panels = ceil_div(g.cout, kDenseMr);
    const int64_t weights = static_cast<int64_t>(g.cout) * g.kg;
    const int64_t input = static_cast<int64_t>(g.n) * g.cin * g.h * g.w;
    if (parts > 1 && weights > input && panels >= 2 * parts) {
        sp.co_blocks = parts;
        sp.rows_per_task = g.hout;
        return sp;
    }
    // otherwise (image, block of rows): tasks are cut into `parts` contiguous runs, one per thread, so take the
    // fewest blocks per image (each task copies its input rows plus the filter's reach) whose runs hold about the
    // same number of rows (7 tasks of 4 rows on 2 threads left one thread a third more work than the other)
    const int64_t n = g.n, rows = g.hout;
    const double ideal = static_cast<double>(n) * static_cast<double>(rows) / parts;
    int64_t best = rows;
    double best_load = -1;
    for (int64_t b = 1; b <= rows; ++b) {
        const int64_t rpt = ceil_div(rows, b);
        if (b > 1 && rpt == ceil_div(rows, b - 1)) continue;  // the same cut as b - 1
        const int64_t blocks = ceil_div(rows, rpt), tasks = n * blocks;
        int64_t most = 0;  // rows of the busiest run
        for (int p = 0; p < parts; ++p) {
            int64_t sum = 0;
            for (int64_t t = tasks * p / parts; t < tasks * (p + 1) / parts; ++t)
                sum += std::min(rpt, rows - (t % blocks) * rpt);
            most = std::max(most, sum);
        }
        const double load = static_cast<double>(most);
        if (best_load < 0 || load < best_load) best = rpt, best_load = load;
        if (load <= 1.05 * ideal) break;
    }
    sp.rows_per_task = best;
    return sp;
}

int64_t igemm_dense_tasks(const ConvGeo &g, const IgemmDenseSplit &sp) {
    return sp.co_blocks * g.n * ceil_div(g.hout, sp.rows_per_task);
}

IgemmDenseSplit igemm_dense_phase_split(const ConvGeo &g, int parts) {
    // tasks are (dx-channel block, image), every phase and row of it: split the channels where the weights
    // outnumber dy or the images are too few to share out
    parts = std::max(parts, 1);
    IgemmDenseSplit sp;
    sp.rows_per_task = g.hout;
    const int64_t weights = static_cast<int64_t>(g.cout) * g.kg, dy = static_cast<int64_t>(g.n) * g.cout * g.hw;
    // (each task copies its image's dy once per phase)
    if (parts > 1 && ceil_div(g.cin, kDenseMr) >= 2 * parts && (weights > g.sh * g.sw * dy || g.n < 2 * parts))
        sp.co_blocks = parts;
    return sp;
}

namespace {

// Tasks [t0, t1) of g: (output-channel block, image, block of rows), the channel block outermost so that a
// thread's contiguous run packs the panels of one or two blocks, each once.
template <class Pack>
int run_tasks(const ConvGeo &g, IgemmDenseFn fn, const IgemmDenseSplit &sp, const float *x, const float *bias,
              float *y, int64_t t0, int64_t t1, Pack pack) {
    if (t1 <= t0) return C4J_OK;
    FloatBuffer wpk(igemm_dense_packed(g));
    FloatBuffer ws(igemm_dense_workspace(g, sp.rows_per_task));
    if (!wpk.ok() || !ws.ok()) return C4J_ERR_OUT_OF_MEMORY;
    const int64_t panels = ceil_div(g.cout, kDenseMr);
    const int64_t blocks = ceil_div(g.hout, sp.rows_per_task), per_block = g.n * blocks;
    int64_t packed = -1;
    bool finite = true;
    for (int64_t t = t0; t < t1; ++t) {
        const int64_t cb = t / per_block, rest = t % per_block;
        const int64_t pn0 = panels * cb / sp.co_blocks, pn1 = panels * (cb + 1) / sp.co_blocks;
        if (cb != packed) finite = pack(pn0, pn1, wpk.get()), packed = cb;
        const int i0 = static_cast<int>((rest % blocks) * sp.rows_per_task);
        const int i1 = static_cast<int>(std::min<int64_t>(g.hout, i0 + sp.rows_per_task));
        fn(g, x, wpk.get(), finite, bias, y, rest / blocks, i0, i1, static_cast<int>(pn0), static_cast<int>(pn1),
           ws.get());
    }
    return C4J_OK;
}

}  // namespace

int igemm_dense_forward_tasks(const ConvGeo &g, IgemmDenseFn fn, const IgemmDenseSplit &sp, const float *x,
                              const float *w, const float *bias, float *y, int64_t t0, int64_t t1) {
    return run_tasks(g, fn, sp, x, bias, y, t0, t1,
                     [&](int64_t pn0, int64_t pn1, float *wpk) { return igemm_dense_pack(g, w, wpk, pn0, pn1); });
}

namespace {

// Strided backward data, tasks [t0, t1) of (dx-channel block, image): per phase, the stride-1 correlation of the
// image's dy with the phase's mirrored taps into a phase plane, then its rows spread into dx (every dx element
// belongs to exactly one phase, so dx is written once, never accumulated).
int phase_tasks(const ConvGeo &g, IgemmDenseFn fn, const IgemmDenseSplit &sp, const float *dy, const float *w,
                float *dx, int64_t t0, int64_t t1) {
    if (t1 <= t0) return C4J_OK;
    const int nph = g.sh * g.sw;
    ConvGeo t[16];
    PhaseAxis ay[16], ax[16];
    int64_t packed_total = 0, ws_max = 0, plane_max = 0, offs[16];
    for (int ph = 0; ph < nph; ++ph) {
        if (!phase_geometry(g, ph / g.sw, ph % g.sw, t[ph], ay[ph], ax[ph])) return C4J_ERR_BAD_DESCRIPTOR;
        offs[ph] = packed_total;
        packed_total += igemm_dense_packed(t[ph]);
        ws_max = std::max(ws_max, igemm_dense_workspace(t[ph], t[ph].hout));
        plane_max = std::max(plane_max, static_cast<int64_t>(g.cin) * t[ph].hw);
    }
    FloatBuffer wpk(packed_total), ws(ws_max), plane(plane_max);
    if (!wpk.ok() || !ws.ok() || !plane.ok()) return C4J_ERR_OUT_OF_MEMORY;
    const int64_t panels = ceil_div(g.cin, kDenseMr), khkw = g.khkw;
    int64_t packed = -1;
    bool finite[16];
    for (int64_t task = t0; task < t1; ++task) {
        const int64_t cb = task / g.n, img = task % g.n;
        const int64_t pn0 = panels * cb / sp.co_blocks, pn1 = panels * (cb + 1) / sp.co_blocks;
        if (cb != packed) {
            for (int ph = 0; ph < nph; ++ph) {
                const int64_t kb = t[ph].kw, taps = t[ph].khkw;
                const PhaseAxis &vy = ay[ph], &vx = ax[ph];
                // entry r of dx channel ci: dy channel co = r / taps, mirrored sub-tap (m', n') of the phase
                finite[ph] = pack_panels(t[ph], pn0, pn1, wpk.get() + offs[ph], [&](int64_t ci, int64_t r) {
                    const int64_t co = r / taps, m = (r % taps) / kb, n = r % kb;
                    const int64_t a = vy.a0 + (vy.k_sub - 1 - m) * g.sh, b = vx.a0 + (vx.k_sub - 1 - n) * g.sw;
                    return w[co * g.kg + ci * khkw + a * g.kw + b];
                });
            }
            packed = cb;
        }
        const int64_t c0 = pn0 * kDenseMr, c1 = std::min<int64_t>(g.cin, pn1 * kDenseMr);
        for (int ph = 0; ph < nph; ++ph) {
            const ConvGeo &tp = t[ph];
            fn(tp, dy + img * g.cout * g.hw, wpk.get() + offs[ph], finite[ph], nullptr, plane.get(), 0, 0, tp.hout,
               static_cast<int>(pn0), static_cast<int>(pn1), ws.get());
            const int py = ph / g.sw, px = ph % g.sw;
            for (int64_t ci = c0; ci < c1; ++ci) {
                const float *src = plane.get() + ci * tp.hw;
                float *dst = dx + (img * g.cin + ci) * g.in_plane;
                for (int u = 0; u < tp.hout; ++u) {
                    float *drow = dst + (static_cast<int64_t>(u) * g.sh + py) * g.w + px;
                    const float *srow = src + static_cast<int64_t>(u) * tp.wout;
                    for (int v = 0; v < tp.wout; ++v) drow[static_cast<int64_t>(v) * g.sw] = srow[v];
                }
            }
        }
    }
    return C4J_OK;
}

}  // namespace

int igemm_dense_backward_data_tasks(const ConvGeo &g, IgemmDenseFn fn, const IgemmDenseSplit &sp, const float *dy,
                                    const float *w, float *dx, int64_t t0, int64_t t1) {
    if (g.sh != 1 || g.sw != 1) return phase_tasks(g, fn, sp, dy, w, dx, t0, t1);
    const auto pack = [&](int64_t pn0, int64_t pn1, float *wpk) {
        return igemm_dense_pack_flipped(g, w, wpk, pn0, pn1);
    };
    return run_tasks(conv_implicit_transposed(g), fn, sp, dy, nullptr, dx, t0, t1, pack);
}

}  // namespace c4j
