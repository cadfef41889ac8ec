# shellcheck shell=bash
# Sourced by the ci/ scripts: the platforms conv4j ships natives for (JavaCPP's names), the version of
# ../core/pom.xml (the library module), the name of the JNI library in a classifier jar, and the platform of this machine.

# shellcheck disable=SC2034  # used by the scripts that source this file
CONV4J_PLATFORMS=(linux-x86_64 linux-arm64 macosx-x86_64 macosx-arm64 windows-x86_64)

# the <version> of the library in core/pom.xml (the first one after <artifactId>conv4j</artifactId>)
conv4j_version() {
    sed -n '/<artifactId>conv4j<\/artifactId>/,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$1" | sed -n 1,1p
}

# the cpu backend's JNI library inside the classifier jar of platform $1
conv4j_jni_entry() {
    case "$1" in
        linux-*) echo "org/conv4j/cpu/$1/libjniCpuNative.so" ;;
        macosx-*) echo "org/conv4j/cpu/$1/libjniCpuNative.dylib" ;;
        windows-*) echo "org/conv4j/cpu/$1/jniCpuNative.dll" ;;
        *) return 1 ;;
    esac
}

host_platform() {
    local os arch
    case "$(uname -s)" in
        Linux) os=linux ;;
        Darwin) os=macosx ;;
        MINGW* | MSYS* | CYGWIN*) os=windows ;;
        *) echo "unknown-os"; return 1 ;;
    esac
    case "$(uname -m)" in
        x86_64 | amd64) arch=x86_64 ;;
        aarch64 | arm64) arch=arm64 ;;
        *) echo "unknown-arch"; return 1 ;;
    esac
    echo "$os-$arch"
}

# file:// URL of a local folder (Git Bash on Windows: D:/a/... instead of /d/a/...)
file_url() {
    if command -v cygpath >/dev/null 2>&1; then
        echo "file:///$(cygpath -m "$1")"
    else
        echo "file://$1"
    fi
}

# Maven settings with two extra repositories: the release repository $2 (conv4j's artifacts) and the
# developer's local repository (everything else, no download when it is there); Central stays last.
write_release_settings() {
    local local_repo="${MAVEN_REPO:-$HOME/.m2/repository}"
    cat >"$1" <<XML
<settings>
  <profiles>
    <profile>
      <id>conv4j-release</id>
      <activation><activeByDefault>true</activeByDefault></activation>
      <repositories>
        <repository><id>conv4j-release</id><url>$(file_url "$2")</url>
          <snapshots><enabled>true</enabled></snapshots></repository>
        <repository><id>developer-local</id><url>$(file_url "$local_repo")</url></repository>
      </repositories>
      <pluginRepositories>
        <pluginRepository><id>developer-local</id><url>$(file_url "$local_repo")</url></pluginRepository>
      </pluginRepositories>
    </profile>
  </profiles>
</settings>
XML
}
