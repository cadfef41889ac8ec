// The stride-1 stacked max and average pooling kernels (pool/pool_s1.h), every flavour the CPU runs (scalar, AVX2,
// AVX-512), bit for bit against
// - the separable path's rules written out here (value: first maximum in column-major window order; argmax:
//   first maximum in row-major order, NaN wins, an all -inf window answers its first real cell), and
// - the padded-plane path it replaces (pool_stride1.h) wherever that one applies, forward, argmax and the
//   backward's scatter; average: the separable path's sums in its order, divided by PyTorch's divisor,
// on random stride-1 shapes (windows up to 5 wide, padding below the window, planes from 1x1 to 40 wide and
// more planes than one group holds), with ties (+0 against -0), -inf, NaN (the vector kernels hand such a
// group to the scalar body), and guard cells around every output that must stay untouched.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "conv4j/conv4j_cpu.h"
#include "harness.h"
#include "pool/pool_band.h"
#include "pool/pool_rows.h"
#include "pool/pool_s1.h"
#include "pool/pool_stride1.h"
#include "reference.h"
#include "runtime/cpu_features.h"
#include "runtime/geometry.h"

namespace t4j {
namespace {

constexpr int kGuard = 40;  // floats before and after every output, which no kernel may write
constexpr float kSentinel = -42.5f;

bool same_bits(const float *a, const float *b, int64_t n) { return std::memcmp(a, b, size_t(n) * sizeof(float)) == 0; }

c4j::PoolGeo geo_of(const Pool &p) {
    c4j::PoolGeo g{};
    std::vector<int32_t> d = p.desc();
    T4J_EXPECT(c4j::load_pool(d.data(), g), "%s: descriptor refused", p.str().c_str());
    return g;
}

bool beats(float x, float m) { return x > m || (std::isnan(x) && !std::isnan(m)); }

// The two rules, window by window over the real cells.
void rules(const Pool &p, const std::vector<float> &x, std::vector<float> &val_cm, std::vector<float> &val_rm,
           std::vector<int32_t> &at_rm) {
    const int ho = p.hout(), wo = p.wout();
    const int64_t planes = int64_t(p.n) * p.c, plane = int64_t(p.h) * p.w;
    val_cm.assign(size_t(planes * ho * wo), 0.f);
    val_rm = val_cm;
    at_rm.assign(val_cm.size(), -1);
    for (int64_t t = 0; t < planes; ++t) {
        const float *xp = x.data() + t * plane;
        for (int i = 0; i < ho; ++i) {
            for (int j = 0; j < wo; ++j) {
                const int r0 = std::max(i - p.ph, 0), r1 = std::min(i - p.ph + p.kh, p.h);
                const int c0 = std::max(j - p.pw, 0), c1 = std::min(j - p.pw + p.kw, p.w);
                float mc = xp[r0 * p.w + c0];
                for (int c = c0; c < c1; ++c)
                    for (int r = r0; r < r1; ++r)
                        if (beats(xp[r * p.w + c], mc)) mc = xp[r * p.w + c];
                int32_t at = r0 * p.w + c0;
                for (int r = r0; r < r1; ++r)
                    for (int c = c0; c < c1; ++c)
                        if (beats(xp[r * p.w + c], xp[at])) at = r * p.w + c;
                const size_t o = size_t((t * ho + i) * wo + j);
                val_cm[o] = mc;
                val_rm[o] = xp[at];
                at_rm[o] = at;
            }
        }
    }
}

// The separable path's average: per kernel column the real rows' sum top to bottom (+0 for a border column),
// the columns left to right, divided by PyTorch's divisor (row extent times column extent).
std::vector<float> avg_rule(const Pool &p, const std::vector<float> &x) {
    const int ho = p.hout(), wo = p.wout();
    const int64_t planes = int64_t(p.n) * p.c, plane = int64_t(p.h) * p.w;
    std::vector<float> y(size_t(planes * ho * wo));
    auto extent = [](int o, int pad, int k, int in, bool incl) {
        const int s0 = o - pad, e = std::min(s0 + k, in + pad);
        return incl ? e - s0 : std::min(e, in) - std::max(s0, 0);
    };
    for (int64_t t = 0; t < planes; ++t) {
        const float *xp = x.data() + t * plane;
        for (int i = 0; i < ho; ++i) {
            const int r0 = std::max(i - p.ph, 0), r1 = std::min(i - p.ph + p.kh, p.h);
            for (int j = 0; j < wo; ++j) {
                float sum = 0.f;
                for (int b = 0; b < p.kw; ++b) {
                    const int c = j - p.pw + b;
                    float v = 0.f;
                    if (c >= 0 && c < p.w) {
                        v = xp[r0 * p.w + c];
                        for (int r = r0 + 1; r < r1; ++r) v += xp[r * p.w + c];
                    }
                    sum = b == 0 ? v : sum + v;
                }
                const int d = extent(i, p.ph, p.kh, p.h, p.count_include_pad) *
                              extent(j, p.pw, p.kw, p.w, p.count_include_pad);
                y[size_t((t * ho + i) * wo + j)] = sum / float(d);
            }
        }
    }
    return y;
}

// The separable path's average backward: per window row i the scaled row t[j] = dy[i][j] * (1/re_i * 1/ce_j)
// behind kw - 1 - pw zeros, U_i[c] = its kw cells from c added left to right, dx[r] = the U rows covering r added
// top to bottom (+0 for a row no window reaches).
std::vector<float> avg_backward_rule(const Pool &p, const std::vector<float> &dy) {
    const c4j::PoolGeo g = geo_of(p);
    const int ho = p.hout(), wo = p.wout(), lead = p.kw - 1 - p.pw;
    const int64_t planes = int64_t(p.n) * p.c;
    std::vector<float> dx(size_t(planes * p.h * p.w));
    std::vector<float> tp(size_t(wo + 2 * p.kw)), u(size_t(ho * p.w));
    for (int64_t t = 0; t < planes; ++t) {
        for (int i = 0; i < ho; ++i) {
            std::fill(tp.begin(), tp.end(), 0.f);
            const float ri = 1.f / float(c4j::row_extent(g, i));
            for (int j = 0; j < wo; ++j) {
                tp[size_t(j + lead)] = dy[size_t((t * ho + i) * wo + j)] * (ri * (1.f / float(c4j::col_extent(g, j))));
            }
            for (int c = 0; c < p.w; ++c) {
                float s = tp[size_t(c)];
                for (int b = 1; b < p.kw; ++b) s += tp[size_t(c + b)];
                u[size_t(i * p.w + c)] = s;
            }
        }
        for (int r = 0; r < p.h; ++r) {
            const int lo = std::max(r + p.ph - p.kh + 1, 0), hi = std::min(r + p.ph + 1, ho);
            for (int c = 0; c < p.w; ++c) {
                float s = 0.f;
                for (int i = lo; i < hi; ++i) s = i == lo ? u[size_t(i * p.w + c)] : s + u[size_t(i * p.w + c)];
                dx[size_t((t * p.h + r) * p.w + c)] = s;
            }
        }
    }
    return dx;
}

Pool s1_case(std::mt19937 &rng, int iter) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    Pool p{};
    p.n = r(1, 2);
    p.c = r(1, 5);
    p.kh = r(1, 5);
    p.kw = r(1, std::min(5, 25 / p.kh));
    p.h = r(1, 20);
    p.w = r(1, 40);
    if (iter % 5 == 0) p.w = r(1, 9);    // narrower than a vector: one masked block per row
    if (iter % 11 == 0) p.c = r(40, 70); // more planes than one group: several groups through one stack
    p.ph = r(0, p.kh / 2);  // PyTorch's limit: at most half the window
    p.pw = r(0, p.kw / 2);
    if (iter % 3 == 0) { p.kh = p.kw = 3; p.ph = p.pw = 1; }  // Inception's branch pool
    p.h = std::max(p.h, p.kh - 2 * p.ph);
    p.w = std::max(p.w, p.kw - 2 * p.pw);
    p.sh = p.sw = 1;
    p.ceil = r(0, 1) == 1;
    p.count_include_pad = r(0, 1) == 1;
    return p;
}

std::vector<float> s1_input(std::mt19937 &rng, int64_t n, int iter) {
    std::vector<float> v = random_values(rng, n);
    std::uniform_int_distribution<int> pick(0, 99);
    for (auto &x : v) {
        x = std::round(x * 2.f) / 2.f;  // few levels: ties, -0 against +0
        const int k = pick(rng);
        if (k < 8) x = -INFINITY;
        if (iter % 4 == 1 && k == 8) x = NAN;
    }
    if (iter % 9 == 2) std::fill(v.begin(), v.end(), -INFINITY);
    if (iter % 9 == 5) {
        for (size_t k = 0; k < v.size(); ++k) v[k] = k % 2 ? 0.f : -0.f;
    }
    return v;
}

struct Flavour {
    const char *name;
    const c4j::PoolS1Kernels *k;
};

std::vector<Flavour> flavours() {
    std::vector<Flavour> f{{"scalar", &c4j::pool_s1_scalar()}};
    if (c4j::cpu_has_avx2_fma()) f.push_back({"avx2", &c4j::pool_s1_avx2()});
    if (c4j::cpu_has_avx512()) f.push_back({"avx512", &c4j::pool_s1_avx512()});
    return f;
}

bool guards_intact(const std::vector<float> &buf, int64_t n) {
    for (int k = 0; k < kGuard; ++k) {
        if (std::memcmp(&buf[size_t(k)], &kSentinel, sizeof kSentinel) != 0) return false;
        if (std::memcmp(&buf[size_t(kGuard + n + k)], &kSentinel, sizeof kSentinel) != 0) return false;
    }
    return true;
}

// One flavour's kernels over all planes, in groups of `group` planes through one stack.
void check_flavour(const Pool &p, const Flavour &f, const std::vector<float> &x, const std::vector<float> &val_cm,
                   const std::vector<float> &val_rm, const std::vector<int32_t> &at_rm, const std::vector<float> &dy,
                   const std::vector<float> &dx_expect) {
    const c4j::PoolGeo g = geo_of(p);
    const c4j::S1Geo s = c4j::s1_geo(g);
    const int planes = p.n * p.c;
    const int64_t plane = int64_t(p.h) * p.w, oplane = int64_t(p.hout()) * p.wout(), ny = planes * oplane;
    for (int group : {1, c4j::s1_group(s), 3}) {
        group = std::min(group, planes);
        std::vector<float> stack(size_t(c4j::s1_stack_floats(s, group)));
        c4j::s1_stack_init(stack.data(), int64_t(stack.size()), -INFINITY);
        std::vector<float> y(size_t(ny + 2 * kGuard), kSentinel), v(y.size(), kSentinel);
        std::vector<float> ib(y.size(), kSentinel);  // int32 bits, guarded like the floats
        for (int t = 0; t < planes; t += group) {
            const int nt = std::min(group, planes - t);
            f.k->max_forward(s, x.data() + t * plane, nt, stack.data(), y.data() + kGuard + t * oplane);
            f.k->argmax(s, x.data() + t * plane, nt, stack.data(), v.data() + kGuard + t * oplane,
                        reinterpret_cast<int32_t *>(ib.data() + kGuard + t * oplane));
        }
        const std::string what = p.str() + " " + f.name + " group " + std::to_string(group);
        T4J_EXPECT(guards_intact(y, ny) && guards_intact(v, ny) && guards_intact(ib, ny), "%s: wrote outside its output",
                   what.c_str());
        T4J_EXPECT(same_bits(y.data() + kGuard, val_cm.data(), ny), "%s: forward values", what.c_str());
        T4J_EXPECT(same_bits(v.data() + kGuard, val_rm.data(), ny), "%s: argmax values", what.c_str());
        T4J_EXPECT(std::memcmp(ib.data() + kGuard, at_rm.data(), size_t(ny) * 4) == 0, "%s: argmax indices",
                   what.c_str());
        // backward: the tap and dy planes kept across groups (a NaN group's scalar body borrows them)
        const int64_t tf = c4j::s1_tap_floats(s), nx = planes * plane;
        std::vector<float> tp(static_cast<size_t>(tf)), dp(static_cast<size_t>(tf), 0.f);
        std::vector<float> dx(size_t(nx + 2 * kGuard), kSentinel);
        c4j::s1_tap_init(tp.data(), tf);
        for (int t = 0; t < planes; t += group) {
            const int nt = std::min(group, planes - t);
            f.k->max_backward(s, dy.data() + t * oplane, x.data() + t * plane, nt, stack.data(), tp.data(), dp.data(),
                              dx.data() + kGuard + t * plane);
        }
        T4J_EXPECT(guards_intact(dx, nx), "%s: backward wrote outside dx", what.c_str());
        T4J_EXPECT(same_bits(dx.data() + kGuard, dx_expect.data(), nx), "%s: backward sums", what.c_str());
    }
}

// One flavour's average over all planes in groups, through a zero-bordered stack.
void check_flavour_avg(const Pool &p, const Flavour &f, const std::vector<float> &x, const std::vector<float> &expect) {
    const c4j::PoolGeo g = geo_of(p);
    const c4j::S1Geo s = c4j::s1_geo(g);
    const int planes = p.n * p.c;
    const int64_t plane = int64_t(p.h) * p.w, oplane = int64_t(p.hout()) * p.wout(), ny = planes * oplane;
    std::vector<float> rext(size_t(p.hout())), cext(size_t(p.wout() + 64), 1.f);
    for (int i = 0; i < p.hout(); ++i) rext[size_t(i)] = float(c4j::row_extent(g, i));
    for (int j = 0; j < p.wout(); ++j) cext[size_t(j)] = float(c4j::col_extent(g, j));
    for (int group : {1, c4j::s1_group(s), 3}) {
        group = std::min(group, planes);
        std::vector<float> stack(size_t(c4j::s1_stack_floats(s, group)));
        c4j::s1_stack_init(stack.data(), int64_t(stack.size()), 0.f);
        std::vector<float> y(size_t(ny + 2 * kGuard), kSentinel);
        for (int t = 0; t < planes; t += group) {
            const int nt = std::min(group, planes - t);
            f.k->avg_forward(s, x.data() + t * plane, nt, stack.data(), rext.data(), cext.data(),
                             y.data() + kGuard + t * oplane);
        }
        const std::string what = p.str() + " " + f.name + " group " + std::to_string(group);
        T4J_EXPECT(guards_intact(y, ny), "%s: avg wrote outside its output", what.c_str());
        T4J_EXPECT(same_bits(y.data() + kGuard, expect.data(), ny), "%s: avg values", what.c_str());
    }
}

// The padded-plane path, where it applies: forward, argmax and backward, bit for bit.
void check_against_stride1(const Pool &p, const std::vector<float> &x, const std::vector<float> &dy,
                           const std::vector<float> &val_cm, const std::vector<float> &val_rm,
                           const std::vector<int32_t> &at_rm, const std::vector<float> &dx) {
    const c4j::PoolGeo g = geo_of(p);
    if (!c4j::stride1_applies(g)) return;
    c4j::Stride1Scratch s(g);
    if (!s.ok()) return;
    const c4j::PoolRowKernels &k = c4j::pool_rows();
    const int planes = p.n * p.c;
    const int64_t plane = int64_t(p.h) * p.w, oplane = int64_t(p.hout()) * p.wout();
    std::vector<float> y(static_cast<size_t>(oplane)), v(static_cast<size_t>(oplane)), dxo(x.size(), 0.f);
    std::vector<int32_t> at(static_cast<size_t>(oplane));
    bool fwd = true, amax = true;
    for (int t = 0; t < planes; ++t) {
        s.max_forward(g, k, x.data() + t * plane, y.data());
        s.argmax(g, k, x.data() + t * plane, v.data(), at.data());
        fwd = fwd && same_bits(y.data(), val_cm.data() + t * oplane, oplane);
        amax = amax && same_bits(v.data(), val_rm.data() + t * oplane, oplane) &&
               std::memcmp(at.data(), at_rm.data() + t * oplane, size_t(oplane) * 4) == 0;
        for (int64_t q = 0; q < oplane; ++q) dxo[size_t(t * plane + at[size_t(q)])] += dy[size_t(t * oplane + q)];
    }
    T4J_EXPECT(fwd, "%s: forward differs from the padded-plane path", p.str().c_str());
    T4J_EXPECT(amax, "%s: argmax differs from the padded-plane path", p.str().c_str());
    T4J_EXPECT(same_bits(dx.data(), dxo.data(), int64_t(dx.size())), "%s: backward differs from the padded-plane path",
               p.str().c_str());
}

// One flavour's average backward over all planes in groups, through one zeroed scratch.
void check_flavour_avg_backward(const Pool &p, const Flavour &f, const std::vector<float> &dy,
                                const std::vector<float> &expect) {
    const c4j::PoolGeo g = geo_of(p);
    const c4j::S1Geo s = c4j::s1_geo(g);
    const int planes = p.n * p.c;
    const int64_t plane = int64_t(p.h) * p.w, oplane = int64_t(p.hout()) * p.wout(), nx = planes * plane;
    std::vector<float> rinv(size_t(p.hout())), cinv(size_t(p.wout() + 64), 0.f);
    for (int i = 0; i < p.hout(); ++i) rinv[size_t(i)] = 1.f / float(c4j::row_extent(g, i));
    for (int j = 0; j < p.wout(); ++j) cinv[size_t(j)] = 1.f / float(c4j::col_extent(g, j));
    const int64_t tf = c4j::s1_tap_floats(s);
    for (int group : {1, c4j::s1_group(s), 3}) {
        group = std::min(group, planes);
        std::vector<float> tp(static_cast<size_t>(tf), 0.f), dx(size_t(nx + 2 * kGuard), kSentinel);
        for (int t = 0; t < planes; t += group) {
            const int nt = std::min(group, planes - t);
            f.k->avg_backward(s, dy.data() + t * oplane, nt, tp.data(), rinv.data(), cinv.data(),
                              dx.data() + kGuard + t * plane);
        }
        const std::string what = p.str() + " " + f.name + " group " + std::to_string(group);
        T4J_EXPECT(guards_intact(dx, nx), "%s: avg backward wrote outside dx", what.c_str());
        T4J_EXPECT(same_bits(dx.data() + kGuard, expect.data(), nx), "%s: avg backward sums", what.c_str());
    }
}

}  // namespace

