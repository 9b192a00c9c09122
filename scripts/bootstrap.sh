#!/usr/bin/env bash
# Installs the Debian packages kvd needs to build and test, and nothing when all are there.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  clang libclang-rt-14-dev ccache  # the test build (ASan/UBSan runtimes, libFuzzer) and its cache
  libasio-dev libspdlog-dev libcli11-dev doctest-dev
  redis-tools   # redis-cli and redis-check-rdb, used by the end-to-end tests
  redis-server  # the real Redis: the RDB interchange tests and the benchmarks run it
  python3-redis libhiredis-dev  # client-library suites (scripts/test_clients.sh)
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev  # Lua scripting (EVAL, FUNCTION), as Redis
  libssl-dev openssl  # TLS and ACL password hashing; the TLS tests make certificates
  podman runc debootstrap  # the container test (scripts/container_test.sh, Dockerfile)
  nutcracker curl  # the sharding test behind twemproxy; scraping the metrics endpoint
  python3-prometheus-client  # parses a scrape as Prometheus would (container test)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm for the npm client suites: any install will do (NodeSource's nodejs bundles
# npm, and Debian's npm would conflict with it), so look for the commands.
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "bootstrap: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
