#!/usr/bin/env bash
# Builds conv4j/src/test/native/conv_speed.c against libconv4j's C sources with the release flags
# (native-sources.sh: as CMake compiles them) and times the three products of each geometry on
# one core, per kernel path. A lab tool, no test. Needs the OpenBLAS that Maven unpacked (run
# `mvn -DskipTests package` first). Run it under the build lock on a shared machine.
# Usage: scripts/conv-speed.sh "N C H W K R S STRIDE PAD CHUNK" ... [-- REPS]
#   e.g. scripts/conv-speed.sh "64 16 32 32 16 3 3 1 1 1" "64 32 16 16 32 3 3 1 1 4"
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/native-sources.sh
ob=$(ls -d conv4j/target/openblas/org/bytedeco/openblas/*/ | head -1)
ob=${ob%/}
cc=${CC:-gcc}
out=target/conv-speed
mkdir -p "$out"
objs=()
while read -r src; do
    obj=$out/$(basename "${src%.c}").o
    mapfile -t extra < <(source_flags "$src")
    "$cc" -std=c99 "${gnu_flags[@]}" "${extra[@]}" -Inative -I"$ob/include" -c "$src" -o "$obj"
    objs+=("$obj")
done < <(native_sources "$cc")
"$cc" -std=c99 "${gnu_flags[@]}" -Inative -I"$ob/include" conv4j/src/test/native/conv_speed.c "${objs[@]}" \
    "$ob/libopenblas.so.0" -Wl,-rpath,"$PWD/$ob" -lm -o "$out/conv_speed"
shapes=()
reps=21
while [ $# -gt 0 ]; do
    if [ "$1" = "--" ]; then reps=$2; break; fi
    shapes+=("$1"); shift
done
export OPENBLAS_NUM_THREADS=1
for shape in "${shapes[@]}"; do
    # shellcheck disable=SC2086  # the shape is ten words
    "$out/conv_speed" $shape "$reps"
done
