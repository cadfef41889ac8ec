// Per-thread workspace cache behind FloatBuffer (see buffer.h).
#include "runtime/buffer.h"

#include "conv4j/conv4j_cpu.h"

#include <cstdint>
#include <cstdlib>
#if defined(_WIN32)
#include <malloc.h>
#endif

namespace c4j {
namespace {

constexpr size_t kMinCached = size_t(64) << 10;    // smaller blocks: malloc is cheap and pages are warm
constexpr size_t kCacheBytes = size_t(64) << 20;   // per thread
constexpr int kCacheBlocks = 4;                     // a call holds at most three workspaces at once

// The Windows CRT has no std::aligned_alloc (its blocks cannot be released with free()).
void *aligned_malloc(size_t bytes) {
#if defined(_WIN32)
    return _aligned_malloc(bytes, 64);
#else
    return std::aligned_alloc(64, bytes);
#endif
}

void aligned_free(void *p) {
#if defined(_WIN32)
    _aligned_free(p);
#else
    std::free(p);
#endif
}

struct Cache {
    float *block[kCacheBlocks] = {};
    size_t bytes[kCacheBlocks] = {};
    size_t total = 0;
    ~Cache() {
        for (int i = 0; i < kCacheBlocks; ++i) aligned_free(block[i]);
    }
};

thread_local Cache t_cache;

}  // namespace

float *workspace_acquire(int64_t count, size_t *bytes) {
    *bytes = 0;
    if (count <= 0 || static_cast<uint64_t>(count) > SIZE_MAX / sizeof(float) - 16) return nullptr;
    const size_t need = (static_cast<size_t>(count) * sizeof(float) + 63) & ~static_cast<size_t>(63);
    if (need >= kMinCached) {
        Cache &c = t_cache;
        int best = -1;
        for (int i = 0; i < kCacheBlocks; ++i) {
            if (c.block[i] != nullptr && c.bytes[i] >= need && (best < 0 || c.bytes[i] < c.bytes[best])) best = i;
        }
        if (best >= 0) {
            float *p = c.block[best];
            *bytes = c.bytes[best];
            c.total -= c.bytes[best];
            c.block[best] = nullptr;
            c.bytes[best] = 0;
            return p;
        }
    }
    float *p = static_cast<float *>(aligned_malloc(need));
    if (p != nullptr) *bytes = need;
    return p;
}

void workspace_release(float *p, size_t bytes) {
    if (p == nullptr) return;
    Cache &c = t_cache;
    if (bytes >= kMinCached && bytes <= kCacheBytes) {
        // make room by dropping the smallest cached blocks that are smaller than this one
        for (;;) {
            int empty = -1, smallest = -1;
            for (int i = 0; i < kCacheBlocks; ++i) {
                if (c.block[i] == nullptr) {
                    if (empty < 0) empty = i;
                } else if (smallest < 0 || c.bytes[i] < c.bytes[smallest]) {
                    smallest = i;
                }
            }
            if (empty >= 0 && c.total + bytes <= kCacheBytes) {
                c.block[empty] = p;
                c.bytes[empty] = bytes;
                c.total += bytes;
                return;
            }
            if (smallest < 0 || c.bytes[smallest] >= bytes) break;
            aligned_free(c.block[smallest]);
            c.total -= c.bytes[smallest];
            c.block[smallest] = nullptr;
            c.bytes[smallest] = 0;
        }
    }
    aligned_free(p);
}

}  // namespace c4j

extern "C" void *c4j_cpu_alloc(int64_t bytes) {
    if (bytes < 1 || static_cast<uint64_t>(bytes) > SIZE_MAX - 64) return nullptr;
    return c4j::aligned_malloc((static_cast<size_t>(bytes) + 63) & ~static_cast<size_t>(63));  // aligned_alloc wants whole lines
}

extern "C" void c4j_cpu_free(void *p) { c4j::aligned_free(p); }
