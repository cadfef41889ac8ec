/*
 * The C API of libconv4j_cuda as a caller sees it, on any machine: argument and descriptor checks fail cleanly
 * with a message before touching the device; without a usable GPU every device call reports the CUDA error by
 * name (e.g. cudaErrorInsufficientDriver) instead of crashing. With a GPU it also runs one convolution.
 */
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "conv4j/conv4j_cuda.h"

static int failures = 0, checks = 0;

static void expect(bool cond, const std::string& what) {
    checks++;
    if (!cond) {
        failures++;
        std::fprintf(stderr, "FAIL: %s (last error: '%s')\n", what.c_str(), c4j_cuda_last_error());
    }
}

static bool mentions(const char* s) { return std::strstr(c4j_cuda_last_error(), s) != nullptr; }

int main() {
    // Descriptor and pointer checks come before any device work.
    int32_t desc[C4J_CONV_DESC_LEN] = {1, 2, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5};
    float dummy = 0.f;
    float* fake = &dummy;  // never dereferenced: every call below must stop at its checks
    desc[C4J_CONV_HOUT] = 6;
    expect(c4j_cuda_conv2d_forward(desc, fake, fake, nullptr, fake) == C4J_ERR_BAD_DESCRIPTOR, "wrong H_out refused");
    expect(mentions("conv2d_forward: inconsistent convolution descriptor"), "message names the operation");
    desc[C4J_CONV_HOUT] = 5;
    expect(c4j_cuda_conv2d_forward(desc, nullptr, fake, nullptr, fake) == C4J_ERR_NULL_POINTER, "NULL x refused");
    expect(mentions("x is NULL"), "message names the NULL argument");
    expect(c4j_cuda_conv2d_backward_weights(nullptr, fake, fake, fake) == C4J_ERR_NULL_POINTER, "NULL descriptor refused");
    int32_t pool[C4J_POOL_DESC_LEN] = {1, 1, 4, 4, 2, 2, 2, 2, 2, 0, 2, 2, 0};  // padding 2 > half of 2
    expect(c4j_cuda_max_pool2d_forward(pool, fake, fake) == C4J_ERR_BAD_DESCRIPTOR, "pool padding above half refused");
    expect(c4j_cuda_conv2d_backward_bias(1, 0, 1, 1, fake, fake) == C4J_ERR_BAD_DESCRIPTOR, "zero channels refused");
    expect(c4j_cuda_backward_weights_workspace_bytes(desc) >= 0, "workspace size of a valid descriptor");
    float* p = nullptr;
    expect(c4j_cuda_alloc(0, &p) == C4J_ERR_BAD_DESCRIPTOR && p == nullptr, "alloc of 0 floats refused");
    expect(c4j_cuda_free(nullptr) == C4J_OK, "free(NULL) is a no-op");

    int32_t count = -1;
    int32_t st = c4j_cuda_device_count(&count);
    if (st != C4J_OK || count == 0) {
        std::printf("no usable GPU: status %d, %d devices, '%s'\n", st, count, c4j_cuda_last_error());
        expect(st == C4J_OK ? count == 0 : (st == C4J_ERR_DEVICE && mentions("device_count: cudaError")),
               "device_count names the CUDA error");
        expect(count == 0, "device count is 0 on failure");
        st = c4j_cuda_alloc(16, &p);
        expect(st == C4J_ERR_DEVICE && p == nullptr && mentions("cudaError"), "alloc without a GPU fails cleanly");
        expect(c4j_cuda_last_cuda_error() != 0, "numeric CUDA error recorded");
    } else {
        char name[256];
        expect(c4j_cuda_init(0, name, sizeof name) == C4J_OK, "init device 0");
        std::printf("GPU: %s\n", name);
        // 1x1x3x3 input of 1..9, 2x2 kernel of ones, bias 0.5: sums of 2x2 windows + 0.5.
        int32_t d[C4J_CONV_DESC_LEN] = {1, 1, 3, 3, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, 2, 2};
        float hx[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, hw[4] = {1, 1, 1, 1}, hb[1] = {0.5f}, hy[4] = {0};
        float *x = nullptr, *w = nullptr, *b = nullptr, *y = nullptr;
        expect(c4j_cuda_alloc(9, &x) == C4J_OK && c4j_cuda_alloc(4, &w) == C4J_OK && c4j_cuda_alloc(1, &b) == C4J_OK
                   && c4j_cuda_alloc(4, &y) == C4J_OK, "alloc");
        expect(c4j_cuda_upload(x, hx, 9) == C4J_OK && c4j_cuda_upload(w, hw, 4) == C4J_OK && c4j_cuda_upload(b, hb, 1) == C4J_OK,
               "upload");
        expect(c4j_cuda_conv2d_forward(d, x, w, b, y) == C4J_OK, "conv2d_forward");
        expect(c4j_cuda_download(hy, y, 4) == C4J_OK, "download");
        expect(hy[0] == 12.5f && hy[1] == 16.5f && hy[2] == 24.5f && hy[3] == 28.5f, "conv values");
        float* huge = nullptr;
        st = c4j_cuda_alloc((int64_t)1 << 42, &huge);  // 16 TiB
        expect(st == C4J_ERR_OUT_OF_MEMORY && huge == nullptr && mentions("cudaErrorMemoryAllocation"), "OOM is clean");
        expect(c4j_cuda_conv2d_forward(d, x, w, b, y) == C4J_OK, "usable after an OOM");
        c4j_cuda_free(x);
        c4j_cuda_free(w);
        c4j_cuda_free(b);
        c4j_cuda_free(y);
    }
    if (failures) {
        std::fprintf(stderr, "test_c_api: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    std::printf("test_c_api: %d checks passed\n", checks);
    return 0;
}
