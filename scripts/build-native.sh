#!/usr/bin/env bash
# Builds libconv4j with CMake against bytedeco's OpenBLAS and installs it where JavaCPP's Loader
# looks for it. Called by Maven (generate-resources); runnable by hand:
#   scripts/build-native.sh OPENBLAS_ROOT OUTPUT_DIR [BUILD_DIR]
# OPENBLAS_ROOT: the org/bytedeco/openblas/<platform> folder unpacked from the openblas platform jar.
set -euo pipefail
openblas_root=${1:?OPENBLAS_ROOT}
output_dir=${2:?OUTPUT_DIR}
build_dir=${3:-$(dirname "$0")/../target/native-build}
here=$(cd "$(dirname "$0")/.." && pwd)

command -v cmake >/dev/null || { echo "build-native: cmake not found on PATH" >&2; exit 1; }
cmake -S "$here/native" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
      -DOPENBLAS_ROOT="$openblas_root" -DCMAKE_INSTALL_PREFIX="$output_dir" >/dev/null
cmake --build "$build_dir" --config Release --parallel
cmake --install "$build_dir" --config Release >/dev/null
echo "build-native: installed libconv4j into $output_dir"
