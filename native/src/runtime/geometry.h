// Checked, widened views of the int32 descriptors: every kernel starts from one of these.
#ifndef CONV4J_GEOMETRY_H
#define CONV4J_GEOMETRY_H

#include <cstdint>

#include "conv4j/conv4j_types.h"

namespace c4j {

struct ConvGeo {
    int n, cin, h, w, cout, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups, hout, wout;
    int algo;          // C4J_CONV_ALGO: the call's C4J_WINOGRAD_* mode
    int cig, cog;      // channels per group, in and out
    int64_t hw;        // hout * wout
    int64_t khkw;      // kh * kw
    int64_t kg;        // cig * kh * kw: rows of one group's im2col matrix
    int64_t in_plane;  // h * w
    // The 1x1, stride-1, unpadded, undilated case: x itself is the im2col matrix.
    bool pointwise() const {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pb == 0 && pl == 0 && pr == 0;
    }
};

struct PoolGeo {
    int n, c, h, w, kh, kw, sh, sw, ph, pw, hout, wout;
    bool count_include_pad;
};

// Fill g from desc; false when the descriptor is inconsistent (then nothing may be written).
bool load_conv(const int32_t *desc, ConvGeo &g);
bool load_pool(const int32_t *desc, PoolGeo &g);

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Sets g's derived sizes (hw, khkw, kg, in_plane) from its other fields: load_conv does, and so does every kernel
// that builds one geometry from another (a transposed or stride-phase view).
inline void derive_sizes(ConvGeo &g) {
    g.hw = static_cast<int64_t>(g.hout) * g.wout;
    g.khkw = static_cast<int64_t>(g.kh) * g.kw;
    g.kg = g.cig * g.khkw;
    g.in_plane = static_cast<int64_t>(g.h) * g.w;
}

}  // namespace c4j

#endif
