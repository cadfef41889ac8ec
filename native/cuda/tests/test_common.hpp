/*
 * Shared helpers of the host-harness tests: random shapes, guarded buffers (canaries on both sides catch a
 * stray write even without AddressSanitizer), comparison against the double reference with an error bound,
 * and a tiny check/report scaffold (each test binary returns non-zero on the first failure).
 */
#ifndef CONV4J_CUDA_TEST_COMMON_HPP
#define CONV4J_CUDA_TEST_COMMON_HPP

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../kernels/dims.cuh"
#include "host_emulator.hpp"
#include "reference.hpp"

namespace c4j {
namespace cuda {
namespace test {

constexpr float CANARY = 1234567.0f;
constexpr size_t GUARD = 64;

/* A float array with GUARD canary values before and after it. */
class Guarded {
public:
    explicit Guarded(size_t n, float fill = CANARY) : n_(n), v_(n + 2 * GUARD, CANARY) {
        for (size_t i = 0; i < n; i++) v_[GUARD + i] = fill;
    }
    float* data() { return v_.data() + GUARD; }
    const float* data() const { return v_.data() + GUARD; }
    size_t size() const { return n_; }
    float& operator[](size_t i) { return v_[GUARD + i]; }
    float operator[](size_t i) const { return v_[GUARD + i]; }
    bool guards_intact() const {
        for (size_t i = 0; i < GUARD; i++) {
            if (v_[i] != CANARY || v_[GUARD + n_ + i] != CANARY) return false;
        }
        return true;
    }

private:
    size_t n_;
    std::vector<float> v_;
};

inline Guarded random_buffer(size_t n, std::mt19937& rng) {
    Guarded b(n);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    for (size_t i = 0; i < n; i++) b[i] = u(rng);
    return b;
}

/* Values with many exact ties (multiples of 1/4 in a small range): exercises the first-maximum rule. */
inline Guarded tie_buffer(size_t n, std::mt19937& rng) {
    Guarded b(n);
    std::uniform_int_distribution<int> u(-3, 3);
    for (size_t i = 0; i < n; i++) b[i] = u(rng) * 0.25f;
    return b;
}

inline int g_failures = 0;
inline int g_checks = 0;

inline void fail(const std::string& what) {
    if (g_failures < 20) std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    g_failures++;
}

/*
 * Every element within the worst-case float error of its reference: terms * 2^-23 * (sum of |terms|), plus a
 * floor for sums that cancel to zero. An indexing mistake moves a value by a whole term, far beyond this.
 */
inline bool close_to(const Guarded& got, const ref::Result& want, const std::string& what) {
    g_checks++;
    if (!got.guards_intact()) {
        fail(what + ": wrote outside the output buffer");
        return false;
    }
    for (size_t i = 0; i < got.size(); i++) {
        double tol = (want.terms[i] + 2) * 1.2e-7 * want.mag[i] + 1e-30;
        if (!(std::fabs((double)got[i] - want.v[i]) <= tol)) {
            char buf[256];
            std::snprintf(buf, sizeof buf, ": element %zu is %.9g, expected %.9g (tolerance %.3g)", i, got[i], want.v[i], tol);
            fail(what + buf);
            return false;
        }
    }
    return true;
}

inline bool same_bits(const Guarded& a, const Guarded& b, const std::string& what) {
    g_checks++;
    if (a.size() != b.size() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) != 0) {
        fail(what + ": results differ between runs");
        return false;
    }
    return true;
}

inline bool equal_exactly(const Guarded& got, const std::vector<float>& want, const std::string& what) {
    g_checks++;
    if (!got.guards_intact()) {
        fail(what + ": wrote outside the output buffer");
        return false;
    }
    for (size_t i = 0; i < got.size(); i++) {
        bool same = got[i] == want[i] || (std::isnan(got[i]) && std::isnan(want[i]));
        if (!same) {
            char buf[200];
            std::snprintf(buf, sizeof buf, ": element %zu is %.9g, expected %.9g", i, got[i], want[i]);
            fail(what + buf);
            return false;
        }
    }
    return true;
}

/* A conv descriptor with the output size computed here; hout/wout < 1 means the kernel does not fit. */
struct ConvCase {
    int32_t desc[C4J_CONV_DESC_LEN];
    std::string name() const {
        char b[256];
        const int32_t* d = desc;
        std::snprintf(b, sizeof b, "x[%d,%d,%d,%d] w[%d,%d,%d,%d] s%dx%d p%d,%d,%d,%d d%dx%d g%d -> %dx%d", d[0], d[1],
                      d[2], d[3], d[4], d[1] / d[15], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
                      d[15], d[16], d[17]);
        return b;
    }
};

inline bool make_conv(ConvCase& c, int n, int cin, int h, int w, int cout, int kh, int kw, int sh, int sw, int pt,
                      int pb, int pl, int pr, int dh, int dw, int groups) {
    int32_t* d = c.desc;
    d[C4J_CONV_N] = n;
    d[C4J_CONV_CIN] = cin;
    d[C4J_CONV_H] = h;
    d[C4J_CONV_W] = w;
    d[C4J_CONV_COUT] = cout;
    d[C4J_CONV_KH] = kh;
    d[C4J_CONV_KW] = kw;
    d[C4J_CONV_SH] = sh;
    d[C4J_CONV_SW] = sw;
    d[C4J_CONV_PAD_TOP] = pt;
    d[C4J_CONV_PAD_BOTTOM] = pb;
    d[C4J_CONV_PAD_LEFT] = pl;
    d[C4J_CONV_PAD_RIGHT] = pr;
    d[C4J_CONV_DH] = dh;
    d[C4J_CONV_DW] = dw;
    d[C4J_CONV_GROUPS] = groups;
    d[C4J_CONV_HOUT] = (int32_t)conv_out(h, pt, pb, kh, dh, sh);
    d[C4J_CONV_WOUT] = (int32_t)conv_out(w, pl, pr, kw, dw, sw);
    return d[C4J_CONV_HOUT] > 0 && d[C4J_CONV_WOUT] > 0 && conv_dims_ok(conv_dims(d));
}

/* A random valid convolution: strides, asymmetric padding, dilation, groups (incl. depthwise) all drawn. */
inline ConvCase random_conv(std::mt19937& rng) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (;;) {
        int groups = r(0, 3) == 0 ? r(2, 4) : 1;
        int cinG = r(1, 5), coutG = r(1, 6);
        bool depthwise = r(0, 6) == 0;
        if (depthwise) {
            groups = r(2, 6);
            cinG = 1;
            coutG = r(1, 2);
        }
        ConvCase c;
        if (make_conv(c, r(1, 3), cinG * groups, r(1, 12), r(1, 12), coutG * groups, r(1, 4), r(1, 4), r(1, 3),
                      r(1, 3), r(0, 2), r(0, 2), r(0, 2), r(0, 2), r(1, 2), r(1, 2), groups)) {
            return c;
        }
    }
}

struct PoolCase {
    int32_t desc[C4J_POOL_DESC_LEN];
    std::string name() const {
        char b[200];
        const int32_t* d = desc;
        std::snprintf(b, sizeof b, "x[%d,%d,%d,%d] k%dx%d s%dx%d p%d,%d -> %dx%d cip=%d", d[0], d[1], d[2], d[3], d[4],
                      d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12]);
        return b;
    }
};

