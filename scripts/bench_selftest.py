"""`scripts/bench.py --selftest`: the benchmark's parsing and arithmetic on canned data, and the
do-nothing ceiling server's replies, so the scripts do not rot between benchmark runs. Times
nothing; run by CTest (bench_selftest)."""
import json
import os
import socket
import subprocess
import tempfile

import bench_report
from bench_server import build_ceiling_server
from bench_stats import check, combine_mix, parse_benchmark_csv, ratio, summarize

# What redis-benchmark 7.0.15 prints with --csv -t set,get,incr,mset.
CANNED_CSV = '''"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
"SET","55555.55","0.507","0.136","0.487","0.631","0.831","2.215"
"GET","63291.14","0.609","0.312","0.599","0.887","1.055","1.783"
"INCR","49140.05","0.818","0.192","0.831","1.055","1.295","8.519"
"MSET (10 keys)","34965.04","1.313","0.536","1.263","1.671","4.031","9.647"
'''


def close(a, b, eps=1e-9):
    return a is not None and b is not None and abs(a - b) <= eps * max(1.0, abs(b))


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def test_parse():
    parsed = parse_benchmark_csv(CANNED_CSV)
    expect(sorted(parsed) == ["GET", "INCR", "MSET (10 keys)", "SET"], f"tests: {sorted(parsed)}")
    expect(close(parsed["SET"]["rps"], 55555.55), "SET rps")
    expect(close(parsed["GET"]["p50_ms"], 0.599), "GET p50")
    expect(close(parsed["MSET (10 keys)"]["p99_ms"], 4.031), "MSET p99")
    try:
        parse_benchmark_csv("SET: 1000.00 requests per second\n")
        expect(False, "non-CSV output must be refused")
    except ValueError:
        pass


def test_summarize():
    s = summarize([100, 90, 130, 110, 95])
    expect(close(s["median"], 100), f"median {s}")
    expect(close(s["spread"], 0.4), f"spread (130 - 90) / 100 {s}")
    # |x - 100| = 0, 10, 30, 10, 5 -> median 10
    expect(close(s["rel_mad"], 0.1), f"rel_mad {s}")
    expect(close(summarize([1.0, 3.0])["median"], 2.0), "even count: mean of the middle two")
    expect(summarize([])["median"] is None, "no rounds")
    expect(summarize([None, 4.0])["n"] == 1, "missing rounds are skipped")


def test_ratio_and_targets():
    expect(close(ratio(150, 100), 1.5), "ratio")
    expect(ratio(1, 0) is None and ratio(None, 1) is None, "ratio of nothing")
    expect(check(1.5, 1.5, True) is True and check(1.49, 1.5, True) is False, "at least")
    expect(check(0.6, 0.6, False) is True and check(0.61, 0.6, False) is False, "at most")
    expect(check(None, 1.0, True) is None, "unmeasured")


def test_mix():
    parts = [{"requests": 1000, "p50_ms": 0.5, "p99_ms": 2.0},
             {"requests": 10000, "p50_ms": 0.7, "p99_ms": 1.5}]
    m = combine_mix(parts, 0.5)
    expect(close(m["rps"], 22000), f"11000 requests in 0.5 s {m}")
    expect(close(m["p50_ms"], 0.7) and close(m["p99_ms"], 2.0), f"worst percentiles {m}")


