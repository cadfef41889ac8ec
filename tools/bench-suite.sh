#!/usr/bin/env bash
# The network-layer suite side by side with oneDNN (NCHW in and out, its reorders included), 2 threads, three
# directions, twice: every kernel as detected here, then conv4j capped at AVX2 (-Dconv4j.cpu.isa=avx2, OpenBLAS's
# Haswell kernels) against oneDNN capped at AVX2 (ONEDNN_MAX_CPU_ISA=AVX2), in the library module (core). Writes
# target/suite-auto.md, target/suite-avx2.md and both together in target/suite.md (at the repository root). Extra arguments go to Maven (e.g. -Dside.wi=2).
# Usage: tools/bench-suite.sh [-o] [-Dside.threads=2] ...
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
out="$PWD/target"  # exec:exec runs in core/: absolute paths
common=(-B -Pbench -Dconv4j.runCtest=OFF -Dside.shapes=suite -Dside.wi=1 -Dside.w=300 -Dside.i=3 -Dside.r=300)
mvn "${common[@]}" -pl core "$@" test-compile exec:exec@side-by-side -Dside.out="$out/suite-auto.md"
mvn "${common[@]}" -pl core "$@" exec:exec@side-by-side -Dside.isa=avx2 -Dside.onednnIsa=AVX2 -Dside.openblasCore=Haswell \
    -Dside.out="$out/suite-avx2.md"
{
    echo "## Suite, every kernel as detected"
    cat target/suite-auto.md
    echo
    echo "## Suite, conv4j capped at AVX2 (-Dconv4j.cpu.isa=avx2) against oneDNN with ONEDNN_MAX_CPU_ISA=AVX2"
    cat target/suite-avx2.md
} > target/suite.md
echo "written: target/suite.md"
