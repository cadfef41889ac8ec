// The convolution implementation lists, one per direction, in the style of oneDNN's cpu_convolution_list.cpp:
// ordered entries, each with a name, a predicate, a plan and a run function. A call takes the first entry that
// picks its geometry (or the one the caller forces, if it applies), plans once for it, and runs its tasks.
#ifndef CONV4J_CONV_IMPL_LIST_H
#define CONV4J_CONV_IMPL_LIST_H

#include <cstdint>

#include "conv/conv_plan.h"
#include "conv/conv_winograd.h"
#include "runtime/geometry.h"

namespace c4j {

// Directions, as in the C API (C4J_CONV_*).
enum ConvDirection { kForward = 0, kBackwardData = 1, kBackwardWeights = 2 };

// The operands of one call: forward (x, w, bias -> y), backward data (dy, w -> dx), backward weights (dy, x -> dw).
struct ConvOperands {
    const float *a;     // x forward, dy backward
    const float *b;     // w forward and backward data, x backward weights
    const float *bias;  // forward only; may be null
    float *out;
};

// One plan of any entry (only the member of the entry's family is used).
struct ConvImplPlan {
    WinoPlan wino{};
    FwdPlan fwd{};
    ChannelPlan data{};
    RowPlan weights{};
    int64_t tasks = 0;
};

struct ConvImpl {
    const char *name;
    // Computes this geometry correctly with the ISA the cap allows now (forcing is refused otherwise).
    bool (*applies)(const ConvGeo &g);
    // Applies and is the choice for this geometry when the entries above it did not pick it.
    bool (*picks)(const ConvGeo &g);
    // Sums in an order other than the GEMM's (Winograd's transforms): a caller asking for exact order skips it.
    bool reorders_sums;
    ConvImplPlan (*plan)(const ConvGeo &g, int parts);
    int (*run)(const ConvGeo &g, const ConvImplPlan &p, const ConvOperands &o, int64_t t0, int64_t t1);
};

// The list of a direction (kForward..kBackwardWeights) and its length; null and 0 for another value.
const ConvImpl *conv_impls(int direction, int *count);

// Index of the first entry of the direction that picks g, or -1 (never: im2col_sgemm picks everything).
int conv_impl_select(const ConvGeo &g, int direction);

}  // namespace c4j

#endif
