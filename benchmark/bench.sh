#!/bin/sh
# Runs the benchmark suite (stock Ansible vs Mitogen 0.3.54 from Debian sid vs this engine). Writes the report
# (benchmarks.md, benchmarks/*.png, benchmarks/results.json) into bench-results/DATE-TIME/ and prints where;
# only --publish, on a full run, writes docs/. Builds the benchmark jar first if it is missing or stale.
#   benchmark/bench.sh --quick                      # smoke run of every workload, small counts
#   benchmark/bench.sh --workloads cmd100,floor     # selected workloads, full size
#   benchmark/bench.sh --publish --repeat 5 --once hosts100,hosts300   # the published report
#   benchmark/bench.sh --help
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
jar="$here/target/ansible-mitogen-benchmark.jar"
# built when missing or older than its sources: a run (a --publish above all) never measures with stale code
if [ ! -f "$jar" ] || [ -n "$(find "$here/src/main" "$repo/testkit/src/main" -newer "$jar" -type f 2>/dev/null \
        | head -n 1)" ]; then
    echo "bench.sh: building the benchmark..." >&2
    (cd "$repo" && ./mvnw -B -q -Dstyle.color=never -Dpreflight.skip=true -pl benchmark -am package -DskipTests) >&2
fi
exec java -Djava.awt.headless=true -cp "$jar" io.ansiblemitogen.bench.Main --repo "$repo" "$@"
