// AVX-512 tile transforms of Winograd F(2x2, 3x3) (conv_winograd.h): 16 tiles per vector, one lane per
// tile. Tiles are numbered row by row, so a vector's 16 tiles are a few runs ("segments") along tile rows;
// each segment's 4x4 input patches come from 4 masked row loads de-interleaved by permutes, and masks
// zero every element outside the image, which is how padding, negative offsets and partial tiles are
// handled without branches per element. Compiled with AVX-512 flags (conv4j_avx512_source) and called
// only after cpu_has_avx512().
#include "conv/conv_winograd.h"

#include <algorithm>
#include <cstdint>

#if defined(__AVX512F__)
#include <immintrin.h>

#include "isa/avx512_util.h"
#endif

namespace c4j {

#if defined(__AVX512F__)
namespace {

struct Segment {
    int lane0, len;  // lanes [lane0, lane0 + len)
    int64_t img;
    int ti, tj;      // tile of lane lane0
};

int segments(const WinoProblem &p, int64_t t, int lanes, Segment *s) {
    const int64_t per_img = static_cast<int64_t>(p.th) * p.tw;
    int n = 0;
    for (int lane = 0; lane < lanes;) {
        int64_t rem = t % per_img;
        Segment g;
        g.lane0 = lane;
        g.img = t / per_img;
        g.ti = static_cast<int>(rem / p.tw);
        g.tj = static_cast<int>(rem % p.tw);
        g.len = std::min(p.tw - g.tj, lanes - lane);
        s[n++] = g;
        lane += g.len;
        t += g.len;
    }
    return n;
}

// base + off floats, computed on integers: off may point before the row (only masked-off lanes go there).
inline const float *shifted(const float *base, int64_t off) {
    return reinterpret_cast<const float *>(reinterpret_cast<uintptr_t>(base) + static_cast<uintptr_t>(off * 4));
}
inline float *shifted(float *base, int64_t off) {
    return reinterpret_cast<float *>(reinterpret_cast<uintptr_t>(base) + static_cast<uintptr_t>(off * 4));
}

// Filters c < count at src + c * fstride: one masked 9-float load each (rows of a 16 x 16 matrix whose
// columns 9-15 are zero), then a 16 x 16 transpose: r[t] holds tap t of the 16 filters. Forward (stride 9)
// and backward data (stride cout * 9, no gathering copy) alike; then G f G^T on whole vectors. The earlier
// 45 two-source permutes per 16 contiguous filters took 14.6% of s8 forward's samples (C++ harness).
void filters_avx512(const float *src, int64_t fstride, int count, bool flip, float *u, int64_t kstride) {
    __m512 r[16];
    for (int c = 0; c < 16; ++c)
        r[c] = c < count ? _mm512_maskz_loadu_ps(__mmask16(0x1FF), src + c * fstride) : _mm512_setzero_ps();
    transpose16(r);
    __m512 g[3][3];
    for (int t = 0; t < 9; ++t) {
        int tap = flip ? 8 - t : t;
        g[tap / 3][tap % 3] = r[t];
    }
    const __m512 half = _mm512_set1_ps(0.5f);
    __m512 h[4][3];  // G f
    for (int b = 0; b < 3; ++b) {
        h[0][b] = g[0][b];
        h[1][b] = _mm512_mul_ps(half, _mm512_add_ps(_mm512_add_ps(g[0][b], g[1][b]), g[2][b]));
        h[2][b] = _mm512_mul_ps(half, _mm512_add_ps(_mm512_sub_ps(g[0][b], g[1][b]), g[2][b]));
        h[3][b] = g[2][b];
    }
    const __mmask16 store = range_mask(0, count);
    for (int a = 0; a < 4; ++a) {  // (G f) G^T
        _mm512_mask_storeu_ps(u + (4 * a + 0) * kstride, store, h[a][0]);
        _mm512_mask_storeu_ps(u + (4 * a + 1) * kstride, store,
                              _mm512_mul_ps(half, _mm512_add_ps(_mm512_add_ps(h[a][0], h[a][1]), h[a][2])));
        _mm512_mask_storeu_ps(u + (4 * a + 2) * kstride, store,
                              _mm512_mul_ps(half, _mm512_add_ps(_mm512_sub_ps(h[a][0], h[a][1]), h[a][2])));
        _mm512_mask_storeu_ps(u + (4 * a + 3) * kstride, store, h[a][2]);
    }
}

// Accumulators are named variables: GCC keeps an array of vectors on the stack and stores it every step.
#define C4J_ROW(r)                                                                           \
    __m512 c##r##a = Acc && (r) < R ? _mm512_maskz_loadu_ps(m0, m + (r) * ldm) : _mm512_setzero_ps(), \
           c##r##b = Acc && (r) < R ? _mm512_maskz_loadu_ps(m1, m + (r) * ldm + 16) : _mm512_setzero_ps()
#define C4J_FMA(r)                                          \
    {                                                       \
        const __m512 a = _mm512_set1_ps(ui[(r) * so]);      \
        c##r##a = _mm512_fmadd_ps(a, b0, c##r##a);          \
        c##r##b = _mm512_fmadd_ps(a, b1, c##r##b);          \
    }
#define C4J_STORE(r)                                        \
    _mm512_mask_storeu_ps(m + (r) * ldm, m0, c##r##a);      \
    _mm512_mask_storeu_ps(m + (r) * ldm + 16, m1, c##r##b)

// R (8, 4 or 1) output channels x 32 tiles: m[r][j] = sum_i u[r * so + i * si] * v[i * ldv + j] (Acc: +=,
// starting from m's value).
template <int R, bool Acc>
void gemm_block(const float *u, int64_t so, int64_t si, const float *v, int64_t ldv, int cin, float *m,
                int64_t ldm, __mmask16 m0, __mmask16 m1) {
    C4J_ROW(0); C4J_ROW(1); C4J_ROW(2); C4J_ROW(3); C4J_ROW(4); C4J_ROW(5); C4J_ROW(6); C4J_ROW(7);
    for (int i = 0; i < cin; ++i) {
        const float *vi = v + i * ldv;
        const __m512 b0 = _mm512_maskz_loadu_ps(m0, vi);
        const __m512 b1 = _mm512_maskz_loadu_ps(m1, vi + 16);
        const float *ui = u + i * si;
        C4J_FMA(0);
        if (R >= 4) { C4J_FMA(1); C4J_FMA(2); C4J_FMA(3); }
        if (R >= 8) { C4J_FMA(4); C4J_FMA(5); C4J_FMA(6); C4J_FMA(7); }
    }
    C4J_STORE(0);
    if (R >= 4) { C4J_STORE(1); C4J_STORE(2); C4J_STORE(3); }
    if (R >= 8) { C4J_STORE(4); C4J_STORE(5); C4J_STORE(6); C4J_STORE(7); }
}

#undef C4J_ROW
#undef C4J_FMA
#undef C4J_STORE

// The 16 products' GEMMs without OpenBLAS's packing (U and V are already laid out for streaming): blocks of
// 8 output channels x 32 tiles in 16 accumulators; an output channel block's U rows stay in L1 while the
// tile blocks stream V[k] from L2.
template <bool Acc>
void gemm_avx512(int on, int nt, int cin, const float *u, int64_t so, int64_t si, const float *v, int64_t ldv,
                 float *m, int64_t ldm) {
    for (int o0 = 0; o0 < on;) {
        const int r = on - o0 >= 8 ? 8 : on - o0 >= 4 ? 4 : 1;
        const float *ub = u + o0 * so;
        float *mb = m + o0 * ldm;
        for (int j0 = 0; j0 < nt; j0 += 32) {
            const __mmask16 m0 = range_mask(0, nt - j0), m1 = range_mask(0, nt - j0 - 16);
            if (r == 8)
                gemm_block<8, Acc>(ub, so, si, v + j0, ldv, cin, mb + j0, ldm, m0, m1);
            else if (r == 4)
                gemm_block<4, Acc>(ub, so, si, v + j0, ldv, cin, mb + j0, ldm, m0, m1);
            else
                gemm_block<1, Acc>(ub, so, si, v + j0, ldv, cin, mb + j0, ldm, m0, m1);
        }
        o0 += r;
    }
}

// A h A^T of each 2x2 dy tile, 16 channels per vector. Per run of tiles along a tile row, 16 cells of its
// two dy rows are loaded for 16 channels (whole cache lines) and transposed so that a vector holds one
// cell of 16 channels (gathers across the channel planes measured several times slower).
void grad_tiles_avx512(const WinoProblem &p, const float *dy, int64_t t0, int nt, int on, float *u, int64_t kstride,
                       int64_t ldu) {
    const int64_t per_img = static_cast<int64_t>(p.th) * p.tw;
    const int64_t plane = static_cast<int64_t>(p.hout) * p.wout;
    alignas(64) float cells[2][16][16];  // [dy row][cell][channel]
    for (int j = 0; j < nt;) {
        const int64_t t = t0 + j;
        const int64_t img = t / per_img;
        const int ti = static_cast<int>((t % per_img) / p.tw), tj = static_cast<int>(t % p.tw);
        const int len = std::min(p.tw - tj, nt - j);  // tiles of this run
        for (int q0 = 0; q0 < len; q0 += 8) {         // 8 tiles = 16 cells at a time
            const int tiles = std::min(8, len - q0);
            const int64_t col = 2 * (static_cast<int64_t>(tj) + q0);
            const __mmask16 cols = range_mask(0, p.wout - col);
            for (int o = 0; o < on; o += 16) {
                const int nch = std::min(16, on - o);
                for (int a = 0; a < 2; ++a) {
                    const int row = 2 * ti + a;
                    __m512 r[16];
                    for (int c = 0; c < 16; ++c)
                        r[c] = c < nch && row < p.hout
                                   ? _mm512_maskz_loadu_ps(cols, dy + img * p.out_img + (o + c) * plane +
                                                                     static_cast<int64_t>(row) * p.wout + col)
                                   : _mm512_setzero_ps();
                    transpose16(r);
                    for (int c = 0; c < 16; ++c) _mm512_store_ps(cells[a][c], r[c]);
                }
                const __mmask16 ch = range_mask(0, nch);
                const __m512 z = _mm512_setzero_ps();
                for (int q = 0; q < tiles; ++q) {
                    const __m512 h00 = _mm512_load_ps(cells[0][2 * q]), h01 = _mm512_load_ps(cells[0][2 * q + 1]);
                    const __m512 h10 = _mm512_load_ps(cells[1][2 * q]), h11 = _mm512_load_ps(cells[1][2 * q + 1]);
                    const __m512 s[4][2] = {{h00, h01},
                                            {_mm512_add_ps(h00, h10), _mm512_add_ps(h01, h11)},
                                            {_mm512_sub_ps(h00, h10), _mm512_sub_ps(h01, h11)},
                                            {_mm512_sub_ps(z, h10), _mm512_sub_ps(z, h11)}};
                    float *dst = u + static_cast<int64_t>(j + q0 + q) * ldu + o;
                    for (int a = 0; a < 4; ++a) {
                        _mm512_mask_storeu_ps(dst + (4 * a + 0) * kstride, ch, s[a][0]);
                        _mm512_mask_storeu_ps(dst + (4 * a + 1) * kstride, ch, _mm512_add_ps(s[a][0], s[a][1]));
                        _mm512_mask_storeu_ps(dst + (4 * a + 2) * kstride, ch, _mm512_sub_ps(s[a][0], s[a][1]));
                        _mm512_mask_storeu_ps(dst + (4 * a + 3) * kstride, ch, _mm512_sub_ps(z, s[a][1]));
                    }
                }
            }
        }
        j += len;
    }
}

// G^T M G for 16 filters (output channels) per vector, the 9 taps of each input channel staged as rows
// of 16 output channels and transposed 16 rows at a time into dw's [o][i][tap] rows.
void grad_filters_avx512(const float *m, int64_t kstride, int64_t ldm, int in, int on, float *dw, int64_t kg) {
    const __m512 half = _mm512_set1_ps(0.5f);
    constexpr int kRows = 16 * 9;  // 16 input channels' taps, a whole number of 16-row transposes
    alignas(64) float stage[kRows][16] = {};
    for (int o = 0; o < on; o += 16) {
        const __mmask16 ch = range_mask(0, on - o);
        const int nch = std::min(16, on - o);
        for (int i0 = 0; i0 < in; i0 += 16) {
            const int ni = std::min(16, in - i0);
            for (int i = 0; i < ni; ++i) {
                __m512 mm[4][4];
                for (int k = 0; k < 16; ++k)
                    mm[k / 4][k % 4] = _mm512_maskz_loadu_ps(ch, m + k * kstride + (i0 + i) * ldm + o);
                __m512 r[3][4];  // G^T M
                for (int b = 0; b < 4; ++b) {
                    const __m512 sum = _mm512_mul_ps(half, _mm512_add_ps(mm[1][b], mm[2][b]));
                    r[0][b] = _mm512_add_ps(mm[0][b], sum);
                    r[1][b] = _mm512_mul_ps(half, _mm512_sub_ps(mm[1][b], mm[2][b]));
                    r[2][b] = _mm512_add_ps(sum, mm[3][b]);
                }
                for (int a = 0; a < 3; ++a) {  // (G^T M) G
                    const __m512 sum = _mm512_mul_ps(half, _mm512_add_ps(r[a][1], r[a][2]));
                    _mm512_store_ps(stage[9 * i + 3 * a + 0], _mm512_add_ps(r[a][0], sum));
                    _mm512_store_ps(stage[9 * i + 3 * a + 1], _mm512_mul_ps(half, _mm512_sub_ps(r[a][1], r[a][2])));
                    _mm512_store_ps(stage[9 * i + 3 * a + 2], _mm512_add_ps(sum, r[a][3]));
                }
            }
            const int rows = 9 * ni;
            for (int r0 = 0; r0 < rows; r0 += 16) {
                __m512 t[16];
                for (int q = 0; q < 16; ++q) t[q] = _mm512_load_ps(stage[r0 + q]);  // rows past `rows`: unused
                transpose16(t);
                const __mmask16 keep = range_mask(0, rows - r0);
                for (int q = 0; q < nch; ++q)
                    _mm512_mask_storeu_ps(dw + (o + q) * kg + 9 * i0 + r0, keep, t[q]);
            }
        }
    }
}

// Per vector of 16 tiles and segment: element e of a row run is column c0 + e; lane j reads elements
// 2j .. 2j + 3.
struct InputRun {
    __mmask16 lanes, m0, m16, m2, m18;
    int64_t base;  // offset of the image's channel 0, row 0
    int r0;
    int64_t c0;
};

// Vectors of tiles per chunk: the runs of a chunk are worked out once, then each channel streams its rows
// through all of the chunk's vectors (channel-outer: a few row streams at a time, which the hardware
// prefetcher follows; tile-outer touched every channel's rows at once and waited on memory).
constexpr int kInputChunk = 8;

void input_avx512(const WinoProblem &p, int64_t t0, int nt, float *v, int64_t ldv) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const int64_t plane = static_cast<int64_t>(p.hin) * p.win;
    const int64_t kstride = static_cast<int64_t>(p.cin) * ldv;
    InputRun run[kInputChunk][16];
    int nseg[kInputChunk];
    for (int c0 = 0; c0 < nt; c0 += 16 * kInputChunk) {
        const int nvec = std::min(kInputChunk, (nt - c0 + 15) / 16);
        for (int q = 0; q < nvec; ++q) {
            const int j0 = c0 + 16 * q;
            Segment seg[16];
            nseg[q] = segments(p, t0 + j0, std::min(16, nt - j0), seg);
            for (int s = 0; s < nseg[q]; ++s) {
                const Segment &g = seg[s];
                InputRun &r = run[q][s];
                r.lanes = range_mask(g.lane0, g.lane0 + g.len);
                r.base = g.img * p.in_img;
                r.r0 = 2 * g.ti - p.offh;
                r.c0 = 2 * (static_cast<int64_t>(g.tj) - g.lane0) - p.offw;
                int64_t lo = std::max<int64_t>(2 * g.lane0, -r.c0);
                int64_t hi = std::min<int64_t>(2 * (g.lane0 + g.len) + 2, p.win - r.c0);
                r.m0 = range_mask(lo, hi);
                r.m16 = range_mask(lo - 16, hi - 16);
                r.m2 = range_mask(lo - 2, hi - 2);
                r.m18 = range_mask(lo - 18, hi - 18);
            }
        }
        for (int i = 0; i < p.cin; ++i) {
            for (int q = 0; q < nvec; ++q) {
                const int j0 = c0 + 16 * q;
                const __mmask16 store = range_mask(0, nt - j0);
                __m512 d[4][4];
                for (int a = 0; a < 4; ++a)
                    for (int b = 0; b < 4; ++b) d[a][b] = _mm512_setzero_ps();
                for (int s = 0; s < nseg[q]; ++s) {
                    const InputRun &r = run[q][s];
                    const float *chan = p.in + r.base + i * plane;
                    for (int a = 0; a < 4; ++a) {
                        int row = r.r0 + a;
                        if (row < 0 || row >= p.hin) continue;
                        const float *rp = chan + static_cast<int64_t>(row) * p.win;
                        __m512 l0 = _mm512_maskz_loadu_ps(r.m0, shifted(rp, r.c0));
                        __m512 l16 = _mm512_maskz_loadu_ps(r.m16, shifted(rp, r.c0 + 16));
                        __m512 l2 = _mm512_maskz_loadu_ps(r.m2, shifted(rp, r.c0 + 2));
                        __m512 l18 = _mm512_maskz_loadu_ps(r.m18, shifted(rp, r.c0 + 18));
                        d[a][0] = _mm512_mask_mov_ps(d[a][0], r.lanes, _mm512_permutex2var_ps(l0, even, l16));
                        d[a][1] = _mm512_mask_mov_ps(d[a][1], r.lanes, _mm512_permutex2var_ps(l0, odd, l16));
                        d[a][2] = _mm512_mask_mov_ps(d[a][2], r.lanes, _mm512_permutex2var_ps(l2, even, l18));
                        d[a][3] = _mm512_mask_mov_ps(d[a][3], r.lanes, _mm512_permutex2var_ps(l2, odd, l18));
                    }
                }
                __m512 s[4][4];  // B^T d
                for (int b = 0; b < 4; ++b) {
                    s[0][b] = _mm512_sub_ps(d[0][b], d[2][b]);
                    s[1][b] = _mm512_add_ps(d[1][b], d[2][b]);
                    s[2][b] = _mm512_sub_ps(d[2][b], d[1][b]);
                    s[3][b] = _mm512_sub_ps(d[1][b], d[3][b]);
                }
                float *dst = v + i * ldv + j0;
                for (int a = 0; a < 4; ++a) {  // (B^T d) B
                    _mm512_mask_storeu_ps(dst + (4 * a + 0) * kstride, store, _mm512_sub_ps(s[a][0], s[a][2]));
                    _mm512_mask_storeu_ps(dst + (4 * a + 1) * kstride, store, _mm512_add_ps(s[a][1], s[a][2]));
                    _mm512_mask_storeu_ps(dst + (4 * a + 2) * kstride, store, _mm512_sub_ps(s[a][2], s[a][1]));
                    _mm512_mask_storeu_ps(dst + (4 * a + 3) * kstride, store, _mm512_sub_ps(s[a][1], s[a][3]));
                }
            }
        }
    }
}

void output_avx512(const WinoProblem &p, const float *m, int64_t ldm, int o0, int on, int64_t t0, int nt,
                   const float *bias) {
    const __m512i lo_idx = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi_idx = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const int64_t plane = static_cast<int64_t>(p.hout) * p.wout;
    const int64_t kstride = static_cast<int64_t>(on) * ldm;
    for (int j0 = 0; j0 < nt; j0 += 16) {
        const int lanes = std::min(16, nt - j0);
        Segment seg[16];
        const int ns = segments(p, t0 + j0, lanes, seg);
        // per segment: output element e of a row run is column c0 + e; lane j writes elements 2j, 2j + 1
        struct Run {
            __mmask16 m0, m16;
            int64_t base;
            int r0;
            int64_t c0;
        } run[16];
        for (int s = 0; s < ns; ++s) {
            const Segment &g = seg[s];
            Run &r = run[s];
            r.base = g.img * p.out_img;
            r.r0 = 2 * g.ti;
            r.c0 = 2 * (static_cast<int64_t>(g.tj) - g.lane0);
            int64_t lo = 2 * g.lane0;
            int64_t hi = std::min<int64_t>(2 * (g.lane0 + g.len), p.wout - r.c0);
            r.m0 = range_mask(lo, hi);
            r.m16 = range_mask(lo - 16, hi - 16);
        }
        const __mmask16 load = static_cast<__mmask16>((1u << lanes) - 1u);
        for (int o = 0; o < on; ++o) {
            const float *src = m + o * ldm + j0;
            __m512 mm[4][4];
            for (int k = 0; k < 16; ++k) mm[k / 4][k % 4] = _mm512_maskz_loadu_ps(load, src + k * kstride);
            __m512 s[2][4];  // A^T m
            for (int b = 0; b < 4; ++b) {
                s[0][b] = _mm512_add_ps(_mm512_add_ps(mm[0][b], mm[1][b]), mm[2][b]);
                s[1][b] = _mm512_sub_ps(_mm512_sub_ps(mm[1][b], mm[2][b]), mm[3][b]);
            }
            const __m512 b0 = _mm512_set1_ps(bias != nullptr ? bias[o0 + o] : 0.f);
            __m512 y[2][2];
            for (int a = 0; a < 2; ++a) {
                y[a][0] = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s[a][0], s[a][1]), s[a][2]), b0);
                y[a][1] = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s[a][1], s[a][2]), s[a][3]), b0);
            }
            float *chan = p.out + (o0 + o) * plane;
            for (int a = 0; a < 2; ++a) {
                const __m512 lo = _mm512_permutex2var_ps(y[a][0], lo_idx, y[a][1]);
                const __m512 hi = _mm512_permutex2var_ps(y[a][0], hi_idx, y[a][1]);
                for (int sg = 0; sg < ns; ++sg) {
                    const Run &r = run[sg];
                    int row = r.r0 + a;
                    if (row >= p.hout) continue;
                    float *rp = chan + r.base + static_cast<int64_t>(row) * p.wout;
                    _mm512_mask_storeu_ps(shifted(rp, r.c0), r.m0, lo);
                    _mm512_mask_storeu_ps(shifted(rp, r.c0 + 16), r.m16, hi);
                }
            }
        }
    }
}

}  // namespace

const WinoKernels &wino_kernels_avx512() {
    static const WinoKernels k{filters_avx512,      gemm_avx512<false>, gemm_avx512<true>, grad_tiles_avx512,
                               grad_filters_avx512, input_avx512,       output_avx512};
    return k;
}

#else  // not built for AVX-512 (arm64, or a compiler without it): never selected

const WinoKernels &wino_kernels_avx512() {
    static const WinoKernels k{nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
    return k;
}

#endif

}  // namespace c4j
