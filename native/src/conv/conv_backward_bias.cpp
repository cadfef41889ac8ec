// Bias gradient: per channel, the sum of dy over batch and positions. Eight float lanes per row (the
// compiler vectorises them without -ffast-math) and a double across rows keep large sums accurate.
#include <cstdint>

#include "conv4j/conv4j_cpu.h"

extern "C" int c4j_conv2d_backward_bias(int32_t n, int32_t c, int32_t hw, const float *dy, float *db,
                                        int task_begin, int task_end) {
    if (n < 1 || c < 1 || hw < 1) return C4J_ERR_BAD_DESCRIPTOR;
    if (static_cast<int64_t>(n) * c * hw > INT32_MAX) return C4J_ERR_BAD_DESCRIPTOR;
    if (dy == nullptr || db == nullptr) return C4J_ERR_NULL_POINTER;
    if (task_begin < 0 || task_end < task_begin || task_end > c) return C4J_ERR_BAD_DESCRIPTOR;
    for (int ch = task_begin; ch < task_end; ++ch) {
        double total = 0;
        for (int64_t img = 0; img < n; ++img) {
            const float *p = dy + (img * c + ch) * static_cast<int64_t>(hw);
            float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            int64_t q = 0;
            for (; q + 8 <= hw; q += 8) {
                for (int k = 0; k < 8; ++k) lane[k] += p[q + k];
            }
            float s = ((lane[0] + lane[4]) + (lane[1] + lane[5])) + ((lane[2] + lane[6]) + (lane[3] + lane[7]));
            for (; q < hw; ++q) s += p[q];
            total += s;
        }
        db[ch] = static_cast<float>(total);
    }
    return C4J_OK;
}
