// Which optional kernels the cpu backend may use (CPUID results, cached, and the test switch that forces
// the portable scalar kernels). Kernel families pick their implementation through these.
#pragma once

namespace c4j {

// True when the CPU and OS support AVX2+FMA (cached CPUID; ignores the scalar switch).
bool cpu_has_avx2_fma();

// True when the CPU and OS support AVX-512 F/CD/BW/DQ/VL (cached CPUID; ignores the scalar switch).
bool cpu_has_avx512();

// True on aarch64 (Advanced SIMD is part of the architecture): the NEON kernels are built there only.
bool cpu_has_neon();

// True while the ISA cap (c4j_cpu_set_isa, c4j_cpu_force_scalar(1)) is C4J_ISA_SCALAR: every family must
// use its portable kernels.
bool cpu_scalar_forced();

// What a kernel family may use now: the CPU supports it and the ISA cap allows it. Every cpu kernel and the
// implementation lists (conv/conv_impl_list.cpp) ask these, so one cap governs them all.
bool cpu_use_avx2_fma();
bool cpu_use_avx512();
bool cpu_use_neon();

// The widest ISA in use now (C4J_ISA_*): the cap, lowered to what the CPU supports.
int cpu_effective_isa();

}  // namespace c4j
