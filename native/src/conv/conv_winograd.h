// Winograd F(2x2, 3x3) for 3x3, stride-1, undilated convolutions, forward and backward data, and its
// transpose F(3x3, 2x2) for the weight gradient (conv_winograd_wgrad.cpp).
//
// Both directions are one problem: a 3x3 correlation of an input [cin x hin x win] (zero outside) with
// 3x3 filters into an output [cout x hout x wout], out[o][r][c] = sum_i,a,b in[i][r - offh + a][c - offw + b]
// * f[o][i][a][b]. Forward: in = x, offsets = (pad top, pad left). Backward data: in = dy, out = dx,
// f = the weights with in/out channels swapped and rotated by 180 degrees, offsets = 2 - pad (may be
// negative), so rows of dx that no output window reaches read only zeros.
//
// Work is cut into blocks of output tiles (2x2 each, numbered image by image, row by row): per block the
// input tiles are transformed into V[16][cin][tiles], 16 GEMMs M[k] = U[k] [cout x cin] * V[k] make the
// element-wise products' channel sums, and the output transform writes y. U (the transformed filters) is
// computed once per native call for the output channels its tasks need.
#ifndef CONV4J_CONV_WINOGRAD_H
#define CONV4J_CONV_WINOGRAD_H

#include <cstdint>

#include "runtime/geometry.h"

