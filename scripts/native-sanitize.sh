#!/usr/bin/env bash
# Builds libconv4j's C sources with AddressSanitizer + UBSan and runs every memory-safety driver
# conv4j/src/test/native/*_bounds.c against them: random geometries and lengths, buffers of exactly the
# documented sizes, fast (AVX2/FMA) and portable kernels, results checked against naive
# references. Under GCC and Clang both: GCC's AddressSanitizer does not instrument the masked
# AVX2 loads and stores (_mm256_maskload_ps/_mm256_maskstore_ps) the fast kernels use at the
# ragged ends of rows, Clang's does.
# Needs the OpenBLAS that Maven unpacked (run `mvn -DskipTests package` first).
# Usage: scripts/native-sanitize.sh [CASES]    CC=gcc or CC=clang runs that compiler only; with CC
# unset both run, and Debian's clang is installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-300}
source scripts/native-sources.sh
ob=$(ls -d conv4j/target/openblas/org/bytedeco/openblas/*/ | head -1)
ob=${ob%/}
compilers=(${CC:-gcc clang})

if ! command -v clang >/dev/null && [[ " ${compilers[*]} " == *" clang "* ]]; then
    echo "native-sanitize: installing clang"
    scripts/apt-install.sh clang
fi

flags=(-std=c99 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
       -Wall -Wextra -Wno-unused-parameter -Inative -I"$ob/include")
# One OpenBLAS thread: its threads are not instrumented and only add noise to the reports.
export OPENBLAS_NUM_THREADS=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1

failed=()
for cc in "${compilers[@]}"; do
    out=target/sanitize/$cc
    mkdir -p "$out"
    echo "native-sanitize: $("$cc" --version | head -1)"
    # The library's objects once per compiler, shared by every driver's link.
    # The AVX2 units with their flags, as CMake compiles them (native-sources.sh).
    objs=()
    while read -r src; do
        obj=$out/$(basename "${src%.c}").o
        mapfile -t extra < <(source_flags "$src")
        "$cc" "${flags[@]}" "${extra[@]}" -c "$src" -o "$obj"
        objs+=("$obj")
    done < <(native_sources "$cc")
    for driver in conv4j/src/test/native/*_bounds.c; do
        name=$(basename "${driver%.c}")
        "$cc" "${flags[@]}" "$driver" "${objs[@]}" "$ob/libopenblas.so.0" -Wl,-rpath,"$PWD/$ob" -lm -o "$out/$name"
        # Keep going after a failing driver, so one run reports every driver's state.
        if ! "$out/$name" "$cases"; then
            failed+=("$cc:$name")
        fi
    done
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "native-sanitize: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "native-sanitize: every driver passed under ${compilers[*]}"
