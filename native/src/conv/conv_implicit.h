// Forward convolution as an implicit GEMM with AVX-512 or AVX2+FMA (one body, conv_implicit_body.inc; a short filter over few input channels, any
// stride: the ResNet stem, LeNet's layers): output rows are computed straight from a zero-padded copy of
// the input whose columns are split by stride phase, so a strided tap reads contiguous memory and no
// im2col matrix is built (on the stem that matrix is 147 x 12544 floats, written and read back once
// more by OpenBLAS's packing, for a GEMM of only 147-long dot products).
#ifndef CONV4J_CONV_IMPLICIT_H
#define CONV4J_CONV_IMPLICIT_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// Most filter taps per group (cig * kh * kw) any caller may pass to the kernels below.
constexpr int64_t kImplicitMaxTaps = 512;
// Floats per dW element of the weight gradient's vector partial sums (the widest vector).
constexpr int64_t kPartLanes = 16;

// Shapes the kernel is meant for: not the depthwise path, <= 256 filter taps per group, rows of at
// least 8 outputs (narrower rows waste most of a 16-lane vector).
bool conv_implicit_fits(const ConvGeo &g);

// Whether it runs here: fits, AVX-512 present and the scalar kernels not forced.
bool conv_implicit_active(const ConvGeo &g);
// The AVX2+FMA flavour: fits, and the ISA cap allows AVX2.
bool conv_implicit_avx2_active(const ConvGeo &g);

// Floats of workspace for output rows [i0, i1) of one image (at most `rows` of them): one group's
// padded, phase-split input rows.
int64_t conv_implicit_workspace(const ConvGeo &g, int64_t rows);

// Output rows [i0, i1) of image img, every output channel. ws: conv_implicit_workspace(g, i1 - i0) floats.
void conv_implicit_forward_avx512(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                                  int64_t img, int i0, int i1, float *ws);

void conv_implicit_forward_avx2(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                                int64_t img, int i0, int i1, float *ws);

// Weight gradient of group grp, taps (dW columns) [r0, r1), every output channel, over the whole batch:
// dW[co][t] = sum over images, output rows and columns of dy * the tap's input. Images are taken in
// chunks of conv_implicit_wgrad_images(g) (a fixed order, so results do not depend on the thread count).
// ws: conv_implicit_wgrad_workspace(g, r1 - r0) floats, 64-byte aligned.
void conv_implicit_backward_weights_avx512(const ConvGeo &g, const float *dy, const float *x, float *dw, int grp,
                                           int64_t r0, int64_t r1, float *ws);
void conv_implicit_backward_weights_avx2(const ConvGeo &g, const float *dy, const float *x, float *dw, int grp,
                                         int64_t r0, int64_t r1, float *ws);

// The kernels multiply the zero-padded copy where the definition skips a padded tap: with an infinite or NaN
// operand that product is NaN where the definition has none. These redo, by the definition's loops over real
// taps only, every result of a task that came out NaN (a result the definition makes NaN comes out NaN from
// the kernel too, so nothing else can differ). Forward and backward data need it only when some weight is
// not finite (the padded operand's partner); the weight gradient checks its few results always.
bool conv_all_finite(const float *p, int64_t n);
// Forward: output rows [i0, i1) of image img, every output channel.
void conv_redo_nan_forward(const ConvGeo &g, const float *x, const float *w, const float *bias, float *y,
                           int64_t img, int i0, int i1);
// Backward data: dx rows [i0, i1) of image img, every input channel.
void conv_redo_nan_backward_data(const ConvGeo &g, const float *dy, const float *w, float *dx, int64_t img, int i0,
                                 int i1);
// Weight gradient: group grp, taps [r0, r1), every output channel of the group.
void conv_redo_nan_backward_weights(const ConvGeo &g, const float *dy, const float *x, float *dw, int grp,
                                    int64_t r0, int64_t r1);

// Padded input rows that `rows` consecutive output rows read, and floats per phase row.
inline int64_t conv_implicit_rows(const ConvGeo &g, int64_t rows) {
    return (rows - 1) * g.sh + static_cast<int64_t>(g.kh - 1) * g.dh + 1;
}
inline int64_t conv_implicit_mlen(const ConvGeo &g) { return g.wout + static_cast<int64_t>(g.kw - 1) * g.dw / g.sw; }

// Images per weight-gradient chunk (their padded copies together about 1 MiB, at least one image), and
// the workspace of a task owning `rows` taps: one chunk plus 16 vector partial sums per dW element.
int64_t conv_implicit_wgrad_images(const ConvGeo &g);
int64_t conv_implicit_wgrad_workspace(const ConvGeo &g, int64_t rows);
// Floats of the padded chunk, rounded up to whole 64-byte lines (the partial sums follow it).
int64_t conv_implicit_wgrad_padded(const ConvGeo &g);

// Whether the weight gradient takes the implicit kernel (active, and its partial sums stay small).
bool conv_implicit_wgrad_active(const ConvGeo &g);
bool conv_implicit_wgrad_avx2_active(const ConvGeo &g);

// Backward data of a stride-1 convolution as the forward implicit kernel over dy: a correlation with the
// filters flipped and their channel axes swapped (the transposed geometry below). For few input
// channels (LeNet's second layer), where dcol = W^T dy has a 16-long inner dimension that no GEMM runs
// well, and col2im costs as much again.
bool conv_implicit_bwd_data_active(const ConvGeo &g);
// AVX2 from one input channel on (LeNet's first layer, whose GEMM path is a 25 x 784 x 6 product per image,
// ran 1.4x slower than the transposed kernel's one-channel blocks).
bool conv_implicit_bwd_data_avx2_active(const ConvGeo &g);

// The transposed geometry: input dy [n, cout, hout, wout], output dx [n, cin, h, w], stride 1, padding
// (k - 1) * d - p on each side. Valid when conv_implicit_bwd_data_active(g).
ConvGeo conv_implicit_transposed(const ConvGeo &g);

// Filters of the transposed convolution: wt[grp][ci][co][kh-1-a][kw-1-b] = w[grp][co][ci][a][b]
// (cin * cog * kh * kw floats).
void conv_implicit_flip_filters(const ConvGeo &g, const float *w, float *wt);

// Whether this build holds the AVX-512 / AVX2 body (false on other architectures).
bool conv_implicit_compiled();
bool conv_implicit_avx2_compiled();

}  // namespace c4j

#endif