def canned_results():
    """Three rounds of SET at pipeline 16 (kvd 300k/320k/310k, redis 200k/200k/210k, the
    do-nothing ceiling server 400k each) plus memory and persistence rounds."""
    rows = []
    for rnd, (k, r) in enumerate([(300e3, 200e3), (320e3, 200e3), (310e3, 210e3)], 1):
        rows.append({"test": "SET", "size": 16, "pipeline": 16, "server": "kvd", "round": rnd,
                     "rps": k, "p50_ms": 1.0, "p99_ms": 2.0, "cpu_us_per_req": 1.0 + rnd})
        rows.append({"test": "SET", "size": 16, "pipeline": 16, "server": "redis",
                     "round": rnd, "rps": r, "p50_ms": 1.5, "p99_ms": 1.9,
                     "cpu_us_per_req": 4.5})
        rows.append({"test": "SET", "size": 16, "pipeline": 16, "server": "ceiling",
                     "round": rnd, "rps": 400e3, "p50_ms": 0.5, "p99_ms": 0.9})
    results = {
        "machine": {"cpu": "Test CPU", "cores": 2, "kernel": "6.1", "date": "2026-01-01",
                    "load_average_at_start": 0.1, "commit": "abc123",
                    "redis": "Redis server v=7.0.15"},
        "config": {"rounds": 3, "rounds_other": 2, "clients": 50, "keyspace": 100000,
                   "server_cpu": 0, "client_cpu": 1, "memory_keys": 1000000,
                   "persistence_keys": 1000000, "connections": 10000},
        "throughput": rows,
        "memory": {"kvd": [{"rss_per_key": 60.0}, {"rss_per_key": 64.0}],
                   "redis": [{"rss_per_key": 100.0}, {"rss_per_key": 110.0}]},
        "persistence": {"kvd": [{"save_s": 1.0, "load_s": 2.0, "peak_ratio": 1.0,
                                 "bgsave_ok": True}] * 2,
                        "redis": [{"save_s": 2.0, "load_s": 1.0, "peak_ratio": 1.9,
                                   "bgsave_ok": True}] * 2},
    }
    results["throughput_summary"] = bench_report.throughput_summary(rows)
    results["memory_summary"] = bench_report.rounds_summary(results["memory"])
    results["persistence_summary"] = bench_report.rounds_summary(results["persistence"])
    return results


def test_report():
    results = canned_results()
    s = results["throughput_summary"][("SET", 16, 16)]
    expect(close(s["kvd"]["rps"]["median"], 310e3), "kvd median")
    expect(close(s["redis"]["rps"]["spread"], 0.05), "redis spread (210 - 200) / 200")
    expect("bgsave_ok" not in results["persistence_summary"], "flags are not figures")
    targets = {label: (measured, met) for label, measured, _, met in
               bench_report.targets(results)}
    tp = targets["SET 16 B, pipeline 16: throughput kvd/redis >= 1.5"]
    expect(close(tp[0], 1.55) and tp[1] is True, f"throughput target {tp}")
    p99 = targets["SET 16 B, pipeline 16: p99 latency kvd/redis <= 1.0"]
    expect(close(p99[0], 2.0 / 1.9) and p99[1] is False, f"p99 target {p99}")
    mem = targets["memory: RSS per key kvd/redis <= 0.6 (1M keys)"]
    expect(close(mem[0], 62 / 105) and mem[1] is True, f"memory target {mem}")
    load = targets["load at startup kvd/redis <= 1.0 (1M keys)"]
    expect(close(load[0], 2.0) and load[1] is False, f"load target {load}")
    md = bench_report.markdown(results)
    expect("| SET | 16 B | 16 | 310.0k | 200.0k | **1.55** | 400.0k | 0.78 |" in md, md)
    expect("| kvd/ceiling |" in md and "Ceiling: the same runs" in md, md)
    expect("| 1.000 / 1.500 | 2.000 / 1.900 | 3.00 / 4.50 | 6% / 5% |" in md,
           f"CPU per request: medians 3 (kvd) and 4.5 (redis) {md}")
    del results["throughput_summary"][("SET", 16, 16)]["ceiling"]
    plain = bench_report.markdown(results)
    expect("| SET | 16 B | 16 | 310.0k | 200.0k | **1.55** | 1.000 / 1.500 |" in plain, plain)
    expect("ceiling" not in plain, "no ceiling columns for runs without the ceiling server")
    expect("| RSS per key (bytes) | 62.0 | 105.0 | 0.59 |" in md, md)
    with tempfile.TemporaryDirectory() as d:
        bench_report.write_files(results, d)
        with open(os.path.join(d, "results.json")) as f:
            saved = json.load(f)
        expect(len(saved["throughput"]) == 9, "every run saved")
        expect(any(t["met"] is False for t in saved["targets"]), "targets saved")
        with open(os.path.join(d, "throughput.csv")) as f:
            expect(len(f.read().splitlines()) == 10, "CSV: header + 9 runs")
        readme = os.path.join(d, "README.md")
        with open(readme, "w") as f:
            f.write(f"# x\nbefore\n{bench_report.README_BEGIN}\nold table\n"
                    f"{bench_report.README_END}\nafter\n")
        expect(bench_report.update_readme(readme, md, "throughput.png"), "markers")
        with open(readme) as f:
            text = f.read()
        expect("old table" not in text and "| SET | 16 B | 16 |" in text, "table replaced")
        expect(text.startswith("# x\nbefore\n") and text.endswith("after\n"), "rest kept")
        expect("](throughput.png)" not in text, "no chart shown while there is none")
        open(os.path.join(d, "throughput.png"), "wb").close()
        bench_report.update_readme(readme, md, "throughput.png")
        with open(readme) as f:
            text = f.read()
        expect(text.count("](throughput.png)") == 1 and text.count("| SET | 16 B | 16 |") == 1,
               "chart shown once, table once")


