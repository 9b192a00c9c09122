#!/usr/bin/env bash
# Where kvd spends its instructions under redis-benchmark, with valgrind's callgrind
# (instruction counts do not depend on what else the machine runs).
#   scripts/bench_profile.sh [set|get] [pipeline] [requests] [kvd binary]
# Starts kvd under callgrind with instrumentation off, loads the 100,000 keys of the key
# space, turns instrumentation on for the redis-benchmark run only (50 clients, 16-byte
# values), then prints the top functions, exclusive and inclusive. The profile stays in
# build/bench-profile/callgrind.out.<test> for callgrind_annotate or kcachegrind.
set -euo pipefail
cd "$(dirname "$0")/.."
test=${1:-set}
pipeline=${2:-16}
requests=${3:-200000}
kvd=${4:-build/release/kvd}
out=build/bench-profile
mkdir -p "$out"
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)"; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
profile="$out/callgrind.out.$test"
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$profile" \
  "$kvd" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$out" \
  >"$out/kvd-$test.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do sleep 0.2; done

python3 -c '
v = "x" * 16
for i in range(100000):
    print(f"*3\r\n$3\r\nSET\r\n$16\r\nkey:{i:012d}\r\n$16\r\n{v}\r", end="\n")
' | redis-cli -p "$port" --pipe >/dev/null
callgrind_control -i on "$pid" >/dev/null
redis-benchmark -p "$port" -c 50 -n "$requests" -r 100000 -d 16 -P "$pipeline" -t "$test" -q
callgrind_control -i off "$pid" >/dev/null
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
wait "$pid" || true
trap - EXIT

echo "== $test, pipeline $pipeline, $requests requests: exclusive instructions"
callgrind_annotate --threshold=95 "$profile" 2>/dev/null | sed -n '1,60p' | grep -v '^$' \
  | head -45
echo "== inclusive"
callgrind_annotate --inclusive=yes "$profile" 2>/dev/null | grep -v '^$' | sed -n '1,60p'
