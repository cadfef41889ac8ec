// Backward-data kernel (transposed implicit GEMM, gather form) run by the host harness vs a scatter reference.
#include "test_common.hpp"

using namespace c4j::cuda;
using namespace c4j::cuda::test;

static void check(const ConvCase& c, std::mt19937& rng, host::Path path = host::Path::AUTO) {
    ConvDims d = conv_dims(c.desc);
    Guarded dy = random_buffer((size_t)d.n * d.cout * d.hout * d.wout, rng);
    Guarded w = random_buffer((size_t)d.cout * d.cin_g * d.kh * d.kw, rng);
    size_t nx = (size_t)d.n * d.cin * d.h * d.w;
    Guarded dx(nx, NAN), dx2(nx, NAN);
    host::ThreadOrder asc(host::ThreadOrder::ASCENDING), desc(host::ThreadOrder::DESCENDING);
    host::conv_backward_data(d, dy.data(), w.data(), dx.data(), asc, path);
    std::string name = "conv_backward_data " + c.name() + " path " + path_name(path);
    close_to(dx, ref::conv_backward_data(d, dy.data(), w.data()), name);
    host::conv_backward_data(d, dy.data(), w.data(), dx2.data(), desc, path);
    same_bits(dx, dx2, name + " (reversed thread order)");
}

int main() {
    std::mt19937 rng(7);
    for (int i = 0; i < 400; i++) {
        ConvCase c = random_conv(rng);
        check(c, rng);
        // every kernel on every shape: the tile shapes, and the direct kernel where it applies
        check(c, rng, forced_path(i, conv_dims(c.desc).cin_g <= DIRECT_MAX_CH));
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
    // Direct kernel: the RGB stem shape (7x7 stride 2 pad 3) with odd and even widths, strides 3 and 1x2,
    // dilation, asymmetric padding, and a width smaller than the stride (rows of the phase order mostly idle).
    const int direct[][17] = {
        {2, 3, 23, 21, 8, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1},    {1, 2, 16, 17, 5, 3, 3, 3, 3, 1, 0, 0, 2, 1, 1, 1},
        {2, 4, 9, 12, 6, 3, 2, 1, 2, 0, 2, 1, 1, 2, 2, 2},     {1, 1, 5, 2, 3, 2, 2, 2, 3, 0, 0, 0, 0, 1, 1, 1},
        {1, 6, 10, 10, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6},    {2, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1},
        {1, 16, 13, 11, 10, 3, 3, 2, 2, 1, 1, 0, 1, 1, 2, 2},  {1, 7, 9, 9, 5, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1}};
    for (const auto& e : direct) {
        ConvCase c;
        if (!make_conv(c, e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8], e[9], e[10], e[11], e[12], e[13],
                       e[14], e[15])) {
            fail("direct case does not build");
            continue;
        }
        check(c, rng);
        check(c, rng, host::Path::SMALL);
    }
    return finish("test_conv_backward_data");
}