def test_phase_provenance():
    """A phase kept from an earlier run (--only) names the kvd it measured."""
    results = canned_results()
    results["phase_info"] = {
        "memory": {"date": "2026-01-01 08:00 UTC", "commit": "old111",
                   "load_average_before": 0.5, "load_average_after": 0.6},
        "persistence": {"date": "2026-01-01 09:00 UTC", "load_average_before": 0.5,
                        "load_average_after": 0.6}}
    md = " ".join(bench_report.markdown(results).split())  # as one line: the text is wrapped
    expect("last run 2026-01-01 (kvd abc123)" in md, md)
    expect("Taken 2026-01-01 08:00 UTC (kvd old111), load average 0.50 before" in md, md)
    expect("Taken 2026-01-01 09:00 UTC, load average" in md, "no commit recorded: none shown")


def test_ceiling_server():
    """Compiles and starts the do-nothing server; pipelined requests, one split across two
    writes, get one reply each, of the real commands' sizes."""
    with tempfile.TemporaryDirectory() as d:
        binary = build_ceiling_server(os.path.join(d, "ceiling"))
        proc = subprocess.Popen([binary, "--port", "0", "--save", "", "--value-size", "4"],
                                stdout=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline()  # "listening on <port>" once it accepts
            expect(line.startswith("listening on "), f"start: {line!r}")
            conn = socket.create_connection(("127.0.0.1", int(line.split()[-1])), timeout=10)
            with conn:
                request = (b"*2\r\n$3\r\nget\r\n$1\r\nk\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n"
                           b"$2\r\nvv\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*1\r\n$4\r\nPING\r\n")
                conn.sendall(request[:25])
                conn.sendall(request[25:])
                want = b"$4\r\nxxxx\r\n+OK\r\n:1\r\n+PONG\r\n"
                got = b""
                while len(got) < len(want):
                    chunk = conn.recv(4096)
                    expect(chunk, f"connection closed after {got!r}")
                    got += chunk
                expect(got == want, f"replies {got!r}")
                conn.sendall(b"*1\r\n$8\r\nSHUTDOWN\r\n")
            expect(proc.wait(timeout=10) == 0, "SHUTDOWN ends it")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def main():
    tests = [test_parse, test_summarize, test_ratio_and_targets, test_mix, test_report,
             test_phase_provenance, test_ceiling_server]
    failed = 0
    for t in tests:
        try:
            t()
            print(f"ok   {t.__name__}")
        except AssertionError as e:
            failed += 1
            print(f"FAIL {t.__name__}: {e}")
    print(f"selftest: {len(tests) - failed}/{len(tests)} passed")
    return 1 if failed else 0
