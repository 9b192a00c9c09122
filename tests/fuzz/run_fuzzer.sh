#!/usr/bin/env bash
# Runs one libFuzzer binary for a bounded time, starting from its committed seed corpus,
# which it only reads: the inputs it finds go to a temp dir, removed afterwards.
# Usage: run_fuzzer.sh <fuzzer> <seed corpus dir> <seconds> <artifact dir> [libFuzzer flags]
# A crash, leak, timeout (one input over 10 s) or memory blow-up (over 2 GB) exits non-zero
# and leaves the input as <artifact dir>/fuzz_<target>-<crash|leak|timeout|oom>-<sha1>.
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3 artifacts=$4
shift 4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts" "$work/corpus" "$work/tmp"
# The fuzzers' scratch files go under $work too, so even a crash leaves nothing behind.
export TMPDIR="$work/tmp"
dict=()
if [[ -f "$seeds.dict" ]]; then dict=(-dict="$seeds.dict"); fi
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/$(basename "$fuzzer")-" "${dict[@]}" "$@" "$work/corpus" "$seeds"
