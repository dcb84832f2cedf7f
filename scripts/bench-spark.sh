#!/usr/bin/env bash
# Per-step compute and communication of `conv4j train --spark` (a model, 3,000 sample
# images, global batch 64, one epoch: 46 steps), three processes each in local[2] and on a
# standalone cluster on the loopback (a master and two workers of one core, whose executors are
# JVMs of their own), started here from the Spark jars the build resolved (no Spark download).
# Prints each report's medians and the median over the three.
# Usage: scripts/bench-spark.sh [OUT_DIR [MODEL]]   (MODEL: reference by default; lenet5 for a smaller payload)
# Run it on a quiet machine (the figures in docs/spark.md were taken under the team's build lock).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
cli="$root/conv4j-cli/target"
"$root/scripts/conv4j" --version >/dev/null   # builds the CLI when missing or stale
args=(--model "${2:-reference}" --epochs 1 --train-limit 3000 --test-limit 500 --batch 64 --lr 0.05 --no-progress)
for i in 1 2 3; do
    "$root/scripts/conv4j" train --spark 'local[2]' "${args[@]}" -o "$out/local-$i.c4j" --report "$out/local-$i.json" > "$out/local-$i.log" 2>&1
done

# A Spark installation made of links to the build's Spark jars: what the workers launch executors from.
home="$out/spark-home"
mkdir -p "$home/jars"
tr ':' '\n' < "$cli/spark-classpath.txt" | while read -r jar; do ln -sf "$jar" "$home/jars/"; done
read -r -a opens <<< "$(tr '\n' ' ' < "$cli/classes/io/github/conv4j/cli/spark-java-options.txt")"
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
port=$((20000 + RANDOM % 20000))
daemons=()
stop() { for p in "${daemons[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT
java "${opens[@]}" -Xmx512m -cp "$home/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port $((port + 1)) > "$out/master.log" 2>&1 &
daemons+=($!)
for w in 0 1; do
    mkdir -p "$out/work-$w"
    java "${opens[@]}" -Xmx512m -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 1g \
        --work-dir "$out/work-$w" --webui-port $((port + 2 + w)) "spark://127.0.0.1:$port" > "$out/worker-$w.log" 2>&1 &
    daemons+=($!)
done
for _ in $(seq 60); do   # until both workers have registered
    [ "$(grep -c 'Registering worker' "$out/master.log" || true)" -ge 2 ] && break
    sleep 1
done
for i in 1 2 3; do
    CONV4J_JAVA_OPTS="-Dspark.cores.max=2 -Dspark.executor.memory=512m -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1" \
        "$root/scripts/conv4j" train --spark "spark://127.0.0.1:$port" --workers 2 "${args[@]}" \
        -o "$out/cluster-$i.c4j" --report "$out/cluster-$i.json" > "$out/cluster-$i.log" 2>&1
done
python3 - "$out" <<'PY'
import glob, json, statistics, sys
for kind in ("local", "cluster"):
    reports = [json.load(open(f)) for f in sorted(glob.glob(f"{sys.argv[1]}/{kind}-*.json"))]
    print(f"{kind}: {reports[0]['model']} ({reports[0]['parameters']:,} parameters), {reports[0]['spark_master']}, "
          f"{reports[0]['workers']} workers, {reports[0]['steps']} steps; "
          f"test accuracy {[round(r['test_accuracy'], 3) for r in reports]}")
    for k in ("step_wall_ms", "step_compute_ms", "step_communication_ms", "step_update_ms"):
        medians = [r[k]["median"] for r in reports]
        print(f"  {k}: medians {[round(m, 1) for m in medians]}, means {[round(r[k]['mean'], 1) for r in reports]}, "
              f"median of the medians {statistics.median(medians):.1f}")
PY
echo "reports in $out"
