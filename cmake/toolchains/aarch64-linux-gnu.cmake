# Cross compiling for linux-arm64 with Debian's g++-aarch64-linux-gnu (ci/cross-arm64.sh).
#   cmake -S native -B <dir> -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake ...
# CONV4J_CROSS_PREFIX overrides the tool prefix (default aarch64-linux-gnu-).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

if(NOT DEFINED CONV4J_CROSS_PREFIX)
    set(CONV4J_CROSS_PREFIX aarch64-linux-gnu-)
endif()
set(CMAKE_C_COMPILER ${CONV4J_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${CONV4J_CROSS_PREFIX}g++)

# Libraries and headers: the target sysroot (Debian multiarch cross packages) and the explicit paths
# given to find_library (the arm64 openblas presets jar, outside the sysroot: hence BOTH); programs from the host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Run the cross-built test binary under qemu when qemu-user is installed (ctest then really runs).
find_program(CONV4J_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(CONV4J_QEMU_AARCH64)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${CONV4J_QEMU_AARCH64} -L /usr/aarch64-linux-gnu)
endif()
