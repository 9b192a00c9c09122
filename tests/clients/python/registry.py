"""Scenario registry and the small assertion helpers the scenarios share."""

import time

SCENARIOS = []  # (name, group, needs, fn) in registration order
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def scenario(group, needs=None):
    """Registers a scenario. `needs` names a server feature it depends on, so a failure with
    "unknown command" is reported as awaiting that feature."""
    def register(fn):
        SCENARIOS.append((fn.__name__, group, needs, fn))
        return fn
    return register


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def eq(actual, expected, what=""):
    if actual != expected:
        raise AssertionError(f"{what + ': ' if what else ''}expected {expected!r}, got {actual!r}")


def wait_blocked(r, n, timeout_s=20):
    """Waits until the server reports `n` blocked clients (each INFO is one round trip)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if r.info("clients")["blocked_clients"] == n:
            return
    raise AssertionError(f"never saw {n} blocked client(s)")
