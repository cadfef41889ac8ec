// Which shapes the phase-plane implicit GEMM takes (see conv_igemm_phase.h).
#include "conv/conv_igemm_phase.h"

#include "conv/conv_dw.h"
#include "conv/conv_plan.h"
#include "runtime/cpu_features.h"

namespace c4j {

bool igemm_phase_fits(const ConvGeo &g) {
    constexpr int64_t kMax = int64_t(1) << 24;
    // 32 floats: the widest column chunk (2 AVX-512 vectors) the planes are padded to
    return !g.pointwise() && dw_phase_planes_fit(g, 32) && g.kg <= kMax / g.cog;
}

bool igemm_phase_pays(const ConvGeo &g) {
    // Grouped layers only: a group's GEMM (cog rows, cig * kh * kw deep) is too thin for OpenBLAS to pay for
    // its packing and for im2col's copies. Dense strided and dilated layers, for which this kernel was also
    // written, ran 3 to 15 times slower than im2col + sgemm with 128 and 256 channels (AVX2, one thread),
    // and the stem and a 32-channel stride-2 layer 1.6 to 1.7 times slower: their one GEMM is large enough.
    return igemm_phase_fits(g) && g.groups > 1 && !use_direct(g);
}

bool igemm_phase_avx2_active(const ConvGeo &g) {
    return igemm_phase_fits(g) && igemm_phase_avx2() != nullptr && cpu_use_avx2_fma();
}

bool igemm_phase_avx512_active(const ConvGeo &g) {
    return igemm_phase_fits(g) && igemm_phase_avx512() != nullptr && cpu_use_avx512();
}

}  // namespace c4j
