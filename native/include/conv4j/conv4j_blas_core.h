/*
 * conv4j: a requested OpenBLAS kernel family ("core"), set before OpenBLAS is loaded.
 *
 * OpenBLAS's DYNAMIC_ARCH build (the org.bytedeco:openblas presets) picks its kernels once, when the
 * library is loaded: from the environment variable OPENBLAS_CORETYPE if set, from CPUID otherwise.
 * Machine images often set OPENBLAS_CORETYPE process-wide as a workaround for virtual CPUs (this project's
 * build machines set Haswell, which halves sgemm on their AVX-512 processor: measured ~100 against
 * ~200 GFLOP/s on one core with OpenBLAS's own choice, Cooperlake). This function lets conv4j ask for a
 * core of its own (-Dconv4j.cpu.openblasCore=NAME). It lives in a small library that does not link
 * OpenBLAS, so the cpu backend can call it before loading the library that does.
 *
 * Setting the variable has an effect only if OpenBLAS is not yet loaded in the process; the caller
 * checks the outcome with c4j_cpu_blas_core_name() afterwards.
 */
#ifndef CONV4J_BLAS_CORE_H
#define CONV4J_BLAS_CORE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Results of c4j_blas_core_request. */
#define C4J_BLAS_CORE_SET 1       /* OPENBLAS_CORETYPE set to the requested name (replacing any value) */
#define C4J_BLAS_CORE_FAILED (-1) /* the name is not [A-Za-z0-9]+ (nothing changed), or setting failed */

/* Sets OPENBLAS_CORETYPE to name (an OpenBLAS core name, e.g. SKYLAKEX, HASWELL), replacing any value. */
int c4j_blas_core_request(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* CONV4J_BLAS_CORE_H */
