/*
 * conv4j: choice of OpenBLAS's kernel family ("core"), made before OpenBLAS is loaded.
 *
 * OpenBLAS's DYNAMIC_ARCH build (the org.bytedeco:openblas presets) picks its kernels once, when the
 * library is loaded, from CPUID or from the environment variable OPENBLAS_CORETYPE. OpenBLAS 0.3.31
 * does not know AMD Zen 5 and falls back to its AVX2 Haswell kernels there, which halves sgemm
 * (measured ~100 vs ~185 GFLOP/s on one core). This function lives in its own small library that does
 * not link OpenBLAS, so the cpu backend can call it before loading the library that does.
 *
 * Setting the variable has an effect only if OpenBLAS is not yet loaded in the process; the caller
 * checks the outcome with c4j_cpu_blas_core_name() afterwards.
 */
#ifndef CONV4J_BLAS_CORE_H
#define CONV4J_BLAS_CORE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Results of c4j_blas_core_prepare. */
#define C4J_BLAS_CORE_ENV_KEPT 0  /* OPENBLAS_CORETYPE was already set by the user: left alone */
#define C4J_BLAS_CORE_SET 1       /* OPENBLAS_CORETYPE set to the requested or the chosen name */
#define C4J_BLAS_CORE_NO_CHOICE 2 /* auto: OpenBLAS's own detection is kept (not an AMD CPU with AVX-512) */
#define C4J_BLAS_CORE_FAILED (-1) /* the environment could not be changed, or the name is not [A-Za-z0-9]+ */

/*
 * requested NULL or "": automatic choice, which sets SKYLAKEX on AMD processors whose CPU and OS support
 * AVX-512 F/CD/BW/DQ/VL (OpenBLAS picks the same kernels for the Zen 4 it knows). Any other value is
 * set as given (a core name OpenBLAS knows, e.g. HASWELL). In both cases a value the user already put in
 * OPENBLAS_CORETYPE wins.
 */
int c4j_blas_core_prepare(const char *requested);

#ifdef __cplusplus
}
#endif

#endif /* CONV4J_BLAS_CORE_H */
