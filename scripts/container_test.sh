#!/usr/bin/env bash
# The container test (CTest: container): builds the image from the Dockerfile with podman
# (making the local base image first if needed) and checks what an operator relies on:
#   - the container becomes healthy (its HEALTHCHECK passes) and redis-cli talks to it;
#   - kvd runs as a non-root user;
#   - `podman stop` (SIGTERM) ends it cleanly, exit code 0, well within the stop timeout;
#   - data written before the stop is there in a new container on the same volume, started
#     with a mounted config file as its first argument, as the official Redis image is;
#   - with `--memory`, kvd warns that no maxmemory is set, INFO shows the cgroup limit and
#     `maxmemory 50%` is half of it; the metrics endpoint serves from the container.
# Needs root (rootful podman), podman, runc, debootstrap (scripts/bootstrap.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ] || ! command -v podman >/dev/null; then
  echo "container_test: SKIPPED: needs root and podman (scripts/bootstrap.sh installs it)"
  exit 77
fi
source scripts/container_env.sh

image=localhost/kvd:test
run_id="kvd-test-$$"
volume="$run_id-data"
work="$(mktemp -d)"
containers=()

cleanup() {
  for c in "${containers[@]}"; do podman rm -f -v -t 0 "$c" >/dev/null 2>&1 || true; done
  podman volume rm -f "$volume" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step_start=$SECONDS
step() {
  echo "container_test: $1 ($((SECONDS - step_start)) s so far)"
}
fail() {
  echo "container_test: FAIL: $*" >&2
  for c in "${containers[@]}"; do
    echo "---- podman logs $c ----" >&2
    podman logs "$c" >&2 2>&1 || true
  done
  exit 1
}
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
cli() {
  local port=$1
  shift
  redis-cli -h 127.0.0.1 -p "$port" "$@"
}
# Polls a command until it succeeds, for at most $1 seconds.
wait_until() {
  local seconds=$1
  shift
  local end=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.2
  done
}
health_status() {
  # podman 4.3 keeps the status under .State.Healthcheck; newer ones under .State.Health.
  podman inspect --format '{{.State.Healthcheck.Status}}' "$1" 2>/dev/null ||
    podman inspect --format '{{.State.Health.Status}}' "$1"
}

# ---- the image -------------------------------------------------------------------------------
scripts/container_base_image.sh
step "base image ready"
if ! podman build --format docker --network host -t "$image" . >"$work/build.log" 2>&1; then
  tail -n 50 "$work/build.log" >&2
  fail "podman build"
fi
grep -q "smoke test: ok" "$work/build.log" || grep -q "Using cache" "$work/build.log" ||
  fail "the build stage's quick test did not run"
step "image built"
healthcheck="$(podman image inspect --format '{{json .HealthCheck}}' "$image")"
[[ $healthcheck == *kvd-healthcheck* ]] || fail "the image has no HEALTHCHECK: $healthcheck"
[ "$(podman image inspect --format '{{.Config.User}}' "$image")" = kvd ] ||
  fail "the image's user is not kvd"
[ "$(podman image inspect --format '{{.Config.StopSignal}}' "$image")" = SIGTERM ] ||
  fail "STOPSIGNAL is not SIGTERM"

# ---- first container: health, redis-cli, non-root, data, stop ------------------------------
# Health checks run on demand (`podman healthcheck run`): without systemd podman cannot
# schedule them and says so ("unable to get systemd connection"), harmlessly.
podman volume create "$volume" >/dev/null
port=$(free_port)
first="$run_id-1"
containers+=("$first")
podman run -d --name "$first" --network host -v "$volume:/data" "$image" \
  --port "$port" --bind 127.0.0.1 --appendonly yes >/dev/null
wait_until 30 podman healthcheck run "$first" || fail "the container never became healthy"
[ "$(health_status "$first")" = healthy ] || fail "health status: $(health_status "$first")"
step "container healthy"

[ "$(cli "$port" PING)" = PONG ] || fail "redis-cli PING"
[ "$(cli "$port" SET greeting hello)" = OK ] || fail "redis-cli SET"
[ "$(cli "$port" GET greeting)" = hello ] || fail "redis-cli GET"
for i in $(seq 1 100); do echo "RPUSH list item$i"; done | cli "$port" >/dev/null
[ "$(cli "$port" LLEN list)" = 100 ] || fail "RPUSH through redis-cli"

# Non-root: the image's user, and the kvd process itself as the host sees it.
[ "$(podman exec "$first" id -u)" != 0 ] || fail "the container's user is root"
pid="$(podman inspect --format '{{.State.Pid}}' "$first")"
uid="$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")"
[ "$uid" != 0 ] || fail "kvd runs as root"
[ "$(cli "$port" CONFIG GET dir | tail -n1)" = /data ] || fail "dir is not /data"
step "redis-cli works; kvd runs as uid $uid in /data"

