// When the whole-plane AVX-512 pooling kernels apply (pool_planes.h): the shape, the CPU, the switch.
#include "pool/pool_planes.h"

#include "runtime/buffer.h"
#include "runtime/cpu_features.h"

namespace c4j {
namespace {

bool avx512_on() { return pool_planes_avx512_built() && cpu_use_avx512(); }
// AVX2 bodies for the shapes with an AVX-512 one on AVX2 machines (or under an AVX2 cap)
bool avx2_on() { return pool_planes_avx2_built() && cpu_use_avx2_fma(); }

// 2x2 windows, stride 2, no padding, every window inside the input (ceil mode's partial windows excluded).
bool is_k2s2(const PoolGeo &g) {
    return g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.ph == 0 && g.pw == 0 &&
           2 * static_cast<int64_t>(g.hout) <= g.h && 2 * static_cast<int64_t>(g.wout) <= g.w;
}

// 3x3 windows, stride 2, padding 1 (any size, either rounding mode: the kernel masks the border).
bool is_k3s2p1(const PoolGeo &g) {
    return g.kh == 3 && g.kw == 3 && g.sh == 2 && g.sw == 2 && g.ph == 1 && g.pw == 1;
}

}  // namespace

bool pool_planes_max_forward(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1) {
    if (!avx512_on()) {
        if (!avx2_on() || !is_k2s2(g)) return false;
        k2s2_max_forward_avx2(g, x, y, t0, t1);
        return true;
    }
    if (is_k2s2(g)) {
        k2s2_max_forward_avx512(g, x, y, t0, t1);
        return true;
    }
    if (is_k3s2p1(g)) {
        k3s2p1_max_forward_avx512(g, x, y, t0, t1);
        return true;
    }
    return false;
}

bool pool_planes_max_backward(const PoolGeo &g, const float *dy, const float *x, float *dx, int64_t t0, int64_t t1) {
    if (!avx512_on()) {
        if (!avx2_on() || !is_k2s2(g)) return false;
        k2s2_max_backward_avx2(g, dy, x, dx, t0, t1);
        return true;
    }
    if (is_k2s2(g)) {
        k2s2_max_backward_avx512(g, dy, x, dx, t0, t1);
        return true;
    }
    if (is_k3s2p1(g)) {
        FloatBuffer carry(2 * (static_cast<int64_t>(g.wout) + 16) + 32);
        if (!carry.ok()) return false;  // the generic path reports the allocation failure
        k3s2p1_max_backward_avx512(g, dy, x, dx, t0, t1, carry.get());
        return true;
    }
    return false;
}

bool pool_planes_avg_forward(const PoolGeo &g, const float *x, float *y, int64_t t0, int64_t t1) {
    if (!is_k2s2(g)) return false;
    if (avx512_on()) {
        k2s2_avg_forward_avx512(g, x, y, t0, t1);
        return true;
    }
    if (!avx2_on()) return false;
    k2s2_avg_forward_avx2(g, x, y, t0, t1);
    return true;
}

bool pool_planes_avg_backward(const PoolGeo &g, const float *dy, float *dx, int64_t t0, int64_t t1) {
    if (!is_k2s2(g)) return false;
    if (avx512_on()) {
        k2s2_avg_backward_avx512(g, dy, dx, t0, t1);
        return true;
    }
    if (!avx2_on()) return false;
    k2s2_avg_backward_avx2(g, dy, dx, t0, t1);
    return true;
}

bool pool_planes_max_forward_indices(const PoolGeo &g, const float *x, float *y, int32_t *idx, int64_t t0,
                                     int64_t t1) {
    if (!is_k2s2(g)) return false;
    if (avx512_on()) {
        k2s2_max_forward_indices_avx512(g, x, y, idx, t0, t1);
        return true;
    }
    if (!avx2_on()) return false;
    k2s2_max_forward_indices_avx2(g, x, y, idx, t0, t1);
    return true;
}

}  // namespace c4j
