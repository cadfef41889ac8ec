// Forward convolution kernel (implicit GEMM, bias epilogue) run by the host harness vs the double reference.
#include "test_common.hpp"

using namespace c4j::cuda;
using namespace c4j::cuda::test;

static void check(const ConvCase& c, std::mt19937& rng, bool with_bias) {
    ConvDims d = conv_dims(c.desc);
    Guarded x = random_buffer((size_t)d.n * d.cin * d.h * d.w, rng);
    Guarded w = random_buffer((size_t)d.cout * d.cin_g * d.kh * d.kw, rng);
    Guarded b = random_buffer(d.cout, rng);
    const float* bias = with_bias ? b.data() : nullptr;
    size_t ny = (size_t)d.n * d.cout * d.hout * d.wout;
    Guarded y(ny, NAN), y2(ny, NAN);
    host::ThreadOrder asc(host::ThreadOrder::ASCENDING), shuf(host::ThreadOrder::SHUFFLED, rng());
    host::conv_forward(d, x.data(), w.data(), bias, y.data(), asc);
    std::string name = "conv_forward " + c.name() + (with_bias ? " +bias" : "");
    close_to(y, ref::conv_forward(d, x.data(), w.data(), bias), name);
    host::conv_forward(d, x.data(), w.data(), bias, y2.data(), shuf);
    same_bits(y, y2, name + " (shuffled thread order)");
}

int main() {
    std::mt19937 rng(20261122);
    for (int i = 0; i < 400; i++) {
        check(random_conv(rng), rng, i % 2 == 0);
    }
    // Tile edges: M = C_out/g, NC = N*Hout*Wout and K = C_in/g*kh*kw at, just below and just above 64 / 16.
    const int edges[][5] = {  // n, cin, hw, cout, k
        {1, 16, 8, 64, 1}, {1, 17, 8, 65, 1}, {1, 15, 8, 63, 1}, {1, 16, 8, 64, 1}, {2, 1, 8, 1, 1},
        {1, 3, 9, 64, 3}, {1, 2, 11, 128, 3}, {3, 5, 5, 130, 2}, {1, 32, 16, 70, 3}, {2, 8, 13, 17, 5}};
    for (const auto& e : edges) {
        ConvCase c;
        if (!make_conv(c, e[0], e[1], e[2], e[2], e[3], e[4], e[4], 1, 1, e[4] / 2, e[4] / 2, e[4] / 2, e[4] / 2, 1, 1, 1)) {
            fail("edge case does not build");
            continue;
        }
        check(c, rng, true);
    }
    // Depthwise 3x3 stride 2 with many channels, and a grouped 1x1 with many groups.
    ConvCase dwc, gc;
    make_conv(dwc, 2, 96, 15, 15, 96, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 96);
    check(dwc, rng, true);
    make_conv(gc, 1, 64, 7, 7, 128, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 32);
    check(gc, rng, false);
    // Several tiles in every GEMM dimension and many K slices (grouped, strided, padded, dilated).
    ConvCase big;
    make_conv(big, 3, 2 * 35, 11, 9, 2 * 67, 3, 3, 2, 1, 1, 2, 0, 1, 2, 1, 2);
    check(big, rng, true);
    return finish("test_conv_forward");
}
