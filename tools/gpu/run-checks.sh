#!/usr/bin/env bash
# Runs the GPU checks of the cuda backend on the GPU machine, from the kit that tools/gpu/make-kit.sh packed.
#   tools/gpu/run-checks.sh build/gpukit STEP...     (logs to $OUT/STEP.log when OUT is set, else ./gpu-logs)
# Steps:
#   info       nvidia-smi, toolkit, torch versions
#   capi       the C API test binary (a real convolution, a clean out-of-memory error, device usable after it)
#   java       conv4j's whole JUnit suite with CONV4J_EXPECT_BACKENDS=java,cpu,cuda (the conformance matrix then
#              runs over cuda too, and the GPU tests must not skip)
#   demo       the README demo (checks every chapter output on every available backend)
#   check      tools/gpu/check.py: random cases against torch.nn.functional + autograd (CASES, default 300)
#   bench      tools/gpu/bench.py: s2-s8 at N = 8 and 64 against cuDNN, p1-p3 against torch
#   profile    Nsight Compute (ncu) on the GEMM kernel of s5 and s6 forward at N = 64 (PROFILE="s5 64 fwd;...")
#   sanitize   compute-sanitizer memcheck / racecheck / synccheck / initcheck over the C API test and check.py
# Every step runs even when an earlier one failed; the exit status is the number of failed steps.
set -uo pipefail
KIT="$(cd "$1" && pwd)"; shift
HERE="$(cd "$(dirname "$0")" && pwd)"
LOGS="${OUT:-$PWD/gpu-logs}"; mkdir -p "$LOGS"
CUDA_LIB_DIR="$KIT/native-stage/org/conv4j/cuda/linux-x86_64"
export CONV4J_CUDA_LIB="$CUDA_LIB_DIR/libconv4j_cuda.so" PYTHONUNBUFFERED=1
SAN="$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -n 1)"

java_ready() {
  [ -x "$KIT/jre/bin/java" ] || tar -C "$KIT" -xJf "$KIT/jre.tar.xz"
  CP="$KIT/test-classes:$KIT/classes:$KIT/native-stage:$(ls "$KIT"/lib/*.jar | tr '\n' ':')"
}

step() {
  case "$1" in
    info) nvidia-smi; nvcc --version | tail -n 2; echo "compute-sanitizer: ${SAN:-none}"
          python3 -c 'import torch; print("torch", torch.__version__, "cuDNN", torch.backends.cudnn.version(), torch.cuda.get_device_name())'
          nproc; free -g | head -n 2 ;;
    capi) LD_LIBRARY_PATH="$CUDA_LIB_DIR" "$KIT/cuda/c4j_cuda_test_c_api" ;;
    java) java_ready
          mkdir -p "$KIT/work/target" && cd "$KIT/work" || return 1
          CONV4J_EXPECT_BACKENDS=java,cpu,cuda timeout 300 "$KIT/jre/bin/java" -Xmx8g -cp "$CP" \
            -Dconv4j.test.skipNative=false -Dconv4j.cuda.natives=built \
            -Dconv4j.cuda.hostReplay="$KIT/cuda/c4j_cuda_host_replay" \
            org.junit.platform.console.ConsoleLauncher --disable-banner --details=summary \
            --scan-class-path "$KIT/test-classes" --exclude-classname '.*Bench.*' ;;
    demo) java_ready; timeout 120 "$KIT/jre/bin/java" -cp "$CP" org.conv4j.demo.Demo ;;
    check) cd "$HERE" && timeout 400 python3 check.py --cases "${CASES:-300}" ;;
    bench) cd "$HERE" && timeout 400 python3 bench.py --n 8 64 ;;
    profile)
      local IFS=';'
      for run in ${PROFILE:-s5 64 fwd;s6 64 fwd}; do
        echo "== ncu: $run"
        IFS=' ' read -r -a args <<< "$run"
        (cd "$HERE" && timeout 120 ncu --kernel-name regex:gemm_tile --launch-skip 2 --launch-count 1 \
            --section SpeedOfLight --section Occupancy --section WarpStateStats --section LaunchStats \
            python3 one.py "${args[@]}" 2>&1 | grep -v '^==PROF==' | tail -n 80)
      done ;;
    sanitize)
      [ -n "$SAN" ] || { echo "no compute-sanitizer"; return 1; }
      local rc=0
      for tool in memcheck racecheck synccheck initcheck; do
        echo "== $tool: C API test"
        LD_LIBRARY_PATH="$CUDA_LIB_DIR" timeout 60 "$SAN" --tool "$tool" --error-exitcode 9 "$KIT/cuda/c4j_cuda_test_c_api" 2>&1 | tail -n 40 || rc=1
        echo "== $tool: check.py --cases ${SAN_CASES:-10} (kernels of c4j only)"
        (cd "$HERE" && timeout 100 "$SAN" --tool "$tool" --error-exitcode 9 --kernel-name kns=c4j \
            python3 check.py --cases "${SAN_CASES:-10}" 2>&1 | tail -n 5) || rc=1
      done
      return $rc ;;
    *) echo "unknown step $1"; return 2 ;;
  esac
}

failed=0
for s in "$@"; do
  start=$(date +%s)
  ( step "$s" ) > "$LOGS/$s.log" 2>&1
  rc=$?
  echo "== step $s: exit $rc in $(( $(date +%s) - start )) s"
  tail -n 25 "$LOGS/$s.log"
  [ $rc -eq 0 ] || failed=$((failed + 1))
done
exit $failed
