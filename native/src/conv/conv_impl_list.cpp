// The convolution implementation lists (see conv_impl_list.h). Reading order is preference order: the grouped
// implicit GEMM on AVX2 (ResNeXt-like groups), Winograd where it pays, the direct kernels for few output channels
// per group (depthwise on channel blocks, then vectorised along rows, then the plain loops), conv4j's implicit
// GEMMs for short filters, the 1x1 GEMM, and im2col + sgemm, which computes everything. Each "applies" asks the ISA cap
// (runtime/cpu_features.h) through the kernel family's own *_active() check, so one cap governs every entry.
#include "conv/conv_impl_list.h"

#include <cstring>

#include "conv/conv_dw.h"
#include "conv/conv_dw_blocked.h"
#include "conv/conv_igemm_dense.h"
#include "conv/conv_igemm_grouped.h"
#include "conv/conv_igemm_phase.h"
#include "conv/conv_implicit.h"
#include "conv/conv_pointwise.h"
#include "conv/conv_small.h"
#include "conv4j/conv4j_cpu.h"
#include "runtime/cpu_features.h"

namespace c4j {
namespace {

bool always(const ConvGeo &) { return true; }
// The portable flavours of the vectorised families: correct everywhere (forcing and the tests run them), chosen
// nowhere: one float at a time they are slower than the plain loops or OpenBLAS's own vector code.
bool never(const ConvGeo &) { return false; }
// The phase-plane kernels (igemm_phase) multiply zero padding into their sums: with an infinite input or weight
// that gives NaN where the definition skips the padded taps (FuzzTest's non-finite cases). Until they skip padded
// taps they are listed (forced and tested on finite data) but never picked. dw_direct skips them (conv_dw.h).

// --- the vectorised direct kernels (conv_dw.h), where rows are long enough ---
bool dw_fwd_512_picks(const ConvGeo &g) { return dw_direct_avx512_active(g) && dw_direct_pays_forward(g); }
bool dw_fwd_2_picks(const ConvGeo &g) { return dw_direct_avx2_active(g) && dw_direct_pays_forward(g); }
bool dw_data_512_picks(const ConvGeo &g) { return dw_direct_avx512_active(g) && dw_direct_pays_backward_data(g); }
bool dw_data_2_picks(const ConvGeo &g) { return dw_direct_avx2_active(g) && dw_direct_pays_backward_data(g); }
bool dw_wgt_512_picks(const ConvGeo &g) { return dw_direct_avx512_active(g) && dw_direct_pays_backward_weights(g); }
bool dw_wgt_2_picks(const ConvGeo &g) { return dw_direct_avx2_active(g) && dw_direct_pays_backward_weights(g); }

// --- the channel-blocked depthwise kernels (conv_dw_blocked.h): filters up to 7x7 ---
using DwbFlavour = const DwBlockedKernels *(*)();
template <DwbFlavour F>
bool dwb(const ConvGeo &g) {
    if (F == dw_blocked_avx512) return dw_blocked_avx512_active(g);
    if (F == dw_blocked_avx2) return dw_blocked_avx2_active(g);
    return dw_blocked_fits(g);
}
template <DwbFlavour F>
bool dwb_picks(const ConvGeo &g) { return dwb<F>(g) && dw_blocked_pays(g); }
template <DwbFlavour F, bool Weights>
ConvImplPlan plan_dwb(const ConvGeo &g, int) {
    ConvImplPlan p;
    p.tasks = dw_blocked_tasks(g, F()->width, Weights);
    return p;
}
template <DwbFlavour F>
int run_dwb_fwd(const ConvGeo &g, const ConvImplPlan &, const ConvOperands &o, int64_t t0, int64_t t1) {
    return F()->forward(g, o.a, o.b, o.bias, o.out, t0, t1);
}
template <DwbFlavour F>
int run_dwb_data(const ConvGeo &g, const ConvImplPlan &, const ConvOperands &o, int64_t t0, int64_t t1) {
    return F()->backward_data(g, o.a, o.b, o.out, t0, t1);
}
template <DwbFlavour F>
int run_dwb_wgt(const ConvGeo &g, const ConvImplPlan &, const ConvOperands &o, int64_t t0, int64_t t1) {
    return F()->backward_weights(g, o.a, o.b, o.out, t0, t1);
}
constexpr DwbFlavour kDwb512 = dw_blocked_avx512, kDwb2 = dw_blocked_avx2, kDwbScalar = dw_blocked_scalar;

// --- Winograd F(2x2, 3x3): the AVX-512 transforms, or the portable ones with OpenBLAS's GEMMs ---
bool wino_fwd_512(const ConvGeo &g) { return winograd_fits_forward(g) && cpu_use_avx512(); }
bool wino_fwd_512_picks(const ConvGeo &g) { return wino_fwd_512(g) && winograd_pays_forward(g); }
bool wino_fwd_picks(const ConvGeo &g) { return winograd_fits_forward(g) && winograd_pays_forward(g); }
bool wino_data_512(const ConvGeo &g) { return winograd_fits_backward_data(g) && cpu_use_avx512(); }
bool wino_data_512_picks(const ConvGeo &g) { return wino_data_512(g) && winograd_pays_backward_data(g); }
bool wino_data_picks(const ConvGeo &g) { return winograd_fits_backward_data(g) && winograd_pays_backward_data(g); }
bool wino_wgt_512(const ConvGeo &g) { return winograd_fits_backward_weights(g) && cpu_use_avx512(); }
bool wino_wgt_512_picks(const ConvGeo &g) { return wino_wgt_512(g) && winograd_pays_backward_weights(g); }
bool wino_wgt_picks(const ConvGeo &g) { return winograd_fits_backward_weights(g) && winograd_pays_backward_weights(g); }

template <WinoPlan (*Plan)(const ConvGeo &, int), bool Portable>
ConvImplPlan plan_wino(const ConvGeo &g, int parts) {
    ConvImplPlan p;
    p.wino = Plan(g, parts);
    p.wino.portable = Portable;
    p.tasks = p.wino.tasks;
    return p;
}
int run_wino_fwd(const ConvGeo &g, const ConvImplPlan &p, const ConvOperands &o, int64_t t0, int64_t t1) {
    return winograd_forward(g, p.wino, o.a, o.b, o.bias, o.out, t0, t1);
}
int run_wino_data(const ConvGeo &g, const ConvImplPlan &p, const ConvOperands &o, int64_t t0, int64_t t1) {
    return winograd_backward_data(g, p.wino, o.a, o.b, o.out, t0, t1);
}
int run_wino_wgt(const ConvGeo &g, const ConvImplPlan &p, const ConvOperands &o, int64_t t0, int64_t t1) {
    return winograd_backward_weights(g, p.wino, o.a, o.b, o.out, t0, t1);
}

// --- the GEMM-shaped families: one plan per direction, parameterised by the kernel ---
template <ConvKernel K>
ConvImplPlan plan_fwd(const ConvGeo &g, int parts) {
    ConvImplPlan p;
    p.fwd = plan_forward(g, parts, K);
    p.tasks = p.fwd.tasks;
    return p;
}
template <ConvKernel K>
ConvImplPlan plan_data(const ConvGeo &g, int parts) {
    ConvImplPlan p;
    p.data = plan_backward_data(g, parts, K);
    p.tasks = p.data.tasks;
    return p;
}
template <ConvKernel K>
ConvImplPlan plan_wgt(const ConvGeo &g, int parts) {
    ConvImplPlan p;
    p.weights = plan_backward_weights(g, parts, K);
    p.tasks = p.weights.tasks;
    return p;
}
int run_fwd(const ConvGeo &g, const ConvImplPlan &p, const ConvOperands &o, int64_t t0, int64_t t1) {
    return run_forward(g, p.fwd, o.a, o.b, o.bias, o.out, t0, t1);
}
int run_data(const ConvGeo &g, const ConvImplPlan &p, const ConvOperands &o, int64_t t0, int64_t t1) {
    return run_backward_data(g, p.data, o.a, o.b, o.out, t0, t1);
}
int run_wgt(const ConvGeo &g, const ConvImplPlan &p, const ConvOperands &o, int64_t t0, int64_t t1) {
    return run_backward_weights(g, p.weights, o.a, o.b, o.out, t0, t1);
}

// --- dense layers (groups 1, many channels): conv4j's implicit GEMM, no im2col copy (conv_igemm_dense.h). The
// AVX2 flavour is chosen where AVX-512 is not in use; the AVX-512 and scalar flavours are listed (forced and
// tested) but not chosen: the AVX-512 one has not been measured against OpenBLAS's AVX-512 sgemm ---
bool dense_avx2_picks(const ConvGeo &g) {
    return igemm_dense_avx2_active(g) && !cpu_use_avx512() && igemm_dense_pays(g);
}
bool dense_data_avx2_picks(const ConvGeo &g) {
    return igemm_dense_bwd_data_avx2_active(g) && !cpu_use_avx512() && igemm_dense_bwd_data_pays(g);
}

bool pointwise_512(const ConvGeo &g) { return g.pointwise() && pointwise_avx512_active(); }

// The AVX2 implicit GEMM is chosen for ungrouped layers with few input channels (the first layers of CNNs: RGB
// or one grey channel, LeNet's 6): there each output or dW element is a short dot product (cin * kh * kw taps)
// that im2col + sgemm runs as a thin GEMM after copying every tap, while with many channels OpenBLAS's GEMM wins.
constexpr int kFewChannels = 6;
bool few_channels(const ConvGeo &g) { return g.groups == 1 && g.cig <= kFewChannels; }
bool igemm_rows_avx2_picks(const ConvGeo &g) { return few_channels(g) && conv_implicit_avx2_active(g); }
bool igemm_rows_avx2_wgt_picks(const ConvGeo &g) { return few_channels(g) && conv_implicit_wgrad_avx2_active(g); }
// Backward data as the forward kernel over dy (stride 1): ungrouped, at most 16 output channels, which the
// transposed convolution reads as its input channels (LeNet's 6 -> 16 reads 16).
bool igemm_rows_avx2_data_picks(const ConvGeo &g) {
    return g.groups == 1 && g.cog <= 16 && conv_implicit_bwd_data_avx2_active(g);
}
// --- the grouped implicit GEMM (conv_igemm_grouped.h): tasks per (image, group); per group backward weights,
// so each filter's sum over the images runs in one task, in order ---
using IggFlavour = const IgemmGroupedKernels *(*)();
template <IggFlavour F>
bool igg_cap() {
    if (F() == nullptr) return false;
    return F == igemm_grouped_avx512 ? cpu_use_avx512() : F == igemm_grouped_avx2 ? cpu_use_avx2_fma() : true;
}
template <IggFlavour F>
bool igg_fwd(const ConvGeo &g) { return igemm_grouped_fits_forward(g) && igg_cap<F>(); }
template <IggFlavour F>
bool igg_fwd_picks(const ConvGeo &g) { return igg_fwd<F>(g) && igemm_grouped_pays(g); }
template <IggFlavour F>
bool igg_data(const ConvGeo &g) { return igemm_grouped_fits_backward_data(g) && igg_cap<F>(); }
template <IggFlavour F>
bool igg_data_picks(const ConvGeo &g) { return igg_data<F>(g) && igemm_grouped_pays(g); }
template <IggFlavour F>
bool igg_wgt(const ConvGeo &g) { return igemm_grouped_fits_backward_weights(g) && igg_cap<F>(); }
template <IggFlavour F>
bool igg_wgt_picks(const ConvGeo &g) { return igg_wgt<F>(g) && igemm_grouped_pays(g); }
ConvImplPlan plan_igg_images(const ConvGeo &g, int) {
    ConvImplPlan p;
    p.tasks = static_cast<int64_t>(g.n) * g.groups;
    return p;
}
ConvImplPlan plan_igg_groups(const ConvGeo &g, int) {
    ConvImplPlan p;
    p.tasks = g.groups;
    return p;
}
template <IggFlavour F>
int run_igg_fwd(const ConvGeo &g, const ConvImplPlan &, const ConvOperands &o, int64_t t0, int64_t t1) {
    return igemm_grouped_forward(*F(), g, o.a, o.b, o.bias, o.out, t0, t1);
}
template <IggFlavour F>
int run_igg_data(const ConvGeo &g, const ConvImplPlan &, const ConvOperands &o, int64_t t0, int64_t t1) {
    return igemm_grouped_backward_data(*F(), g, o.a, o.b, o.out, t0, t1);
}
template <IggFlavour F>
int run_igg_wgt(const ConvGeo &g, const ConvImplPlan &, const ConvOperands &o, int64_t t0, int64_t t1) {
    return igemm_grouped_backward_weights(*F(), g, o.a, o.b, o.out, t0, t1);
}
constexpr IggFlavour kIgg512 = igemm_grouped_avx512, kIgg2 = igemm_grouped_avx2, kIggScalar = igemm_grouped_scalar;
// The AVX2 flavour sits above Winograd: it picks only where the cap stops at AVX2 (the AVX-512 entries keep
// their order) and leaves a call that asks for Winograd wherever it applies (C4J_WINOGRAD_ALWAYS) to it.
bool igg_above_winograd(const ConvGeo &g) { return !cpu_use_avx512() && g.algo != C4J_WINOGRAD_ALWAYS; }
bool igg_fwd_picks_avx2(const ConvGeo &g) { return igg_fwd_picks<kIgg2>(g) && igg_above_winograd(g); }
bool igg_data_picks_avx2(const ConvGeo &g) { return igg_data_picks<kIgg2>(g) && igg_above_winograd(g); }
bool igg_wgt_picks_avx2(const ConvGeo &g) { return igg_wgt_picks<kIgg2>(g) && igg_above_winograd(g); }

// name, applies, picks, reorders sums, plan, run
const ConvImpl kForwardList[] = {
    // grouped layers with 5 to 64 channels per group (ResNeXt) on AVX2: ahead of Winograd, whose portable
    // transforms and per-group GEMMs are slower for them; on AVX-512 the entries below keep their order
    {"igemm_grouped__avx2", igg_fwd<kIgg2>, igg_fwd_picks_avx2, false, plan_igg_images, run_igg_fwd<kIgg2>},
    {"winograd_f2x3__avx512", wino_fwd_512, wino_fwd_512_picks, true, plan_wino<plan_winograd_forward, false>,
     run_wino_fwd},
    {"winograd_f2x3__scalar", winograd_fits_forward, wino_fwd_picks, true, plan_wino<plan_winograd_forward, true>,
     run_wino_fwd},
    // depthwise, filters up to 7x7: lanes are channels, so no row has masked edges and stride 2 no shuffles
    {"dw_blocked__avx512", dwb<kDwb512>, dwb_picks<kDwb512>, false, plan_dwb<kDwb512, false>,
     run_dwb_fwd<kDwb512>},
    {"dw_blocked__avx2", dwb<kDwb2>, dwb_picks<kDwb2>, false, plan_dwb<kDwb2, false>, run_dwb_fwd<kDwb2>},
    {"dw_blocked__scalar", dwb<kDwbScalar>, never, false, plan_dwb<kDwbScalar, false>, run_dwb_fwd<kDwbScalar>},
    {"dw_direct__avx512", dw_direct_avx512_active, dw_fwd_512_picks, false, plan_fwd<ConvKernel::dw_direct_avx512>,
     run_fwd},
    {"dw_direct__avx2", dw_direct_avx2_active, dw_fwd_2_picks, false, plan_fwd<ConvKernel::dw_direct_avx2>, run_fwd},
    {"dw_direct__scalar", dw_direct_fits, never, false, plan_fwd<ConvKernel::dw_direct_scalar>, run_fwd},
    {"grouped_direct__scalar", use_direct, use_direct, false, plan_fwd<ConvKernel::grouped_direct>, run_fwd},
    {"igemm_rows__avx512", conv_implicit_active, conv_implicit_active, false, plan_fwd<ConvKernel::igemm_rows>,
     run_fwd},
    {"igemm_rows__avx2", conv_implicit_avx2_active, igemm_rows_avx2_picks, false,
     plan_fwd<ConvKernel::igemm_rows_avx2>, run_fwd},
    // grouped layers with 5 to 64 channels per group (ResNeXt): no im2col copies, no thin GEMMs
    {"igemm_grouped__avx512", igg_fwd<kIgg512>, igg_fwd_picks<kIgg512>, false, plan_igg_images,
     run_igg_fwd<kIgg512>},
    {"igemm_grouped__scalar", igg_fwd<kIggScalar>, never, false, plan_igg_images, run_igg_fwd<kIggScalar>},
    {"igemm_small__avx2", conv_small_active, conv_small_active, false, plan_fwd<ConvKernel::igemm_small>, run_fwd},
    // grouped layers, any stride, dilation and padding: no im2col copies, no thin GEMMs
    {"igemm_phase__avx512", igemm_phase_avx512_active, never, false,
     plan_fwd<ConvKernel::igemm_phase_avx512>, run_fwd},
    {"igemm_phase__avx2", igemm_phase_avx2_active, never, false, plan_fwd<ConvKernel::igemm_phase_avx2>,
     run_fwd},
    {"igemm_phase__scalar", igemm_phase_fits, never, false, plan_fwd<ConvKernel::igemm_phase_scalar>, run_fwd},
    {"igemm_dense__avx512", igemm_dense_avx512_active, never, false, plan_fwd<ConvKernel::igemm_dense_avx512>,
     run_fwd},
    {"igemm_dense__avx2", igemm_dense_avx2_active, dense_avx2_picks, false, plan_fwd<ConvKernel::igemm_dense_avx2>,
     run_fwd},
    {"igemm_dense__scalar", igemm_dense_fits, never, false, plan_fwd<ConvKernel::igemm_dense_scalar>, run_fwd},
    {"pointwise__avx512", pointwise_512, pointwise_512, false, plan_fwd<ConvKernel::pointwise>, run_fwd},
    {"im2col_sgemm", always, always, false, plan_fwd<ConvKernel::im2col_sgemm>, run_fwd},
};

const ConvImpl kBackwardDataList[] = {
    // grouped layers with 5 to 64 channels per group (ResNeXt) on AVX2: ahead of Winograd, whose portable
    // transforms and per-group GEMMs are slower for them; on AVX-512 the entries below keep their order
    {"igemm_grouped__avx2", igg_data<kIgg2>, igg_data_picks_avx2, false, plan_igg_images, run_igg_data<kIgg2>},
    {"winograd_f2x3__avx512", wino_data_512, wino_data_512_picks, true,
     plan_wino<plan_winograd_backward_data, false>, run_wino_data},
    {"winograd_f2x3__scalar", winograd_fits_backward_data, wino_data_picks, true,
     plan_wino<plan_winograd_backward_data, true>, run_wino_data},
    {"dw_blocked__avx512", dwb<kDwb512>, dwb_picks<kDwb512>, false, plan_dwb<kDwb512, false>,
     run_dwb_data<kDwb512>},
    {"dw_blocked__avx2", dwb<kDwb2>, dwb_picks<kDwb2>, false, plan_dwb<kDwb2, false>, run_dwb_data<kDwb2>},
    {"dw_blocked__scalar", dwb<kDwbScalar>, never, false, plan_dwb<kDwbScalar, false>, run_dwb_data<kDwbScalar>},
    {"dw_direct__avx512", dw_direct_avx512_active, dw_data_512_picks, false,
     plan_data<ConvKernel::dw_direct_avx512>, run_data},
    {"dw_direct__avx2", dw_direct_avx2_active, dw_data_2_picks, false, plan_data<ConvKernel::dw_direct_avx2>,
     run_data},
    {"dw_direct__scalar", dw_direct_fits, never, false, plan_data<ConvKernel::dw_direct_scalar>, run_data},
    {"grouped_direct__scalar", use_direct, use_direct, false, plan_data<ConvKernel::grouped_direct>, run_data},
    // a forward correlation of dy with the flipped filters (conv_implicit.h)
    {"igemm_rows__avx512", conv_implicit_bwd_data_active, conv_implicit_bwd_data_active, false,
     plan_data<ConvKernel::igemm_rows>, run_data},
    {"igemm_rows__avx2", conv_implicit_bwd_data_avx2_active, igemm_rows_avx2_data_picks, false,
     plan_data<ConvKernel::igemm_rows_avx2>, run_data},
    {"igemm_dense__avx512", igemm_dense_bwd_data_avx512_active, never, false,
     plan_data<ConvKernel::igemm_dense_avx512>, run_data},
    {"igemm_dense__avx2", igemm_dense_bwd_data_avx2_active, dense_data_avx2_picks, false,
     plan_data<ConvKernel::igemm_dense_avx2>, run_data},
    {"igemm_dense__scalar", igemm_dense_bwd_data_fits, never, false, plan_data<ConvKernel::igemm_dense_scalar>,
     run_data},
    // unit stride: a forward correlation of dy with the flipped filters (conv_igemm_grouped.h)
    {"igemm_grouped__avx512", igg_data<kIgg512>, igg_data_picks<kIgg512>, false, plan_igg_images,
     run_igg_data<kIgg512>},
    {"igemm_grouped__scalar", igg_data<kIggScalar>, never, false, plan_igg_images, run_igg_data<kIggScalar>},
    {"pointwise__avx512", pointwise_512, pointwise_512, false, plan_data<ConvKernel::pointwise>, run_data},
    {"im2col_sgemm", always, always, false, plan_data<ConvKernel::im2col_sgemm>, run_data},
};

const ConvImpl kBackwardWeightsList[] = {
    // grouped layers with 5 to 64 channels per group (ResNeXt) on AVX2: ahead of Winograd, whose portable
    // transforms and per-group GEMMs are slower for them; on AVX-512 the entries below keep their order
    {"igemm_grouped__avx2", igg_wgt<kIgg2>, igg_wgt_picks_avx2, false, plan_igg_groups, run_igg_wgt<kIgg2>},
    {"winograd_f2x3__avx512", wino_wgt_512, wino_wgt_512_picks, true,
     plan_wino<plan_winograd_backward_weights, false>, run_wino_wgt},
    {"winograd_f2x3__scalar", winograd_fits_backward_weights, wino_wgt_picks, true,
     plan_wino<plan_winograd_backward_weights, true>, run_wino_wgt},
    // depthwise up to 7x7, each channel block's sums over images, rows and columns in one task, in order
    {"dw_blocked__avx512", dwb<kDwb512>, dwb_picks<kDwb512>, false, plan_dwb<kDwb512, true>, run_dwb_wgt<kDwb512>},
    {"dw_blocked__avx2", dwb<kDwb2>, dwb_picks<kDwb2>, false, plan_dwb<kDwb2, true>, run_dwb_wgt<kDwb2>},
    {"dw_blocked__scalar", dwb<kDwbScalar>, never, false, plan_dwb<kDwbScalar, true>, run_dwb_wgt<kDwbScalar>},
    {"dw_direct__avx512", dw_direct_avx512_active, dw_wgt_512_picks, false, plan_wgt<ConvKernel::dw_direct_avx512>,
     run_wgt},
    {"dw_direct__avx2", dw_direct_avx2_active, dw_wgt_2_picks, false, plan_wgt<ConvKernel::dw_direct_avx2>, run_wgt},
    {"dw_direct__scalar", dw_direct_fits, never, false, plan_wgt<ConvKernel::dw_direct_scalar>, run_wgt},
    {"grouped_direct__scalar", use_direct, use_direct, false, plan_wgt<ConvKernel::grouped_direct>, run_wgt},
    {"igemm_rows__avx512", conv_implicit_wgrad_active, conv_implicit_wgrad_active, false,
     plan_wgt<ConvKernel::igemm_rows>, run_wgt},
    {"igemm_rows__avx2", conv_implicit_wgrad_avx2_active, igemm_rows_avx2_wgt_picks, false,
     plan_wgt<ConvKernel::igemm_rows_avx2>, run_wgt},
    {"igemm_grouped__avx512", igg_wgt<kIgg512>, igg_wgt_picks<kIgg512>, false, plan_igg_groups,
     run_igg_wgt<kIgg512>},
    {"igemm_grouped__scalar", igg_wgt<kIggScalar>, never, false, plan_igg_groups, run_igg_wgt<kIggScalar>},
    {"pointwise__avx512", pointwise_512, pointwise_512, false, plan_wgt<ConvKernel::pointwise>, run_wgt},
    {"im2col_sgemm", always, always, false, plan_wgt<ConvKernel::im2col_sgemm>, run_wgt},
};

template <int N>
constexpr int length(const ConvImpl (&)[N]) {
    return N;
}

// The entry `index` of `direction` for g: -1 chooses (conv_impl_select). Null when the direction or index is out
// of range or the entry does not apply.
const ConvImpl *entry(const ConvGeo &g, int direction, int index) {
    int count = 0;
    const ConvImpl *list = conv_impls(direction, &count);
    if (list == nullptr) return nullptr;
    if (index < 0) index = conv_impl_select(g, direction);
    if (index < 0 || index >= count || !list[index].applies(g)) return nullptr;
    return &list[index];
}

// Plans the entry once for this call, checks the task range, runs it.
int run_entry(const int32_t *desc, int direction, int index, const ConvOperands &o, int parts, int t0, int t1) {
    ConvGeo g;
    if (!load_conv(desc, g)) return C4J_ERR_BAD_DESCRIPTOR;
    if (o.a == nullptr || o.b == nullptr || o.out == nullptr) return C4J_ERR_NULL_POINTER;
    const ConvImpl *impl = entry(g, direction, index);
    if (impl == nullptr) return C4J_ERR_BAD_DESCRIPTOR;
    const ConvImplPlan p = impl->plan(g, parts);
    if (t0 < 0 || t1 < t0 || t1 > p.tasks) return C4J_ERR_BAD_DESCRIPTOR;
    return impl->run(g, p, o, t0, t1);
}

}  // namespace

const ConvImpl *conv_impls(int direction, int *count) {
    switch (direction) {
        case kForward: *count = length(kForwardList); return kForwardList;
        case kBackwardData: *count = length(kBackwardDataList); return kBackwardDataList;
        case kBackwardWeights: *count = length(kBackwardWeightsList); return kBackwardWeightsList;
        default: *count = 0; return nullptr;
    }
}

int conv_impl_select(const ConvGeo &g, int direction) {
    int count = 0;
    const ConvImpl *list = conv_impls(direction, &count);
    for (int i = 0; i < count; ++i)
        if (list[i].picks(g)) return i;
    return -1;
}

}  // namespace c4j

