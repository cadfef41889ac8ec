// Inconsistent descriptors, null pointers and task ranges outside the plan return a status and leave
// the output untouched (PyTorch-style error_inputs, at the C boundary).
#include <cstring>

#include "conv4j/conv4j_cpu.h"
#include "harness.h"
#include "reference.h"

namespace t4j {
namespace {

const float kCanary = 12345.f;

bool untouched(const std::vector<float> &v) {
    for (float f : v)
        if (f != kCanary) return false;
    return true;
}

void expect_conv_refused(std::vector<int32_t> d, const char *why) {
    std::vector<float> big(4096, 0.5f), out(4096, kCanary);
    T4J_EXPECT(c4j_conv2d_forward_tasks(d.data(), 1) == 0, "%s: forward tasks", why);
    T4J_EXPECT(c4j_conv2d_forward(d.data(), big.data(), big.data(), nullptr, out.data(), 1, 0, 1) == C4J_ERR_BAD_DESCRIPTOR,
               "%s: forward", why);
    T4J_EXPECT(c4j_conv2d_backward_data(d.data(), big.data(), big.data(), out.data(), 1, 0, 1) == C4J_ERR_BAD_DESCRIPTOR,
               "%s: backward data", why);
    T4J_EXPECT(c4j_conv2d_backward_weights(d.data(), big.data(), big.data(), out.data(), 1, 0, 1) ==
                   C4J_ERR_BAD_DESCRIPTOR, "%s: backward weights", why);
    T4J_EXPECT(untouched(out), "%s: output written", why);
}

void expect_pool_refused(std::vector<int32_t> d, const char *why) {
    std::vector<float> big(4096, 0.5f), out(4096, kCanary);
    T4J_EXPECT(c4j_pool2d_tasks(d.data()) == 0, "%s: tasks", why);
    T4J_EXPECT(c4j_max_pool2d_forward(d.data(), big.data(), out.data(), 0, 1) == C4J_ERR_BAD_DESCRIPTOR, "%s", why);
    T4J_EXPECT(c4j_max_pool2d_backward(d.data(), big.data(), big.data(), out.data(), 0, 1) == C4J_ERR_BAD_DESCRIPTOR, "%s", why);
    T4J_EXPECT(c4j_avg_pool2d_forward(d.data(), big.data(), out.data(), 0, 1) == C4J_ERR_BAD_DESCRIPTOR, "%s", why);
    T4J_EXPECT(c4j_avg_pool2d_backward(d.data(), big.data(), out.data(), 0, 1) == C4J_ERR_BAD_DESCRIPTOR, "%s", why);
    T4J_EXPECT(untouched(out), "%s: output written", why);
}

}  // namespace

void suite_bad_input() {
    //             n cin h  w cout kh kw sh sw pt pb pl pr dh dw g
    const Conv c{2, 4, 6, 7, 6, 3, 3, 1, 2, 1, 0, 1, 1, 1, 1, 2};
    const std::vector<int32_t> good = c.desc();
    auto with = [&](int idx, int32_t v) {
        std::vector<int32_t> d = good;
        d[idx] = v;
        return d;
    };
    expect_conv_refused(with(C4J_CONV_HOUT, c.hout() + 1), "hout too large");
    expect_conv_refused(with(C4J_CONV_WOUT, c.wout() - 1), "wout too small");
    expect_conv_refused(with(C4J_CONV_PAD_LEFT, -1), "negative padding");
    expect_conv_refused(with(C4J_CONV_N, 0), "zero batch");
    expect_conv_refused(with(C4J_CONV_SH, 0), "zero stride");
    expect_conv_refused(with(C4J_CONV_DW, -2), "negative dilation");
    expect_conv_refused(with(C4J_CONV_GROUPS, 3), "groups not dividing channels");
    expect_conv_refused(with(C4J_CONV_KH, 50), "kernel larger than the padded input");
    {
        Conv huge{65536, 65536, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1};
        expect_conv_refused(huge.desc(), "element count beyond int32");
    }
    {
        std::vector<float> in(4096, 1.f), out(4096, kCanary);
        T4J_EXPECT(c4j_conv2d_forward(good.data(), nullptr, in.data(), nullptr, out.data(), 1, 0, 1) == C4J_ERR_NULL_POINTER,
                   "null x");
        T4J_EXPECT(c4j_conv2d_forward(nullptr, in.data(), in.data(), nullptr, out.data(), 1, 0, 1) == C4J_ERR_BAD_DESCRIPTOR,
                   "null descriptor");
        int tasks = c4j_conv2d_forward_tasks(good.data(), 2);
        T4J_EXPECT(c4j_conv2d_forward(good.data(), in.data(), in.data(), nullptr, out.data(), 2, 0, tasks + 1) ==
                       C4J_ERR_BAD_DESCRIPTOR, "task range past the plan");
        T4J_EXPECT(c4j_conv2d_forward(good.data(), in.data(), in.data(), nullptr, out.data(), 2, -1, 1) ==
                       C4J_ERR_BAD_DESCRIPTOR, "negative task");
        T4J_EXPECT(c4j_conv2d_backward_bias(2, 3, 4, in.data(), out.data(), 0, 4) == C4J_ERR_BAD_DESCRIPTOR, "bias range");
        T4J_EXPECT(c4j_conv2d_backward_bias(2, 0, 4, in.data(), out.data(), 0, 0) == C4J_ERR_BAD_DESCRIPTOR, "bias zero c");
        T4J_EXPECT(untouched(out), "output written");
    }

    const Pool p{2, 3, 9, 8, 3, 3, 2, 2, 1, 1, true, false};
    const std::vector<int32_t> pg = p.desc();
    auto pwith = [&](int idx, int32_t v) {
        std::vector<int32_t> d = pg;
        d[idx] = v;
        return d;
    };
    expect_pool_refused(pwith(C4J_POOL_HOUT, p.hout() + 1), "pool hout too large");
    expect_pool_refused(pwith(C4J_POOL_PAD_H, 2), "pool padding above half the window");
    expect_pool_refused(pwith(C4J_POOL_COUNT_INCLUDE_PAD, 2), "pool flag not 0/1");
    expect_pool_refused(pwith(C4J_POOL_KW, 0), "pool zero window");
    expect_pool_refused(pwith(C4J_POOL_KW, 20), "pool window beyond the input");
    {
        std::vector<float> in(4096, 1.f), out(4096, kCanary);
        T4J_EXPECT(c4j_max_pool2d_forward(pg.data(), in.data(), out.data(), 0, p.n * p.c + 1) == C4J_ERR_BAD_DESCRIPTOR,
                   "pool range past the planes");
        T4J_EXPECT(c4j_avg_pool2d_forward(pg.data(), nullptr, out.data(), 0, 1) == C4J_ERR_NULL_POINTER, "pool null x");
        T4J_EXPECT(untouched(out), "pool output written");
    }
    // the ISA cap: unknown values refused and ignored; each cap leaves exactly the families at or below it
    {
        const int all = c4j_cpu_features();
        T4J_EXPECT(c4j_cpu_set_isa(7) == C4J_ERR_BAD_DESCRIPTOR && c4j_cpu_isa_cap() == C4J_ISA_AUTO, "isa cap 7");
        T4J_EXPECT(c4j_cpu_set_isa(C4J_ISA_AVX512) == C4J_OK, "isa cap avx512");
        T4J_EXPECT(c4j_cpu_features() == (all & (C4J_CPU_AVX2_FMA | C4J_CPU_AVX512)), "avx512 cap: %d", c4j_cpu_features());
        c4j_cpu_set_isa(C4J_ISA_AVX2);
        T4J_EXPECT(c4j_cpu_features() == (all & C4J_CPU_AVX2_FMA), "avx2 cap: %d", c4j_cpu_features());
        c4j_cpu_set_isa(C4J_ISA_NEON);
        T4J_EXPECT(c4j_cpu_features() == (all & C4J_CPU_NEON), "neon cap: %d", c4j_cpu_features());
        c4j_cpu_set_isa(C4J_ISA_SCALAR);
        T4J_EXPECT(c4j_cpu_features() == 0, "scalar cap: %d", c4j_cpu_features());
        c4j_cpu_force_scalar(0);
        T4J_EXPECT(c4j_cpu_isa_cap() == C4J_ISA_AUTO && c4j_cpu_features() == all, "force_scalar(0) restores auto");
        c4j_cpu_force_scalar(1);
        T4J_EXPECT(c4j_cpu_isa_cap() == C4J_ISA_SCALAR && c4j_cpu_features() == 0, "force_scalar(1) is the scalar cap");
        c4j_cpu_set_isa(C4J_ISA_AUTO);
    }
}

}  // namespace t4j
