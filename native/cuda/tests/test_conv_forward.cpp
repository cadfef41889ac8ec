// Forward convolution kernel (implicit GEMM, bias epilogue) run by the host harness vs the double reference.
#include "test_common.hpp"

using namespace c4j::cuda;
using namespace c4j::cuda::test;

static void check(const ConvCase& c, std::mt19937& rng, bool with_bias, host::Path path = host::Path::AUTO) {
    ConvDims d = conv_dims(c.desc);
    Guarded x = random_buffer((size_t)d.n * d.cin * d.h * d.w, rng);
    Guarded w = random_buffer((size_t)d.cout * d.cin_g * d.kh * d.kw, rng);
    Guarded b = random_buffer(d.cout, rng);
    const float* bias = with_bias ? b.data() : nullptr;
    size_t ny = (size_t)d.n * d.cout * d.hout * d.wout;
    Guarded y(ny, NAN), y2(ny, NAN);
    host::ThreadOrder asc(host::ThreadOrder::ASCENDING), shuf(host::ThreadOrder::SHUFFLED, rng());
    host::conv_forward(d, x.data(), w.data(), bias, y.data(), asc, path);
    std::string name = "conv_forward " + c.name() + (with_bias ? " +bias" : "") + " path " + path_name(path);
    close_to(y, ref::conv_forward(d, x.data(), w.data(), bias), name);
    host::conv_forward(d, x.data(), w.data(), bias, y2.data(), shuf, path);
    same_bits(y, y2, name + " (shuffled thread order)");
}

int main() {
    std::mt19937 rng(20261122);
    for (int i = 0; i < 400; i++) {
        ConvCase c = random_conv(rng);
        check(c, rng, i % 2 == 0);
        // every kernel on every shape: the tile shapes, and the direct kernel where it applies
        host::Path forced = forced_path(i, conv_dims(c.desc).cout_g <= DIRECT_MAX_CH);
        check(c, rng, i % 3 == 0, forced);
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
    // The tile edges again on the large tiles (128 x 128 and 64 x 128), whose rows and columns come in 2 groups.
    for (const auto& e : edges) {
        ConvCase c;
        if (make_conv(c, e[0], e[1], e[2], e[2], e[3], e[4], e[4], 1, 1, e[4] / 2, e[4] / 2, e[4] / 2, e[4] / 2, 1, 1, 1)) {
            check(c, rng, true, host::Path::LARGE);
            check(c, rng, false, host::Path::WIDE);
        }
    }
    // Direct kernel: 1-8 output channels per group, strided, padded, dilated; depthwise with a multiplier;
    // LeNet's first layer (1 -> 6, 5x5 pad 2) and 8 channels with stride 2.
    ConvCase d1, d2, d3, d4, d5;
    make_conv(d4, 2, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1);
    check(d4, rng, true);
    make_conv(d5, 1, 10, 11, 12, 16, 3, 3, 2, 2, 1, 0, 1, 0, 1, 1, 2);
    check(d5, rng, false);
    make_conv(d1, 2, 3, 23, 21, 4, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1);
    check(d1, rng, true);
    make_conv(d2, 1, 12, 13, 9, 24, 3, 3, 1, 2, 1, 0, 2, 1, 2, 1, 12);
    check(d2, rng, false);
    make_conv(d3, 3, 5, 6, 7, 3, 2, 3, 3, 1, 0, 1, 1, 0, 1, 2, 1);
    check(d3, rng, true);
    return finish("test_conv_forward");
}
