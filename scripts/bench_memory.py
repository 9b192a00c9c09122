#!/usr/bin/env python3
"""Bytes per element of hashes, lists, sets and sorted sets: kvd beside redis-server.

Both servers run on this machine in the same run. For each type, two shapes:
  - small: many keys of 16 elements each (Redis keeps them as listpacks; kvd as its compact
    encodings),
  - large: a few keys of 50,000 elements each (Redis: hashtable, quicklist, skiplist).
The figure is the growth of INFO memory's used_memory while the keys are written, divided by
the number of elements (so the key itself and its slot in the keyspace are included, spread
over the elements), the median of several runs with a FLUSHALL in between.

Elements are short strings: hash field "f<i>" with value "v<i>", list item "item<i>", set
member "member<i>", sorted-set member "m<i>" with score <i>.

Usage: scripts/bench_memory.py [--runs R] [--kvd PATH] [--redis PATH]
Builds nothing: pass a Release kvd (scripts/run.sh builds build/release/kvd).
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time

SHAPES = {  # name: (keys, elements per key)
    "small": (2000, 16),
    "large": (4, 50000),
}
TYPES = ["hash", "list", "set", "zset"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resp(*args):
    out = [f"*{len(args)}\r\n"]
    for a in args:
        a = str(a)
        out.append(f"${len(a.encode())}\r\n{a}\r\n")
    return "".join(out)


class Server:
    def __init__(self, binary, workdir):
        self.port = free_port()
        self.log = open(os.path.join(workdir, "server.log"), "w")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", workdir,
             "--save", "", "--appendonly", "no"],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.cli("PING").strip() == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError(f"{binary} did not start; see {workdir}/server.log")

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.port), *args],
                              capture_output=True, text=True).stdout

    def used_memory(self):
        return int(re.search(r"^used_memory:(\d+)", self.cli("INFO", "memory"), re.M).group(1))

    def flush(self):
        assert self.cli("FLUSHALL", "SYNC").strip() == "OK"
        # Let the allocator and any background freeing settle before the next baseline.
        deadline = time.time() + 30
        while time.time() < deadline:
            m = re.search(r"^lazyfree_pending_objects:(\d+)", self.cli("INFO", "memory"), re.M)
            if not m or m.group(1) == "0":
                break
            time.sleep(0.05)

    def pipe(self, commands):
        r = subprocess.run(["redis-cli", "-p", str(self.port), "--pipe"],
                           input="".join(commands).encode(), capture_output=True, check=True)
        if b"errors: 0" not in r.stdout:
            raise RuntimeError(r.stdout.decode())

    def stop(self):
        self.cli("SHUTDOWN", "NOSAVE")
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


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
            else:
                args = [x for i in idx for x in (i, f"m{i}")]
                out.append(resp("ZADD", key, *args))
    return out


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
