// Max-pool backward through saved indices for 2x2 stride-2 windows (VGG's pools, GoogLeNet's pool4): every dx
// cell is written once, in 2x2 blocks, instead of clearing the plane and scattering dy into it. It applies
// only while every index lies in its own window; a plane with any other index returns false and is redone by
// the general scatter (pool_indices.cpp), so the operation's meaning for arbitrary indices is unchanged.
// Scalar, AVX2 and AVX-512 flavours of one body (pool_index_grad_body.inc), chosen by CPUID and the ISA cap.
#ifndef CONV4J_POOL_INDEX_GRAD_H
#define CONV4J_POOL_INDEX_GRAD_H

#include <cstdint>

namespace c4j {

struct IndexGradKernels {
    // One plane: dx (hb x wb, hb >= 2 hs, wb >= 2 ws) from dy and idx (hs x ws), each dx cell = +0 + dy of the
    // window whose index names it, else +0 (the scatter's bits: a -0 gradient lands as +0). False, having
    // written part of the plane, when an index is not inside its own window. Reads dy and idx at most
    // `readable` elements from their plane starts and writes dx only before write_end (the caller's chunk),
    // both at least one plane.
    bool (*k2s2_plane)(int hs, int ws, int hb, int wb, const float *dy, const int32_t *idx, float *dx,
                       int64_t readable, const float *write_end);
};

const IndexGradKernels &pool_index_grad_scalar();
const IndexGradKernels &pool_index_grad_avx2();    // only when cpu_use_avx2_fma()
const IndexGradKernels &pool_index_grad_avx512();  // only when cpu_use_avx512()

// The flavour in use: the widest the CPU and the ISA cap allow.
const IndexGradKernels &pool_index_grad();

}  // namespace c4j

#endif
