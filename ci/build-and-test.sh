#!/usr/bin/env bash
# Runs exactly the README's test command, `mvn -B verify`, then prints the surefire summary per test
# class and in total. Fails when Maven fails or when no test ran at all.
set -euo pipefail
shopt -s inherit_errexit  # a failing command inside $(...) fails the script too

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# extra Maven arguments: this script's own, then CONV4J_MAVEN_ARGS (split on spaces), e.g. the
# workflow's -Dconv4j.withCuda=OFF; none from .ci/run, which runs exactly the README's command
read -r -a env_args <<<"${CONV4J_MAVEN_ARGS:-}"
args=("$@" "${env_args[@]}")
printf '\n== mvn -B verify %s\n' "${args[*]}"
rc=0
rm -rf core/target/surefire-reports examples/target/surefire-reports  # count only this run's tests
mvn -B verify "${args[@]}" || rc=$?

printf '\n== surefire summary\n'
# both modules: the library (core) and the demo + example applications (examples)
reports=()
for module in core examples; do
    for f in "$module"/target/surefire-reports/TEST-*.xml; do
        [[ -e "$f" ]] && reports+=("$f")
    done
    if [[ ! -e "$module/target/surefire-reports" ]]; then
        echo "no surefire reports in $module/target/surefire-reports: no test of $module ran"
        rc=$((rc != 0 ? rc : 1))
    fi
done
if ((${#reports[@]} == 0)); then
    echo "no surefire reports: no test ran"
    exit $((rc != 0 ? rc : 1))
fi

total=0 failures=0 errors=0 skipped=0
printf '%-55s %6s %6s %6s %6s\n' "test class" tests fail error skip
for f in "${reports[@]}"; do
    head="$(grep -m1 -o '<testsuite [^>]*>' "$f")"
    attr() { sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p" <<<"$head"; }
    name="$(attr name)"; t="$(attr tests)"; fl="$(attr failures)"; e="$(attr errors)"; s="$(attr skipped)"
    printf '%-55s %6s %6s %6s %6s\n' "${name#org.conv4j.}" "$t" "$fl" "$e" "$s"
    total=$((total + t)); failures=$((failures + fl)); errors=$((errors + e)); skipped=$((skipped + s))
done
printf '%-55s %6s %6s %6s %6s\n' TOTAL "$total" "$failures" "$errors" "$skipped"

if ((rc != 0)); then
    echo "FAILED: mvn -B verify exited with $rc"
    exit "$rc"
fi
if ((total == 0 || failures > 0 || errors > 0)); then
    echo "FAILED: $total tests, $failures failures, $errors errors"
    exit 1
fi
echo "OK: $total tests passed ($skipped skipped)"
