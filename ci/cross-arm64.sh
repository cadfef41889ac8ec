#!/usr/bin/env bash
# Cross-builds conv4j's natives for linux-arm64 with Debian's g++-aarch64-linux-gnu, in two stages:
#  1. CMake alone (cmake/toolchains/aarch64-linux-gnu.cmake): the C++ core and its tests against the
#     arm64 OpenBLAS of the presets jar, warnings as errors; checks the objects are AArch64; runs ctest
#     under qemu-aarch64 when qemu-user is installed and checks the dispatch chose the NEON kernels.
#  2. The Maven build with -Djavacpp.platform=linux-arm64 in a copy of the tree: the core again (CMake
#     picks the toolchain up from CMAKE_TOOLCHAIN_FILE in the environment) and JavaCPP's JNI glue, into
#     the linux-arm64 classifier jar; checks the JNI library is AArch64, exports the JNI entry points,
#     and has RUNPATH $ORIGIN/ only. The Maven build does not run CTest again (stage 1 did, under qemu).
# ci/arm64-java-tests.sh then runs Java tests with this jar on an arm64 JVM under qemu.
#
# Needs: cmake >= 3.21, g++-aarch64-linux-gnu (with its binutils), unzip, file, Maven, a JDK;
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
# every object of the static library must be AArch64 (the *_avx2.cpp files compile to never-selected
# stubs there: no -mavx2, see cmake/Conv4jCompilerFlags.cmake). Outputs are captured before grep:
# `cmd | grep -q` under pipefail can fail on SIGPIPE and hide a finding.
machines="$("${prefix}readelf" -h "$lib" | grep 'Machine:' | sort | uniq -c)"
echo "$machines"
if grep -qv AArch64 <<<"$machines"; then
    echo "cross-arm64.sh: $lib holds non-AArch64 objects" >&2; exit 1
fi
"${prefix}readelf" -d "$exe" | grep -E 'NEEDED|RUNPATH|RPATH' || true

if command -v qemu-aarch64 >/dev/null 2>&1 || command -v qemu-aarch64-static >/dev/null 2>&1; then
    printf '\n== ctest under qemu-aarch64 (user-mode emulation)\n'
    # Under qemu-user, OpenBLAS started with more than one thread can spin forever in its thread-pool
    # start-up (seen with qemu 7.2 on an AMD EPYC host: no test got past OpenBLAS's constructor). conv4j
    # runs OpenBLAS single-threaded anyway (c4j_cpu_set_blas_threads(1)); this makes it so from the start.
    export OPENBLAS_NUM_THREADS=1
    ctest --test-dir "$build" --output-on-failure
    # the run-time dispatch must have chosen the NEON kernels (the conv suites also ran forced to scalar)
    features="$(ctest --test-dir "$build" -R '^bad_input$' -V | grep 'cpu features:' || true)"
    echo "$features"
    grep -q 'cpu features: NEON' <<<"$features" || { echo "cross-arm64.sh: arm64 did not dispatch to the NEON kernels" >&2; exit 1; }
    echo "cross-arm64.sh: arm64 build linked and its C++ tests passed under qemu-aarch64 (NEON and scalar kernels)"
else
    echo "cross-arm64.sh: arm64 build compiled and linked; NOT run (install qemu-user to run ctest under emulation)"
fi

printf '\n== stage 2: the linux-arm64 classifier jar through Maven (core + JavaCPP JNI glue)\n'
maven="$root/target/cross-arm64-maven"
rm -rf "$maven"
mkdir -p "$maven/src" "$maven/bin"
tar -C "$root" --exclude=./target --exclude=./core/target --exclude=./examples/target --exclude=./.git -cf - . \
    | tar -C "$maven/src" -xf -
# The javacpp plugin runs the compiler named in JavaCPP's linux-arm64 properties, "g++"; the pom maps no
# property to change it, so a "g++" first on the PATH of this build runs the cross compiler. g++ 12 knows
# _Float16 in C++ only on x86 and JavaCPP includes the presets' cblas.h: the same mapping as
# cmake/Conv4jOpenBLAS.cmake.
cat >"$maven/bin/g++" <<SH
#!/bin/sh
exec ${prefix}g++ -D_Float16=__fp16 "\$@"
SH
chmod +x "$maven/bin/g++"
(cd "$maven/src" && PATH="$maven/bin:$PATH" CMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/aarch64-linux-gnu.cmake" \
    mvn -B -q -Djavacpp.platform=linux-arm64 -Dconv4j.withCuda=OFF -Dconv4j.runCtest=OFF -DskipTests \
        -Dinvoker.skip=true package)
# shellcheck source=ci/lib/platforms.sh
source "$root/ci/lib/platforms.sh"
version="$(conv4j_version "$root/core/pom.xml")"
jar="$maven/src/core/target/conv4j-$version-linux-arm64.jar"
entry="$(conv4j_jni_entry linux-arm64)"
[[ -f "$jar" ]] || { echo "cross-arm64.sh: no $jar" >&2; exit 1; }
mkdir -p "$maven/jar"
unzip -oq "$jar" -d "$maven/jar"
so="$maven/jar/$entry"
[[ -f "$so" ]] || { echo "cross-arm64.sh: $jar lacks $entry" >&2; exit 1; }
file "$so"
file -b "$so" | grep -q 'ARM aarch64' || { echo "cross-arm64.sh: $entry is not AArch64" >&2; exit 1; }
dynamic="$("${prefix}readelf" -d "$so")"
grep -E 'NEEDED|RUNPATH|RPATH' <<<"$dynamic"
grep -q 'NEEDED.*\[libopenblas.so.0\]' <<<"$dynamic" || { echo "cross-arm64.sh: $entry does not need libopenblas.so.0" >&2; exit 1; }
runpath="$(sed -n 's/.*R.*PATH.*\[\(.*\)\]/\1/p' <<<"$dynamic")"
# shellcheck disable=SC2016  # the literal $ORIGIN
[[ "$runpath" == '$ORIGIN/' ]] || { echo "cross-arm64.sh: $entry has run path '$runpath', expected \$ORIGIN/ only" >&2; exit 1; }
exports="$("${prefix}nm" -D --defined-only "$so")"
jni="$(grep -c ' T Java_org_conv4j_cpu_CpuNative_' <<<"$exports" || true)"
((jni > 0)) || { echo "cross-arm64.sh: $entry exports no JNI entry points" >&2; exit 1; }
echo "cross-arm64.sh: $(basename "$jar") ($(wc -c <"$jar") bytes): AArch64 $entry with $jni JNI entry points," \
     "RUNPATH \$ORIGIN/ (ci/arm64-java-tests.sh loads it in an arm64 JVM)"
