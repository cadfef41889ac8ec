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

bool igemm_dense_bwd_data_fits(const ConvGeo &g) {
    // stride 1 only (otherwise dx is not a plain correlation of dy); padding within the filter's reach, so the
    // transposed padding is not negative
    if (g.groups != 1 || g.sh != 1 || g.sw != 1) return false;
    if (g.pt > (g.kh - 1) * g.dh || g.pb > (g.kh - 1) * g.dh || g.pl > (g.kw - 1) * g.dw || g.pr > (g.kw - 1) * g.dw)
        return false;
    return igemm_dense_fits(conv_implicit_transposed(g));
}

bool igemm_dense_bwd_data_pays(const ConvGeo &g) {
    if (!igemm_dense_bwd_data_fits(g)) return false;
    // im2col's backward data writes a column matrix kh * kw times dx's size (sgemm) and adds it back (col2im);
    // reading dy in place pays at any channel count, wherever the sum is deep and the rows fill the strips
    const ConvGeo t = conv_implicit_transposed(g);
    return t.cin >= 32 && t.cout >= 32 && t.wout >= 14;
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
        sp.cout_blocks = parts;
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
    return sp.cout_blocks * g.n * ceil_div(g.hout, sp.rows_per_task);
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
        const int64_t pn0 = panels * cb / sp.cout_blocks, pn1 = panels * (cb + 1) / sp.cout_blocks;
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

int igemm_dense_backward_data_tasks(const ConvGeo &g, IgemmDenseFn fn, const IgemmDenseSplit &sp, const float *dy,
                                    const float *w, float *dx, int64_t t0, int64_t t1) {
    return run_tasks(conv_implicit_transposed(g), fn, sp, dy, nullptr, dx, t0, t1, [&](int64_t pn0, int64_t pn1, float *wpk) {
        return igemm_dense_pack_flipped(g, w, wpk, pn0, pn1);
    });
}

}  // namespace c4j
