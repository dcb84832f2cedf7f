# Optimise, but for the baseline ISA only: the jar must run on any CPU of its platform
# (OpenBLAS dispatches its own kernels at run time). Never -march=native.
# The GCC/Clang flags stay on one line each: scripts/native-sources.sh reads them from here, so
# that the sanitizer and cross builds compile with exactly the flags of the real one.
set(CONV4J_GNU_C_FLAGS -O3 -Wall -Wextra -Wno-unused-parameter -fno-math-errno -fvisibility=default)
# The AVX2/FMA units (native/avx2-sources.txt) only, on x86-64 only: their code runs behind the
# run-time check c4j_fast() (native/cpu.h), the rest of the library stays baseline.
set(CONV4J_AVX2_GNU_C_FLAGS -mavx2 -mfma)
set(CONV4J_AVX2_MSVC_C_FLAGS /arch:AVX2)
# The AVX-512 units (native/avx512-sources.txt), likewise: behind c4j_avx512() (native/cpu.h).
set(CONV4J_AVX512_GNU_C_FLAGS -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx2 -mfma)
set(CONV4J_AVX512_MSVC_C_FLAGS /arch:AVX512)

function(conv4j_compile_flags target)
    if(MSVC)
        target_compile_options(${target} PRIVATE /O2 /W3)
    else()
        target_compile_options(${target} PRIVATE ${CONV4J_GNU_C_FLAGS})
    endif()
endfunction()

# Adds the AVX2 units listed in LIST_FILE (one file name a line, # comments) to target, each
# with the AVX2 flags (or, with the optional ISA argument AVX512, the AVX-512 units with theirs), when the target compiler builds for x86-64: asked of native/cpu.h's
# C4J_HAVE_AVX2 itself, so that the build compiles these units exactly when the C code calls
# them (a mismatch fails the link rather than silently dropping the fast kernels).
function(conv4j_avx2_sources target list_file)
    set(isa AVX2)
    if(ARGC GREATER 2)
        set(isa ${ARGV2})
    endif()
    include(CheckCSourceCompiles)
    get_filename_component(dir "${list_file}" DIRECTORY)
    set(CMAKE_REQUIRED_INCLUDES "${dir}")
    check_c_source_compiles("#include \"cpu.h\"
#if !C4J_HAVE_AVX2
#error not x86-64
#endif
int main(void) { return 0; }" CONV4J_HAVE_AVX2)
    if(NOT CONV4J_HAVE_AVX2)
        message(STATUS "conv4j: not x86-64, no ${isa} units")
        return()
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${list_file}")
    file(STRINGS "${list_file}" names REGEX "^[^#]")
    set(sources "")
    foreach(name IN LISTS names)
        string(STRIP "${name}" name)
        if(name)
            list(APPEND sources "${dir}/${name}")
        endif()
    endforeach()
    if(MSVC)
        set(flags ${CONV4J_${isa}_MSVC_C_FLAGS})
    else()
        set(flags ${CONV4J_${isa}_GNU_C_FLAGS})
    endif()
    set_source_files_properties(${sources} PROPERTIES COMPILE_OPTIONS "${flags}")
    target_sources(${target} PRIVATE ${sources})
    message(STATUS "conv4j: ${isa} units (${flags}): ${names}")
endfunction()
