#!/usr/bin/env bash
# Assembles the release layout into a Maven repository folder: org.conv4j:conv4j (core/pom.xml: main jar,
# sources and javadoc jars, the classifier jar of every platform found; each with META-INF/LICENSE) and
# org.conv4j:conv4j-platform (platform/pom.xml). The examples module is never part of it. The
# GitHub release job runs it on the jars every platform job uploaded, with --require-all; .ci/run runs
# it with this machine's jar only. Publishing that folder (or `mvn deploy` to Central) is a separate,
# credentialed step that is not part of this script.
# Usage: ci/assemble-release.sh [--require-all] <folder with conv4j-*.jar, e.g. core/target> <repository folder>
set -euo pipefail
shopt -s inherit_errexit  # a failing command inside $(...) fails the script too

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ci/lib/platforms.sh
source "$root/ci/lib/platforms.sh"

require_all=false
if [[ "${1:-}" == --require-all ]]; then require_all=true; shift; fi
(($# == 2)) || { echo "usage: $0 [--require-all] <jars-dir> <repo-dir>" >&2; exit 2; }
jars="$(cd "$1" && pwd)"
mkdir -p "$2"
repo="$(cd "$2" && pwd)"

version="$(conv4j_version "$root/core/pom.xml")"
platform_version="$(sed -n '/<artifactId>conv4j-platform<\/artifactId>/,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$root/platform/pom.xml" | sed -n 1,1p)"
[[ -n "$version" && "$version" == "$platform_version" ]] || {
    echo "assemble-release.sh: core/pom.xml is version '$version' but platform/pom.xml is '$platform_version'" >&2; exit 1; }
# the root pom (the build of both modules) carries the same version: examples depends on conv4j ${project.version}
build_version="$(sed -n '/<artifactId>conv4j-build<\/artifactId>/,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | sed -n 1,1p)"
[[ "$version" == "$build_version" ]] || {
    echo "assemble-release.sh: core/pom.xml is version '$version' but pom.xml is '$build_version'" >&2; exit 1; }

# every jar of the release carries the licence
has_license() {
    local listing
    listing="$(jar tf "$1")"
    grep -qxF META-INF/LICENSE <<<"$listing" || { echo "assemble-release.sh: $1 lacks META-INF/LICENSE" >&2; exit 1; }
}

main="$jars/conv4j-$version.jar"
sources="$jars/conv4j-$version-sources.jar"
javadoc="$jars/conv4j-$version-javadoc.jar"
for f in "$main" "$sources" "$javadoc"; do
    [[ -f "$f" ]] || { echo "assemble-release.sh: no $f" >&2; exit 1; }
    has_license "$f"
done
listing="$(jar tf "$main")"
if grep -E '^org/conv4j/(demo|examples)/' <<<"$listing"; then
    echo "assemble-release.sh: $main holds the demo or the examples (above): they belong to the examples module" >&2; exit 1
fi

files=() classifiers=() types=() missing=()
for p in "${CONV4J_PLATFORMS[@]}"; do
    jar="$jars/conv4j-$version-$p.jar"
    if [[ ! -f "$jar" ]]; then missing+=("$p"); continue; fi
    entry="$(conv4j_jni_entry "$p")"
    # list first, then grep: `jar tf | grep -q` under pipefail can fail on SIGPIPE
    listing="$(jar tf "$jar")"
    grep -qxF "$entry" <<<"$listing" || { echo "assemble-release.sh: $jar lacks $entry" >&2; exit 1; }
    others="$(grep '^org/conv4j/.*/[a-z]*-[a-z0-9_]*/' <<<"$listing" | grep -v "^org/conv4j/[a-z]*/$p/" || true)"
    [[ -z "$others" ]] || { echo "assemble-release.sh: $jar holds another platform's files: $others" >&2; exit 1; }
    # CONV4J_EXPECT_CPU_ONLY=1 (the workflow's CPU-only job): no CUDA library may have been packaged
    if [[ "${CONV4J_EXPECT_CPU_ONLY:-0}" == 1 ]] && grep -qi cuda <<<"$listing"; then
        echo "assemble-release.sh: CPU-only build expected, but $jar holds: $(grep -i cuda <<<"$listing")" >&2; exit 1
    fi
    has_license "$jar"
    echo "  $p: $(basename "$jar") ($(wc -c <"$jar") bytes) with $entry"
    files+=("$jar") classifiers+=("$p") types+=(jar)
done
if ((${#missing[@]})); then
    if $require_all; then
        echo "assemble-release.sh: no classifier jar for: ${missing[*]}" >&2; exit 1
    fi
    echo "!!! assemble-release.sh: partial release layout, no natives for: ${missing[*]} (ok on a one-platform machine, never for a release)"
fi
((${#files[@]})) || { echo "assemble-release.sh: no classifier jar at all in $jars" >&2; exit 1; }

join() { local IFS=,; echo "$*"; }
mkdir -p "$root/target"
write_release_settings "$root/target/assemble-release-settings.xml" "$repo"
# own local repositories throughout, so that the developer's one never caches these conv4j artifacts
m2="$root/target/assemble-release-m2"
rm -rf "$m2/org/conv4j"
mvn -B -q -Dmaven.repo.local="$m2" -s "$root/target/assemble-release-settings.xml" deploy:deploy-file -Durl="$(file_url "$repo")" -DrepositoryId=conv4j-release \
    -Dfile="$main" -DpomFile="$root/core/pom.xml" -Dsources="$sources" -Djavadoc="$javadoc" \
    -Dfiles="$(join "${files[@]}")" -Dclassifiers="$(join "${classifiers[@]}")" -Dtypes="$(join "${types[@]}")"
# conv4j-platform's jar plugin resolves its dependencies: from the repository just written, trimmed to
# a platform present there (the jar and the deployed pom do not depend on that choice)
mvn -B -q -s "$root/target/assemble-release-settings.xml" -Dmaven.repo.local="$m2" \
    -f "$root/platform/pom.xml" -Djavacpp.platform="${classifiers[0]}" \
    deploy -DaltDeploymentRepository="conv4j-release::$(file_url "$repo")"
echo "assemble-release.sh: org.conv4j:conv4j:$version (sources, javadoc, ${classifiers[*]}) and org.conv4j:conv4j-platform:$version in $repo"
