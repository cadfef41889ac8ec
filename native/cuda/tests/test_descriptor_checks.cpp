// The cheap descriptor checks that run before every launch refuse inconsistent descriptors.
#include "test_common.hpp"

using namespace c4j::cuda;
using namespace c4j::cuda::test;

static void expect(bool cond, const std::string& what) {
    g_checks++;
    if (!cond) fail(what);
}

int main() {
    ConvCase ok;
    expect(make_conv(ok, 2, 4, 5, 6, 4, 3, 3, 1, 2, 1, 0, 1, 2, 1, 1, 2), "valid conv accepted");
    const struct { int index; int value; const char* what; } conv_bad[] = {
        {C4J_CONV_N, 0, "n = 0"}, {C4J_CONV_CIN, 3, "groups not dividing C_in"}, {C4J_CONV_COUT, 5, "groups not dividing C_out"},
        {C4J_CONV_SH, 0, "stride 0"}, {C4J_CONV_DW, -1, "negative dilation"}, {C4J_CONV_PAD_LEFT, -1, "negative padding"},
        {C4J_CONV_HOUT, 7, "wrong H_out"}, {C4J_CONV_WOUT, 99, "wrong W_out"}, {C4J_CONV_GROUPS, 0, "groups 0"},
        {C4J_CONV_KH, 9, "kernel taller than the padded input"}, {C4J_CONV_H, 1 << 30, "input too large for int32"}};
    for (const auto& b : conv_bad) {
        ConvCase c = ok;
        c.desc[b.index] = b.value;
        expect(!conv_dims_ok(conv_dims(c.desc)), std::string("conv descriptor with ") + b.what + " refused");
    }
    PoolCase pk;
    expect(make_pool(pk, 1, 2, 5, 5, 2, 2, 2, 2, 1, 1, true, false), "valid ceil-mode pool accepted");
    PoolCase pf;
    expect(make_pool(pf, 1, 2, 5, 5, 2, 2, 2, 2, 1, 1, false, false), "valid floor-mode pool accepted");
    const struct { int index; int value; const char* what; } pool_bad[] = {
        {C4J_POOL_PAD_H, 2, "padding above half the window"}, {C4J_POOL_HOUT, 5, "wrong H_out"}, {C4J_POOL_SW, 0, "stride 0"},
        {C4J_POOL_KW, 9, "window wider than the padded input"}, {C4J_POOL_COUNT_INCLUDE_PAD, 2, "count_include_pad 2"},
        {C4J_POOL_C, -3, "negative channels"}};
    for (const auto& b : pool_bad) {
        PoolCase c = pk;
        c.desc[b.index] = b.value;
        expect(!pool_dims_ok(pool_dims(c.desc)), std::string("pool descriptor with ") + b.what + " refused");
    }
    return finish("test_descriptor_checks");
}
