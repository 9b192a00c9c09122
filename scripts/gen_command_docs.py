#!/usr/bin/env python3
"""Writes server/commands/command_docs_data.cpp: Redis's COMMAND DOCS and COMMAND INFO metadata
(documentation, arguments, tips, key specs) for the commands kvd registers.

The metadata is read from a running redis-server (Debian's 7.0.15 here) with COMMAND DOCS and
COMMAND in RESP3; which commands to keep is read from a running kvd's COMMAND LIST. Every
subcommand Redis has for a kept container is kept too, so a subcommand kvd adds later already has
its documentation. Commands Redis 7.0 lacks (7.2 additions) come from EXTRA_DOCS below.

  scripts/gen_command_docs.py --redis-server /usr/bin/redis-server --kvd build/clients/kvd
  scripts/gen_command_docs.py --redis-port 6379 --kvd-port 6380 [--also monitor latency]
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'server', 'commands', 'command_docs_data.cpp')

# Redis 7.2 commands missing from redis-server 7.0.15, from Redis's src/commands/*.json, in the
# shape parse_docs() gives (COMMAND DOCS fields plus COMMAND INFO's tips and key_specs).
EXTRA_DOCS = {
    'client|setinfo': {
        'summary': 'Sets information specific to the client or connection.',
        'since': '7.2.0', 'group': 'connection', 'complexity': 'O(1)',
        'arguments': [{'name': 'attr', 'type': 'oneof', 'arguments': [
            {'name': 'libname', 'type': 'string', 'token': 'lib-name'},
            {'name': 'libver', 'type': 'string', 'token': 'lib-ver'},
        ]}],
        'tips': ['request_policy:all_nodes', 'response_policy:all_succeeded'],
    },
    'client|no-touch': {
        'summary': 'Controls whether commands sent by the client affect the LRU/LFU of accessed '
                   'keys.',
        'since': '7.2.0', 'group': 'connection', 'complexity': 'O(1)',
        'arguments': [{'name': 'enabled', 'type': 'oneof', 'arguments': [
            {'name': 'on', 'type': 'pure-token', 'token': 'ON'},
            {'name': 'off', 'type': 'pure-token', 'token': 'OFF'},
        ]}],
    },
    'cluster|myshardid': {
        'summary': 'Returns the shard ID of a node.',
        'since': '7.2.0', 'group': 'cluster', 'complexity': 'O(1)',
        'tips': ['nondeterministic_output'],
    },
}


class Resp3:
    """A minimal RESP3 client: replies as (type, value) pairs, maps as lists of pairs."""

    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port))
        self.buf = b''

    def _fill(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise EOFError('connection closed')
        self.buf += data

    def _line(self):
        while b'\r\n' not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b'\r\n', 1)
        return line

    def _bytes(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        kind, rest = chr(line[0]), line[1:].decode()
        if kind == '+':
            return ('simple', rest)
        if kind == '-':
            raise RuntimeError(rest)
        if kind == ':':
            return ('int', int(rest))
        if kind == '_':
            return ('null', None)
        if kind in '$=':
            return ('null', None) if int(rest) < 0 else ('bulk', self._bytes(int(rest)).decode())
        if kind in '*~>':
            return ({'*': 'array', '~': 'set', '>': 'push'}[kind],
                    [self.read() for _ in range(int(rest))])
        if kind == '%':
            return ('map', [(self.read(), self.read()) for _ in range(int(rest))])
        raise ValueError(f'unexpected reply {line!r}')

    def call(self, *args):
        out = b'*%d\r\n' % len(args)
        for a in args:
            a = a.encode()
            out += b'$%d\r\n%s\r\n' % (len(a), a)
        self.sock.sendall(out)
        return self.read()


def plain(v):
    """A reply as plain Python: maps as dicts (keys in order), sets and arrays as lists."""
    kind, x = v
    if kind == 'map':
        return {plain(k): plain(e) for k, e in x}
    if kind in ('array', 'set', 'push'):
        return [plain(e) for e in x]
    return x


def parse_docs(docs_reply, info_reply):
    """{full name: entry}: COMMAND DOCS fields, plus 'tips' and 'key_specs' from COMMAND INFO."""
    out = {}

    def add_docs(name, d):
        subs = d.pop('subcommands', {})
        out[name] = d
        for sub, sd in subs.items():
            add_docs(sub, sd)

    for name, d in plain(docs_reply).items():
        add_docs(name, d)

    def add_info(e):
        name, tips, key_specs, subs = e[0], e[7], e[8], e[9]
        out[name]['tips'] = tips
        out[name]['key_specs'] = key_specs
        for s in subs:
            add_info(s)

    for e in plain(info_reply):
        add_info(e)
    return out


def cstr(s):
    """A C++ string literal; octal escapes never run into a following digit (3 digits)."""
    out = []
    for ch in s.encode():
        c = chr(ch)
        if c in '"\\':
            out.append('\\' + c)
        elif 32 <= ch < 127 and c != '?':  # '?' could start a trigraph
            out.append(c)
        else:
            out.append('\\%03o' % ch)
    return '"' + ''.join(out) + '"'


ARG_FLAGS = {'optional': 'kArgOptional', 'multiple': 'kArgMultiple',
             'multiple_token': 'kArgMultipleToken'}


def emit(entries, source):
    history, args, key_specs, commands = [], [], [], []

    def alloc_args(lst):
        start = len(args)
        args.extend([None] * len(lst))
        for i, a in enumerate(lst):
            child_start, n = alloc_args(a.get('arguments', []))
            flags = ' | '.join(ARG_FLAGS[f] for f in a.get('flags', [])) or '0'
            args[start + i] = '{%s, %s, %s, %s, %s, %s, %s, %d, %s, %d, %d}' % (
                cstr(a['name']), cstr(a['type']), cstr(a.get('display_text', '')),
                cstr(a.get('token', '')), cstr(a.get('summary', '')), cstr(a.get('since', '')),
                cstr(a.get('deprecated_since', '')), a.get('key_spec_index', -1), flags,
                child_start, n)
        return start, len(lst)

    for name in sorted(entries):
        d = entries[name]
        h0 = len(history)
        for version, change in d.get('history', []):
            history.append('{%s, %s}' % (cstr(version), cstr(change)))
        a0, na = alloc_args(d.get('arguments', []))
        k0 = len(key_specs)
        for ks in d.get('key_specs', []):
            bs, fk = ks['begin_search'], ks['find_keys']
            bspec, fspec = bs['spec'], fk['spec']
            if fk['type'] == 'range':
                nums = (fspec['lastkey'], fspec['keystep'], fspec['limit'])
            elif fk['type'] == 'keynum':
                nums = (fspec['keynumidx'], fspec['firstkey'], fspec['keystep'])
            else:
                nums = (0, 0, 0)
            key_specs.append('{%s, %s, %s, %d, %s, %s, %d, %d, %d}' % (
                cstr(ks.get('notes', '')), cstr(' '.join(ks['flags'])), cstr(bs['type']),
                bspec.get('index', bspec.get('startfrom', 0)), cstr(bspec.get('keyword', '')),
                cstr(fk['type']), *nums))
        commands.append('{%s, %s, %s, %s, %s, %s, %s, %s, %s, %d, %d, %d, %d, %d, %d}' % (
            cstr(name), cstr(d.get('summary', '')), cstr(d.get('since', '')),
            cstr(d.get('group', '')), cstr(d.get('complexity', '')),
            cstr(' '.join(d.get('doc_flags', []))), cstr(d.get('deprecated_since', '')),
            cstr(d.get('replaced_by', '')), cstr(' '.join(d.get('tips', []))),
            h0, len(history) - h0, a0, na, k0, len(key_specs) - k0))

    def table(ctype, name, rows):
        if not rows:
            return f'constexpr std::array<{ctype}, 0> {name}{{}};\n'
        return (f'constexpr {ctype} {name}[] = {{\n' +
                ''.join(f'    {r},\n' for r in rows) + '};\n')

    return (
        f'// Generated by scripts/gen_command_docs.py from {source}\'s COMMAND DOCS and\n'
        '// COMMAND INFO (plus the script\'s EXTRA_DOCS for Redis 7.2 commands), for the commands\n'
        '// kvd registers and every subcommand Redis has for them. Do not edit: run the script.\n'
        '// clang-format off\n'
        '#include <array>\n\n'
        '#include "server/commands/command_docs_data.h"\n\n'
        'namespace kvd {\nnamespace {\n\n'
        + table('HistoryDoc', 'kHistory', history) + '\n'
        + table('ArgDoc', 'kArgs', args) + '\n'
        + table('KeySpecDoc', 'kKeySpecs', key_specs) + '\n'
        + table('CommandDoc', 'kCommands', commands) + '\n'
        '}  // namespace\n\n'
        'CommandDocTables CommandDocData() {\n'
        '  return {kCommands, kArgs, kHistory, kKeySpecs};\n'
        '}\n\n'
        '}  // namespace kvd\n')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def start(binary, workdir):
    port = free_port()
    proc = subprocess.Popen([os.path.abspath(binary), '--port', str(port), '--save', '', '--dir', workdir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=workdir)
    for _ in range(300):
        try:
            Resp3(port).call('PING')
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f'{binary} did not start')


def server_arguments(description):
    """The options both scripts take: each server as a binary to start or a running port."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument('--redis-server', help='redis-server binary to start')
    p.add_argument('--redis-port', type=int, help='port of a running redis-server')
    p.add_argument('--kvd', help='kvd binary to start')
    p.add_argument('--kvd-port', type=int, help='port of a running kvd')
    return p


