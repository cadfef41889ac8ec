// Bias gradient kernel (per-channel partial sums + fixed shared-memory tree) vs the double reference.
#include "test_common.hpp"

using namespace c4j::cuda;
using namespace c4j::cuda::test;

static void check(int n, int c, int hw, std::mt19937& rng) {
    Guarded dy = random_buffer((size_t)n * c * hw, rng);
    Guarded db(c, NAN), db2(c, NAN);
    host::ThreadOrder asc(host::ThreadOrder::ASCENDING), shuf(host::ThreadOrder::SHUFFLED, rng());
    host::conv_backward_bias(dy.data(), n, c, hw, db.data(), asc);
    std::string name = "conv_backward_bias n=" + std::to_string(n) + " c=" + std::to_string(c) + " hw=" + std::to_string(hw);
    close_to(db, ref::conv_backward_bias(dy.data(), n, c, hw), name);
    host::conv_backward_bias(dy.data(), n, c, hw, db2.data(), shuf);
    same_bits(db, db2, name + " (shuffled thread order)");
}

int main() {
    std::mt19937 rng(5);
    const int sizes[][3] = {{1, 1, 1}, {1, 3, 255}, {2, 3, 256}, {2, 5, 257}, {3, 4, 1000}, {8, 16, 49}, {1, 2, 4096}, {64, 3, 9}};
    for (const auto& s : sizes) check(s[0], s[1], s[2], rng);
    for (int i = 0; i < 100; i++) check(1 + rng() % 4, 1 + rng() % 8, 1 + rng() % 700, rng);
    return finish("test_conv_backward_bias");
}
