// Max pooling with indices, the index gradient, unpooling and adaptive pooling (pool_indexed.cuh) vs references
// written from the definitions; every thread order must give the same indices and (except the atomic index
// gradient's order of shared maxima) the same bits.
#include "test_common.hpp"

using namespace c4j::cuda;
using namespace c4j::cuda::test;

namespace {

bool same_ints(const std::vector<int>& got, const std::vector<int>& want, const std::string& what) {
    g_checks++;
    for (size_t i = 0; i < want.size(); i++) {
        if (got[i] != want[i]) {
            char b[160];
            std::snprintf(b, sizeof b, ": index %zu is %d, expected %d", i, got[i], want[i]);
            fail(what + b);
            return false;
        }
    }
    return true;
}

void check_indices(const PoolCase& c, std::mt19937& rng, bool ties) {
    PoolDims p = pool_dims(c.desc);
    size_t nx = (size_t)p.n * p.c * p.h * p.w, ny = (size_t)p.n * p.c * p.hout * p.wout;
    Guarded x = ties ? tie_buffer(nx, rng) : random_buffer(nx, rng);
    Guarded dy = random_buffer(ny, rng);
    host::ThreadOrder asc(host::ThreadOrder::ASCENDING), shuf(host::ThreadOrder::SHUFFLED, rng());
    std::string name = c.name() + (ties ? " ties" : "");

    Guarded y(ny, NAN), y2(ny, NAN);
    std::vector<int> idx(ny, -7), idx2(ny, -7), want(ny);
    host::max_pool_forward_indices(p, x.data(), y.data(), idx.data(), asc);
    host::max_pool_forward_indices(p, x.data(), y2.data(), idx2.data(), shuf);
    for (int pl = 0; pl < p.n * p.c; pl++)
        for (int i = 0; i < p.hout; i++)
            for (int j = 0; j < p.wout; j++) {
                int a, b;
                ref::window_argmax(p, x.data() + (size_t)pl * p.h * p.w, i, j, a, b);
                want[((size_t)pl * p.hout + i) * p.wout + j] = a * p.w + b;
            }
    same_ints(idx, want, "max_pool_forward_indices " + name);
    same_ints(idx2, want, "max_pool_forward_indices (shuffled) " + name);
    equal_exactly(y, ref::max_pool_forward(p, x.data()), "max_pool_forward_indices values " + name);

    IndexDims d{p.n, p.c, p.hout, p.wout, p.h, p.w};
    Guarded dx(nx, NAN);
    host::max_pool_backward_indices(d, dy.data(), idx.data(), dx.data(), shuf);
    close_to(dx, ref::max_pool_backward(p, x.data(), dy.data()), "max_pool_backward_indices " + name);
}

/* Unpooling of random in-range indices with duplicates: the largest position pointing at an element wins. */
void check_unpool(std::mt19937& rng) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    IndexDims d{r(1, 2), r(1, 3), r(1, 6), r(1, 6), r(1, 5), r(1, 5)};
    size_t small = (size_t)d.n * d.c * d.hs * d.ws, big = (size_t)d.n * d.c * d.hb * d.wb;
    Guarded x = random_buffer(small, rng);
    std::vector<int> idx(small), owner(big), owner2(big);
    for (auto& v : idx) v = r(0, d.hb * d.wb - 1);
    std::vector<float> want(big, 0.f);
    for (size_t k = 0; k < small; k++) {
        size_t plane = k / ((size_t)d.hs * d.ws);
        want[plane * d.hb * d.wb + idx[k]] = x[k];
    }
    host::ThreadOrder asc(host::ThreadOrder::ASCENDING), shuf(host::ThreadOrder::SHUFFLED, rng());
    Guarded y(big, NAN), y2(big, NAN);
    host::max_unpool(d, x.data(), idx.data(), owner.data(), y.data(), asc);
    host::max_unpool(d, x.data(), idx.data(), owner2.data(), y2.data(), shuf);
    equal_exactly(y, want, "max_unpool");
    same_bits(y, y2, "max_unpool (shuffled)");
}

int astart(int i, int in, int out) { return (int)std::floor((double)i * in / out); }
int aend(int i, int in, int out) { return (int)std::ceil((double)(i + 1) * in / out); }

