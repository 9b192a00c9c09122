#!/usr/bin/env bash
# Lints the Dockerfile with dockerfile-utils (pinned in scripts/container/lint/package.json,
# installed there by `npm ci` when missing or stale). Fails on any error or warning.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/scripts/container/lint"
stamp="$dir/node_modules/.kvd-lock.sha256"
want="$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi
dockerfile="${1:-$root/Dockerfile}"
out="$("$dir/node_modules/.bin/dockerfile-utils" lint "$dockerfile")" || { echo "$out"; exit 1; }
if [ -n "$out" ]; then
  echo "$out"
  exit 1
fi
echo "container_lint: $dockerfile is clean"
