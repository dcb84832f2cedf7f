# Optimise, but for the baseline ISA only: the jar must run on any CPU of its platform
# (OpenBLAS dispatches its own kernels at run time). Never -march=native.
# The GCC/Clang flags stay on one line: scripts/native-cross.sh reads them from here, so that the
# cross builds compile with exactly the flags of the real one.
set(CONV4J_GNU_C_FLAGS -O3 -Wall -Wextra -Wno-unused-parameter -fno-math-errno -fvisibility=default)

function(conv4j_compile_flags target)
    if(MSVC)
        target_compile_options(${target} PRIVATE /O2 /W3)
    else()
        target_compile_options(${target} PRIVATE ${CONV4J_GNU_C_FLAGS})
    endif()
endfunction()
