#!/usr/bin/env bash
# Runs the C++ kernel tests with the AVX-512 kernels compiled against SIMDe's portable AVX-512 intrinsics and
# the CPU taken to have AVX-512 (CONV4J_EMULATE_AVX512), so every AVX-512 body (implementation lists, pooling,
# Winograd, pointwise) is checked against the reference on any x86-64 machine with AVX2, AVX-512 or not.
# The emulation checks results, not speed. Needs: cmake >= 3.18, a C++17 compiler, SIMDe headers (Debian
# package libsimde-dev; .ci/run installs it), and the openblas presets jar (ci/lib/openblas-root.sh fetches it).
# Usage: ci/avx512-emulated.sh [build-dir]      (default: target/avx512-emulated)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/target/avx512-emulated}"
platform="${CONV4J_PLATFORM:-linux-x86_64}"

if ! grep -q -w avx2 /proc/cpuinfo 2>/dev/null; then
    echo "avx512-emulated.sh: this CPU has no AVX2 (SIMDe's AVX-512 runs on AVX2 here); nothing to check"
    exit 0
fi
if [[ ! -f /usr/include/simde/x86/avx512.h ]]; then
    echo "avx512-emulated.sh: SIMDe headers not found (apt-get install libsimde-dev)" >&2
    exit 2
fi
# shellcheck source=ci/lib/openblas-root.sh
source "$root/ci/lib/openblas-root.sh"
CONV4J_OPENBLAS_ROOT="${CONV4J_OPENBLAS_ROOT:-$(openblas_root "$platform" "$build/openblas")}"

cmake -S "$root/native" -B "$build/cmake" -DCMAKE_BUILD_TYPE=Release -DCONV4J_EMULATE_AVX512=ON \
      -DCONV4J_WITH_CUDA=OFF -DBUILD_TESTING=ON -DCONV4J_OPENBLAS_ROOT="$CONV4J_OPENBLAS_ROOT"
cmake --build "$build/cmake" --parallel "${CONV4J_JOBS:-2}"
ctest --test-dir "$build/cmake" --output-on-failure -LE cuda-host
echo "avx512-emulated.sh: the C++ kernel tests passed with the AVX-512 kernels on SIMDe's intrinsics"
