// The blocked depthwise kernels' geometry and the choice among their flavours (see conv_dw_blocked.h).
#include "conv/conv_dw_blocked.h"

#include <algorithm>

#include "runtime/cpu_features.h"

namespace c4j {
namespace {

// Backward data along one axis (in: dx side, out: dy side): dx index m * s + ph takes tap a where
// ph + p - a * d = e * s, reading dy index m + e. [lo, hi): every dy index some phase's taps reach, and [0, out).
void dy_span(int64_t in, int64_t out, int64_t k, int64_t s, int64_t p, int64_t d, int64_t &lo, int64_t &hi) {
    lo = 0;
    hi = out;
    for (int64_t ph = 0; ph < std::min(s, in); ++ph) {
        const int64_t nm = ceil_div(in - ph, s);
        for (int64_t a = 0; a < k; ++a) {
            const int64_t r = ph + p - a * d;
            if (r % s != 0) continue;
            lo = std::min(lo, r / s);
            hi = std::max(hi, nm + r / s);
        }
    }
}

bool cells_fit(int64_t rows, int64_t cols) {
    return rows <= kDwBlockedMaxCells && cols <= kDwBlockedMaxCells && rows * cols <= kDwBlockedMaxCells;
}

}  // namespace

bool dw_blocked_sides(const ConvGeo &g, DwBlockedSides &s) {
    s.hp = std::max<int64_t>(static_cast<int64_t>(g.pt) + g.h,
                             static_cast<int64_t>(g.hout - 1) * g.sh + static_cast<int64_t>(g.kh - 1) * g.dh + 1);
    s.wp = std::max<int64_t>(static_cast<int64_t>(g.pl) + g.w,
                             static_cast<int64_t>(g.wout - 1) * g.sw + static_cast<int64_t>(g.kw - 1) * g.dw + 1);
    int64_t hi = 0;
    dy_span(g.h, g.hout, g.kh, g.sh, g.pt, g.dh, s.i_lo, hi);
    s.hd = hi - s.i_lo;
    dy_span(g.w, g.wout, g.kw, g.sw, g.pl, g.dw, s.j_lo, hi);
    s.wd = hi - s.j_lo;
    return cells_fit(s.hp, s.wp) && cells_fit(s.hd, s.wd) && cells_fit(g.h, g.w) && cells_fit(g.hout, g.wout);
}

bool dw_blocked_fits(const ConvGeo &g) {
    if (g.groups <= 1 || g.cig != 1 || g.cog != 1 || g.khkw > kDwBlockedMaxCells) return false;
    DwBlockedSides s;
    return dw_blocked_sides(g, s);
}

bool dw_blocked_pays(const ConvGeo &g) { return g.kh <= 7 && g.kw <= 7; }

bool dw_blocked_avx2_active(const ConvGeo &g) {
    return dw_blocked_fits(g) && dw_blocked_avx2() != nullptr && cpu_use_avx2_fma();
}

bool dw_blocked_avx512_active(const ConvGeo &g) {
    return dw_blocked_fits(g) && dw_blocked_avx512() != nullptr && cpu_use_avx512();
}

int64_t dw_blocked_tasks(const ConvGeo &g, int width, bool weights) {
    const int64_t blocks = ceil_div(g.cin, width);
    return weights ? blocks : blocks * g.n;
}

}  // namespace c4j
