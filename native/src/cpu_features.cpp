// Runtime CPU feature choice (CPUID + XGETBV), no compiler builtins: GCC's __builtin_cpu_supports needs
// libgcc's __cpu_model, which the OpenBLAS link line leaves undefined at load time here.
#include <atomic>

#include "conv4j/conv4j_cpu.h"
#include "gemm_small.h"
#include "pool_rows.h"

#if defined(__x86_64__) || defined(_M_X64)
#define C4J_X86_64 1
#if defined(_MSC_VER)
#include <immintrin.h>
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

namespace c4j {
namespace {

std::atomic<int> g_force_scalar{0};

#ifdef C4J_X86_64
void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
#if defined(_MSC_VER)
    int v[4];
    __cpuidex(v, static_cast<int>(leaf), static_cast<int>(sub));
    for (int i = 0; i < 4; ++i) r[i] = static_cast<unsigned>(v[i]);
#else
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#endif
}

unsigned long long xgetbv0() {
#if defined(_MSC_VER)
    return _xgetbv(0);
#else
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<unsigned long long>(hi) << 32) | lo;
#endif
}

bool detect_avx2_fma() {
    unsigned r[4];
    cpuid(0, 0, r);
    if (r[0] < 7) return false;
    cpuid(1, 0, r);
    const unsigned ecx = r[2];
    const bool fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (!fma || !osxsave || !avx) return false;
    if ((xgetbv0() & 6) != 6) return false;  // the OS saves XMM and YMM state
    cpuid(7, 0, r);
    return (r[1] >> 5) & 1;  // EBX bit 5: AVX2
}
#else
bool detect_avx2_fma() { return false; }
#endif

}  // namespace

bool cpu_has_avx2_fma() {
    static const bool has = detect_avx2_fma();
    return has;
}

const PoolRowKernels &pool_rows() {
    if (!g_force_scalar.load(std::memory_order_relaxed) && cpu_has_avx2_fma()) return pool_rows_avx2();
    return pool_rows_scalar();
}

SmallGemmFn small_gemm() {
    if (!g_force_scalar.load(std::memory_order_relaxed) && cpu_has_avx2_fma()) return small_gemm_avx2;
    return small_gemm_scalar;
}

SmallGemmNtFn small_gemm_nt() {
    if (!g_force_scalar.load(std::memory_order_relaxed) && cpu_has_avx2_fma()) return small_gemm_nt_avx2;
    return small_gemm_nt_scalar;
}

}  // namespace c4j

extern "C" int c4j_cpu_api_version(void) { return 1; }

extern "C" int c4j_cpu_features(void) {
    return (!c4j::g_force_scalar.load() && c4j::cpu_has_avx2_fma()) ? C4J_CPU_AVX2_FMA : 0;
}

extern "C" void c4j_cpu_force_scalar(int force) { c4j::g_force_scalar.store(force != 0 ? 1 : 0); }
