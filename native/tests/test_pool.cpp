// Pooling kernels vs the naive reference on random shapes and every parameter, through both the
// vector kernels (AVX-512 whole-plane kernels where they apply, else AVX2 rows) and the scalar row
// kernels, which must agree bit for bit, with ties (signed zeros among them), NaNs and -inf in the input
// to pin the "first maximum wins, NaN wins, padding never wins" rule, and -0 gradients.
#include <algorithm>
#include <cmath>
#include <cstdint>
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
        x = std::round(x * 2.f) / 2.f;  // few distinct levels: many ties, -0 against +0 among them
        int k = pick(rng);
        if (with_nan && k == 0) x = NAN;
        if (k == 1) x = -INFINITY;  // an all -inf window next to padding: the first real cell still wins
    }
    return v;
}

bool bitwise_equal(const std::vector<float> &a, const std::vector<float> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// close_enough, also taking equal infinities as equal (max pooling passes -inf inputs through).
bool same_or_close(std::vector<float> e, std::vector<float> a, const std::string &what, float tol) {
    for (size_t i = 0; i < e.size() && i < a.size(); ++i) {
        if (std::isinf(e[i]) && e[i] == a[i]) e[i] = a[i] = 0.f;
    }
    return close_enough(e, a, what, tol);
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

// Gradients with -0 among them: each lands in dx as +0 + dy, the definition's sum from zero.
static std::vector<float> gradients(std::mt19937 &rng, int64_t n) {
    std::vector<float> v = random_values(rng, n);
    for (int64_t k = 0; k < n; k += 7) v[k] = -0.f;
    return v;
}

// The shapes of the whole-plane kernels (pool_planes.h), 2x2 stride 2 and 3x3 stride 2 padding 1 (or none), at
// sizes from one window to several 16-window blocks with partial ones, odd and even, both rounding modes.
static Pool plane_case(std::mt19937 &rng, int iter) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    Pool p{};
    p.n = r(1, 2); p.c = r(1, 3); p.h = r(1, 24); p.w = r(1, 75);
    if (iter % 8 == 0) p.w = r(1, 4);
    p.ceil = r(0, 1) == 1; p.count_include_pad = r(0, 1) == 1;
    if (iter % 2 == 0) {
        p.kh = p.kw = 2; p.sh = p.sw = 2; p.ph = p.pw = 0;
        p.h = std::max(p.h, 2); p.w = std::max(p.w, 2);
    } else if (iter % 4 == 3) {  // no padding: the generic path's stride-2 window kernels
        p.kh = p.kw = 3; p.sh = p.sw = 2; p.ph = p.pw = 0;
        p.h = std::max(p.h, 3); p.w = std::max(p.w, 3);
    } else {
        p.kh = p.kw = 3; p.sh = p.sw = 2; p.ph = p.pw = 1;
    }
    return p;
}

constexpr int kPlaneCases = 160;

// Max pooling inputs: ties with NaNs (every third case), constant planes (every window one tie: the first
// real cell wins, also against padding; -inf too), and ties with a NaN every ~100 cells (NaNs that are
// alone in their 16-window block, which the AVX-512 kernel handles apart from NaN-free blocks).
static std::vector<float> max_input(std::mt19937 &rng, int64_t n, int iter) {
    if (iter % 3 == 0) return tie_values(rng, n, true);
    std::vector<float> v = tie_values(rng, n, false);
    if (iter % 7 == 1) std::fill(v.begin(), v.end(), -INFINITY);
    if (iter % 7 == 2) std::fill(v.begin(), v.end(), 1.f);
    if (iter % 7 == 4) {
        std::uniform_int_distribution<int> pick(0, 99);
        for (auto &x : v) {
            if (pick(rng) == 0) x = NAN;
        }
    }
    return v;
}

// Random shapes plus strides far beyond the input (one window per row or column, ceil mode on), then the
// whole-plane kernels' shapes.
static Pool pool_case(std::mt19937 &rng, int iter) {
    if (iter == 0) return Pool{2, 3, 9, 11, 3, 2, 1 << 30, 1 << 30, 1, 1, true, false};
    if (iter == 1) return Pool{1, 2, 7, 5, 2, 3, 3, 1 << 29, 1, 1, true, true};
    if (iter == 2) return Pool{2, 3, 112, 112, 3, 3, 2, 2, 1, 1, false, true};  // p2's plane
    if (iter == 3) return Pool{1, 2, 56, 56, 2, 2, 2, 2, 0, 0, false, true};    // p3's plane
    if (iter < 4 + kPlaneCases) return plane_case(rng, iter);
    return random_pool(rng);
}

// p2's planes with dx over 16 MiB: into memory from c4j_cpu_alloc (64-byte aligned) the 3x3 kernel writes
// whole lines with streaming stores; 4 bytes off that, ordinary stores. Both in two task ranges, against
// the scalar path bit for bit; the allocator's blocks must be aligned.
static void large_max_backward(std::mt19937 &rng) {
    const Pool p{1, 336, 112, 112, 3, 3, 2, 2, 1, 1, false, false};
    std::vector<int32_t> d = p.desc();
    const int tasks = c4j_pool2d_tasks(d.data());
    const int64_t nx = int64_t(p.n) * p.c * p.h * p.w;
    auto x = max_input(rng, nx, 4);
    auto dy = gradients(rng, int64_t(p.n) * p.c * p.hout() * p.wout());
    T4J_EXPECT(c4j_cpu_alloc(0) == nullptr && c4j_cpu_alloc(-5) == nullptr, "c4j_cpu_alloc accepts sizes below 1");
    c4j_cpu_free(nullptr);
    float *block = static_cast<float *>(c4j_cpu_alloc((nx + 16) * int64_t(sizeof(float))));
    T4J_EXPECT(block != nullptr && reinterpret_cast<uintptr_t>(block) % 64 == 0, "c4j_cpu_alloc: %p is not on 64 bytes",
               static_cast<void *>(block));
    if (block == nullptr) return;
    for (int offset : {0, 1}) {
        const std::string what = p.str() + (offset == 0 ? " streamed" : " off by 4 bytes");
        auto dx = both_isas("max bwd " + what, [&] {
            float *out = block + offset;
            std::fill(out, out + nx, NAN);
            int mid = tasks / 3;
            T4J_EXPECT(c4j_max_pool2d_backward(d.data(), dy.data(), x.data(), out, mid, tasks) == C4J_OK, "%s", what.c_str());
            T4J_EXPECT(c4j_max_pool2d_backward(d.data(), dy.data(), x.data(), out, 0, mid) == C4J_OK, "%s", what.c_str());
            return std::vector<float>(out, out + nx);
        });
        close_enough(ref_max_pool_backward(p, dy, x), dx, "max backward " + what, 1e-5f);
    }
    c4j_cpu_free(block);
}

// The gradient through saved indices against its definition (dx = +0, then dx[idx[k]] += dy[k] in order k),
// bit for bit, on 2x2 stride-2 shapes (the block-writing kernels, pool_index_grad.h) and their neighbours: the
// forward's indices, then planes whose indices leave their own window (another window's cell, a duplicate:
// the scatter takes over), a bad index (refused), and two task ranges with dx poisoned between them, so a
// write past a range shows.
static void index_backward(std::mt19937 &rng) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int iter = 0; iter < 200; ++iter) {
        const int n = r(1, 2), c = r(1, 5), hs = r(1, 9), ws = iter % 4 == 0 ? r(1, 40) : r(1, 12);
        const int hb = 2 * hs + r(0, 1), wb = 2 * ws + (iter % 5 == 0 ? r(2, 3) : r(0, 1));  // wb > 2 ws + 1: scatter
        const std::vector<int32_t> d = {n, c, hs, ws, hb, wb};
        const int tasks = c4j_index_tasks(d.data());
        const int64_t small = int64_t(hs) * ws, big = int64_t(hb) * wb, planes = int64_t(n) * c;
        std::vector<int32_t> idx(size_t(planes * small));
        for (int64_t t = 0; t < planes; ++t) {
            for (int i = 0; i < hs; ++i) {
                for (int j = 0; j < ws; ++j) idx[size_t(t * small + i * ws + j)] = (2 * i + r(0, 1)) * wb + 2 * j + r(0, 1);
            }
        }
        const int mode = iter % 6;  // 1: one index in another window, 2: a duplicate, 3: a bad index
        if (mode >= 1 && mode <= 3) {
            const size_t k = size_t(r(0, int(idx.size()) - 1));
            if (mode == 1) idx[k] = r(0, int(big) - 1);
            if (mode == 2) idx[k] = idx[size_t(r(0, int(idx.size()) - 1))] % int32_t(big);
            if (mode == 3) idx[k] = r(0, 1) == 0 ? -1 - r(0, 5) : int32_t(big) + r(0, 5);
        }
        auto dy = gradients(rng, planes * small);
        std::vector<float> want(size_t(planes * big), 0.f);
        bool bad = false;
        for (int64_t t = 0; t < planes; ++t) {
            for (int64_t k = 0; k < small; ++k) {
                const int32_t at = idx[size_t(t * small + k)];
                if (at < 0 || at >= big) {
                    bad = true;
                } else {
                    want[size_t(t * big + at)] += dy[size_t(t * small + k)];
                }
            }
        }
        const std::string what = "max bwd indices " + std::to_string(n) + "x" + std::to_string(c) + " " +
                                 std::to_string(hs) + "x" + std::to_string(ws) + " -> " + std::to_string(hb) + "x" +
                                 std::to_string(wb) + " mode " + std::to_string(mode);
        const int mid = r(0, tasks);
        auto got = both_isas(what, [&] {
            std::vector<float> out(want.size(), NAN);
            const int s0 = c4j_max_pool2d_backward_indices(d.data(), dy.data(), idx.data(), out.data(), 0, mid);
            bool untouched = true;
            for (int64_t q = mid * big; q < planes * big; ++q) untouched = untouched && std::isnan(out[size_t(q)]);
            T4J_EXPECT(untouched, "%s: tasks [0, %d) wrote past their planes", what.c_str(), mid);
            const int s1 = c4j_max_pool2d_backward_indices(d.data(), dy.data(), idx.data(), out.data(), mid, tasks);
            if (bad) {
                T4J_EXPECT(s0 == C4J_ERR_BAD_INDEX || s1 == C4J_ERR_BAD_INDEX, "%s: a bad index accepted", what.c_str());
                return std::vector<float>{float(s0), float(s1)};  // the same statuses from every flavour
            }
            T4J_EXPECT(s0 == C4J_OK && s1 == C4J_OK, "%s: status %d %d", what.c_str(), s0, s1);
            return out;
        });
        if (!bad) T4J_EXPECT(bitwise_equal(want, got), "%s: differs from the scatter", what.c_str());
    }
}

