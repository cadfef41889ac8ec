#!/usr/bin/env bash
# Packs what the GPU machine needs to run conv4j's own Java test suite there: it has python3 + PyTorch + the CUDA
# toolkit but no JDK and no network. The kit holds a jlink'ed JRE (xz), the runtime jars (JavaCPP, OpenBLAS), the
# JUnit console launcher, the classes and test classes of both modules (core/, examples/), the natives stage folder (cpu + cuda JNI) and the
# CUDA C API test binaries. About 45 MB, under the device tool's 64 MiB carry limit.
#   mvn -B package -DskipTests && tools/gpu/make-kit.sh        -> build/gpukit (ignored by git)
# then on the GPU machine: tools/gpu/run-checks.sh build/gpukit java check bench ...
set -euo pipefail
cd "$(dirname "$0")/../.."
KIT=build/gpukit
for need in core/target/classes core/target/test-classes core/target/native-stage/org/conv4j/cuda \
            examples/target/classes examples/target/test-classes \
            core/target/native-build/cuda/c4j_cuda_test_c_api core/target/native-build/cuda/c4j_cuda_host_replay; do
  [ -e "$need" ] || { echo "make-kit: $need missing (run mvn -B package -DskipTests on a machine with nvcc)"; exit 1; }
done
rm -rf "$KIT"
mkdir -p "$KIT/lib" "$KIT/cuda"
jlink --add-modules java.base,jdk.compiler,java.logging,java.management,java.naming,java.scripting,java.xml,java.instrument,jdk.unsupported,jdk.management,jdk.zipfs \
      --compress=2 --strip-debug --no-header-files --no-man-pages --output "$KIT/jre"
tar -C "$KIT" -cJf "$KIT/jre.tar.xz" jre
rm -rf "$KIT/jre"
mvn -o -q -f core/pom.xml dependency:build-classpath -Dmdep.outputFile="$KIT/cp.txt" -Dmdep.includeScope=runtime >/dev/null
tr ':' '\n' < "$KIT/cp.txt" | grep '/org/bytedeco/' | xargs -I{} cp {} "$KIT/lib/"
rm "$KIT/cp.txt"
CONSOLE="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/1.10.2/junit-platform-console-standalone-1.10.2.jar"
[ -f "$CONSOLE" ] || mvn -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.10.2 >/dev/null
cp "$CONSOLE" "$KIT/lib/"
# one classes and one test-classes folder, as run-checks.sh expects: the library's, then the demo's and examples'
cp -r core/target/classes core/target/test-classes "$KIT/"
cp -r examples/target/classes/. "$KIT/classes/"
cp -r examples/target/test-classes/. "$KIT/test-classes/"
# the folder name "native-stage" matters: FallbackTest drops class path entries containing it
cp -r core/target/native-stage "$KIT/native-stage"
# the C API test and ctypes use the library in native-stage (one copy: the kit must stay under 64 MiB)
cp core/target/native-build/cuda/c4j_cuda_test_c_api core/target/native-build/cuda/c4j_cuda_host_replay "$KIT/cuda/"
# the tests run in $KIT/work and read the repository root's files from .. (conv4j.rootdir): ReadmeExampleTest
# compiles the README quick start, EdgeDetectionAppTest reads the example PNG
mkdir -p "$KIT/work/target" "$KIT/docs/images" && cp README.md "$KIT/" && cp docs/images/edge-input.png "$KIT/docs/images/"
du -sh "$KIT"
