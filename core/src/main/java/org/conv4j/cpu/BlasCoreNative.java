package org.conv4j.cpu;

import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code native/include/conv4j/conv4j_blas_core.h}: sets {@code OPENBLAS_CORETYPE}
 * before OpenBLAS is loaded, when {@code -Dconv4j.cpu.openblasCore} asks for a core. Its library does not link OpenBLAS, so loading it does not load OpenBLAS;
 * {@link CpuBackend} loads it first, then {@link CpuNative}.
 */
@Platform(include = "conv4j/conv4j_blas_core.h", link = "conv4j_blas_core")
final class BlasCoreNative {
    private BlasCoreNative() {
    }

    /** See {@code c4j_blas_core_request}: sets OPENBLAS_CORETYPE to {@code name}, replacing any value. */
    static native int c4j_blas_core_request(String name);
}
