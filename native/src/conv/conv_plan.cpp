#include "conv/conv_plan.h"

#include <algorithm>

#include "conv/conv_igemm_dense.h"
#include "conv/conv_implicit.h"

namespace c4j {

FwdPlan plan_forward(const ConvGeo &g, int parts, ConvKernel kernel) {
    FwdPlan p{};
    p.kernel = kernel;
    if (parts < 1) parts = 1;
    if (per_plane(kernel)) {  // one task per output plane
        p.images_per_task = 1;
        p.blocks_per_image = 1;
        p.blk = g.hw;
        p.tasks = static_cast<int64_t>(g.n) * g.cout;
        return p;
    }
    if (igemm_rows(kernel)) {
        // (image, block of output rows); about four blocks per thread in all, so the blocks balance
        int64_t blocks = std::min<int64_t>(g.hout, std::max<int64_t>(1, ceil_div(4 * parts, g.n)));
        p.rows_per_task = ceil_div(g.hout, blocks);
        p.tasks = g.n * ceil_div(g.hout, p.rows_per_task);
        return p;
    }
    if (igemm_dense(kernel)) {  // (output-channel block, image, block of output rows)
        const IgemmDenseSplit sp = igemm_dense_split(g, parts);
        p.rows_per_task = sp.rows_per_task;
        p.cout_blocks = sp.cout_blocks;
        p.tasks = igemm_dense_tasks(g, sp);
        return p;
    }
    if (igemm_phase(kernel)) {
        // (image, group, block of output rows); each task copies its group's input planes, so split rows only as
        // far as the threads need: about four tasks per thread
        const int64_t outer = static_cast<int64_t>(g.n) * g.groups;
        int64_t blocks = outer >= 2 * parts ? 1 : std::min<int64_t>(g.hout, ceil_div(4 * parts, outer));
        p.rows_per_task = ceil_div(g.hout, blocks);
        p.tasks = outer * ceil_div(g.hout, p.rows_per_task);
        return p;
    }
    if (kernel == ConvKernel::igemm_small) {  // one task per image, or per block of rows when images are fewer than threads
        int64_t blocks = g.n >= parts ? 1 : std::min<int64_t>(g.hout, ceil_div(parts, g.n));
        p.rows_per_task = ceil_div(g.hout, blocks);
        p.tasks = g.n * ceil_div(g.hout, p.rows_per_task);
        return p;
    }
    int64_t target = std::max<int64_t>(256, kColTarget / g.kg);
    p.blocks_per_image = g.hw > target ? ceil_div(g.hw, target) : 1;
    p.images_per_task = 1;
    if (p.blocks_per_image == 1) {
        // at least two tasks per thread where the batch allows, so uneven tails stay small
        p.images_per_task = std::max<int64_t>(1, std::min<int64_t>(target / g.hw, ceil_div(g.n, 2 * parts)));
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

int64_t sub_block_columns(const ConvGeo &g, int64_t rows) {
    int64_t len = kSubBlockTarget / std::max<int64_t>(1, rows);
    len = std::max<int64_t>(64, len);
    return std::min<int64_t>(g.hw, len);
}

int64_t sub_block_buffer(const ConvGeo &g, int64_t max_rows) {
    return std::min<int64_t>(max_rows * g.hw, std::max<int64_t>(kSubBlockTarget, 64 * max_rows));
}

static ChannelPlan plan_channels(const ConvGeo &g, int parts, int64_t outer_tasks) {
    ChannelPlan p{};
    if (parts < 1) parts = 1;
    // whole groups, split into channel blocks only as far as needed to give every thread a task
    p.nb = std::min<int64_t>(g.cig, std::max<int64_t>(1, ceil_div(parts, outer_tasks)));
    p.cb = ceil_div(g.cig, p.nb);
    p.nb = ceil_div(g.cig, p.cb);
    p.tasks = outer_tasks * p.nb;
    return p;
}

ChannelPlan plan_backward_data(const ConvGeo &g, int parts, ConvKernel kernel) {
    if (per_plane(kernel))  // one task per dx plane
        return ChannelPlan{1, 1, static_cast<int64_t>(g.n) * g.cin, kernel};
    if (igemm_rows(kernel)) {  // (image, block of dx rows), about four blocks per thread
        ChannelPlan p{};
        p.kernel = kernel;
        int64_t blocks = std::min<int64_t>(g.h, std::max<int64_t>(1, ceil_div(4 * std::max(parts, 1), g.n)));
        p.rows_per_task = ceil_div(g.h, blocks);
        p.tasks = g.n * ceil_div(g.h, p.rows_per_task);
        return p;
    }
    if (igemm_dense(kernel)) {  // (dx-channel block, image, block of dx rows)
        ChannelPlan p{};
        p.kernel = kernel;
        if (g.sh != 1 || g.sw != 1) {  // (dx-channel block, image): every stride phase of it
            const IgemmDenseSplit sp = igemm_dense_phase_split(g, parts);
            p.rows_per_task = sp.rows_per_task;
            p.cout_blocks = sp.cout_blocks;
            p.tasks = sp.cout_blocks * g.n;
            return p;
        }
        const ConvGeo t = conv_implicit_transposed(g);
        const IgemmDenseSplit sp = igemm_dense_split(t, parts);
        p.rows_per_task = sp.rows_per_task;
        p.cout_blocks = sp.cout_blocks;
        p.tasks = igemm_dense_tasks(t, sp);
        return p;
    }
    ChannelPlan p = plan_channels(g, parts, static_cast<int64_t>(g.n) * g.groups);
    p.kernel = kernel;
    return p;
}

RowPlan plan_backward_weights(const ConvGeo &g, int parts, ConvKernel kernel) {
    if (per_plane(kernel)) return RowPlan{1, 1, g.cout, kernel};  // one task per output filter
    if (parts < 1) parts = 1;
    RowPlan p{};
    p.kernel = kernel;
    // the implicit kernel gets about two blocks per thread: with exactly one each, a pool thread that starts
    // late leaves the caller running both (measured through Java)
    const int64_t want = igemm_rows(kernel) ? 2 * static_cast<int64_t>(parts) : parts;
    p.nb = std::min<int64_t>(g.kg, std::max<int64_t>(1, ceil_div(want, g.groups)));
    p.rb = ceil_div(g.kg, p.nb);
    p.nb = ceil_div(g.kg, p.rb);
    p.tasks = static_cast<int64_t>(g.groups) * p.nb;
    return p;
}

}  // namespace c4j
