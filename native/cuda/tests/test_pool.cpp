// Max and average pooling, forward and backward (gather form), vs the reference; every parameter drawn.
#include "test_common.hpp"

using namespace c4j::cuda;
using namespace c4j::cuda::test;

static void check(const PoolCase& c, std::mt19937& rng, bool ties) {
    PoolDims p = pool_dims(c.desc);
    size_t nx = (size_t)p.n * p.c * p.h * p.w, ny = (size_t)p.n * p.c * p.hout * p.wout;
    Guarded x = ties ? tie_buffer(nx, rng) : random_buffer(nx, rng);
    Guarded dy = random_buffer(ny, rng);
    host::ThreadOrder asc(host::ThreadOrder::ASCENDING), shuf(host::ThreadOrder::SHUFFLED, rng());
    std::string name = c.name() + (ties ? " ties" : "");

    Guarded y(ny, NAN);
    host::max_pool_forward(p, x.data(), y.data(), asc);
    equal_exactly(y, ref::max_pool_forward(p, x.data()), "max_pool_forward " + name);

    Guarded ya(ny, NAN);
    host::avg_pool_forward(p, x.data(), ya.data(), asc);
    close_to(ya, ref::avg_pool_forward(p, x.data()), "avg_pool_forward " + name);

    Guarded dx(nx, NAN), dx2(nx, NAN);
    host::max_pool_backward(p, x.data(), dy.data(), dx.data(), asc);
    close_to(dx, ref::max_pool_backward(p, x.data(), dy.data()), "max_pool_backward " + name);
    host::max_pool_backward(p, x.data(), dy.data(), dx2.data(), shuf);
    same_bits(dx, dx2, "max_pool_backward " + name + " (shuffled)");

    Guarded da(nx, NAN);
    host::avg_pool_backward(p, dy.data(), da.data(), asc);
    close_to(da, ref::avg_pool_backward(p, dy.data()), "avg_pool_backward " + name);
}

int main() {
    std::mt19937 rng(31);
    for (int i = 0; i < 600; i++) check(random_pool(rng), rng, i % 3 == 0);
    // The textbook and ResNet shapes, and ceil mode dropping a window that would start in the padding.
    PoolCase a, b, c, d;
    make_pool(a, 2, 3, 4, 4, 3, 3, 1, 1, 1, 1, false, true);
    check(a, rng, true);
    make_pool(b, 2, 4, 17, 17, 3, 3, 2, 2, 1, 1, false, false);
    check(b, rng, false);
    make_pool(c, 1, 2, 5, 5, 2, 2, 2, 2, 1, 1, true, false);  // PyTorch: 3x3 output, last window kept
    check(c, rng, false);
    make_pool(d, 1, 1, 6, 6, 4, 4, 3, 3, 2, 2, true, true);
    check(d, rng, true);
    // NaN wins the max and receives the gradient.
    PoolCase e;
    make_pool(e, 1, 1, 4, 4, 2, 2, 2, 2, 0, 0, false, true);
    PoolDims p = pool_dims(e.desc);
    Guarded x(16, 0.f), dy(4, 1.f), y(4, 0.f), dx(16, 0.f);
    for (int i = 0; i < 16; i++) x[i] = (float)i;
    x[5] = NAN;
    host::ThreadOrder asc;
    host::max_pool_forward(p, x.data(), y.data(), asc);
    host::max_pool_backward(p, x.data(), dy.data(), dx.data(), asc);
    g_checks++;
    if (!std::isnan(y[0]) || y[1] != 7.f || dx[5] != 1.f || dx[0] != 0.f) fail("NaN must win the max window");
    return finish("test_pool");
}
