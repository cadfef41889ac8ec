#!/usr/bin/env bash
# Resolves org.conv4j:conv4j-platform from a release repository (ci/assemble-release.sh) in a separate
# user project (ci/platform-consumer) with its own, fresh local repository, and checks what each
# switch brings:
#   -Djavacpp.platform=P      exactly P's conv4j and OpenBLAS natives, no other platform's
#   -Djavacpp.platform.host   exactly this machine's
#   (no switch, --all)        every platform's conv4j natives
# When P is this machine's platform, it also runs the consumer: the cpu backend must load from the
# classifier jar and agree with the java backend.
# Usage: ci/platform-test.sh [--all] <repository folder> [platform...]   (default: this machine's)
set -euo pipefail
shopt -s inherit_errexit  # a failing command inside $(...) fails the script too

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ci/lib/platforms.sh
source "$root/ci/lib/platforms.sh"

all=false
if [[ "${1:-}" == --all ]]; then all=true; shift; fi
(($# >= 1)) || { echo "usage: $0 [--all] <repo-dir> [platform...]" >&2; exit 2; }
repo="$(cd "$1" && pwd)"
shift
host="$(host_platform)"
platforms=("$@")
((${#platforms[@]})) || platforms=("$host")
version="$(conv4j_version "$root/core/pom.xml")"
sep=':'
[[ "$host" == windows-* ]] && sep=';'   # the JVM's path.separator

work="$root/target/platform-test"
m2="$work/m2"
# conv4j must come from the release repository, never from an earlier run's cache
rm -rf "$work/project" "$m2/org/conv4j"
mkdir -p "$work"
cp -R "$root/ci/platform-consumer" "$work/project"
write_release_settings "$work/settings.xml" "$repo"
mvn_consumer() {
    mvn -B -q -s "$work/settings.xml" -Dmaven.repo.local="$m2" -f "$work/project/pom.xml" \
        -Dconv4j.version="$version" "$@"
}

# the jars of the resolved class path, one file name a line
classpath_jars() {
    rm -f "$work/cp.txt"
    mvn_consumer "$@" dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >&2
    tr "$sep" '\n' <"$work/cp.txt" | sed 's:.*[/\\]::' | sort
}

# $1: the jars; $2...: the platforms whose conv4j natives must be there and the only ones there
expect_natives() {
    local jars="$1" p
    shift
    for p in "${CONV4J_PLATFORMS[@]}"; do
        local want=false q
        for q in "$@"; do [[ "$q" == "$p" ]] && want=true; done
        if $want; then
            grep -qxF "conv4j-$version-$p.jar" <<<"$jars" || { echo "platform-test.sh: conv4j-$version-$p.jar missing" >&2; return 1; }
        elif grep -qxF "conv4j-$version-$p.jar" <<<"$jars"; then
            echo "platform-test.sh: conv4j-$version-$p.jar present but not asked for" >&2; return 1
        fi
    done
}

for p in "${platforms[@]}"; do
    printf '\n== conv4j-platform with -Djavacpp.platform=%s\n' "$p"
    jars="$(classpath_jars -Djavacpp.platform="$p")"
    echo "$jars"
    expect_natives "$jars" "$p"
    grep -q "^openblas-.*-$p\.jar$" <<<"$jars" || { echo "platform-test.sh: no OpenBLAS natives for $p" >&2; exit 1; }
    if grep -E -- '-(linux|macosx|windows|android|ios)-[a-z0-9_]+\.jar$' <<<"$jars" | grep -v -- "-$p\.jar$"; then
        echo "platform-test.sh: natives of other platforms with -Djavacpp.platform=$p (above)" >&2; exit 1
    fi
    if [[ "$p" == "$host" ]]; then
        mvn_consumer -Djavacpp.platform="$p" package
        java -cp "$work/project/target/classes$sep$(cat "$work/cp.txt")" \
            example.PlatformConsumer "$p"
    else
        echo "(not $host: resolved only, not run)"
    fi
done

printf '\n== conv4j-platform with -Djavacpp.platform.host (this machine: %s)\n' "$host"
jars="$(classpath_jars -Djavacpp.platform.host)"
expect_natives "$jars" "$host"
echo "only $host's conv4j natives: ok"

if $all; then
    printf '\n== conv4j-platform with no switch: every platform\n'
    jars="$(classpath_jars)"
    echo "$jars"
    expect_natives "$jars" "${CONV4J_PLATFORMS[@]}"
fi
echo "platform-test.sh: conv4j-platform resolves as documented"
