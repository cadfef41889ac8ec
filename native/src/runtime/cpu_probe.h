// What the processor and the operating system support, asked with CPUID and XGETBV (no compiler
// builtins: GCC's __builtin_cpu_supports needs libgcc's __cpu_model, which the OpenBLAS link line leaves
// undefined at load time here). Used by the cpu kernels' dispatch (cpu_features.cpp).
#pragma once

namespace c4j {

// AVX2 and FMA, with the OS saving YMM state.
bool cpuid_avx2_fma();

// AVX-512 F, CD, BW, DQ and VL (the Skylake-X set OpenBLAS's SKYLAKEX kernels use) plus AVX2/FMA, with
// the OS saving opmask and ZMM state.
bool cpuid_avx512();

}  // namespace c4j
