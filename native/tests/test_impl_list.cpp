// The convolution implementation lists: every entry on every shape it applies to (so a fallback the default
// choice never reaches still computes correctly), and which entry the list picks for each layer class of the
// benchmark suite under each ISA cap (src/bench/java/org/conv4j/bench/NetworkLayers.java).
#include <cmath>
#include <cstring>
#include <string>

#include "conv4j/conv4j_cpu.h"
#include "harness.h"
#include "reference.h"

namespace t4j {
namespace {

// Depthwise and few-channels-per-group layers whose rows hold whole vectors of 8 and 16 floats and partial ones
// (widths 7, 14, 15, 37, 67...), both strides and a third, dilation 2, symmetric and asymmetric (TF "same") padding,
// 3x3 and 5x5: the direct kernels' interiors, overlapping last vectors, edges and tails.
std::vector<Conv> depthwise_shapes() {
    //        n cin  h   w cout kh kw sh sw pt pb pl pr dh dw g
    return {{1, 8, 9, 37, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8},        // 3x3 s1, 37 wide
            {2, 6, 15, 15, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6},       // 3x3 s2, odd width
            {1, 4, 14, 14, 4, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 4},       // dilation 2
            {2, 5, 7, 7, 5, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 5},         // 5x5 on 7x7 (narrower than a vector)
            {1, 6, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6},         // width < 8
            {2, 6, 28, 29, 6, 5, 5, 2, 2, 1, 2, 1, 2, 1, 1, 6},       // 5x5 s2, TF same padding (asymmetric)
            {1, 8, 40, 67, 8, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, 8},       // 5x5 s2, 34 outputs a row
            {1, 4, 11, 50, 4, 3, 3, 3, 3, 1, 0, 1, 0, 1, 1, 4},       // stride 3
            {1, 4, 5, 64, 4, 1, 3, 1, 4, 0, 0, 1, 1, 1, 1, 4},        // stride 4
            {1, 12, 10, 70, 12, 3, 3, 1, 2, 1, 1, 0, 2, 1, 2, 4},     // 3 in, 3 out per group, s2, dilation 2
            {1, 16, 12, 100, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16},   // depth multiplier 2, long rows
            {1, 3, 9, 40, 3, 3, 3, 2, 2, 0, 1, 0, 1, 1, 1, 3},        // s2, padding only bottom/right
            // narrow planes, channel counts that fill no block of 8 or 16 (dw_blocked's partial last block)
            {2, 20, 14, 14, 20, 5, 5, 2, 2, 1, 2, 1, 2, 1, 1, 20},   // 5x5 s2, TF same padding
            {1, 40, 7, 7, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 40},     // 3x3 on 7x7
            {2, 24, 13, 11, 24, 3, 3, 2, 2, 0, 1, 0, 1, 1, 1, 24},   // s2, odd sides, bottom/right padding
            {1, 17, 14, 14, 17, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 17},   // dilation 2
            {1, 33, 9, 10, 33, 5, 3, 2, 1, 2, 1, 0, 2, 1, 2, 33},    // 5x3, mixed strides and dilations
            {3, 16, 28, 28, 16, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 16}};  // 5x5 s1 on 28x28, whole blocks
}

std::vector<Conv> shapes(std::mt19937 &rng) {
    std::vector<Conv> v;
    for (int i = 0; i < 60; ++i) v.push_back(random_conv(rng));
    //        n cin  h  w cout kh kw sh sw pt pb pl pr dh dw g
    v.push_back({2, 16, 12, 12, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});   // Winograd fits (16 channels)
    v.push_back({2, 12, 9, 9, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 12});    // depthwise
    v.push_back({2, 10, 11, 11, 10, 5, 5, 2, 2, 1, 2, 1, 2, 1, 1, 10});  // depthwise 5x5 s2, asymmetric padding
    v.push_back({1, 3, 37, 41, 8, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1});     // a stem
    v.push_back({2, 24, 10, 10, 16, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1});   // pointwise
    // one small image, many filters: the 1x1 GEMM's tasks split output channels (forward), and dy by output
    // channels where they outnumber the input channels (weight gradient)
    v.push_back({1, 16, 9, 9, 70, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1});    // pointwise
    v.push_back({1, 20, 13, 13, 66, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1});   // pointwise stride 2 (im2col)
    v.push_back({2, 8, 11, 11, 40, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1});    // pointwise, 5x more outputs than inputs
    v.push_back({1, 8, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});      // 3x3 on one 7x7 plane: channel blocks too
    // one image (or two groups) of >= 512 columns: the 1x1 backward data's tasks split dx's columns
    v.push_back({1, 6, 24, 25, 20, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1});    // pointwise
    v.push_back({1, 16, 20, 30, 16, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2});   // pointwise, two groups
    v.push_back({1, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1});    // few channels, short filter
    v.push_back({1, 32, 12, 12, 32, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 4});   // grouped, dilated
    v.push_back({3, 8, 23, 37, 8, 3, 5, 3, 2, 0, 2, 3, 1, 2, 3, 4});     // direct: 2 in, 2 out per group, sh 3, dilated
    v.push_back({1, 6, 40, 70, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6});    // direct: depth multiplier 2, long rows
    // dense (igemm_dense): widths not a multiple of 8 or 16, channels not a multiple of its 6-channel panels
    v.push_back({1, 20, 13, 19, 14, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});   // stride 1
    v.push_back({3, 9, 17, 21, 13, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1});    // stride 2, three images
    v.push_back({1, 8, 15, 23, 7, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1});     // dilation 2
    v.push_back({2, 6, 20, 22, 11, 3, 3, 1, 1, 4, 4, 4, 4, 4, 4, 1});    // dilation 4
    v.push_back({1, 4, 10, 10, 6, 3, 3, 1, 1, 12, 12, 12, 12, 12, 12, 1});  // dilation beyond the image
    v.push_back({1, 5, 16, 37, 9, 5, 5, 2, 2, 1, 2, 2, 1, 1, 1, 1});     // 5x5 stride 2, asymmetric padding
    v.push_back({1, 7, 12, 40, 8, 3, 3, 1, 1, 0, 2, 2, 0, 1, 1, 1});     // asymmetric padding, stride 1
    v.push_back({1, 6, 14, 30, 7, 3, 3, 2, 1, 1, 1, 1, 1, 1, 3, 1});     // stride 2 x 1, dilation 1 x 3
    v.push_back({2, 6, 14, 35, 7, 3, 5, 1, 2, 1, 1, 2, 2, 2, 1, 1});     // stride 1 x 2, 3x5
    // more weights than input floats: tasks split the output channels (dx channels backward) among the threads
    v.push_back({1, 32, 6, 13, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    v.push_back({1, 24, 7, 11, 45, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1});   // dilation 2, 8 panels (last one partial)
    // strided backward data by stride phases, one image: the threads split the dx channels (5 panels)
    v.push_back({1, 26, 9, 13, 20, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1});
    v.push_back({2, 13, 10, 18, 8, 4, 3, 2, 3, 1, 2, 0, 2, 1, 1, 1});  // 4x3, strides 2 x 3, asymmetric padding
    // few input channels (igemm_rows): stride 1 and 2, dilation, asymmetric padding, rows not a multiple of 8
    v.push_back({3, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1});     // LeNet's first layer
    v.push_back({2, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1});    // LeNet's second layer
    v.push_back({2, 3, 29, 35, 7, 3, 3, 2, 2, 1, 0, 1, 2, 1, 1, 1});     // stride 2, asymmetric padding, 7 out
    v.push_back({1, 3, 31, 27, 13, 3, 5, 1, 2, 2, 1, 3, 2, 2, 1, 1});    // dilated rows, stride 2 columns
    v.push_back({2, 6, 17, 23, 5, 5, 3, 1, 1, 4, 3, 2, 1, 1, 2, 1});     // dilated columns, asymmetric padding
    v.push_back({1, 1, 12, 9, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});      // a row of 9: one whole, one partial vector
    // the grouped implicit GEMM's class (5 to 64 channels per group): strides, dilation, asymmetric padding,
    // rows of 7, 14 and 15, channel counts that fill no register block
    v.push_back({2, 64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8});   // 8 per group, stride 1
    v.push_back({1, 64, 15, 15, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4});   // 16 per group, stride 2, odd width
    v.push_back({2, 48, 7, 7, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4});     // 12 in, 10 out per group, 7 wide
    v.push_back({1, 36, 13, 11, 36, 3, 3, 1, 1, 2, 1, 0, 2, 2, 2, 4});   // 9 per group, dilation 2, asymmetric
    v.push_back({2, 64, 14, 15, 64, 3, 3, 2, 2, 0, 1, 0, 1, 1, 1, 2});   // 32 per group, stride 2, asymmetric
    v.push_back({1, 40, 9, 7, 30, 5, 3, 2, 1, 2, 2, 1, 1, 1, 2, 5});     // 8 in, 6 out per group, 5x3, mixed strides
    for (const Conv &c : depthwise_shapes()) v.push_back(c);
    return v;
}

float tol_for(const Conv &c) { return c.cin / c.groups * c.kh * c.kw > 200 ? 1e-3f : 2e-4f; }

// Runs entry `index` of `dir` on c for 1 to 3 parts and compares with the reference.
void check_entry(std::mt19937 &rng, const Conv &c, int dir, int index) {
    std::vector<int32_t> d = c.desc();
    auto x = random_values(rng, c.xsize()), w = random_values(rng, c.wsize()), dy = random_values(rng, c.ysize());
    auto b = random_values(rng, c.cout);
    std::vector<float> expected = dir == C4J_CONV_FORWARD       ? ref_conv_forward(c, x, w, b.data())
                                  : dir == C4J_CONV_BACKWARD_DATA ? ref_conv_backward_data(c, dy, w)
                                                                  : ref_conv_backward_weights(c, dy, x);
    const std::string name = c4j_conv2d_impl_name(dir, index);
    // the grouped implicit GEMM and the blocked depthwise kernels promise weight gradients independent of the
    // thread count, to the bit, and so does the 1x1 GEMM where it cuts dy into output-channel blocks (more output
    // than input channels)
    const bool pointwise = c.kh == 1 && c.kw == 1 && c.sh == 1 && c.sw == 1 && c.pt + c.pb + c.pl + c.pr == 0;
    const bool same_bits = dir == C4J_CONV_BACKWARD_WEIGHTS &&
                           (name.rfind("igemm_grouped", 0) == 0 || name.rfind("dw_blocked", 0) == 0 ||
                            (name == "im2col_sgemm" && pointwise && c.cout > c.cin));
    std::vector<float> first;
    for (int parts = 1; parts <= 3; ++parts) {
        std::vector<float> out(expected.size(), NAN);
        int tasks = c4j_conv2d_impl_tasks(d.data(), dir, index, parts);
        std::string what = name + " dir " + std::to_string(dir) + " " + c.str() + " parts " + std::to_string(parts);
        T4J_EXPECT(tasks >= 1, "%s: no tasks", what.c_str());
        if (run_tasks_shuffled(rng, tasks, parts, [&](int p, int t0, int t1) {
                switch (dir) {
                    case C4J_CONV_FORWARD:
                        return c4j_conv2d_forward_impl(d.data(), index, x.data(), w.data(), b.data(), out.data(), p,
                                                       t0, t1);
                    case C4J_CONV_BACKWARD_DATA:
                        return c4j_conv2d_backward_data_impl(d.data(), index, dy.data(), w.data(), out.data(), p, t0,
                                                             t1);
                    default:
                        return c4j_conv2d_backward_weights_impl(d.data(), index, dy.data(), x.data(), out.data(), p,
                                                                t0, t1);
                }
            }, what)) {
            close_enough(expected, out, what, tol_for(c));
            if (same_bits && parts == 1) first = out;
            if (same_bits && parts > 1)
                T4J_EXPECT(std::memcmp(first.data(), out.data(), sizeof(float) * out.size()) == 0,
                           "%s: not bit-identical to one part", what.c_str());
        }
    }
}

// Equal non-finite values (NaN with NaN, each infinity with itself), finite values within tol.
bool same_values(const std::vector<float> &e, const std::vector<float> &a, const std::string &what, float tol) {
    for (size_t i = 0; i < e.size(); ++i) {
        const bool ok = std::isfinite(e[i]) ? std::fabs(e[i] - a[i]) <= tol * std::fmax(1.f, std::fabs(e[i]))
                                            : (std::isnan(e[i]) ? std::isnan(a[i]) : e[i] == a[i]);
        if (!ok) {
            T4J_EXPECT(false, "%s: value %zu is %.8g, expected %.8g", what.c_str(), i, a[i], e[i]);
            return false;
        }
    }
    return true;
}

// The dense implicit GEMM never multiplies padding: an infinite weight on a tap that reads padding for the
// border outputs must leave those outputs finite (the definition skips padded taps), and infinite or NaN
// inputs must spread exactly as the reference's sums spread them.
void check_dense_non_finite(std::mt19937 &rng) {
    //                     n cin  h  w cout kh kw sh sw pt pb pl pr dh dw g
    const Conv shapes[] = {{1, 7, 9, 21, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                           {2, 5, 11, 19, 7, 3, 3, 2, 2, 1, 2, 2, 1, 1, 1, 1},
                           {1, 6, 12, 23, 9, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1},
                           // more weights than input: two threads split the output (forward) and dx (backward
                           // data) channels, each block packed and checked for non-finite weights on its own
                           {1, 16, 5, 9, 30, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                           {1, 30, 5, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                           {1, 26, 9, 13, 20, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}};  // stride phases, split
    int runs = 0;
    for (const Conv &c : shapes) {
        std::vector<int32_t> d = c.desc();
        for (int dir = 0; dir < 2; ++dir) {
            for (int i = 0; i < c4j_conv2d_impl_count(dir); ++i) {
                const std::string name = c4j_conv2d_impl_name(dir, i);
                if (name.rfind("igemm_dense", 0) != 0 || c4j_conv2d_impl_applies(d.data(), dir, i) != 1) continue;
                for (int variant = 0; variant < 3; ++variant) {
                    auto x = random_values(rng, c.xsize()), w = random_values(rng, c.wsize());
                    auto dy = random_values(rng, c.ysize()), b = random_values(rng, c.cout);
                    const int64_t taps = static_cast<int64_t>(c.kh) * c.kw;
                    if (variant != 1) {  // corner taps of two filters: they read padding at the borders
                        w[0] = INFINITY;
                        w[static_cast<size_t>(c.wsize() - 1)] = -INFINITY;
                        w[static_cast<size_t>(3 * taps + taps - 1)] = NAN;
                    }
                    if (variant != 0) {  // non-finite inputs (x forward, dy backward data)
                        std::vector<float> &in = dir == 0 ? x : dy;
                        in[in.size() / 3] = INFINITY;
                        in[in.size() / 2] = NAN;
                        in[in.size() - 1] = -INFINITY;
                    }
                    const std::vector<float> expected =
                        dir == 0 ? ref_conv_forward(c, x, w, b.data()) : ref_conv_backward_data(c, dy, w);
                    for (int parts = 1; parts <= 2; ++parts) {
                        std::vector<float> out(expected.size(), 0.f);
                        const int tasks = c4j_conv2d_impl_tasks(d.data(), dir, i, parts);
                        const std::string what = name + " non-finite variant " + std::to_string(variant) + " dir " +
                                                  std::to_string(dir) + " " + c.str();
                        const int st = dir == 0 ? c4j_conv2d_forward_impl(d.data(), i, x.data(), w.data(), b.data(),
                                                                          out.data(), parts, 0, tasks)
                                                : c4j_conv2d_backward_data_impl(d.data(), i, dy.data(), w.data(),
                                                                                out.data(), parts, 0, tasks);
                        T4J_EXPECT(st == C4J_OK, "%s: status %d", what.c_str(), st);
                        same_values(expected, out, what, 2e-4f);
                        ++runs;
                    }
                }
            }
        }
    }
    T4J_EXPECT(runs >= 12, "igemm_dense ran only %d non-finite cases", runs);
}

// The implicit-GEMM entries multiply a zero-padded copy: with infinite and NaN operands they must still give
// the definition's result, which skips padded taps (an Inf where the definition has Inf, NaN only where it has
// NaN). One +Inf weight, one -Inf in dy and one NaN in x.
void check_entry_nonfinite(std::mt19937 &rng, const Conv &c, int dir, int index) {
    std::vector<int32_t> d = c.desc();
    auto x = random_values(rng, c.xsize()), w = random_values(rng, c.wsize()), dy = random_values(rng, c.ysize());
    w[rng() % w.size()] = INFINITY;
    dy[rng() % dy.size()] = -INFINITY;
    x[rng() % x.size()] = NAN;
    std::vector<float> expected = dir == C4J_CONV_FORWARD       ? ref_conv_forward(c, x, w, nullptr)
                                  : dir == C4J_CONV_BACKWARD_DATA ? ref_conv_backward_data(c, dy, w)
                                                                  : ref_conv_backward_weights(c, dy, x);
    const std::string what = std::string(c4j_conv2d_impl_name(dir, index)) + " non-finite dir " + std::to_string(dir) +
                             " " + c.str();
    std::vector<float> out(expected.size(), 0.f);
    const int parts = 2, tasks = c4j_conv2d_impl_tasks(d.data(), dir, index, parts);
    int s = C4J_OK;
    for (int t = 0; t < tasks && s == C4J_OK; ++t)
        s = dir == C4J_CONV_FORWARD ? c4j_conv2d_forward_impl(d.data(), index, x.data(), w.data(), nullptr, out.data(),
                                                              parts, t, t + 1)
            : dir == C4J_CONV_BACKWARD_DATA
                ? c4j_conv2d_backward_data_impl(d.data(), index, dy.data(), w.data(), out.data(), parts, t, t + 1)
                : c4j_conv2d_backward_weights_impl(d.data(), index, dy.data(), x.data(), out.data(), parts, t, t + 1);
    T4J_EXPECT(s == C4J_OK, "%s: status %d", what.c_str(), s);
    for (size_t i = 0; i < out.size(); ++i) {
        const float e = expected[i], a = out[i];
        const bool ok = std::isnan(e)   ? std::isnan(a)
                        : std::isinf(e) ? a == e
                                        : std::fabs(e - a) <= tol_for(c) * std::fmax(1.f, std::fabs(e));
        if (!ok) {
            T4J_EXPECT(false, "%s: value %zu is %.8g, expected %.8g", what.c_str(), i, a, e);
            return;
        }
    }
}

// Scatters `count` infinities of both signs and one NaN over v.
void spoil(std::mt19937 &rng, std::vector<float> &v, int count) {
    std::uniform_int_distribution<size_t> at(0, v.size() - 1);
    for (int i = 0; i < count; ++i) v[at(rng)] = i % 2 == 0 ? INFINITY : -INFINITY;
    v[at(rng)] = NAN;
}

// The grouped implicit GEMM claims the definition exactly (padded taps skipped, conv_igemm_grouped.h): with
// non-finite values in the operand that meets the padding's zeros (and in the other), NaN and infinities land
// where the reference's do, and only there. Case 0 spoils only x (forward), dy (backward data) or nothing
// finite-checked; case 1 spoils every operand. Returns how many results were not finite.
int check_nonfinite(std::mt19937 &rng, const Conv &c, int dir, int index) {
    std::vector<int32_t> d = c.desc();
    const std::string name = c4j_conv2d_impl_name(dir, index);
    int nonfinite = 0;
    for (int spoil_all = 0; spoil_all < 2; ++spoil_all) {
        auto x = random_values(rng, c.xsize()), w = random_values(rng, c.wsize()), dy = random_values(rng, c.ysize());
        auto b = random_values(rng, c.cout);
        if (dir != C4J_CONV_BACKWARD_DATA || spoil_all) spoil(rng, x, 3);
        if (dir != C4J_CONV_FORWARD || spoil_all) spoil(rng, dy, 3);
        if (spoil_all) spoil(rng, w, 2);
        std::vector<float> expected = dir == C4J_CONV_FORWARD         ? ref_conv_forward(c, x, w, b.data())
                                      : dir == C4J_CONV_BACKWARD_DATA ? ref_conv_backward_data(c, dy, w)
                                                                      : ref_conv_backward_weights(c, dy, x);
        std::vector<float> out(expected.size(), 0.f);
        const int tasks = c4j_conv2d_impl_tasks(d.data(), dir, index, 2);
        const int s = dir == C4J_CONV_FORWARD
                          ? c4j_conv2d_forward_impl(d.data(), index, x.data(), w.data(), b.data(), out.data(), 2, 0, tasks)
                      : dir == C4J_CONV_BACKWARD_DATA
                          ? c4j_conv2d_backward_data_impl(d.data(), index, dy.data(), w.data(), out.data(), 2, 0, tasks)
                          : c4j_conv2d_backward_weights_impl(d.data(), index, dy.data(), x.data(), out.data(), 2, 0,
                                                             tasks);
        const std::string what = name + " dir " + std::to_string(dir) + " " + c.str() + " non-finite " +
                                 std::to_string(spoil_all);
        T4J_EXPECT(s == C4J_OK, "%s: status %d", what.c_str(), s);
        for (size_t i = 0; i < expected.size(); ++i) {
            const float e = expected[i], a = out[i];
            nonfinite += std::isfinite(e) ? 0 : 1;
            const bool ok = std::isnan(e) ? std::isnan(a)
                            : std::isinf(e) ? a == e
                                            : std::fabs(e - a) <= tol_for(c) * std::fmax(1.f, std::fabs(e));
            if (!ok) {
                T4J_EXPECT(false, "%s: value %zu is %.8g, expected %.8g", what.c_str(), i, a, e);
                break;
            }
        }
    }
    return nonfinite;
}

// Values in [-1, 1) with about 3 % NaN, +Inf and -Inf.
std::vector<float> nonfinite_values(std::mt19937 &rng, int64_t n) {
    std::vector<float> v = random_values(rng, n);
    std::uniform_int_distribution<int> pick(0, 99);
    for (float &f : v) {
        const int k = pick(rng);
        if (k == 0) f = NAN;
        if (k == 1) f = INFINITY;
        if (k == 2) f = -INFINITY;
    }
    return v;
}

// The direct kernels skip padded taps as the definition does: with infinite or NaN operands every output is NaN,
// +-Inf or finite exactly where the reference's is, and close to it where finite (a padded zero times an infinite
// weight would make NaN of a finite output).
void check_direct_nonfinite(std::mt19937 &rng, const Conv &c, int dir, int index) {
    std::vector<int32_t> d = c.desc();
    auto x = nonfinite_values(rng, c.xsize()), w = nonfinite_values(rng, c.wsize());
    auto dy = nonfinite_values(rng, c.ysize()), b = nonfinite_values(rng, c.cout);
    std::vector<float> expected = dir == C4J_CONV_FORWARD       ? ref_conv_forward(c, x, w, b.data())
                                  : dir == C4J_CONV_BACKWARD_DATA ? ref_conv_backward_data(c, dy, w)
                                                                  : ref_conv_backward_weights(c, dy, x);
    const std::string what =
        std::string(c4j_conv2d_impl_name(dir, index)) + " non-finite dir " + std::to_string(dir) + " " + c.str();
    std::vector<float> out(expected.size(), 0.f);
    const int tasks = c4j_conv2d_impl_tasks(d.data(), dir, index, 2);
    if (!run_tasks_shuffled(rng, tasks, 2, [&](int p, int t0, int t1) {
            switch (dir) {
                case C4J_CONV_FORWARD:
                    return c4j_conv2d_forward_impl(d.data(), index, x.data(), w.data(), b.data(), out.data(), p, t0, t1);
                case C4J_CONV_BACKWARD_DATA:
                    return c4j_conv2d_backward_data_impl(d.data(), index, dy.data(), w.data(), out.data(), p, t0, t1);
                default:
                    return c4j_conv2d_backward_weights_impl(d.data(), index, dy.data(), x.data(), out.data(), p, t0,
                                                            t1);
            }
        }, what))
        return;
    for (size_t q = 0; q < expected.size(); ++q) {
        const float e = expected[q], a = out[q];
        const bool ok = std::isnan(e) ? std::isnan(a)
                        : std::isinf(e) ? a == e
                                        : std::isfinite(a) && std::fabs(e - a) <= tol_for(c) * std::fmax(1.f, std::fabs(e));
        T4J_EXPECT(ok, "%s: value %zu is %.8g, expected %.8g", what.c_str(), q, a, e);
        if (!ok) return;
    }
}

std::string picked(const Conv &c, int dir) {
    std::vector<int32_t> d = c.desc();
    const char *n = c4j_conv2d_impl_name(dir, c4j_conv2d_impl_select(d.data(), dir));
    return n != nullptr ? n : "(none)";
}

void expect_pick(const Conv &c, const char *fwd, const char *data, const char *weights, const char *cls) {
    const char *want[3] = {fwd, data, weights};
    for (int dir = 0; dir < 3; ++dir) {
        std::string got = picked(c, dir);
        T4J_EXPECT(got == want[dir], "%s (%s), ISA %d, direction %d: picked %s, expected %s", cls, c.str().c_str(),
                   c4j_cpu_isa(), dir, got.c_str(), want[dir]);
    }
}

// One layer of each class of the benchmark suite; the expected entries follow the predicates in
// conv_impl_list.cpp for the ISA in use (Winograd mode auto).
void check_picks() {
    const int isa = c4j_cpu_isa();
    const bool v512 = isa == C4J_ISA_AVX512, v2 = v512 || isa == C4J_ISA_AVX2;
    const char *wino = v512 ? "winograd_f2x3__avx512" : "winograd_f2x3__scalar";
    const char *igemm = v512 ? "igemm_rows__avx512" : "im2col_sgemm";
    const char *phase = v512 ? "igemm_grouped__avx512" : v2 ? "igemm_grouped__avx2" : "im2col_sgemm";
    //        n cin  h  w cout kh kw sh sw pt pb pl pr dh dw g
    expect_pick({8, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, wino, wino, wino, "dense 3x3 (s4)");
    expect_pick({8, 256, 56, 56, 64, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1}, igemm, v512 ? "pointwise__avx512" : "im2col_sgemm",
                v512 ? "pointwise__avx512" : "im2col_sgemm", "pointwise (s5)");
    // few input channels: the row kernel of the widest ISA (AVX2 picks it only for such layers)
    const char *few = v512 ? "igemm_rows__avx512" : v2 ? "igemm_rows__avx2" : "im2col_sgemm";
    expect_pick({1, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1}, few, "im2col_sgemm", few, "stem (s7)");
    // backward data of one input channel: AVX2's transposed kernel, on AVX-512 machines too (the AVX-512 one needs 4)
    expect_pick({32, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1}, few,
                v2 ? "igemm_rows__avx2" : "im2col_sgemm", few, "one-channel 5x5 (s2)");
    expect_pick({8, 3, 224, 224, 32, 3, 3, 2, 2, 0, 1, 0, 1, 1, 1, 1}, few, "im2col_sgemm", few,
                "first layer 3x3 s2 (MobileNetV2)");
    expect_pick({1, 3, 224, 224, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, few, "im2col_sgemm", few, "first layer (VGG-16)");
    expect_pick({256, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1}, few, few, few, "LeNet 6 -> 16");
    // the vectorised direct kernels: forward from 32 output columns, backward data from 32 dx columns at unit stride,
    // backward weights from 8 output columns (conv_dw.h); shorter rows keep the plain loops (not depthwise)
    const char *dw = v512 ? "dw_direct__avx512" : v2 ? "dw_direct__avx2" : "grouped_direct__scalar";
    const char *gd = "grouped_direct__scalar";
    // depthwise up to 7x7 on planes within the scratch bound: the channel-blocked kernels (conv_dw_blocked.h)
    const char *blk = v512 ? "dw_blocked__avx512" : v2 ? "dw_blocked__avx2" : gd;
    expect_pick({1, 144, 56, 56, 144, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 144}, blk, blk, blk, "depthwise 3x3");
    expect_pick({1, 96, 112, 112, 96, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 96}, blk, blk, blk, "depthwise 3x3 s2");
    expect_pick({1, 96, 12, 300, 96, 9, 9, 1, 1, 4, 4, 4, 4, 1, 1, 96}, dw, dw, dw, "depthwise 9x9, long rows");
    // planes beyond the blocked kernels' scratch bound (2^15 cells): the row kernels
    expect_pick({1, 32, 224, 224, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32}, dw, dw, dw, "depthwise 3x3 224x224");
    expect_pick({8, 144, 56, 56, 144, 5, 5, 2, 2, 1, 2, 1, 2, 1, 1, 144}, blk, blk, blk, "depthwise 5x5 s2 asym");
    expect_pick({8, 960, 7, 7, 960, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 960}, blk, blk, blk, "depthwise 3x3 7x7");
    expect_pick({8, 672, 14, 14, 672, 5, 5, 2, 2, 1, 2, 1, 2, 1, 1, 672}, blk, blk, blk, "depthwise 5x5 s2 14x14");
    expect_pick({1, 576, 14, 14, 576, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 576}, blk, blk, blk, "depthwise 3x3 14x14");
    expect_pick({8, 128, 56, 56, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32}, dw, dw, dw, "grouped 4 ch/group");
    expect_pick({8, 256, 28, 28, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32}, v512 ? "igemm_rows__avx512" : phase,
                v512 ? "igemm_rows__avx512" : phase,  // 8 input channels per group: the transposed kernel
                v512 ? "igemm_rows__avx512" : phase, "grouped 8 ch/group");
    // dense layers: the implicit GEMM on AVX2 for stride 1 and up to 128 output channels, or where padding and
    // dilation leave many taps outside the image; stride-1 backward data at any channel count; AVX-512 keeps
    // im2col + sgemm
    const char *dense = isa == C4J_ISA_AVX2 ? "igemm_dense__avx2" : "im2col_sgemm";
    expect_pick({1, 256, 28, 28, 256, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1}, "im2col_sgemm", dense, "im2col_sgemm",
                "dilated 3x3 d2, 256 channels");
    expect_pick({8, 512, 28, 28, 512, 3, 3, 1, 1, 4, 4, 4, 4, 4, 4, 1}, "im2col_sgemm", dense, "im2col_sgemm",
                "dilated 3x3 d4");
    expect_pick({8, 512, 28, 28, 512, 3, 3, 1, 1, 12, 12, 12, 12, 12, 12, 1}, dense, dense, "im2col_sgemm",
                "dilated 3x3 d12");
    expect_pick({8, 2048, 28, 28, 256, 3, 3, 1, 1, 24, 24, 24, 24, 24, 24, 1}, dense, dense, "im2col_sgemm",
                "dilated 3x3 d24");
    expect_pick({8, 128, 56, 56, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}, "im2col_sgemm", "im2col_sgemm",
                "im2col_sgemm", "strided 3x3 s2");
    expect_pick({1, 64, 56, 56, 64, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1}, dense, dense, "im2col_sgemm", "dense 5x5");
    expect_pick({1, 256, 14, 14, 256, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}, "im2col_sgemm", "im2col_sgemm",
                "im2col_sgemm", "256 channels, 7-wide output");
    // AVX-512: the row kernel (above in the list) takes it, 144 taps and 14-wide rows being within its limits
    expect_pick({8, 512, 28, 28, 512, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 32}, v512 ? igemm : phase, phase,
                v512 ? "igemm_rows__avx512" : phase, "grouped 16 ch/group s2");
    if (!v512) {  // 32 per group (288 taps per group): beyond the row kernel's limits on AVX-512
        expect_pick({1, 1024, 14, 14, 1024, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 32}, phase, phase, phase,
                    "grouped 32 ch/group s2");
        expect_pick({8, 1024, 7, 7, 1024, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32}, phase, phase, phase,
                    "grouped 32 ch/group s1");
        // Winograd fits (3x3, stride 1, 16 summed channels) but is slower here than the grouped kernel
        if (v2)
            expect_pick({1, 512, 14, 14, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32}, phase, phase, phase,
                        "grouped 16 ch/group s1");
    }
}

}  // namespace

void suite_impl_list() {
    std::mt19937 rng(17);
    const std::vector<Conv> v = shapes(rng);
    int runs = 0, nonfinite_results = 0;
    for (int dir = 0; dir < 3; ++dir) {
        const int count = c4j_conv2d_impl_count(dir);
        T4J_EXPECT(count >= 2, "direction %d has %d entries", dir, count);
        T4J_EXPECT(std::strcmp(c4j_conv2d_impl_name(dir, count - 1), "im2col_sgemm") == 0,
                   "direction %d: the last entry must compute everything", dir);
        T4J_EXPECT(c4j_conv2d_impl_name(dir, count) == nullptr, "direction %d: name past the end", dir);
        for (const Conv &c : v) {
            std::vector<int32_t> d = c.desc();
            T4J_EXPECT(c4j_conv2d_impl_applies(d.data(), dir, c4j_conv2d_impl_select(d.data(), dir)) == 1,
                       "the picked entry must apply: %s", c.str().c_str());
            for (int i = 0; i < count; ++i) {
                if (c4j_conv2d_impl_applies(d.data(), dir, i) != 1) {
                    // refused, nothing written
                    std::vector<float> out(4, 1.f), in(4, 0.f);
                    int s = dir == 0   ? c4j_conv2d_forward_impl(d.data(), i, in.data(), in.data(), nullptr, out.data(), 1, 0, 1)
                            : dir == 1 ? c4j_conv2d_backward_data_impl(d.data(), i, in.data(), in.data(), out.data(), 1, 0, 1)
                                       : c4j_conv2d_backward_weights_impl(d.data(), i, in.data(), in.data(), out.data(), 1, 0, 1);
                    T4J_EXPECT(s == C4J_ERR_BAD_DESCRIPTOR && out[0] == 1.f, "entry %d of direction %d ran on %s",
                               i, dir, c.str().c_str());
                    continue;
                }
                check_entry(rng, c, dir, i);
                if (std::strncmp(c4j_conv2d_impl_name(dir, i), "igemm_rows", 10) == 0)
                    check_entry_nonfinite(rng, c, dir, i);
                if (std::strncmp(c4j_conv2d_impl_name(dir, i), "igemm_grouped", 13) == 0)
                    nonfinite_results += check_nonfinite(rng, c, dir, i);
                ++runs;
            }
        }
    }
    T4J_EXPECT(runs > 3 * static_cast<int>(v.size()), "only %d entry runs", runs);
    check_dense_non_finite(rng);
    // the grouped shapes above all reach the non-finite checks (an ISA cap leaves at least the scalar flavour)
    T4J_EXPECT(nonfinite_results > 100, "the spoiled operands reached only %d results", nonfinite_results);
    int nonfinite = 0;
    for (int dir = 0; dir < 3; ++dir) {
        const int count = c4j_conv2d_impl_count(dir);
        for (const Conv &c : depthwise_shapes()) {
            std::vector<int32_t> d = c.desc();
            for (int i = 0; i < count; ++i) {
                const std::string name = c4j_conv2d_impl_name(dir, i);
                const bool direct = name.rfind("dw_direct", 0) == 0 || name.rfind("grouped_direct", 0) == 0 ||
                                    name.rfind("dw_blocked", 0) == 0;
                if (!direct || c4j_conv2d_impl_applies(d.data(), dir, i) != 1) continue;
                check_direct_nonfinite(rng, c, dir, i);
                ++nonfinite;
            }
        }
    }
    T4J_EXPECT(nonfinite >= 3 * 2 * static_cast<int>(depthwise_shapes().size()), "only %d non-finite runs", nonfinite);
    check_picks();
}

}  // namespace t4j
