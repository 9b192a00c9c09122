"""The arithmetic of the benchmark: medians of rounds, how noisy they were, ratios, and
redis-benchmark's --csv output. Pure functions, checked by `scripts/bench.py --selftest`."""
import csv
import io
import statistics


def parse_benchmark_csv(text):
    """redis-benchmark --csv output -> {test name: {"rps", "p50_ms", "p99_ms", ...}}.

    redis-benchmark 7.0 prints a header line, then one quoted line per test, e.g.
    "SET","55555.55","0.507","0.136","0.487","0.631","0.831","2.215".
    """
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if r]
    if not rows or rows[0][0] != "test":
        raise ValueError(f"not redis-benchmark --csv output: {text[:200]!r}")
    header = rows[0]
    out = {}
    for r in rows[1:]:
        fields = dict(zip(header, r))
        out[fields["test"]] = {
            "rps": float(fields["rps"]),
            "avg_ms": float(fields["avg_latency_ms"]),
            "p50_ms": float(fields["p50_latency_ms"]),
            "p99_ms": float(fields["p99_latency_ms"]),
            "max_ms": float(fields["max_latency_ms"]),
        }
    return out


def combine_mix(parts, wall_s):
    """One figure for several redis-benchmark processes run at the same time (the SET:GET
    mix): throughput is all their requests over the wall time until the last one finished;
    latency percentiles are the worst of the processes' (percentiles cannot be merged exactly
    without the histograms, so the figure errs against the server)."""
    total = sum(p["requests"] for p in parts)
    return {
        "rps": total / wall_s,
        "p50_ms": max(p["p50_ms"] for p in parts),
        "p99_ms": max(p["p99_ms"] for p in parts),
    }


def summarize(values):
    """Median of the rounds plus two noise figures, relative to the median:
    spread = (max - min) / median and rel_mad = median(|x - median|) / median."""
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "spread": None, "rel_mad": None, "n": 0}
    med = statistics.median(values)
    if med == 0:
        return {"median": med, "spread": 0.0, "rel_mad": 0.0, "n": len(values)}
    mad = statistics.median(abs(v - med) for v in values)
    return {"median": med, "spread": (max(values) - min(values)) / abs(med),
            "rel_mad": mad / abs(med), "n": len(values)}


def ratio(a, b):
    """a / b, or None when either is missing or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def check(measured, limit, higher_is_better):
    """Whether a measured ratio meets its target (None when nothing was measured)."""
    if measured is None:
        return None
    return measured >= limit if higher_is_better else measured <= limit
