#!/usr/bin/env python3
"""kvd beside redis-server on this machine, in interleaved rounds.

Throughput, latency, memory, persistence and connections, measured in rounds that alternate
kvd and redis-server (kvd, redis, kvd, redis, ...). Both servers run without persistence
(save "", appendonly no), pinned to one core, with redis-benchmark pinned to the other
(taskset). Every figure is the median of its rounds,
printed with the ratio kvd/redis and how far apart the rounds were (spread = (max - min) /
median). The throughput rounds also run a do-nothing server (scripts/bench_ceiling_server.cpp,
compiled into build/bench-tools): what redis-benchmark reaches against it is the ceiling any
server could reach on this machine, and kvd/ceiling says how close kvd comes. The results go
to a directory as results.md (the tables), results.json (every round, the medians, the
targets), throughput.csv (every run) and throughput.png (the chart, drawn with gnuplot).

  scripts/bench.py                  # everything, into docs/bench/ (about 15 minutes)
  scripts/bench.py --quick          # a few minutes on small data, into build/bench-quick/
  scripts/bench.py --only throughput --rounds 3    # one part; the other parts' figures stay
                                                   # from the results.json already there
  scripts/bench.py --update-readme  # also put the tables and chart into README.md
  scripts/bench.py --from-json docs/bench/results.json   # redo tables and chart, measure nothing
  scripts/bench.py --selftest       # the arithmetic on canned data; no servers, no timing

kvd is build/release/kvd when it exists (scripts/run.sh builds it); otherwise, or with
--build, the script builds a Release kvd in build/bench. Missing Debian packages (redis-server,
redis-tools, gnuplot-nox) are installed with apt-get.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import bench_connections  # noqa: E402
import bench_memory  # noqa: E402
import bench_persistence  # noqa: E402
import bench_report  # noqa: E402
import bench_throughput  # noqa: E402
from bench_server import Server, build_ceiling_server  # noqa: E402

PHASES = ("throughput", "memory", "persistence", "connections")
SERVER_CPU, CLIENT_CPU = 0, 1


def ensure_packages():
    """apt-installs the Debian packages the benchmark runs, when missing."""
    needed = {"redis-server": "redis-server", "redis-benchmark": "redis-tools",
              "redis-cli": "redis-tools", "gnuplot": "gnuplot-nox", "taskset": "util-linux"}
    missing = sorted({pkg for cmd, pkg in needed.items() if not shutil.which(cmd)})
    if not missing:
        return
    print(f"bench: installing {' '.join(missing)}", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                    "-o", "DPkg::Lock::Timeout=600", *missing], check=True, env=env)


def ensure_kvd(path, rebuild):
    """The kvd binary to measure: path when given, else build/release/kvd when it exists,
    else (or with rebuild) a Release build in build/bench."""
    if path:
        return os.path.abspath(path)  # the servers run in their own directories
    release = os.path.join(ROOT, "build", "release", "kvd")
    if os.path.exists(release) and not rebuild:
        return release
    build = os.path.join(ROOT, "build", "bench")
    print(f"bench: building a Release kvd in {build}", flush=True)
    subprocess.run(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                    "-DBUILD_TESTING=OFF"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build, "--target", "kvd", f"-j{os.cpu_count()}"],
                   check=True)
    return os.path.join(build, "kvd")


def ensure_ceiling_server():
    """The do-nothing server the throughput rounds measure as the ceiling, compiled from
    scripts/bench_ceiling_server.cpp when its binary is missing or older than the source."""
    src = os.path.join(HERE, "bench_ceiling_server.cpp")
    binary = os.path.join(ROOT, "build", "bench-tools", "bench_ceiling_server")
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(src):
        build_ceiling_server(binary)
    return binary


def log(msg):
    print(msg, flush=True)


def run_throughput(a, binaries):
    rows = []
    for size in a.sizes:
        servers = {}
        dirs = []
        try:
            for name, binary in binaries.items():
                dirs.append(tempfile.mkdtemp(prefix="kvd-bench-tp-"))
                # The ceiling server holds no data: its GET replies carry a made-up value of
                # the size measured.
                extra = ("--value-size", str(size)) if name == "ceiling" else ()
                servers[name] = Server(binary, dirs[-1], cpu=SERVER_CPU, extra=extra)
                if name != "ceiling":
                    bench_throughput.preload(servers[name], a.keyspace, size)
            for rnd in range(a.rounds):
                for pipeline in a.pipelines:
                    for test in bench_throughput.ALL_TESTS:
                        requests = a.requests * (5 if pipeline > 1 else 1)
                        if test == "MSET":
                            requests //= 2  # ten keys per request
                        for name, s in servers.items():
                            cpu_before = s.cpu_seconds()
                            r = bench_throughput.run(s.port, test, size, pipeline, requests,
                                                     a.clients, a.keyspace, CLIENT_CPU)
                            # What each request cost the server, whatever the client's pace.
                            r["cpu_us_per_req"] = ((s.cpu_seconds() - cpu_before) * 1e6
                                                   / requests)
                            rows.append({"test": test, "size": size, "pipeline": pipeline,
                                         "server": name, "round": rnd + 1, **r})
                            log(f"  [{size} B, pipeline {pipeline}, round {rnd + 1}/"
                                f"{a.rounds}] {test:12} {name:7} {r['rps']:>10.0f} req/s  "
                                f"p50 {r['p50_ms']:.3f} ms  p99 {r['p99_ms']:.3f} ms  "
                                f"CPU {r['cpu_us_per_req']:.2f} us/req")
        finally:
            for s in servers.values():
                s.stop()
            for d in dirs:
                shutil.rmtree(d, ignore_errors=True)
    return rows


def run_memory(a, binaries):
    payload = bench_memory.key_payload(a.memory_keys)
    return run_rounds(a, binaries, "memory", lambda b: bench_memory.measure_keys(
        b, payload, a.memory_keys, cpu=SERVER_CPU))


def carry_over(results, a):
    """With --only, the other phases come from the results.json already in the output
    directory (each keeps its own date and settings in phase_info)."""
    results["phase_info"] = {}
    path = os.path.join(a.out, "results.json")
    if not a.only or not os.path.exists(path):
        return
    with open(path) as f:
        old = json.load(f)
    for phase in PHASES:
        if phase not in a.phases and phase in old:
            results[phase] = old[phase]
            results["phase_info"][phase] = old.get("phase_info", {}).get(phase, {})
            log(f"bench: {phase} figures kept from {path}")


def run_rounds(a, binaries, label, measure):
    """measure(binary) per round and server, interleaved -> {server: [round dict]}."""
    out = {name: [] for name in binaries}
    for rnd in range(a.rounds_other):
        for name, binary in binaries.items():
            r = measure(binary)
            out[name].append(r)
            shown = ", ".join(f"{k} {v:.4g}" for k, v in r.items()
                              if isinstance(v, float))
            log(f"  [{label}, round {rnd + 1}/{a.rounds_other}] {name:5} {shown}")
    return out


def summarize_all(results):
    if results.get("throughput"):
        results["throughput_summary"] = bench_report.throughput_summary(results["throughput"])
    for phase in PHASES[1:]:
        if phase in results:
            results[f"{phase}_summary"] = bench_report.rounds_summary(results[phase])


def finish(results, out, update_readme=False):
    summarize_all(results)
    bench_report.write_files(results, out)
    drawn = bench_report.chart(results, os.path.join(out, "throughput.png"))
    print()
    print(bench_report.markdown(results))
    if update_readme:
        readme = os.path.join(ROOT, "README.md")
        png = os.path.relpath(os.path.join(out, "throughput.png"), ROOT)
        if not bench_report.update_readme(readme, bench_report.markdown(results), png):
            log(f"bench: {readme} has no bench.py markers; not updated")
        else:
            log(f"bench: updated the benchmark section of {readme}")
    log(f"bench: wrote {out}/results.md, results.json"
        + (", throughput.csv" if results.get("throughput") else "")
        + (", throughput.png" if drawn else ""))
    return 0


def report_again(path, out, update_readme):
    with open(path) as f:
        saved = json.load(f)
    results = {k: saved[k] for k in ("machine", "config", "phase_info", *PHASES)
               if k in saved}
    return finish(results, out, update_readme)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n", 1)[1])
    p.add_argument("--quick", action="store_true",
                   help="2 rounds, fewer requests, 100,000 keys, 1,000 connections")
    p.add_argument("--rounds", type=int, help="throughput rounds (default 5; quick 2)")
    p.add_argument("--rounds-other", type=int,
                   help="memory/persistence/connections rounds (default 3; quick 2)")
    p.add_argument("--only", action="append", choices=PHASES, help="run only these phases")
    p.add_argument("--requests", type=int,
                   help="requests per pipeline-1 run; pipeline 16 runs 5x (default 100000)")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--keyspace", type=int, default=100_000)
    p.add_argument("--sizes", type=int, nargs="+", default=[16, 1024])
    p.add_argument("--pipelines", type=int, nargs="+", default=[1, 16])
    p.add_argument("--memory-keys", type=int)
    p.add_argument("--persistence-keys", type=int)
    p.add_argument("--connections", type=int)
    p.add_argument("--out", help="results directory (default docs/bench; quick: "
                   "build/bench-quick)")
    p.add_argument("--kvd", help="kvd binary (default build/release/kvd, built when missing)")
    p.add_argument("--build", action="store_true", help="(re)build kvd in build/bench")
    p.add_argument("--redis", default="/usr/bin/redis-server")
    p.add_argument("--no-ceiling", dest="ceiling", action="store_false",
                   help="leave the do-nothing ceiling server out of the throughput rounds")
    p.add_argument("--from-json", metavar="RESULTS_JSON",
                   help="measure nothing: redo the tables and chart of an earlier run")
    p.add_argument("--update-readme", action="store_true",
                   help="put the tables and chart into README.md's benchmark section")
    p.add_argument("--selftest", action="store_true",
                   help="check the parsing and arithmetic on canned data, then exit")
    a = p.parse_args(argv)
    q = a.quick
    a.rounds = a.rounds or (2 if q else 5)
    a.rounds_other = a.rounds_other or (2 if q else 3)
    a.requests = a.requests or (20_000 if q else 100_000)
    a.memory_keys = a.memory_keys or (100_000 if q else 1_000_000)
    a.persistence_keys = a.persistence_keys or (100_000 if q else 1_000_000)
    a.connections = a.connections or (1_000 if q else 10_000)
    a.out = a.out or os.path.join(ROOT, *(("build", "bench-quick") if q else ("docs", "bench")))
    a.phases = a.only or list(PHASES)
    return a


def recorded_paths(binaries):
    """Binaries as the results record them: inside the repository, relative to it; system
    packages (/usr) as installed; anything else by file name, as its directory is only this
    machine's."""
    def rel(path):
        path = os.path.abspath(path)
        if path.startswith(ROOT + os.sep):
            return os.path.relpath(path, ROOT)
        return path if path.startswith("/usr/") else os.path.basename(path)
    return {name: rel(path) for name, path in binaries.items()}


