// Runtime CPU feature choice (see cpu_probe.h) and the switch that forces the portable kernels in tests.
#include <atomic>

#include "conv4j/conv4j_cpu.h"
#include "runtime/cpu_features.h"
#include "runtime/cpu_probe.h"
#include "gemm/gemm_small.h"
#include "pool/pool_rows.h"

namespace c4j {
namespace {

// C4J_ISA_* cap; AVX512 (the widest) means "whatever the CPU has"
std::atomic<int> g_isa_cap{C4J_ISA_AVX512};

}  // namespace

bool cpu_has_avx2_fma() {
    static const bool has = cpuid_avx2_fma();
    return has;
}

bool cpu_has_avx512() {
    static const bool has = cpuid_avx512();
    return has;
}

bool cpu_scalar_forced() { return g_isa_cap.load(std::memory_order_relaxed) == C4J_ISA_SCALAR; }

bool cpu_use_avx2_fma() { return g_isa_cap.load(std::memory_order_relaxed) >= C4J_ISA_AVX2 && cpu_has_avx2_fma(); }

bool cpu_use_avx512() { return g_isa_cap.load(std::memory_order_relaxed) >= C4J_ISA_AVX512 && cpu_has_avx512(); }

int cpu_effective_isa() {
    if (cpu_use_avx512()) return C4J_ISA_AVX512;
    if (cpu_use_avx2_fma()) return C4J_ISA_AVX2;
    return C4J_ISA_SCALAR;
}

const PoolRowKernels &pool_rows() {
    if (cpu_use_avx2_fma()) return pool_rows_avx2();
    return pool_rows_scalar();
}

SmallGemmFn small_gemm() {
    if (cpu_use_avx2_fma()) return small_gemm_avx2;
    return small_gemm_scalar;
}

SmallGemmNtFn small_gemm_nt() {
    if (cpu_use_avx2_fma()) return small_gemm_nt_avx2;
    return small_gemm_nt_scalar;
}

}  // namespace c4j

extern "C" int c4j_cpu_api_version(void) { return 6; }

extern "C" int c4j_cpu_features(void) {
    return (c4j::cpu_use_avx2_fma() ? C4J_CPU_AVX2_FMA : 0) | (c4j::cpu_use_avx512() ? C4J_CPU_AVX512 : 0);
}

extern "C" void c4j_cpu_force_scalar(int force) { c4j_cpu_set_isa(force != 0 ? C4J_ISA_SCALAR : C4J_ISA_AUTO); }

extern "C" int c4j_cpu_set_isa(int cap) {
    if (cap == C4J_ISA_AUTO) cap = C4J_ISA_AVX512;
    if (cap != C4J_ISA_SCALAR && cap != C4J_ISA_AVX2 && cap != C4J_ISA_AVX512) return C4J_ERR_BAD_DESCRIPTOR;
    c4j::g_isa_cap.store(cap);
    return C4J_OK;
}

extern "C" int c4j_cpu_isa(void) { return c4j::cpu_effective_isa(); }
