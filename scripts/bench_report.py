"""The benchmark's output: medians and noise per figure, the Markdown tables, kvd's
performance targets checked against the measured ratios, the JSON/CSV files and the gnuplot
chart."""
import csv
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import textwrap

from bench_stats import check, ratio, summarize
from bench_throughput import ALL_TESTS

SERVERS = ("kvd", "redis")


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def phase_field(results, phase, field, config_field=None):
    """A phase's setting: from phase_info (kept per phase), else from the run's config."""
    info = results.get("phase_info", {}).get(phase, {})
    if field in info:
        return info[field]
    return results.get("config", {}).get(config_field or field)


def machine_info(kvd, redis):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
        m = re.search(r"^model name\s*:\s*(.+)$", info, re.M)
        cpu = m.group(1).strip() if m else cpu
        if re.search(r"^flags\s*:.*\bhypervisor\b", info, re.M):
            cpu += " (virtual machine)"
    except OSError:
        pass

    def version(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "unknown"
    here = os.path.dirname(os.path.abspath(__file__))
    return {
        "cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
        "date": utc_now(),
        "load_average_at_start": os.getloadavg()[0],
        "kvd": version([kvd, "--version"]),
        "redis": re.sub(r"^Redis server v=(\S+).*", r"redis-server \1",
                        version([redis, "--version"])),
        "commit": version(["git", "-C", here, "rev-parse", "--short", "HEAD"]),
    }


# ---- summaries: {figure: {server: summarize(rounds)}} --------------------------------------

THROUGHPUT_FIGURES = ("rps", "p50_ms", "p99_ms", "cpu_us_per_req")


def throughput_summary(rows):
    """rows: one dict per run (test, size, pipeline, server, round, rps, p50_ms, p99_ms and,
    since it is measured, cpu_us_per_req: the server's CPU time per request)."""
    out = {}
    for r in rows:
        key = (r["test"], r["size"], r["pipeline"])
        out.setdefault(key, {}).setdefault(r["server"], []).append(r)
    return {key: {srv: {m: summarize([r.get(m) for r in runs]) for m in THROUGHPUT_FIGURES}
                  for srv, runs in by_server.items()}
            for key, by_server in out.items()}


def rounds_summary(rounds_by_server):
    """{server: [round dict]} -> {figure: {server: summarize(values)}}."""
    out = {}
    for srv, rounds in rounds_by_server.items():
        for figure in rounds[0] if rounds else []:
            if isinstance(rounds[0][figure], (int, float)) and not isinstance(
                    rounds[0][figure], bool):
                out.setdefault(figure, {})[srv] = summarize([r[figure] for r in rounds])
    return out


def med(summary, figure, srv):
    s = summary.get(figure, {}).get(srv)
    return None if s is None else s["median"]


def _keys(results, phase):
    n = phase_field(results, phase, "keys", f"{phase}_keys")
    return "? keys" if n is None else ("1M keys" if n == 1_000_000 else f"{n:,} keys")


# ---- targets -------------------------------------------------------------------------------

def targets(results):
    """kvd's performance targets: (description, measured, limit, met) rows."""
    rows = []
    tp = results.get("throughput_summary")
    if tp:
        for test in ("SET", "GET"):
            for (t, size, pipeline) in sorted(k for k in tp if k[0] == test):
                limit = 1.0 if pipeline == 1 else 1.5
                s = tp[(t, size, pipeline)]
                r = ratio(s["kvd"]["rps"]["median"], s["redis"]["rps"]["median"])
                rows.append((f"{test} {size} B, pipeline {pipeline}: throughput kvd/redis "
                             f">= {limit}", r, limit, check(r, limit, True)))
                p99 = ratio(s["kvd"]["p99_ms"]["median"], s["redis"]["p99_ms"]["median"])
                rows.append((f"{test} {size} B, pipeline {pipeline}: p99 latency kvd/redis "
                             f"<= 1.0", p99, 1.0, check(p99, 1.0, False)))
    mem = results.get("memory_summary")
    if mem:
        r = ratio(med(mem, "rss_per_key", "kvd"), med(mem, "rss_per_key", "redis"))
        rows.append((f"memory: RSS per key kvd/redis <= 0.6 ({_keys(results, 'memory')})", r,
                     0.6, check(r, 0.6, False)))
    per = results.get("persistence_summary")
    if per:
        for figure, label in (("save_s", "SAVE time"), ("load_s", "load at startup")):
            r = ratio(med(per, figure, "kvd"), med(per, figure, "redis"))
            rows.append((f"{label} kvd/redis <= 1.0 ({_keys(results, 'persistence')})", r,
                         1.0, check(r, 1.0, False)))
        r = med(per, "peak_ratio", "kvd")
        rows.append(("kvd peak memory during BGSAVE under writes / before <= 1.2", r, 1.2,
                     check(r, 1.2, False)))
    return rows


# ---- Markdown ------------------------------------------------------------------------------

def _fmt(v, spec):
    return "n/a" if v is None else format(v, spec)


def _pct(v):
    return "n/a" if v is None else f"{v * 100:.0f}%"


def _kops(v):
    return "n/a" if v is None else f"{v / 1000:.1f}k"


def _ran_ceiling(tp):
    """Whether a throughput summary holds the do-nothing ceiling server's runs."""
    return any("ceiling" in v for v in (tp or {}).values())


def _median(by_figure, figure):
    """A figure's median in one server's summary; None when it was not measured (results
    from before the figure existed)."""
    return (by_figure.get(figure) or {}).get("median")


def throughput_table(tp):
    """One row per test; the ceiling columns when the rounds ran the do-nothing server."""
    ceiling = _ran_ceiling(tp)
    lines = ["| test | value | pipeline | kvd req/s | redis req/s | kvd/redis "
             + ("| ceiling req/s | kvd/ceiling " if ceiling else "")
             + "| p50 ms kvd / redis | p99 ms kvd / redis | server CPU µs/req kvd / redis "
             "| spread kvd / redis |",
             "|---|---|---|---|---|---|" + ("---|---|" if ceiling else "") + "---|---|---|---|"]
    order = {t: i for i, t in enumerate(ALL_TESTS)}
    for key in sorted(tp, key=lambda k: (k[2], k[1], order.get(k[0], 99))):
        test, size, pipeline = key
        k, r = tp[key].get("kvd"), tp[key].get("redis")
        if not k or not r:
            continue
        c = tp[key].get("ceiling")
        c_rps = c["rps"]["median"] if c else None
        lines.append(
            f"| {test} | {size} B | {pipeline} | {_kops(k['rps']['median'])} "
            f"| {_kops(r['rps']['median'])} "
            f"| **{_fmt(ratio(k['rps']['median'], r['rps']['median']), '.2f')}** "
            + (f"| {_kops(c_rps)} | {_fmt(ratio(k['rps']['median'], c_rps), '.2f')} "
               if ceiling else "")
            + f"| {_fmt(k['p50_ms']['median'], '.3f')} / {_fmt(r['p50_ms']['median'], '.3f')} "
            f"| {_fmt(k['p99_ms']['median'], '.3f')} / {_fmt(r['p99_ms']['median'], '.3f')} "
            f"| {_fmt(_median(k, 'cpu_us_per_req'), '.2f')} / "
            f"{_fmt(_median(r, 'cpu_us_per_req'), '.2f')} "
            f"| {_pct(k['rps']['spread'])} / {_pct(r['rps']['spread'])} |")
    return lines


def figures_table(summary, rows):
    """rows: (label, figure, format spec, scale)."""
    lines = ["| | kvd | redis | kvd/redis | spread kvd / redis |", "|---|---|---|---|---|"]
    for label, figure, spec, scale in rows:
        if figure not in summary:
            continue
        k, r = summary[figure].get("kvd"), summary[figure].get("redis")
        km = None if not k or k["median"] is None else k["median"] * scale
        rm = None if not r or r["median"] is None else r["median"] * scale
        lines.append(f"| {label} | {_fmt(km, spec)} | {_fmt(rm, spec)} "
                     f"| {_fmt(ratio(km, rm), '.2f')} "
                     f"| {_pct(k and k['spread'])} / {_pct(r and r['spread'])} |")
    return lines


MEMORY_ROWS = [("RSS per key (bytes)", "rss_per_key", ".1f", 1),
               ("used_memory per key (bytes)", "used_memory_per_key", ".1f", 1),
               ("RSS after the load (MB)", "rss_mb", ".1f", 1),
               ("used_memory after the load (MB)", "used_memory_mb", ".1f", 1)]
PERSISTENCE_ROWS = [("SAVE (s)", "save_s", ".2f", 1),
                    ("load at startup (s)", "load_s", ".2f", 1),
                    ("dump.rdb (MB)", "file_mb", ".1f", 1),
                    ("memory before BGSAVE (PSS MB)", "pss_before_mb", ".1f", 1),
                    ("peak memory during BGSAVE (PSS MB)", "pss_peak_mb", ".1f", 1),
                    ("peak / before", "peak_ratio", ".2f", 1),
                    ("BGSAVE duration (s)", "bgsave_s", ".2f", 1),
                    ("writes/s during BGSAVE", "writes_per_s_during_bgsave", ".0f", 1)]
CONNECTION_ROWS = [("RSS per connection, connected (bytes)", "rss_per_conn_connected", ".0f", 1),
                   ("RSS per connection, idle after a PING (bytes)", "rss_per_conn_idle", ".0f",
                    1),
                   ("RSS with all connections open (MB)", "rss_mb", ".1f", 1)]


def _when(results, phase):
    """' Taken 2026-.. UTC (kvd abc123), load average a before, b after.' when the phase
    recorded it: a run of some phases (--only) keeps the others' figures from earlier runs,
    so each section says which kvd it measured."""
    info = results.get("phase_info", {}).get(phase, {})
    if "date" not in info:
        return ""
    commit = f" (kvd {info['commit']})" if "commit" in info else ""
    text = (f" Taken {info['date']}{commit}, load average {info['load_average_before']:.2f} "
            f"before, {info['load_average_after']:.2f} after.")
    # The benchmark's own servers and clients load both cores, so the averages during a run
    # say little about other work: the load when the run started does.
    machine = results.get("machine", {})
    cores = machine.get("cores") or 1
    if machine.get("load_average_at_start", 0) > cores / 2:
        text += (" The machine was busy with other work when the run started, so absolute "
                 "figures are low and noisy; the interleaved ratios are the meaningful part.")
    return text


CEILING_NOTE = (
    " Ceiling: the same runs against a server that does nothing but frame each request and "
    "send a reply of the same size (scripts/bench_ceiling_server.cpp, Redis's event loop, no "
    "data): the most any server reaches with this client on this machine.")


def markdown(results):
    m, cfg = results["machine"], results["config"]
    rounds = {p: phase_field(results, p, "rounds", "rounds" if p == "throughput" else
                             "rounds_other") for p in ("throughput", "memory", "persistence",
                                                         "connections")}
    out = [f"Machine: {m['cpu']}, {m['cores']} cores, Linux {m['kernel']}; last run {m['date']}"
           f" (kvd {m['commit']}); {m['redis']}.", ""]
    if "throughput_summary" in results:
        out += [f"Throughput: redis-benchmark, {cfg['clients']} clients, random keys over "
                f"{cfg['keyspace']:,} keys, server on CPU {cfg['server_cpu']} and "
                f"redis-benchmark on CPU {cfg['client_cpu']}; median of {rounds['throughput']} "
                "interleaved rounds; spread = (max - min) / median of the rounds' req/s."
                + (CEILING_NOTE if _ran_ceiling(results.get("throughput_summary")) else "")
                + _when(results, "throughput"), ""]
        out += throughput_table(results["throughput_summary"]) + [""]
    if "memory_summary" in results:
        out += [f"Memory: {phase_field(results, 'memory', 'keys', 'memory_keys'):,} keys "
                "`key:%08d` with 16-byte values loaded with `redis-cli --pipe`; growth over "
                f"the empty server; median of {rounds['memory']} rounds."
                + _when(results, "memory"), ""]
        out += figures_table(results["memory_summary"], MEMORY_ROWS) + [""]
    if "persistence_summary" in results:
        out += [f"Persistence: {phase_field(results, 'persistence', 'keys', 'persistence_keys'):,}"
                " keys (half with a TTL), 32-byte values; BGSAVE under a redis-benchmark SET "
                "load over the same keys; memory is the PSS of the server and its children "
                "(Redis's forked child shares pages with its parent); median of "
                f"{rounds['persistence']} rounds." + _when(results, "persistence"), ""]
        out += figures_table(results["persistence_summary"], PERSISTENCE_ROWS) + [""]
    if "connections_summary" in results:
        conns = phase_field(results, "connections", "connections")
        out += [f"Connections: RSS growth with {conns:,} connections open; median of "
                f"{rounds['connections']} rounds." + _when(results, "connections"), ""]
        out += figures_table(results["connections_summary"], CONNECTION_ROWS) + [""]
    rows = targets(results)
    if rows:
        met = sum(1 for row in rows if row[3])
        out += [f"Performance targets: {met} of {len(rows)} met.", ""]
        out += ["| target | measured | met |", "|---|---|---|"]
        for label, measured, _, met in rows:
            out.append(f"| {label} | {_fmt(measured, '.2f')} "
                       f"| {'n/a' if met is None else ('yes' if met else '**no**')} |")
        out.append("")
    # Prose wrapped at 100 columns as the README; table rows stay whole.
    return "\n".join(line if line.startswith("|") else textwrap.fill(
        line, 100, break_long_words=False, break_on_hyphens=False) for line in out)


README_BEGIN = "<!-- bench.py results: begin -->"
README_END = "<!-- bench.py results: end -->"


def update_readme(readme, results_md, png_rel):
    """Replaces what lies between the README's two bench.py markers with the latest tables
    and chart. Returns False when the markers are missing."""
    with open(readme) as f:
        text = f.read()
    begin, end = text.find(README_BEGIN), text.find(README_END)
    if begin < 0 or end < begin:
        return False
    body = results_md
    if os.path.exists(os.path.join(os.path.dirname(readme), png_rel)):
        body = f"![kvd and redis-server throughput]({png_rel})\n\n{results_md}"
    text = text[:begin + len(README_BEGIN)] + "\n" + body.rstrip() + "\n" + text[end:]
    with open(readme, "w") as f:
        f.write(text)
    return True


# ---- files ---------------------------------------------------------------------------------

def _jsonable(results):
    out = dict(results)
    if "throughput_summary" in out:
        out["throughput_summary"] = [
            {"test": t, "size": s, "pipeline": p, **v}
            for (t, s, p), v in out["throughput_summary"].items()]
    out["targets"] = [{"target": l, "measured": m, "limit": lim, "met": met}
                      for l, m, lim, met in targets(results)]
    return out


def write_files(results, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(_jsonable(results), f, indent=1)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write(markdown(results))
    if results.get("throughput"):
        fields = ["test", "size", "pipeline", "server", "round", "rps", "p50_ms", "p99_ms",
                  "cpu_us_per_req"]
        with open(os.path.join(out_dir, "throughput.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
            w.writeheader()
            w.writerows(results["throughput"])


GNUPLOT = """set terminal pngcairo size 1400,900 font "sans,10"
set output '{png}'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set ylabel "thousand requests/s"
set yrange [0:*]
set key outside top center horizontal
set offsets 0, 0, graph 0.12, 0
set multiplot layout 2,2 title "{title}"
{panels}
unset multiplot
"""
PANEL = """set title "{label}"
plot '{dat}' index {index} using 2:xtic(1) title 'kvd' lc rgb '#2a7ab0', \\
     '' index {index} using 3 title 'redis-server' lc rgb '#c0504d', \\
{ceiling}     '' index {index} using 0:($2 > $3 ? $2 : $3):(sprintf("%.2fx", $4)) \\
        with labels offset 0,0.8 notitle
"""


CEILING_BARS = """     '' index {index} using 5 title 'do-nothing server (ceiling)' lc rgb '#b0b0b0', \\
"""


def chart(results, png):
    """Draws the median throughput as grouped bars, one panel per value size and pipeline.
    Returns False when gnuplot is missing."""
    tp = results.get("throughput_summary")
    if not tp or not shutil.which("gnuplot"):
        return False
    dat = os.path.splitext(png)[0] + ".dat"
    panels, blocks = [], []
    combos = sorted({(s, p) for _, s, p in tp}, key=lambda c: (c[1], c[0]))
    for index, (size, pipeline) in enumerate(combos):
        lines = [f"# {size} B values, pipeline {pipeline}: test, kvd and redis "
                 "(thousand req/s), kvd/redis, ceiling (thousand req/s, NaN: not run)"]
        for test in ALL_TESTS:
            s = tp.get((test, size, pipeline))
            if s and "kvd" in s and "redis" in s:
                k, r = s["kvd"]["rps"]["median"], s["redis"]["rps"]["median"]
                c = s["ceiling"]["rps"]["median"] / 1000 if "ceiling" in s else float("nan")
                lines.append(f"\"{test}\" {k / 1000:.2f} {r / 1000:.2f} {k / r:.2f} {c:.2f}")
        blocks.append("\n".join(lines))
        panels.append(PANEL.format(label=f"{size} B values, pipeline {pipeline}", dat=dat,
                                   index=index, ceiling=CEILING_BARS.format(index=index)
                                   if _ran_ceiling(tp) else ""))
    os.makedirs(os.path.dirname(os.path.abspath(png)), exist_ok=True)
    with open(dat, "w") as f:
        f.write("\n\n\n".join(blocks) + "\n")
    m = results["machine"]
    title = (f"kvd vs redis-server 7.0 throughput, {results['config']['clients']} clients "
             f"(median of {phase_field(results, 'throughput', 'rounds')} rounds; {m['cpu']}, "
             f"{m['cores']} cores, {phase_field(results, 'throughput', 'date') or m['date']})")
    script = GNUPLOT.format(png=png, title=title, panels="\n".join(panels))
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return True