void check_adaptive(const AdaptiveDims& d, std::mt19937& rng, bool ties) {
    size_t nx = (size_t)d.n * d.c * d.h * d.w, ny = (size_t)d.n * d.c * d.hout * d.wout;
    Guarded x = ties ? tie_buffer(nx, rng) : random_buffer(nx, rng);
    Guarded dy = random_buffer(ny, rng);
    char nb[120];
    std::snprintf(nb, sizeof nb, "adaptive x[%d,%d,%d,%d] -> %dx%d%s", d.n, d.c, d.h, d.w, d.hout, d.wout,
                  ties ? " ties" : "");
    std::string name = nb;
    ref::Result fwd, bwd;
    fwd.v.assign(ny, 0); fwd.mag.assign(ny, 0); fwd.terms.assign(ny, 0);
    bwd.v.assign(nx, 0); bwd.mag.assign(nx, 0); bwd.terms.assign(nx, 0);
    std::vector<float> wmax(ny);
    std::vector<int> widx(ny);
    for (int pl = 0; pl < d.n * d.c; pl++)
        for (int i = 0; i < d.hout; i++)
            for (int j = 0; j < d.wout; j++) {
                int h0 = astart(i, d.h, d.hout), h1 = aend(i, d.h, d.hout);
                int w0 = astart(j, d.w, d.wout), w1 = aend(j, d.w, d.wout);
                size_t o = ((size_t)pl * d.hout + i) * d.wout + j;
                double cnt = (double)(h1 - h0) * (w1 - w0);
                int best = -1;
                for (int a = h0; a < h1; a++)
                    for (int b = w0; b < w1; b++) {
                        size_t e = (size_t)pl * d.h * d.w + (size_t)a * d.w + b;
                        fwd.v[o] += x[e] / cnt;
                        fwd.mag[o] += std::fabs(x[e]) / cnt;
                        fwd.terms[o] += 1;
                        bwd.v[e] += dy[o] / cnt;
                        bwd.mag[e] += std::fabs(dy[o]) / cnt;
                        bwd.terms[e] += 1;
                        float v = x[e];
                        float bv = best < 0 ? 0.f : x[(size_t)pl * d.h * d.w + best];
                        if (best < 0 || v > bv || (std::isnan(v) && !std::isnan(bv))) best = a * d.w + b;
                    }
                widx[o] = best;
                wmax[o] = x[(size_t)pl * d.h * d.w + best];
            }
    host::ThreadOrder asc(host::ThreadOrder::ASCENDING), shuf(host::ThreadOrder::SHUFFLED, rng());
    Guarded y(ny, NAN), dx(nx, NAN), dx2(nx, NAN), ym(ny, NAN), ym2(ny, NAN);
    host::adaptive_avg_pool_forward(d, x.data(), y.data(), asc);
    close_to(y, fwd, "adaptive_avg_forward " + name);
    host::adaptive_avg_pool_backward(d, dy.data(), dx.data(), asc);
    host::adaptive_avg_pool_backward(d, dy.data(), dx2.data(), shuf);
    close_to(dx, bwd, "adaptive_avg_backward " + name);
    same_bits(dx, dx2, "adaptive_avg_backward (shuffled) " + name);
    std::vector<int> idx(ny, -7);
    host::adaptive_max_pool_forward(d, x.data(), ym.data(), idx.data(), asc);
    host::adaptive_max_pool_forward(d, x.data(), ym2.data(), nullptr, shuf);
    equal_exactly(ym, wmax, "adaptive_max_forward " + name);
    equal_exactly(ym2, wmax, "adaptive_max_forward (no indices) " + name);
    same_ints(idx, widx, "adaptive_max_forward indices " + name);
}

}  // namespace

int main() {
    std::mt19937 rng(47);
    for (int i = 0; i < 400; i++) check_indices(random_pool(rng), rng, i % 3 == 0);
    PoolCase resnet;
    make_pool(resnet, 2, 4, 17, 17, 3, 3, 2, 2, 1, 1, false, true);
    check_indices(resnet, rng, true);
    for (int i = 0; i < 200; i++) check_unpool(rng);
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int i = 0; i < 300; i++) {
        AdaptiveDims d{r(1, 2), r(1, 3), r(1, 13), r(1, 13), r(1, 9), r(1, 9)};
        check_adaptive(d, rng, i % 2 == 0);
    }
    check_adaptive(AdaptiveDims{2, 3, 7, 7, 1, 1}, rng, false);  // global (ResNet head)
    check_adaptive(AdaptiveDims{1, 2, 3, 4, 8, 9}, rng, true);   // larger than the input
    // NaN wins, first NaN in row-major order
    {
        AdaptiveDims d{1, 1, 3, 3, 2, 2};
        Guarded x(9, 1.f), y(4, 0.f);
        x[1] = NAN;
        x[4] = NAN;
        std::vector<int> idx(4);
        host::ThreadOrder asc;
        host::adaptive_max_pool_forward(d, x.data(), y.data(), idx.data(), asc);
        g_checks++;
        if (idx[0] != 1 || idx[1] != 1 || idx[2] != 4 || idx[3] != 4 || !std::isnan(y[3])) fail("adaptive max: NaN must win");
    }
    return finish("test_pool_indexed");
}
