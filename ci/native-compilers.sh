#!/usr/bin/env bash
# Builds the cpu kernels and their C++ tests with each compiler into its own build folder, with
# warnings as errors, and runs ctest for each. Exit status non-zero on any warning, build error or test
# failure. CUDA is not part of this check (native/cuda has its own build).
#
# Usage: ci/native-compilers.sh [compiler...]    default: g++ clang++
#   a compiler is a C++ compiler command (g++, clang++, ...), or `default` for CMake's choice on this
#   machine (Apple clang on macOS, MSVC on Windows: warnings as errors through CMake's
#   CMAKE_COMPILE_WARNING_AS_ERROR, i.e. /W4 /WX with MSVC; needs CMake >= 3.24).
# Needs: cmake >= 3.18, the compilers, unzip or a JDK, Maven (fetches the openblas presets jar if missing).
# Env:   CONV4J_PLATFORM (default: this machine's), CONV4J_JOBS (default 2),
#        CONV4J_WARNING_FLAGS for named compilers (default: -Wall -Wextra -Wpedantic -Werror)
set -euo pipefail
shopt -s inherit_errexit  # a failing command inside $(...) fails the script too

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ci/lib/openblas-root.sh
source "$root/ci/lib/openblas-root.sh"
# shellcheck source=ci/lib/platforms.sh
source "$root/ci/lib/platforms.sh"

platform="${CONV4J_PLATFORM:-$(host_platform)}"
jobs="${CONV4J_JOBS:-2}"
flags="${CONV4J_WARNING_FLAGS:--Wall -Wextra -Wpedantic -Werror}"
compilers=("$@")
((${#compilers[@]})) || compilers=(g++ clang++)

ob="$(openblas_root "$platform" "$root/target/openblas")"

for cxx in "${compilers[@]}"; do
    if [[ "$cxx" == default ]]; then
        name=default
        compiler_args=(-DCMAKE_COMPILE_WARNING_AS_ERROR=ON)
        printf '\n== default compiler of CMake, warnings as errors\n'
    else
        command -v "$cxx" >/dev/null 2>&1 || { echo "native-compilers.sh: $cxx not found" >&2; exit 2; }
        name="$(basename "$cxx")"
        compiler_args=(-DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$flags")
        printf '\n== %s: %s (%s)\n' "$name" "$("$cxx" --version | head -n 1)" "$flags"
    fi
    build="$root/target/native-$name"
    # a fresh cache per run: a stale one would keep the flags of an earlier configure
    rm -rf "$build"
    cmake -S "$root/native" -B "$build" -DCMAKE_BUILD_TYPE=Release "${compiler_args[@]}" \
          -DCONV4J_WITH_CUDA=OFF -DBUILD_TESTING=ON -DCONV4J_OPENBLAS_ROOT="$ob"
    cmake --build "$build" --config Release --parallel "$jobs"
    ctest --test-dir "$build" -C Release --output-on-failure
    # on x86-64 every *_avx2 file must hold AVX code (ymm registers): compiled without the flags it
    # would be its stub, which the run-time dispatch would then call on an AVX2 machine
    if [[ "$platform" == *-x86_64 ]] && command -v objdump >/dev/null 2>&1; then
        mapfile -t objs < <(find "$build" -name '*_avx2.cpp.o')
        ((${#objs[@]})) || { echo "native-compilers.sh: no *_avx2.cpp.o in $build" >&2; exit 1; }
        for o in "${objs[@]}"; do
            code="$(objdump -d "$o")"
            grep -q ymm <<<"$code" || { echo "native-compilers.sh: $(basename "$o") holds no AVX code" >&2; exit 1; }
        done
        echo "AVX code in ${#objs[@]} *_avx2 object(s): $(printf '%s ' "${objs[@]##*/}")"
    fi
    exe="$build/tests/conv4j_cpu_tests"
    [[ -x "$exe" ]] || exe="$build/tests/Release/conv4j_cpu_tests.exe"
    PATH="$ob:$PATH" "$exe" bad_input | tail -n 1   # prints the kernels in use on this CPU
    echo "native-compilers.sh: $name build (warnings as errors) and ctest passed"
done
