// Winograd F(2x2, 3x3) (forced with C4J_WINOGRAD_ALWAYS) vs the naive reference: random 3x3 stride-1
// shapes with odd sizes, asymmetric padding 0..3, groups and partial tiles, fixed shapes that reach every
// plan (several tile blocks, output channels split between threads, a thread per group), forward with
// and without bias and backward data, on the scalar and the AVX-512 transforms. Random data must stay within
// the conformance suite's 4 (n + 1) u sum |term| (n: the output's products), small-integer data must come
// out exactly. Task ranges run in shuffled order into NaN-filled outputs, so an unwritten value shows.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <string>

#include "conv4j/conv4j_cpu.h"
#include "harness.h"
#include "reference.h"

namespace t4j {
namespace {

Conv random_3x3(std::mt19937 &rng) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (;;) {
        Conv c{};
        c.n = r(1, 3);
        c.groups = r(0, 3) == 0 ? r(2, 3) : 1;
        c.cin = r(8, 13) * c.groups;  // Winograd needs at least 8 summed channels per group
        c.cout = r(8, 14) * c.groups;
        c.h = r(1, 14);
        c.w = r(1, 21);
        c.kh = c.kw = 3;
        c.sh = c.sw = c.dh = c.dw = 1;
        c.pt = r(0, 3); c.pb = r(0, 3); c.pl = r(0, 3); c.pr = r(0, 3);
        if (c.h + c.pt + c.pb < 3 || c.w + c.pl + c.pr < 3) continue;
        return c;
    }
}

std::vector<Conv> shapes(std::mt19937 &rng) {
    std::vector<Conv> v;
    for (int i = 0; i < 80; ++i) v.push_back(random_3x3(rng));
    //        n cin  h  w cout kh kw sh sw pt pb pl pr dh dw g
    v.push_back({2, 40, 31, 29, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});   // several tile blocks, odd sizes
    v.push_back({1, 8, 5, 5, 80, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});      // more filters than tiles: channel split
    v.push_back({1, 80, 5, 7, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});      // backward data: channel split
    v.push_back({3, 16, 3, 3, 16, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2});     // one output pixel per image, groups
    v.push_back({2, 9, 1, 1, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});       // 1x1 image
    v.push_back({1, 8, 2, 40, 9, 3, 3, 1, 1, 2, 2, 0, 3, 1, 1, 1});      // a tile row longer than a vector
    v.push_back({2, 8, 9, 9, 8, 3, 3, 1, 1, 3, 0, 0, 3, 1, 1, 1});       // backward offsets -1 and 2
    v.push_back({1, 33, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});   // where the auto rule says yes
    return v;
}

std::vector<float> small_ints(std::mt19937 &rng, int64_t n) {
    std::uniform_int_distribution<int> d(-4, 4);
    std::vector<float> v(static_cast<size_t>(n));
    for (auto &x : v) x = float(d(rng));
    return v;
}

std::vector<float> abs_of(std::vector<float> v) {
    for (auto &x : v) x = std::fabs(x);
    return v;
}

const double kU = std::ldexp(1.0, -24);

// |actual - expected| <= 4 (terms + 1) u abs_sum (terms: the output's products, plus its bias), or exactly
// equal when exact (NaN shows a missed write).
bool within(const std::vector<float> &expected, const std::vector<float> &abs_sum, const std::vector<float> &terms,
            const std::vector<float> &actual, bool exact, const std::string &what) {
    for (size_t i = 0; i < expected.size(); ++i) {
        double tol = exact ? 0 : 4 * (terms[i] + 1) * kU * abs_sum[i];
        double err = std::fabs(double(actual[i]) - double(expected[i]));
        if (!(err <= tol)) {
            T4J_EXPECT(err <= tol, "%s: value %zu is %.9g, expected %.9g +- %.3g", what.c_str(), i, actual[i],
                       expected[i], tol);
            return false;
        }
    }
    return true;
}

void check_forward(std::mt19937 &rng, const Conv &c, bool ints) {
    std::vector<int32_t> d = c.desc();
    auto gen = [&](int64_t n) { return ints ? small_ints(rng, n) : random_values(rng, n); };
    auto x = gen(c.xsize()), w = gen(c.wsize()), b = gen(c.cout);
    for (int with_bias = 0; with_bias < 2; ++with_bias) {
        const float *bias = with_bias ? b.data() : nullptr;
        auto expected = ref_conv_forward(c, x, w, bias);
        auto ab = abs_of(b);
        auto abs_sum = ref_conv_forward(c, abs_of(x), abs_of(w), with_bias ? ab.data() : nullptr);
        std::vector<float> ones_b(c.cout, 1.f);
        auto terms = ref_conv_forward(c, std::vector<float>(x.size(), 1.f), std::vector<float>(w.size(), 1.f),
                                      with_bias ? ones_b.data() : nullptr);
        for (int parts = 1; parts <= 3; ++parts) {
            std::string what = "winograd forward " + c.str() + (with_bias ? " bias" : "") + (ints ? " ints" : "") +
                               " parts " + std::to_string(parts);
            T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 0, parts) == 1, "%s: not on the Winograd path", what.c_str());
            std::vector<float> y(expected.size(), NAN);
            int tasks = c4j_conv2d_forward_tasks(d.data(), parts);
            T4J_EXPECT(tasks >= 1, "%s", what.c_str());
            if (run_tasks_shuffled(rng, tasks, parts, [&](int p, int t0, int t1) {
                    return c4j_conv2d_forward(d.data(), x.data(), w.data(), bias, y.data(), p, t0, t1);
                }, what))
                within(expected, abs_sum, terms, y, ints, what);
        }
    }
}

