#!/usr/bin/env bash
# Installs what is missing, builds kvd and the tests under AddressSanitizer + UBSan (leak
# detection on) and runs the whole suite: unit tests, then end-to-end tests against the
# real binary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DKVD_SANITIZE=ON >/dev/null
cmake --build build/test -j"$(nproc)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build/test --output-on-failure "$@"
