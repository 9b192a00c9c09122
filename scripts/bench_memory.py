#!/usr/bin/env python3
"""Bytes per element of hashes, lists, sets, sorted sets and streams: kvd beside redis-server.

(measure_keys, used by scripts/bench.py, measures plain string keys: RSS and used_memory per
key after loading key:%08d = 16-byte values through redis-cli --pipe.)

Both servers run on this machine in the same run. For each type, two shapes:
  - small: many keys of 16 elements each (Redis keeps them as listpacks; kvd as its compact
    encodings),
  - large: a few keys of 50,000 elements each (Redis: hashtable, quicklist, skiplist).
The figure is the growth of INFO memory's used_memory while the keys are written, divided by
the number of elements (so the key itself and its slot in the keyspace are included, spread
over the elements), the median of several runs with a FLUSHALL in between.

Elements are short strings: hash field "f<i>" with value "v<i>", list item "item<i>", set
member "member<i>", sorted-set member "m<i>" with score <i>; a stream entry is <i+1>-0 with
"user" "u<i mod 1000>" "action" "click" (an event log: the same fields in every entry).

Usage: scripts/bench_memory.py [--runs R] [--kvd PATH] [--redis PATH]
Builds nothing: pass a Release kvd (scripts/run.sh builds build/release/kvd).
"""
import argparse
import os
import shutil
import statistics
import tempfile
import time

import bench_server
from bench_server import resp

SHAPES = {  # name: (keys, elements per key)
    "small": (2000, 16),
    "large": (4, 50000),
}
TYPES = ["hash", "list", "set", "zset", "stream"]


class Server(bench_server.Server):
    def used_memory(self):
        return int(self.info("used_memory", "memory"))

    def flush(self):
        assert self.cli("FLUSHALL", "SYNC").strip() == "OK"
        # Let the allocator and any background freeing settle before the next baseline.
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.info("lazyfree_pending_objects", "memory") in (None, "0"):
                break
            time.sleep(0.05)


def commands(kind, keys, elements):
    """One command per key (a large key in batches of 1000 elements)."""
    out = []
    for k in range(keys):
        key = f"{kind}:{k}"
        for start in range(0, elements, 1000):
            idx = range(start, min(elements, start + 1000))
            if kind == "hash":
                args = [x for i in idx for x in (f"f{i}", f"v{i}")]
                out.append(resp("HSET", key, *args))
            elif kind == "list":
                out.append(resp("RPUSH", key, *[f"item{i}" for i in idx]))
            elif kind == "set":
                out.append(resp("SADD", key, *[f"member{i}" for i in idx]))
            elif kind == "stream":
                out.extend(resp("XADD", key, f"{i + 1}-0", "user", f"u{i % 1000}", "action",
                                "click") for i in idx)
            else:
                args = [x for i in idx for x in (i, f"m{i}")]
                out.append(resp("ZADD", key, *args))
    return out


def key_payload(keys):
    """SET key:%08d val:%012d (16-byte values) for keys keys, as one RESP byte string."""
    return "".join(f"*3\r\n$3\r\nSET\r\n$12\r\nkey:{i:08d}\r\n$16\r\nval:{i:012d}\r\n"
                   for i in range(keys)).encode()


def measure_keys(binary, payload, keys, cpu=None):
    """Loads payload (key_payload(keys)) into a fresh server: growth of RSS and used_memory
    per key, and the totals after the load."""
    work = tempfile.mkdtemp(prefix="kvd-bench-keys-")
    try:
        s = Server(binary, work, cpu=cpu)
        rss0, used0 = s.rss_kb() * 1024, s.used_memory()
        s.pipe(payload)
        if int(s.cli("DBSIZE")) != keys:
            raise RuntimeError(f"{binary}: DBSIZE is not {keys} after the load")
        rss1, used1 = s.rss_kb() * 1024, s.used_memory()
        s.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"rss_per_key": (rss1 - rss0) / keys, "used_memory_per_key": (used1 - used0) / keys,
            "rss_mb": rss1 / 1e6, "used_memory_mb": used1 / 1e6}


def measure(binary, runs):
    work = tempfile.mkdtemp(prefix="kvd-bench-mem-")
    results, encodings = {}, {}
    try:
        s = Server(binary, work)
        for shape, (keys, elements) in SHAPES.items():
            for kind in TYPES:
                cmds = commands(kind, keys, elements)
                per_element = []
                for _ in range(runs):
                    s.flush()
                    before = s.used_memory()
                    s.pipe(cmds)
                    after = s.used_memory()
                    per_element.append((after - before) / (keys * elements))
                results[(kind, shape)] = statistics.median(per_element)
                encodings[(kind, shape)] = s.cli("OBJECT", "ENCODING", f"{kind}:0").strip()
        s.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results, encodings


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--kvd", default=os.path.join(here, "..", "build", "release", "kvd"))
    p.add_argument("--redis", default=shutil.which("redis-server") or "/usr/bin/redis-server")
    a = p.parse_args()

    kvd, kvd_enc = measure(a.kvd, a.runs)
    redis, redis_enc = measure(a.redis, a.runs)
    print(f"bytes per element (used_memory growth / elements, median of {a.runs} runs)")
    print(f"{'type':6} {'shape':22} {'kvd':>7} {'redis':>7} {'kvd/redis':>9}  encodings")
    for shape, (keys, elements) in SHAPES.items():
        for kind in TYPES:
            k, r = kvd[(kind, shape)], redis[(kind, shape)]
            label = f"{shape} ({keys} x {elements})"
            enc = f"{kvd_enc[(kind, shape)]} / {redis_enc[(kind, shape)]}"
            print(f"{kind:6} {label:22} {k:7.1f} {r:7.1f} {k / r:9.2f}  {enc}")


if __name__ == "__main__":
    main()
