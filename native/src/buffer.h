// Workspace that never throws: malloc-backed, freed on scope exit; ok() says whether it was granted.
#ifndef CONV4J_BUFFER_H
#define CONV4J_BUFFER_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#if defined(_WIN32)
#include <malloc.h>
#endif

namespace c4j {

class FloatBuffer {
public:
    explicit FloatBuffer(int64_t count) {
        if (count > 0 && static_cast<uint64_t>(count) <= SIZE_MAX / sizeof(float) - 16) {
            // 64-byte alignment keeps AVX loads and OpenBLAS packing on whole cache lines.
            size_t bytes = (static_cast<size_t>(count) * sizeof(float) + 63) & ~static_cast<size_t>(63);
            p_ = static_cast<float *>(aligned_malloc(bytes));
        }
    }
    ~FloatBuffer() { aligned_free(p_); }
    FloatBuffer(const FloatBuffer &) = delete;
    FloatBuffer &operator=(const FloatBuffer &) = delete;
    bool ok() const { return p_ != nullptr; }
    float *get() const { return p_; }

private:
    // The Windows CRT has no std::aligned_alloc (its blocks cannot be released with free()).
    static void *aligned_malloc(size_t bytes) {
#if defined(_WIN32)
        return _aligned_malloc(bytes, 64);
#else
        return std::aligned_alloc(64, bytes);
#endif
    }
    static void aligned_free(void *p) {
#if defined(_WIN32)
        _aligned_free(p);
#else
        std::free(p);
#endif
    }

    float *p_ = nullptr;
};

}  // namespace c4j

#endif
