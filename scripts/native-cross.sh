#!/usr/bin/env bash
# Compiles native/ for the platforms this machine cannot run natively, with the real build's
# flags (cmake/Conv4jCompilerFlags.cmake) plus -Werror, so a warning or a Linux-only construct
# shows before a release build on that platform does:
#   linux-arm64     aarch64-linux-gnu-gcc, against the linux-arm64 jar's OpenBLAS
#   windows-x86_64  x86_64-w64-mingw32-gcc, against the windows-x86_64 jar's headers and DLL
#                   (the Linux cblas.h declares cpu_set_t functions Windows has no type for)
#   linux-x86_64    clang (the release build uses gcc)
# Each is linked as a shared library with --no-undefined, so a missing symbol fails here too.
# The AVX2 and AVX-512 units (native/avx2-sources.txt, avx512-sources.txt) get their flags as in
# CMake, on x86-64 only; the x86-64 libraries are then checked with objdump: FMAs and zmm
# instructions present, no AVX instruction in a portable unit, no AVX-512 one outside the
# AVX-512 units.
# Then the *_bounds.c drivers run on linux-arm64 under qemu-user, with AddressSanitizer + UBSan
# (the portable kernels: the AVX2 ones are not compiled there), and natively against clang's -O3
# build (both kernel paths, with the real optimisation flags rather than the sanitizer build's).
# Installs the Debian packages it needs when missing; fetches the OpenBLAS jars with Maven.
# Usage: scripts/native-cross.sh [CASES]   (cases per driver, default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-200}
started=$SECONDS
out=target/cross
mkdir -p "$out"

