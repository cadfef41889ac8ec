#!/usr/bin/env bash
# A Windows smoke test of the C++ sources from Linux: cross-builds the cpu kernels and their tests for
# windows-x86_64 with MinGW-w64 g++ (Debian's g++-mingw-w64-x86-64-posix), warnings as errors, linked
# against the import library of the windows-x86_64 OpenBLAS presets jar. Checks the test executable
# imports libopenblas.dll and that every *_avx2 object holds AVX code. This compiles the _WIN32 code
# paths, not the _MSC_VER ones: MSVC itself only runs in the GitHub windows job. Nothing is run here.
# Usage: ci/cross-windows-mingw.sh [build-dir]   (default: target/native-mingw)
set -euo pipefail
shopt -s inherit_errexit  # a failing command inside $(...) fails the script too

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ci/lib/openblas-root.sh
source "$root/ci/lib/openblas-root.sh"
build="${1:-$root/target/native-mingw}"
cxx="${CONV4J_MINGW_CXX:-x86_64-w64-mingw32-g++-posix}"
objdump="${CONV4J_MINGW_OBJDUMP:-x86_64-w64-mingw32-objdump}"

command -v "$cxx" >/dev/null 2>&1 || { echo "cross-windows-mingw.sh: $cxx not found (apt-get install g++-mingw-w64-x86-64-posix)" >&2; exit 2; }
ob="$(openblas_root windows-x86_64 "$root/target/openblas")"

rm -rf "$build"
cmake -S "$root/native" -B "$build" -DCMAKE_SYSTEM_NAME=Windows -DCMAKE_SYSTEM_PROCESSOR=AMD64 \
      -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror" \
      -DCONV4J_WITH_CUDA=OFF -DBUILD_TESTING=ON -DCONV4J_OPENBLAS_ROOT="$ob"
cmake --build "$build" --parallel "${CONV4J_JOBS:-2}"

exe="$build/tests/conv4j_cpu_tests.exe"
imports="$("$objdump" -p "$exe" | grep 'DLL Name' || true)"
echo "$imports"
grep -q 'libopenblas.dll' <<<"$imports" || { echo "cross-windows-mingw.sh: $exe does not import libopenblas.dll" >&2; exit 1; }
mapfile -t objs < <(find "$build" -name '*_avx2.cpp.obj')
((${#objs[@]})) || { echo "cross-windows-mingw.sh: no *_avx2.cpp.obj in $build" >&2; exit 1; }
for o in "${objs[@]}"; do
    code="$("$objdump" -d "$o")"
    grep -q ymm <<<"$code" || { echo "cross-windows-mingw.sh: $(basename "$o") holds no AVX code" >&2; exit 1; }
done
echo "cross-windows-mingw.sh: windows-x86_64 build (MinGW g++, -Werror) compiled and linked; AVX code in ${#objs[@]} *_avx2 objects; not run (no Windows here)"
