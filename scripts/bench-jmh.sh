#!/usr/bin/env bash
# Runs the JMH suite (conv forward and forward+backward on issue 2's shapes, and the sgemm 2048³
# peak) and prints GFLOP/s and ratios. Usage: scripts/bench-jmh.sh [THREADS...]   (default: 1 2)
# CONV4J_JAVA_OPTS=-Dkernels=portable measures the portable kernels (plain C + OpenBLAS) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl conv4j-bench -am -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package >&2
mvn -B -q -ntp -f conv4j-bench/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
# conv4j's own classes and native library first: the classpath above resolves conv4j from the
# local Maven repository (whatever `mvn install` last put there), not from this checkout.
exec java ${CONV4J_JAVA_OPTS:-} -cp "conv4j-bench/target/classes:conv4j/target/classes:$(cat conv4j-bench/target/classpath.txt)" io.github.conv4j.bench.ConvBenchmarkMain "$@"
