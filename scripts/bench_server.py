"""A server under benchmark (kvd or redis-server), driven through redis-cli.

Shared by the bench_*.py scripts: each starts the server it measures on a free port in a
fresh directory, without saving (save "", appendonly no), so both servers do the same work.
"""
import atexit
import os
import re
import socket
import subprocess
import time

_running = set()  # servers not stopped yet: killed at exit, so an error leaves none behind


@atexit.register
def _kill_leftovers():
    for proc in list(_running):
        proc.kill()
        proc.wait()


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


def build_ceiling_server(binary):
    """Compiles scripts/bench_ceiling_server.cpp (the do-nothing ceiling server) to binary."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_ceiling_server.cpp")
    os.makedirs(os.path.dirname(binary), exist_ok=True)
    subprocess.run(["c++", "-O2", "-std=c++20", "-o", binary, src], check=True)
    return binary


def pinned(cpu, argv):
    """argv run on one core (taskset), or as is when cpu is None."""
    return argv if cpu is None else ["taskset", "-c", str(cpu), *argv]


def rss_kb(pid):
    """Resident set size of one process, in kB."""
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"^VmRSS:\s+(\d+)", f.read(), re.M).group(1))


def cpu_seconds(pid):
    """CPU time the process has used so far, all its threads together, in seconds: the
    scheduler's nanosecond counts (/proc/<pid>/task/*/schedstat), exact over a run of a second
    or two where the tick-sampled utime/stime are not."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that ended meanwhile
    return total / 1e9


class Server:
    """cpu: the core the server is pinned to (None: any). extra: more `--name value` args."""

    def __init__(self, binary, workdir, start_timeout=600, cpu=None, extra=()):
        self.port = free_port()
        self.log_path = os.path.join(workdir, "server.log")
        self.log = open(self.log_path, "w")
        argv = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", workdir,
                "--save", "", "--appendonly", "no", *extra]
        # taskset execs the server, so proc.pid is the server's pid.
        self.proc = subprocess.Popen(pinned(cpu, argv), stdout=self.log,
                                     stderr=subprocess.STDOUT, cwd=workdir)
        _running.add(self.proc)
        deadline = time.time() + start_timeout
        while time.time() < deadline:
            if self.cli("PING").strip() == "PONG":
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"{binary} did not start; see {self.log_path}")

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.port), *args],
                              capture_output=True, text=True).stdout

    def info(self, field, section="all"):
        m = re.search(rf"^{field}:(\S+)", self.cli("INFO", section), re.M)
        return m.group(1) if m else None

    def rss_kb(self):
        return rss_kb(self.proc.pid)

    def cpu_seconds(self):
        return cpu_seconds(self.proc.pid)

    def pipe(self, commands):
        """Sends RESP commands (a list of frames, or one str/bytes) through redis-cli --pipe;
        raises when any failed."""
        if isinstance(commands, list):
            commands = "".join(commands)
        if isinstance(commands, str):
            commands = commands.encode()
        r = subprocess.run(["redis-cli", "-p", str(self.port), "--pipe"],
                           input=commands, capture_output=True, check=True)
        if b"errors: 0" not in r.stdout:
            raise RuntimeError(r.stdout.decode())

    def stop(self):
        self.cli("SHUTDOWN", "NOSAVE")
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        _running.discard(self.proc)
        self.log.close()
