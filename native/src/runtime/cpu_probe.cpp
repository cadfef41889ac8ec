#include "runtime/cpu_probe.h"

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

#ifdef C4J_X86_64
namespace {

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

// Leaf 7 EBX, or 0 when leaf 7 is missing or the OS does not save the AVX state.
unsigned leaf7_ebx_with_avx_state(unsigned long long xcr0_mask) {
    unsigned r[4];
    cpuid(0, 0, r);
    if (r[0] < 7) return 0;
    cpuid(1, 0, r);
    const unsigned ecx = r[2];
    const bool fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (!fma || !osxsave || !avx) return 0;
    if ((xgetbv0() & xcr0_mask) != xcr0_mask) return 0;
    cpuid(7, 0, r);
    return r[1];
}

}  // namespace

bool cpuid_avx2_fma() {
    return (leaf7_ebx_with_avx_state(0x6) >> 5) & 1;  // XMM|YMM state; EBX bit 5: AVX2
}

bool cpuid_avx512() {
    // XCR0 bits 1,2 (XMM, YMM) and 5,6,7 (opmask, ZMM0-15 upper halves, ZMM16-31)
    const unsigned ebx = leaf7_ebx_with_avx_state(0xE6);
    const unsigned need = (1u << 5)     // AVX2
                          | (1u << 16)  // AVX512F
                          | (1u << 17)  // AVX512DQ
                          | (1u << 28)  // AVX512CD
                          | (1u << 30)  // AVX512BW
                          | (1u << 31); // AVX512VL
    return (ebx & need) == need;
}

#else
bool cpuid_avx2_fma() { return false; }
bool cpuid_avx512() { return false; }
#endif

}  // namespace c4j
