#!/usr/bin/env python3
"""Persistence figures for kvd beside redis-server, same machine, same run.

For a dataset of N keys (default 1,000,000; half with a TTL), for each server:
  - SAVE time,
  - load time at startup (from the server's own "DB loaded" log line),
  - peak memory during BGSAVE under a steady write load (redis-benchmark SETs over the same
    keys), as a ratio to the memory just before the BGSAVE. Memory is the proportional set
    size (PSS) of the server and its children: Redis saves in a forked child whose pages are
    shared until written, so PSS counts every page once.
Each figure is the median of the runs, each run on a fresh server (scripts/bench.py runs the
same rounds interleaved, kvd then redis-server, as part of the whole benchmark).

Usage: scripts/bench_persistence.py [--keys N] [--runs R] [--kvd PATH] [--redis PATH]
Builds nothing: pass a Release kvd (scripts/run.sh builds build/release/kvd).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time

import bench_server


class Server(bench_server.Server):
    def wait_loaded(self):
        while self.info("loading") != "0":
            time.sleep(0.02)

    def load_seconds(self):
        with open(self.log_path) as f:
            m = re.findall(r"DB loaded from disk: ([0-9.]+) seconds", f.read())
        return float(m[-1]) if m else None


def pss_kb(pid):
    """PSS of pid and all its descendants, in kB."""
    total = 0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += int(re.search(r"^Pss:\s+(\d+)", f.read(), re.M).group(1))
            with open(f"/proc/{p}/task/{p}/children") as f:
                pids += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, AttributeError):
            pass
    return total


def populate(server, keys):
    """SET key:%012d (redis-benchmark's -r key names) = 32 bytes, every other one with a TTL."""
    value = "v" * 32
    chunks = []
    for i in range(keys):
        k = f"key:{i:012d}"
        if i % 2:
            chunks.append(f"*5\r\n$3\r\nSET\r\n${len(k)}\r\n{k}\r\n$32\r\n{value}\r\n"
                          f"$2\r\nEX\r\n$6\r\n360000\r\n")
        else:
            chunks.append(f"*3\r\n$3\r\nSET\r\n${len(k)}\r\n{k}\r\n$32\r\n{value}\r\n")
    server.pipe(chunks)
    assert int(server.cli("DBSIZE")) == keys, "populate failed"


def measure_once(binary, keys, cpu=None, client_cpu=None):
    """One round for one server: SAVE, BGSAVE under writes, then load at startup."""
    work = tempfile.mkdtemp(prefix="kvd-bench-")
    out = {}
    try:
        s = Server(binary, work, cpu=cpu)
        populate(s, keys)
        t = time.perf_counter()
        assert s.cli("SAVE").strip() == "OK"
        out["save_s"] = time.perf_counter() - t
        out["file_mb"] = os.path.getsize(os.path.join(work, "dump.rdb")) / 1e6

        # BGSAVE under a steady write load over the same keys.
        load = subprocess.Popen(bench_server.pinned(client_cpu, [
            "redis-benchmark", "-p", str(s.port), "-t", "set", "-r", str(keys), "-d", "32",
            "-n", "100000000", "-c", "8", "-P", "16", "-q"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)  # the write load reaches its steady state
        before = statistics.median(pss_kb(s.proc.pid) for _ in range(5))
        ops_before = int(s.info("total_commands_processed"))
        t = time.perf_counter()
        assert "started" in s.cli("BGSAVE")
        peak = before
        while s.info("rdb_bgsave_in_progress") != "0":
            peak = max(peak, pss_kb(s.proc.pid))
            time.sleep(0.01)
        out["bgsave_s"] = time.perf_counter() - t
        ops = int(s.info("total_commands_processed")) - ops_before
        out["writes_per_s_during_bgsave"] = ops / out["bgsave_s"]
        load.terminate()
        load.wait()
        out["bgsave_ok"] = s.info("rdb_last_bgsave_status") == "ok"
        out["pss_before_mb"] = before / 1024
        out["pss_peak_mb"] = peak / 1024
        out["peak_ratio"] = peak / before
        s.stop()

        s = Server(binary, work, cpu=cpu)
        s.wait_loaded()
        out["load_s"] = s.load_seconds()
        s.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def measure(binary, keys, runs):
    """Medians of runs rounds (each with a fresh server)."""
    rounds = [measure_once(binary, keys) for _ in range(runs)]
    out = {k: statistics.median(r[k] for r in rounds) for k in rounds[0] if k != "bgsave_ok"}
    out["bgsave_status"] = "ok" if all(r["bgsave_ok"] for r in rounds) else "err"
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--kvd", default=os.path.join(here, "..", "build", "release", "kvd"))
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    a = ap.parse_args()

    results = {}
    for name, binary in (("kvd", a.kvd), ("redis", a.redis)):
        print(f"measuring {name} ({binary}) with {a.keys} keys...", flush=True)
        results[name] = measure(binary, a.keys, a.runs)

    k, r = results["kvd"], results["redis"]
    rows = [
        ("SAVE (s, median)", "save_s", "{:.3f}"),
        ("load at startup (s, median)", "load_s", "{:.3f}"),
        ("dump.rdb size (MB)", "file_mb", "{:.1f}"),
        ("memory before BGSAVE (PSS MB)", "pss_before_mb", "{:.1f}"),
        ("peak memory during BGSAVE (PSS MB)", "pss_peak_mb", "{:.1f}"),
        ("peak / before", "peak_ratio", "{:.2f}"),
        ("BGSAVE duration (s)", "bgsave_s", "{:.2f}"),
        ("writes/s during BGSAVE", "writes_per_s_during_bgsave", "{:.0f}"),
    ]
    print(f"\n{a.keys} keys (half with a TTL), 32-byte values, {a.runs} runs")
    print(f"{'':38} {'kvd':>12} {'redis':>12} {'kvd/redis':>10}")
    for label, key, fmt in rows:
        ratio = k[key] / r[key] if r[key] else float("nan")
        print(f"{label:38} {fmt.format(k[key]):>12} {fmt.format(r[key]):>12} {ratio:>10.2f}")
    print(f"BGSAVE status: kvd {k['bgsave_status']}, redis {r['bgsave_status']}")


if __name__ == "__main__":
    main()
