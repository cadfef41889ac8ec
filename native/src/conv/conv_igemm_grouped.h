// Implicit GEMM for grouped convolutions with several channels per group (ResNeXt-like: 8 to 64 per group),
// all three directions, any kernel size, stride, dilation and padding (backward data: strides up to 8).
//
// Layout. Per (image, group) the group's input channels are copied once into zero-padded phase planes split by
// stride in both directions: plane (pr, pc) of channel c holds padded row r * sh + pr, padded column
// m * sw + pc. Output pixel (i, j) at flattened index f = i * cols + j then reads tap (a, b) at
// f + phase(a, b) * plane + ((a * dh) / sh) * cols + (b * dw) / sw: one offset per tap, contiguous in f across
// rows, so a vector of output pixels is one unaligned load per (input channel, tap) whatever the row width
// (7-wide rows fill vectors as well as 56-wide ones). The cols - wout columns past each row are computed and
// dropped.
//
// Backward data runs the same micro-kernel once per dx stride phase: the taps that reach the phase form a
// unit-stride correlation of a zero-padded copy of dy (conv_igemm_grouped.cpp).
//
// Micro-kernel (forward, backward data): 4 output channels x 3 vectors of flattened pixels in 12 accumulators;
// per (input channel, tap) 3 loads, 4 weight broadcasts from weights packed [block][channel][tap][4], 12 FMAs.
// Backward weights: 4 output channels x 3 (channel, tap) columns, reduced along f in vector partial sums over a
// batch of images (L2-sized), lanes summed in a fixed tree at the end of the batch, batches added in order: a
// fixed summation order whatever the thread count.
//
// Exactness. The definition skips padded taps; this kernel multiplies the zeros of the padding (and of the
// dropped columns, backward weights) into its sums. That adds exactly nothing when the other factor is finite,
// so each (image, group) first checks the operand that multiplies those zeros (the group's weights forward and
// backward data; x and dy of the group backward weights) and, where one is not finite, computes that part with
// the direct loops (conv_direct.h), which visit only real taps. The choice of entry stays geometry-only.
//
// One body (conv_igemm_grouped_body.inc) compiled for scalar, AVX2+FMA and AVX-512.
#ifndef CONV4J_CONV_IGEMM_GROUPED_H
#define CONV4J_CONV_IGEMM_GROUPED_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// Output channels per register block and vectors of pixels (forward) or (channel, tap) columns (backward
// weights) per register block.
constexpr int kIgMr = 4;
constexpr int kIgNr = 3;

struct IgFwdArgs {
    const float *xs;       // channel 0's phase planes
    int64_t cstride;       // floats between channels' phase planes
    const int64_t *taps;   // offset of each tap (khkw)
    int64_t khkw;
    int channels;          // input channels of the group
    const float *wpk;      // packed weights: blocks of kIgMr output channels, [block][c][tap][kIgMr]
    int blocks;            // output channel blocks
    const float *bias;     // blocks * kIgMr values (zeros where the layer has none)
    float *ybuf;           // [blocks * kIgMr][fpad]
    int64_t fpad;          // flattened pixels, a multiple of the chunk (kIgNr or 2 vectors, by the kernel)
};

struct IgWgtArgs {
    const float *xs;      // image 0's phase planes, channel c's at xs + c * cstride
    int64_t cstride;
    int64_t ximg;         // floats between images' phase planes
    const int64_t *cols;  // per (channel, tap) column of dW: its offset from xs (c * cstride + tap offset)
    int64_t ncols;        // channels * taps
    const float *dyp;     // image 0's dy on the flattened grid, [blocks * kIgMr][fv], zeros in dropped columns
    int64_t dyimg;        // floats between images' dy
    int images;
    int blocks;
    int64_t fv;           // flattened pixels, a multiple of the vector width
    float *dwacc;         // [blocks * kIgMr][ncols]: the batch's sums are added here
};

struct IgemmGroupedKernels {
    void (*forward)(const IgFwdArgs &a);   // chunks of kIgNr vectors
    void (*forward2)(const IgFwdArgs &a);  // chunks of 2 vectors: fewer dropped lanes on short flattened runs
    void (*weights)(const IgWgtArgs &a);
    // dst[m] = src[2 * m] for m < n, reading nothing past src[2 * (n - 1)]: the stride-2 phase planes' copy,
    // which otherwise costs as much as a third of a stride-2 layer's FMAs
    void (*gather2)(const float *src, float *dst, int64_t n);
    int width;  // floats per vector
};

const IgemmGroupedKernels *igemm_grouped_scalar();
const IgemmGroupedKernels *igemm_grouped_avx2();    // null where the AVX2 body is not compiled in
const IgemmGroupedKernels *igemm_grouped_avx512();  // likewise

// Shapes each direction computes: groups > 1, not pointwise, the workspaces within 16 Mi floats and an
// affordable copy; backward data strides up to 8.
bool igemm_grouped_fits_forward(const ConvGeo &g);
bool igemm_grouped_fits_backward_data(const ConvGeo &g);
bool igemm_grouped_fits_backward_weights(const ConvGeo &g);

// Shapes the list chooses it for: the ResNeXt class, 5 to 64 channels per group in and out (4 or fewer output
// channels per group are the direct kernels'; with more than 64 one group's GEMM is wide enough for sgemm).
bool igemm_grouped_pays(const ConvGeo &g);

// Tasks: forward and backward data one per (image, group), t = grp * n + img (a task range packs each group's
// weights once); backward weights one per group, t = grp (all images, in order). Returns C4J_OK or C4J_ERR_OUT_OF_MEMORY.
int igemm_grouped_forward(const IgemmGroupedKernels &k, const ConvGeo &g, const float *x, const float *w,
                          const float *bias, float *y, int64_t t0, int64_t t1);
int igemm_grouped_backward_data(const IgemmGroupedKernels &k, const ConvGeo &g, const float *dy, const float *w,
                                float *dx, int64_t t0, int64_t t1);
int igemm_grouped_backward_weights(const IgemmGroupedKernels &k, const ConvGeo &g, const float *dy,
                                   const float *x, float *dw, int64_t t0, int64_t t1);

}  // namespace c4j

#endif
