#!/usr/bin/env python3
"""Differential test: the same random command stream goes to kvd and to redis-server, and
every reply must match.

The commands cover strings, bitmaps, keys, lists, hashes, sets, sorted sets and HyperLogLogs
over a small keyspace, so keys change type, WRONGTYPE and range errors come up, and values
cross the encoding limits. Replies are compared as parsed RESP; only what is unordered by
nature (a set's members, a hash's fields) is sorted first, scores are compared as numbers
(Redis 7.0 prints 17 digits where 7.2 and kvd print the shortest exact text), and TTLs as
their sign. A mismatch prints the commands that led to it and both replies.

  tests/differential/differential_test.py --kvd build/test/kvd [--seeds 1 2] [--ops 20000]
"""
import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

REDIS_SERVER = '/usr/bin/redis-server'


# ---- Servers and a raw RESP client ----

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, extra=()):
        self.name = os.path.basename(binary)
        self.dir = tempfile.mkdtemp(prefix='kvd-diff-')
        self.port = free_port()
        self.log = open(os.path.join(self.dir, 'log'), 'wb')
        self.proc = subprocess.Popen(
            [binary, '--port', str(self.port), '--bind', '127.0.0.1', '--save', '',
             '--appendonly', 'no', '--dir', self.dir, '--enable-debug-command', 'local',
             *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            try:
                self.client = Client(self.port)
                if self.client.call('PING') == ('simple', 'PONG'):
                    self.listener = Listener(self.port)
                    return
            except OSError:
                pass
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f'{binary} did not start; see {self.dir}/log')
            time.sleep(0.05)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port), timeout=30)
        self.buf = b''

    def _line(self):
        while b'\r\n' not in self.buf:
            data = self.sock.recv(1 << 16)
            if not data:
                raise EOFError('connection closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\r\n', 1)
        return line

    def _bytes(self, n):
        while len(self.buf) < n + 2:
            data = self.sock.recv(1 << 16)
            if not data:
                raise EOFError('connection closed')
            self.buf += data
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        kind, rest = chr(line[0]), line[1:]
        if kind == '+':
            return ('simple', rest.decode('latin-1'))
        if kind == '-':
            return ('error', rest.decode('latin-1'))
        if kind == ':':
            return ('int', int(rest))
        if kind == '$':
            n = int(rest)
            return ('null', None) if n < 0 else ('bulk', self._bytes(n))
        if kind in '*~>':
            n = int(rest)
            kinds = {'*': 'array', '~': 'set', '>': 'push'}
            return ('null', None) if n < 0 else (kinds[kind], [self.read() for _ in range(n)])
        # RESP3
        if kind == '%':
            return ('map', [[self.read(), self.read()] for _ in range(int(rest))])
        if kind == '_':
            return ('null', None)
        if kind == ',':
            return ('double', rest.decode())
        if kind == '#':
            return ('bool', rest == b't')
        if kind == '(':
            return ('bignum', rest.decode())
        if kind == '=':
            return ('verbatim', self._bytes(int(rest)))
        raise ValueError(f'unexpected reply line {line!r}')

    def send(self, *args):
        out = [b'*%d\r\n' % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b'$%d\r\n%s\r\n' % (len(a), a))
        self.sock.sendall(b''.join(out))

    def call(self, *args):
        self.send(*args)
        return self.read()


class Listener(Client):
    """A connection (RESP2) subscribed to every keyspace notification, and to the
    client-side caching invalidations of a second connection that tracks every key in
    BCAST mode: what each command reports as changed."""
    PONG = ('array', [('bulk', b'pong'), ('bulk', b'')])

    def __init__(self, port):
        super().__init__(port)
        listener_id = self.call('CLIENT', 'ID')[1]
        self.call('PSUBSCRIBE', '__key*__:*')
        self.call('SUBSCRIBE', '__redis__:invalidate')
        self.tracker = Client(port)
        self.tracker.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', listener_id, 'BCAST')

    def drain(self):
        """What was published so far, as (channel, message) pairs: a PING's reply comes
        after every message the server published before it read the PING."""
        self.send('PING')
        events = []
        while (item := self.read()) != self.PONG:
            parts = item[1]
            if parts[0][1] == b'pmessage':  # pattern, channel, message
                events.append((parts[2][1], parts[3][1]))
            else:  # message, channel, the keys (or null for a flush)
                events.append((parts[1][1], repr(parts[2])))
        return events


# ---- Normalizing replies ----

def as_number(x):
    if x[0] in ('bulk', 'double'):
        try:
            return ('num', float(x[1]))
        except ValueError:
            return x
    if x[0] in ('array', 'set'):
        return (x[0], [as_number(e) for e in x[1]])
    if x[0] == 'map':
        return ('map', [[as_number(k), as_number(v)] for k, v in x[1]])
    return x


def unordered(x):
    if x[0] not in ('array', 'set'):
        return x
    return ('sorted', sorted(repr(e) for e in x[1]))


def unordered_pairs(x):
    if x[0] == 'map':
        return ('sorted', sorted(repr(pair) for pair in x[1]))
    if x[0] != 'array':
        return x
    items = x[1]
    return ('sorted', sorted(repr(items[i:i + 2]) for i in range(0, len(items), 2)))


def any_int(x):
    """An LFU counter grows by chance (Redis's LFULogIncr): only its kind is compared."""
    return ('int', 'some') if x[0] == 'int' else x


# XINFO STREAM fields that are not the same in 7.0 and 7.2 or between implementations: 7.2
# added the first recorded ID, and the radix tree figures describe Redis's own tree.
XINFO_SKIPPED = {b'recorded-first-entry-id', b'radix-tree-keys', b'radix-tree-nodes'}


def xinfo_stream(x):
    return fields_without(x, XINFO_SKIPPED)


def ttl_sign(x):
    if x[0] == 'int' and x[1] >= 0:
        return ('int', 'positive')
    return x


class ScanAll:
    """Marks a SCAN-family command to iterate in full (the cursor at args[cursor_at]) and
    compare as a set: cursors and batches are each server's own, the elements are not."""


SCAN_ALL = ScanAll()


def scan_all(client, args):
    cursor_at = 1 if args[0] == 'SCAN' else 2
    pairs = args[0] in ('HSCAN', 'ZSCAN')
    args = list(args)
    seen = set()
    for _ in range(10000):
        reply = client.call(*args)
        if reply[0] != 'array' or len(reply[1]) != 2:
            return reply  # an error: compared as it is
        cursor, batch = reply[1][0][1], reply[1][1][1]
        # Scores as numbers: a listpack holds them as written, by 7.0's "%.17g" or 7.2's
        # shortest form.
        items = [repr(as_number(e) if args[0] == 'ZSCAN' else e) for e in batch]
        if pairs:
            items = [repr(items[i:i + 2]) for i in range(0, len(items), 2)]
        seen.update(items)
        if cursor == b'0':
            return ('scanned', sorted(seen))
        args[cursor_at] = cursor
    return ('endless scan', None)


# ---- The command stream ----

KEYS = [f'k{i}' for i in range(8)]
MEMBERS = ['a', 'b', 'c', 'd', '1', '2', '-3', '10', '3.5', '', 'foo bar', 'x' * 70]
NUMBERS = ['0', '1', '-1', '2', '5', '-7', '100', '9223372036854775807', '-9223372036854775808',
           '1.5', 'abc', '']


# Settings CONFIG SET may change in the stream (at their defaults again for each seed), of
# every kind: integers, memory sizes, booleans, flags and enums.
SETTABLE = ['maxmemory-samples', 'lfu-log-factor', 'slowlog-max-len', 'notify-keyspace-events',
            'latency-tracking', 'list-compress-depth', 'zset-max-listpack-value',
            'stream-node-max-entries', 'maxmemory-policy']