void check_backward_data(std::mt19937 &rng, const Conv &c, bool ints) {
    std::vector<int32_t> d = c.desc();
    auto gen = [&](int64_t n) { return ints ? small_ints(rng, n) : random_values(rng, n); };
    auto dy = gen(c.ysize()), w = gen(c.wsize());
    auto expected = ref_conv_backward_data(c, dy, w);
    auto abs_sum = ref_conv_backward_data(c, abs_of(dy), abs_of(w));
    auto terms = ref_conv_backward_data(c, std::vector<float>(dy.size(), 1.f), std::vector<float>(w.size(), 1.f));
    for (int parts = 1; parts <= 3; ++parts) {
        std::string what = "winograd backward data " + c.str() + (ints ? " ints" : "") + " parts " +
                           std::to_string(parts);
        T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 1, parts) == 1, "%s: not on the Winograd path", what.c_str());
        std::vector<float> dx(expected.size(), NAN);
        int tasks = c4j_conv2d_backward_data_tasks(d.data(), parts);
        T4J_EXPECT(tasks >= 1, "%s", what.c_str());
        if (run_tasks_shuffled(rng, tasks, parts, [&](int p, int t0, int t1) {
                return c4j_conv2d_backward_data(d.data(), dy.data(), w.data(), dx.data(), p, t0, t1);
            }, what))
            within(expected, abs_sum, terms, dx, ints, what);
    }
}

void check_backward_weights(std::mt19937 &rng, const Conv &c, bool ints) {
    std::vector<int32_t> d = c.desc();
    if (int64_t(c.n) * c.hout() * c.wout() < 64) return;  // below the weight gradient's minimum (checked below)
    auto gen = [&](int64_t n) { return ints ? small_ints(rng, n) : random_values(rng, n); };
    auto dy = gen(c.ysize()), x = gen(c.xsize());
    auto expected = ref_conv_backward_weights(c, dy, x);
    auto abs_sum = ref_conv_backward_weights(c, abs_of(dy), abs_of(x));
    auto terms = ref_conv_backward_weights(c, std::vector<float>(dy.size(), 1.f), std::vector<float>(x.size(), 1.f));
    std::vector<float> first;
    for (int parts = 1; parts <= 3; ++parts) {
        std::string what = "winograd backward weights " + c.str() + (ints ? " ints" : "") + " parts " +
                           std::to_string(parts);
        T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 2, parts) == 1, "%s: not on the Winograd path", what.c_str());
        std::vector<float> dw(expected.size(), NAN);
        int tasks = c4j_conv2d_backward_weights_tasks(d.data(), parts);
        T4J_EXPECT(tasks >= 1, "%s", what.c_str());
        if (!run_tasks_shuffled(rng, tasks, parts, [&](int p, int t0, int t1) {
                return c4j_conv2d_backward_weights(d.data(), dy.data(), x.data(), dw.data(), p, t0, t1);
            }, what))
            continue;
        within(expected, abs_sum, terms, dw, ints, what);
        // with conv4j's own GEMM every weight sums its products in one order whatever the thread count
        // (OpenBLAS's order depends on the block sizes, which depend on the thread count)
        if (parts == 1) first = dw;
        else if (c4j_cpu_features() & C4J_CPU_AVX512)
            T4J_EXPECT(std::memcmp(first.data(), dw.data(), dw.size() * sizeof(float)) == 0,
                       "%s: differs from the result with one part", what.c_str());
    }
}

}  // namespace

