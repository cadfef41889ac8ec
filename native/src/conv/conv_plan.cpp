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
        p.co_blocks = sp.co_blocks;
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
    p.co_blk = g.cog;
    if (p.images_per_task == 1 && g.n * p.blocks_per_image < parts) {
        // too few images to keep every thread busy: split each image's columns, then its output channels (blocks
        // of >= 32 rows). A 1x1 layer reads x in place (or a subsampled copy as small as one output plane per
        // input channel), so its channel blocks cost nothing twice: there columns are split only into blocks of
        // >= 256 (narrower, the GEMM packs the weights for little arithmetic; ResNet's 7x7 and 14x14 planes
        // against hundreds of filters). Other filters' channel blocks would each build the same im2col block:
        // their columns are split down to 64 first, as before.
        const int64_t need = ceil_div(parts, g.n);
        p.blocks_per_image =
            std::max(p.blocks_per_image, std::min(need, g.khkw == 1 ? g.hw / 256 : ceil_div(g.hw, 64)));
        p.co_blocks = std::max<int64_t>(1, std::min<int64_t>(ceil_div(need, p.blocks_per_image), g.cog / 32));
        if (p.blocks_per_image * p.co_blocks < need)
            p.blocks_per_image = std::max<int64_t>(1, std::min(ceil_div(need, p.co_blocks), ceil_div(g.hw, 64)));
        p.co_blk = ceil_div(g.cog, p.co_blocks);
        p.co_blocks = ceil_div(g.cog, p.co_blk);
    }
    p.blk = ceil_div(g.hw, p.blocks_per_image);
    p.blocks_per_image = ceil_div(g.hw, p.blk);
    p.tasks = ceil_div(g.n, p.images_per_task) * p.blocks_per_image * p.co_blocks;
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
            p.co_blocks = sp.co_blocks;
            p.tasks = sp.co_blocks * g.n;
            return p;
        }
        const ConvGeo t = conv_implicit_transposed(g);
        const IgemmDenseSplit sp = igemm_dense_split(t, parts);
        p.rows_per_task = sp.rows_per_task;
        p.co_blocks = sp.co_blocks;
        p.tasks = igemm_dense_tasks(t, sp);
        return p;
    }
    const int64_t outer = static_cast<int64_t>(g.n) * g.groups;
    if (g.pointwise() && outer < parts && g.hw >= 2 * 256) {
        // 1x1, fewer images (times groups) than threads: split the columns (blocks of >= 256) rather than dx's
        // channels, so a task reads its columns of dy instead of all of dy (the filters it reads in full are the
        // small operand: cin x cout against cout x hw)
        ChannelPlan p{};
        p.kernel = kernel;
        p.nb = 1;
        p.cb = g.cig;
        p.col_blocks = std::min<int64_t>(ceil_div(parts, outer), g.hw / 256);
        p.col_blk = ceil_div(g.hw, p.col_blocks);
        p.col_blocks = ceil_div(g.hw, p.col_blk);
        p.tasks = outer * p.col_blocks;
        return p;
    }
    ChannelPlan p = plan_channels(g, parts, outer);
    p.kernel = kernel;
    p.col_blk = g.hw;
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
    const int64_t need = std::max<int64_t>(1, ceil_div(want, g.groups));
    if (kernel == ConvKernel::im2col_sgemm && g.pointwise() && g.cog > g.kg) {
        // 1x1 with more output than input channels (MobileNet's expansions): every task reads its channel
        // block's dy planes and all input planes of its dW columns, so split the larger operand, dy, into blocks
        // of max(cin, kMinCoBlock) output channels (then the re-read inputs cost no more than dy). The blocks
        // depend on the geometry only, not on the thread count, so this weight gradient is the same to the bit
        // for any thread count (OpenBLAS rounds a block's edge tiles differently, so blocks that followed the
        // threads, like the column blocks below, would not be)
        constexpr int64_t kMinCoBlock = 16;
        p.nb = 1;
        p.rb = g.kg;
        p.co_blocks = ceil_div(g.cog, std::max<int64_t>(g.kg, kMinCoBlock));
        p.co_blk = ceil_div(g.cog, p.co_blocks);
        p.co_blocks = ceil_div(g.cog, p.co_blk);
        p.tasks = static_cast<int64_t>(g.groups) * p.co_blocks;
        return p;
    }
    p.nb = std::min<int64_t>(g.kg, need);
    p.rb = ceil_div(g.kg, p.nb);
    p.nb = ceil_div(g.kg, p.rb);
    p.tasks = static_cast<int64_t>(g.groups) * p.nb;
    return p;
}

}  // namespace c4j
