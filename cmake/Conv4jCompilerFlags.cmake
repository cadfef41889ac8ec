# Compiler settings shared by conv4j's native targets.
# No -march=native anywhere: the jar must run on any x86-64. Vector extensions go only into the
# source files named with conv4j_avx2_source(), which are called after a runtime CPUID check.

option(CONV4J_SANITIZE "Build with -fsanitize=address,undefined (tests only; see ci/sanitizers.sh)" OFF)
# Tests only (ci/avx512-emulated.sh): the AVX-512 kernel files run on SIMDe's portable intrinsics and the CPU is
# taken to have AVX-512, so the native tests check those kernels on a machine without it. Never for a shipped library.
option(CONV4J_EMULATE_AVX512 "Run the AVX-512 kernels through SIMDe (tests only; see ci/avx512-emulated.sh)" OFF)
if(CONV4J_EMULATE_AVX512)
    add_compile_definitions(CONV4J_EMULATE_AVX512=1)
endif()

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
    set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

if(CONV4J_SANITIZE)
    if(MSVC)
        message(FATAL_ERROR "CONV4J_SANITIZE needs GCC or Clang")
    endif()
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
    add_link_options(-fsanitize=address,undefined)
endif()

function(conv4j_warnings target)
    if(MSVC)
        target_compile_options(${target} PRIVATE /W4)
    else()
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
    endif()
endfunction()

# Whether the compiler targets x86-64, asked of the compiler itself: CMAKE_SYSTEM_PROCESSOR names the
# host, not the target, when building for another macOS architecture or without a toolchain file.
include(CheckCXXSourceCompiles)
check_cxx_source_compiles("
#if !defined(__x86_64__) && !defined(_M_X64)
#error not x86-64
#endif
int main() { return 0; }" CONV4J_TARGET_X86_64)

function(conv4j_avx2_source src)
    if(CONV4J_TARGET_X86_64)
        if(MSVC)
            # MSVC defines __AVX2__ but never __FMA__ (its /arch:AVX2 does emit FMA); the AVX2 files test
            # both and would otherwise compile to their never-to-be-selected stubs
            set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "/arch:AVX2" COMPILE_DEFINITIONS "__FMA__=1")
        else()
            set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma")
        endif()
    endif()
endfunction()

# AVX-512 (F, CD, BW, DQ, VL, plus AVX2/FMA) only in files reached after c4j::cpu_has_avx512() says yes.
function(conv4j_avx512_source src)
    if(CONV4J_TARGET_X86_64)
        if(MSVC)
            set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "/arch:AVX512" COMPILE_DEFINITIONS "__FMA__=1")
        elseif(CONV4J_EMULATE_AVX512)
            set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS
                "-mavx2;-mfma;-Wno-psabi;-include;${PROJECT_SOURCE_DIR}/src/isa/simde_avx512_shim.h")
        else()
            set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS
                "-mavx512f;-mavx512cd;-mavx512bw;-mavx512dq;-mavx512vl;-mavx2;-mfma")
        endif()
    endif()
endfunction()
