#!/usr/bin/python3
"""Scenarios with Debian's python3-redis (redis-py) against the real server binary.

Usage: run_suite.py KVD_BINARY   (or KVD_BINARY in the environment)

Starts the server on a free port, runs every scenario on a flushed dataset, stops the server
and prints `python-redis: N passed, M failed`. Exits non-zero on any failure, including a
server that does not shut down cleanly (under ASan that is how a leak shows).
"""

import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

import scenarios_core  # noqa: E402,F401  (each module registers its scenarios)
import scenarios_transactions_pubsub  # noqa: E402,F401
import scenarios_streams  # noqa: E402,F401
from registry import SCENARIOS  # noqa: E402
from kvd_server import KvdServer  # noqa: E402

SUITE = "python-redis"


# ---- runner ---------------------------------------------------------------------------------

class Context:
    """The clients a scenario uses: `r` (decoded replies), `binary` (bytes), and more made with
    new_client(). reset() drops every connection after a scenario, so a failed one leaves no
    subscription, WATCH or blocked pop behind."""

    def __init__(self, port):
        self.port = port
        self._extra = []
        self.r = self._make(decode_responses=True)
        self.binary = self._make(decode_responses=False)

    def _make(self, **options):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=30, **options)

    def new_client(self, decode_responses=True, **options):
        c = self._make(decode_responses=decode_responses, **options)
        self._extra.append(c)
        return c

    def reset(self):
        for c in self._extra:
            c.close()
        self._extra.clear()
        # Also the connections lent to pubsub() and pipelines; the pools reconnect on use.
        self.r.connection_pool.disconnect()
        self.binary.connection_pool.disconnect()

    def close(self):
        self.reset()
        self.r.close()
        self.binary.close()


def printable(e):
    """The error's text with control bytes escaped (replies may echo binary arguments)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(e))


NOTES = [
    "python-redis: RESP3 not tested: redis-py 4.3.4 speaks RESP2 only",
]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KVD_BINARY")
    if not binary:
        print("usage: run_suite.py KVD_BINARY", file=sys.stderr)
        return 2
    print(f"{SUITE}: redis-py {redis.__version__} against {binary}")
    passed = failed = 0
    pending = {}
    server = KvdServer(binary)
    try:
        server.start()
    except RuntimeError as e:
        print(f"  FAIL  server: {e}")
        print(f"{SUITE}: {passed} passed, {failed + 1} failed")
        return 1
    try:
        ctx = Context(server.port)
        for name, group, needs, fn in SCENARIOS:
            ctx.r.flushall()
            try:
                fn(ctx)
                passed += 1
                print(f"  ok    {group}: {name}")
            except Exception as e:  # noqa: BLE001: every failure is reported, none stops the run
                failed += 1
                tag = ""
                text = str(e).lower()
                if needs and ("unknown command" in text or "unknown option" in text):
                    tag = f" [needs {needs}]"
                    pending[needs] = pending.get(needs, 0) + 1
                print(f"  FAIL  {group}: {name}{tag}: {type(e).__name__}: {printable(e)}")
                if not tag:
                    traceback.print_exc(limit=3, file=sys.stdout)
            finally:
                ctx.reset()
        ctx.close()
    finally:
        code = server.stop()
    if code == 0:
        passed += 1
        print("  ok    server: clean shutdown (exit 0)")
    else:
        failed += 1
        print(f"  FAIL  server: exit code {code} on SIGTERM; log:\n{server.log_text()}")
    for note in NOTES:
        print(note)
    for needs, n in pending.items():
        print(f"{SUITE}: {n} failure(s) are scenarios awaiting {needs} (unknown command/option)")
    print(f"{SUITE}: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