inline bool make_pool(PoolCase& c, int n, int ch, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                      bool ceil_mode, bool cip) {
    int32_t* d = c.desc;
    d[C4J_POOL_N] = n;
    d[C4J_POOL_C] = ch;
    d[C4J_POOL_H] = h;
    d[C4J_POOL_W] = w;
    d[C4J_POOL_KH] = kh;
    d[C4J_POOL_KW] = kw;
    d[C4J_POOL_SH] = sh;
    d[C4J_POOL_SW] = sw;
    d[C4J_POOL_PAD_H] = ph;
    d[C4J_POOL_PAD_W] = pw;
    d[C4J_POOL_HOUT] = (int32_t)pool_out(h, ph, kh, sh, ceil_mode);
    d[C4J_POOL_WOUT] = (int32_t)pool_out(w, pw, kw, sw, ceil_mode);
    d[C4J_POOL_COUNT_INCLUDE_PAD] = cip ? 1 : 0;
    return d[C4J_POOL_HOUT] > 0 && d[C4J_POOL_WOUT] > 0 && pool_dims_ok(pool_dims(d));
}

inline PoolCase random_pool(std::mt19937& rng) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (;;) {
        int kh = r(1, 5), kw = r(1, 5);
        PoolCase c;
        if (make_pool(c, r(1, 2), r(1, 3), r(1, 11), r(1, 11), kh, kw, r(1, 4), r(1, 4), r(0, kh / 2), r(0, kw / 2),
                      r(0, 1) == 1, r(0, 1) == 1)) {
            return c;
        }
    }
}

/* Name of a forced kernel path, for failure messages. */
inline const char* path_name(host::Path p) {
    switch (p) {
        case host::Path::SMALL: return "small tile";
        case host::Path::WIDE: return "wide tile";
        case host::Path::LARGE: return "large tile";
        case host::Path::DIRECT: return "direct";
        default: return "auto";
    }
}

/* The i-th forced path of a rotation over every kernel: the three tile shapes, and the direct one if it applies. */
inline host::Path forced_path(int i, bool direct_applies) {
    const host::Path all[] = {host::Path::SMALL, host::Path::WIDE, host::Path::LARGE, host::Path::DIRECT};
    return all[i % (direct_applies ? 4 : 3)];
}

inline int finish(const char* name) {
    if (g_failures) {
        std::fprintf(stderr, "%s: %d of %d checks failed\n", name, g_failures, g_checks);
        return 1;
    }
    std::printf("%s: %d checks passed\n", name, g_checks);
    return 0;
}

}  // namespace test
}  // namespace cuda
}  // namespace c4j

#endif
