# Imports the OpenBLAS of bytedeco's openblas platform jar as target bytedeco::openblas.
#
# The jar ships cblas.h under include/ and the library under its versioned name only
# (libopenblas.so.0 / libopenblas.0.dylib / openblas.dll + libopenblas.lib): there is no plain
# libopenblas.so, so we link the versioned file by full path. Its shipped CMake and pkg-config
# files point at the build server's paths and are not used.
if(NOT OPENBLAS_ROOT)
    message(FATAL_ERROR "Set OPENBLAS_ROOT to the unpacked org/bytedeco/openblas/<platform> folder")
endif()
find_path(OPENBLAS_INCLUDE_DIR cblas.h PATHS "${OPENBLAS_ROOT}/include" NO_DEFAULT_PATH REQUIRED)
find_library(OPENBLAS_LIBRARY
    NAMES libopenblas.so.0 libopenblas.0.dylib libopenblas.lib openblas.lib
    PATHS "${OPENBLAS_ROOT}" "${OPENBLAS_ROOT}/lib"
    NO_DEFAULT_PATH REQUIRED)
message(STATUS "bytedeco OpenBLAS: ${OPENBLAS_LIBRARY} (headers ${OPENBLAS_INCLUDE_DIR})")

add_library(bytedeco::openblas UNKNOWN IMPORTED)
set_target_properties(bytedeco::openblas PROPERTIES
    IMPORTED_LOCATION "${OPENBLAS_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${OPENBLAS_INCLUDE_DIR}")
