#!/usr/bin/env bash
# Runs scripts/fashion93_pytorch.py (conv4j's --recipe fashion93 in PyTorch) as docs/benchmarks.md
# measured it: Debian's python3-torch, 2 threads, with the OpenMP build of OpenBLAS
# (libopenblas0-openmp) ahead of the default one, so PyTorch's GEMMs and its own OpenMP share one
# thread pool. Usage: scripts/fashion93-pytorch.sh [DATA_DIR] [fashion93_pytorch.py options]
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
openmp=/usr/lib/x86_64-linux-gnu/openblas-openmp
[ -d "$openmp" ] || { echo "fashion93-pytorch: $openmp is missing (apt-get install libopenblas0-openmp)" >&2; exit 1; }
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "fashion93-pytorch: no PyTorch for /usr/bin/python3 (apt-get install python3-torch)" >&2; exit 1; }
export LD_LIBRARY_PATH="$openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OMP_NUM_THREADS=2
exec /usr/bin/python3 "$here/fashion93_pytorch.py" "$@"
