#!/usr/bin/env bash
# Builds the cpu kernels and their C++ tests with AddressSanitizer + UndefinedBehaviorSanitizer and
# runs them through ctest. Exit status: non-zero on any build error, test failure or sanitizer finding
# (-fno-sanitize-recover=all makes every UBSan report fatal).
#
# Needs: cmake >= 3.18, a C++17 compiler with sanitizers (g++ or clang++), the JDK's `jar` tool (or
# unzip), and the openblas presets jar in the local Maven repository (any `mvn` build of conv4j puts it
# there; or set CONV4J_OPENBLAS_ROOT to an extracted org/bytedeco/openblas/<platform>/ folder).
# Usage: ci/sanitizers.sh [build-dir]      (default: target/sanitizers)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/target/sanitizers}"
platform="${CONV4J_PLATFORM:-linux-x86_64}"
openblas_version="${CONV4J_OPENBLAS_VERSION:-0.3.31-1.5.13}"

if [[ -z "${CONV4J_OPENBLAS_ROOT:-}" ]]; then
    repo="${MAVEN_REPO:-$HOME/.m2/repository}"
    jar="$repo/org/bytedeco/openblas/$openblas_version/openblas-$openblas_version-$platform.jar"
    if [[ ! -f "$jar" ]]; then
        echo "sanitizers.sh: $jar not found; run 'mvn -B -q dependency:resolve' once" >&2
        exit 2
    fi
    mkdir -p "$build/openblas"
    if command -v jar >/dev/null 2>&1; then
        (cd "$build/openblas" && jar xf "$jar" "org/bytedeco/openblas/$platform/")
    else
        unzip -oq "$jar" "org/bytedeco/openblas/$platform/*" -d "$build/openblas"
    fi
    CONV4J_OPENBLAS_ROOT="$build/openblas/org/bytedeco/openblas/$platform"
fi

# ASan must be first in the process: the test binary is ours, OpenBLAS is linked as a plain library.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

cmake -S "$root/native" -B "$build/cmake" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONV4J_SANITIZE=ON \
      -DCONV4J_WITH_CUDA=OFF -DBUILD_TESTING=ON -DCONV4J_OPENBLAS_ROOT="$CONV4J_OPENBLAS_ROOT"
cmake --build "$build/cmake" --parallel "${CONV4J_JOBS:-2}"
ctest --test-dir "$build/cmake" --output-on-failure
echo "sanitizers.sh: all C++ kernel tests passed under -fsanitize=address,undefined"
