// Workspace that never throws: ok() says whether it was granted; released on scope exit.
//
// Blocks of 64 KiB and more are kept in a small per-thread cache and handed out again to the next
// workspace of the same thread that fits. Why: a GEMM or Winograd workspace is several MiB per call, and
// fresh pages cost a page fault each (on this project's virtual machines a fresh 8 MiB buffer per call
// took Winograd s8 forward from 4.9 to 8.7-10 ms). The cache is bounded (kCacheBlocks blocks,
// kCacheBytes bytes per thread) and freed when the thread exits.
#ifndef CONV4J_BUFFER_H
#define CONV4J_BUFFER_H

#include <cstddef>
#include <cstdint>

namespace c4j {

// Memory for count floats, 64-byte aligned (whole cache lines for AVX loads and OpenBLAS packing), from
// the calling thread's cache or the C allocator; nullptr if count is not positive or memory is short.
float *workspace_acquire(int64_t count, size_t *bytes);
// Gives a block from workspace_acquire back (to the thread's cache, or to the C allocator).
void workspace_release(float *p, size_t bytes);

class FloatBuffer {
public:
    explicit FloatBuffer(int64_t count) : p_(workspace_acquire(count, &bytes_)) {}
    ~FloatBuffer() { workspace_release(p_, bytes_); }
    FloatBuffer(const FloatBuffer &) = delete;
    FloatBuffer &operator=(const FloatBuffer &) = delete;
    bool ok() const { return p_ != nullptr; }
    float *get() const { return p_; }

private:
    size_t bytes_ = 0;
    float *p_;
};

}  // namespace c4j

#endif
