// Stride-1 max pooling through a padded copy of the plane (Inception's 3x3 s1 p1 and any other stride-1
// window): the plane is copied once into a scratch of (h + 2 ph) x (w + 2 pw) cells whose border is -inf,
// so every window lies inside it, and because stride 1 uses consecutive rows, the column maxima of output
// rows 0 .. hout - 1 are one long row: one col_max call over hout * (w + 2 pw) cells, one sliding-window
// call over that row, then a copy of each output row's first wout windows. No clipped window, no scalar
// border code, no per-row calls: narrow planes (7x7, 14x14, 17x17) pay a handful of vector calls each.
//
// Same values as the per-row path: the -inf border never beats a real cell (a real -inf keeps the same
// bits) and a NaN still wins. For the argmax, a border cell could tie a real -inf only in a window whose
// maximum is -inf; such a window's answer is its first real cell in row-major order, set directly.
#ifndef CONV4J_POOL_STRIDE1_H
#define CONV4J_POOL_STRIDE1_H

#include <cstdint>

#include "pool/pool_rows.h"
#include "runtime/buffer.h"
#include "runtime/geometry.h"

namespace c4j {

// Whether the padded-plane path takes this shape: stride 1 both ways, padded rows of at most 32 floats and
// a padded plane of at most 4 Mi floats (wider or larger planes keep the per-row and band paths).
bool stride1_applies(const PoolGeo &g);

// Scratch of one task range: the padded plane, the column maxima with their rows, the window results.
class Stride1Scratch {
public:
    explicit Stride1Scratch(const PoolGeo &g);
    bool ok() const;

    // y plane (hout x wout) of the max pooling of x plane xp.
    void max_forward(const PoolGeo &g, const PoolRowKernels &k, const float *xp, float *yp);
    // The first maximum of each window (row-major, NaN wins): its value into vals and its flat index in the
    // input plane into idx (hout x wout each).
    void argmax(const PoolGeo &g, const PoolRowKernels &k, const float *xp, float *vals, int32_t *idx);

private:
    const float *fill(const PoolGeo &g, const float *xp);

    int64_t wp_, hp_, len_;  // padded width and height, cells of the long row (hout * wp)
    FloatBuffer plane_, v_, va_, hv_, hr_, hc_;
};

}  // namespace c4j

#endif
