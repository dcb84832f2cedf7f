# Sourced by scripts/native-sanitize.sh and scripts/native-cross.sh, which compile native/*.c
# themselves: the flags each source needs, taken from where CMake takes them, so no list or flag
# is written twice:
#   gnu_flags        CONV4J_GNU_C_FLAGS of cmake/Conv4jCompilerFlags.cmake (the release flags)
#   avx2_flags       CONV4J_AVX2_GNU_C_FLAGS, for the AVX2 units only
#   avx2_sources     native/avx2-sources.txt, as paths native/NAME.c
#   avx512_flags     CONV4J_AVX512_GNU_C_FLAGS, for the AVX-512 units only
#   avx512_sources   native/avx512-sources.txt, likewise
# and native_sources CC, which lists the sources the compiler CC builds for its target (the AVX2
# and AVX-512 units only where cpu.h's C4J_HAVE_AVX2 says so, as CMake decides), and source_flags SRC, the
# extra flags of one of them.

# cmake_flags NAME: the words of the one-line set(NAME ...) in Conv4jCompilerFlags.cmake.
cmake_flags() {
    local line
    line=$(sed -n "s/^set($1 \(.*\))\$/\1/p" cmake/Conv4jCompilerFlags.cmake)
    if [ -z "$line" ]; then
        echo "native-sources: no one-line set($1 ...) in cmake/Conv4jCompilerFlags.cmake" >&2
        return 1
    fi
    echo "$line"
}
read -r -a gnu_flags < <(cmake_flags CONV4J_GNU_C_FLAGS)
read -r -a avx2_flags < <(cmake_flags CONV4J_AVX2_GNU_C_FLAGS)
read -r -a avx512_flags < <(cmake_flags CONV4J_AVX512_GNU_C_FLAGS)
[ ${#gnu_flags[@]} -gt 0 ] && [ ${#avx2_flags[@]} -gt 0 ] && [ ${#avx512_flags[@]} -gt 0 ] || exit 1
mapfile -t avx2_sources < <(sed -n 's/^\([^#[:space:]][^[:space:]]*\).*$/native\/\1/p' native/avx2-sources.txt)
mapfile -t avx512_sources < <(sed -n 's/^\([^#[:space:]][^[:space:]]*\).*$/native\/\1/p' native/avx512-sources.txt)
for src in "${avx2_sources[@]}" "${avx512_sources[@]}"; do
    [ -f "$src" ] || { echo "native-sources: $src (native/avx2-sources.txt or avx512-sources.txt) is missing" >&2; exit 1; }
done

is_avx512_source() {
    local src
    for src in "${avx512_sources[@]}"; do [ "$src" = "$1" ] && return 0; done
    return 1
}

# An x86-64-only unit: AVX2 or AVX-512.
is_avx2_source() {
    local src
    for src in "${avx2_sources[@]}"; do [ "$src" = "$1" ] && return 0; done
    is_avx512_source "$1"
}

# native_sources CC: one source a line.
native_sources() {
    local cc=$1 with_avx2=0 src
    if printf '#include "cpu.h"\nC4J_HAVE_AVX2\n' | "$cc" -Inative -E -P -x c - | grep -qx 1; then with_avx2=1; fi
    for src in native/*.c; do
        if is_avx2_source "$src" && [ $with_avx2 = 0 ]; then continue; fi
        echo "$src"
    done
}

# source_flags SRC: the flags this source adds to the common ones (one a line).
source_flags() {
    if is_avx512_source "$1"; then
        printf '%s\n' "${avx512_flags[@]}"
    elif is_avx2_source "$1"; then
        printf '%s\n' "${avx2_flags[@]}"
    fi
}