void suite_pool_s1() {
    std::mt19937 rng(31);
    const std::vector<Flavour> fl = flavours();
    int covered = 0;
    for (int iter = 0; iter < 300; ++iter) {
        Pool p = s1_case(rng, iter);
        if (iter == 0) p = Pool{1, 7, 28, 28, 3, 3, 1, 1, 1, 1, false, false};  // the Inception branch planes
        if (iter == 1) p = Pool{1, 9, 14, 14, 3, 3, 1, 1, 1, 1, false, false};
        if (iter == 2) p = Pool{2, 60, 7, 7, 3, 3, 1, 1, 1, 1, true, false};
        const c4j::PoolGeo g = geo_of(p);
        T4J_EXPECT(c4j::s1_applies(g), "%s: the stacked path does not take a stride-1 shape", p.str().c_str());
        if (!c4j::s1_applies(g)) continue;
        ++covered;
        const int64_t nx = int64_t(p.n) * p.c * p.h * p.w, ny = int64_t(p.n) * p.c * p.hout() * p.wout();
        std::vector<float> x = s1_input(rng, nx, iter);
        std::vector<float> dy = random_values(rng, ny);
        for (int64_t k = 0; k < ny; k += 5) dy[size_t(k)] = -0.f;  // a -0 alone in dx: +0 + -0 = +0
        if (iter % 6 == 4) {  // carried into dx where their window points, nowhere else
            dy[size_t(ny / 2)] = NAN;
            dy[size_t(ny / 3)] = -INFINITY;
        }
        std::vector<float> val_cm, val_rm;
        std::vector<int32_t> at_rm;
        rules(p, x, val_cm, val_rm, at_rm);
        // the per-row path's backward: a cleared plane, each window's dy added at its argmax in output order
        std::vector<float> expect(size_t(nx), 0.f);
        const int64_t oplane = int64_t(p.hout()) * p.wout(), plane = int64_t(p.h) * p.w;
        for (int64_t q = 0; q < ny; ++q) expect[size_t(q / oplane * plane + at_rm[size_t(q)])] += dy[size_t(q)];
        for (const Flavour &f : fl) check_flavour(p, f, x, val_cm, val_rm, at_rm, dy, expect);
        // the entry points (the CPU's best flavour), in two task ranges
        std::vector<int32_t> d = p.desc();
        const int tasks = c4j_pool2d_tasks(d.data()), mid = tasks / 2;
        std::vector<float> dx(size_t(nx + 2 * kGuard), kSentinel);
        T4J_EXPECT(c4j_max_pool2d_backward(d.data(), dy.data(), x.data(), dx.data() + kGuard, mid, tasks) == C4J_OK &&
                       c4j_max_pool2d_backward(d.data(), dy.data(), x.data(), dx.data() + kGuard, 0, mid) == C4J_OK,
                   "%s: backward status", p.str().c_str());
        T4J_EXPECT(guards_intact(dx, nx), "%s: backward wrote outside dx", p.str().c_str());
        std::vector<float> dxv(dx.begin() + kGuard, dx.begin() + kGuard + nx);
        T4J_EXPECT(same_bits(dxv.data(), expect.data(), nx), "%s: backward sums", p.str().c_str());
        check_against_stride1(p, x, dy, val_cm, val_rm, at_rm, dxv);
        // average pooling: finite inputs (with -0) and, every fourth shape, infinities and NaN, which the sums
        // carry as the separable path does
        std::vector<float> xa = random_values(rng, nx);
        for (int64_t k = 0; k < nx; k += 6) xa[size_t(k)] = -0.f;
        if (iter % 4 == 3) {
            xa[size_t(nx / 2)] = INFINITY;
            xa[size_t(nx / 3)] = NAN;
        }
        const std::vector<float> ya = avg_rule(p, xa);
        for (const Flavour &f : fl) check_flavour_avg(p, f, xa, ya);
        std::vector<float> yo(size_t(ny + 2 * kGuard), kSentinel);
        T4J_EXPECT(c4j_avg_pool2d_forward(d.data(), xa.data(), yo.data() + kGuard, mid, tasks) == C4J_OK &&
                       c4j_avg_pool2d_forward(d.data(), xa.data(), yo.data() + kGuard, 0, mid) == C4J_OK,
                   "%s: avg status", p.str().c_str());
        T4J_EXPECT(guards_intact(yo, ny) && same_bits(yo.data() + kGuard, ya.data(), ny), "%s: avg entry point",
                   p.str().c_str());
        if (iter % 4 != 3) {
            close_enough(ref_avg_pool(p, xa), std::vector<float>(yo.begin() + kGuard, yo.begin() + kGuard + ny),
                         "avg vs reference " + p.str(), 1e-5f);
        }
        // average backward: every flavour in groups through one zeroed scratch, and the entry point
        const std::vector<float> dxa = avg_backward_rule(p, dy);
        for (const Flavour &f : fl) check_flavour_avg_backward(p, f, dy, dxa);
        std::vector<float> dxo(size_t(nx + 2 * kGuard), kSentinel);
        T4J_EXPECT(c4j_avg_pool2d_backward(d.data(), dy.data(), dxo.data() + kGuard, mid, tasks) == C4J_OK &&
                       c4j_avg_pool2d_backward(d.data(), dy.data(), dxo.data() + kGuard, 0, mid) == C4J_OK,
                   "%s: avg backward status", p.str().c_str());
        T4J_EXPECT(guards_intact(dxo, nx) && same_bits(dxo.data() + kGuard, dxa.data(), nx),
                   "%s: avg backward entry point", p.str().c_str());
        if (iter % 6 != 4) {
            const std::vector<float> got(dxo.begin() + kGuard, dxo.begin() + kGuard + nx);
            close_enough(ref_avg_pool_backward(p, dy), got, "avg backward vs reference " + p.str(), 1e-5f);
        }
    }
    T4J_EXPECT(covered == 300, "only %d of 300 shapes took the stacked path", covered);
}

}  // namespace t4j
