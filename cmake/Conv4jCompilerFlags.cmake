# Optimise, but for the baseline ISA only: the jar must run on any CPU of its platform
# (OpenBLAS dispatches its own kernels at run time). Never -march=native.
function(conv4j_compile_flags target)
    if(MSVC)
        target_compile_options(${target} PRIVATE /O2 /W3)
    else()
        target_compile_options(${target} PRIVATE -O3 -Wall -Wextra -Wno-unused-parameter
                               -fno-math-errno -fvisibility=default)
    endif()
endfunction()
