#!/usr/bin/env bash
# Installs what is missing, builds kvd and the tests under AddressSanitizer + UBSan (leak
# detection on) and runs the whole suite: unit tests, then end-to-end tests against the
# real binary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# clang: it compiles the sanitized build faster than g++, and its libFuzzer runs the fuzz
# targets (tests/fuzz/). ccache keeps objects between runs (and between checkouts: paths are
# taken relative to the checkout), so a rerun compiles only what changed.
export CCACHE_DIR="${CCACHE_DIR:-/var/tmp/kvd-ccache}" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
if [ -f build/test/CMakeCache.txt ] && ! grep -q "CMAKE_CXX_COMPILER:.*clang" build/test/CMakeCache.txt; then
  rm -rf build/test  # configured with another compiler
fi
CC=clang CXX=clang++ cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DKVD_SANITIZE=ON \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build build/test -j"$(nproc)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build/test --output-on-failure "$@"
