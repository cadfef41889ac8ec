#!/usr/bin/env bash
# Builds the cpu kernels and their C++ tests with each compiler (default: g++ and clang++) into its own
# build folder, with warnings as errors, and runs ctest for each. Exit status non-zero on any warning,
# build error or test failure. CUDA is not part of this check (native/cuda has its own build).
#
# Needs: cmake >= 3.18, the compilers, unzip, Maven (fetches the openblas presets jar if missing).
# Usage: ci/native-compilers.sh [compiler...]     e.g. ci/native-compilers.sh g++ clang++
# Env:   CONV4J_PLATFORM (default linux-x86_64), CONV4J_JOBS (default 2),
#        CONV4J_WARNING_FLAGS (default: -Wall -Wextra -Wpedantic -Werror, added to the CMake flags)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ci/lib/openblas-root.sh
source "$root/ci/lib/openblas-root.sh"

platform="${CONV4J_PLATFORM:-linux-x86_64}"
jobs="${CONV4J_JOBS:-2}"
flags="${CONV4J_WARNING_FLAGS:--Wall -Wextra -Wpedantic -Werror}"
compilers=("$@")
((${#compilers[@]})) || compilers=(g++ clang++)

ob="$(openblas_root "$platform" "$root/target/openblas")"

for cxx in "${compilers[@]}"; do
    command -v "$cxx" >/dev/null 2>&1 || { echo "native-compilers.sh: $cxx not found" >&2; exit 2; }
    name="$(basename "$cxx")"
    build="$root/target/native-$name"
    printf '\n== %s: %s (%s)\n' "$name" "$("$cxx" --version | head -n 1)" "$flags"
    # a fresh cache per run: a stale one would keep the flags of an earlier configure
    rm -rf "$build"
    cmake -S "$root/native" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
          -DCMAKE_CXX_FLAGS="$flags" -DCONV4J_WITH_CUDA=OFF -DBUILD_TESTING=ON \
          -DCONV4J_OPENBLAS_ROOT="$ob"
    cmake --build "$build" --parallel "$jobs"
    ctest --test-dir "$build" --output-on-failure
    # on x86-64 the AVX2 pooling kernels must be in the library (chosen at run time by CPUID)
    symbols="$(nm -C "$build/libconv4j_cpu.a")"
    if [[ "$(uname -m)" == x86_64 ]] && ! grep -q 'T c4j::pool_rows_avx2()' <<<"$symbols"; then
        echo "native-compilers.sh: $name build lacks the AVX2 pooling kernels" >&2; exit 1
    fi
    "$build/tests/conv4j_cpu_tests" bad_input | tail -n 1   # prints the kernels in use on this CPU
    echo "native-compilers.sh: $name build (warnings as errors) and ctest passed"
done
