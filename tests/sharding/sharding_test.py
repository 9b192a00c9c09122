#!/usr/bin/python3
"""Sharding behind twemproxy (Debian's nutcracker): three kvd with the append-only file on
and nutcracker in front, all on free ports. Writes 10,000 keys through the proxy, checks that
every instance got a share and that everything reads back through the proxy, restarts one
instance and checks it kept its share. Also checks what the README says the proxy refuses.

Runs under Debian's python3, whose dist-packages hold python3-redis.

Usage: sharding_test.py /path/to/kvd [--nutcracker /usr/sbin/nutcracker]
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import redis

KEYS = 10_000
DEADLINE_S = 60  # any single wait; only a broken server ever gets near it


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, condition, timeout=DEADLINE_S):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if condition():
                return
        except (redis.exceptions.ConnectionError, redis.exceptions.BusyLoadingError,
                ConnectionRefusedError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Kvd:
    def __init__(self, binary, workdir, name):
        self.binary = binary
        self.name = name
        self.port = free_port()
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        self.log_path = os.path.join(workdir, name + ".log")
        self.proc = None

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
             "--appendonly", "yes", "--save", ""],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        client = self.client()
        # Serving, and done loading the append-only file.
        wait_for(f"{self.name} to load",
                 lambda: client.info("persistence")["loading"] == 0 and client.ping())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=DEADLINE_S)
        assert code == 0, f"{self.name} exited with {code}; log:\n{self.log()}"

    def client(self):
        return redis.Redis(port=self.port, socket_timeout=10, decode_responses=True)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


EXAMPLE_CONF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "conf",
                            "nutcracker.yml")


def nutcracker_config(port, instances):
    """The shipped example, conf/nutcracker.yml, with this test's ports."""
    with open(EXAMPLE_CONF) as f:
        text = f.read()
    replacements = [("listen: 127.0.0.1:22121", f"listen: 127.0.0.1:{port}")]
    for i, k in enumerate(instances, start=1):
        replacements.append((f"127.0.0.1:{7000 + i}:1 kvd{i}", f"127.0.0.1:{k.port}:1 {k.name}"))
    for old, new in replacements:
        assert text.count(old) == 1, f"conf/nutcracker.yml has no '{old}'"
        text = text.replace(old, new)
    return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kvd")
    parser.add_argument("--nutcracker", default=shutil.which("nutcracker") or
                        "/usr/sbin/nutcracker")
    args = parser.parse_args()
    started = time.monotonic()

    workdir = tempfile.mkdtemp(prefix="kvd-sharding-")
    instances = [Kvd(os.path.abspath(args.kvd), workdir, f"kvd{i}") for i in range(1, 4)]
    proxy = None
    ok = False
    try:
        for k in instances:
            k.start()
        proxy_port = free_port()
        conf = os.path.join(workdir, "nutcracker.yml")
        with open(conf, "w") as f:
            f.write(nutcracker_config(proxy_port, instances))
        subprocess.run([args.nutcracker, "--test-conf", "-c", conf], check=True,
                       capture_output=True)
        proxy_log = os.path.join(workdir, "nutcracker.log")
        proxy = subprocess.Popen(
            [args.nutcracker, "-c", conf, "-s", str(free_port()), "-a", "127.0.0.1",
             "-o", proxy_log, "-p", os.path.join(workdir, "nutcracker.pid")])
        through = redis.Redis(port=proxy_port, socket_timeout=10, decode_responses=True)
        wait_for("nutcracker", lambda: through.set("probe", "1") and through.delete("probe"))

        # 10,000 keys through the proxy: pipelined SETs, and MSETs the proxy splits by shard.
        pipe = through.pipeline(transaction=False)
        for i in range(KEYS // 2):
            pipe.set(f"key:{i}", f"value:{i}")
        pipe.execute()
        for start in range(KEYS // 2, KEYS, 500):
            through.mset({f"key:{i}": f"value:{i}" for i in range(start, start + 500)})

        shares = {k.name: k.client().dbsize() for k in instances}
        print("keys per instance:", shares)
        assert sum(shares.values()) == KEYS, shares
        for name, n in shares.items():
            # Ketama over three equal servers: about a third each, never near nothing.
            assert n > KEYS // 10, f"{name} got only {n} keys: {shares}"

        def read_all():
            for start in range(0, KEYS, 1000):
                names = [f"key:{i}" for i in range(start, start + 1000)]
                values = through.mget(names)
                want = [f"value:{i}" for i in range(start, start + 1000)]
                assert values == want, f"MGET {start}..: wrong values through the proxy"

        read_all()

        # A restarted instance keeps its share: its append-only file holds it.
        restarted = instances[1]
        before = {key: restarted.client().get(key)
                  for key in restarted.client().scan_iter(count=1000)}
        restarted.stop()
        restarted.start()
        after_client = restarted.client()
        assert after_client.dbsize() == shares[restarted.name], "share changed after restart"
        for key, value in before.items():
            assert after_client.get(key) == value, f"{key} changed after restart"
        # The proxy reconnects to it and serves every key again.
        wait_for("the proxy to reach the restarted instance",
                 lambda: through.get("key:0") == "value:0" and True)
        read_all()

        # What the README says the proxy does not forward (it closes the connection).
        for refused in (["KEYS", "*"], ["MULTI"], ["SELECT", "1"], ["INFO"]):
            client = redis.Redis(port=proxy_port, socket_timeout=10)
            try:
                client.execute_command(*refused)
                raise AssertionError(f"the proxy forwarded {refused[0]}")
            except redis.exceptions.RedisError:
                pass
            finally:
                client.close()
        ok = True
        print(f"sharding test passed in {time.monotonic() - started:.1f} s")
    finally:
        if proxy:
            proxy.terminate()
            proxy.wait(timeout=DEADLINE_S)
        for k in instances:
            if k.proc and k.proc.poll() is None:
                k.stop()
        if not ok:
            for k in instances:
                print(f"---- {k.name} log ----\n{k.log()}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
