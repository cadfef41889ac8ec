#!/usr/bin/env bash
# The CUDA library with nvcc (no GPU needed to build): libconv4j_cuda.so with cudart static, its C API test
# (on a machine without a GPU it checks the clean cudaErrorInsufficientDriver path), the JavaCPP glue
# libjniconv4j_cuda.so staged under target/cuda-stage, and the Java cuda tests against those natives.
#   ci/cuda-lib.sh [build-dir] [architectures]   e.g. ci/cuda-lib.sh build/cuda-lib "75-real;120"
# Skips (exit 0, with a message) when nvcc is not installed: a CPU-only machine builds everything else.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build/cuda-lib}"
ARCHS="${2:-75-real;80-real;86-real;89-real;90-real;100-real;120}"
if ! command -v nvcc >/dev/null && [ ! -x /usr/local/cuda/bin/nvcc ]; then
  echo "cuda-lib: nvcc not found, CUDA library skipped"
  exit 0
fi
cmake -S native/cuda -B "$BUILD" -DCONV4J_CUDA_SANITIZE=OFF "-DCONV4J_CUDA_ARCHITECTURES=$ARCHS"
start=$(date +%s)
cmake --build "$BUILD" -j "$(nproc)" --target conv4j_cuda
echo "cuda-lib: libconv4j_cuda.so built in $(( $(date +%s) - start )) s for $ARCHS ($(stat -c %s "$BUILD/libconv4j_cuda.so") bytes)"
cmake --build "$BUILD" -j "$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure -L cuda-lib
mvn -q -o -f core/pom.xml compile
JAVACPP_JAR="$HOME/.m2/repository/org/bytedeco/javacpp/1.5.13/javacpp-1.5.13.jar"
STAGE="$PWD/target/cuda-stage/org/conv4j/cuda/linux-x86_64"
java -cp "$JAVACPP_JAR" org.bytedeco.javacpp.tools.Builder -classpath core/target/classes \
    -Dplatform.includepath="$PWD/native/include" -Dplatform.linkpath="$PWD/$BUILD" \
    -d "$STAGE" -copylibs org.conv4j.cuda.CudaNative
mvn -q -o -f core/pom.xml test -Dtest='org.conv4j.cuda.*Test' -Dsurefire.failIfNoSpecifiedTests=false \
    -Dmaven.test.additionalClasspath="$PWD/target/cuda-stage" \
    -DargLine="-Dconv4j.cuda.natives=built -Dconv4j.cuda.hostReplay=$PWD/$BUILD/c4j_cuda_host_replay"
