// OPENBLAS_CORETYPE chosen from CPUID before OpenBLAS loads (see conv4j_blas_core.h). Built into its own
// library, libconv4j_blas_core, which must never link OpenBLAS.
#include "conv4j/conv4j_blas_core.h"

#include <cstdlib>

#include "cpu_probe.h"

namespace {

bool valid_name(const char *s) {
    if (*s == '\0') return false;
    for (; *s; ++s) {
        const char c = *s;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    }
    return true;
}

bool set_env(const char *value) {
#if defined(_WIN32)
    return _putenv_s("OPENBLAS_CORETYPE", value) == 0;
#else
    return setenv("OPENBLAS_CORETYPE", value, 0) == 0;  // 0: never overwrite a value set meanwhile
#endif
}

}  // namespace

extern "C" int c4j_blas_core_prepare(const char *requested) {
    const char *current = std::getenv("OPENBLAS_CORETYPE");
    if (current != nullptr && *current != '\0') return C4J_BLAS_CORE_ENV_KEPT;
    const char *name = requested;
    if (name == nullptr || *name == '\0') {
        if (!c4j::cpuid_is_amd() || !c4j::cpuid_avx512()) return C4J_BLAS_CORE_NO_CHOICE;
        name = "SKYLAKEX";
    }
    if (!valid_name(name)) return C4J_BLAS_CORE_FAILED;
    return set_env(name) ? C4J_BLAS_CORE_SET : C4J_BLAS_CORE_FAILED;
}
