#!/usr/bin/env bash
# Installs with apt (Debian/Ubuntu) whatever the build needs and is missing; installs nothing when all
# is there. Used by .ci/run and by the Linux jobs of .github/workflows/ci.yml.
#   ci/install-deps.sh            JDK 17+, Maven, g++, CMake, unzip, file (the Maven build and tests) and the
#                                 Fashion-MNIST files (dataset-fashion-mnist: the LeNet training test)
#   ci/install-deps.sh --checks   also clang, the aarch64 cross g++, qemu-user, MinGW-w64 g++, the linters,
#                                 node/npm and an arm64 JRE 17 (ci/native-compilers.sh, ci/cross-*.sh,
#                                 ci/arm64-java-tests.sh, ci/lint-workflows.sh)
set -euo pipefail
shopt -s inherit_errexit  # a failing command inside $(...) fails the script too
export DEBIAN_FRONTEND=noninteractive

# a JDK (javac: the tests compile the README example) of version 17+, on the PATH or in /usr/lib/jvm
have_jdk17() {
    local j v
    for j in "$(command -v javac 2>/dev/null || true)" /usr/lib/jvm/*/bin/javac; do
        [[ -n "$j" && -x "$j" ]] || continue
        v="$("$j" -version 2>&1 | sed -n 's/^javac \([0-9][0-9]*\).*/\1/p')"
        [[ -n "$v" && "$v" -ge 17 ]] && return 0
    done
    return 1
}

# command that must exist -> Debian package that provides it
need=(mvn:maven g++:g++ cmake:cmake unzip:unzip file:file)
if [[ "${1:-}" == --checks ]]; then
    need+=(clang++:clang aarch64-linux-gnu-g++:g++-aarch64-linux-gnu qemu-aarch64:qemu-user
           x86_64-w64-mingw32-g++-posix:g++-mingw-w64-x86-64-posix
           node:nodejs npm:npm shellcheck:shellcheck yamllint:yamllint)
fi

missing=()
have_jdk17 || missing+=(openjdk-17-jdk-headless)
[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] || missing+=(dataset-fashion-mnist)
# the SIMDe headers: ci/avx512-emulated.sh runs the AVX-512 kernels on their portable intrinsics
if [[ "${1:-}" == --checks ]] && [[ ! -f /usr/include/simde/x86/avx512.h ]]; then missing+=(libsimde-dev); fi
for pair in "${need[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
# ci/arm64-java-tests.sh runs the Java tests on Debian's/Ubuntu's arm64 JRE under qemu-user: a foreign
# architecture package, installed next to the x86-64 JDK (it brings libc6:arm64 and the arm64 loader)
arm64_jre=()
if [[ "${1:-}" == --checks ]] && ! compgen -G '/usr/lib/jvm/java-17-openjdk-arm64/bin/java' >/dev/null; then
    arm64_jre=(openjdk-17-jre-headless:arm64)
fi

if ((${#missing[@]} + ${#arm64_jre[@]} == 0)); then
    echo "install-deps.sh: everything present, nothing to install"
    exit 0
fi
echo "install-deps.sh: installing ${missing[*]} ${arm64_jre[*]}"
sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps.sh: need root or sudo to install ${missing[*]} ${arm64_jre[*]}" >&2; exit 1; }
    sudo=(sudo -n)
fi

# arm64 packages on an x86-64 Debian come from the same mirrors. Ubuntu serves arm64 from ports.ubuntu.com
# only, so there the existing sources are pinned to the native architecture (else apt-get update fails on
# their missing arm64 indexes) and the ports mirror is added for arm64. Not tried on Ubuntu yet (the GitHub
# job is the first run); Debian 12 is what .ci/run was run on.
add_arm64_architecture() {
    local native codename f
    native="$(dpkg --print-architecture)"
    if dpkg --print-foreign-architectures | grep -qx arm64; then
        return 0
    fi
    if grep -qs '^ID=ubuntu' /etc/os-release; then
        codename="$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)"
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [[ -f "$f" ]] || continue
            # one-line format: add arch=<native> to every deb line that names no architecture
            "${sudo[@]}" sed -i -E "/^deb(-src)?[[:space:]]+\[[^]]*arch=/b; s/^(deb(-src)?)[[:space:]]+\[/\1 [arch=$native /; t; s/^(deb(-src)?)[[:space:]]+([^[])/\1 [arch=$native] \3/" "$f"
        done
        for f in /etc/apt/sources.list.d/*.sources; do
            [[ -f "$f" ]] || continue
            grep -qi '^Architectures:' "$f" || "${sudo[@]}" sed -i -E "s/^(Types:.*)$/\1\nArchitectures: $native/" "$f"
        done
        printf 'deb [arch=arm64] http://ports.ubuntu.com/ubuntu-ports %s main universe\n' \
            "$codename" "$codename-updates" "$codename-security" |
            "${sudo[@]}" tee /etc/apt/sources.list.d/conv4j-arm64-ports.list >/dev/null
    fi
    "${sudo[@]}" dpkg --add-architecture arm64
}
if ((${#arm64_jre[@]} > 0)); then
    add_arm64_architecture
fi

"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" "${arm64_jre[@]}" </dev/null
