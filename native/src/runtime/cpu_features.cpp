// Runtime CPU feature choice (see cpu_probe.h) and the ISA cap that limits it (c4j_cpu_set_isa; the
// test switch c4j_cpu_force_scalar is the scalar cap).
#include <atomic>

#include "conv4j/conv4j_cpu.h"
#include "runtime/cpu_features.h"
#include "runtime/cpu_probe.h"
#include "gemm/gemm_small.h"
#include "pool/pool_rows.h"

namespace c4j {
namespace {

// The C4J_ISA_* cap as set; C4J_ISA_AUTO allows whatever the CPU has.
std::atomic<int> g_isa_cap{C4J_ISA_AUTO};

int isa_cap() { return g_isa_cap.load(std::memory_order_relaxed); }

}  // namespace

bool cpu_has_avx2_fma() {
    static const bool has = cpuid_avx2_fma();
    return has;
}

bool cpu_has_avx512() {
#if defined(CONV4J_EMULATE_AVX512)
    // test builds only: the AVX-512 kernels run on SIMDe's portable intrinsics (cmake/Conv4jCompilerFlags.cmake)
    static const bool has = cpuid_avx2_fma();
#else
    static const bool has = cpuid_avx512();
#endif
    return has;
}

bool cpu_has_neon() {
#if defined(__aarch64__) || defined(_M_ARM64)
    return true;
#else
    return false;
#endif
}

bool cpu_scalar_forced() { return isa_cap() == C4J_ISA_SCALAR; }

bool cpu_use_avx2_fma() {
    const int cap = isa_cap();
    return (cap == C4J_ISA_AUTO || cap == C4J_ISA_AVX512 || cap == C4J_ISA_AVX2) && cpu_has_avx2_fma();
}

bool cpu_use_avx512() {
    const int cap = isa_cap();
    return (cap == C4J_ISA_AUTO || cap == C4J_ISA_AVX512) && cpu_has_avx512();
}

bool cpu_use_neon() {
    const int cap = isa_cap();
    return (cap == C4J_ISA_AUTO || cap == C4J_ISA_NEON) && cpu_has_neon();
}

int cpu_effective_isa() {
    if (cpu_use_avx512()) return C4J_ISA_AVX512;
    if (cpu_use_avx2_fma()) return C4J_ISA_AVX2;
    if (cpu_use_neon()) return C4J_ISA_NEON;
    return C4J_ISA_SCALAR;
}

const PoolRowKernels &pool_rows() {
    if (cpu_use_avx2_fma()) return pool_rows_avx2();
    return pool_rows_scalar();
}

SmallGemmFn small_gemm() {
    if (cpu_use_avx2_fma()) return small_gemm_avx2;
    if (cpu_use_neon()) return small_gemm_neon;
    return small_gemm_scalar;
}

SmallGemmNtFn small_gemm_nt() {
    if (cpu_use_avx2_fma()) return small_gemm_nt_avx2;
    if (cpu_use_neon()) return small_gemm_nt_neon;
    return small_gemm_nt_scalar;
}

}  // namespace c4j

extern "C" int c4j_cpu_api_version(void) { return 6; }

extern "C" int c4j_cpu_features(void) {
    return (c4j::cpu_use_avx2_fma() ? C4J_CPU_AVX2_FMA : 0) | (c4j::cpu_use_avx512() ? C4J_CPU_AVX512 : 0) |
           (c4j::cpu_use_neon() ? C4J_CPU_NEON : 0);
}

extern "C" void c4j_cpu_force_scalar(int force) { c4j_cpu_set_isa(force != 0 ? C4J_ISA_SCALAR : C4J_ISA_AUTO); }

extern "C" int c4j_cpu_set_isa(int cap) {
    if (cap != C4J_ISA_AUTO && cap != C4J_ISA_AVX512 && cap != C4J_ISA_AVX2 && cap != C4J_ISA_NEON &&
        cap != C4J_ISA_SCALAR)
        return C4J_ERR_BAD_DESCRIPTOR;
    c4j::g_isa_cap.store(cap);
    return C4J_OK;
}

extern "C" int c4j_cpu_isa_cap(void) { return c4j::g_isa_cap.load(); }
extern "C" int c4j_cpu_isa(void) { return c4j::cpu_effective_isa(); }
