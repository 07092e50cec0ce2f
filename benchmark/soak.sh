#!/bin/sh
# Soak: one daemon serving two concurrent runs of a mixed playbook (benchmark/soak/mixed.yml) in a loop for N
# minutes. Reports runs and failures, the daemon's RSS, threads and open fds at start and end, and the latency of
# `ansible-mitogen pool status` sampled during the soak (issue 21). Not a unit test: it takes minutes.
#   benchmark/soak.sh [--minutes N] [--inventory FILE]
# Without --inventory the target is this machine through the engine's local transport.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cli="$repo/bin/ansible-mitogen"
minutes=10
inventory=
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes=$2; shift 2 ;;
        --inventory) inventory=$2; shift 2 ;;
        *) echo "soak: unknown argument $1" >&2; exit 2 ;;
    esac
done
work=$(mktemp -d /tmp/ansible-mitogen-soak.XXXXXX)
trap 'kill "$daemon_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -m 700 "$work/sock"
if [ -z "$inventory" ]; then
    inventory="$work/inventory.ini"
    printf 'soak1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' > "$inventory"
fi
export ANSIBLE_MITOGEN_SOCKET_DIR="$work/sock" ANSIBLE_LOCAL_TEMP="$work/atmp" ANSIBLE_RETRY_FILES_ENABLED=false
"$cli" daemon --socket-dir "$work/sock" --idle-timeout 60 > "$work/daemon.log" 2>&1 &
wrapper=$!
i=0
while ! grep -q "daemon serving" "$work/daemon.log" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 600 ] || { cat "$work/daemon.log"; exit 1; }; sleep 0.1
done
daemon_pid=$(sed -n 's/.*pid \([0-9]*\)).*/\1/p' "$work/daemon.log" | head -n 1)
sample() {  # rss_kib threads fds
    printf '%s %s %s' "$(awk '/^VmRSS/ {print $2}' /proc/"$daemon_pid"/status)" \
        "$(awk '/^Threads/ {print $2}' /proc/"$daemon_pid"/status)" "$(ls /proc/"$daemon_pid"/fd | wc -l)"
}
# Warm the daemon once so that "start" is a serving daemon, not a bare JVM.
"$cli" playbook -i "$inventory" "$here/soak/mixed.yml" -e soak_dir="$work" -e soak_run=warm > "$work/warm.log" 2>&1 \
    || { echo "soak: the warm-up run failed:"; tail -30 "$work/warm.log"; exit 1; }
start=$(sample)
end_at=$(( $(date +%s) + minutes * 60 ))
loop() {  # worker number
    n=0
    while [ "$(date +%s)" -lt "$end_at" ]; do
        n=$((n + 1))
        if "$cli" playbook -i "$inventory" "$here/soak/mixed.yml" -e soak_dir="$work" -e soak_run="w$1-$n" \
                > "$work/run-$1.log" 2>&1; then
            echo ok >> "$work/results"
        else
            echo fail >> "$work/results"
            cp "$work/run-$1.log" "$work/failed-$1-$n.log"
        fi
    done
}
loop 1 & l1=$!
loop 2 & l2=$!
: > "$work/latency"
while [ "$(date +%s)" -lt "$end_at" ]; do
    t0=$(date +%s%N)
    "$cli" pool status > /dev/null 2>&1 || echo "pool status failed" >> "$work/pool-errors"
    echo $(( ($(date +%s%N) - t0) / 1000000 )) >> "$work/latency"
    sleep 10
done
wait "$l1" "$l2"
end=$(sample)
served=$("$cli" pool status 2>/dev/null | awk 'NR > 2 {s += $(NF-2)} END {print s + 0}')
ok=$(grep -c ok "$work/results" || true)
failed=$(grep -c fail "$work/results" || true)
echo "soak: $minutes min, 2 concurrent runs of benchmark/soak/mixed.yml against $(wc -l < "$inventory") host(s)"
echo "runs: $ok ok, $failed failed; requests served (pool status REQUESTS column): $served"
set -- $start; echo "daemon at start: RSS $(($1 / 1024)) MiB, $2 threads, $3 fds"
set -- $end; echo "daemon at end:   RSS $(($1 / 1024)) MiB, $2 threads, $3 fds"
sort -n "$work/latency" | awk '{a[NR] = $1} END {printf "pool status latency (ms, %d samples): min %d, median %d, max %d\n", NR, a[1], a[int((NR + 1) / 2)], a[NR]}'
[ ! -s "$work/pool-errors" ] || echo "pool status failures: $(wc -l < "$work/pool-errors")"
for f in "$work"/failed-*.log; do [ -e "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done
exit 0
