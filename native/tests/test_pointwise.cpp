// 1x1 stride-1 unpadded convolutions (conv_pointwise: conv4j's AVX-512 GEMM reading x, dy and W in place;
// OpenBLAS when scalar kernels are forced) vs the naive reference: random channel counts (not multiples of
// 8 or 16), planes whose position count is not a multiple of 16, 32 or the weight gradient's 128-position
// chunks, groups, and fixed shapes reaching the column chunking (many input channels) and a plan split
// between threads, in all three directions (conv_check.h: tolerance, exact small integers, shuffled tasks).
#include <cstdio>
#include <string>

#include "conv4j/conv4j_cpu.h"
#include "conv_check.h"
#include "harness.h"
#include "reference.h"

namespace t4j {
namespace {

Conv random_1x1(std::mt19937 &rng) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    Conv c{};
    c.n = r(1, 3);
    c.groups = r(0, 3) == 0 ? r(2, 3) : 1;
    c.cin = r(1, 40) * c.groups;
    c.cout = r(1, 40) * c.groups;
    c.h = r(1, 17);
    c.w = r(1, 23);
    c.kh = c.kw = 1;
    c.sh = c.sw = c.dh = c.dw = 1;
    c.pt = c.pb = c.pl = c.pr = 0;
    return c;
}

}  // namespace

void suite_pointwise() {
    std::mt19937 rng(23);
    // which kernels run: conv4j's AVX-512 GEMM unless the scalar kernels are forced (test_main runs both)
    std::printf("pointwise kernels: %s\n", c4j_cpu_features() & C4J_CPU_AVX512 ? "AVX-512" : "OpenBLAS");
    std::vector<Conv> shapes;
    for (int i = 0; i < 60; ++i) shapes.push_back(random_1x1(rng));
    //               n  cin  h   w cout kh kw sh sw pt pb pl pr dh dw g
    shapes.push_back({2, 300, 9, 15, 20, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1});  // column chunks of 32
    shapes.push_back({1, 64, 17, 19, 70, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1});  // 323 positions: 3 wgrad chunks
    shapes.push_back({3, 33, 1, 1, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1});     // one position per image
    shapes.push_back({2, 48, 6, 7, 48, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 3});    // groups of 16
    // fewer output than input channels: the weight gradient transposes dy and builds dW^T (several chunks)
    shapes.push_back({2, 70, 13, 11, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1});
    shapes.push_back({1, 90, 5, 31, 18, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2});   // and per group
    for (const Conv &c : shapes) {
        for (int ints = 0; ints < 2; ++ints) {
            check_conv_forward(rng, c, ints != 0, "pointwise", nullptr);
            check_conv_backward_data(rng, c, ints != 0, "pointwise", nullptr);
            check_conv_backward_weights(rng, c, ints != 0, "pointwise", nullptr, true);
        }
    }
}

}  // namespace t4j
