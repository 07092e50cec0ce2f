#!/bin/sh
# Runs the benchmark suite (stock Ansible vs Mitogen 0.3.54 from Debian sid vs this engine). Writes the report
# (benchmarks.md, benchmarks/*.png, benchmarks/results.json) into bench-results/DATE-TIME/ and prints where;
# only --publish, on a full run, writes docs/. Builds the benchmark jar first if it is missing.
#   benchmark/bench.sh --quick                      # smoke run of every workload, small counts
#   benchmark/bench.sh --workloads cmd100,floor     # selected workloads, full size
#   benchmark/bench.sh --publish --repeat 5 --once hosts100,hosts300   # the published report
#   benchmark/bench.sh --help
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
jar="$here/target/ansible-mitogen-benchmark.jar"
if [ ! -f "$jar" ]; then
    (cd "$repo" && mvn -B -q -pl benchmark -am package -DskipTests)
fi
exec java -Djava.awt.headless=true -cp "$jar" io.ansiblemitogen.bench.Main --repo "$repo" "$@"
