#!/usr/bin/env bash
# Runs the client-library suites (tests/clients/) against a kvd binary. Each suite starts its
# own server on a free port in a temp dir, stops it, and prints `NAME: N passed, M failed`.
#
#   scripts/test_clients.sh KVD_BINARY [SUITE ...]   # default: all suites
#   scripts/test_clients.sh --install-node-deps       # only `npm ci`, when needed
#
# Suites: python-redis (Debian's python3-redis), ioredis, node-redis (node-redis v5, run twice:
# RESP2, then RESP3), connect-redis, redlock, rate-limiter-flexible (npm packages pinned by
# tests/clients/node/package-lock.json),
# hiredis (libhiredis-dev; the
# program is KVD_HIREDIS_SUITE when set, as CMake builds it, else compiled here with cc).
# Exits non-zero when any suite fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
clients="$root/tests/clients"
all_suites=(python-redis ioredis node-redis connect-redis redlock rate-limiter-flexible hiredis)

# `npm ci` only when node_modules is missing or was installed from another lock file.
install_node_deps() {
  local dir="$clients/node" stamp="$clients/node/node_modules/.kvd-lock.sha256" want
  want="$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "test_clients: npm ci in tests/clients/node"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

if [ "${1:-}" = "--install-node-deps" ]; then
  install_node_deps
  exit 0
fi

if [ $# -lt 1 ]; then
  echo "usage: $0 KVD_BINARY [${all_suites[*]}]" >&2
  exit 2
fi
# Absolute, but not resolved: /usr/bin/redis-server is a symlink whose name matters.
case "$1" in /*) kvd="$1" ;; *) kvd="$PWD/$1" ;; esac
shift
suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=("${all_suites[@]}")

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

hiredis_suite() {
  if [ -n "${KVD_HIREDIS_SUITE:-}" ]; then
    echo "$KVD_HIREDIS_SUITE"
    return
  fi
  cc -std=c11 -O1 -g -Wall -Wextra -o "$work/hiredis_suite" "$clients/hiredis/hiredis_suite.c" \
    $(pkg-config --cflags --libs hiredis) -lpthread
  echo "$work/hiredis_suite"
}

failed=()
for suite in "${suites[@]}"; do
  case "$suite" in
    python-redis)
      # Debian's interpreter: python3-redis lives in its dist-packages.
      cmd=(env PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 "$clients/python/run_suite.py" "$kvd") ;;
    ioredis | connect-redis | redlock | rate-limiter-flexible)
      install_node_deps
      cmd=(node "$clients/node/run.js" "$suite" "$kvd") ;;
    node-redis)
      install_node_deps
      # Both protocols, each with its own `node-redis (RESPn): ...` line; fails if either fails.
      cmd=(bash -c 'rc=0; for s in node-redis node-redis-resp3; do
                      node "$0" "$s" "$1" || rc=1; done; exit $rc' "$clients/node/run.js" "$kvd") ;;
    hiredis)
      cmd=("$(hiredis_suite)" "$kvd") ;;
    *)
      echo "test_clients: unknown suite '$suite' (known: ${all_suites[*]})" >&2
      exit 2 ;;
  esac
  if ! TMPDIR="$work" "${cmd[@]}"; then
    failed+=("$suite")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "test_clients: failing suites: ${failed[*]}"
  exit 1
fi
