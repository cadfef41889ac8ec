/*
 * conv4j: descriptors shared by the C APIs of the cpu and cuda backends.
 *
 * Operations take an int32 descriptor array so that any caller (JavaCPP, ctypes, C++ tests) can build
 * one without a struct layout. The Java side fills it from org.conv4j.spi.ConvGeometry /
 * PoolGeometry#toDescriptor() after validating every value; native code re-checks it cheaply
 * (c4j_check_conv_desc / c4j_check_pool_desc) and refuses, rather than writes out of bounds, anything
 * inconsistent.
 *
 * Layouts: float32, NCHW, row-major. x [N, C_in, H, W], w [C_out, C_in/groups, KH, KW], bias [C_out],
 * y [N, C_out, H_out, W_out]. All convolutions are cross-correlations.
 */
#ifndef CONV4J_TYPES_H
#define CONV4J_TYPES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Indices into a convolution descriptor (length C4J_CONV_DESC_LEN). */
enum c4j_conv_desc {
    C4J_CONV_N = 0,
    C4J_CONV_CIN,
    C4J_CONV_H,
    C4J_CONV_W,
    C4J_CONV_COUT,
    C4J_CONV_KH,
    C4J_CONV_KW,
    C4J_CONV_SH,
    C4J_CONV_SW,
    C4J_CONV_PAD_TOP,
    C4J_CONV_PAD_BOTTOM,
    C4J_CONV_PAD_LEFT,
    C4J_CONV_PAD_RIGHT,
    C4J_CONV_DH,
    C4J_CONV_DW,
    C4J_CONV_GROUPS,
    C4J_CONV_HOUT,
    C4J_CONV_WOUT,
    /* The cpu backend's algorithm choice for this call: a C4J_WINOGRAD_* mode of conv4j_cpu.h (0 = never
     * Winograd: every output a float32 sum of its exact products). The cuda backend ignores it. */
    C4J_CONV_ALGO,
    C4J_CONV_DESC_LEN
};

/*
 * Indices into a pooling descriptor (length C4J_POOL_DESC_LEN). Padding is symmetric (PAD_H rows top and
 * bottom, PAD_W columns left and right). H_OUT / W_OUT already include ceil mode. Window (i, j) covers rows
 * [i*SH - PAD_H, i*SH - PAD_H + KH) and columns likewise, clipped to the input; padded cells never win a
 * max. Average divisor (PyTorch's rule): with COUNT_INCLUDE_PAD the window clipped to the padded input
 * [-PAD_H, H + PAD_H), else the window clipped to the input.
 */
enum c4j_pool_desc {
    C4J_POOL_N = 0,
    C4J_POOL_C,
    C4J_POOL_H,
    C4J_POOL_W,
    C4J_POOL_KH,
    C4J_POOL_KW,
    C4J_POOL_SH,
    C4J_POOL_SW,
    C4J_POOL_PAD_H,
    C4J_POOL_PAD_W,
    C4J_POOL_HOUT,
    C4J_POOL_WOUT,
    C4J_POOL_COUNT_INCLUDE_PAD,
    C4J_POOL_DESC_LEN
};

/*
 * Indices into an index descriptor (length C4J_IDX_DESC_LEN), for the operations driven by saved max-pool
 * indices: the indices and the values beside them live on the small plane [HS, WS] (the pooled output), and
 * point into the big plane [HB, WB] (the pooling input, or the unpooled output) as flat offsets
 * row * WB + column. Every index outside [0, HB * WB) is refused with C4J_ERR_BAD_INDEX.
 */
enum c4j_index_desc {
    C4J_IDX_N = 0,
    C4J_IDX_C,
    C4J_IDX_HS,
    C4J_IDX_WS,
    C4J_IDX_HB,
    C4J_IDX_WB,
    C4J_IDX_DESC_LEN
};

/*
 * Indices into an adaptive pooling descriptor (length C4J_APOOL_DESC_LEN). Output row i covers input rows
 * [floor(i * H / HOUT), ceil((i + 1) * H / HOUT)), columns likewise (PyTorch's rule; any HOUT, WOUT >= 1).
 */
enum c4j_apool_desc {
    C4J_APOOL_N = 0,
    C4J_APOOL_C,
    C4J_APOOL_H,
    C4J_APOOL_W,
    C4J_APOOL_HOUT,
    C4J_APOOL_WOUT,
    C4J_APOOL_DESC_LEN
};

/* Status codes returned by every C API function. */
enum c4j_status {
    C4J_OK = 0,
    C4J_ERR_BAD_DESCRIPTOR = 1, /* descriptor inconsistent: nothing was written */
    C4J_ERR_NULL_POINTER = 2,   /* a required pointer was NULL */
    C4J_ERR_OUT_OF_MEMORY = 3,  /* workspace allocation failed: nothing was written */
    C4J_ERR_DEVICE = 4,         /* a CUDA call failed (cuda backend only; see its last-error function) */
    C4J_ERR_BAD_INDEX = 5       /* a max-pool index outside its plane: the planes of the task range are undefined */
};

#ifdef __cplusplus
}
#endif

#endif /* CONV4J_TYPES_H */
