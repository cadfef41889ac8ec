// Backward-weights kernel (implicit GEMM over K = N*Hout*Wout, fixed split-K + ordered reduction).
#include "test_common.hpp"

using namespace c4j::cuda;
using namespace c4j::cuda::test;

static void check(const ConvCase& c, std::mt19937& rng, int splits, host::Path path = host::Path::AUTO) {
    ConvDims d = conv_dims(c.desc);
    Guarded dy = random_buffer((size_t)d.n * d.cout * d.hout * d.wout, rng);
    Guarded x = random_buffer((size_t)d.n * d.cin * d.h * d.w, rng);
    size_t nw = (size_t)d.cout * d.cin_g * d.kh * d.kw;
    Guarded dw(nw, NAN), dw2(nw, NAN);
    host::ThreadOrder asc(host::ThreadOrder::ASCENDING), shuf(host::ThreadOrder::SHUFFLED, rng());
    host::conv_backward_weights(d, dy.data(), x.data(), dw.data(), asc, splits, path);
    std::string name = "conv_backward_weights " + c.name() + " splits=" + std::to_string(splits) + " path " + path_name(path);
    close_to(dw, ref::conv_backward_weights(d, dy.data(), x.data()), name);
    // Deterministic: another thread order (a different "schedule") must give identical bits.
    host::conv_backward_weights(d, dy.data(), x.data(), dw2.data(), shuf, splits, path);
    same_bits(dw, dw2, name + " (shuffled thread order)");
}

int main() {
    std::mt19937 rng(99);
    for (int i = 0; i < 300; i++) {
        check(random_conv(rng), rng, 0);  // the plan of the real launch
    }
    for (int i = 0; i < 100; i++) {
        check(random_conv(rng), rng, 1 + i % 5);  // forced splits, including ones that leave a short last split
    }
    for (int i = 0; i < 90; i++) {
        check(random_conv(rng), rng, i % 4, forced_path(i, false));  // every tile shape, with and without splits
    }
    // Large K (N*Hout*Wout = 2*20*20 = 800) where the real plan splits.
    ConvCase big;
    make_conv(big, 2, 3, 20, 20, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvDims bd = conv_dims(big.desc);
    WeightsPlan p = weights_plan(bd);
    if (p.split.splits < 2) fail("split plan of a small-M, large-K case should split");
    check(big, rng, 0);
    // Tile edges in M = C_out/g and NC = C_in/g*kh*kw.
    ConvCase a, b;
    make_conv(a, 1, 64, 6, 6, 64, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1);
    check(a, rng, 0);
    make_conv(b, 1, 13, 6, 6, 65, 2, 5, 1, 1, 0, 1, 2, 2, 1, 1, 1);
    check(b, rng, 3);
    ConvCase dwc;
    make_conv(dwc, 3, 40, 12, 12, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 40);
    check(dwc, rng, 0);
    // The plan is a function of the shape only: never more than 64 splits, none empty.
    for (int i = 0; i < 2000; i++) {
        int M = 1 + rng() % 300, NC = 1 + rng() % 3000, K = 1 + rng() % 100000, g = 1 + rng() % 8;
        SplitPlan q = with_tile(pick_weights_tile(M, NC), [&](auto tag) {
            return splitk_plan<typename decltype(tag)::type>(M, NC, K, g);
        });
        const int bk = with_tile(pick_weights_tile(M, NC), [](auto tag) { return decltype(tag)::type::BK; });
        bool ok = q.splits >= 1 && q.splits <= 64 && q.split_len % bk == 0 && (long long)q.splits * q.split_len >= K
            && (long long)(q.splits - 1) * q.split_len < K;
        if (!ok) {
            fail("bad split plan for M=" + std::to_string(M) + " NC=" + std::to_string(NC) + " K=" + std::to_string(K));
            break;
        }
        g_checks++;
    }
    // Several tiles in every GEMM dimension and many K slices (grouped, strided, padded, dilated).
    ConvCase big2;
    make_conv(big2, 3, 2 * 35, 11, 9, 2 * 67, 3, 3, 2, 1, 1, 2, 0, 1, 2, 1, 2);
    check(big2, rng, 0);
    check(big2, rng, 0, host::Path::LARGE);
    check(big2, rng, 2, host::Path::WIDE);
    // More than 96 output channels: every row group of the large tile (rows 64 apart) is used.
    ConvCase wl;
    make_conv(wl, 2, 6, 7, 7, 100, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    check(wl, rng, 0, host::Path::LARGE);
    check(wl, rng, 3, host::Path::LARGE);
    return finish("test_conv_backward_weights");
}
