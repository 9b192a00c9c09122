"""A server under benchmark (kvd or redis-server), driven through redis-cli.

Shared by the bench_*.py scripts: each starts the server it measures on a free port in a
fresh directory, without saving (save "", appendonly no), so both servers do the same work.
"""
import os
import re
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resp(*args):
    """One command as a RESP multibulk frame."""
    out = [f"*{len(args)}\r\n"]
    for a in args:
        a = str(a)
        out.append(f"${len(a.encode())}\r\n{a}\r\n")
    return "".join(out)


class Server:
    def __init__(self, binary, workdir, start_timeout=600):
        self.port = free_port()
        self.log_path = os.path.join(workdir, "server.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", workdir,
             "--save", "", "--appendonly", "no"],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir)
        deadline = time.time() + start_timeout
        while time.time() < deadline:
            if self.cli("PING").strip() == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError(f"{binary} did not start; see {self.log_path}")

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.port), *args],
                              capture_output=True, text=True).stdout

    def info(self, field, section="all"):
        m = re.search(rf"^{field}:(\S+)", self.cli("INFO", section), re.M)
        return m.group(1) if m else None

    def pipe(self, commands):
        """Sends RESP commands through redis-cli --pipe; raises when any failed."""
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
