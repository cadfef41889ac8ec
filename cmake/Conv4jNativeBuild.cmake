# Configure + build + install of native/ in one `cmake -P` call, run by the javacpp Maven plugin
# (execution native-core, pom.xml) so that `mvn` needs no manual step and no shell.
# Inputs (-D): CONV4J_SOURCE_DIR, CONV4J_BUILD_DIR, CONV4J_WITH_CUDA (AUTO: ON when nvcc is found; ON; OFF),
# CONV4J_NATIVE_VERBOSE (ON: stream CMake/make output). The C++ tests are always built (once: the build is
# incremental), so switching CTest on or off costs no reconfigure; pom.xml runs CTest in the test phase.
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

# Quiet unless something fails: each step's output is kept and printed only when the step fails, or always
# with -DCONV4J_NATIVE_VERBOSE=ON (mvn -Dconv4j.nativeVerbose=ON), so `mvn -q` shows no CMake/make output.
if(NOT DEFINED CONV4J_NATIVE_VERBOSE)
    set(CONV4J_NATIVE_VERBOSE OFF)
endif()
function(conv4j_run)
    if(CONV4J_NATIVE_VERBOSE)
        execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    else()
        execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    endif()
    if(NOT rc EQUAL 0)
        string(REPLACE ";" " " cmd "${ARGN}")
        message(FATAL_ERROR "${out}\nConv4jNativeBuild: '${cmd}' failed (${rc})")
    endif()
endfunction()

cmake_host_system_information(RESULT _cores QUERY NUMBER_OF_LOGICAL_CORES)
if(CONV4J_WITH_CUDA STREQUAL "AUTO")
    set(_cuda_arg "-UCONV4J_WITH_CUDA")  # let native/CMakeLists.txt decide with find_program(nvcc)
else()
    set(_cuda_arg "-DCONV4J_WITH_CUDA=${CONV4J_WITH_CUDA}")
endif()
set(_configure_args -S "${CONV4J_SOURCE_DIR}" -B "${CONV4J_BUILD_DIR}"
    -DCMAKE_BUILD_TYPE=Release
    "-DCONV4J_OPENBLAS_ROOT=${_openblas}"
    ${_cuda_arg}
    -DBUILD_TESTING=ON
    "-DCMAKE_INSTALL_PREFIX=${CONV4J_BUILD_DIR}/install")
# Configure only when the build folder is new or the arguments changed: the generated build system re-runs
# CMake by itself when a CMakeLists.txt changes, so a rebuild with nothing changed does no CMake work.
# The C++ tests compile here with the library; CTest runs them in Maven's test phase (pom.xml, native-ctest).
set(_stamp "${CONV4J_BUILD_DIR}/conv4j-configure-args.txt")
set(_old_args "")
if(EXISTS "${_stamp}" AND EXISTS "${CONV4J_BUILD_DIR}/CMakeCache.txt")
    file(READ "${_stamp}" _old_args)
endif()
if(NOT _old_args STREQUAL "${_configure_args}")
    conv4j_run(${CMAKE_COMMAND} ${_configure_args})
    file(WRITE "${_stamp}" "${_configure_args}")
endif()
conv4j_run(${CMAKE_COMMAND} --build "${CONV4J_BUILD_DIR}" --config Release --parallel ${_cores})
# install copies only files that changed, so the JNI steps' up-to-date check (pom.xml) sees unchanged times.
conv4j_run(${CMAKE_COMMAND} --install "${CONV4J_BUILD_DIR}" --config Release)
