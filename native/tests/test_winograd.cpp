// Winograd F(2x2, 3x3) (forced with C4J_WINOGRAD_ALWAYS) vs the naive reference: random 3x3 stride-1
// shapes with odd sizes, asymmetric padding 0..3, groups and partial tiles, fixed shapes that reach every
// plan (several tile blocks, output channels split between threads, a thread per group), forward with
// and without bias and backward data, on the scalar and the AVX-512 transforms. Small-integer data must come
// out exactly. Random data: the conformance suite's 4 (n + 1) u sum |term|, or, where an output nearly
// cancels, Winograd's own bound 9 (n + 11) u W (n channels, W = sum over channels of sum |input| over the
// tile's 4x4 patch times sum |filter|): its transforms add products that cancel in exact arithmetic, so
// with few channels the direct terms alone do not bound its rounding. Task ranges run in shuffled order
// into NaN-filled outputs, so an unwritten value shows.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "conv4j/conv4j_cpu.h"
#include "harness.h"
#include "reference.h"

namespace t4j {
namespace {

using Runner = std::function<int(int parts, int t0, int t1)>;

bool run_shuffled(std::mt19937 &rng, int tasks, int parts, const Runner &run, const std::string &what) {
    std::vector<std::pair<int, int>> chunks;
    for (int t = 0; t < tasks;) {
        int len = std::uniform_int_distribution<int>(1, std::max(1, (tasks - t + 1) / 2))(rng);
        chunks.emplace_back(t, t + len);
        t += len;
    }
    std::shuffle(chunks.begin(), chunks.end(), rng);
    for (auto &c : chunks) {
        int s = run(parts, c.first, c.second);
        if (s != C4J_OK) {
            T4J_EXPECT(s == C4J_OK, "%s: status %d for tasks [%d, %d)", what.c_str(), s, c.first, c.second);
            return false;
        }
    }
    return true;
}

Conv random_3x3(std::mt19937 &rng) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (;;) {
        Conv c{};
        c.n = r(1, 3);
        c.groups = r(0, 3) == 0 ? r(2, 3) : 1;
        c.cin = r(1, 7) * c.groups;
        c.cout = r(1, 9) * c.groups;
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
    for (int i = 0; i < 150; ++i) v.push_back(random_3x3(rng));
    //        n cin  h  w cout kh kw sh sw pt pb pl pr dh dw g
    v.push_back({2, 40, 31, 29, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});   // several tile blocks, odd sizes
    v.push_back({1, 8, 5, 5, 80, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});      // more filters than tiles: channel split
    v.push_back({1, 80, 5, 7, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});      // backward data: channel split
    v.push_back({3, 6, 3, 3, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2});       // one output pixel per image, groups
    v.push_back({2, 5, 1, 1, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});       // 1x1 image
    v.push_back({1, 3, 2, 40, 2, 3, 3, 1, 1, 2, 2, 0, 3, 1, 1, 1});      // a tile row longer than a vector
    v.push_back({2, 4, 9, 9, 6, 3, 3, 1, 1, 3, 0, 0, 3, 1, 1, 1});       // backward offsets -1 and 2
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

// Winograd's error bound per output (see the file comment). Input [n][groups * cin_g][hin][win], output
// [n][groups * cout_g][hout][wout], fsum(g, o, i): sum |filter| of group g's output o and input i.
std::vector<double> wino_bound(int n, int groups, int cin_g, int hin, int win, const std::vector<float> &in,
                               int cout_g, int hout, int wout, int offh, int offw,
                               const std::function<double(int, int, int)> &fsum) {
    std::vector<double> bound(size_t(n) * groups * cout_g * hout * wout);
    std::vector<double> patch(cin_g);
    for (int img = 0; img < n; ++img)
        for (int g = 0; g < groups; ++g)
            for (int ti = 0; ti < (hout + 1) / 2; ++ti)
                for (int tj = 0; tj < (wout + 1) / 2; ++tj) {
                    for (int i = 0; i < cin_g; ++i) {
                        double s = 0;
                        for (int a = 0; a < 4; ++a)
                            for (int b = 0; b < 4; ++b) {
                                int r = 2 * ti - offh + a, c = 2 * tj - offw + b;
                                if (r >= 0 && r < hin && c >= 0 && c < win)
                                    s += std::fabs(in[((size_t(img) * groups * cin_g + g * cin_g + i) * hin + r) * win + c]);
                            }
                        patch[i] = s;
                    }
                    for (int o = 0; o < cout_g; ++o) {
                        double wsum = 0;
                        for (int i = 0; i < cin_g; ++i) wsum += patch[i] * fsum(g, o, i);
                        for (int a = 0; a < 2 && 2 * ti + a < hout; ++a)
                            for (int b = 0; b < 2 && 2 * tj + b < wout; ++b)
                                bound[((size_t(img) * groups * cout_g + g * cout_g + o) * hout + 2 * ti + a) * wout +
                                      2 * tj + b] = 9.0 * (cin_g + 11) * kU * wsum;
                    }
                }
    return bound;
}

double filter_abs(const std::vector<float> &w, int64_t at) {
    double s = 0;
    for (int k = 0; k < 9; ++k) s += std::fabs(w[at + k]);
    return s;
}

// |actual - expected| <= max(4 (terms + 1) u abs_sum, bound), or exactly equal when exact (NaN shows a
// missed write).
bool within(const std::vector<float> &expected, const std::vector<float> &abs_sum, double terms,
            const std::vector<double> &bound, const std::vector<float> &actual, bool exact, const std::string &what) {
    const double u = kU;
    for (size_t i = 0; i < expected.size(); ++i) {
        double tol = exact ? 0 : std::max(4 * (terms + 1) * u * abs_sum[i], bound[i]);
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
        double terms = double(c.cin / c.groups) * 9 + with_bias;
        const int cig = c.cin / c.groups, cog = c.cout / c.groups;
        auto bound = wino_bound(c.n, c.groups, cig, c.h, c.w, x, cog, c.hout(), c.wout(), c.pt, c.pl,
                                [&](int g, int o, int i) { return filter_abs(w, (int64_t(g * cog + o) * cig + i) * 9); });
        if (with_bias)  // the bias adds one rounding of the output's size
            for (size_t q = 0; q < bound.size(); ++q) bound[q] += 4 * kU * std::fabs(expected[q]);
        for (int parts = 1; parts <= 3; ++parts) {
            std::string what = "winograd forward " + c.str() + (with_bias ? " bias" : "") + (ints ? " ints" : "") +
                               " parts " + std::to_string(parts);
            T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 0, parts) == 1, "%s: not on the Winograd path", what.c_str());
            std::vector<float> y(expected.size(), NAN);
            int tasks = c4j_conv2d_forward_tasks(d.data(), parts);
            T4J_EXPECT(tasks >= 1, "%s", what.c_str());
            if (run_shuffled(rng, tasks, parts, [&](int p, int t0, int t1) {
                    return c4j_conv2d_forward(d.data(), x.data(), w.data(), bias, y.data(), p, t0, t1);
                }, what))
                within(expected, abs_sum, terms, bound, y, ints, what);
        }
    }
}

void check_backward_data(std::mt19937 &rng, const Conv &c, bool ints) {
    std::vector<int32_t> d = c.desc();
    auto gen = [&](int64_t n) { return ints ? small_ints(rng, n) : random_values(rng, n); };
    auto dy = gen(c.ysize()), w = gen(c.wsize());
    auto expected = ref_conv_backward_data(c, dy, w);
    auto abs_sum = ref_conv_backward_data(c, abs_of(dy), abs_of(w));
    double terms = double(c.cout / c.groups) * 9;
    const int cig = c.cin / c.groups, cog = c.cout / c.groups;
    auto bound = wino_bound(c.n, c.groups, cog, c.hout(), c.wout(), dy, cig, c.h, c.w, 2 - c.pt, 2 - c.pl,
                            [&](int g, int o, int i) { return filter_abs(w, (int64_t(g * cog + i) * cig + o) * 9); });
    for (int parts = 1; parts <= 3; ++parts) {
        std::string what = "winograd backward data " + c.str() + (ints ? " ints" : "") + " parts " +
                           std::to_string(parts);
        T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 1, parts) == 1, "%s: not on the Winograd path", what.c_str());
        std::vector<float> dx(expected.size(), NAN);
        int tasks = c4j_conv2d_backward_data_tasks(d.data(), parts);
        T4J_EXPECT(tasks >= 1, "%s", what.c_str());
        if (run_shuffled(rng, tasks, parts, [&](int p, int t0, int t1) {
                return c4j_conv2d_backward_data(d.data(), dy.data(), w.data(), dx.data(), p, t0, t1);
            }, what))
            within(expected, abs_sum, terms, bound, dx, ints, what);
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
        }
    }
    // the switch: off never, always wherever it applies (never for 5x5, stride 2 or dilation 2)
    Conv s4{8, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    Conv k5{1, 64, 20, 20, 64, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1};
    Conv s2{1, 64, 20, 20, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1};
    Conv d2{1, 64, 20, 20, 64, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1};
    for (const Conv &c : {k5, s2, d2}) {
        auto d = c.desc();
        T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 0, 2) == 0, "%s: Winograd does not apply", c.str().c_str());
        T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 1, 2) == 0, "%s: Winograd does not apply", c.str().c_str());
    }
    c4j_cpu_set_winograd(C4J_WINOGRAD_OFF);
    auto d = s4.desc();
    T4J_EXPECT(c4j_cpu_winograd() == C4J_WINOGRAD_OFF, "mode");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 0, 2) == 0, "off: forward still on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 1, 2) == 0, "off: backward data still on Winograd");
    c4j_cpu_set_winograd(C4J_WINOGRAD_AUTO);
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 0, 2) == 1, "auto: s4 forward not on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 1, 2) == 1, "auto: s4 backward data not on Winograd");
    c4j_cpu_set_winograd(7);  // ignored
    T4J_EXPECT(c4j_cpu_winograd() == C4J_WINOGRAD_AUTO, "an unknown mode changed the setting");
    c4j_cpu_set_winograd(before);
}

}  // namespace t4j
