#!/usr/bin/env bash
# Builds libconv4j's C sources with AddressSanitizer + UBSan into a test driver
# (src/test/native/conv_bounds.c) and runs it: random convolution geometries with buffers of
# exactly the documented sizes, fast and portable kernels compared. Needs the OpenBLAS that Maven
# unpacked (run `mvn -DskipTests package` first). Usage: scripts/native-sanitize.sh [CASES]
set -euo pipefail
cd "$(dirname "$0")/.."
ob=$(ls -d target/openblas/org/bytedeco/openblas/*/ | head -1)
out=target/sanitize
mkdir -p "$out"
cc=${CC:-gcc}
"$cc" -std=c99 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -Wall -Wextra -Wno-unused-parameter -Inative -I"$ob/include" \
    native/*.c src/test/native/conv_bounds.c "$ob"/libopenblas.so.0 -Wl,-rpath,"$PWD/$ob" -lm \
    -o "$out/conv_bounds"
OPENBLAS_NUM_THREADS=1 ASAN_OPTIONS=detect_leaks=1 "$out/conv_bounds" "${1:-300}"
