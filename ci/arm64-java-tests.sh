#!/usr/bin/env bash
# Runs a chosen part of the Java test suite on an arm64 JVM under qemu-user (user-mode emulation, not
# arm64 hardware), with the linux-arm64 natives that ci/cross-arm64.sh cross-built: the main jar, the
# linux-arm64 classifier jar, JavaCPP's and OpenBLAS's linux-arm64 jars from the presets, and the test
# classes compiled on this machine. JUnit's console launcher runs the classes below; a surefire-like
# summary per class follows, and the step fails on any failure or when no test ran.
#
# What runs (README "Platforms"): the conformance suite on java and cpu (textbook outputs, fixed cases and
# the first $CONV4J_ARM64_RANDOM_CASES seeded random cases of each generator, gradient checks, backend
# identity), bad inputs, the fallback without natives (child JVMs, also under qemu), the demo's checks,
# the arm64 cpu backend's own checks (CpuIsaTest: natives of this architecture, describeIsa() "arm64 ...") and
# the Winograd / whole-plane pooling paths against java. Emulation is about 30x slower than the machine,
# hence the subset; speed is not measured here.
#
# Needs: ci/cross-arm64.sh run before (its Maven copy, default target/cross-arm64-maven), qemu-user, the
# arm64 JRE 17 (ci/install-deps.sh --checks installs both), Maven, and this machine's JDK 17.
# Usage: ci/arm64-java-tests.sh [cross-arm64 maven dir]
set -euo pipefail
shopt -s inherit_errexit  # a failing command inside $(...) fails the script too

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ci/lib/platforms.sh
source "$root/ci/lib/platforms.sh"
maven="${1:-$root/target/cross-arm64-maven}"
src="$maven/src"
version="$(conv4j_version "$root/core/pom.xml")"
main_jar="$src/core/target/conv4j-$version.jar"
natives_jar="$src/core/target/conv4j-$version-linux-arm64.jar"
test_classes="$src/core/target/test-classes"
# the demo and its test live in the examples module
examples_classes="$src/examples/target/classes"
examples_test_classes="$src/examples/target/test-classes"
for f in "$main_jar" "$natives_jar" "$test_classes" "$examples_classes" "$examples_test_classes"; do
    [[ -e "$f" ]] || { echo "arm64-java-tests.sh: no $f (run ci/cross-arm64.sh first)" >&2; exit 2; }
done

qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)"
[[ -n "$qemu" ]] || { echo "arm64-java-tests.sh: no qemu-aarch64 (apt-get install qemu-user)" >&2; exit 2; }
java_arm64=""
for j in /usr/lib/jvm/java-17-openjdk-arm64/bin/java /usr/lib/jvm/*arm64*/bin/java; do
    if [[ -x "$j" ]]; then java_arm64="$j"; break; fi
done
[[ -n "$java_arm64" ]] || { echo "arm64-java-tests.sh: no arm64 JRE in /usr/lib/jvm (ci/install-deps.sh --checks)" >&2; exit 2; }
# the launcher is a small ELF; the JVM itself must be AArch64 too (readlink: /usr/lib/jvm links may chain)
file -bL "$java_arm64" | grep -q 'ARM aarch64' || { echo "arm64-java-tests.sh: $java_arm64 is not AArch64" >&2; exit 1; }

# Class path: the project's test class path for linux-arm64 as Maven resolves it (JavaCPP + OpenBLAS with
# their linux-arm64 classifiers), minus JUnit, which the console launcher's standalone jar brings whole.
junit_version="$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' "$root/core/pom.xml")"
launcher_version="1.${junit_version#5.}"  # JUnit Jupiter 5.x.y ships with JUnit Platform 1.x.y
work="$maven/java-tests"
rm -rf "$work"
mkdir -p "$work/reports"
(cd "$src/core" && mvn -B -q -Djavacpp.platform=linux-arm64 dependency:build-classpath -Dmdep.includeScope=test \
    -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian \
    -Dmdep.outputFile="$work/deps.txt")
(cd "$src/core" && mvn -B -q dependency:copy \
    -Dartifact="org.junit.platform:junit-platform-console-standalone:$launcher_version" -DoutputDirectory="$work")
deps="$(cat "$work/deps.txt")"
for a in javacpp-1 openblas-0; do
    grep -q "${a}[^:]*-linux-arm64.jar" <<<"$deps" || { echo "arm64-java-tests.sh: no linux-arm64 $a* jar in $deps" >&2; exit 1; }
done
# the library's test class path (core), plus the examples module's classes for DemoTest (they hold only the
# demo and the example applications; none of their other dependencies is needed by DemoTest)
cp="$test_classes:$examples_test_classes:$main_jar:$natives_jar:$examples_classes:$deps"
cp="$cp:$work/junit-platform-console-standalone-$launcher_version.jar"

