# shellcheck shell=bash
# Sourced by the ci/ scripts: openblas_root <platform> <dest-dir> prints the extracted
# org/bytedeco/openblas/<platform>/ folder of the presets jar (headers + library), fetching the jar
# into the local Maven repository with `mvn dependency:get` when it is not there yet.
# Honours CONV4J_OPENBLAS_VERSION and MAVEN_REPO.

openblas_root() {
    local platform="$1" dest="$2"
    local version="${CONV4J_OPENBLAS_VERSION:-0.3.31-1.5.13}"
    local repo="${MAVEN_REPO:-$HOME/.m2/repository}"
    local jar="$repo/org/bytedeco/openblas/$version/openblas-$version-$platform.jar"
    if [[ ! -f "$jar" ]]; then
        echo "fetching org.bytedeco:openblas:$version:$platform" >&2
        mvn -B -q -N dependency:get -Dtransitive=false \
            -Dartifact="org.bytedeco:openblas:$version:jar:$platform" >&2
    fi
    [[ -f "$jar" ]] || { echo "no $jar" >&2; return 1; }
    local out="$dest/org/bytedeco/openblas/$platform"
    if [[ ! -f "$out/include/cblas.h" || "$jar" -nt "$out/include/cblas.h" ]]; then
        mkdir -p "$dest"
        if command -v unzip >/dev/null 2>&1; then
            unzip -oq "$jar" "org/bytedeco/openblas/$platform/*" -d "$dest"
        else  # Git Bash on Windows may lack unzip; the JDK's jar tool is always there
            (cd "$dest" && jar xf "$jar" "org/bytedeco/openblas/$platform/")
        fi
    fi
    printf '%s\n' "$out"
}
