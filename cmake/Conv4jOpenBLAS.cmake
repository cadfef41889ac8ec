# OpenBLAS from the org.bytedeco:openblas presets jar, never a system BLAS.
# CONV4J_OPENBLAS_ROOT: the jar's extracted platform folder (org/bytedeco/openblas/<platform>/), with
# include/cblas.h and libopenblas.so.0 (or .dylib / .dll + .lib). Maven passes the folder the javacpp
# plugin extracted ($BUILD_PATH); ci/sanitizers.sh unzips the jar from the local Maven repository.
# Defines the imported target conv4j::openblas.

set(CONV4J_OPENBLAS_ROOT "" CACHE PATH "Extracted org/bytedeco/openblas/<platform>/ folder of the presets jar")
if(NOT CONV4J_OPENBLAS_ROOT OR NOT EXISTS "${CONV4J_OPENBLAS_ROOT}/include/cblas.h")
    message(FATAL_ERROR "conv4j: CONV4J_OPENBLAS_ROOT='${CONV4J_OPENBLAS_ROOT}' has no include/cblas.h; "
        "point it at the extracted org/bytedeco/openblas/<platform>/ folder of the openblas presets jar")
endif()

find_library(CONV4J_OPENBLAS_LIBRARY
    NAMES openblas libopenblas.so.0 libopenblas.0.dylib libopenblas
    PATHS "${CONV4J_OPENBLAS_ROOT}" "${CONV4J_OPENBLAS_ROOT}/lib"
    NO_DEFAULT_PATH)
if(NOT CONV4J_OPENBLAS_LIBRARY)
    file(GLOB _conv4j_ob "${CONV4J_OPENBLAS_ROOT}/libopenblas.so.*")
    list(SORT _conv4j_ob)
    list(GET _conv4j_ob 0 CONV4J_OPENBLAS_LIBRARY)
endif()
if(NOT CONV4J_OPENBLAS_LIBRARY)
    message(FATAL_ERROR "conv4j: no OpenBLAS library in ${CONV4J_OPENBLAS_ROOT}")
endif()
message(STATUS "conv4j: OpenBLAS ${CONV4J_OPENBLAS_LIBRARY}")

add_library(conv4j::openblas UNKNOWN IMPORTED)
set_target_properties(conv4j::openblas PROPERTIES
    IMPORTED_LOCATION "${CONV4J_OPENBLAS_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CONV4J_OPENBLAS_ROOT}/include")

# The presets' openblas_config.h declares `typedef _Float16 hfloat16` for GCC >= 12, but g++ 12 knows
# _Float16 in C++ only on x86 (C++ support elsewhere came with GCC 13), so on arm64 cblas.h does not
# compile with g++ 12 (Debian 12's native and cross compilers). __fp16 is the same 16-bit storage type
# there, and conv4j never calls the half-precision entry points that use it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13 AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
    set_property(TARGET conv4j::openblas APPEND PROPERTY
        INTERFACE_COMPILE_DEFINITIONS "$<$<COMPILE_LANGUAGE:CXX>:_Float16=__fp16>")
endif()
