#include "conv_check.h"

#include <cmath>
#include <cstring>

#include "conv4j/conv4j_cpu.h"
#include "harness.h"

namespace t4j {

std::vector<float> small_ints(std::mt19937 &rng, int64_t n) {
    std::uniform_int_distribution<int> d(-4, 4);
    std::vector<float> v(static_cast<size_t>(n));
    for (auto &x : v) x = float(d(rng));
    return v;
}

namespace {

std::vector<float> abs_of(std::vector<float> v) {
    for (auto &x : v) x = std::fabs(x);
    return v;
}

const double kU = std::ldexp(1.0, -24);

// |actual - expected| <= 4 (terms + 1) u abs_sum, or exactly equal when exact.
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

}  // namespace

void check_conv_forward(std::mt19937 &rng, const Conv &c, bool ints, const std::string &name, const PathCheck &path) {
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
            std::string what = name + " forward " + c.str() + (with_bias ? " bias" : "") + (ints ? " ints" : "") +
                               " parts " + std::to_string(parts);
            if (path) T4J_EXPECT(path(d, parts), "%s: not on the %s path", what.c_str(), name.c_str());
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

void check_conv_backward_data(std::mt19937 &rng, const Conv &c, bool ints, const std::string &name,
                              const PathCheck &path) {
    std::vector<int32_t> d = c.desc();
    auto gen = [&](int64_t n) { return ints ? small_ints(rng, n) : random_values(rng, n); };
    auto dy = gen(c.ysize()), w = gen(c.wsize());
    auto expected = ref_conv_backward_data(c, dy, w);
    auto abs_sum = ref_conv_backward_data(c, abs_of(dy), abs_of(w));
    auto terms = ref_conv_backward_data(c, std::vector<float>(dy.size(), 1.f), std::vector<float>(w.size(), 1.f));
    for (int parts = 1; parts <= 3; ++parts) {
        std::string what = name + " backward data " + c.str() + (ints ? " ints" : "") + " parts " +
                           std::to_string(parts);
        if (path) T4J_EXPECT(path(d, parts), "%s: not on the %s path", what.c_str(), name.c_str());
        std::vector<float> dx(expected.size(), NAN);
        int tasks = c4j_conv2d_backward_data_tasks(d.data(), parts);
        T4J_EXPECT(tasks >= 1, "%s", what.c_str());
        if (run_tasks_shuffled(rng, tasks, parts, [&](int p, int t0, int t1) {
                return c4j_conv2d_backward_data(d.data(), dy.data(), w.data(), dx.data(), p, t0, t1);
            }, what))
            within(expected, abs_sum, terms, dx, ints, what);
    }
}

void check_conv_backward_weights(std::mt19937 &rng, const Conv &c, bool ints, const std::string &name,
                                 const PathCheck &path, bool same_for_any_parts) {
    std::vector<int32_t> d = c.desc();
    auto gen = [&](int64_t n) { return ints ? small_ints(rng, n) : random_values(rng, n); };
    auto dy = gen(c.ysize()), x = gen(c.xsize());
    auto expected = ref_conv_backward_weights(c, dy, x);
    auto abs_sum = ref_conv_backward_weights(c, abs_of(dy), abs_of(x));
    auto terms = ref_conv_backward_weights(c, std::vector<float>(dy.size(), 1.f), std::vector<float>(x.size(), 1.f));
    std::vector<float> first;
    for (int parts = 1; parts <= 3; ++parts) {
        std::string what = name + " backward weights " + c.str() + (ints ? " ints" : "") + " parts " +
                           std::to_string(parts);
        if (path) T4J_EXPECT(path(d, parts), "%s: not on the %s path", what.c_str(), name.c_str());
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
        else if (same_for_any_parts && (c4j_cpu_features() & C4J_CPU_AVX512))
            T4J_EXPECT(std::memcmp(first.data(), dw.data(), dw.size() * sizeof(float)) == 0,
                       "%s: differs from the result with one part", what.c_str());
    }
}


}  // namespace t4j
