# Configure + build + test + install of native/ in one `cmake -P` call, run by the javacpp Maven plugin
# (execution native-core, pom.xml) so that `mvn` needs no manual step and no shell.
# Inputs (-D): CONV4J_SOURCE_DIR, CONV4J_BUILD_DIR, CONV4J_WITH_CUDA (AUTO: ON when nvcc is found; ON; OFF),
# CONV4J_RUN_CTEST (ON/OFF).
# Environment: BUILD_PATH = the folders the plugin extracted from the openblas presets jar, separated by
# BUILD_PATH_SEPARATOR; the one holding include/cblas.h is OpenBLAS's root.
cmake_minimum_required(VERSION 3.18)

foreach(v CONV4J_SOURCE_DIR CONV4J_BUILD_DIR)
    if(NOT DEFINED ${v})
        message(FATAL_ERROR "Conv4jNativeBuild: -D${v}=... is required")
    endif()
endforeach()
if(NOT DEFINED CONV4J_WITH_CUDA)
    set(CONV4J_WITH_CUDA AUTO)
endif()
if(NOT DEFINED CONV4J_RUN_CTEST)
    set(CONV4J_RUN_CTEST ON)
endif()

set(_sep "$ENV{BUILD_PATH_SEPARATOR}")
if(_sep STREQUAL "")
    set(_sep ":")
endif()
string(REPLACE "${_sep}" ";" _paths "$ENV{BUILD_PATH}")
set(_openblas "")
foreach(p IN LISTS _paths)
    if(EXISTS "${p}/include/cblas.h")
        set(_openblas "${p}")
    endif()
endforeach()
if(_openblas STREQUAL "")
    message(FATAL_ERROR "Conv4jNativeBuild: no include/cblas.h under BUILD_PATH='$ENV{BUILD_PATH}'")
endif()

function(conv4j_run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        string(REPLACE ";" " " cmd "${ARGN}")
        message(FATAL_ERROR "Conv4jNativeBuild: '${cmd}' failed (${rc})")
    endif()
endfunction()

cmake_host_system_information(RESULT _cores QUERY NUMBER_OF_LOGICAL_CORES)
if(CONV4J_WITH_CUDA STREQUAL "AUTO")
    set(_cuda_arg "-UCONV4J_WITH_CUDA")  # let native/CMakeLists.txt decide with find_program(nvcc)
else()
    set(_cuda_arg "-DCONV4J_WITH_CUDA=${CONV4J_WITH_CUDA}")
endif()
conv4j_run(${CMAKE_COMMAND} -S "${CONV4J_SOURCE_DIR}" -B "${CONV4J_BUILD_DIR}"
           -DCMAKE_BUILD_TYPE=Release
           "-DCONV4J_OPENBLAS_ROOT=${_openblas}"
           ${_cuda_arg}
           "-DBUILD_TESTING=${CONV4J_RUN_CTEST}"
           "-DCMAKE_INSTALL_PREFIX=${CONV4J_BUILD_DIR}/install")
conv4j_run(${CMAKE_COMMAND} --build "${CONV4J_BUILD_DIR}" --config Release --parallel ${_cores})
if(CONV4J_RUN_CTEST)
    conv4j_run(${CMAKE_CTEST_COMMAND} --test-dir "${CONV4J_BUILD_DIR}" -C Release --output-on-failure)
endif()
conv4j_run(${CMAKE_COMMAND} --install "${CONV4J_BUILD_DIR}" --config Release)
