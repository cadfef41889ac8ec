// c4j_blas_core_request: OPENBLAS_CORETYPE set before OpenBLAS loads. Its own executable, linked
// without OpenBLAS, which also proves libconv4j_blas_core does not need it.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "conv4j/conv4j_blas_core.h"

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

bool env_unset() {
    const char *e = std::getenv("OPENBLAS_CORETYPE");
    return e == nullptr || *e == '\0';
}

}  // namespace

int main() {
    set(nullptr);
    expect(c4j_blas_core_request("SKYLAKEX") == C4J_BLAS_CORE_SET && env_is("SKYLAKEX"), "a name is set");

    set("Haswell");
    expect(c4j_blas_core_request("COOPERLAKE") == C4J_BLAS_CORE_SET && env_is("COOPERLAKE"),
           "a request replaces the environment's value");

    set(nullptr);
    expect(c4j_blas_core_request("SKYLAKEX; rm") == C4J_BLAS_CORE_FAILED && env_unset(),
           "names other than [A-Za-z0-9]+ are refused and change nothing");
    expect(c4j_blas_core_request("") == C4J_BLAS_CORE_FAILED && env_unset(), "an empty name is refused");
    expect(c4j_blas_core_request(nullptr) == C4J_BLAS_CORE_FAILED && env_unset(), "NULL is refused");

    set("ZEN");
    expect(c4j_blas_core_request("bad-name") == C4J_BLAS_CORE_FAILED && env_is("ZEN"),
           "a refused name leaves the user's value alone");

    if (failures == 0) std::printf("blas_core: all passed\n");
    return failures == 0 ? 0 : 1;
}