void suite_pool_max() {
    std::mt19937 rng(21);
    for (int iter = 0; iter < 400 + kPlaneCases; ++iter) {
        Pool p = pool_case(rng, iter);
        std::vector<int32_t> d = p.desc();
        int tasks = c4j_pool2d_tasks(d.data());
        T4J_EXPECT(tasks == p.n * p.c, "%s: tasks %d", p.str().c_str(), tasks);
        auto x = max_input(rng, int64_t(p.n) * p.c * p.h * p.w, iter);
        auto dy = gradients(rng, int64_t(p.n) * p.c * p.hout() * p.wout());
        auto y = both_isas("max fwd " + p.str(), [&] {
            std::vector<float> out(dy.size(), -42.f);
            int mid = tasks / 2;
            T4J_EXPECT(c4j_max_pool2d_forward(d.data(), x.data(), out.data(), 0, mid) == C4J_OK, "%s", p.str().c_str());
            bool untouched = true;
            for (size_t q = size_t(mid) * size_t(p.hout()) * size_t(p.wout()); q < out.size(); ++q)
                untouched = untouched && out[q] == -42.f;
            T4J_EXPECT(untouched, "max fwd %s: tasks [0, %d) wrote past their planes", p.str().c_str(), mid);
            T4J_EXPECT(c4j_max_pool2d_forward(d.data(), x.data(), out.data(), mid, tasks) == C4J_OK, "%s", p.str().c_str());
            return out;
        });
        same_or_close(ref_max_pool(p, x), y, "max forward " + p.str(), 0.f);
        auto dx = both_isas("max bwd " + p.str(), [&] {
            // the first range's planes first: nothing past them may be written (small rows move whole vectors)
            std::vector<float> out(x.size(), NAN);
            const int mid = tasks / 2;
            const int64_t plane = int64_t(p.h) * p.w;
            T4J_EXPECT(c4j_max_pool2d_backward(d.data(), dy.data(), x.data(), out.data(), 0, mid) == C4J_OK, "%s",
                       p.str().c_str());
            bool untouched = true;
            for (int64_t q = mid * plane; q < int64_t(out.size()); ++q) untouched = untouched && std::isnan(out[size_t(q)]);
            T4J_EXPECT(untouched, "max bwd %s: tasks [0, %d) wrote past their planes", p.str().c_str(), mid);
            T4J_EXPECT(c4j_max_pool2d_backward(d.data(), dy.data(), x.data(), out.data(), mid, tasks) == C4J_OK, "%s",
                       p.str().c_str());
            return out;
        });
        close_enough(ref_max_pool_backward(p, dy, x), dx, "max backward " + p.str(), 1e-5f);
        // with indices: the same values, and the gradient scattered through the indices is the reference's
        // (so every index is the first maximum of its window, ties and NaN included)
        const size_t ny = dy.size();
        auto yi = both_isas("max fwd indices " + p.str(), [&] {
            std::vector<float> out(ny, -42.f);
            std::vector<int32_t> idx(ny, -1);
            int mid = tasks / 3;
            T4J_EXPECT(c4j_max_pool2d_forward_indices(d.data(), x.data(), out.data(), idx.data(), 0, mid) == C4J_OK,
                       "%s", p.str().c_str());
            bool untouched = true;
            for (size_t q = size_t(mid) * size_t(p.hout()) * size_t(p.wout()); q < ny; ++q)
                untouched = untouched && out[q] == -42.f && idx[q] == -1;
            T4J_EXPECT(untouched, "max fwd indices %s: tasks [0, %d) wrote past their planes", p.str().c_str(), mid);
            T4J_EXPECT(c4j_max_pool2d_forward_indices(d.data(), x.data(), out.data(), idx.data(), mid, tasks) == C4J_OK,
                       "%s", p.str().c_str());
            out.resize(2 * ny);
            std::memcpy(out.data() + ny, idx.data(), ny * sizeof(int32_t));  // the indices' bits, compared too
            return out;
        });
        // equal values: the forward reduces columns first, so a tie of -0 and +0 may keep the other zero
        bool same = true;
        for (size_t k = 0; k < ny; ++k) same = same && (yi[k] == y[k] || (std::isnan(yi[k]) && std::isnan(y[k])));
        T4J_EXPECT(same, "max fwd indices %s: values differ from forward", p.str().c_str());
        std::vector<float> dxi(x.size(), 0.f);
        const int64_t plane = int64_t(p.h) * p.w, oplane = int64_t(p.hout()) * p.wout();
        for (size_t k = 0; k < ny; ++k) {
            int32_t at;
            std::memcpy(&at, yi.data() + ny + k, sizeof at);
            const int64_t t = int64_t(k) / oplane;
            T4J_EXPECT(at >= 0 && at < plane, "max fwd indices %s: index %d out of the plane", p.str().c_str(), at);
            if (at >= 0 && at < plane) dxi[size_t(t * plane + at)] += dy[k];
        }
        close_enough(ref_max_pool_backward(p, dy, x), dxi, "max backward through indices " + p.str(), 1e-5f);
    }
    large_max_backward(rng);
    index_backward(rng);
}

void suite_pool_avg() {
    std::mt19937 rng(22);
    for (int iter = 0; iter < 400 + kPlaneCases; ++iter) {
        Pool p = pool_case(rng, iter);
        std::vector<int32_t> d = p.desc();
        int tasks = c4j_pool2d_tasks(d.data());
        auto x = random_values(rng, int64_t(p.n) * p.c * p.h * p.w);
        auto dy = gradients(rng, int64_t(p.n) * p.c * p.hout() * p.wout());
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