def main(argv):
    a = parse_args(argv)
    if a.selftest:
        import bench_selftest
        return bench_selftest.main()
    if a.from_json:
        return report_again(a.from_json, a.out, a.update_readme)
    ensure_packages()
    binaries = {"kvd": ensure_kvd(a.kvd, a.build), "redis": a.redis}
    throughput_binaries = dict(binaries)
    if a.ceiling and "throughput" in a.phases:
        throughput_binaries["ceiling"] = ensure_ceiling_server()
    nofile = bench_connections.raise_nofile_limit()  # inherited by the servers
    results = {"machine": bench_report.machine_info(binaries["kvd"], a.redis),
               "config": {"rounds": a.rounds, "rounds_other": a.rounds_other,
                          "requests_pipeline_1": a.requests, "clients": a.clients,
                          "keyspace": a.keyspace, "sizes": a.sizes, "pipelines": a.pipelines,
                          "memory_keys": a.memory_keys, "persistence_keys": a.persistence_keys,
                          "connections": a.connections, "server_cpu": SERVER_CPU,
                          "client_cpu": CLIENT_CPU, "nofile_limit": nofile,
                          "quick": a.quick,
                          "binaries": recorded_paths(throughput_binaries)}}
    log(f"bench: {results['machine']['cpu']}, {results['machine']['cores']} cores, load "
        f"average {results['machine']['load_average_at_start']:.2f}; results in {a.out}")
    carry_over(results, a)
    phases = {
        "throughput": (lambda: run_throughput(a, throughput_binaries),
                       {"rounds": a.rounds, "requests_pipeline_1": a.requests}),
        "memory": (lambda: run_memory(a, binaries), {"rounds": a.rounds_other,
                                                     "keys": a.memory_keys}),
        "persistence": (lambda: run_rounds(
            a, binaries, "persistence", lambda b: bench_persistence.measure_once(
                b, a.persistence_keys, cpu=SERVER_CPU, client_cpu=CLIENT_CPU)),
            {"rounds": a.rounds_other, "keys": a.persistence_keys}),
        "connections": (lambda: run_rounds(
            a, binaries, "connections", lambda b: bench_connections.measure(
                b, a.connections, cpu=SERVER_CPU)),
            {"rounds": a.rounds_other, "connections": a.connections}),
    }
    for phase in PHASES:
        if phase not in a.phases:
            continue
        run, info = phases[phase]
        log(f"{phase}: {', '.join(f'{k} {v:,}' for k, v in info.items())}")
        load, start, date = os.getloadavg()[0], time.time(), bench_report.utc_now()
        results[phase] = run()
        results["phase_info"][phase] = {
            **info, "date": date, "commit": results["machine"]["commit"],
            "seconds": round(time.time() - start),
            "load_average_before": load, "load_average_after": os.getloadavg()[0]}
        log(f"{phase}: {time.time() - start:.0f} s")
    results["machine"]["load_average_at_end"] = os.getloadavg()[0]
    return finish(results, a.out, a.update_readme)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
