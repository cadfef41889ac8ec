// The choice among the direct kernels' flavours, and the phase planes igemm_phase reads (see conv_dw.h).
#include "conv/conv_dw.h"

#include <algorithm>
#include <cstring>

#include "conv/conv_plan.h"
#include "runtime/cpu_features.h"

namespace c4j {

bool dw_phase_planes_fit(const ConvGeo &g, int width) {
    // divided, not multiplied: with padding or dilation near 2^30 the plane's sides reach 2^31 each
    constexpr int64_t kMax = int64_t(1) << 24;
    const int64_t rows = dw_rows(g), cols = dw_cols(g, width);
    if (rows > kMax || cols > kMax || rows * cols > kMax / g.sw) return false;
    const int64_t floats = dw_plane(g, width);
    return floats <= kMax / g.cig && padded_copy_affordable(g, g.cig * floats);
}

bool dw_direct_fits(const ConvGeo &g) { return use_direct(g) && g.sw <= kDwMaxStride; }

bool dw_direct_pays_forward(const ConvGeo &g) { return g.wout >= 32; }
bool dw_direct_pays_backward_data(const ConvGeo &g) { return g.sw == 1 && g.w >= 32; }
bool dw_direct_pays_backward_weights(const ConvGeo &g) { return g.wout >= 8; }

bool dw_direct_avx2_active(const ConvGeo &g) {
    return dw_direct_fits(g) && dw_kernels_avx2().forward != nullptr && cpu_use_avx2_fma();
}

bool dw_direct_avx512_active(const ConvGeo &g) {
    return dw_direct_fits(g) && dw_kernels_avx512().forward != nullptr && cpu_use_avx512();
}

const DwKernels &dw_kernels_for(ConvKernel k) {
    if (k == ConvKernel::dw_direct_avx512) return dw_kernels_avx512();
    if (k == ConvKernel::dw_direct_avx2) return dw_kernels_avx2();
    return dw_kernels_scalar();
}

// Columns m of phase p that hold input columns (m * sw + p - pl in [0, w)), clipped to [0, cols): [m0, m1).
static void phase_range(const ConvGeo &g, int64_t cols, int p, int64_t &m0, int64_t &m1) {
    m0 = std::max<int64_t>(0, ceil_div(static_cast<int64_t>(g.pl) - p, g.sw));
    m1 = std::min<int64_t>(cols, ceil_div(static_cast<int64_t>(g.w) + g.pl - p, g.sw));
    if (m1 < m0) m1 = m0;
}

void dw_fill_phase_plane(const ConvGeo &g, int width, const float *xp, float *ps) {
    const int64_t rows = dw_rows(g), cols = dw_cols(g, width);
    std::memset(ps, 0, sizeof(float) * static_cast<size_t>(dw_plane(g, width)));
    for (int p = 0; p < g.sw; ++p) {
        int64_t m0, m1;
        phase_range(g, cols, p, m0, m1);
        for (int ih = 0; ih < g.h; ++ih) {
            const float *src = xp + static_cast<int64_t>(ih) * g.w + p - g.pl;  // + m * sw: input column
            float *dst = ps + (static_cast<int64_t>(p) * rows + ih + g.pt) * cols;
            if (g.sw == 1) {
                if (m1 > m0) std::memcpy(dst + m0, src + m0, sizeof(float) * static_cast<size_t>(m1 - m0));
            } else {
                for (int64_t m = m0; m < m1; ++m) dst[m] = src[m * g.sw];
            }
        }
    }
}

void dw_fold_phase_plane(const ConvGeo &g, int width, const float *ps, float *dxp) {
    const int64_t rows = dw_rows(g), cols = dw_cols(g, width);
    // an input column no tap reaches (beyond the last window) has no gradient
    std::memset(dxp, 0, sizeof(float) * static_cast<size_t>(g.in_plane));
    for (int p = 0; p < g.sw; ++p) {
        int64_t m0, m1;
        phase_range(g, cols, p, m0, m1);
        for (int ih = 0; ih < g.h; ++ih) {
            float *dst = dxp + static_cast<int64_t>(ih) * g.w + p - g.pl;
            const float *src = ps + (static_cast<int64_t>(p) * rows + ih + g.pt) * cols;
            if (g.sw == 1) {
                if (m1 > m0) std::memcpy(dst + m0, src + m0, sizeof(float) * static_cast<size_t>(m1 - m0));
            } else {
                for (int64_t m = m0; m < m1; ++m) dst[m * g.sw] = src[m];
            }
        }
    }
}

}  // namespace c4j
