#!/usr/bin/env bash
# Times the reference CNN (batch 64, SGD momentum 0.9, lr 0.01) in PyTorch and in conv4j in one
# run, same machine and thread count, and prints both figures and the ratios.
# Installs Debian's python3-torch and libopenblas0-pthread when absent (PyTorch's strongest set-up
# here: oneDNN convolutions, OpenBLAS GEMMs). Usage: scripts/bench-vs-pytorch.sh [THREADS] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
steps=${2:-200}
py=/usr/bin/python3
if ! "$py" -c "import torch" 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    echo "installing python3-torch and libopenblas0-pthread..." >&2
    apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch libopenblas0-pthread >&2
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# PyTorch in both memory layouts (NCHW, and oneDNN's preferred channels_last): each row compares
# with the better of the two
for layout in nchw channels_last; do
    echo "PyTorch ($threads threads, $layout)..." >&2
    "$py" scripts/bench_pytorch.py "$threads" "$steps" "$layout" > "$out/torch-$layout.json"
done
echo "conv4j ($threads threads)..." >&2
scripts/conv4j bench --threads "$threads" --steps "$steps" --infer-batch 256 --report "$out/conv4j.json" >&2
"$py" - "$out/torch-nchw.json" "$out/torch-channels_last.json" "$out/conv4j.json" <<'PY'
import json, sys
n, cl, c = (json.load(open(p)) for p in sys.argv[1:4])
rows = [("training images/s", "train_images_per_second", True),
        ("inference images/s, batch 256", "inference_images_per_second", True),
        ("batch-1 latency, ms (median)", "latency_ms_batch1_median", False),
        ("peak RSS, MB", "peak_rss_mb", False)]
print(f"PyTorch {n['torch']}, BLAS: {n['blas']}; ratio = conv4j against PyTorch's better layout")
print(f"{'':32} {'PyTorch NCHW':>13} {'channels_last':>14} {'conv4j':>10} {'ratio':>8}")
for label, key, higher in rows:
    a = max(n[key], cl[key]) if higher else min(n[key], cl[key])
    b = c[key]
    ratio = b / a if higher else a / b
    print(f"{label:32} {n[key]:13.2f} {cl[key]:14.2f} {b:10.2f} {ratio:7.2f}x" + ("" if higher else " (better when >1)"))
print(f"sgemm 2048^3 peak in this run: {c['sgemm_2048_gflops']:.1f} GFLOP/s; conv4j training at {c['train_gflops']:.1f} GFLOP/s")
PY