classes=(
    org.conv4j.SmokeTest
    org.conv4j.cpu.CpuIsaTest
    org.conv4j.conformance.BackendIdentityTest
    org.conv4j.conformance.ComparatorSelfTest
    org.conv4j.conformance.TextbookTest
    org.conv4j.conformance.ConvConformanceTest
    org.conv4j.conformance.PoolConformanceTest
    org.conv4j.conformance.GradientCheckTest
    org.conv4j.conformance.ChainingTest
    org.conv4j.ErrorInputsTest
    org.conv4j.cpu.FallbackTest
    org.conv4j.cpu.CpuWinogradTest
    org.conv4j.cpu.CpuPoolPlanesTest
    org.conv4j.demo.DemoTest
)
# CONV4J_ARM64_TEST_CLASSES (space-separated class names) runs other classes instead, e.g. while debugging
if [[ -n "${CONV4J_ARM64_TEST_CLASSES:-}" ]]; then
    read -r -a classes <<<"$CONV4J_ARM64_TEST_CLASSES"
fi
select=()
for c in "${classes[@]}"; do
    [[ -f "$test_classes/${c//.//}.class" || -f "$examples_test_classes/${c//.//}.class" ]] \
        || { echo "arm64-java-tests.sh: no test class $c" >&2; exit 1; }
    select+=(--select-class "$c")
done

random_cases="${CONV4J_ARM64_RANDOM_CASES:-100}"
printf '\n== Java tests on %s under %s: %d classes, %s random cases per generator\n' \
    "$java_arm64" "$(basename "$qemu")" "${#classes[@]}" "$random_cases"
# OPENBLAS_NUM_THREADS=1: OpenBLAS's thread-pool start can spin forever under qemu-user (see
# ci/cross-arm64.sh); conv4j keeps OpenBLAS single-threaded anyway. -XX:TieredStopAtLevel=1: C2's
# compile time is emulated too and does not pay back in a run this short. The child JVMs of FallbackTest
# need qemu in front of them where the kernel has no binfmt_misc entry for arm64, and the JVM must exec
# that x86-64 qemu itself (launchMechanism=FORK) rather than through its arm64 jspawnhelper.
start=$(date +%s)
rc=0
OPENBLAS_NUM_THREADS=1 CONV4J_EXPECT_BACKENDS=java,cpu \
    "$qemu" "$java_arm64" -XX:TieredStopAtLevel=1 -Xmx1g -Djdk.lang.Process.launchMechanism=FORK \
    -Dconv4j.test.randomCases="$random_cases" -Dconv4j.test.expectArch=arm64 \
    -Dconv4j.test.childJvmLauncher="$qemu" -Dconv4j.cuda.natives=absent -Dconv4j.test.skipNative=false \
    -cp "$cp" org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors \
    --details=summary --fail-if-no-tests --reports-dir "$work/reports" "${select[@]}" || rc=$?
end=$(date +%s)

printf '\n== arm64 JUnit summary (%ds under emulation)\n' $((end - start))
report="$work/reports/TEST-junit-jupiter.xml"
[[ -f "$report" ]] || { echo "FAILED: no JUnit report $report (launcher exit $rc)"; exit $((rc != 0 ? rc : 1)); }
# per class: tests, failures, errors, skipped, from the legacy XML report (one element per line)
summary="$(awk '
    /<testcase / { match($0, /classname="[^"]*"/); c = substr($0, RSTART + 11, RLENGTH - 12);
                   if (!(c in t)) order[n++] = c; t[c]++ }
    /<failure/ { f[c]++ } /<error/ { e[c]++ } /<skipped/ { s[c]++ }
    END { for (i = 0; i < n; i++) { c = order[i]; printf "%s %d %d %d %d\n", c, t[c], f[c], e[c], s[c] } }
' "$report")"
total=0 failures=0 errors=0 skipped=0
printf '%-55s %6s %6s %6s %6s\n' "test class" tests fail error skip
while read -r name t fl e s; do
    [[ -n "$name" ]] || continue
    printf '%-55s %6s %6s %6s %6s\n' "${name#org.conv4j.}" "$t" "$fl" "$e" "$s"
    total=$((total + t)); failures=$((failures + fl)); errors=$((errors + e)); skipped=$((skipped + s))
done <<<"$summary"
printf '%-55s %6s %6s %6s %6s\n' TOTAL "$total" "$failures" "$errors" "$skipped"
if ((rc != 0 || total == 0 || failures > 0 || errors > 0)); then
    echo "FAILED: $total tests, $failures failures, $errors errors (launcher exit $rc)"
    exit $((rc != 0 ? rc : 1))
fi
echo "OK: $total tests passed on linux-arm64 under qemu ($skipped skipped)"
