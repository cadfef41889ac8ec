// The grouped implicit GEMM's drivers (see conv_igemm_grouped.h): which shapes it takes, the phase planes, the
// weight packing, the per-(image, group) and per-group tasks, and the exact fallback for non-finite operands.
#include "conv/conv_igemm_grouped.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "conv/conv_direct.h"
#include "conv/conv_plan.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/buffer.h"

namespace c4j {
namespace {

constexpr int64_t kMax = int64_t(1) << 24;
// Floats of zeros after each channel's phase planes: the widest chunk (3 AVX-512 vectors) of the last pixels
// reads up to 47 floats past the last real one.
constexpr int64_t kSlack = 64;

// The widest vector any flavour uses: the shapes each entry applies to do not depend on the flavour.
constexpr int kWidest = 16;

// Sizes derived from a geometry for vectors of `width` floats.
struct IgSizes {
    int64_t rows, cols;  // one phase plane
    int64_t plane;       // rows * cols
    int64_t phases;      // sh * sw
    int64_t cstride;     // floats per input channel: all phase planes and the slack
    int64_t fpad;        // hout * cols rounded up to the chunk (kIgNr vectors)
    int blocks;          // blocks of kIgMr output channels
};

// False where a workspace would pass 16 Mi floats or the padded copy would not be affordable; computed in
// int64 without overflow for any valid geometry (sides below 2^31).
bool sizes(const ConvGeo &g, int width, IgSizes &s) {
    s.rows = g.hout + (static_cast<int64_t>(g.kh) - 1) * g.dh / g.sh;
    s.cols = g.wout + (static_cast<int64_t>(g.kw) - 1) * g.dw / g.sw;
    s.phases = static_cast<int64_t>(g.sh) * g.sw;
    if (s.rows > kMax || s.cols > kMax || s.phases > kMax) return false;
    s.plane = s.rows * s.cols;
    if (s.plane > kMax || s.plane > kMax / s.phases) return false;
    s.cstride = s.phases * s.plane + kSlack;
    if (s.cstride > kMax / g.cig || !padded_copy_affordable(g, g.cig * s.cstride)) return false;
    const int64_t chunk = static_cast<int64_t>(kIgNr) * width;
    s.fpad = ceil_div(g.hout * s.cols, chunk) * chunk;
    s.blocks = static_cast<int>(ceil_div(g.cog, kIgMr));
    const int64_t rows_out = static_cast<int64_t>(s.blocks) * kIgMr;
    return s.fpad <= kMax / rows_out && g.kg <= kMax / rows_out;
}

// The forward micro-kernel for f flattened pixels and its padded length: chunks of kIgNr vectors, or of 2 where
// that computes fewer lanes (7-wide rows: 63 pixels are 72 lanes in chunks of 24, 64 in chunks of 16).
struct FwdChoice {
    void (*fn)(const IgFwdArgs &a);
    int64_t fpad;
};
FwdChoice forward_for(const IgemmGroupedKernels &k, int64_t f) {
    const int64_t c3 = static_cast<int64_t>(kIgNr) * k.width, c2 = 2 * static_cast<int64_t>(k.width);
    const int64_t p3 = ceil_div(f, c3) * c3, p2 = ceil_div(f, c2) * c2;
    return p2 < p3 ? FwdChoice{k.forward2, p2} : FwdChoice{k.forward, p3};
}

// Copies input plane xp [h x w] into the phase planes of one channel (s.cstride floats), zeros elsewhere.
void fill_planes(const IgemmGroupedKernels &k, const ConvGeo &g, const IgSizes &s, const float *xp, float *dst) {
    std::memset(dst, 0, sizeof(float) * static_cast<size_t>(s.cstride));
    for (int pr = 0; pr < g.sh; ++pr) {
        // phase rows r holding input rows r * sh + pr - pt in [0, h)
        const int64_t r0 = std::max<int64_t>(0, ceil_div(static_cast<int64_t>(g.pt) - pr, g.sh));
        const int64_t r1 = std::min<int64_t>(s.rows, ceil_div(static_cast<int64_t>(g.h) + g.pt - pr, g.sh));
        for (int pc = 0; pc < g.sw; ++pc) {
            const int64_t m0 = std::max<int64_t>(0, ceil_div(static_cast<int64_t>(g.pl) - pc, g.sw));
            const int64_t m1 = std::min<int64_t>(s.cols, ceil_div(static_cast<int64_t>(g.w) + g.pl - pc, g.sw));
            if (m1 <= m0) continue;
            float *pp = dst + (static_cast<int64_t>(pr) * g.sw + pc) * s.plane;
            for (int64_t r = r0; r < r1; ++r) {
                const float *src = xp + (r * g.sh + pr - g.pt) * g.w + pc - g.pl;  // + m * sw: input column
                float *row = pp + r * s.cols;
                if (g.sw == 1) {
                    std::memcpy(row + m0, src + m0, sizeof(float) * static_cast<size_t>(m1 - m0));
                } else if (g.sw == 2) {
                    k.gather2(src + 2 * m0, row + m0, m1 - m0);
                } else {
                    for (int64_t m = m0; m < m1; ++m) row[m] = src[m * g.sw];
                }
            }
        }
    }
}

void tap_offsets(const ConvGeo &g, const IgSizes &s, std::vector<int64_t> &taps) {
    for (int a = 0; a < g.kh; ++a)
        for (int b = 0; b < g.kw; ++b) {
            const int64_t v = static_cast<int64_t>(a) * g.dh, u = static_cast<int64_t>(b) * g.dw;
            taps[static_cast<size_t>(a * g.kw + b)] =
                ((v % g.sh) * g.sw + u % g.sw) * s.plane + (v / g.sh) * s.cols + u / g.sw;
        }
}

// Whether every value is finite: exponent bits not all ones (an integer test the compiler vectorises).
bool all_finite(const float *p, int64_t count) {
    uint32_t bad = 0;
    for (int64_t i = 0; i < count; ++i) {
        uint32_t u;
        std::memcpy(&u, p + i, sizeof u);
        bad |= static_cast<uint32_t>((u & 0x7f800000u) == 0x7f800000u);
    }
    return bad == 0;
}

// Workspaces of one run (one thread's task range).
struct Work {
    FloatBuffer planes, wpk, ybuf, bias;
    std::vector<int64_t> taps;
    Work(const ConvGeo &g, const IgSizes &s, int64_t ybuf_floats)
        : planes(g.cig * s.cstride), wpk(static_cast<int64_t>(s.blocks) * kIgMr * g.kg), ybuf(ybuf_floats),
          bias(static_cast<int64_t>(s.blocks) * kIgMr) {}
    bool ok(const ConvGeo &g) {
        if (!planes.ok() || !wpk.ok() || !ybuf.ok() || !bias.ok()) return false;
        try {
            taps.resize(static_cast<size_t>(g.khkw));
        } catch (...) {
            return false;
        }
        return true;
    }
};

// Packs group grp's weights [block][c][tap][kIgMr] and bias into work; false where a weight is not finite.
bool pack_forward(const ConvGeo &g, const IgSizes &s, Work &work, const float *w, const float *bias, int64_t grp) {
    const float *wg = w + grp * g.cog * g.kg;
    float *dst = work.wpk.get();
    // kIgMr filters side by side, each read in order: contiguous stores the compiler turns into transposes
    for (int b = 0; b < s.blocks; ++b) {
        const float *src[kIgMr];
        for (int q = 0; q < kIgMr; ++q) {
            const int o = b * kIgMr + q;
            src[q] = o < g.cog ? wg + static_cast<int64_t>(o) * g.kg : nullptr;
        }
        if (b * kIgMr + kIgMr <= g.cog) {
            for (int64_t r = 0; r < g.kg; ++r, dst += kIgMr)
                for (int q = 0; q < kIgMr; ++q) dst[q] = src[q][r];
        } else {  // the last, partial block: zeros for the missing filters
            for (int64_t r = 0; r < g.kg; ++r, dst += kIgMr)
                for (int q = 0; q < kIgMr; ++q) dst[q] = src[q] != nullptr ? src[q][r] : 0.f;
        }
    }
    for (int o = 0; o < s.blocks * kIgMr; ++o)
        work.bias.get()[o] = bias != nullptr && o < g.cog ? bias[grp * g.cog + o] : 0.f;
    return all_finite(wg, g.cog * g.kg);
}

// One (image, group) with the group's weights packed: xg is the group's first input plane, yg its first output
// plane.
void forward_image(const IgemmGroupedKernels &k, const ConvGeo &g, const IgSizes &s, Work &work, const float *xg,
                   float *yg) {
    for (int c = 0; c < g.cig; ++c) fill_planes(k, g, s, xg + c * g.in_plane, work.planes.get() + c * s.cstride);
    const FwdChoice fc = forward_for(k, g.hout * s.cols);  // fc.fpad <= s.fpad, the buffer's
    IgFwdArgs a{work.planes.get(), s.cstride, work.taps.data(), g.khkw, g.cig, work.wpk.get(),
                s.blocks,          work.bias.get(), work.ybuf.get(), fc.fpad};
    fc.fn(a);
    for (int o = 0; o < g.cog; ++o)
        for (int64_t i = 0; i < g.hout; ++i)
            std::memcpy(yg + o * g.hw + i * g.wout, work.ybuf.get() + o * fc.fpad + i * s.cols,
                        sizeof(float) * static_cast<size_t>(g.wout));
}

// Backward data, per dx phase (rh, rw) (rows ih = qh * sh + rh, columns iw = qw * sw + rw): the taps a with
// rh + pt - a * dh divisible by sh reach dy row qh + (rh + pt - a * dh) / sh, so each phase is a unit-stride
// correlation of dy with a sub-filter at fixed offsets, run by the forward micro-kernel on a zero-padded copy of
// dy whose row pitch is the flattened pitch. Strides up to kMaxDataStride (the phases are enumerated).
constexpr int kMaxDataStride = 8;

// One axis: for phase r, the tap indices and their dy offsets; [lo, hi) the dy indices any phase reads.
struct DataAxis {
    std::vector<std::vector<int>> taps;  // per phase
    std::vector<std::vector<int64_t>> offs;
    std::vector<int64_t> count;          // dx indices of the phase
    int64_t lo = 0, hi = 0;
};

// False where the axis cannot be laid out within 16 Mi floats.
bool data_axis(int64_t nin, int64_t nout, int k, int d, int s, int64_t p, DataAxis &ax) {
    ax.lo = 0;
    ax.hi = nout;
    try {
        ax.taps.assign(static_cast<size_t>(s), {});
        ax.offs.assign(static_cast<size_t>(s), {});
        ax.count.assign(static_cast<size_t>(s), 0);
    } catch (...) {
        return false;
    }
    for (int r = 0; r < s; ++r) {
        const int64_t q = r < nin ? ceil_div(nin - r, s) : 0;
        ax.count[static_cast<size_t>(r)] = q;
        for (int a = 0; a < k; ++a) {
            const int64_t v = r + p - static_cast<int64_t>(a) * d;
            if (((v % s) + s) % s != 0) continue;
            const int64_t o = v / s;  // exact
            ax.taps[static_cast<size_t>(r)].push_back(a);
            ax.offs[static_cast<size_t>(r)].push_back(o);
            ax.lo = std::min(ax.lo, o);
            if (q > 0) ax.hi = std::max(ax.hi, q + o);
            if (ax.hi - ax.lo > kMax) return false;
        }
    }
    return ax.hi - ax.lo <= kMax;
}

struct DataLayout {
    DataAxis rows, cols;
    int64_t pitch, plane, cstride, fpad;  // fpad: the largest phase's, for the widest vectors
    int blocks;                           // blocks of kIgMr dx channels
};

bool data_layout(const ConvGeo &g, int width, DataLayout &l) {
    if (g.sh > kMaxDataStride || g.sw > kMaxDataStride) return false;
    if (!data_axis(g.h, g.hout, g.kh, g.dh, g.sh, g.pt, l.rows) || !data_axis(g.w, g.wout, g.kw, g.dw, g.sw, g.pl, l.cols))
        return false;
    l.pitch = l.cols.hi - l.cols.lo;
    const int64_t nrows = l.rows.hi - l.rows.lo;
    if (nrows * l.pitch > kMax) return false;
    l.plane = nrows * l.pitch;
    // past the plane: the dropped columns of the last row and the last chunk's extra lanes
    l.cstride = l.plane + l.pitch + kSlack;
    if (l.cstride > kMax / g.cog || !padded_copy_affordable(g, g.cog * l.cstride)) return false;
    const int64_t chunk = static_cast<int64_t>(kIgNr) * width;
    l.fpad = ceil_div(l.rows.count[0] * l.pitch, chunk) * chunk;
    l.blocks = static_cast<int>(ceil_div(g.cig, kIgMr));
    const int64_t rows_out = static_cast<int64_t>(l.blocks) * kIgMr;
    return l.fpad <= kMax / rows_out && static_cast<int64_t>(g.cog) * g.khkw <= kMax / rows_out;
}

}  // namespace

bool igemm_grouped_fits_forward(const ConvGeo &g) {
    IgSizes s;
    return g.groups > 1 && !g.pointwise() && sizes(g, kWidest, s);
}

bool igemm_grouped_fits_backward_data(const ConvGeo &g) {
    DataLayout l;
    return g.groups > 1 && !g.pointwise() && data_layout(g, kWidest, l);
}

bool igemm_grouped_fits_backward_weights(const ConvGeo &g) { return igemm_grouped_fits_forward(g); }

bool igemm_grouped_pays(const ConvGeo &g) {
    return g.groups > 1 && !use_direct(g) && g.cig <= 64 && g.cog <= 64;
}

int igemm_grouped_forward(const IgemmGroupedKernels &k, const ConvGeo &g, const float *x, const float *w,
                          const float *bias, float *y, int64_t t0, int64_t t1) {
    IgSizes s;
    if (!sizes(g, k.width, s)) return C4J_ERR_BAD_DESCRIPTOR;
    Work work(g, s, static_cast<int64_t>(s.blocks) * kIgMr * s.fpad);
    if (!work.ok(g)) return C4J_ERR_OUT_OF_MEMORY;
    tap_offsets(g, s, work.taps);
    int64_t packed = -1;  // the group whose weights work holds
    bool finite = false;
    for (int64_t t = t0; t < t1; ++t) {
        const int64_t grp = t / g.n, img = t % g.n;
        if (grp != packed) {
            finite = pack_forward(g, s, work, w, bias, grp);
            packed = grp;
        }
        const int64_t oc = grp * g.cog;
        if (finite) {
            forward_image(k, g, s, work, x + (img * g.cin + grp * g.cig) * g.in_plane, y + (img * g.cout + oc) * g.hw);
        } else {  // the padding's zeros would meet a non-finite weight: the loops that skip padded taps
            for (int o = 0; o < g.cog; ++o) direct_forward_plane(g, x, w, bias, y, img * g.cout + oc + o);
        }
    }
    return C4J_OK;
}

int igemm_grouped_backward_data(const IgemmGroupedKernels &k, const ConvGeo &g, const float *dy, const float *w,
                                float *dx, int64_t t0, int64_t t1) {
    DataLayout l;
    if (!data_layout(g, k.width, l)) return C4J_ERR_BAD_DESCRIPTOR;
    const int64_t rows_out = static_cast<int64_t>(l.blocks) * kIgMr;
    // every tap belongs to exactly one phase (rh, rw): the phases' packed weights together are one filter's size
    FloatBuffer planes(g.cog * l.cstride), wpk(rows_out * g.cog * g.khkw), ybuf(rows_out * l.fpad), zeros(rows_out);
    const int phases = g.sh * g.sw;
    std::vector<int64_t> taps, first;  // offsets of all phases' taps; per phase, its first tap's index
    try {
        taps.resize(static_cast<size_t>(g.khkw));
        first.resize(static_cast<size_t>(phases) + 1);
    } catch (...) {
        return C4J_ERR_OUT_OF_MEMORY;
    }
    if (!planes.ok() || !wpk.ok() || !ybuf.ok() || !zeros.ok()) return C4J_ERR_OUT_OF_MEMORY;
    std::fill(zeros.get(), zeros.get() + rows_out, 0.f);
    int64_t nt = 0;
    for (int ph = 0; ph < phases; ++ph) {
        first[static_cast<size_t>(ph)] = nt;
        const size_t rh = static_cast<size_t>(ph / g.sw), rw = static_cast<size_t>(ph % g.sw);
        for (int64_t oa : l.rows.offs[rh])
            for (int64_t ob : l.cols.offs[rw]) taps[static_cast<size_t>(nt++)] = (oa - l.rows.lo) * l.pitch + ob - l.cols.lo;
    }
    first[static_cast<size_t>(phases)] = nt;
    int64_t packed = -1;  // the group whose weights wpk holds
    bool finite = false;
    for (int64_t t = t0; t < t1; ++t) {
        const int64_t grp = t / g.n, img = t % g.n;
        const int64_t ic = grp * g.cig, oc = grp * g.cog;
        if (grp != packed) {
            // per phase [block of dx channels][dy channel][tap][kIgMr]
            const float *wg = w + oc * g.kg;  // [co][ci][a][b] of the group
            float *wp = wpk.get();
            for (int ph = 0; ph < phases; ++ph) {
                const auto &ta = l.rows.taps[static_cast<size_t>(ph / g.sw)];
                const auto &tb = l.cols.taps[static_cast<size_t>(ph % g.sw)];
                for (int b = 0; b < l.blocks; ++b)
                    for (int co = 0; co < g.cog; ++co)
                        for (int a : ta)
                            for (int e : tb)
                                for (int q = 0; q < kIgMr; ++q) {
                                    const int ci = b * kIgMr + q;
                                    *wp++ = ci < g.cig ? wg[(static_cast<int64_t>(co) * g.cig + ci) * g.khkw +
                                                            a * g.kw + e]
                                                       : 0.f;
                                }
            }
            // the padding's zeros multiply the weights: they must be finite
            finite = all_finite(wg, g.cog * g.kg);
            packed = grp;
        }
        float *dxg = dx + (img * g.cin + ic) * g.in_plane;
        if (!finite) {
            for (int c = 0; c < g.cig; ++c) direct_backward_data_plane(g, dy, w, dx, img * g.cin + ic + c);
            continue;
        }
        // dy of the group, zero-padded to rows [rows.lo, rows.hi) and columns [cols.lo, cols.hi)
        for (int o = 0; o < g.cog; ++o) {
            float *dst = planes.get() + o * l.cstride;
            std::memset(dst, 0, sizeof(float) * static_cast<size_t>(l.cstride));
            const float *src = dy + (img * g.cout + oc + o) * g.hw;
            for (int64_t i = 0; i < g.hout; ++i)
                std::memcpy(dst + (i - l.rows.lo) * l.pitch - l.cols.lo, src + i * g.wout,
                            sizeof(float) * static_cast<size_t>(g.wout));
        }
        for (int ph = 0; ph < phases; ++ph) {
            const int rh = ph / g.sw, rw = ph % g.sw;
            const int64_t hq = l.rows.count[static_cast<size_t>(rh)], wq = l.cols.count[static_cast<size_t>(rw)];
            if (hq == 0 || wq == 0) continue;
            const int64_t t_first = first[static_cast<size_t>(ph)];
            const int64_t ntaps = first[static_cast<size_t>(ph) + 1] - t_first;
            if (ntaps == 0) {  // no tap reaches this phase: no gradient
                for (int c = 0; c < g.cig; ++c)
                    for (int64_t qh = 0; qh < hq; ++qh)
                        for (int64_t qw = 0; qw < wq; ++qw)
                            dxg[c * g.in_plane + (qh * g.sh + rh) * g.w + qw * g.sw + rw] = 0.f;
                continue;
            }
            const FwdChoice fc = forward_for(k, hq * l.pitch);  // fc.fpad <= l.fpad, the buffer's
            const int64_t fpad = fc.fpad;
            IgFwdArgs a{planes.get(), l.cstride, taps.data() + t_first, ntaps, g.cog, wpk.get() + rows_out * g.cog * t_first,
                        l.blocks, zeros.get(), ybuf.get(), fpad};
            fc.fn(a);
            for (int c = 0; c < g.cig; ++c) {
                const float *yb = ybuf.get() + c * fpad;
                float *dp = dxg + c * g.in_plane + rh * static_cast<int64_t>(g.w) + rw;
                for (int64_t qh = 0; qh < hq; ++qh) {
                    const float *src = yb + qh * l.pitch;
                    float *dst = dp + qh * g.sh * g.w;
                    if (g.sw == 1) {
                        std::memcpy(dst, src, sizeof(float) * static_cast<size_t>(wq));
                    } else {
                        for (int64_t qw = 0; qw < wq; ++qw) dst[qw * g.sw] = src[qw];
                    }
                }
            }
        }
    }
    return C4J_OK;
}

int igemm_grouped_backward_weights(const IgemmGroupedKernels &k, const ConvGeo &g, const float *dy,
                                   const float *x, float *dw, int64_t t0, int64_t t1) {
    IgSizes s;
    if (!sizes(g, k.width, s)) return C4J_ERR_BAD_DESCRIPTOR;
    const int64_t rows_out = static_cast<int64_t>(s.blocks) * kIgMr;
    const int64_t fv = ceil_div(g.hout * s.cols, k.width) * k.width;  // dy on the flattened grid: whole vectors
    // images per batch: their phase planes and dy within about 256 KiB (L2), so every tile of the batch reads
    // them from there
    const int64_t per_image = g.cig * s.cstride + rows_out * fv;
    const int64_t batch = std::max<int64_t>(1, std::min<int64_t>(g.n, (int64_t(1) << 16) / per_image));
    FloatBuffer planes(batch * g.cig * s.cstride), dyp(batch * rows_out * fv), dwacc(rows_out * g.kg);
    std::vector<int64_t> taps, cols;
    try {
        taps.resize(static_cast<size_t>(g.khkw));
        cols.resize(static_cast<size_t>(g.kg));
    } catch (...) {
        return C4J_ERR_OUT_OF_MEMORY;
    }
    if (!planes.ok() || !dyp.ok() || !dwacc.ok()) return C4J_ERR_OUT_OF_MEMORY;
    tap_offsets(g, s, taps);
    for (int64_t q = 0; q < g.kg; ++q) cols[static_cast<size_t>(q)] = (q / g.khkw) * s.cstride + taps[static_cast<size_t>(q % g.khkw)];
    for (int64_t grp = t0; grp < t1; ++grp) {
        const int64_t ic = grp * g.cig, oc = grp * g.cog;
        // the zeros of the padding multiply dy, the zeros of the dropped columns multiply x: both must be finite
        bool finite = true;
        for (int64_t img = 0; img < g.n && finite; ++img)
            finite = all_finite(x + (img * g.cin + ic) * g.in_plane, g.cig * g.in_plane) &&
                     all_finite(dy + (img * g.cout + oc) * g.hw, g.cog * g.hw);
        if (!finite) {
            for (int o = 0; o < g.cog; ++o) direct_backward_weights_filter(g, dy, x, dw, static_cast<int>(oc + o));
            continue;
        }
        std::memset(dwacc.get(), 0, sizeof(float) * static_cast<size_t>(rows_out * g.kg));
        std::memset(dyp.get(), 0, sizeof(float) * static_cast<size_t>(batch * rows_out * fv));
        for (int64_t i0 = 0; i0 < g.n; i0 += batch) {
            const int64_t nb = std::min(batch, g.n - i0);
            for (int64_t m = 0; m < nb; ++m) {
                const int64_t img = i0 + m;
                float *pm = planes.get() + m * g.cig * s.cstride;
                for (int c = 0; c < g.cig; ++c)
                    fill_planes(k, g, s, x + (img * g.cin + ic + c) * g.in_plane, pm + c * s.cstride);
                float *dm = dyp.get() + m * rows_out * fv;
                for (int o = 0; o < g.cog; ++o)  // the dropped columns stay zero from the memset
                    for (int64_t i = 0; i < g.hout; ++i)
                        std::memcpy(dm + o * fv + i * s.cols, dy + (img * g.cout + oc + o) * g.hw + i * g.wout,
                                    sizeof(float) * static_cast<size_t>(g.wout));
            }
            IgWgtArgs a{planes.get(), s.cstride, g.cig * s.cstride, cols.data(), g.kg, dyp.get(), rows_out * fv,
                        static_cast<int>(nb), s.blocks, fv, dwacc.get()};
            k.weights(a);
        }
        std::memcpy(dw + oc * g.kg, dwacc.get(), sizeof(float) * static_cast<size_t>(g.cog * g.kg));
    }
    return C4J_OK;
}

}  // namespace c4j
