#!/usr/bin/env bash
# Installs what is missing, builds a release kvd and starts it with the default config.
# Extra arguments go to kvd (e.g. --port 7000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build/release --target kvd -j"$(nproc)"
exec build/release/kvd conf/kvd.conf "$@"
