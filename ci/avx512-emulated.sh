#!/usr/bin/env bash
# Runs the C++ kernel tests with the AVX-512 kernels compiled against SIMDe's portable AVX-512 intrinsics and
# the CPU taken to have AVX-512 (CONV4J_EMULATE_AVX512), so every AVX-512 body (implementation lists, pooling,
# Winograd, pointwise) is checked against the reference on any x86-64 machine with AVX2, AVX-512 or not.
# The emulation checks results, not speed. Needs: cmake >= 3.18, a C++17 compiler, SIMDe headers (Debian
# package libsimde-dev; .ci/run installs it), and the openblas presets jar (see ci/sanitizers.sh).
# Usage: ci/avx512-emulated.sh [build-dir]      (default: target/avx512-emulated)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/target/avx512-emulated}"
platform="${CONV4J_PLATFORM:-linux-x86_64}"
openblas_version="${CONV4J_OPENBLAS_VERSION:-0.3.31-1.5.13}"

if ! grep -q -w avx2 /proc/cpuinfo 2>/dev/null; then
    echo "avx512-emulated.sh: this CPU has no AVX2 (SIMDe's AVX-512 runs on AVX2 here); nothing to check"
    exit 0
fi
if [[ ! -f /usr/include/simde/x86/avx512.h ]]; then
    echo "avx512-emulated.sh: SIMDe headers not found (apt-get install libsimde-dev)" >&2
    exit 2
fi
if [[ -z "${CONV4J_OPENBLAS_ROOT:-}" ]]; then
    repo="${MAVEN_REPO:-$HOME/.m2/repository}"
    jar="$repo/org/bytedeco/openblas/$openblas_version/openblas-$openblas_version-$platform.jar"
    if [[ ! -f "$jar" ]]; then
        echo "avx512-emulated.sh: $jar not found; run 'mvn -B -q dependency:resolve' once" >&2
        exit 2
    fi
    mkdir -p "$build/openblas"
    (cd "$build/openblas" && unzip -oq "$jar" "org/bytedeco/openblas/$platform/*")
    CONV4J_OPENBLAS_ROOT="$build/openblas/org/bytedeco/openblas/$platform"
fi

cmake -S "$root/native" -B "$build/cmake" -DCMAKE_BUILD_TYPE=Release -DCONV4J_EMULATE_AVX512=ON \
      -DCONV4J_WITH_CUDA=OFF -DBUILD_TESTING=ON -DCONV4J_OPENBLAS_ROOT="$CONV4J_OPENBLAS_ROOT"
cmake --build "$build/cmake" --parallel "${CONV4J_JOBS:-2}"
ctest --test-dir "$build/cmake" --output-on-failure -LE cuda-host
echo "avx512-emulated.sh: the C++ kernel tests passed with the AVX-512 kernels on SIMDe's intrinsics"