stop_start=$(date +%s%N)
podman stop -t 10 "$first" >/dev/null
stop_ms=$((($(date +%s%N) - stop_start) / 1000000))
[ "$(podman inspect --format '{{.State.ExitCode}}' "$first")" = 0 ] ||
  fail "exit code after podman stop: $(podman inspect --format '{{.State.ExitCode}}' "$first")"
[ $stop_ms -lt 5000 ] || fail "podman stop took $stop_ms ms (SIGKILL after 10 s?)"
logs="$(podman logs "$first" 2>&1)"
grep -q "Received SIGTERM" <<<"$logs" || fail "kvd did not get SIGTERM"
grep -q "ready to exit" <<<"$logs" || fail "kvd did not shut down cleanly"
step "podman stop: clean exit 0 in $stop_ms ms"

# ---- second container: same volume, config file as the first argument ----------------------
port2=$(free_port)
cat >"$work/kvd.conf" <<CONF
port $port2
bind 127.0.0.1
appendonly yes
loglevel verbose
CONF
chmod 644 "$work/kvd.conf"
second="$run_id-2"
containers+=("$second")
podman run -d --name "$second" --network host -v "$volume:/data" \
  -v "$work/kvd.conf:/usr/local/etc/kvd/kvd.conf:ro" "$image" /usr/local/etc/kvd/kvd.conf >/dev/null
wait_until 30 podman healthcheck run "$second" || fail "the second container never became healthy"
[ "$(cli "$port2" CONFIG GET loglevel | tail -n1)" = verbose ] || fail "config file not used"
wait_until 30 bash -c "redis-cli -p $port2 INFO persistence | grep -q '^loading:0'" ||
  fail "the data never loaded"
[ "$(cli "$port2" GET greeting)" = hello ] || fail "data lost across containers"
[ "$(cli "$port2" LLEN list)" = 100 ] || fail "list lost across containers"
podman stop -t 10 "$second" >/dev/null
step "data survived into a new container started with a config file"

# ---- third container: a memory limit, maxmemory as a percentage, metrics ------------------
port3=$(free_port)
metrics=$(free_port)
third="$run_id-3"
containers+=("$third")
if podman run -d --name "$third" --network host --memory 256m \
    "$image" --port "$port3" --bind 127.0.0.1 --save "" --metrics-port "$metrics" \
    >"$work/run3.log" 2>&1; then
  wait_until 30 podman healthcheck run "$third" || fail "the third container never became healthy"
  limit=$(cli "$port3" INFO memory | tr -d '\r' |
    awk -F: '$1 == "cgroup_memory_limit" { print $2 }')
  [ "$limit" = 268435456 ] || fail "INFO cgroup_memory_limit is '$limit', want 268435456"
  logs="$(podman logs "$third" 2>&1)"
  grep -q "memory limit of 268435456 bytes and no maxmemory" <<<"$logs" ||
    fail "no startup warning about the memory limit"
  [ "$(cli "$port3" CONFIG SET maxmemory 50%)" = OK ] || fail "CONFIG SET maxmemory 50%"
  [ "$(cli "$port3" CONFIG GET maxmemory | tail -n1)" = "50%" ] || fail "CONFIG GET maxmemory"
  maxmemory=$(cli "$port3" INFO memory | tr -d '\r' |
    awk -F: '$1 == "maxmemory" { print $2 }')
  [ "$maxmemory" = 134217728 ] || fail "maxmemory 50% of 256m is $maxmemory"
  cli "$port3" SET k v >/dev/null
  scrape=$(curl -fsS "http://127.0.0.1:$metrics/metrics") || fail "curl /metrics"
  grep -q '^kvd_memory_cgroup_limit_bytes 268435456$' <<<"$scrape" || fail "metrics: cgroup limit"
  grep -q '^kvd_db_keys{db="0"} 1$' <<<"$scrape" || fail "metrics: kvd_db_keys"
  # The whole scrape parses as Prometheus's text format (python3-prometheus-client's parser).
  /usr/bin/python3 -c '
import sys
from prometheus_client.parser import text_string_to_metric_families
families = {f.name: f for f in text_string_to_metric_families(sys.stdin.read())}
assert families["kvd_commands_processed"].type == "counter", families.keys()
assert families["kvd_connected_clients"].type == "gauge"
assert any(s.labels == {"cmd": "set"} for s in families["kvd_commands"].samples)
assert len(families) > 30, len(families)
' <<<"$scrape" || fail "metrics: the scrape does not parse as the Prometheus text format"
  podman stop -t 10 "$third" >/dev/null
  step "memory limit: warning, INFO, maxmemory 50%, metrics"
else
  # Not every host lets podman limit memory (no memory controller): say so, do not fail.
  echo "container_test: SKIPPED the memory-limit checks: $(cat "$work/run3.log")"
fi

echo "container_test: passed in $SECONDS s"