namespace c4j {

// One group's problem in the notation above, plus where images and channels lie in memory.
struct WinoProblem {
    const float *in;   // first input channel of the group, image 0
    int64_t in_img;    // floats from one image's input to the next
    int hin, win, cin;
    float *out;        // first output channel of the group, image 0
    int64_t out_img;
    int hout, wout, cout;
    int offh, offw;
    int th, tw;        // tiles per column and per row: ceil(hout / 2), ceil(wout / 2)
    int64_t tiles;     // n * th * tw
};

// The transforms, scalar (portable), AVX-512 (conv_winograd_avx512.cpp) and NEON (conv_winograd_neon.cpp). Tiles [t0, t0 + nt) of p.
// Input: V[(k * cin + i) * ldv + j] for k < 16, i < cin, j < nt.
// Output: out channels [o0, o0 + on) from M[(k * on + o) * ldm + j]; bias (may be null) indexed by o0 + o.
// Filters: count <= 16 3x3 filters, filter c at src + c * fstride (9 floats each; rotated by 180 degrees
// when flip), give u[k * kstride + c] = (G f_c G^T)[k].
// Gemm: m[o * ldm + j] = sum_i u[o * so + i * si] * v[i * ldv + j] for o < on, j < nt, i < cin (one of
// the 16 products; so or si is 1). Gemm_acc adds the same sums onto m (summing i in ascending order after
// m's old value, so a chain of calls sums in a fixed order).
// Grad tiles (weight gradient): the 2x2 tiles [t0, t0 + nt) of dy channels [0, on) (dy: channel 0 of the
// group in image 0; geometry p.hout, p.wout, p.th, p.tw, image stride p.out_img; zero beyond the plane)
// give u[k * kstride + j * ldu + o] = (A h A^T)[k], A = [1 0; 1 1; 1 -1; 0 -1].
struct WinoKernels {
    void (*filters)(const float *src, int64_t fstride, int count, bool flip, float *u, int64_t kstride);
    void (*gemm)(int on, int nt, int cin, const float *u, int64_t so, int64_t si, const float *v, int64_t ldv,
                 float *m, int64_t ldm);
    void (*gemm_acc)(int on, int nt, int cin, const float *u, int64_t so, int64_t si, const float *v, int64_t ldv,
                     float *m, int64_t ldm);
    void (*grad_tiles)(const WinoProblem &p, const float *dy, int64_t t0, int nt, int on, float *u, int64_t kstride,
                       int64_t ldu);
    // Weight gradient's output: dw[o * kg + 9 i + tap] = (G^T M G)[tap] of M[k] = m[k * kstride + i * ldm + o]
    // for i < in, o < on.
    void (*grad_filters)(const float *m, int64_t kstride, int64_t ldm, int in, int on, float *dw, int64_t kg);
    void (*input)(const WinoProblem &p, int64_t t0, int nt, float *v, int64_t ldv);
    void (*output)(const WinoProblem &p, const float *m, int64_t ldm, int o0, int on, int64_t t0, int nt,
                   const float *bias);
};
const WinoKernels &wino_kernels_scalar();
const WinoKernels &wino_kernels_avx512();  // only when cpu_has_avx512(); a null table elsewhere
const WinoKernels &wino_kernels_neon();    // only when cpu_has_neon() (aarch64); a null table elsewhere
const WinoKernels &wino_kernels();         // the one to use now (CPUID and c4j_cpu_force_scalar)

struct WinoPlan {
    bool use;        // false: the caller takes its usual path
    int64_t tb;      // tiles per block (a multiple of 16 unless it is all tiles)
    int64_t ntb;     // tile blocks per group
    int64_t cb;      // output channels per block
    int64_t ncb;     // channel blocks per group
    int64_t tasks;   // groups * ncb * ntb, channel block major within a group
                     // (weight gradient: groups * ncb * nib, every task runs all ntb tile blocks)
    int64_t ib = 0;  // weight gradient: input channels per block
    int64_t nib = 0; // weight gradient: input channel blocks per group
    bool portable = false;  // the scalar transforms (and OpenBLAS GEMMs) even where AVX-512 is in use
};

// 3x3, stride 1, dilation 1: what Winograd F(2x2, 3x3) can compute (any padding, any groups). The plans
// also ask for at least 8 summed channels per group (accuracy; see conv_winograd.cpp).
bool winograd_applicable(const ConvGeo &g);

// Whether Winograd may compute this direction: the call allows it (C4J_CONV_ALGO not C4J_WINOGRAD_OFF, which asks
// for exact products summed in float32), it applies, and enough products are summed: the list's "applies".
bool winograd_fits_forward(const ConvGeo &g);
bool winograd_fits_backward_data(const ConvGeo &g);
bool winograd_fits_backward_weights(const ConvGeo &g);

// Whether the call's mode (ConvGeo::algo, C4J_CONV_ALGO) and the measured rule pick it: the list's "picks".
bool winograd_pays_forward(const ConvGeo &g);
bool winograd_pays_backward_data(const ConvGeo &g);
bool winograd_pays_backward_weights(const ConvGeo &g);

// Plans for a geometry that fits (use is true).
WinoPlan plan_winograd_forward(const ConvGeo &g, int parts);
WinoPlan plan_winograd_backward_data(const ConvGeo &g, int parts);

// Weight gradient: tasks own (group, output channel block, input channel block) and sum every tile of
// the batch in one fixed order, so dw does not depend on the thread count.
WinoPlan plan_winograd_backward_weights(const ConvGeo &g, int parts);

// The rule shared by all three directions: mode, applicability, channel counts, plane sizes (`summed`:
// the products summed per output, which must reach `min_summed` for accuracy).
bool winograd_chosen(const ConvGeo &g, int cin, int cout, int hout, int wout, int64_t summed, int64_t min_summed);

// Run tasks [t0, t1) of the plan; C4J_OK or C4J_ERR_OUT_OF_MEMORY (nothing written then).
int winograd_forward(const ConvGeo &g, const WinoPlan &p, const float *x, const float *w, const float *bias,
                     float *y, int64_t t0, int64_t t1);
int winograd_backward_data(const ConvGeo &g, const WinoPlan &p, const float *dy, const float *w, float *dx,
                           int64_t t0, int64_t t1);
int winograd_backward_weights(const ConvGeo &g, const WinoPlan &p, const float *dy, const float *x, float *dw,
                              int64_t t0, int64_t t1);

// A WinoProblem from its parts (th, tw and tiles derived from hout, wout and n).
WinoProblem wino_problem(const float *in, int64_t in_img, int hin, int win, int cin, float *out, int64_t out_img,
                         int hout, int wout, int cout, int offh, int offw, int n);

}  // namespace c4j

#endif
