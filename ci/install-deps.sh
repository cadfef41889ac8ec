#!/usr/bin/env bash
# Installs with apt (Debian/Ubuntu) whatever the build needs and is missing; installs nothing when all
# is there. Used by .ci/run and by the Linux jobs of .github/workflows/ci.yml.
#   ci/install-deps.sh            JDK 17+, Maven, g++, CMake, unzip, file (the Maven build and tests) and the
#                                 Fashion-MNIST files (dataset-fashion-mnist: the LeNet training test)
#   ci/install-deps.sh --checks   also clang, the aarch64 cross g++, qemu-user, MinGW-w64 g++, the linters
#                                 and node/npm (ci/native-compilers.sh, ci/cross-*.sh, ci/lint-workflows.sh)
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
for pair in "${need[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done

if ((${#missing[@]} == 0)); then
    echo "install-deps.sh: everything present, nothing to install"
    exit 0
fi
echo "install-deps.sh: installing ${missing[*]}"
sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps.sh: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo=(sudo -n)
fi
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