def with_servers(parser, opts, fn):
    """Starts the servers given as binaries, calls fn(redis_port, kvd_port), stops them."""
    procs = []
    with tempfile.TemporaryDirectory() as work:
        try:
            if opts.redis_server:
                proc, opts.redis_port = start(opts.redis_server, work)
                procs.append(proc)
            if opts.kvd:
                proc, opts.kvd_port = start(opts.kvd, work)
                procs.append(proc)
            if not opts.redis_port or not opts.kvd_port:
                parser.error('need a redis-server and a kvd (binary or port)')
            return fn(opts.redis_port, opts.kvd_port)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait()


def read_servers(redis_port, kvd_port):
    redis = Resp3(redis_port)
    version = plain(redis.call('HELLO', '3'))['version']
    entries = parse_docs(redis.call('COMMAND', 'DOCS'), redis.call('COMMAND'))
    kvd_names = set(plain(Resp3(kvd_port).call('COMMAND', 'LIST')))
    return version, entries, kvd_names


def main():
    p = server_arguments(__doc__.split('\n')[0])
    p.add_argument('--also', nargs='*', default=[],
                   help='more commands to keep (ones kvd is about to register)')
    p.add_argument('--out', default=OUT)
    opts = p.parse_args()
    version, entries, kvd_names = with_servers(p, opts, read_servers)
    for name, d in EXTRA_DOCS.items():
        entries.setdefault(name, dict({'tips': [], 'key_specs': []}, **d))
    keep = kvd_names | set(opts.also)
    keep |= {n for n in entries if n.split('|')[0] in keep}
    selected = {n: entries[n] for n in keep if n in entries}
    missing = sorted(keep - set(entries))
    with open(opts.out, 'w') as f:
        f.write(emit(selected, f'redis-server {version}'))
    print(f'{opts.out}: {len(selected)} commands; no documentation for: {missing or "none"}')


if __name__ == '__main__':
    sys.exit(main())
