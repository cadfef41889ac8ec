// Workspace that never throws: malloc-backed, freed on scope exit; ok() says whether it was granted.
#ifndef CONV4J_BUFFER_H
#define CONV4J_BUFFER_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace c4j {

class FloatBuffer {
public:
    explicit FloatBuffer(int64_t count) {
        if (count > 0 && static_cast<uint64_t>(count) <= SIZE_MAX / sizeof(float) - 16) {
            // 64-byte alignment keeps AVX loads and OpenBLAS packing on whole cache lines.
            size_t bytes = (static_cast<size_t>(count) * sizeof(float) + 63) & ~static_cast<size_t>(63);
            p_ = static_cast<float *>(std::aligned_alloc(64, bytes));
        }
    }
    ~FloatBuffer() { std::free(p_); }
    FloatBuffer(const FloatBuffer &) = delete;
    FloatBuffer &operator=(const FloatBuffer &) = delete;
    bool ok() const { return p_ != nullptr; }
    float *get() const { return p_; }

private:
    float *p_ = nullptr;
};

}  // namespace c4j

#endif
