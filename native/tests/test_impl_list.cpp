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
            {1, 3, 9, 40, 3, 3, 3, 2, 2, 0, 1, 0, 1, 1, 1, 3}};       // s2, padding only bottom/right
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
    v.push_back({1, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1});    // few channels, short filter
    v.push_back({1, 32, 12, 12, 32, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 4});   // grouped, dilated
    v.push_back({3, 8, 23, 37, 8, 3, 5, 3, 2, 0, 2, 3, 1, 2, 3, 4});     // direct: 2 in, 2 out per group, sh 3, dilated
    v.push_back({1, 6, 40, 70, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6});    // direct: depth multiplier 2, long rows
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
            }, what))
            close_enough(expected, out, what, tol_for(c));
    }
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
void check_nonfinite(std::mt19937 &rng, const Conv &c, int dir, int index) {
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
    const char *phase = "im2col_sgemm";
    //        n cin  h  w cout kh kw sh sw pt pb pl pr dh dw g
    expect_pick({8, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, wino, wino, wino, "dense 3x3 (s4)");
    expect_pick({8, 256, 56, 56, 64, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1}, igemm, v512 ? "pointwise__avx512" : "im2col_sgemm",
                v512 ? "pointwise__avx512" : "im2col_sgemm", "pointwise (s5)");
    expect_pick({1, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1}, igemm, "im2col_sgemm", igemm, "stem (s7)");
    expect_pick({32, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1},
                v512 ? "igemm_rows__avx512" : v2 ? "igemm_small__avx2" : "im2col_sgemm", "im2col_sgemm",
                v512 ? "igemm_rows__avx512" : "im2col_sgemm", "one-channel 5x5 (s2)");
    // the vectorised direct kernels: forward from 32 output columns, backward data from 32 dx columns at unit stride,
    // backward weights from 8 output columns (conv_dw.h); shorter rows keep the plain loops
    const char *dw = v512 ? "dw_direct__avx512" : v2 ? "dw_direct__avx2" : "grouped_direct__scalar";
    const char *gd = "grouped_direct__scalar";
    expect_pick({1, 144, 56, 56, 144, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 144}, dw, dw, dw, "depthwise 3x3");
    expect_pick({1, 96, 112, 112, 96, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 96}, dw, gd, dw, "depthwise 3x3 s2");
    expect_pick({8, 144, 56, 56, 144, 5, 5, 2, 2, 1, 2, 1, 2, 1, 1, 144}, gd, gd, dw, "depthwise 5x5 s2 asym");
    expect_pick({8, 960, 7, 7, 960, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 960}, gd, gd, gd, "depthwise 3x3 7x7");
    expect_pick({8, 128, 56, 56, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32}, dw, dw, dw, "grouped 4 ch/group");
    expect_pick({8, 256, 28, 28, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32},
                v512 ? "igemm_rows__avx512" : v2 ? "igemm_small__avx2" : "im2col_sgemm",
                v512 ? "igemm_rows__avx512" : "im2col_sgemm",  // 8 input channels per group: the transposed kernel
                v512 ? "igemm_rows__avx512" : "im2col_sgemm", "grouped 8 ch/group");
    expect_pick({1, 256, 28, 28, 256, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1}, "im2col_sgemm", "im2col_sgemm",
                "im2col_sgemm", "dilated 3x3 d2");
    expect_pick({8, 128, 56, 56, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}, "im2col_sgemm", "im2col_sgemm",
                "im2col_sgemm", "strided 3x3 s2");
    // AVX-512: the row kernel (above in the list) takes it, 144 taps and 14-wide rows being within its limits
    expect_pick({8, 512, 28, 28, 512, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 32}, v512 ? igemm : phase, "im2col_sgemm",
                v512 ? "igemm_rows__avx512" : "im2col_sgemm", "grouped 16 ch/group s2");
}

}  // namespace

void suite_impl_list() {
    std::mt19937 rng(17);
    const std::vector<Conv> v = shapes(rng);
    int runs = 0;
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
                ++runs;
            }
        }
    }
    T4J_EXPECT(runs > 3 * static_cast<int>(v.size()), "only %d entry runs", runs);
    int nonfinite = 0;
    for (int dir = 0; dir < 3; ++dir) {
        const int count = c4j_conv2d_impl_count(dir);
        for (const Conv &c : depthwise_shapes()) {
            std::vector<int32_t> d = c.desc();
            for (int i = 0; i < count; ++i) {
                const std::string name = c4j_conv2d_impl_name(dir, i);
                const bool direct = name.rfind("dw_direct", 0) == 0 || name.rfind("grouped_direct", 0) == 0;
                if (!direct || c4j_conv2d_impl_applies(d.data(), dir, i) != 1) continue;
                check_nonfinite(rng, c, dir, i);
                ++nonfinite;
            }
        }
    }
    T4J_EXPECT(nonfinite >= 3 * 2 * static_cast<int>(depthwise_shapes().size()), "only %d non-finite runs", nonfinite);
    check_picks();
}

}  // namespace t4j
