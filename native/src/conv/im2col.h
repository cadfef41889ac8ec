// im2col / col2im for one image and a range of a group's channels (Caffe's layout: rows (c, kh, kw),
// columns the output positions in row-major order).
#ifndef CONV4J_IM2COL_H
#define CONV4J_IM2COL_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// Output columns j in [lo, hi) whose input column j*sw + off (off = b*dw - pad_left) lies inside the row.
inline void valid_cols(const ConvGeo &g, int off, int &lo, int &hi) {
    int64_t l = off >= 0 ? 0 : (-static_cast<int64_t>(off) + g.sw - 1) / g.sw;
    int64_t last = static_cast<int64_t>(g.w) - 1 - off;  // largest j*sw allowed
    int64_t h = last < 0 ? 0 : last / g.sw + 1;
    if (l > g.wout) l = g.wout;
    if (h > g.wout) h = g.wout;
    if (h < l) h = l;
    lo = static_cast<int>(l);
    hi = static_cast<int>(h);
}

// Rows for channels [0, nch) of x_ch (the first channel's plane), columns [q0, q1) of the hout*wout
// output positions; row r is written at col + r * ldcol.
void im2col_range(const ConvGeo &g, const float *x_ch, int nch, int64_t q0, int64_t q1, float *col,
                  int64_t ldcol);

// Rows [r0, r1) of a group's im2col matrix (row r = (channel r / khkw, tap r % khkw); x_grp is the group's
// first input plane), columns [q0, q1); row r is written at col + (r - r0) * ldcol.
void im2col_rows(const ConvGeo &g, const float *x_grp, int64_t r0, int64_t r1, int64_t q0, int64_t q1, float *col,
                 int64_t ldcol);

// Zero-padded copies of nch planes starting at x_ch: (h + pt + pb) rows of (w + pl + pr) floats each.
int64_t padded_plane(const ConvGeo &g);
void pad_planes(const ConvGeo &g, const float *x_ch, int nch, float *xp);

// im2col_rows from padded planes (xp holds the planes of channels c_first, c_first + 1, ...): no bounds
// checks, one straight copy per output row (unit horizontal stride measured 18% of a ResNet stage's
// weight gradient with the checked version).
void im2col_rows_padded(const ConvGeo &g, const float *xp, int64_t c_first, int64_t r0, int64_t r1, int64_t q0,
                        int64_t q1, float *col, int64_t ldcol);

// Adds the columns (rows (c, kh, kw) for channels [0, nch), all hout*wout positions, stride hw) into
// the nch planes starting at dx_ch. The planes must be zeroed (or hold what to add to) beforehand.
void col2im_add(const ConvGeo &g, const float *col, int nch, float *dx_ch);

// The same for output columns [q0, q1) only, row r of the block at col + r * ldcol.
void col2im_add_range(const ConvGeo &g, const float *col, int64_t ldcol, int nch, int64_t q0, int64_t q1,
                      float *dx_ch);

}  // namespace c4j

#endif
