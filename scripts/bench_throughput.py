"""Throughput and latency with redis-benchmark: SET, GET, INCR, MSET (10 keys) and a 1:10
SET:GET mix, random keys over a key space, one value size and pipeline depth per run.

The SET:GET mix runs two redis-benchmark processes at the same time on the client core, one
doing SET and one doing GET, with the clients and requests split 1:10 (5 + 45 of the 50
clients; requests/11 SETs and 10*requests/11 GETs). Its throughput is all their requests over
the wall time until both finished; its latency percentiles are the worse of the two processes'.
"""
import subprocess
import time

from bench_server import pinned
from bench_stats import combine_mix, parse_benchmark_csv

# Our test name: (redis-benchmark -t name, the name in its CSV output).
TESTS = {
    "SET": ("set", "SET"),
    "GET": ("get", "GET"),
    "INCR": ("incr", "INCR"),
    "MSET": ("mset", "MSET (10 keys)"),
}
MIX = "SET:GET 1:10"
ALL_TESTS = [*TESTS, MIX]


def preload(server, keys, size):
    """key:%012d (redis-benchmark's -r key names) = size bytes, for every key of the space,
    so GET always finds its key and both servers hold the same data."""
    value = "x" * size
    frame = f"\r\n${size}\r\n{value}\r\n"
    server.pipe("".join(f"*3\r\n$3\r\nSET\r\n$16\r\nkey:{i:012d}{frame}" for i in range(keys)))


def benchmark_argv(port, test, size, pipeline, requests, clients, keyspace):
    return ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", str(clients),
            "-n", str(requests), "-r", str(keyspace), "-d", str(size), "-P", str(pipeline),
            "-t", test, "--csv"]


def run_one(port, test, size, pipeline, requests, clients, keyspace, cpu):
    """One redis-benchmark run of one of TESTS -> {"rps", "p50_ms", "p99_ms", ...}."""
    flag, csv_name = TESTS[test]
    out = subprocess.run(
        pinned(cpu, benchmark_argv(port, flag, size, pipeline, requests, clients, keyspace)),
        capture_output=True, text=True, check=True).stdout
    return parse_benchmark_csv(out)[csv_name]


def run_mix(port, size, pipeline, requests, clients, keyspace, cpu):
    set_clients = max(1, round(clients / 11))
    parts = [("set", "SET", set_clients, requests // 11),
             ("get", "GET", clients - set_clients, requests - requests // 11)]
    start = time.perf_counter()
    procs = [(subprocess.Popen(
        pinned(cpu, benchmark_argv(port, flag, size, pipeline, n, c, keyspace)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), name, n)
        for flag, name, c, n in parts]
    results = []
    for proc, name, n in procs:
        out, err = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"redis-benchmark failed: {err}")
        results.append({**parse_benchmark_csv(out)[name], "requests": n})
    return combine_mix(results, time.perf_counter() - start)


def run(port, test, size, pipeline, requests, clients, keyspace, cpu):
    if test == MIX:
        return run_mix(port, size, pipeline, requests, clients, keyspace, cpu)
    return run_one(port, test, size, pipeline, requests, clients, keyspace, cpu)
