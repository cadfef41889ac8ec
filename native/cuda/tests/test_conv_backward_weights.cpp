// Backward-weights kernel (implicit GEMM over K = N*Hout*Wout, fixed split-K + ordered reduction).
#include "test_common.hpp"

using namespace c4j::cuda;
using namespace c4j::cuda::test;

static void check(const ConvCase& c, std::mt19937& rng, int splits) {
    ConvDims d = conv_dims(c.desc);
    Guarded dy = random_buffer((size_t)d.n * d.cout * d.hout * d.wout, rng);
    Guarded x = random_buffer((size_t)d.n * d.cin * d.h * d.w, rng);
    size_t nw = (size_t)d.cout * d.cin_g * d.kh * d.kw;
    Guarded dw(nw, NAN), dw2(nw, NAN);
    host::ThreadOrder asc(host::ThreadOrder::ASCENDING), shuf(host::ThreadOrder::SHUFFLED, rng());
    host::conv_backward_weights(d, dy.data(), x.data(), dw.data(), asc, splits);
    std::string name = "conv_backward_weights " + c.name() + " splits=" + std::to_string(splits);
    close_to(dw, ref::conv_backward_weights(d, dy.data(), x.data()), name);
    // Deterministic: another thread order (a different "schedule") must give identical bits.
    host::conv_backward_weights(d, dy.data(), x.data(), dw2.data(), shuf, splits);
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
    // Large K (N*Hout*Wout = 2*20*20 = 800) where the real plan splits.
    ConvCase big;
    make_conv(big, 2, 3, 20, 20, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    ConvDims bd = conv_dims(big.desc);
    SplitPlan p = splitk_plan(bd.cout_g, bd.cin_g * bd.kh * bd.kw, bd.n * bd.hout * bd.wout, bd.groups);
    if (p.splits < 2) fail("split plan of a small-M, large-K case should split");
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
        SplitPlan q = splitk_plan(M, NC, K, g);
        int slices = (K + BK - 1) / BK;
        bool ok = q.splits >= 1 && q.splits <= 64 && (long long)q.splits * q.slices_per_split >= slices
            && (long long)(q.splits - 1) * q.slices_per_split < slices;
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
    return finish("test_conv_backward_weights");
}
