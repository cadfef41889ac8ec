// Pooling kernels vs the naive reference on random shapes and every parameter, through both the
// AVX2 and the scalar row kernels (which must agree exactly), with ties and NaNs in the input to pin
// the "first maximum wins, NaN wins" rule.
#include <cmath>
#include <cstring>

#include "conv4j/conv4j_cpu.h"
#include "harness.h"
#include "reference.h"

namespace t4j {
namespace {

std::vector<float> tie_values(std::mt19937 &rng, int64_t n, bool with_nan) {
    std::vector<float> v = random_values(rng, n);
    std::uniform_int_distribution<int> pick(0, 9);
    for (auto &x : v) {
        x = std::round(x * 2.f) / 2.f;  // few distinct levels: many ties
        if (with_nan && pick(rng) == 0) x = NAN;
    }
    return v;
}

bool bitwise_equal(const std::vector<float> &a, const std::vector<float> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

template <class F>
std::vector<float> both_isas(const std::string &what, F run) {
    c4j_cpu_force_scalar(1);
    std::vector<float> scalar = run();
    c4j_cpu_force_scalar(0);
    std::vector<float> best = run();
    T4J_EXPECT(bitwise_equal(scalar, best), "%s: scalar and vector kernels differ", what.c_str());
    return best;
}

}  // namespace

// Random shapes plus strides far beyond the input (one window per row or column, ceil mode on).
static Pool pool_case(std::mt19937 &rng, int iter) {
    if (iter == 0) return Pool{2, 3, 9, 11, 3, 2, 1 << 30, 1 << 30, 1, 1, true, false};
    if (iter == 1) return Pool{1, 2, 7, 5, 2, 3, 3, 1 << 29, 1, 1, true, true};
    return random_pool(rng);
}

void suite_pool_max() {
    std::mt19937 rng(21);
    for (int iter = 0; iter < 400; ++iter) {
        Pool p = pool_case(rng, iter);
        std::vector<int32_t> d = p.desc();
        int tasks = c4j_pool2d_tasks(d.data());
        T4J_EXPECT(tasks == p.n * p.c, "%s: tasks %d", p.str().c_str(), tasks);
        auto x = tie_values(rng, int64_t(p.n) * p.c * p.h * p.w, iter % 3 == 0);
        auto dy = random_values(rng, int64_t(p.n) * p.c * p.hout() * p.wout());
        auto y = both_isas("max fwd " + p.str(), [&] {
            std::vector<float> out(dy.size(), -42.f);
            int mid = tasks / 2;
            T4J_EXPECT(c4j_max_pool2d_forward(d.data(), x.data(), out.data(), mid, tasks) == C4J_OK, "%s", p.str().c_str());
            T4J_EXPECT(c4j_max_pool2d_forward(d.data(), x.data(), out.data(), 0, mid) == C4J_OK, "%s", p.str().c_str());
            return out;
        });
        close_enough(ref_max_pool(p, x), y, "max forward " + p.str(), 0.f);
        auto dx = both_isas("max bwd " + p.str(), [&] {
            std::vector<float> out(x.size(), NAN);
            T4J_EXPECT(c4j_max_pool2d_backward(d.data(), dy.data(), x.data(), out.data(), 0, tasks) == C4J_OK, "%s",
                       p.str().c_str());
            return out;
        });
        close_enough(ref_max_pool_backward(p, dy, x), dx, "max backward " + p.str(), 1e-5f);
    }
}

void suite_pool_avg() {
    std::mt19937 rng(22);
    for (int iter = 0; iter < 400; ++iter) {
        Pool p = pool_case(rng, iter);
        std::vector<int32_t> d = p.desc();
        int tasks = c4j_pool2d_tasks(d.data());
        auto x = random_values(rng, int64_t(p.n) * p.c * p.h * p.w);
        auto dy = random_values(rng, int64_t(p.n) * p.c * p.hout() * p.wout());
        auto y = both_isas("avg fwd " + p.str(), [&] {
            std::vector<float> out(dy.size(), NAN);
            T4J_EXPECT(c4j_avg_pool2d_forward(d.data(), x.data(), out.data(), 0, tasks) == C4J_OK, "%s", p.str().c_str());
            return out;
        });
        close_enough(ref_avg_pool(p, x), y, "avg forward " + p.str(), 1e-5f);
        auto dx = both_isas("avg bwd " + p.str(), [&] {
            std::vector<float> out(x.size(), NAN);
            int mid = tasks / 2;
            T4J_EXPECT(c4j_avg_pool2d_backward(d.data(), dy.data(), out.data(), 0, mid) == C4J_OK, "%s", p.str().c_str());
            T4J_EXPECT(c4j_avg_pool2d_backward(d.data(), dy.data(), out.data(), mid, tasks) == C4J_OK, "%s", p.str().c_str());
            return out;
        });
        close_enough(ref_avg_pool_backward(p, dy), dx, "avg backward " + p.str(), 1e-5f);
    }
}

}  // namespace t4j
