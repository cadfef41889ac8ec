// Dense convolutions (groups 1, many channels, short filters, stride 1 or 2, any dilation) as an implicit GEMM:
// output rows are computed from a copy of the task's input rows, channels interleaved per row and split by
// column phase (phase row p holds columns m * sw + p, so a strided tap reads contiguous floats), never from an
// im2col matrix, which is 9 times a 3x3 layer's input and is packed once more by sgemm.
//
// Weights are packed once per call into panels of kDenseMr output channels: [panel][input channel][tap][kDenseMr]
// (the last panel zero-filled), so a register block's broadcasts are contiguous; a call packs only the panels of
// its tasks' output-channel blocks (deep layers on small images split the output channels among the threads,
// so no thread packs every weight). A register block is kDenseMr
// output channels x 2 vectors of columns of one output row; the (input channel, tap) pairs run over it with one
// broadcast per channel and one load per vector.
//
// Padding never changes a sum: the definition skips padded taps, so a tap whose row is outside the image is
// left out of the row's list, and a tap whose columns are partly outside the image loads 0 on the lanes whose
// column does not exist; with finite weights that adds w * 0 = 0, and when some weight is infinite or NaN
// (checked once per call while packing) those lanes keep their old sum instead (FMA, blend back), so an
// infinite weight never meets a padded zero.
// Summation order per output: bias, then passes of input channels ascending; within a pass the strip's taps in
// (kernel row, kernel column) order (with non-finite weights: the taps that read only image columns first),
// each over the pass's channels ascending. It depends on the geometry and on whether the weights are finite,
// never on the task split or the thread count.
//
// One body (conv_igemm_dense_body.inc) compiled for scalar, AVX2+FMA and AVX-512.
#ifndef CONV4J_CONV_IGEMM_DENSE_H
#define CONV4J_CONV_IGEMM_DENSE_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// Output channels per weight panel and register block (every ISA: the packing is shared).
constexpr int kDenseMr = 6;
// Most filter taps (kh * kw) per channel: a (row, strip)'s tap list lives on the stack.
constexpr int64_t kDenseMaxTaps = 64;

// Output rows [i0, i1) of image img, output channels of panels [pn0, pn1). wpk: igemm_dense_pack's panels (those
// at least); finite: what it returned. ws: igemm_dense_workspace(g, i1 - i0) floats.
using IgemmDenseFn = void (*)(const ConvGeo &g, const float *x, const float *wpk, bool finite, const float *bias,
                              float *y, int64_t img, int i0, int i1, int pn0, int pn1, float *ws);

IgemmDenseFn igemm_dense_scalar();
IgemmDenseFn igemm_dense_avx2();    // null where the AVX2 body is not compiled in
IgemmDenseFn igemm_dense_avx512();  // likewise

// Floats of the packed weights, and the packing of panels [pn0, pn1) of w [cout][cin][kh][kw] into them: whether
// every weight packed is finite. _flipped: the panels of conv_implicit_transposed(g) (backward data) straight
// from g's filters, mirrored and with the channel axes swapped.
int64_t igemm_dense_packed(const ConvGeo &g);
bool igemm_dense_pack(const ConvGeo &g, const float *w, float *wpk, int64_t pn0, int64_t pn1);
bool igemm_dense_pack_flipped(const ConvGeo &g, const float *w, float *wpk, int64_t pn0, int64_t pn1);

// The copy of a task's input rows: zero columns left of each row (a strip's partial tap reaches at most
// kDenseMaxStrip columns of output, sw input columns each, beyond a real one) and right of it, and the floats
// per phase row.
constexpr int64_t kDenseMaxStrip = 32;  // output columns per strip, widest ISA
inline int64_t igemm_dense_pad_left(const ConvGeo &g) {
    return g.pl < kDenseMaxStrip * g.sw ? g.pl : kDenseMaxStrip * g.sw;
}
inline int64_t igemm_dense_mlen(const ConvGeo &g) {
    return ceil_div(igemm_dense_pad_left(g) + g.w + (kDenseMaxStrip + 1) * g.sw, g.sw);
}
// Floats of the copied input rows that `rows` output rows read.
int64_t igemm_dense_workspace(const ConvGeo &g, int64_t rows);

// Shapes it computes: groups 1, not 1x1, at most kDenseMaxTaps taps, packed weights within 64 Mi floats.
bool igemm_dense_fits(const ConvGeo &g);
// Shapes it is chosen for: fits, at least 32 input and output channels (a deep enough sum and enough panels),
// stride at most 2, rows of at least 14 outputs; stride 1 with at most 128 output channels, or a layer whose
// padding and dilation leave many taps outside the image (see conv_igemm_dense.cpp).
bool igemm_dense_pays(const ConvGeo &g);

bool igemm_dense_avx2_active(const ConvGeo &g);
bool igemm_dense_avx512_active(const ConvGeo &g);

// Backward data of a stride-1 convolution as this forward kernel over dy (the transposed geometry of
// conv_implicit.h: filters flipped, channel axes swapped; padding within the filter's reach). A strided,
// undilated one as sh x sw such forward correlations, one per stride phase of dx (rows py, py + sh, ..., columns
// px, px + sw, ...), each with the taps that reach that phase, mirrored, into a phase plane spread into dx
// afterwards (no column matrix, no scatter-add). Chosen for stride 1 with at least 32 channels each way and dx
// rows of at least 14, any channel count and dilation; the strided form is listed (forced, tested), not chosen.
bool igemm_dense_bwd_data_fits(const ConvGeo &g);
bool igemm_dense_bwd_data_pays(const ConvGeo &g);
bool igemm_dense_bwd_data_avx2_active(const ConvGeo &g);
bool igemm_dense_bwd_data_avx512_active(const ConvGeo &g);

// How a call's tasks are cut for `parts` threads (g: the geometry the kernel runs, transposed for backward data):
// tasks are (output-channel block, image, block of rows_per_task rows), the channel block outermost.
struct IgemmDenseSplit {
    int64_t co_blocks = 1;
    int64_t rows_per_task = 1;
};
IgemmDenseSplit igemm_dense_split(const ConvGeo &g, int parts);
int64_t igemm_dense_tasks(const ConvGeo &g, const IgemmDenseSplit &sp);
// Strided backward data (g itself): tasks are (dx-channel block, image), co_blocks * n of them.
IgemmDenseSplit igemm_dense_phase_split(const ConvGeo &g, int parts);

// Tasks [t0, t1) with the given kernel: C4J_OK or C4J_ERR_OUT_OF_MEMORY. Each call packs the panels of the channel
// blocks its tasks reach, once each.
int igemm_dense_forward_tasks(const ConvGeo &g, IgemmDenseFn fn, const IgemmDenseSplit &sp, const float *x,
                              const float *w, const float *bias, float *y, int64_t t0, int64_t t1);
int igemm_dense_backward_data_tasks(const ConvGeo &g, IgemmDenseFn fn, const IgemmDenseSplit &sp, const float *dy,
                                    const float *w, float *dx, int64_t t0, int64_t t1);

}  // namespace c4j

#endif
