// Test builds only (CONV4J_EMULATE_AVX512, ci/avx512-emulated.sh): the AVX-512 kernel files compiled against SIMDe's
// portable implementations of the AVX-512 intrinsics, so that their bodies run, and are checked by the native
// tests, on a machine without AVX-512. Never part of a shipped library: the emulation is far slower than AVX2.
#pragma once
#include <immintrin.h>  // the real declarations first: SIMDe's native aliases are macros over the names
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

#include <cstdint>
#include <cstring>

// The few intrinsics the kernels use that this SIMDe version does not alias, written lane by lane. Masked loads
// and gathers read only the lanes their mask selects, as the hardware does (the kernels rely on it at row ends).
namespace c4j_emu {
struct F16 { float v[16]; };
inline F16 unpack(simde__m512 a) { F16 f; simde_mm512_storeu_ps(f.v, a); return f; }
inline simde__m512 pack(const F16 &f) { return simde_mm512_loadu_ps(f.v); }

inline void mask_storeu_ps(void *p, simde__mmask16 k, simde__m512 a) {
    const F16 f = unpack(a);
    for (int i = 0; i < 16; ++i)
        if ((k >> i) & 1) std::memcpy(static_cast<char *>(p) + 4 * i, &f.v[i], 4);
}
inline simde__m512 maskz_loadu_ps(simde__mmask16 k, const void *p) {
    F16 f{};
    for (int i = 0; i < 16; ++i)
        if ((k >> i) & 1) std::memcpy(&f.v[i], static_cast<const char *>(p) + 4 * i, 4);
    return pack(f);
}
inline simde__m512 mask_loadu_ps(simde__m512 src, simde__mmask16 k, const void *p) {
    F16 f = unpack(src);
    for (int i = 0; i < 16; ++i)
        if ((k >> i) & 1) std::memcpy(&f.v[i], static_cast<const char *>(p) + 4 * i, 4);
    return pack(f);
}
inline simde__m512 mask_shuffle_f32x4(simde__m512 src, simde__mmask16 k, simde__m512 a, simde__m512 b, int imm) {
    const F16 s = unpack(src), x = unpack(a), y = unpack(b);
    F16 r;
    for (int lane = 0; lane < 4; ++lane) {
        const F16 &from = lane < 2 ? x : y;
        const int sel = (imm >> (2 * lane)) & 3;
        for (int j = 0; j < 4; ++j) r.v[4 * lane + j] = from.v[4 * sel + j];
    }
    for (int i = 0; i < 16; ++i)
        if (!((k >> i) & 1)) r.v[i] = s.v[i];
    return pack(r);
}
inline simde__m512 mask_i32gather_ps(simde__m512 src, simde__mmask16 k, simde__m512i idx, const void *base, int scale) {
    F16 r = unpack(src);
    int32_t ix[16];
    simde_mm512_storeu_si512(ix, idx);
    for (int i = 0; i < 16; ++i)
        if ((k >> i) & 1)
            std::memcpy(&r.v[i], static_cast<const char *>(base) + static_cast<int64_t>(ix[i]) * scale, 4);
    return pack(r);
}
inline simde__m256 extractf32x8_ps(simde__m512 a, int imm) {
    const F16 f = unpack(a);
    return simde_mm256_loadu_ps(f.v + 8 * (imm & 1));
}
inline simde__m512 mask3_fmadd_ps(simde__m512 a, simde__m512 b, simde__m512 c, simde__mmask16 k) {
    const F16 z = unpack(c), f = unpack(simde_mm512_fmadd_ps(a, b, c));
    F16 r;
    for (int i = 0; i < 16; ++i) r.v[i] = ((k >> i) & 1) ? f.v[i] : z.v[i];
    return pack(r);
}
inline simde__m512i alignr_epi32(simde__m512i a, simde__m512i b, int imm) {
    int32_t hi[16], lo[16], r[16];
    simde_mm512_storeu_si512(hi, a);
    simde_mm512_storeu_si512(lo, b);
    const int s = imm & 15;
    for (int i = 0; i < 16; ++i) r[i] = i + s < 16 ? lo[i + s] : hi[i + s - 16];
    return simde_mm512_loadu_si512(r);
}
inline void mask_storeu_epi32(void *p, simde__mmask16 k, simde__m512i a) {
    int32_t v[16];
    simde_mm512_storeu_si512(v, a);
    for (int i = 0; i < 16; ++i)
        if ((k >> i) & 1) std::memcpy(static_cast<char *>(p) + 4 * i, &v[i], 4);
}
// GCC's order (avx512fintrin.h): halves, quarters, then pairs.
inline float reduce_add_ps(simde__m512 a) {
    const F16 f = unpack(a);
    float t3[8], t6[4];
    for (int i = 0; i < 8; ++i) t3[i] = f.v[i + 8] + f.v[i];
    for (int i = 0; i < 4; ++i) t6[i] = t3[i + 4] + t3[i];
    const float t80 = t6[0] + t6[2], t81 = t6[1] + t6[3];
    return t80 + t81;
}
}  // namespace c4j_emu

#define _mm512_mask_storeu_ps(p, k, a) c4j_emu::mask_storeu_ps((p), (k), (a))
#define _mm512_maskz_loadu_ps(k, p) c4j_emu::maskz_loadu_ps((k), (p))
#define _mm512_mask_loadu_ps(s, k, p) c4j_emu::mask_loadu_ps((s), (k), (p))
#define _mm512_stream_ps(p, a) simde_mm512_storeu_ps((p), (a))
#define _mm512_mask_shuffle_f32x4(s, k, a, b, imm) c4j_emu::mask_shuffle_f32x4((s), (k), (a), (b), (imm))
#define _mm512_mask_cmp_ps_mask(k, a, b, imm) static_cast<simde__mmask16>((k) & simde_mm512_cmp_ps_mask((a), (b), (imm)))
#define _mm512_kor(a, b) static_cast<simde__mmask16>((a) | (b))
#define _mm512_mask_i32gather_ps(s, k, idx, base, scale) c4j_emu::mask_i32gather_ps((s), (k), (idx), (base), (scale))
#define _mm512_extractf32x8_ps(a, imm) c4j_emu::extractf32x8_ps((a), (imm))
#define _mm512_mask3_fmadd_ps(a, b, c, k) c4j_emu::mask3_fmadd_ps((a), (b), (c), (k))
#define _mm512_alignr_epi32(a, b, imm) c4j_emu::alignr_epi32((a), (b), (imm))
#define _mm512_mask_storeu_epi32(p, k, a) c4j_emu::mask_storeu_epi32((p), (k), (a))
#define _mm512_reduce_add_ps(a) c4j_emu::reduce_add_ps((a))
// SIMDe maps these mask operations onto _mm512_kandn / _mm512_knot / _mm512_kor, which it does not emulate
#undef _kandn_mask16
#undef _knot_mask16
#undef _kor_mask16
#define _kandn_mask16(a, b) static_cast<simde__mmask16>(~(a) & (b))
#define _knot_mask16(a) static_cast<simde__mmask16>(~(a))
#define _kor_mask16(a, b) static_cast<simde__mmask16>((a) | (b))
#define _mm512_mask_cmplt_epi32_mask(k, a, b) static_cast<simde__mmask16>((k) & simde_mm512_cmpgt_epi32_mask((b), (a)))

// after SIMDe (which would otherwise take these for native support): the kernel files compile their bodies
#ifndef __AVX512F__
#define __AVX512F__ 1
#define __AVX512CD__ 1
#define __AVX512BW__ 1
#define __AVX512DQ__ 1
#define __AVX512VL__ 1
#endif
