#!/usr/bin/env bash
# Cross-builds the cpu kernels and their C++ tests for linux-arm64 with Debian's g++-aarch64-linux-gnu
# (cmake/toolchains/aarch64-linux-gnu.cmake), against the arm64 OpenBLAS of the presets jar, with
# warnings as errors. Then checks that the result is AArch64 code with no x86 path in it, and runs the
# CTest suite under qemu-aarch64 when qemu-user is installed (else says plainly that it only linked).
#
# Needs: cmake, g++-aarch64-linux-gnu, binutils-aarch64-linux-gnu (comes with it), unzip, Maven;
# optional: qemu-user. Usage: ci/cross-arm64.sh [build-dir]   (default: target/native-arm64)
set -euo pipefail
shopt -s inherit_errexit  # a failing command inside $(...) fails the script too

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ci/lib/openblas-root.sh
source "$root/ci/lib/openblas-root.sh"
build="${1:-$root/target/native-arm64}"
prefix="${CONV4J_CROSS_PREFIX:-aarch64-linux-gnu-}"

command -v "${prefix}g++" >/dev/null 2>&1 || { echo "cross-arm64.sh: ${prefix}g++ not found (apt-get install g++-aarch64-linux-gnu)" >&2; exit 2; }
ob="$(openblas_root linux-arm64 "$root/target/openblas")"

rm -rf "$build"
cmake -S "$root/native" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/aarch64-linux-gnu.cmake" \
      -DCONV4J_CROSS_PREFIX="$prefix" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror" -DCONV4J_WITH_CUDA=OFF -DBUILD_TESTING=ON \
      -DCONV4J_OPENBLAS_ROOT="$ob"
cmake --build "$build" --parallel "${CONV4J_JOBS:-2}"

lib="$build/libconv4j_cpu.a" exe="$build/tests/conv4j_cpu_tests"
printf '\n== what was built\n'
file "$exe"
file -b "$exe" | grep -q 'ARM aarch64' || { echo "cross-arm64.sh: $exe is not an AArch64 executable" >&2; exit 1; }
# every object of the static library must be AArch64, and the AVX2 kernels must not be compiled in
# (outputs captured first: `cmd | grep -q` under pipefail can fail on SIGPIPE and hide a finding)
machines="$("${prefix}readelf" -h "$lib" | grep 'Machine:' | sort | uniq -c)"
echo "$machines"
if grep -qv AArch64 <<<"$machines"; then
    echo "cross-arm64.sh: $lib holds non-AArch64 objects" >&2; exit 1
fi
symbols="$("${prefix}nm" -C "$lib")"
if grep -q 'pool_rows_avx2' <<<"$symbols"; then
    echo "cross-arm64.sh: $lib has the AVX2 kernels on arm64:" >&2; grep 'pool_rows_avx2' <<<"$symbols" >&2; exit 1
fi
echo "no AVX2 kernels in the arm64 library (scalar pooling kernels only)"
"${prefix}readelf" -d "$exe" | grep -E 'NEEDED|RUNPATH|RPATH' || true

if command -v qemu-aarch64 >/dev/null 2>&1 || command -v qemu-aarch64-static >/dev/null 2>&1; then
    printf '\n== ctest under qemu-aarch64 (user-mode emulation)\n'
    ctest --test-dir "$build" --output-on-failure
    echo "cross-arm64.sh: arm64 build linked and its C++ tests passed under qemu-aarch64"
else
    echo "cross-arm64.sh: arm64 build compiled and linked; NOT run (install qemu-user to run ctest under emulation)"
fi