need=()
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v clang >/dev/null || need+=(clang)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
if [ ${#need[@]} -gt 0 ]; then
    echo "native-cross: installing ${need[*]}"
    scripts/apt-install.sh "${need[@]}"
fi

# The OpenBLAS version the pom links, and each target platform's jar unpacked once.
mvn -B -ntp -q -N help:evaluate -Dexpression=openblas.version -Doutput="$out/openblas.version" >/dev/null
version=$(cat "$out/openblas.version")
jars=$out/openblas-$version
for platform in linux-arm64 windows-x86_64; do
    [ -d "$jars/org/bytedeco/openblas/$platform" ] && continue
    mvn -B -ntp -q -N dependency:unpack -Dartifact="org.bytedeco:openblas:$version:jar:$platform" \
        -DoutputDirectory="$jars" -Dmdep.unpack.excludes='**/*jni*,**/*nolapack*' >/dev/null
done
blas_arm64=$PWD/$jars/org/bytedeco/openblas/linux-arm64
blas_win=$PWD/$jars/org/bytedeco/openblas/windows-x86_64
blas_x86=$(ls -d "$PWD"/conv4j/target/openblas/org/bytedeco/openblas/linux-x86_64 2>/dev/null || true)
if [ -z "$blas_x86" ]; then
    echo "native-cross: conv4j/target/openblas is missing: run mvn -DskipTests package first" >&2
    exit 1
fi

# The real build's GCC/Clang flags, its AVX2 units and their flags, read from where CMake reads them.
source scripts/native-sources.sh
source scripts/job-pool.sh
source scripts/bounds-drivers.sh

# compile TARGET CC OBJDIR FLAGS...: every source of the target (native-sources.sh: the AVX2 and
# AVX-512 units with their flags, on x86-64 only) to OBJDIR; their paths in the array objs, those
# of the AVX2 and AVX-512 units also in avx2_objs, and those of the AVX-512 units in avx512_objs.
compile() {
    local target=$1 cc=$2 dir=$3
    shift 3
    mkdir -p "$dir"
    objs=() avx2_objs=() avx512_objs=()
    local src name obj extra bad=0
    while read -r src; do
        name=$(basename "$src")
        obj=$dir/${name%.c}.o
        mapfile -t extra < <(source_flags "$src")
        pool_run "$obj.log" "$cc" "$@" "${extra[@]}" -c "$src" -o "$obj"
        objs+=("$obj")
        [ ${#extra[@]} -eq 0 ] || avx2_objs+=("$obj")
        ! is_avx512_source "$src" || avx512_objs+=("$obj")
    done < <(native_sources "$cc")
    pool_wait
    for obj in "${objs[@]}"; do
        pool_report "$obj.log" >&2 || { echo "native-cross: $target: $(basename "${obj%.o}").c does not compile cleanly" >&2; bad=1; }
    done
    return $bad
}

# avx512_count OBJDUMP FILE: instructions only AVX-512 has (EVEX encoding shows as a zmm, an
# opmask or an upper-16 xmm/ymm register, or an embedded broadcast).
avx512_count() {
    "$1" -d --no-show-raw-insn "$2" | awk -F'\t' '$2 ~ /^v/' |
        grep -Ec '%zmm|%k[0-7]|%[xy]mm(1[6-9]|2[0-9]|3[01])\b|\{1to[0-9]+\}' || true
}

# check_isa TARGET OBJDUMP LIBRARY: the ISA rule, read off the machine code. On x86-64 the
# portable objects hold no VEX-encoded (AVX) instruction, so the library loads on any x86-64, the
# AVX2 units no AVX-512 instruction (they run on AVX2-only CPUs), and the linked library holds the
# AVX2 units' FMAs and the AVX-512 units' zmm code; elsewhere no AVX2 unit was compiled.
check_isa() {
    local target=$1 objdump=$2 lib=$3 obj count bad=0
    if [ ${#avx2_objs[@]} -eq 0 ]; then
        if [ -n "$objdump" ]; then
            echo "native-cross: $target: an x86-64 build without its AVX2 units" >&2
            return 1
        fi
        echo "native-cross: $target: no AVX2 unit compiled (${#objs[@]} portable objects)"
        return 0
    fi
    for obj in "${objs[@]}"; do
        [[ " ${avx512_objs[*]} " == *" $obj "* ]] && continue
        if [[ " ${avx2_objs[*]} " == *" $obj "* ]]; then
            count=$(avx512_count "$objdump" "$obj")
            if [ "$count" -gt 0 ]; then
                echo "native-cross: $target: $(basename "$obj") is an AVX2 unit but holds $count AVX-512 instructions" >&2
                bad=1
            fi
            continue
        fi
        # objdump -d: address, bytes, then the mnemonic, tab-separated; AVX mnemonics start with v
        count=$("$objdump" -d --no-show-raw-insn "$obj" | awk -F'\t' '$2 ~ /^v/' | wc -l)
        if [ "$count" -gt 0 ]; then
            echo "native-cross: $target: $(basename "$obj") is portable but holds $count AVX instructions" >&2
            bad=1
        fi
    done
    local zmm=0
    for obj in "${avx512_objs[@]}"; do zmm=$((zmm + $(avx512_count "$objdump" "$obj"))); done
    echo "native-cross: $target: $zmm AVX-512 instructions in its ${#avx512_objs[@]} AVX-512 units, none in its other units"
    [ "$zmm" -gt 0 ] || { echo "native-cross: $target: no AVX-512 instruction in the AVX-512 units" >&2; bad=1; }
    count=$("$objdump" -d --no-show-raw-insn "$lib" | grep -c 'vfmadd' || true)
    echo "native-cross: $target: $(basename "$lib") holds $count vfmadd instructions (${#avx2_objs[@]} AVX2 units);" \
        "none in its $((${#objs[@]} - ${#avx2_objs[@]})) portable objects"
    [ "$count" -gt 0 ] || { echo "native-cross: $target: no FMA in $(basename "$lib")" >&2; bad=1; }
    return $bad
}

# library TARGET CC OBJDUMP OPENBLAS_DIR BLAS_LIBRARY OUTPUT [EXTRA FLAGS...]: the -Werror build,
# linked, its machine code checked (check_isa; OBJDUMP "" for a target that is not x86-64).
library() {
    local target=$1 cc=$2 objdump=$3 ob=$4 blas=$5 lib=$6
    shift 6
    compile "$target" "$cc" "$out/$target/obj" -std=c99 "${gnu_flags[@]}" -Werror "$@" -Inative -I"$ob/include" ||
        return 1
    "$cc" -shared "${objs[@]}" "$blas" -Wl,--no-undefined -lm -o "$out/$target/$lib"
    echo "native-cross: $target: $lib built by $("$cc" --version | head -1)"
    check_isa "$target" "$objdump" "$out/$target/$lib"
}

library linux-arm64 aarch64-linux-gnu-gcc "" "$blas_arm64" "$blas_arm64/libopenblas.so.0" libconv4j.so -fPIC
# PE code is always position independent; the DLL links to OpenBLAS's DLL directly.
library windows-x86_64 x86_64-w64-mingw32-gcc x86_64-w64-mingw32-objdump "$blas_win" "$blas_win/libopenblas.dll" conv4j.dll
library linux-x86_64-clang clang objdump "$blas_x86" "$blas_x86/libopenblas.so.0" libconv4j.so -fPIC
clang_objs=("${objs[@]}")   # the drivers link these: the release flags, -Werror and -fPIC besides
echo "native-cross: every target compiled with -Werror ($((SECONDS - started)) s)"

export OPENBLAS_NUM_THREADS=1
failed=0
# Both targets' drivers in one pool (bounds-drivers.sh), their logs printed in order once all have finished.
echo "native-cross: linux-arm64: the drivers under qemu-aarch64, AddressSanitizer + UBSan, $cases cases each"
arm64_flags=(-std=c99 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Wno-unused-parameter
             -Inative -I"$blas_arm64/include")
if compile linux-arm64 aarch64-linux-gnu-gcc "$out/linux-arm64/sanitize" "${arm64_flags[@]}"; then
    # LeakSanitizer cannot stop the world under qemu-user; the bounds and UB checks work there.
    drivers_start linux-arm64 "$out/linux-arm64/sanitize" "$cases" \
        "env ASAN_OPTIONS=detect_leaks=0 qemu-aarch64 -L /usr/aarch64-linux-gnu" "$blas_arm64" \
        aarch64-linux-gnu-gcc "${arm64_flags[@]}" -- "${objs[@]}"
else
    failed=1
fi
echo "native-cross: linux-x86_64-clang: the drivers against the -O3 library's objects, $cases cases each"
drivers_start linux-x86_64-clang "$out/linux-x86_64-clang/release" "$cases" "" "$blas_x86" \
    clang -std=c99 "${gnu_flags[@]}" -Inative -I"$blas_x86/include" -- "${clang_objs[@]}"
drivers_report || failed=1
for run in "${drivers_failed[@]}"; do echo "native-cross: $run FAILED" >&2; done
echo "native-cross: done in $((SECONDS - started)) s"
exit $failed
