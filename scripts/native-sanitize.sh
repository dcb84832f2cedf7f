#!/usr/bin/env bash
# Builds libconv4j's C sources with AddressSanitizer + UBSan into two test drivers
# (src/test/native/conv_bounds.c, pool_bounds.c) and runs them: random convolution geometries and
# pooling windows with buffers of exactly the documented sizes, fast and portable kernels
# compared. Needs the OpenBLAS that Maven unpacked (run `mvn -DskipTests package` first).
# Usage: scripts/native-sanitize.sh [CASES]
set -euo pipefail
cd "$(dirname "$0")/.."
ob=$(ls -d target/openblas/org/bytedeco/openblas/*/ | head -1)
out=target/sanitize
mkdir -p "$out"
cc=${CC:-gcc}
for check in conv_bounds pool_bounds; do
    "$cc" -std=c99 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        -Wall -Wextra -Wno-unused-parameter -Inative -I"$ob/include" \
        native/*.c "src/test/native/$check.c" "$ob"/libopenblas.so.0 -Wl,-rpath,"$PWD/$ob" -lm \
        -o "$out/$check"
    OPENBLAS_NUM_THREADS=1 ASAN_OPTIONS=detect_leaks=1 "$out/$check" "${1:-300}"
done
