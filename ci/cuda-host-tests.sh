#!/usr/bin/env bash
# CUDA kernels without a GPU: builds the host harness (g++, AddressSanitizer + UBSan), runs its CTest suite, then
# the Java test that replays java-reference cases through the harness. Needs cmake, g++, JDK, Maven; no nvcc.
#   ci/cuda-host-tests.sh [build-dir]      (default build/cuda)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build/cuda}"
cmake -S native/cuda -B "$BUILD" -DCONV4J_CUDA_LIBRARY=OFF -DCONV4J_CUDA_SANITIZE=ON
cmake --build "$BUILD" -j "$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure -L cuda-host
mvn -q -o test -Dtest=org.conv4j.cuda.HostHarnessReplayTest -Dsurefire.failIfNoSpecifiedTests=false \
    -DargLine="-Dconv4j.cuda.hostReplay=$PWD/$BUILD/c4j_cuda_host_replay"
