// Stride-1 max pooling through a padded copy of the plane (pool_stride1.h).
#include "pool/pool_stride1.h"

#include <algorithm>
#include <limits>

namespace c4j {
namespace {

constexpr int64_t kMaxPadded = int64_t{1} << 22;
constexpr int64_t kMaxPaddedWidth = 32;
constexpr int64_t kSlack = 16;  // the row kernels' masked or moved-back blocks stay inside the buffers anyway

int64_t padded_cells(const PoolGeo &g) {
    return (static_cast<int64_t>(g.h) + 2 * g.ph) * (static_cast<int64_t>(g.w) + 2 * g.pw);
}

}  // namespace

bool stride1_applies(const PoolGeo &g) {
    // stride 1: hout = h + 2 ph - kh + 1 in either rounding mode, so the windows of output rows 0 .. hout - 1
    // cover exactly the padded rows; checked rather than assumed
    // narrow planes only: there the per-row path's clipped border windows and per-row calls are most of the
    // work; wider rows amortise them and skip the copy (the "same" band, pool_band.h)
    return g.sh == 1 && g.sw == 1 && static_cast<int64_t>(g.w) + 2 * g.pw <= kMaxPaddedWidth &&
           padded_cells(g) <= kMaxPadded &&
           static_cast<int64_t>(g.hout) + g.kh - 1 == static_cast<int64_t>(g.h) + 2 * g.ph &&
           static_cast<int64_t>(g.wout) + g.kw - 1 == static_cast<int64_t>(g.w) + 2 * g.pw;
}

Stride1Scratch::Stride1Scratch(const PoolGeo &g)
    : wp_(static_cast<int64_t>(g.w) + 2 * g.pw),
      hp_(static_cast<int64_t>(g.h) + 2 * g.ph),
      len_(static_cast<int64_t>(g.hout) * wp_),
      plane_(g.ph == 0 && g.pw == 0 ? 1 : hp_ * wp_ + kSlack),
      v_(len_ + kSlack),
      va_(len_ + kSlack),
      hv_(len_ + kSlack),
      hr_(len_ + kSlack),
      hc_(len_ + kSlack) {
    if (ok() && (g.ph != 0 || g.pw != 0)) {
        std::fill(plane_.get(), plane_.get() + hp_ * wp_ + kSlack, -std::numeric_limits<float>::infinity());
    }
}

bool Stride1Scratch::ok() const {
    return plane_.ok() && v_.ok() && va_.ok() && hv_.ok() && hr_.ok() && hc_.ok();
}

// The padded plane: x itself when there is no padding (its rows are the long row already: global max
// pooling, unpadded windows), else x's rows copied into the scratch's interior (the -inf border is never
// written).
const float *Stride1Scratch::fill(const PoolGeo &g, const float *xp) {
    if (g.ph == 0 && g.pw == 0) return xp;
    float *p = plane_.get() + static_cast<int64_t>(g.ph) * wp_ + g.pw;
    // plain loops: rows of 7 to 30 floats, where a memcpy call costs more than the copy
    for (int r = 0; r < g.h; ++r) {
        float *d = p + r * wp_;
        const float *src = xp + static_cast<int64_t>(r) * g.w;
        for (int c = 0; c < g.w; ++c) d[c] = src[c];
    }
    return plane_.get();
}

void Stride1Scratch::max_forward(const PoolGeo &g, const PoolRowKernels &k, const float *xp, float *yp) {
    const float *p = fill(g, xp);
    // the long row's len cells fit an int (a padded plane of at most 4 Mi cells)
    const int len = static_cast<int>(len_);
    k.col_max(p, wp_, g.kh, len, v_.get(), nullptr);
    k.win_max(v_.get(), len - g.kw + 1, g.kw, hv_.get());
    for (int i = 0; i < g.hout; ++i) {
        float *yr = yp + static_cast<int64_t>(i) * g.wout;
        const float *hr = hv_.get() + i * wp_;
        for (int j = 0; j < g.wout; ++j) yr[j] = hr[j];
    }
}

void Stride1Scratch::argmax(const PoolGeo &g, const PoolRowKernels &k, const float *xp, float *vals, int32_t *idx) {
    const float *p = fill(g, xp);
    const int len = static_cast<int>(len_);
    int32_t *va = reinterpret_cast<int32_t *>(va_.get());  // int32 in float-sized, aligned storage
    int32_t *hr = reinterpret_cast<int32_t *>(hr_.get());
    int32_t *hc = reinterpret_cast<int32_t *>(hc_.get());
    k.col_max(p, wp_, g.kh, len, v_.get(), va);
    k.win_argmax(v_.get(), va, len - g.kw + 1, g.kw, hv_.get(), hr, hc);
    const float neg_inf = -std::numeric_limits<float>::infinity();
    for (int i = 0; i < g.hout; ++i) {
        const int64_t q0 = i * wp_;                         // window (i, 0) in the long row
        const int32_t row0 = i - g.ph;                      // input row of kernel row 0
        const int32_t off = row0 * g.w - static_cast<int32_t>(q0) - g.pw;  // flat index = r * w + column + off
        float *vr = vals + static_cast<int64_t>(i) * g.wout;
        int32_t *ir = idx + static_cast<int64_t>(i) * g.wout;
        const float *hv = hv_.get() + q0;
        const int32_t first_row = std::max(row0, 0) * g.w;
        for (int j = 0; j < g.wout; ++j) {
            const float m = hv[j];
            vr[j] = m;
            // every cell -inf: the first real one in row-major order (border cells precede it in ties)
            ir[j] = m == neg_inf ? first_row + std::max(j - g.pw, 0) : hr[q0 + j] * g.w + hc[q0 + j] + off;
        }
    }
}

}  // namespace c4j
