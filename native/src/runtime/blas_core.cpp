// OPENBLAS_CORETYPE requested before OpenBLAS loads (see conv4j_blas_core.h). Built into its own
// library, libconv4j_blas_core, which must never link OpenBLAS.
#include "conv4j/conv4j_blas_core.h"

#include <cstdlib>

namespace {

bool valid_name(const char *s) {
    if (s == nullptr || *s == '\0') return false;
    for (; *s; ++s) {
        const char c = *s;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    }
    return true;
}

}  // namespace

extern "C" int c4j_blas_core_request(const char *name) {
    if (!valid_name(name)) return C4J_BLAS_CORE_FAILED;
#if defined(_WIN32)
    return _putenv_s("OPENBLAS_CORETYPE", name) == 0 ? C4J_BLAS_CORE_SET : C4J_BLAS_CORE_FAILED;
#else
    return setenv("OPENBLAS_CORETYPE", name, 1) == 0 ? C4J_BLAS_CORE_SET : C4J_BLAS_CORE_FAILED;
#endif
}