void suite_winograd() {
    std::mt19937 rng(15);
    const int before = c4j_cpu_winograd();
    c4j_cpu_set_winograd(C4J_WINOGRAD_ALWAYS);
    for (const Conv &c : shapes(rng)) {
        for (int ints = 0; ints < 2; ++ints) {
            check_forward(rng, c, ints != 0);
            check_backward_data(rng, c, ints != 0);
            check_backward_weights(rng, c, ints != 0);
        }
    }
    // weight gradient: few output positions never take Winograd, whatever the channels
    Conv few_pos{1, 16, 7, 7, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};  // 49 positions
    auto fp = few_pos.desc();
    T4J_EXPECT(c4j_conv2d_uses_winograd(fp.data(), 2, 2) == 0, "49 summed positions: weight gradient on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(fp.data(), 3, 2) == 0, "direction 3 answered");
    // the switch: off never, always wherever it applies (never for 5x5, stride 2, dilation 2 or fewer than 8
    // summed channels per group: forward sums input channels, backward data output channels; the weight
    // gradient sums n * hout * wout products)
    Conv s4{8, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    Conv k5{1, 64, 20, 20, 64, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1};
    Conv s2{1, 64, 20, 20, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1};
    Conv d2{1, 64, 20, 20, 64, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1};
    for (const Conv &c : {k5, s2, d2}) {
        auto d = c.desc();
        T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 0, 2) == 0, "%s: Winograd does not apply", c.str().c_str());
        T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 1, 2) == 0, "%s: Winograd does not apply", c.str().c_str());
        T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 2, 2) == 0, "%s: Winograd does not apply", c.str().c_str());
    }
    Conv few_in{1, 7, 20, 20, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    auto fd = few_in.desc();
    T4J_EXPECT(c4j_conv2d_uses_winograd(fd.data(), 0, 2) == 0, "7 input channels: forward on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(fd.data(), 1, 2) == 1, "64 output channels: backward data not on Winograd");
    Conv few_per_group{1, 64, 20, 20, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16};
    auto gd = few_per_group.desc();
    T4J_EXPECT(c4j_conv2d_uses_winograd(gd.data(), 0, 2) == 0, "4 channels per group: forward on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(gd.data(), 1, 2) == 0, "4 channels per group: backward on Winograd");
    c4j_cpu_set_winograd(C4J_WINOGRAD_OFF);
    auto d = s4.desc();
    T4J_EXPECT(c4j_cpu_winograd() == C4J_WINOGRAD_OFF, "mode");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 0, 2) == 0, "off: forward still on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 1, 2) == 0, "off: backward data still on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 2, 2) == 0, "off: backward weights still on Winograd");
    c4j_cpu_set_winograd(C4J_WINOGRAD_AUTO);
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 0, 2) == 1, "auto: s4 forward not on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 1, 2) == 1, "auto: s4 backward data not on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 2, 2) == 1, "auto: s4 backward weights not on Winograd");
    // the auto rule: >= 16 channels, planes where partial tiles waste little, or many channels
    Conv s8{8, 512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    Conv small_plane{8, 64, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    Conv few{8, 8, 56, 56, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    Conv tiny{1, 256, 3, 3, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    auto d8 = s8.desc(), dp = small_plane.desc(), df = few.desc(), dt = tiny.desc();
    T4J_EXPECT(c4j_conv2d_uses_winograd(d8.data(), 0, 2) == 1, "auto: s8 forward not on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d8.data(), 1, 2) == 1, "auto: s8 backward data not on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d8.data(), 2, 2) == 1, "auto: s8 backward weights not on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(dp.data(), 2, 2) == 0, "auto: 7x7 with 64 channels: weights on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(dp.data(), 0, 2) == 0, "auto: 7x7 with 64 channels on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(df.data(), 0, 2) == 0, "auto: 8 channels on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(dt.data(), 1, 2) == 0, "auto: 3x3 plane on Winograd");
    c4j_cpu_set_winograd(7);  // ignored
    T4J_EXPECT(c4j_cpu_winograd() == C4J_WINOGRAD_AUTO, "an unknown mode changed the setting");
    c4j_cpu_set_winograd(before);
}

}  // namespace t4j
