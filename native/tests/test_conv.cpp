// Convolution kernels vs the naive reference: random shapes and every parameter, plus fixed shapes
// that reach each plan (blocked columns, batched images, pointwise, direct grouped). Each run is
// split into task ranges executed in shuffled order, as concurrent Java threads would, into an output
// pre-filled with NaN so an unwritten value shows.
#include <algorithm>
#include <cmath>
#include <functional>

#include "conv4j/conv4j_cpu.h"
#include "harness.h"
#include "reference.h"

namespace t4j {
namespace {

std::vector<Conv> shapes(std::mt19937 &rng) {
    std::vector<Conv> v;
    for (int i = 0; i < 250; ++i) v.push_back(random_conv(rng));
    //        n cin  h  w cout kh kw sh sw pt pb pl pr dh dw g
    v.push_back({2, 64, 30, 30, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});    // columns split into blocks
    v.push_back({1, 300, 40, 40, 5, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1});   // pointwise, blocked
    v.push_back({5, 32, 5, 5, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});     // small images batched
    v.push_back({6, 16, 4, 4, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2});      // pointwise batched, grouped
    v.push_back({1, 3, 37, 41, 8, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1});     // a stem: one image split
    v.push_back({2, 12, 9, 9, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 12});    // depthwise
    v.push_back({2, 8, 9, 9, 16, 3, 3, 2, 2, 2, 0, 1, 2, 2, 1, 4});      // grouped, direct, dilated
    v.push_back({3, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1});    // LeNet conv2: implicit GEMM, 6+6+4 rows
    v.push_back({2, 6, 8, 19, 20, 3, 3, 2, 1, 1, 0, 2, 1, 2, 1, 2});     // implicit GEMM, grouped, dilated, sh=2
    v.push_back({1, 1, 5, 40, 7, 1, 3, 1, 1, 0, 0, 3, 3, 1, 3, 1});      // implicit GEMM, wide rows, strips
    // AVX-512 implicit GEMM (conv_implicit): masked last strip, 6+6+1 channels, strided phases
    v.push_back({2, 3, 20, 70, 13, 3, 5, 2, 2, 1, 2, 3, 1, 1, 1, 1});
    v.push_back({1, 2, 9, 300, 11, 2, 3, 1, 3, 0, 1, 2, 2, 2, 2, 1});    // 7 strips (4 + 3), sw 3, dilated
    v.push_back({2, 4, 12, 33, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2});    // grouped, 5 channels per group
    v.push_back({1, 1, 5, 14, 7, 1, 3, 1, 1, 0, 0, 2, 2, 1, 1, 1});      // exactly one full strip
    v.push_back({1, 3, 64, 64, 64, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1});    // the ResNet stem, smaller
    v.push_back({3, 1, 300, 450, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});   // weight gradient: one image per chunk
    v.push_back({2, 10, 11, 13, 6, 3, 4, 1, 1, 2, 0, 1, 3, 2, 1, 2});    // implicit backward data: grouped, dilated
    v.push_back({2, 4, 3, 40, 9, 2, 5, 1, 1, 1, 0, 0, 4, 1, 1, 1});      // narrow rows: strips of several rows
    // padding and dilation near 2^30 (valid: the windows mostly read padding): no padded copy of the
    // input may be sized by the padding (conv_small's had been 863 million floats: OutOfMemoryError)
    v.push_back({2, 4, 3, 1, 1, 1, 3, 1, 1, 0, 0, 286182246, 576917666, 1, 431549956, 1});
    v.push_back({2, 2, 3, 11, 4, 2, 5, 2, 1, 199144919, 272570206, 5, 1, 471715124, 3, 1});
    v.push_back({3, 4, 1, 9, 3, 3, 1, 1, 1, 231118286, 49536084, 0, 0, 140327185, 1, 1});
    // padded plane about 2^60 floats: the weight gradient's "padded copy fits" test overflowed int64
    v.push_back({1, 24, 3, 2, 6, 3, 2, 2147483647, 1, 877874667, 7604654, 932526875, 113696138, 442739661,
                 1046223011, 1});
    return v;
}

float tol_for(const Conv &c) { return c.cin / c.groups * c.kh * c.kw > 200 ? 1e-3f : 2e-4f; }

}  // namespace

void suite_conv_forward() {
    std::mt19937 rng(11);
    for (const Conv &c : shapes(rng)) {
        std::vector<int32_t> d = c.desc();
        auto x = random_values(rng, c.xsize()), w = random_values(rng, c.wsize()), b = random_values(rng, c.cout);
        for (int with_bias = 0; with_bias < 2; ++with_bias) {
            const float *bias = with_bias ? b.data() : nullptr;
            auto expected = ref_conv_forward(c, x, w, bias);
            for (int parts = 1; parts <= 3; ++parts) {
                std::vector<float> y(expected.size(), NAN);
                int tasks = c4j_conv2d_forward_tasks(d.data(), parts);
                T4J_EXPECT(tasks >= 1, "%s", c.str().c_str());
                std::string what = c.str() + (with_bias ? " bias" : "") + " parts " + std::to_string(parts);
                if (run_tasks_shuffled(rng, tasks, parts, [&](int p, int t0, int t1) {
                        return c4j_conv2d_forward(d.data(), x.data(), w.data(), bias, y.data(), p, t0, t1);
                    }, what))
                    close_enough(expected, y, "forward " + what, tol_for(c));
            }
        }
    }
}

void suite_conv_backward_data() {
    std::mt19937 rng(12);
    for (const Conv &c : shapes(rng)) {
        std::vector<int32_t> d = c.desc();
        auto dy = random_values(rng, c.ysize()), w = random_values(rng, c.wsize());
        auto expected = ref_conv_backward_data(c, dy, w);
        for (int parts = 1; parts <= 3; ++parts) {
            std::vector<float> dx(expected.size(), NAN);
            int tasks = c4j_conv2d_backward_data_tasks(d.data(), parts);
            std::string what = c.str() + " parts " + std::to_string(parts);
            if (run_tasks_shuffled(rng, tasks, parts, [&](int p, int t0, int t1) {
                    return c4j_conv2d_backward_data(d.data(), dy.data(), w.data(), dx.data(), p, t0, t1);
                }, what))
                close_enough(expected, dx, "backward data " + what, tol_for(c));
        }
    }
}

void suite_conv_backward_weights() {
    std::mt19937 rng(13);
    for (const Conv &c : shapes(rng)) {
        std::vector<int32_t> d = c.desc();
        auto dy = random_values(rng, c.ysize()), x = random_values(rng, c.xsize());
        auto expected = ref_conv_backward_weights(c, dy, x);
        for (int parts = 1; parts <= 3; ++parts) {
            std::vector<float> dw(expected.size(), NAN);
            int tasks = c4j_conv2d_backward_weights_tasks(d.data(), parts);
            std::string what = c.str() + " parts " + std::to_string(parts);
            if (run_tasks_shuffled(rng, tasks, parts, [&](int p, int t0, int t1) {
                    return c4j_conv2d_backward_weights(d.data(), dy.data(), x.data(), dw.data(), p, t0, t1);
                }, what))
                close_enough(expected, dw, "backward weights " + what, 1e-3f);
        }
    }
}

void suite_conv_bias() {
    std::mt19937 rng(14);
    for (int iter = 0; iter < 100; ++iter) {
        int n = std::uniform_int_distribution<int>(1, 5)(rng), c = std::uniform_int_distribution<int>(1, 9)(rng);
        int hw = std::uniform_int_distribution<int>(1, 300)(rng);
        auto dy = random_values(rng, int64_t(n) * c * hw);
        std::vector<float> expected(c, 0.f);
        for (int ch = 0; ch < c; ++ch) {
            double s = 0;
            for (int i = 0; i < n; ++i)
                for (int q = 0; q < hw; ++q) s += dy[(int64_t(i) * c + ch) * hw + q];
            expected[ch] = float(s);
        }
        std::vector<float> db(c, NAN);
        int mid = c / 2;
        T4J_EXPECT(c4j_conv2d_backward_bias(n, c, hw, dy.data(), db.data(), mid, c) == C4J_OK, "bias");
        T4J_EXPECT(c4j_conv2d_backward_bias(n, c, hw, dy.data(), db.data(), 0, mid) == C4J_OK, "bias");
        close_enough(expected, db, "bias n" + std::to_string(n) + " c" + std::to_string(c) + " hw" + std::to_string(hw),
                     1e-4f);
    }
}

}  // namespace t4j
