#!/usr/bin/env bash
# Times issue 18's workloads in conv4j and in PyTorch's strongest set-up on this machine, each
# in its own process, RUNS processes a side, alternating (conv4j, PyTorch, conv4j, ...), and
# prints the medians, the ranges and the ratios. PyTorch runs oneDNN convolutions in
# channels_last with Debian's OpenMP build of OpenBLAS behind its GEMMs (its directory first in
# LD_LIBRARY_PATH; the BLAS the process mapped is printed). Installs python3-torch,
# python3-torchvision and libopenblas0-openmp only when one is missing.
# Usage: scripts/bench-vs-pytorch.sh [THREADS [RUNS [WORKLOAD...]]]   (default: 2 3, every workload)
# Workloads: reference (batch 64), resnet20 (128), alexnet (16), resnet18 (16).
# BENCH_LOCK=FILE holds `flock FILE` (a shared machine's lock) over each conv4j + PyTorch pair of
# processes, released between pairs; BENCH_OUT=DIR keeps every process's JSON report there.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
runs=${2:-3}
shift $(( $# < 2 ? $# : 2 ))
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(reference resnet20 alexnet resnet18)
# workload -> training batch, inference batch, timed steps, warm-up steps
declare -A spec=([reference]="64 256 200 20" [resnet20]="128 256 30 5" [alexnet]="16 64 15 3" [resnet18]="16 16 6 2")
for w in "${workloads[@]}"; do
    [ -n "${spec[$w]:-}" ] || { echo "unknown workload '$w' (known: ${!spec[*]})" >&2; exit 2; }
done
py=/usr/bin/python3
blas=/usr/lib/x86_64-linux-gnu/openblas-openmp
if ! "$py" -c "import torch, torchvision" 2>/dev/null || ! dpkg -s libopenblas0-openmp >/dev/null 2>&1; then
    echo "installing python3-torch, python3-torchvision and libopenblas0-openmp..." >&2
    scripts/apt-install.sh python3-torch python3-torchvision libopenblas0-openmp >&2
fi
[ -f "$blas/libblas.so.3" ] || { echo "no OpenBLAS-openmp under $blas" >&2; exit 1; }
hold() { [ -z "${BENCH_LOCK:-}" ] || { exec 9>>"$BENCH_LOCK"; flock 9; }; }
release() { [ -z "${BENCH_LOCK:-}" ] || { flock -u 9; exec 9>&-; }; }
out=${BENCH_OUT:-$(mktemp -d)}
mkdir -p "$out"
[ -n "${BENCH_OUT:-}" ] || trap 'rm -rf "$out"' EXIT
hold
scripts/conv4j --version >/dev/null   # builds the jars when stale, not inside a timed run
release
for w in "${workloads[@]}"; do
    read -r batch infer steps warmup <<<"${spec[$w]}"
    for r in $(seq "$runs"); do
        echo "$w, run $r of $runs: conv4j, then PyTorch ($threads threads)..." >&2
        hold
        scripts/conv4j bench --model "$w" --threads "$threads" --batch "$batch" --infer-batch "$infer" \
            --steps "$steps" --warmup "$warmup" --report "$out/$w-conv4j-$r.json" >&2
        LD_LIBRARY_PATH="$blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$py" scripts/bench_pytorch.py --model "$w" \
            --threads "$threads" --batch "$batch" --infer-batch "$infer" --steps "$steps" --warmup "$warmup" \
            --layout channels_last > "$out/$w-torch-$r.json"
        release
    done
done
"$py" - "$out" "$runs" "${workloads[@]}" <<'PY'
import json, statistics, sys
out, runs, workloads = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
load = lambda w, side: [json.load(open(f"{out}/{w}-{side}-{r}.json")) for r in range(1, runs + 1)]
def cell(vals):
    m = statistics.median(vals)
    f = (lambda v: f"{v:,.1f}") if m >= 10 else (lambda v: f"{v:.3f}")   # latencies in ms need the decimals
    return f"{f(m)} ({f(min(vals))}-{f(max(vals))})" if len(vals) > 1 else f(m)
t0 = load(workloads[0], "torch")[0]
print(f"PyTorch {t0['torch']}, {t0['layout']}, BLAS mapped: {', '.join(t0['blas'])}")
print(f"medians of {runs} processes a side (range); ratio = how many times better conv4j is (for latency and RSS: PyTorch's ÷ conv4j's)")
print(f"{'workload':10} {'':32} {'conv4j':>26} {'PyTorch':>26} {'ratio':>7}")
rows = [("training images/s", "train_images_per_second", True),
        ("inference images/s", "inference_images_per_second", True),
        ("  BN folded", "inference_folded_images_per_second", True),
        ("batch-1 latency ms (median)", "latency_ms_batch1_median", False),
        ("  BN folded", "latency_ms_batch1_folded_median", False),
        ("peak RSS MB", "peak_rss_mb", False),
        ("  up to the end of training", "train_peak_rss_mb", False)]
for w in workloads:
    c, t = load(w, "conv4j"), load(w, "torch")
    print(f"{w:10} batch {c[0]['batch']}, inference batch {c[0]['inference_batch']}; sgemm peak {cell([r['sgemm_2048_gflops'] for r in c])} GFLOP/s, "
          f"conv4j training at {100 * statistics.median(r['train_share_of_peak'] for r in c):.0f} % of it")
    for label, key, higher in rows:
        if key not in c[0] or key.replace("folded_", "") not in t[0]:
            continue
        tkey = key.replace("folded_", "")   # PyTorch runs its model as built: nothing folded
        a, b = statistics.median(r[key] for r in c), statistics.median(r[tkey] for r in t)
        ratio = a / b if higher else b / a
        print(f"{'':10} {label:32} {cell([r[key] for r in c]):>26} {cell([r[tkey] for r in t]):>26} {ratio:6.2f}x")
PY
