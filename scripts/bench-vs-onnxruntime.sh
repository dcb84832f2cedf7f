#!/usr/bin/env bash
# Times conv4j's inference against ONNX Runtime Java's (1.22.0) on one ONNX file: ResNet-18 of the
# zoo with random weights, exported by conv4j's exporter; conv4j imports that same file. Batch-1
# latency (median, p99 of 100 calls) and batch-32 throughput (median of 7 batches), THREADS each
# (ONNX Runtime: intra-op THREADS, inter-op 1, sequential, optimisation level ALL; conv4j in both
# its parallel policies, batch and blas), and the 2048³ sgemm peak of each (OpenBLAS, ONNX Runtime's
# Gemm) beside them. Each engine runs in RUNS separate processes, alternated, and the medians over
# the processes are printed, then conv4j's time by kind of node (InferenceBreakdownMain).
# On a shared machine, run it under the build lock:
#   flock /tmp/conv4j.build.lock scripts/bench-vs-onnxruntime.sh [THREADS] [RUNS]   (default: 2 3)
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
runs=${2:-3}
# Built and resolved in the reactor, so that conv4j-onnx and conv4j are this tree's, not ~/.m2's.
mvn -B -q -ntp -pl conv4j-bench -am -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
main=io.github.conv4j.bench.OnnxRuntimeComparisonMain
cp="conv4j-bench/target/classes:$(cat conv4j-bench/target/classpath.txt)"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
java -cp "$cp" "$main" export "$out/resnet18.onnx"
for run in $(seq "$runs"); do
    echo "run $run: sgemm 2048 peaks ($threads threads)..." >&2
    java -cp "$cp" "$main" peak "$threads" | tee -a "$out/peaks.jsonl" >&2
    for engine in onnxruntime conv4j:batch conv4j:blas; do
        echo "run $run: $engine ($threads threads)..." >&2
        java ${CONV4J_JAVA_OPTS:-} -Dconv4j.parallel="${engine#*:}" -cp "$cp" "$main" "${engine%%:*}" \
            "$out/resnet18.onnx" "$threads" | tee -a "$out/results.jsonl" >&2
    done
done
python3 - "$out/results.jsonl" "$out/peaks.jsonl" <<'PY'
import json, statistics, sys
peaks = [json.loads(line) for line in open(sys.argv[2])]
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault(r["engine"], []).append(r)
keys = [("batch-1 latency, ms (median)", "latency_ms_median"), ("batch-1 latency, ms (p99)", "latency_ms_p99"),
        ("batch-32 images/s", "batch32_images_per_second")]
engines = list(rows)
print(f"ResNet-18, 3x224x224, {rows[engines[0]][0]['threads']} threads; median over {len(rows[engines[0]])} processes"
      " (each process's figures in brackets)")
print(f"{'':30}" + "".join(f"{e:>34}" for e in engines))
for label, key in keys:
    cells = []
    for e in engines:
        values = [r[key] for r in rows[e]]
        cells.append(f"{statistics.median(values):9.2f} [" + ", ".join(f"{v:.1f}" for v in values) + "]")
    print(f"{label:30}" + "".join(f"{c:>34}" for c in cells))
for key, label in (("openblas_gflops", "OpenBLAS (conv4j's)"), ("onnxruntime_gflops", "ONNX Runtime's Gemm")):
    values = [p[key] for p in peaks]
    print(f"sgemm 2048^3 peak, {label}: {statistics.median(values):.1f} GFLOP/s [" + ", ".join(f"{v:.1f}" for v in values) + "]")
PY
# Where conv4j's time goes: its better policy at each batch size (blas at 1, batch at 32).
java -Dconv4j.parallel=blas -cp "$cp" io.github.conv4j.bench.InferenceBreakdownMain "$out/resnet18.onnx" "$threads" 1
java -Dconv4j.parallel=batch -cp "$cp" io.github.conv4j.bench.InferenceBreakdownMain "$out/resnet18.onnx" "$threads" 32
