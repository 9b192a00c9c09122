"""Starts the server under test in a fresh temp dir and stops it again.

kvd is started with `--port 0 --save ""` and its port is read from the log line
`Running mode=standalone, port=N.`. A real redis-server (to check the suite's expectations)
cannot bind port 0, so it gets a free port picked here.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading

PORT_LINE = re.compile(rb"Running mode=standalone, port=(\d+)\.")
READY_LINE = b"Ready to accept connections"
START_TIMEOUT_S = 30  # generous: the test build runs kvd under ASan on a busy machine
STOP_TIMEOUT_S = 30


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class KvdServer:
    def __init__(self, binary):
        self.binary = binary
        self.port = None
        self.dir = None
        self.proc = None
        self.log = []
        self._ready = threading.Event()
        self._reader = None

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="kvd-clients-")
        is_redis = os.path.basename(self.binary).startswith("redis-server")
        port = str(_free_port()) if is_redis else "0"
        self.proc = subprocess.Popen(
            [self.binary, "--port", port, "--save", "", "--dir", self.dir],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=self.dir)
        # The reader keeps draining the log so the server never blocks on a full pipe.
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        if not self._ready.wait(START_TIMEOUT_S) or self.port is None:
            self.stop()
            raise RuntimeError("server did not start:\n" + self.log_text())
        return self

    def _read_log(self):
        seen_port = False
        for line in self.proc.stdout:
            self.log.append(line)
            m = PORT_LINE.search(line)
            if m:
                self.port = int(m.group(1))
                seen_port = True
            if seen_port and READY_LINE in line:
                self._ready.set()
        self._ready.set()  # exited: wake the waiter, which sees port is None or not ready

    def log_text(self):
        return b"".join(self.log).decode(errors="replace")

    def stop(self):
        """Stops the server with SIGTERM; returns its exit code (0 for a clean shutdown)."""
        code = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                code = self.proc.wait()
            self._reader.join()
            self.proc.stdout.close()
            self.proc = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        return code
