#!/usr/bin/env python3
"""Compares kvd's COMMAND DOCS and COMMAND INFO with a redis-server's, command by command, in
RESP2 and RESP3, and prints every difference. Exits 1 when documentation (COMMAND DOCS of a
command without subcommands, COMMAND INFO tips and key specs) differs; differences in arity,
flags, categories and legacy key ranges are printed as notes (they are kvd's behaviour).

  scripts/compare_command_docs.py --redis-server /usr/bin/redis-server --kvd build/clients/kvd
  scripts/compare_command_docs.py --redis-port 6379 --kvd-port 6380
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_command_docs import Resp3, plain, server_arguments, with_servers  # noqa: E402

INFO_FIELDS = ['name', 'arity', 'flags', 'first_key', 'last_key', 'step', 'acl_categories',
               'tips', 'key_specs', 'subcommands']


WORDING = ('summary', 'since', 'complexity')


def split_wording(docs_reply):
    """COMMAND DOCS <name> without its summary, since and complexity (kvd keeps Redis 7.2's,
    an older redis-server has its own), and those apart, in the order sent."""
    kind, items = docs_reply
    name, doc = items[0] if kind == 'map' else (items[0], items[1])
    pairs = doc[1] if doc[0] == 'map' else list(zip(doc[1][::2], doc[1][1::2]))
    kept = [(k, v) for k, v in pairs if k[1] not in WORDING]
    words = [v[1] for k, v in pairs if k[1] in WORDING]
    body = ('map', kept) if doc[0] == 'map' else ('array', [x for kv in kept for x in kv])
    return (kind, [(name, body)] if kind == 'map' else [name, body]), words


def compare(redis_port, kvd_port):
    problems, notes = [], []
    for proto in ('2', '3'):
        r, k = Resp3(redis_port), Resp3(kvd_port)
        for c in (r, k):
            c.call('HELLO', proto)
        kvd_names = plain(k.call('COMMAND', 'LIST'))
        redis_names = set(plain(r.call('COMMAND', 'LIST')))
        for name in sorted(kvd_names):
            if name not in redis_names:
                notes.append(f'RESP{proto} {name}: not in this redis-server')
                continue
            rd, kd = r.call('COMMAND', 'DOCS', name), k.call('COMMAND', 'DOCS', name)
            has_subs = any(n.startswith(name + '|') for n in redis_names)
            (rd, r_words), (kd, k_words) = split_wording(rd), split_wording(kd)
            if r_words != k_words:
                notes.append(f'RESP{proto} COMMAND DOCS {name} wording: redis {r_words}, '
                             f'kvd {k_words}')
            if rd != kd and not has_subs:
                problems.append(f'RESP{proto} COMMAND DOCS {name}:\n  redis {plain(rd)}\n'
                                f'  kvd   {plain(kd)}')
            ri = r.call('COMMAND', 'INFO', name)[1][0][1]
            ki = k.call('COMMAND', 'INFO', name)[1][0][1]
            for i, field in enumerate(INFO_FIELDS):
                if field == 'subcommands' or ri[i] == ki[i]:
                    continue
                line = (f'RESP{proto} COMMAND INFO {name} {field}: redis {plain(ri[i])}, '
                        f'kvd {plain(ki[i])}')
                (problems if field in ('tips', 'key_specs') else notes).append(line)
    return problems, notes


def main():
    p = server_arguments(__doc__.split('\n')[0])
    opts = p.parse_args()
    problems, notes = with_servers(p, opts, compare)
    for line in notes:
        print('note:', line)
    for line in problems:
        print('DIFF:', line)
    print(f'compare_command_docs: {len(problems)} documentation differences, {len(notes)} notes')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