JUNK = ['FOO', 'NX', 'XX', 'COUNT', 'LIMIT', 'WITHSCORES', '-1', '0', '1', 'BYSCORE', 'REV',
        'LEFT', 'GET', 'KEEPTTL', 'EX']


# Commands whose errors for a stray argument are Redis 7.2's in kvd (ZRANK's WITHSCORE,
# XREAD's and XREADGROUP's unbalanced-streams text), which a 7.0 redis-server does not share;
# and CLIENT, where a stray word could turn tracking or reply modes on for the comparing
# connection.
CONSUMER_MAKERS = ('XCLAIM', 'XAUTOCLAIM', 'XREADGROUP')


JUNK_FREE = {'ZRANK', 'ZREVRANK', 'XREAD', 'XREADGROUP', 'CLIENT'}


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.recent_ttls = [None]

    def key(self):
        return self.r.choice(KEYS)

    def keys(self, lo=1, hi=3):
        return [self.key() for _ in range(self.r.randint(lo, hi))]

    def ttl(self):
        """A TTL in seconds for EXPIRE ... GT/LT: a multiple of 1000 unlike the last ten and
        unlike the 100 s other commands set, so that no comparison with a key's current TTL
        depends on whether two commands ran in the same millisecond."""
        value = self.recent_ttls[0]
        while value in self.recent_ttls:
            value = str(self.r.randint(1, 99) * 1000)
        self.recent_ttls = self.recent_ttls[-9:] + [value]
        return value

    def member(self):
        m = self.r.choice(MEMBERS)
        # Now and then a member long enough to leave the compact encodings.
        return m if self.r.random() > 0.02 else m * 10

    def members(self, lo=1, hi=4):
        return [self.member() for _ in range(self.r.randint(lo, hi))]

    def num(self):
        return self.r.choice(NUMBERS) if self.r.random() < 0.2 else str(self.r.randint(-5, 8))

    def small(self):
        return str(self.r.randint(-4, 6))

    def score(self):
        # No -0: a listpack stores it as 0 and a skiplist keeps it, and which of the two a new
        # sorted set starts as differs between Redis 7.0 (its first member's length) and 7.2
        # (its longest member's).
        return self.r.choice(['0', '1', '-1', '2.5', '1e3', '-inf', '+inf', '3', '7', 'nan',
                              '0.1', '-0.25'])

    def bound(self):
        b = self.r.choice(['-inf', '+inf', '0', '1', '2.5', '(1', '(3', '5', 'x'])
        return b

    def lex(self):
        return self.r.choice(['-', '+', '[a', '(a', '[c', '(b', '[1', 'a'])

    def stream_id(self):
        return f'{self.r.randint(0, 12)}-{self.r.randint(0, 2)}'

    def range_id(self):
        return self.r.choice(['-', '+', self.stream_id(), f'({self.stream_id()}'])

    def subset(self, *options, most=3):
        """Up to `most` of the options (each a list of words), in random order: option
        parsers meet their conflicting combinations too."""
        chosen = self.r.sample(options, self.r.randint(0, min(most, len(options))))
        return [word for option in chosen for word in option]

    def pick(self, *options):
        return self.r.choice(options)

    def maybe(self, *args, p=0.3):
        return list(args) if self.r.random() < p else []


def many(g, n):
    """n distinct members, some of them long."""
    return [f'm{i}' + ('y' * 80 if g.r.random() < 0.01 else '') for i in range(n)]


