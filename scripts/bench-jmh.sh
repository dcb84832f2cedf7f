#!/usr/bin/env bash
# Runs the JMH suite (conv forward and forward+backward on issue 2's shapes, and the sgemm 2048³
# peak) and prints GFLOP/s and ratios. Usage: scripts/bench-jmh.sh [THREADS...]   (default: 1 2)
# CONV4J_JAVA_OPTS=-Dkernels=portable measures the portable kernels (plain C + OpenBLAS) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
exec java ${CONV4J_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.github.conv4j.bench.ConvBenchmarkMain "$@"
