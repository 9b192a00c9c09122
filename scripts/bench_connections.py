"""Memory per idle connection: the growth of the server's RSS with N connections open.

Connections are plain blocking sockets (no select(), so file descriptors above 1024 are fine).
RSS is read twice: once all N are accepted and have sent nothing ("connected"), and again
after each sent one PING and read its +PONG and all then stayed idle for IDLE_S seconds
("idle"; Redis 7.0 gives a client a 16 KB query buffer on its first read and its cron frees it
after 2 idle seconds). The process raises its own open-file limit to the hard limit; servers
started from it inherit that, and get maxclients N + 100.
"""
import resource
import shutil
import socket
import tempfile
import time

from bench_server import Server

IDLE_S = 3


def raise_nofile_limit():
    """Soft open-file limit up to the hard one; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _read_pong(sock):
    buf = b""
    while not buf.endswith(b"\r\n"):
        chunk = sock.recv(64)
        if not chunk:
            raise RuntimeError("connection closed before +PONG")
        buf += chunk
    if buf != b"+PONG\r\n":
        raise RuntimeError(f"unexpected reply {buf!r}")


def measure(binary, conns, cpu=None):
    limit = raise_nofile_limit()
    if limit < conns + 200:
        raise RuntimeError(f"open-file limit {limit} is too low for {conns} connections")
    work = tempfile.mkdtemp(prefix="kvd-bench-conns-")
    socks = []
    try:
        s = Server(binary, work, cpu=cpu, extra=("--maxclients", str(conns + 100)))
        before = s.rss_kb()
        for _ in range(conns):
            socks.append(socket.create_connection(("127.0.0.1", s.port), timeout=30))
        deadline = time.time() + 60
        while int(s.info("connected_clients", "clients")) < conns + 1:  # + redis-cli
            if time.time() > deadline:
                raise RuntimeError(f"{binary}: not all {conns} connections were accepted")
            time.sleep(0.05)
        connected = s.rss_kb()
        for c in socks:
            c.sendall(b"*1\r\n$4\r\nPING\r\n")
        for c in socks:
            _read_pong(c)
        time.sleep(IDLE_S)
        idle = s.rss_kb()
        for c in socks:
            c.close()
        socks = []
        s.stop()
    finally:
        for c in socks:
            c.close()
        shutil.rmtree(work, ignore_errors=True)
    return {"rss_per_conn_connected": (connected - before) * 1024 / conns,
            "rss_per_conn_idle": (idle - before) * 1024 / conns, "rss_mb": idle * 1024 / 1e6}