def commands(g):
    """(weight, builder) pairs; a builder returns (args, normalizer)."""
    k, m, n, s = g.key, g.member, g.num, g.small
    plain = None
    return [
        # strings
        (6, lambda: (['SET', k(), m()] + g.pick([], ['NX'], ['XX'], ['GET'], ['KEEPTTL'],
                                                 ['EX', '100']), plain)),
        (5, lambda: (['GET', k()], plain)),
        (1, lambda: (['GETSET', k(), m()], plain)),
        (1, lambda: (['GETDEL', k()], plain)),
        (1, lambda: (['GETEX', k()] + g.pick([], ['PERSIST'], ['EX', '100']), plain)),
        (1, lambda: (['MGET'] + g.keys(), plain)),
        (1, lambda: (['MSET', k(), m(), k(), m()], plain)),
        (1, lambda: (['MSETNX', k(), m(), k(), m()], plain)),
        (1, lambda: (['SETNX', k(), m()], plain)),
        (3, lambda: (['INCR', k()], plain)),
        (1, lambda: (['DECR', k()], plain)),
        (2, lambda: (['INCRBY', k(), n()], plain)),
        (1, lambda: (['DECRBY', k(), n()], plain)),
        (2, lambda: (['INCRBYFLOAT', k(), g.pick('1.5', '-0.25', '3', '1e2', 'x', '0.1')],
                     plain)),
        (2, lambda: (['APPEND', k(), m()], plain)),
        (1, lambda: (['STRLEN', k()], plain)),
        (2, lambda: (['GETRANGE', k(), s(), s()], plain)),
        (2, lambda: (['SETRANGE', k(), str(g.r.randint(0, 20)), m()], plain)),
        (1, lambda: (['LCS', k(), k()] + g.pick([], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN']),
                     plain)),
        # bitmaps
        (2, lambda: (['SETBIT', k(), str(g.r.randint(0, 40)), g.pick('0', '1')], plain)),
        (1, lambda: (['GETBIT', k(), str(g.r.randint(0, 40))], plain)),
        (1, lambda: (['BITCOUNT', k()] + g.maybe(s(), s()), plain)),
        (1, lambda: (['BITPOS', k(), g.pick('0', '1')] + g.maybe(s()), plain)),
        (1, lambda: (['BITOP', g.pick('AND', 'OR', 'XOR'), k(), k(), k()], plain)),
        (1, lambda: (['BITFIELD', k(), 'INCRBY', g.pick('i5', 'u4'), str(g.r.randint(0, 9)),
                      n(), 'GET', 'u8', '0'], plain)),
        # keys
        (2, lambda: (['DEL'] + g.keys(), plain)),
        (2, lambda: (['EXISTS'] + g.keys(), plain)),
        (2, lambda: (['TYPE', k()], plain)),
        (1, lambda: (['RENAME', k(), k()], plain)),
        (1, lambda: (['RENAMENX', k(), k()], plain)),
        (1, lambda: (['COPY', k(), k()] + g.maybe('REPLACE'), plain)),
        (1, lambda: (['EXPIRE', k(), g.ttl()] + g.maybe(
            g.pick('NX', 'XX', 'GT', 'LT')), plain)),
        (1, lambda: (['PERSIST', k()], plain)),
        (1, lambda: (['TTL', k()], ttl_sign)),
        (1, lambda: (['OBJECT', 'ENCODING', k()], plain)),
        (1, lambda: (['DBSIZE'], plain)),
        (1, lambda: (['KEYS', '*'], unordered)),
        (1, lambda: (['SORT', k()] + g.maybe('ALPHA', p=0.6) + g.maybe('DESC') +
                     g.maybe('LIMIT', s(), s()), plain)),
        # lists
        (4, lambda: ([g.pick('LPUSH', 'RPUSH'), k()] + g.members(), plain)),
        (1, lambda: ([g.pick('LPUSHX', 'RPUSHX'), k()] + g.members(), plain)),
        (2, lambda: ([g.pick('LPOP', 'RPOP'), k()] + g.maybe(str(g.r.randint(0, 4))), plain)),
        (1, lambda: (['LLEN', k()], plain)),
        (3, lambda: (['LRANGE', k(), s(), s()], plain)),
        (1, lambda: (['LINDEX', k(), s()], plain)),
        (1, lambda: (['LSET', k(), s(), m()], plain)),
        (1, lambda: (['LINSERT', k(), g.pick('BEFORE', 'AFTER'), m(), m()], plain)),
        (1, lambda: (['LREM', k(), s(), m()], plain)),
        (1, lambda: (['LTRIM', k(), s(), s()], plain)),
        (1, lambda: (['LPOS', k(), m()] + g.maybe('RANK', g.pick('1', '-1', '2', '0')) +
                     g.maybe('COUNT', g.pick('0', '1', '2')) + g.maybe('MAXLEN', '3'), plain)),
        (1, lambda: (['LMOVE', k(), k(), g.pick('LEFT', 'RIGHT'), g.pick('LEFT', 'RIGHT')],
                     plain)),
        (1, lambda: (['LMPOP', '2', k(), k(), g.pick('LEFT', 'RIGHT')] +
                     g.maybe('COUNT', str(g.r.randint(1, 3))), plain)),
        # hashes
        (4, lambda: (['HSET', k(), m(), m()] + g.maybe(m(), m()), plain)),
        (1, lambda: (['HSETNX', k(), m(), m()], plain)),
        (2, lambda: (['HGET', k(), m()], plain)),
        (1, lambda: (['HMGET', k(), m(), m()], plain)),
        (1, lambda: (['HDEL', k(), m(), m()], plain)),
        (1, lambda: (['HEXISTS', k(), m()], plain)),
        (1, lambda: (['HLEN', k()], plain)),
        (1, lambda: (['HSTRLEN', k(), m()], plain)),
        (1, lambda: (['HKEYS', k()], unordered)),
        (1, lambda: (['HVALS', k()], unordered)),
        (2, lambda: (['HGETALL', k()], unordered_pairs)),
        (1, lambda: (['HINCRBY', k(), m(), n()], plain)),
        (1, lambda: (['HINCRBYFLOAT', k(), m(), g.pick('1.5', '-2', 'x', '1e3')], plain)),
        # sets
        (4, lambda: (['SADD', k()] + g.members(), plain)),
        (1, lambda: (['SREM', k()] + g.members(), plain)),
        (2, lambda: (['SMEMBERS', k()], unordered)),
        (1, lambda: (['SISMEMBER', k(), m()], plain)),
        (1, lambda: (['SMISMEMBER', k(), m(), m()], plain)),
        (1, lambda: (['SCARD', k()], plain)),
        (1, lambda: (['SMOVE', k(), k(), m()], plain)),
        (2, lambda: ([g.pick('SINTER', 'SUNION', 'SDIFF')] + g.keys(1, 3), unordered)),
        (1, lambda: ([g.pick('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'), k()] + g.keys(1, 3),
                     plain)),
        (1, lambda: (['SINTERCARD', '2', k(), k()] + g.maybe('LIMIT', g.pick('0', '1')),
                     plain)),
        # sorted sets
        (4, lambda: (['ZADD', k()] + g.maybe(g.pick('NX', 'XX', 'GT', 'LT', 'CH')) +
                     [g.score(), m()] + g.maybe(g.score(), m()), as_number)),
        (1, lambda: (['ZADD', k(), 'INCR', g.score(), m()], as_number)),
        (1, lambda: (['ZINCRBY', k(), g.score(), m()], as_number)),
        (1, lambda: (['ZREM', k(), m(), m()], plain)),
        (1, lambda: (['ZCARD', k()], plain)),
        (2, lambda: (['ZSCORE', k(), m()], as_number)),
        (1, lambda: (['ZMSCORE', k(), m(), m()], as_number)),
        (1, lambda: ([g.pick('ZRANK', 'ZREVRANK'), k(), m()], plain)),
        (1, lambda: (['ZCOUNT', k(), g.bound(), g.bound()], plain)),
        (1, lambda: (['ZLEXCOUNT', k(), g.lex(), g.lex()], plain)),
        (3, lambda: (['ZRANGE', k(), s(), s()] + g.maybe('REV') + g.maybe('WITHSCORES'),
                     as_number)),
        (2, lambda: (['ZRANGE', k(), g.bound(), g.bound(), 'BYSCORE'] + g.maybe('REV') +
                     g.maybe('LIMIT', s(), s()) + g.maybe('WITHSCORES'), as_number)),
        (1, lambda: (['ZRANGE', k(), g.lex(), g.lex(), 'BYLEX'] + g.maybe('REV') +
                     g.maybe('LIMIT', s(), s()), plain)),
        (1, lambda: (['ZRANGEBYSCORE', k(), g.bound(), g.bound()] + g.maybe('WITHSCORES'),
                     as_number)),
        (1, lambda: (['ZREVRANGE', k(), s(), s()] + g.maybe('WITHSCORES'), as_number)),
        (1, lambda: ([g.pick('ZREMRANGEBYRANK', 'ZREMRANGEBYSCORE', 'ZREMRANGEBYLEX'), k()] +
                     [s(), s()], plain)),
        (1, lambda: ([g.pick('ZPOPMIN', 'ZPOPMAX'), k()] + g.maybe(str(g.r.randint(0, 3))),
                     as_number)),
        (1, lambda: ([g.pick('ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE'), k(), '2', k(), k()] +
                     g.maybe('WEIGHTS', g.pick('1', '2', '-1'), g.pick('1', '0.5')) +
                     g.maybe('AGGREGATE', g.pick('SUM', 'MIN', 'MAX')), plain)),
        (1, lambda: ([g.pick('ZUNION', 'ZINTER', 'ZDIFF'), '2', k(), k()] +
                     g.maybe('WITHSCORES'), as_number)),
        (1, lambda: (['ZINTERCARD', '2', k(), k()], plain)),
        (1, lambda: (['ZRANGESTORE', k(), k(), s(), s()], plain)),
        (1, lambda: (['ZMPOP', '2', k(), k(), g.pick('MIN', 'MAX')] +
                     g.maybe('COUNT', str(g.r.randint(1, 3))), as_number)),
        # streams (explicit IDs only: generated ones come from the clock)
        (3, lambda: (['XADD', k()] + g.maybe('NOMKSTREAM', p=0.1) +
                     g.maybe('MAXLEN', g.pick('=', '~'), g.pick('2', '5'), p=0.2) +
                     [g.stream_id(), m(), m()], plain)),
        (2, lambda: ([g.pick('XRANGE', 'XREVRANGE'), k(), g.range_id(), g.range_id()] +
                     g.maybe('COUNT', s()), plain)),
        (1, lambda: (['XLEN', k()], plain)),
        (1, lambda: (['XDEL', k(), g.stream_id(), g.stream_id()], plain)),
        (1, lambda: (['XTRIM', k(), g.pick('MAXLEN', 'MINID'), g.pick('=', '~'),
                      g.pick('1', '3', '5-0')], plain)),
        (1, lambda: (['XGROUP', 'CREATE', k(), g.pick('g1', 'g2'), g.pick('0', '$', '3-0')] +
                     g.maybe('MKSTREAM'), plain)),
        (2, lambda: (['XREADGROUP', 'GROUP', g.pick('g1', 'g2'), g.pick('alice', 'bob')] +
                     g.maybe('COUNT', g.pick('1', '2')) + g.maybe('NOACK', p=0.1) +
                     ['STREAMS', k(), g.pick('>', '0')], plain)),
        (1, lambda: (['XACK', k(), g.pick('g1', 'g2'), g.stream_id(), g.stream_id()], plain)),
        (1, lambda: (['XPENDING', k(), g.pick('g1', 'g2')], plain)),
        (1, lambda: (['XGROUP', g.pick('DESTROY', 'SETID'), k(), g.pick('g1', 'g2')] +
                     (['0'] if g.r.random() < 0.5 else []), plain)),
        (1, lambda: (['XGROUP', g.pick('CREATECONSUMER', 'DELCONSUMER'), k(),
                      g.pick('g1', 'g2'), g.pick('alice', 'bob', 'carol')], plain)),
        (1, lambda: (['XCLAIM', k(), g.pick('g1', 'g2'), g.pick('alice', 'bob'), '0',
                      g.stream_id(), g.stream_id()] + g.maybe('JUSTID'), plain)),
        (1, lambda: (['XAUTOCLAIM', k(), g.pick('g1', 'g2'), g.pick('alice', 'bob'), '0',
                      g.range_id()] + g.maybe('COUNT', g.pick('1', '3')) + g.maybe('JUSTID'),
                     plain)),
        (0.5, lambda: (['XSETID', k(), g.stream_id()], plain)),
        (0.5, lambda: (['XINFO', 'GROUPS', k()], plain)),
        (0.5, lambda: (['XINFO', 'STREAM', k()], xinfo_stream)),
        # transactions (one connection: WATCH sees the client's own writes)
        (1, lambda: (['MULTI'], plain)),
        (1, lambda: (['EXEC'], plain)),
        (0.3, lambda: (['DISCARD'], plain)),
        (0.5, lambda: (['WATCH', k()], plain)),
        (0.3, lambda: (['UNWATCH'], plain)),
        # blocking forms: they pop at once, or time out after 10 ms with a null
        (0.5, lambda: ([g.pick('BLPOP', 'BRPOP'), k(), k(), '0.01'], plain)),
        (0.3, lambda: (['BLMOVE', k(), k(), g.pick('LEFT', 'RIGHT'), g.pick('LEFT', 'RIGHT'),
                        '0.01'], plain)),
        (0.3, lambda: ([g.pick('BZPOPMIN', 'BZPOPMAX'), k(), '0.01'], as_number)),
        (0.3, lambda: (['BLMPOP', '0.01', '1', k(), g.pick('LEFT', 'RIGHT')], plain)),
        # scripts: replies converted to Lua and back, errors raised and caught
        (1, lambda: (['EVAL', "return redis.call(ARGV[1], KEYS[1])", '1', k(),
                      g.pick('GET', 'LLEN', 'HLEN', 'TYPE', 'INCR', 'STRLEN', 'ZCARD')], plain)),
        (0.5, lambda: (['EVAL', "return redis.pcall('LRANGE', KEYS[1], 0, -1)", '1', k()],
                       plain)),
        (0.5, lambda: (['EVAL', "return redis.call('SET', KEYS[1], ARGV[1])", '1', k(), m()],
                       plain)),
        (0.5, lambda: (['EVAL', "return redis.pcall('SORT', KEYS[1], 'BY', 'nosort', ARGV[1])",
                        '1', k(), g.pick('ASC', 'DESC')], plain)),
        (0.3, lambda: (['EVAL', g.pick("return {1, 2.5, 'x', false, true, {3}}",
                                       "return redis.pcall('INCR', KEYS[1])",
                                       "return {err = 'custom error'}",
                                       "return {ok = 'fine'}",
                                       "return tonumber(ARGV[1])",
                                       "return redis.status_reply('DONE')"), '1', k(), n()],
                       plain)),
        # RESP3 replies inside scripts (redis.setresp(3)) and back out in the client's protocol
        (0.3, lambda: (['EVAL', "redis.setresp(3); return redis.call('HGETALL', KEYS[1])", '1',
                        k()], unordered_pairs)),
        (0.3, lambda: (['EVAL', "redis.setresp(3); return redis.call('SMEMBERS', KEYS[1])", '1',
                        k()], unordered)),
        (0.3, lambda: (['EVAL', g.pick("redis.setresp(3); return redis.call('ZSCORE', KEYS[1], "
                                       "ARGV[1])",
                                       "redis.setresp(3); return redis.pcall('GET', KEYS[1])",
                                       "redis.setresp(3); local r = redis.call('ZSCORE', KEYS[1],"
                                       " ARGV[1]); return type(r) == 'table' and r['double']",
                                       "redis.setresp(3); return redis.pcall('ZRANGE', KEYS[1], 0,"
                                       " 2, 'WITHSCORES')",
                                       "return redis.call('EXISTS', KEYS[1]) == 1",
                                       "redis.setresp(3); return redis.pcall('LPOS', KEYS[1], "
                                       "ARGV[1])",
                                       "return {double = tonumber(ARGV[1])}",
                                       "return redis.pcall('HINCRBYFLOAT', KEYS[1], 'f', "
                                       "ARGV[1])"),
                        '1', k(), m()], as_number)),
        # random picks that return everything (a count past the largest size the stream
        # builds, about 750), compared unordered
        (1, lambda: ([g.pick('SRANDMEMBER', 'HRANDFIELD', 'ZRANDMEMBER'), k(), '1000'],
                     unordered)),
        (0.5, lambda: (['SPOP', k(), '1000'], unordered)),
        # geo (members as names; coordinates in the valid range and out of it)
        (2, lambda: (['GEOADD', k()] + g.maybe(g.pick('NX', 'XX', 'CH')) +
                     [g.pick('13.361389', '15.087269', '-200', '0'),
                      g.pick('38.115556', '37.502669', '86', '0'), m()], plain)),
        (1, lambda: (['GEODIST', k(), m(), m()] + g.maybe(g.pick('km', 'm', 'mi', 'xx')),
                     as_number)),
        (1, lambda: (['GEOHASH', k(), m(), m()], plain)),
        (1, lambda: (['GEOSEARCH', k(), 'FROMLONLAT', '15', '37', 'BYRADIUS',
                      g.pick('100', '300'), 'km', g.pick('ASC', 'DESC')] +
                     g.maybe('COUNT', '2'), plain)),
        # option combinations, the conflicting ones included
        (2, lambda: (['SET', k(), m()] + g.subset(['NX'], ['XX'], ['GET'], ['KEEPTTL'],
                                                  ['EX', '100'], ['PX', '100000'],
                                                  ['EXAT', '4102444800'], ['EX', '0']), plain)),
        (2, lambda: (['ZADD', k()] + g.subset(['NX'], ['XX'], ['GT'], ['LT'], ['CH'], ['INCR']) +
                     [g.score(), m()] + g.maybe(g.score(), m(), p=0.2), as_number)),
        (1, lambda: (['GETEX', k()] + g.subset(['PERSIST'], ['EX', '100'], ['PXAT', '4102444800000'],
                                               ['EX', '-1']), plain)),
        (1, lambda: (['EXPIRE', k(), g.pick(g.ttl(), '-1', '0', 'x')] + g.subset(
            ['NX'], ['XX'], ['GT'], ['LT']), plain)),
        (1, lambda: (['BITCOUNT', k(), s(), s(), g.pick('BIT', 'BYTE', 'BOTH')], plain)),
        (1, lambda: (['BITPOS', k(), g.pick('0', '1', '2'), s(), s(), g.pick('BIT', 'BYTE')],
                     plain)),
        (1, lambda: ([g.pick('SINTERCARD', 'ZINTERCARD'), g.pick('0', '1', '3', '-1', 'x'),
                      k(), k()] + g.maybe('LIMIT', g.pick('0', '2', '-1')), plain)),
        (1, lambda: ([g.pick('LMPOP', 'ZMPOP'), g.pick('0', '1', '3'), k(),
                      g.pick('LEFT', 'RIGHT', 'MIN', 'MAX')] +
                     g.maybe('COUNT', g.pick('0', '-1', '2')), as_number)),
        (1, lambda: (['XADD', k(), 'MAXLEN', g.pick('~', '='), '3', 'LIMIT', g.pick('0', '5'),
                      g.stream_id(), m(), m()], plain)),
        # many members at once, past the compact encodings' entry limits
        (0.3, lambda: ([g.pick('SADD', 'RPUSH'), k()] + many(g, 130), plain)),
        (0.2, lambda: (['SADD', k()] + [str(i * g.r.choice([1, 7, 70000])) for i in
                                        range(g.r.randint(100, 600))], plain)),
        (0.3, lambda: (['HSET', k()] + [x for i, v in enumerate(many(g, 130)) for x in
                                        (v, str(i))], plain)),
        (0.3, lambda: (['ZADD', k()] + [x for i, v in enumerate(many(g, 130)) for x in
                                        (str(i % 7), v)], as_number)),
        (0.3, lambda: (['CONFIG', 'SET', g.pick('hash-max-listpack-entries',
                                                'zset-max-listpack-entries',
                                                'set-max-intset-entries',
                                                'list-max-listpack-size',
                                                'hash-max-listpack-value'),
                        g.pick('2', '4', '128', '512')], plain)),
        (1, lambda: (['INCRBYFLOAT', k(), g.pick('1e17', '5e-5', '-1.5e10', '123456789.123456789',
                                                 '1e300', '-0', '0.1', '3.0')], plain)),
        # databases
        (0.5, lambda: (['MOVE', k(), g.pick('1', '0', '16', 'x')], plain)),
        (0.3, lambda: (['COPY', k(), k(), 'DB', g.pick('1', '0')] + g.maybe('REPLACE'), plain)),
        (0.2, lambda: (['SWAPDB', '0', g.pick('1', '0')], plain)),
        (0.2, lambda: (['SELECT', g.pick('0', '1')], plain)),
        # more string and key forms
        (1, lambda: (['SET', k(), m(), g.pick('NX', 'XX'), 'GET'], plain)),
        (1, lambda: (['SORT', k(), 'BY', g.pick('nosort', 'w_*'), 'GET', '#'] +
                     g.maybe('ALPHA', p=0.7), plain)),
        # Weights and GETs from other keys: elements such as '1' name k1, which may be a
        # string, a hash (k*->field) or of another type.
        (1, lambda: (['SORT', k(), 'BY', g.pick('k*', 'k*->a', 'k*->1', 'nosort', 'k*->')] +
                     [w for _ in range(g.r.randint(0, 3))
                      for w in ('GET', g.pick('#', 'k*', 'k*->a', 'k*->b', '*->a'))] +
                     g.maybe('ALPHA', p=0.4) + g.maybe('DESC') + g.maybe('LIMIT', s(), s()) +
                     g.maybe('STORE', k(), p=0.3), plain)),
        (1, lambda: (['SUBSTR', k(), s(), s()], plain)),
        (1, lambda: (['OBJECT', 'FREQ', k()], any_int)),
        (1, lambda: (['EXPIRETIME', k()], ttl_sign)),
        # full iterations, compared as sets
        (1, lambda: (['SCAN', '0'] +
                     g.maybe('MATCH', g.pick('k*', 'k[0-3]', '*1', 'k?', '[^k]*', 'x*')) +
                     g.maybe('COUNT', g.pick('1', '3', '100', '0')) +
                     g.maybe('TYPE', g.pick('string', 'list', 'hash', 'set', 'zset', 'stream',
                                            'foo')), SCAN_ALL)),
        (2, lambda: ([g.pick('HSCAN', 'SSCAN', 'ZSCAN'), k(), '0'] +
                     g.maybe('MATCH', g.pick('*', 'm1*', '?', '[a-c]', '*o*', '1*')) +
                     g.maybe('COUNT', g.pick('1', '5', '1000', '-1')), SCAN_ALL)),
        # server settings and client options: their errors, and values read back
        (0.5, lambda: (['CONFIG', 'SET', g.pick(*SETTABLE),
                        g.pick('abc', '-1', '0', '5', '1gb', 'yes', 'no', 'KEA', 'allkeys-lru',
                               'volatile-lfu', 'bogus', '')] +
                       g.maybe(g.pick(*SETTABLE), g.pick('1', 'x'), p=0.2),
                       unordered_pairs)),  # a stray GET makes a CONFIG GET of several names
        (0.5, lambda: (['CONFIG', 'GET', g.pick(*SETTABLE)] + g.maybe(g.pick(*SETTABLE)),
                       unordered_pairs)),
        (0.2, lambda: (g.pick(['CONFIG', 'SET', 'no-such-setting', '1'], ['CONFIG', 'GET'],
                              ['CONFIG', 'SET', 'maxmemory-samples'], ['CONFIG', 'BOGUS'],
                              ['CONFIG', 'SET', 'maxmemory-samples', '5', 'lfu-log-factor']),
                       unordered_pairs)),  # a stray GET makes a CONFIG GET of several names
        (0.5, lambda: (['CLIENT'] + g.pick(
            ['SETNAME', g.pick('ok', 'has space', '', 'new\nline')], ['GETNAME'],
            ['NO-EVICT', g.pick('on', 'off', 'maybe')],
            ['KILL', g.pick('ID', 'ADDR', 'LADDR', 'SKIPME', 'TYPE', 'USER'),
             # Nothing that matches the listeners (SKIPME yes would).
             g.pick('0', 'x', 'replica', '1.2.3.4:5', 'maybe', 'nobody')],
            ['KILL', '1.2.3.4:5'],
            ['TRACKING', 'on', 'REDIRECT', g.pick('999999', 'x')],
            ['TRACKING', g.pick('maybe', 'off')],
            ['TRACKING', 'on', g.pick('OPTIN', 'PREFIX'), g.pick('OPTOUT', 'a', 'BCAST')],
            ['CACHING', g.pick('yes', 'no', 'x')], ['GETREDIR'], ['TRACKINGINFO'],
            ['REPLY', 'x'], ['PAUSE', g.pick('x', '-1')], ['PAUSE', '10', 'BOGUS'],
            ['UNPAUSE'], ['UNBLOCK', g.pick('999999', 'x')], ['UNBLOCK', '1', 'FOO'],
            ['LIST', g.pick('TYPE', 'ID'), g.pick('bogus', 'x')], ['BOGUS']), plain)),
        # the remaining forms and aliases
        (0.5, lambda: (['BITFIELD_RO', k(), 'GET', g.pick('u8', 'i5', 'u63', 'i64', 'x'),
                        g.pick('0', '3', '#1', '-1')], plain)),
        (0.3, lambda: (['RPOPLPUSH', k(), k()], plain)),
        (0.2, lambda: (['BRPOPLPUSH', k(), k(), '0.01'], plain)),
        (0.2, lambda: (['BZMPOP', '0.01', '2', k(), k(), g.pick('MIN', 'MAX')] +
                       g.maybe('COUNT', g.pick('1', '3')), as_number)),
        (0.5, lambda: ([g.pick('EXPIREAT', 'PEXPIREAT'), k(),
                        g.pick('4102444800', '4102444800000', '1', '-5', 'x')] +
                       g.maybe(g.pick('NX', 'XX', 'GT', 'LT')), plain)),
        (0.5, lambda: (['PEXPIRE', k(), g.pick('100000', '-1', '0', 'x')], plain)),
        (0.5, lambda: ([g.pick('PTTL', 'PEXPIRETIME'), k()], ttl_sign)),
        # No TTL may run out within a run: the servers would see it at different moments.
        (0.25, lambda: (['SETEX', k(), g.pick('100', '100000', '0', '-1', 'x'), m()], plain)),
        (0.25, lambda: (['PSETEX', k(), g.pick('100000', '0', '-1', 'x'), m()], plain)),
        (0.5, lambda: (['HMSET', k(), m(), m(), m(), m()], plain)),
        (0.5, lambda: ([g.pick('TOUCH', 'UNLINK')] + g.keys(), plain)),
        (0.5, lambda: (['GEOPOS', k(), m(), m()], as_number)),
        (0.3, lambda: ([g.pick('GEORADIUS', 'GEORADIUS_RO'), k(), '15', '37',
                        g.pick('100', '300'), 'km', g.pick('ASC', 'DESC')] +
                       g.maybe('WITHDIST') + g.maybe('COUNT', '2'), as_number)),
        (0.3, lambda: ([g.pick('GEORADIUSBYMEMBER', 'GEORADIUSBYMEMBER_RO'), k(), m(),
                        g.pick('100', '300'), 'km', g.pick('ASC', 'DESC')] +
                       g.maybe('WITHDIST'), as_number)),
        (0.3, lambda: (['GEOSEARCHSTORE', k(), k(), 'FROMLONLAT', '15', '37', 'BYBOX', '400',
                        '400', 'km'] + g.maybe('STOREDIST'), plain)),
        (0.5, lambda: (['SORT_RO', k()] + g.maybe('ALPHA', p=0.7) +
                       g.maybe('LIMIT', '0', g.pick('2', '-1')), plain)),
        (0.5, lambda: (['XREAD'] + g.maybe('COUNT', g.pick('1', '2')) +
                       ['STREAMS', k(), g.stream_id()], plain)),
        (0.5, lambda: (['ZREVRANGEBYSCORE', k(), g.bound(), g.bound()] +
                       g.maybe('WITHSCORES') + g.maybe('LIMIT', s(), s()), as_number)),
        # HyperLogLog
        (1, lambda: (['PFADD', k()] + g.members(), plain)),
        (1, lambda: (['PFCOUNT'] + g.keys(1, 2), plain)),
        (1, lambda: (['PFMERGE', k()] + g.keys(1, 2), plain)),
    ]


XSETID_BELOW_DELETED = ('ERR The ID specified in XSETID is smaller than current '
                        'max_deleted_entry_id')


LEX_COMMANDS = {'ZRANGEBYLEX', 'ZREVRANGEBYLEX', 'ZLEXCOUNT', 'ZREMRANGEBYLEX'}


def known_difference(redis, args, a, b, tied):
    """Replies that may differ without either server being wrong:
    - OBJECT ENCODING of lists and sets, which Redis 7.2 (and kvd) keep as listpacks while
      small and 7.0 as a quicklist or a hashtable;
    - SORT ... BY of a set or sorted set, whose equal weights leave the order the elements
      came out of a hash table in (with LIMIT or STORE, only the counts compare);
    - lexicographic ranges of a sorted set whose scores differ, which Redis leaves
      unspecified (its answer follows its skiplist's random levels);
    - XSETID below the stream's largest deleted ID, which Redis 7.2 (and kvd) refuse and
      7.0 accepts."""
    if args[:2] == ['OBJECT', 'ENCODING']:
        version = redis.client.call('INFO', 'server')[1]
        return (b'redis_version:7.0.' in version and
                redis.client.call('TYPE', args[2]) in (('simple', 'list'), ('simple', 'set')))
    if args[0] in LEX_COMMANDS or (args[0] == 'ZRANGE' and 'BYLEX' in args):
        scores = redis.client.call('ZRANGE', args[1], '0', '-1', 'WITHSCORES')
        if scores[0] != 'array':
            return False
        items = scores[1]
        if items and items[0][0] == 'array':  # RESP3: [member, score] pairs
            values = [pair[1][1] for pair in items]
        else:
            values = items[1::2]
        return len(set(repr(as_number(v)) for v in values)) > 1
    if args[0] == 'XSETID' and a == ('error', XSETID_BELOW_DELETED):
        version = redis.client.call('INFO', 'server')[1]
        return b'redis_version:7.0.' in version
    if tied:
        if 'LIMIT' in args or 'STORE' in args:  # not which elements, only how many
            def count(x):
                return ('array', len(x[1])) if x[0] == 'array' else x
            return count(a) == count(b)
        return unordered(a) == unordered(b)
    return False


def sort_may_tie(kvd, redis, args):
    """Redis loads a set's or (unless BY nosort) a sorted set's elements in its hash table's
    order before SORT ... BY orders them by weights that may tie."""
    if args[0] != 'SORT' or 'BY' not in args or args.index('BY') + 1 >= len(args):
        return False
    kvd.client.call('TYPE', args[1])  # as on redis: the same access and notifications
    kind = redis.client.call('TYPE', args[1])[1]
    by_nothing = args[args.index('BY') + 1] == 'nosort'
    return kind == 'set' or (kind == 'zset' and not by_nothing)


def create_consumers_as_72(redis, args):
    """What Redis 7.2 does and 7.0 does not: the consumer a successful XREADGROUP, XCLAIM or
    XAUTOCLAIM names exists afterwards in every group it named."""
    if args[0] != 'XREADGROUP':
        redis.client.call('XGROUP', 'CREATECONSUMER', *args[1:4])
        return
    group, consumer = args[2], args[3]
    streams = args.index('STREAMS')
    for key in args[streams + 1:streams + 1 + (len(args) - streams - 1) // 2]:
        redis.client.call('XGROUP', 'CREATECONSUMER', key, group, consumer)


def forget_tied_sort(kvd, redis, args):
    """SORT ... BY ... STORE of a set or sorted set may store its tied elements in another
    order on each server (see known_difference): such a result is deleted on both."""
    dest = args[args.index('STORE') + 1]
    if dest not in KEYS or redis.client.call('LRANGE', dest, '0', '-1') == \
            kvd.client.call('LRANGE', dest, '0', '-1'):
        return
    kvd.client.call('DEL', dest)
    redis.client.call('DEL', dest)


def fields_without(x, skipped):
    """A flat or RESP3-map reply of name/value pairs, less the names in `skipped`."""
    if x[0] not in ('array', 'map'):
        return x
    pairs = x[1] if x[0] == 'map' else [x[1][i:i + 2] for i in range(0, len(x[1]), 2)]
    return ('fields', [p for p in pairs if p[0][1] not in skipped])


def content(client, key):
    """A key's type and whole value, as replies of one server that do not depend on when
    they are read: what a copy of the key made by DUMP and RESTORE must show too."""
    kind = client.call('TYPE', key)[1]
    if kind == 'string':
        return kind, client.call('GET', key)
    if kind == 'list':
        return kind, client.call('LRANGE', key, '0', '-1')
    if kind == 'set':
        return kind, unordered(client.call('SMEMBERS', key))
    if kind == 'zset':  # a -0 that RESTORE puts in a listpack reads 0 there, in Redis too
        return kind, as_number(client.call('ZRANGE', key, '0', '-1', 'WITHSCORES'))
    if kind == 'hash':
        return kind, unordered_pairs(client.call('HGETALL', key))
    if kind != 'stream':
        return kind, None
    out = [client.call('XRANGE', key, '-', '+'),
           xinfo_stream(client.call('XINFO', 'STREAM', key))]
    groups = client.call('XINFO', 'GROUPS', key)
    out.append(groups)
    for group in groups[1]:
        info = fields_without(group, set())[1]
        name = next(v for k, v in info if k[1] == b'name')[1]
        out.append(client.call('XPENDING', key, name))
        consumers = client.call('XINFO', 'CONSUMERS', key, name)
        out.append([fields_without(c, {b'idle', b'inactive'}) for c in consumers[1]])
    return kind, out


DUMP_COPY = 'dump-copy'  # not one of KEYS: the stream never names it


def pick_collection(kvd, redis, keys):
    """The first of `keys` holding a collection, else the first. Asks both servers alike
    (the access counts TYPE leaves stay the same)."""
    kinds = [(kvd.client.call('TYPE', key), redis.client.call('TYPE', key)) for key in keys]
    return next((key for key, (kind, _) in zip(keys, kinds)
                 if kind[1] not in ('string', 'none')), keys[0])


def is_arity_error(reply):
    return reply[0] == 'error' and 'wrong number of arguments' in reply[1]


def cross_dump(kvd, redis, key):
    """DUMP key on each server and RESTORE it on the other: each copy must read as the
    original on the server it came to. Returns what went wrong, or None."""
    payloads = {server: server.client.call('DUMP', key) for server in (kvd, redis)}
    problems = []
    for source, target in ((kvd, redis), (redis, kvd)):
        payload = payloads[source]
        if payload[0] != 'bulk':
            continue
        restored = target.client.call('RESTORE', DUMP_COPY, '0', payload[1], 'REPLACE')
        if restored != ('simple', 'OK'):
            problems.append(f'{target.name} refused the DUMP of {source.name}: {restored!r}')
        elif content(target.client, DUMP_COPY) != content(target.client, key):
            problems.append(f'{source.name}\'s DUMP restored into {target.name} reads '
                            f'{content(target.client, DUMP_COPY)!r}, not '
                            f'{content(target.client, key)!r}')
        target.client.call('DEL', DUMP_COPY)
    for server in (kvd, redis):
        server.listener.drain()  # the copy's restore and del notifications
    return '; '.join(problems) or None


def reload_difference(kvd, redis):
    """DEBUG RELOAD (a snapshot saved and loaded back) on both servers: every key of the
    current database must read as before on each. None when all did."""
    for server in (kvd, redis):
        before = [content(server.client, key) for key in KEYS]
        reloaded = server.client.call('DEBUG', 'RELOAD')
        if reloaded != ('simple', 'OK'):
            return f'DEBUG RELOAD on {server.name}: {reloaded!r}'
        after = [content(server.client, key) for key in KEYS]
        changed = [key for key, x, y in zip(KEYS, before, after) if x != y]
        if changed:
            return f'keys {changed} read otherwise after DEBUG RELOAD on {server.name}'
        server.listener.drain()
    return None


def keyspace_counts(server):
    """INFO keyspace: each database's keys and keys with a TTL (not avg_ttl, a moment's)."""
    return [line.split(b',avg_ttl=')[0] for line in
            server.client.call('INFO', 'keyspace')[1].splitlines() if line.startswith(b'db')]


def digest_difference(kvd, redis):
    """None when DEBUG DIGEST, a signature of every key, value and TTL flag, and INFO
    keyspace's counts are the same on both servers; otherwise what differs."""
    counts = keyspace_counts(kvd), keyspace_counts(redis)
    if counts[0] != counts[1]:
        return f'INFO keyspace differs: kvd {counts[0]}, redis {counts[1]}'
    if kvd.client.call('DEBUG', 'DIGEST') == redis.client.call('DEBUG', 'DIGEST'):
        return None
    differing = [key for key in KEYS if kvd.client.call('DEBUG', 'DIGEST-VALUE', key) !=
                 redis.client.call('DEBUG', 'DIGEST-VALUE', key)]
    return f'DEBUG DIGEST differs: keys {differing or "of another database"}'


# What the test itself sends to one server alone, left out of the counts compared: Redis
# 7.0 gets the consumers 7.2 creates (create_consumers_as_72).
ONE_SIDED = {'xgroup|createconsumer'}


def counters(server):
    """INFO's counts of what the commands did: keyspace_hits and keyspace_misses, each
    command's calls, rejected and failed calls (commandstats) and each error kind's count
    (errorstats), by name."""
    text = server.client.call('INFO', 'stats', 'commandstats', 'errorstats')[1].decode()
    counts = {}
    for line in text.splitlines():
        name, _, value = line.partition(':')
        if name in ('keyspace_hits', 'keyspace_misses'):
            counts[name] = int(value)
        elif name.startswith('errorstat_'):
            counts[name] = int(value.removeprefix('count='))
        elif name.startswith('cmdstat_') and name[8:] not in ONE_SIDED:
            fields = dict(f.split('=') for f in value.split(','))
            counts[name] = tuple(int(fields[f]) for f in
                                 ('calls', 'rejected_calls', 'failed_calls'))
    return counts


def growth(now, before):
    """How each count grew from `before` to `now` (a count first seen grew from zero)."""
    def minus(a, b):
        return tuple(x - y for x, y in zip(a, b)) if isinstance(a, tuple) else a - b
    zero = {name: tuple(0 for _ in v) if isinstance(v, tuple) else 0 for name, v in now.items()}
    grew = {name: minus(v, before.get(name, zero[name])) for name, v in now.items()}
    return {name: v for name, v in grew.items() if v not in (0, (0, 0, 0))}


def checkpoint_difference(kvd, redis, counted, final, last_command):
    """The whole data set compared (DEBUG DIGEST, INFO keyspace), and how much INFO's counts
    (keyspace hits and misses, commandstats, errorstats) grew since the `counted` of the
    last checkpoint (None: not comparable); at the `final` checkpoint a snapshot reload too.
    Returns what differs (or None) and the counts to compare the next checkpoint with."""
    # The reload at the end only: it may pick encodings anew (kvd writes sorted sets and
    # hashes as plain lists, Redis its listpacks as they are), which the encoding settings
    # the stream changes could make differ.
    problem = (final and reload_difference(kvd, redis)) or digest_difference(kvd, redis)
    now = counters(kvd), counters(redis)
    if not problem and counted is not None:
        grew = [growth(now[j], counted[j]) for j in range(2)]
        names = sorted(n for n in set(grew[0]) | set(grew[1]) if grew[0].get(n) != grew[1].get(n))
        if names:
            problem = (f'INFO counts since the last check (up to {" ".join(last_command)}): ' +
                       '; '.join(f'{n} kvd {grew[0].get(n, 0)} redis {grew[1].get(n, 0)}'
                                 for n in names))
    return problem, now


def describe(server, key):
    """A key's type, encoding and value, to read a mismatch by."""
    kind = server.client.call('TYPE', key)[1]
    encoding = server.client.call('OBJECT', 'ENCODING', key)[1]
    value = server.client.call('GET', key) if kind == 'string' else ''
    return f'{kind} {encoding!r} {value!r}'[:200]


# Commands between two comparisons of the whole data set and the access counts.
CHECKPOINT = 500


# Every keyspace notification, key misses and new keys included: the listeners compare them.
NOTIFY_ALL = 'KEAmn'


# The settings the stream changes, at their defaults: each seed starts from the same state.
DEFAULT_SETTINGS = ['hash-max-listpack-entries', '128', 'zset-max-listpack-entries', '128',
                    'set-max-intset-entries', '512', 'list-max-listpack-size', '-2',
                    'hash-max-listpack-value', '64', 'maxmemory-samples', '5',
                    'lfu-log-factor', '10', 'slowlog-max-len', '128',
                    'notify-keyspace-events', NOTIFY_ALL, 'latency-tracking', 'yes',
                    'list-compress-depth', '0', 'zset-max-listpack-value', '64',
                    'stream-node-max-entries', '100', 'maxmemory-policy', 'noeviction']


def run(kvd, redis, seed, ops, max_mismatches, protocol):
    for server in (kvd, redis):
        server.client.call('DISCARD')  # a transaction the previous seed left open, if any
        server.client.call('UNWATCH')
        server.client.call('SELECT', '0')
        server.client.call('CONFIG', 'SET', *DEFAULT_SETTINGS)
        server.client.call('FLUSHALL')
        server.client.call('HELLO', protocol)
        server.listener.drain()  # what the resets published
    # Redis 7.2 (and kvd) create the consumer of XREADGROUP, XCLAIM and XAUTOCLAIM even when
    # nothing is read or claimed; 7.0 does not. Against 7.0 it is created afterwards.
    redis70 = b'redis_version:7.0.' in redis.client.call('INFO', 'server')[1]
    rng = random.Random(seed)
    dump_rng = random.Random(-seed)
    table = commands(Gen(rng))
    weights = [w for w, _ in table]
    history = []
    mismatches = 0
    in_multi = False
    # INFO's counts at the last checkpoint, per server; None when a known
    # difference or a reset (whose reads went to one server) came since.
    counted = None
    for i in range(ops):
        args, norm = rng.choices(table, weights)[0][1]()
        # Inside MULTI, EXEC's reply holds every queued command's: only commands compared as
        # they are may be queued.
        while in_multi and (norm is not None or args[:2] == ['OBJECT', 'ENCODING'] or
                            args[0] in LEX_COMMANDS or 'BYLEX' in args or
                            (args[0] == 'SORT' and 'BY' in args) or
                            (redis70 and args[0] in CONSUMER_MAKERS)):
            args, norm = rng.choices(table, weights)[0][1]()
        # Now and then a stray argument, for the option parsers' errors.
        if rng.random() < 0.03 and args[0] not in JUNK_FREE:
            args.insert(rng.randint(1, len(args)), rng.choice(JUNK))
        history.append(args)
        tied = sort_may_tie(kvd, redis, args)  # before the command: STORE may replace the key
        if norm is SCAN_ALL:
            a = na = scan_all(kvd.client, args)
            b = nb = scan_all(redis.client, args)
            counted = None  # a lookup per call, and each server takes its own number of calls
        else:
            a = kvd.client.call(*args)
            b = redis.client.call(*args)
            na, nb = (norm(a), norm(b)) if norm else (a, b)
            if redis70 and args[0] in CONSUMER_MAKERS and b[0] != 'error':
                create_consumers_as_72(redis, args)
        # The keyspace notifications the command published, in order.
        ea, eb = kvd.listener.drain(), redis.listener.drain()
        # (Against 7.0 a consumer's creation came later; a set's SORT ... BY looks its weight
        # keys up in hash table order.)
        if (redis70 and args[0] in CONSUMER_MAKERS) or tied:
            ea, eb = sorted(ea), sorted(eb)
        if tied and 'LIMIT' in args:  # which elements LIMIT keeps depends on that order
            ea = eb
            counted = None
        if na == nb and ea != eb:
            a, b = na, nb = ('notifications', ea), ('notifications', eb)
        # Notifications stay on: a CONFIG SET that named them is undone, even a failed one
        # (Redis restores the setting from its text, which leaves out 'n' beside 'A').
        if args[:2] == ['CONFIG', 'SET'] and 'notify-keyspace-events' in args:
            for server in (kvd, redis):
                server.client.call('CONFIG', 'SET', 'notify-keyspace-events', NOTIFY_ALL)
        # A transaction starts when MULTI succeeds; EXEC or DISCARD refused for their
        # arguments leave it open (a stray argument may do that).
        if args[0] == 'MULTI' and b == ('simple', 'OK'):
            in_multi = True
        elif args[0] in ('EXEC', 'DISCARD') and not is_arity_error(b):
            in_multi = False
        if tied and 'STORE' in args:
            forget_tied_sort(kvd, redis, args)
        if na != nb and known_difference(redis, args, a, b, tied):
            if args[0] in ('ZREMRANGEBYLEX', 'XSETID'):  # the data differ: start again
                history.clear()
                kvd.client.call('FLUSHALL')
                redis.client.call('FLUSHALL')
            for server in (kvd, redis):
                server.listener.drain()  # known_difference's reads, on redis alone
            counted = None
            continue
        # What no reply shows, between commands: now and then a key's DUMP crosses to the
        # other server (its own random source: the command stream of a seed stays as it
        # was); every CHECKPOINT commands, and at the end, the whole data set is compared.
        problem = None
        if na == nb and not in_multi and dump_rng.random() < 0.01:
            key = pick_collection(kvd, redis, dump_rng.sample(KEYS, 3))
            problem, shown = cross_dump(kvd, redis, key), ['DUMP', key]
        if (not problem and na == nb and not in_multi and
                ((i + 1) % CHECKPOINT == 0 or i == ops - 1)):
            problem, counted = checkpoint_difference(kvd, redis, counted, i == ops - 1,
                                                     history[-1])
            shown = ['DEBUG', 'DIGEST']
        if problem:
            args = shown  # shown as the command that went wrong
            history.append(args)
            a, b = na, nb = ('problem', problem), ('-', None)
        if na != nb:
            mismatches += 1
            print(f'MISMATCH at command {i + 1} (seed {seed}, RESP{protocol}):', file=sys.stderr)
            # The commands since the last reset that named a key of this one.
            names = {x for x in args if x in KEYS}
            related = [h for h in history[:-1] if names & set(h)]
            for h in related[-15:]:
                print('    ' + ' '.join(repr(x) for x in h), file=sys.stderr)
            print('  > ' + ' '.join(repr(x) for x in args), file=sys.stderr)
            print(f'  kvd:   {a!r}', file=sys.stderr)
            print(f'  redis: {b!r}', file=sys.stderr)
            if not in_multi:
                for key in sorted(names):
                    print(f'  {key}: kvd {describe(kvd, key)}, redis {describe(redis, key)}',
                          file=sys.stderr)
            if mismatches >= max_mismatches:
                break
            # Start both from the same state again.
            history.clear()
            counted = None
            if in_multi:
                kvd.client.call('DISCARD')
                redis.client.call('DISCARD')
                in_multi = False
            for server in (kvd, redis):
                server.client.call('UNWATCH')
            kvd.client.call('FLUSHALL')
            redis.client.call('FLUSHALL')
    return mismatches


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--kvd', required=True)
    p.add_argument('--redis-server', default=REDIS_SERVER)
    p.add_argument('--seeds', type=int, nargs='+', default=[1],
                   help='one run per seed; odd seeds speak RESP2, even ones RESP3')
    p.add_argument('--ops', type=int, default=20000, help='commands per seed')
    p.add_argument('--max-mismatches', type=int, default=10)
    opts = p.parse_args()
    if not os.path.exists(opts.redis_server):
        print(f'{opts.redis_server} not found: skipped')
        return 77
    kvd = Server(opts.kvd)
    redis = Server(opts.redis_server)
    bad = 0
    try:
        for seed in opts.seeds:
            start = time.time()
            protocol = 2 if seed % 2 else 3
            found = run(kvd, redis, seed, opts.ops, opts.max_mismatches, protocol)
            print(f'{opts.ops} commands (seed {seed}, RESP{protocol}) in '
                  f'{time.time() - start:.1f} s: {found} mismatches')
            bad += found
    finally:
        kvd.stop()
        redis.stop()
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