extern "C" int c4j_conv2d_impl_count(int direction) {
    int count = 0;
    c4j::conv_impls(direction, &count);
    return count;
}

extern "C" const char *c4j_conv2d_impl_name(int direction, int index) {
    int count = 0;
    const c4j::ConvImpl *list = c4j::conv_impls(direction, &count);
    return index >= 0 && index < count ? list[index].name : nullptr;
}

extern "C" int c4j_conv2d_impl_select(const int32_t *desc, int direction) {
    c4j::ConvGeo g;
    if (!c4j::load_conv(desc, g)) return -1;
    return c4j::conv_impl_select(g, direction);
}

extern "C" int c4j_conv2d_impl_applies(const int32_t *desc, int direction, int index) {
    c4j::ConvGeo g;
    if (index < 0 || !c4j::load_conv(desc, g)) return 0;
    return c4j::entry(g, direction, index) != nullptr ? 1 : 0;
}

extern "C" int c4j_conv2d_impl_tasks(const int32_t *desc, int direction, int index, int parts) {
    c4j::ConvGeo g;
    if (!c4j::load_conv(desc, g)) return 0;
    const c4j::ConvImpl *impl = c4j::entry(g, direction, index);
    return impl != nullptr ? static_cast<int>(impl->plan(g, parts).tasks) : 0;
}

