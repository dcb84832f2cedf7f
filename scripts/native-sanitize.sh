#!/usr/bin/env bash
# Builds libconv4j's C sources with AddressSanitizer + UBSan and runs every memory-safety driver
# conv4j/src/test/native/*_bounds.c against them: random geometries and lengths, buffers of exactly the
# documented sizes, fast (AVX2/FMA) and portable kernels, results checked against naive
# references. Under GCC and Clang both: GCC's AddressSanitizer does not instrument the masked
# AVX2 loads and stores (_mm256_maskload_ps/_mm256_maskstore_ps) the fast kernels use at the
# ragged ends of rows, Clang's does. Then the negative control (overflow_canary.c): a GEMM call
# one float past C's end must be stopped, on each kernel ISA this CPU runs.
# Needs the OpenBLAS that Maven unpacked (run `mvn -DskipTests package` first).
# Usage: scripts/native-sanitize.sh [CASES]    CC=gcc or CC=clang runs that compiler only; with CC
# unset both run, and Debian's clang is installed when missing. JOBS=N compiles and runs N at a
# time (default: the number of CPUs; the drivers are single-threaded).
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-300}
source scripts/native-sources.sh
source scripts/job-pool.sh
source scripts/bounds-drivers.sh
ob=$(ls -d conv4j/target/openblas/org/bytedeco/openblas/*/ | head -1)
ob=${ob%/}
compilers=(${CC:-gcc clang})

if ! command -v clang >/dev/null && [[ " ${compilers[*]} " == *" clang "* ]]; then
    echo "native-sanitize: installing clang"
    scripts/apt-install.sh clang
fi

flags=(-std=c99 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
       -Wall -Wextra -Wno-unused-parameter -Inative -I"$ob/include")
# Clang's AddressSanitizer checks each access in line by default; in the unrolled GEMM tiles (every
# tile height inlined, each masked store checked lane by lane) that made gemm_avx512.c take ~7 minutes
# to compile at -O1 (gemm_avx2.c 36 s). Outlined checks (a call to __asan_load4/__asan_store64...
# per access) instrument the same accesses, lane for lane, at the same -O1: 63 s and 15 s. GCC
# compiles those units in 18 s and 10 s as it is. overflow_canary.c shows the checks still fire.
clang_flags=(-mllvm -asan-instrumentation-with-call-threshold=0)
# One OpenBLAS thread: its threads are not instrumented and only add noise to the reports.
export OPENBLAS_NUM_THREADS=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1

# compiler_flags CC: the flags above and that compiler's own, one a line.
compiler_flags() {
    printf '%s\n' "${flags[@]}"
    [ "$1" != clang ] || printf '%s\n' "${clang_flags[@]}"
}

# The library's objects once per compiler, shared by every driver's link (the AVX2 and AVX-512 units
# with their flags, as CMake compiles them: native-sources.sh), all compilers' in one pool, the
# AVX-512 units, then the AVX2 ones, first: the slowest, so the rest fill the other CPUs meanwhile.
declare -A objs
tasks=()
for cc in "${compilers[@]}"; do
    out=target/sanitize/$cc
    rm -rf "$out"
    mkdir -p "$out"
    echo "native-sanitize: $("$cc" --version | head -1)"
    objs[$cc]=
    while read -r src; do
        obj=$out/$(basename "${src%.c}").o
        objs[$cc]+=" $obj"
        if is_avx512_source "$src"; then rank=0; elif is_avx2_source "$src"; then rank=1; else rank=2; fi
        tasks+=("$rank $cc $src $obj")
    done < <(native_sources "$cc")
done
started=$SECONDS
while read -r rank cc src obj; do
    mapfile -t cflags < <(compiler_flags "$cc"; source_flags "$src")
    pool_run "$obj.log" "$cc" "${cflags[@]}" -c "$src" -o "$obj"
done < <(printf '%s\n' "${tasks[@]}" | sort -s -k1,1n)
pool_wait
status=0
for task in "${tasks[@]}"; do
    read -r rank cc src obj <<<"$task"
    pool_report "$obj.log" || { echo "native-sanitize: $cc: $src does not compile" >&2; status=1; }
done
[ $status = 0 ] || exit 1
echo "native-sanitize: ${#tasks[@]} objects compiled, $JOBS at a time, in $((SECONDS - started)) s"

# Every driver linked and run, a job each, both compilers' in one pool (bounds-drivers.sh); the logs
# printed in order once all have finished.
started=$SECONDS
for cc in "${compilers[@]}"; do
    mapfile -t cflags < <(compiler_flags "$cc")
    read -r -a cc_objs <<<"${objs[$cc]}"
    drivers_start "$cc" "target/sanitize/$cc" "$cases" "" "$PWD/$ob" "$cc" "${cflags[@]}" -- "${cc_objs[@]}"
done
runs=${#drivers_started[@]}
drivers_report || true
failed=("${drivers_failed[@]}")
echo "native-sanitize: $runs drivers linked and run, $JOBS at a time, in $((SECONDS - started)) s"

# The negative control: each overflowing call must end in AddressSanitizer's report from the
# kernel's unit. The masked tails only under Clang (see above: GCC does not instrument them).
for cc in "${compilers[@]}"; do
    out=target/sanitize/$cc
    mapfile -t cflags < <(compiler_flags "$cc")
    read -r -a cc_objs <<<"${objs[$cc]}"
    link_driver "$out/overflow_canary" "$PWD/$ob" conv4j/src/test/native/overflow_canary.c "$cc" "${cflags[@]}" \
        -- "${cc_objs[@]}"
    tails=(full)
    [ "$cc" != clang ] || tails+=(masked)
    for isa in avx2 avx512; do
        for tail in "${tails[@]}"; do
            log=$out/overflow_canary-$isa-$tail.log
            rc=0
            "$out/overflow_canary" "$isa" "$tail" >"$log" 2>&1 || rc=$?
            if [ $rc = 3 ]; then
                echo "native-sanitize: $cc: overflow canary $isa $tail not run: $(cat "$log")"
            # (a wide store that starts inside the block is an "unknown-crash" to ASan, a lane past it a
            # heap-buffer-overflow: either way the report places the address just past C)
            elif [ $rc != 0 ] && grep -q 'ERROR: AddressSanitizer' "$log" &&
                 grep -q 'is located 0 bytes to the right of [0-9]*-byte region' "$log" &&
                 grep -q "gemm_$isa\.c\|gemm_kernel\.h" "$log"; then
                echo "native-sanitize: $cc: overflow canary $isa $tail: caught in the kernel" \
                    "($(grep -m1 -o 'WRITE of size [0-9]*' "$log"), $(grep -m1 -o '0 bytes to the right of [0-9]*-byte region' "$log"))"
            else
                cat "$log" >&2
                echo "native-sanitize: $cc: overflow canary $isa $tail: the store past C's end was not reported (exit $rc)" >&2
                failed+=("$cc:overflow_canary-$isa-$tail")
            fi
        done
    done
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "native-sanitize: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "native-sanitize: every driver passed under ${compilers[*]}"
