// Backward-data kernel (transposed implicit GEMM, gather form) run by the host harness vs a scatter reference.
#include "test_common.hpp"

using namespace c4j::cuda;
using namespace c4j::cuda::test;

static void check(const ConvCase& c, std::mt19937& rng) {
    ConvDims d = conv_dims(c.desc);
    Guarded dy = random_buffer((size_t)d.n * d.cout * d.hout * d.wout, rng);
    Guarded w = random_buffer((size_t)d.cout * d.cin_g * d.kh * d.kw, rng);
    size_t nx = (size_t)d.n * d.cin * d.h * d.w;
    Guarded dx(nx, NAN), dx2(nx, NAN);
    host::ThreadOrder asc(host::ThreadOrder::ASCENDING), desc(host::ThreadOrder::DESCENDING);
    host::conv_backward_data(d, dy.data(), w.data(), dx.data(), asc);
    std::string name = "conv_backward_data " + c.name();
    close_to(dx, ref::conv_backward_data(d, dy.data(), w.data()), name);
    host::conv_backward_data(d, dy.data(), w.data(), dx2.data(), desc);
    same_bits(dx, dx2, name + " (reversed thread order)");
}

int main() {
    std::mt19937 rng(7);
    for (int i = 0; i < 400; i++) {
        check(random_conv(rng), rng);
    }
    // Stride larger than the dilated kernel: some input pixels receive nothing and must be written as 0.
    ConvCase gap;
    make_conv(gap, 2, 3, 11, 10, 4, 2, 2, 4, 3, 1, 0, 0, 2, 1, 1, 1);
    check(gap, rng);
    // Tile edges in M = C_in/g (64, 65) and K = C_out/g*kh*kw (16, 17).
    ConvCase a, b, e;
    make_conv(a, 1, 64, 9, 9, 16, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1);
    check(a, rng);
    make_conv(b, 2, 65, 8, 8, 17, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1);
    check(b, rng);
    make_conv(e, 1, 130, 5, 7, 9, 3, 3, 2, 1, 2, 0, 1, 1, 2, 1, 1);
    check(e, rng);
    ConvCase dwc;
    make_conv(dwc, 2, 48, 14, 14, 48, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 48);
    check(dwc, rng);
    // Several tiles in every GEMM dimension and many K slices (grouped, strided, padded, dilated).
    ConvCase big;
    make_conv(big, 3, 2 * 35, 11, 9, 2 * 67, 3, 3, 2, 1, 1, 2, 0, 1, 2, 1, 2);
    check(big, rng);
    return finish("test_conv_backward_data");
}