extern "C" int c4j_conv2d_forward_impl(const int32_t *desc, int index, const float *x, const float *w,
                                       const float *bias, float *y, int parts, int task_begin, int task_end) {
    return c4j::run_entry(desc, c4j::kForward, index, c4j::ConvOperands{x, w, bias, y}, parts, task_begin, task_end);
}

extern "C" int c4j_conv2d_backward_data_impl(const int32_t *desc, int index, const float *dy, const float *w,
                                             float *dx, int parts, int task_begin, int task_end) {
    return c4j::run_entry(desc, c4j::kBackwardData, index, c4j::ConvOperands{dy, w, nullptr, dx}, parts, task_begin,
                          task_end);
}

extern "C" int c4j_conv2d_backward_weights_impl(const int32_t *desc, int index, const float *dy, const float *x,
                                                float *dw, int parts, int task_begin, int task_end) {
    return c4j::run_entry(desc, c4j::kBackwardWeights, index, c4j::ConvOperands{dy, x, nullptr, dw}, parts,
                          task_begin, task_end);
}

// The entry points without an index choose by the list.
extern "C" int c4j_conv2d_forward_tasks(const int32_t *desc, int parts) {
    return c4j_conv2d_impl_tasks(desc, c4j::kForward, c4j_conv2d_impl_select(desc, c4j::kForward), parts);
}
extern "C" int c4j_conv2d_forward(const int32_t *desc, const float *x, const float *w, const float *bias, float *y,
                                  int parts, int task_begin, int task_end) {
    return c4j_conv2d_forward_impl(desc, -1, x, w, bias, y, parts, task_begin, task_end);
}
extern "C" int c4j_conv2d_backward_data_tasks(const int32_t *desc, int parts) {
    return c4j_conv2d_impl_tasks(desc, c4j::kBackwardData, c4j_conv2d_impl_select(desc, c4j::kBackwardData), parts);
}
extern "C" int c4j_conv2d_backward_data(const int32_t *desc, const float *dy, const float *w, float *dx, int parts,
                                        int task_begin, int task_end) {
    return c4j_conv2d_backward_data_impl(desc, -1, dy, w, dx, parts, task_begin, task_end);
}
extern "C" int c4j_conv2d_backward_weights_tasks(const int32_t *desc, int parts) {
    return c4j_conv2d_impl_tasks(desc, c4j::kBackwardWeights, c4j_conv2d_impl_select(desc, c4j::kBackwardWeights),
                                 parts);
}
extern "C" int c4j_conv2d_backward_weights(const int32_t *desc, const float *dy, const float *x, float *dw, int parts,
                                           int task_begin, int task_end) {
    return c4j_conv2d_backward_weights_impl(desc, -1, dy, x, dw, parts, task_begin, task_end);
}

extern "C" int c4j_conv2d_uses_winograd(const int32_t *desc, int direction, int parts) {
    (void)parts;  // the choice does not depend on the thread count
    const char *name = c4j_conv2d_impl_name(direction, c4j_conv2d_impl_select(desc, direction));
    return name != nullptr && std::strncmp(name, "winograd", 8) == 0 ? 1 : 0;
}
