// c4j_blas_core_prepare: the OPENBLAS_CORETYPE choice made before OpenBLAS loads. Its own executable,
// linked without OpenBLAS, which also proves libconv4j_blas_core does not need it.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "conv4j/conv4j_blas_core.h"
#include "cpu_probe.h"

namespace {

int failures = 0;

void expect(bool ok, const char *what) {
    if (!ok) {
        std::printf("FAIL: %s\n", what);
        ++failures;
    }
}

void set(const char *v) {
#if defined(_WIN32)
    _putenv_s("OPENBLAS_CORETYPE", v ? v : "");
#else
    if (v) setenv("OPENBLAS_CORETYPE", v, 1); else unsetenv("OPENBLAS_CORETYPE");
#endif
}

bool env_is(const char *v) {
    const char *e = std::getenv("OPENBLAS_CORETYPE");
    return e != nullptr && std::strcmp(e, v) == 0;
}

}  // namespace

int main() {
    const bool avx512_amd = c4j::cpuid_is_amd() && c4j::cpuid_avx512();
    std::printf("AMD: %d, AVX-512: %d\n", c4j::cpuid_is_amd(), c4j::cpuid_avx512());

    set(nullptr);
    const int automatic = c4j_blas_core_prepare(nullptr);
    if (avx512_amd) {
        expect(automatic == C4J_BLAS_CORE_SET && env_is("SKYLAKEX"), "auto on AMD with AVX-512 sets SKYLAKEX");
    } else {
        expect(automatic == C4J_BLAS_CORE_NO_CHOICE && std::getenv("OPENBLAS_CORETYPE") == nullptr,
               "auto elsewhere leaves OpenBLAS's own detection");
    }

    set(nullptr);
    expect(c4j_blas_core_prepare("") == automatic, "empty request means auto");

    set(nullptr);
    expect(c4j_blas_core_prepare("HASWELL") == C4J_BLAS_CORE_SET && env_is("HASWELL"), "explicit name is set");

    set("ZEN");
    expect(c4j_blas_core_prepare("HASWELL") == C4J_BLAS_CORE_ENV_KEPT && env_is("ZEN"), "user's variable wins");
    expect(c4j_blas_core_prepare(nullptr) == C4J_BLAS_CORE_ENV_KEPT && env_is("ZEN"), "user's variable wins (auto)");

    set(nullptr);
    expect(c4j_blas_core_prepare("SKYLAKEX; rm") == C4J_BLAS_CORE_FAILED, "names other than [A-Za-z0-9]+ refused");
    expect(std::getenv("OPENBLAS_CORETYPE") == nullptr, "a refused name leaves the environment alone");

    if (failures == 0) std::printf("blas_core: all passed\n");
    return failures == 0 ? 0 : 1;
}
