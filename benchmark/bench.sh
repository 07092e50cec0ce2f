#!/bin/sh
# Runs the benchmark suite (stock Ansible vs Mitogen 0.3.3 vs this engine) and writes docs/benchmarks.md,
# docs/benchmarks/*.png and docs/benchmarks/results.json. Builds the benchmark jar first if it is missing.
#   benchmark/bench.sh --quick                      # smoke run of every workload, small counts
#   benchmark/bench.sh --workloads cmd100,floor     # selected workloads, full size
#   benchmark/bench.sh --help
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
jar="$here/target/ansible-mitogen-benchmark.jar"
if [ ! -f "$jar" ]; then
    (cd "$repo" && mvn -B -q -pl benchmark -am package -DskipTests)
fi
exec java -Djava.awt.headless=true -cp "$jar" io.ansiblemitogen.bench.Main --repo "$repo" "$@"
