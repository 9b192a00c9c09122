'use strict';
// Starts the server under test in a fresh temp dir and stops it again.
//
// kvd is started with `--port 0 --save ""` and its port is read from the log line
// `Running mode=standalone, port=N.`. A real redis-server (to check the suites' own
// expectations) cannot bind port 0, so it gets a free port picked here.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const PORT_LINE = /Running mode=standalone, port=(\d+)\./;
const READY_LINE = 'Ready to accept connections';
const START_TIMEOUT_MS = 30000; // generous: the test build runs kvd under ASan
const STOP_TIMEOUT_MS = 30000;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

class KvdServer {
  constructor(binary) {
    this.binary = binary;
    this.port = null;
    this.dir = null;
    this.proc = null;
    this.log = [];
    this.exited = null; // promise of the exit code
  }

  async start() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvd-clients-'));
    const isRedis = path.basename(this.binary).startsWith('redis-server');
    const port = isRedis ? String(await freePort()) : '0';
    this.proc = spawn(this.binary, ['--port', port, '--save', '', '--dir', this.dir],
                      { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => resolve(signal ? `signal ${signal}` : code));
    });
    this.proc.stderr.on('data', (d) => this.log.push(d.toString()));
    const lines = readline.createInterface({ input: this.proc.stdout });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not start:\n' + this.logText())),
                               START_TIMEOUT_MS);
      lines.on('line', (line) => {
        this.log.push(line + '\n');
        const m = PORT_LINE.exec(line);
        if (m) this.port = Number(m[1]);
        if (this.port !== null && line.includes(READY_LINE)) {
          clearTimeout(timer);
          resolve();
        }
      });
      this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}) before it was ready:\n` + this.logText()));
      });
    }).catch(async (e) => {
      await this.stop();
      throw e;
    });
    return this;
  }

  logText() {
    return this.log.join('');
  }

  // Stops the server with SIGTERM; resolves to its exit code (0 for a clean shutdown).
  async stop() {
    let code = null;
    if (this.proc) {
      if (this.proc.exitCode === null && this.proc.signalCode === null) {
        this.proc.kill('SIGTERM');
      }
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => {
          this.proc.kill('SIGKILL');
          resolve('killed after a stop timeout');
        }, STOP_TIMEOUT_MS);
      });
      code = await Promise.race([this.exited, timeout]);
      clearTimeout(timer);
      this.proc = null;
    }
    if (this.dir) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      this.dir = null;
    }
    return code;
  }
}

module.exports = { KvdServer };
