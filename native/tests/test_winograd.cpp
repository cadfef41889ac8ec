// Winograd F(2x2, 3x3) (forced with C4J_WINOGRAD_ALWAYS) vs the naive reference: random 3x3 stride-1
// shapes with odd sizes, asymmetric padding 0..3, groups and partial tiles, fixed shapes that reach every
// plan (several tile blocks, output channels split between threads, a thread per group), forward with
// and without bias and backward data, on the scalar and the AVX-512 transforms. Random data must stay within
// the conformance suite's 4 (n + 1) u sum |term| (n: the output's products), small-integer data must come
// out exactly. Task ranges run in shuffled order into NaN-filled outputs, so an unwritten value shows.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <string>

#include "conv4j/conv4j_cpu.h"
#include "conv_check.h"
#include "harness.h"
#include "reference.h"

namespace t4j {
namespace {

Conv random_3x3(std::mt19937 &rng) {
    auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (;;) {
        Conv c{};
        c.n = r(1, 3);
        c.groups = r(0, 3) == 0 ? r(2, 3) : 1;
        c.cin = r(8, 13) * c.groups;  // Winograd needs at least 8 summed channels per group
        c.cout = r(8, 14) * c.groups;
        c.h = r(1, 14);
        c.w = r(1, 21);
        c.kh = c.kw = 3;
        c.sh = c.sw = c.dh = c.dw = 1;
        c.pt = r(0, 3); c.pb = r(0, 3); c.pl = r(0, 3); c.pr = r(0, 3);
        if (c.h + c.pt + c.pb < 3 || c.w + c.pl + c.pr < 3) continue;
        return c;
    }
}

std::vector<Conv> shapes(std::mt19937 &rng) {
    std::vector<Conv> v;
    for (int i = 0; i < 80; ++i) v.push_back(random_3x3(rng));
    //        n cin  h  w cout kh kw sh sw pt pb pl pr dh dw g
    v.push_back({2, 40, 31, 29, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});   // several tile blocks, odd sizes
    v.push_back({1, 8, 5, 5, 80, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});      // more filters than tiles: channel split
    v.push_back({1, 80, 5, 7, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});      // backward data: channel split
    v.push_back({3, 16, 3, 3, 16, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2});     // one output pixel per image, groups
    v.push_back({2, 9, 1, 1, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});       // 1x1 image
    v.push_back({1, 8, 2, 40, 9, 3, 3, 1, 1, 2, 2, 0, 3, 1, 1, 1});      // a tile row longer than a vector
    v.push_back({2, 8, 9, 9, 8, 3, 3, 1, 1, 3, 0, 0, 3, 1, 1, 1});       // backward offsets -1 and 2
    v.push_back({1, 33, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1});   // where the auto rule says yes
    return v;
}

// The check that the Winograd path ran, in one direction.
PathCheck on_winograd(int direction) {
    return [direction](const std::vector<int32_t> &d, int parts) {
        return c4j_conv2d_uses_winograd(d.data(), direction, parts) == 1;
    };
}

}  // namespace

void suite_winograd() {
    std::mt19937 rng(15);
    for (Conv c : shapes(rng)) {
        c.algo = C4J_WINOGRAD_ALWAYS;
        for (int ints = 0; ints < 2; ++ints) {
            const bool exact = ints != 0;
            check_conv_forward(rng, c, exact, "winograd", on_winograd(0));
            check_conv_backward_data(rng, c, exact, "winograd", on_winograd(1));
            // the weight gradient takes Winograd from 64 summed products (checked below)
            if (int64_t(c.n) * c.hout() * c.wout() >= 64)
                check_conv_backward_weights(rng, c, exact, "winograd", on_winograd(2), true);
        }
    }
    // weight gradient: few output positions never take Winograd, whatever the channels
    Conv few_pos{1, 16, 7, 7, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, C4J_WINOGRAD_ALWAYS};  // 49 positions
    auto fp = few_pos.desc();
    T4J_EXPECT(c4j_conv2d_uses_winograd(fp.data(), 2, 2) == 0, "49 summed positions: weight gradient on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(fp.data(), 3, 2) == 0, "direction 3 answered");
    // the switch: off never, always wherever it applies (never for 5x5, stride 2, dilation 2 or fewer than 8
    // summed channels per group: forward sums input channels, backward data output channels; the weight
    // gradient sums n * hout * wout products)
    Conv s4{8, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    Conv k5{1, 64, 20, 20, 64, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1};
    Conv s2{1, 64, 20, 20, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1};
    Conv d2{1, 64, 20, 20, 64, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1};
    for (Conv c : {k5, s2, d2}) {
        c.algo = C4J_WINOGRAD_ALWAYS;
        auto d = c.desc();
        T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 0, 2) == 0, "%s: Winograd does not apply", c.str().c_str());
        T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 1, 2) == 0, "%s: Winograd does not apply", c.str().c_str());
        T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 2, 2) == 0, "%s: Winograd does not apply", c.str().c_str());
    }
    Conv few_in{1, 7, 20, 20, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, C4J_WINOGRAD_ALWAYS};
    auto fd = few_in.desc();
    T4J_EXPECT(c4j_conv2d_uses_winograd(fd.data(), 0, 2) == 0, "7 input channels: forward on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(fd.data(), 1, 2) == 1, "64 output channels: backward data not on Winograd");
    Conv few_per_group{1, 64, 20, 20, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16, C4J_WINOGRAD_ALWAYS};
    auto gd = few_per_group.desc();
    T4J_EXPECT(c4j_conv2d_uses_winograd(gd.data(), 0, 2) == 0, "4 channels per group: forward on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(gd.data(), 1, 2) == 0, "4 channels per group: backward on Winograd");
    s4.algo = C4J_WINOGRAD_OFF;
    auto d = s4.desc();
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 0, 2) == 0, "off: forward still on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 1, 2) == 0, "off: backward data still on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 2, 2) == 0, "off: backward weights still on Winograd");
    s4.algo = C4J_WINOGRAD_AUTO;
    d = s4.desc();
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 0, 2) == 1, "auto: s4 forward not on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 1, 2) == 1, "auto: s4 backward data not on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d.data(), 2, 2) == 1, "auto: s4 backward weights not on Winograd");
    // the auto rule: >= 16 channels, planes where partial tiles waste little, or many channels
    Conv s8{8, 512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    Conv small_plane{8, 64, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    Conv few{8, 8, 56, 56, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    Conv tiny{1, 256, 3, 3, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    auto d8 = s8.desc(), dp = small_plane.desc(), df = few.desc(), dt = tiny.desc();
    T4J_EXPECT(c4j_conv2d_uses_winograd(d8.data(), 0, 2) == 1, "auto: s8 forward not on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d8.data(), 1, 2) == 1, "auto: s8 backward data not on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(d8.data(), 2, 2) == 1, "auto: s8 backward weights not on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(dp.data(), 2, 2) == 0, "auto: 7x7 with 64 channels: weights on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(dp.data(), 0, 2) == 0, "auto: 7x7 with 64 channels on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(df.data(), 0, 2) == 0, "auto: 8 channels on Winograd");
    T4J_EXPECT(c4j_conv2d_uses_winograd(dt.data(), 1, 2) == 0, "auto: 3x3 plane on Winograd");
    // the mode is per call: an unknown one makes the descriptor invalid
    for (int bad : {-1, 3, 7}) {
        s4.algo = bad;
        auto db = s4.desc();
        T4J_EXPECT(c4j_conv2d_uses_winograd(db.data(), 0, 2) == 0, "mode %d: forward on Winograd", bad);
        T4J_EXPECT(c4j_conv2d_forward_tasks(db.data(), 2) < 1, "mode %d accepted by the forward", bad);
        T4J_EXPECT(c4j_conv2d_backward_data_tasks(db.data(), 2) < 1, "mode %d accepted by backward data", bad);
        T4J_EXPECT(c4j_conv2d_backward_weights_tasks(db.data(), 2) < 1, "mode %d accepted by backward weights", bad);
    }
}

}  // namespace t4j
