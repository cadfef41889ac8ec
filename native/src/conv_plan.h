// How each convolution direction is cut into tasks (shared by the *_tasks counters and the kernels,
// so a caller running task ranges on several threads sees one consistent plan).
#ifndef CONV4J_CONV_PLAN_H
#define CONV4J_CONV_PLAN_H

#include <cstdint>

#include "geometry.h"

namespace c4j {

// Floats of one im2col block: 1 MiB keeps a block of forward columns in L2 while the GEMM reads it.
constexpr int64_t kColTarget = int64_t(1) << 18;
// Backward weights streams each block once per image: bigger blocks give a wider GEMM.
constexpr int64_t kWeightColTarget = int64_t(1) << 20;

// Grouped convolutions with few output channels per group (depthwise and the like) use direct loops:
// a GEMM with M <= 4 rows runs far below the machine's speed.
inline bool use_direct(const ConvGeo &g) { return g.groups > 1 && g.cog <= 4; }

struct FwdPlan {
    int64_t images_per_task;  // > 1: whole images batched into one wide GEMM (small outputs)
    int64_t blocks_per_image; // > 1: one image's output columns split into blocks
    int64_t blk;              // columns per block
    int64_t tasks;
};

FwdPlan plan_forward(const ConvGeo &g, int parts);

struct ChannelPlan {  // backward data (per image and group) and backward weights (per group)
    int64_t cb;       // channels per block
    int64_t nb;       // blocks per group
    int64_t tasks;
};

ChannelPlan plan_backward_data(const ConvGeo &g, int parts);
ChannelPlan plan_backward_weights(const ConvGeo &g, int parts);

}  // namespace c4j

#endif
