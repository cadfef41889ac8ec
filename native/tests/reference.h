// Naive reference kernels (straight from the definitions) for the tests.
#ifndef CONV4J_TEST_REFERENCE_H
#define CONV4J_TEST_REFERENCE_H

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace t4j {

struct Conv {
    int n, cin, h, w, cout, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups;
    // the descriptor's C4J_CONV_ALGO: Winograd where it measured faster unless a test says otherwise
    int algo = 1;  // C4J_WINOGRAD_AUTO
    int hout() const { return (h + pt + pb - dh * (kh - 1) - 1) / sh + 1; }
    int wout() const { return (w + pl + pr - dw * (kw - 1) - 1) / sw + 1; }
    std::vector<int32_t> desc() const;
    int64_t xsize() const { return int64_t(n) * cin * h * w; }
    int64_t wsize() const { return int64_t(cout) * (cin / groups) * kh * kw; }
    int64_t ysize() const { return int64_t(n) * cout * hout() * wout(); }
    std::string str() const;
};

struct Pool {
    int n, c, h, w, kh, kw, sh, sw, ph, pw;
    bool ceil, count_include_pad;
    int hout() const { return out(h, kh, sh, ph); }
    int wout() const { return out(w, kw, sw, pw); }
    int out(int in, int k, int s, int p) const;
    std::vector<int32_t> desc() const;
    std::string str() const;
};

Conv random_conv(std::mt19937 &rng);
Pool random_pool(std::mt19937 &rng);

std::vector<float> ref_conv_forward(const Conv &c, const std::vector<float> &x, const std::vector<float> &w,
                                    const float *bias);
std::vector<float> ref_conv_backward_data(const Conv &c, const std::vector<float> &dy, const std::vector<float> &w);
std::vector<float> ref_conv_backward_weights(const Conv &c, const std::vector<float> &dy, const std::vector<float> &x);
std::vector<float> ref_max_pool(const Pool &p, const std::vector<float> &x);
std::vector<float> ref_max_pool_backward(const Pool &p, const std::vector<float> &dy, const std::vector<float> &x);
std::vector<float> ref_avg_pool(const Pool &p, const std::vector<float> &x);
std::vector<float> ref_avg_pool_backward(const Pool &p, const std::vector<float> &dy);

}  // namespace t4j

#endif
