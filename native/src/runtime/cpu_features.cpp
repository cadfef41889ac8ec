// Runtime CPU feature choice (see cpu_probe.h) and the switch that forces the portable kernels in tests.
#include <atomic>

#include "conv4j/conv4j_cpu.h"
#include "runtime/cpu_features.h"
#include "runtime/cpu_probe.h"
#include "gemm/gemm_small.h"
#include "pool/pool_rows.h"

namespace c4j {
namespace {

std::atomic<int> g_force_scalar{0};

}  // namespace

bool cpu_has_avx2_fma() {
    static const bool has = cpuid_avx2_fma();
    return has;
}

bool cpu_has_avx512() {
    static const bool has = cpuid_avx512();
    return has;
}

bool cpu_scalar_forced() { return g_force_scalar.load(std::memory_order_relaxed) != 0; }

bool cpu_use_avx2_fma() { return !cpu_scalar_forced() && cpu_has_avx2_fma(); }

bool cpu_use_avx512() { return !cpu_scalar_forced() && cpu_has_avx512(); }

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

extern "C" int c4j_cpu_api_version(void) { return 4; }

extern "C" int c4j_cpu_features(void) {
    return (c4j::cpu_use_avx2_fma() ? C4J_CPU_AVX2_FMA : 0) | (c4j::cpu_use_avx512() ? C4J_CPU_AVX512 : 0);
}

extern "C" void c4j_cpu_force_scalar(int force) { c4j::g_force_scalar.store(force != 0 ? 1 : 0); }
