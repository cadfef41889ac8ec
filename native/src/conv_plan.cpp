#include "conv_plan.h"

#include <algorithm>

namespace c4j {

FwdPlan plan_forward(const ConvGeo &g, int parts) {
    FwdPlan p{};
    if (parts < 1) parts = 1;
    if (use_direct(g)) {  // one task per output plane
        p.images_per_task = 1;
        p.blocks_per_image = 1;
        p.blk = g.hw;
        p.tasks = static_cast<int64_t>(g.n) * g.cout;
        return p;
    }
    int64_t target = std::max<int64_t>(256, kColTarget / g.kg);
    p.blocks_per_image = g.hw > target ? ceil_div(g.hw, target) : 1;
    p.images_per_task = 1;
    if (p.blocks_per_image == 1) {
        p.images_per_task = std::max<int64_t>(1, std::min<int64_t>(target / g.hw, ceil_div(g.n, parts)));
    }
    if (p.images_per_task == 1 && g.n * p.blocks_per_image < parts) {
        // too few images to keep every thread busy: split each image's columns (blocks of >= 64)
        p.blocks_per_image = std::max<int64_t>(1, std::min(ceil_div(parts, g.n), ceil_div(g.hw, 64)));
    }
    p.blk = ceil_div(g.hw, p.blocks_per_image);
    p.blocks_per_image = ceil_div(g.hw, p.blk);
    p.tasks = ceil_div(g.n, p.images_per_task) * p.blocks_per_image;
    return p;
}

static ChannelPlan plan_channels(const ConvGeo &g, int parts, int64_t per_group_tasks_outside, int64_t target) {
    ChannelPlan p{};
    if (parts < 1) parts = 1;
    int64_t rows_per_channel = g.khkw * g.hw;
    p.cb = std::max<int64_t>(1, std::min<int64_t>(g.cig, target / std::max<int64_t>(1, rows_per_channel)));
    p.nb = ceil_div(g.cig, p.cb);
    if (per_group_tasks_outside * p.nb < parts) {
        p.nb = std::min<int64_t>(g.cig, ceil_div(parts, per_group_tasks_outside));
        p.cb = ceil_div(g.cig, p.nb);
        p.nb = ceil_div(g.cig, p.cb);
    }
    p.tasks = per_group_tasks_outside * p.nb;
    return p;
}

ChannelPlan plan_backward_data(const ConvGeo &g, int parts) {
    if (use_direct(g)) return ChannelPlan{1, 1, static_cast<int64_t>(g.n) * g.cin};  // one task per dx plane
    return plan_channels(g, parts, static_cast<int64_t>(g.n) * g.groups, kColTarget);
}

ChannelPlan plan_backward_weights(const ConvGeo &g, int parts) {
    if (use_direct(g)) return ChannelPlan{1, 1, g.cout};  // one task per output channel's filter
    return plan_channels(g, parts, g.groups, kWeightColTarget);
}

}  // namespace c4j
