'use strict';
// The shared scenarios with ioredis.
const assert = require('node:assert/strict');
const Redis = require('ioredis');
const { Suite, waitFor, nextEvent, Inbox, TX, PUBSUB, WRONGTYPE } = require('../lib/runner');

const suite = new Suite('ioredis');
const s = (group, name, fn, options) => suite.scenario(group, name, fn, options);
const sorted = (a) => [...a].sort();
const pairs = (flat) => {
  const out = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
};

async function rejects(promise, message) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.message, message);
    return true;
  });
}

async function collect(stream) {
  const out = [];
  for await (const batch of stream) out.push(...batch);
  return out;
}

// ---- strings ------------------------------------------------------------------------------

s('strings', 'get/set and options', async ({ r }) => {
  assert.equal(await r.set('s', 'v'), 'OK');
  assert.equal(await r.get('s'), 'v');
  assert.equal(await r.get('missing'), null);
  assert.equal(await r.set('s', 'w', 'NX'), null);
  assert.equal(await r.set('s', 'w', 'XX'), 'OK');
  assert.equal(await r.set('s', 'x', 'GET'), 'w');
  assert.equal(await r.set('fresh', '1', 'XX'), null);
  assert.equal(await r.setnx('fresh', '1'), 1);
  assert.equal(await r.getset('fresh', '2'), '1');
  assert.equal(await r.getdel('fresh'), '2');
  assert.equal(await r.append('s', 'yz'), 3);
  assert.equal(await r.getrange('s', 1, -1), 'yz');
  assert.equal(await r.setrange('s', 1, 'AB'), 3);
  assert.equal(await r.get('s'), 'xAB');
});

s('strings', 'binary safe', async ({ r }) => {
  const key = Buffer.from('k\x00\n', 'latin1');
  const value = Buffer.from([0, 13, 10, 255, 0x41, 0]);
  assert.equal(await r.set(key, value), 'OK');
  assert.deepEqual(await r.getBuffer(key), value);
  assert.equal(await r.strlen(key), value.length);
});

s('strings', 'incr family', async ({ r }) => {
  assert.equal(await r.incr('n'), 1);
  assert.equal(await r.incrby('n', 10), 11);
  assert.equal(await r.decr('n'), 10);
  assert.equal(await r.decrby('n', 3), 7);
  assert.equal(await r.incrbyfloat('f', 1.5), '1.5');
  assert.equal(await r.incrbyfloat('f', '0.25'), '1.75');
  await r.set('text', 'abc');
  await rejects(r.incr('text'), 'ERR value is not an integer or out of range');
});

s('strings', 'mget/mset', async ({ r }) => {
  assert.equal(await r.mset({ a: '1', b: '2', c: '3' }), 'OK');
  assert.deepEqual(await r.mget('a', 'missing', 'c'), ['1', null, '3']);
  assert.equal(await r.msetnx('a', 'x', 'd', '4'), 0);
  assert.equal(await r.exists('d'), 0);
  assert.equal(await r.msetnx('d', '4', 'e', '5'), 1);
  assert.deepEqual(await r.mget(['d', 'e']), ['4', '5']);
});

// ---- expiry -------------------------------------------------------------------------------

s('expiry', 'ttl and options', async ({ r }) => {
  await r.set('k', 'v', 'EX', 100);
  const ttl = await r.ttl('k');
  assert.ok(ttl > 90 && ttl <= 100, `TTL ${ttl}`);
  assert.equal(await r.ttl('missing'), -2);
  await r.set('plain', 'v');
  assert.equal(await r.ttl('plain'), -1);
  await r.set('k', 'w', 'KEEPTTL');
  assert.ok((await r.ttl('k')) > 90, 'KEEPTTL keeps the TTL');
  assert.equal(await r.expire('plain', 200, 'NX'), 1);
  assert.equal(await r.expire('plain', 300, 'NX'), 0);
  assert.equal(await r.expire('plain', 100, 'GT'), 0);
  assert.equal(await r.expire('plain', 500, 'GT'), 1);
  assert.equal(await r.getex('plain', 'PERSIST'), 'v');
  assert.equal(await r.ttl('plain'), -1);
});

s('expiry', 'pexpire and persist', async ({ r }) => {
  await r.set('k', 'v');
  assert.equal(await r.pexpire('k', 60000), 1);
  const pttl = await r.pttl('k');
  assert.ok(pttl > 50000 && pttl <= 60000, `PTTL ${pttl}`);
  assert.equal(await r.persist('k'), 1);
  assert.equal(await r.ttl('k'), -1);
  assert.equal(await r.persist('k'), 0);
  assert.equal(await r.pexpire('missing', 1000), 0);
});

s('expiry', 'expire at', async ({ r }) => {
  const now = Math.floor(Date.now() / 1000);
  await r.set('k', 'v');
  assert.equal(await r.expireat('k', now + 1000), 1);
  assert.equal(await r.expiretime('k'), now + 1000);
  assert.equal(await r.pexpireat('k', (now + 2000) * 1000), 1);
  assert.ok((await r.ttl('k')) > 1990);
  // A time in the past deletes the key at once.
  assert.equal(await r.expireat('k', now - 10), 1);
  assert.equal(await r.exists('k'), 0);
});

// ---- pipelines ----------------------------------------------------------------------------

s('pipelines', 'pipeline', async ({ r }) => {
  const res = await r.pipeline().set('a', '1').incr('a').get('a').rpush('l', 'x', 'y')
    .lrange('l', 0, -1).get('missing').exec();
  assert.deepEqual(res, [[null, 'OK'], [null, 2], [null, '2'], [null, 2], [null, ['x', 'y']],
                         [null, null]]);
});

s('pipelines', 'errors stay in place', async ({ r }) => {
  await r.set('s', 'text');
  const res = await r.pipeline().set('a', '1').lpush('s', 'x').incr('a').exec();
  assert.deepEqual(res[0], [null, 'OK']);
  assert.equal(res[1][0].message, WRONGTYPE);
  assert.deepEqual(res[2], [null, 2]);
});

s('pipelines', '2000 commands, and auto-pipelined promises', async ({ r }) => {
  const p = r.pipeline();
  for (let i = 0; i < 2000; i++) p.set(`k${i}`, i);
  for (let i = 0; i < 2000; i++) p.get(`k${i}`);
  const res = await p.exec();
  assert.deepEqual(res.slice(2000).map(([, v]) => v), [...Array(2000).keys()].map(String));
  const gets = await Promise.all([...Array(500).keys()].map((i) => r.get(`k${i}`)));
  assert.deepEqual(gets, [...Array(500).keys()].map(String));
  assert.equal(await r.dbsize(), 2000);
});

// ---- SCAN iterators -----------------------------------------------------------------------

s('scan', 'scanStream', async ({ r }) => {
  const p = r.pipeline();
  for (let i = 0; i < 500; i++) p.set(`user:${i}`, i);
  for (let i = 0; i < 50; i++) p.set(`other:${i}`, i);
  await p.exec();
  const keys = await collect(r.scanStream({ match: 'user:*', count: 37 }));
  assert.equal(keys.length, 500, 'no duplicates without concurrent writes');
  assert.deepEqual(new Set(keys), new Set([...Array(500).keys()].map((i) => `user:${i}`)));
  assert.equal((await collect(r.scanStream({ count: 1000 }))).length, 550);
  await r.rpush('alist', 'x');
  assert.deepEqual(await collect(r.scanStream({ type: 'list' })), ['alist']);
});

s('scan', 'hscanStream, sscanStream, zscanStream', async ({ r }) => {
  const fields = {};
  for (let i = 0; i < 300; i++) fields[`f${i}`] = `v${i}`;
  await r.hset('h', fields);
  assert.deepEqual(pairs(await collect(r.hscanStream('h', { count: 20 }))), fields);
  const members = [...Array(300).keys()].map((i) => `m${i}`);
  await r.sadd('s', ...members);
  assert.deepEqual(sorted(await collect(r.sscanStream('s', { count: 25 }))), sorted(members));
  const zargs = [];
  const scores = {};
  for (let i = 0; i < 300; i++) {
    zargs.push(i * 1.5, `z${i}`);
    scores[`z${i}`] = String(i * 1.5);
  }
  await r.zadd('z', ...zargs);
  assert.deepEqual(pairs(await collect(r.zscanStream('z', { count: 25 }))), scores);
});

// ---- data types ---------------------------------------------------------------------------

s('hashes', 'hash commands', async ({ r }) => {
  assert.equal(await r.hset('h', 'a', '1'), 1);
  assert.equal(await r.hset('h', { b: '2', c: '3' }), 2);
  assert.equal(await r.hget('h', 'a'), '1');
  assert.equal(await r.hget('h', 'nope'), null);
  assert.deepEqual(await r.hgetall('h'), { a: '1', b: '2', c: '3' });
  assert.deepEqual(await r.hmget('h', 'a', 'nope', 'c'), ['1', null, '3']);
  assert.equal(await r.hincrby('h', 'b', 5), 7);
  assert.equal(await r.hincrbyfloat('h', 'f', 0.5), '0.5');
  assert.equal(await r.hexists('h', 'a'), 1);
  assert.equal(await r.hsetnx('h', 'a', 'x'), 0);
  assert.equal(await r.hlen('h'), 4);
  assert.deepEqual(sorted(await r.hkeys('h')), ['a', 'b', 'c', 'f']);
  assert.equal(await r.hdel('h', 'a', 'nope'), 1);
  assert.deepEqual(await r.hgetall('missing'), {});
});

s('lists', 'list commands', async ({ r }) => {
  assert.equal(await r.rpush('l', 'a', 'b', 'c'), 3);
  assert.equal(await r.lpush('l', 'z'), 4);
  assert.deepEqual(await r.lrange('l', 0, -1), ['z', 'a', 'b', 'c']);
  assert.equal(await r.lindex('l', -1), 'c');
  assert.equal(await r.linsert('l', 'BEFORE', 'b', 'a2'), 5);
  assert.equal(await r.lset('l', 0, 'Z'), 'OK');
  assert.equal(await r.lpos('l', 'b'), 3);
  assert.equal(await r.lrem('l', 1, 'a2'), 1);
  assert.equal(await r.lpop('l'), 'Z');
  assert.equal(await r.rpop('l'), 'c');
  assert.deepEqual(await r.lpop('l', 5), ['a', 'b']);
  assert.equal(await r.exists('l'), 0);
  await r.rpush('src', '1', '2', '3');
  assert.equal(await r.lmove('src', 'dst', 'LEFT', 'RIGHT'), '1');
  assert.deepEqual(await r.lrange('dst', 0, -1), ['1']);
});

s('lists', 'blocking pop: timeout, and a push from a second client', async (ctx) => {
  const { r } = ctx;
  const started = Date.now();
  assert.equal(await r.blpop('empty1', 'empty2', 0.1), null);
  assert.ok(Date.now() - started >= 90, 'BLPOP waited for its timeout');
  await r.rpush('q2', 'ready');
  assert.deepEqual(await r.blpop('q1', 'q2', 1), ['q2', 'ready']);
  const blocker = ctx.client();
  const popped = blocker.blpop('jobs', 20);
  await waitFor(async () => /blocked_clients:1\r?\n/.test(await r.info('clients')),
                'a blocked client');
  assert.equal(await r.rpush('jobs', 'job1', 'job2'), 2);
  assert.deepEqual(await popped, ['jobs', 'job1']);
  assert.equal(await r.brpoplpush('jobs', 'done', 1), 'job2');
});

s('sets', 'set commands', async ({ r }) => {
  assert.equal(await r.sadd('s1', 'a', 'b', 'c', 'a'), 3);
  await r.sadd('s2', 'b', 'c', 'd');
  assert.deepEqual(sorted(await r.smembers('s1')), ['a', 'b', 'c']);
  assert.equal(await r.sismember('s1', 'a'), 1);
  assert.deepEqual(await r.smismember('s1', 'a', 'x'), [1, 0]);
  assert.equal(await r.scard('s1'), 3);
  assert.deepEqual(sorted(await r.sinter('s1', 's2')), ['b', 'c']);
  assert.deepEqual(sorted(await r.sunion('s1', 's2')), ['a', 'b', 'c', 'd']);
  assert.deepEqual(await r.sdiff('s1', 's2'), ['a']);
  assert.equal(await r.sinterstore('dst', 's1', 's2'), 2);
  assert.equal(await r.smove('s1', 's2', 'a'), 1);
  assert.equal(await r.srem('s1', 'b', 'zz'), 1);
  assert.equal(await r.spop('s1'), 'c');
  assert.deepEqual(await r.smembers('s1'), []);
});

s('sorted sets', 'sorted set commands with scores', async ({ r }) => {
  assert.equal(await r.zadd('z', 1, 'a', 2.5, 'b', -3, 'c'), 3);
  assert.equal(await r.zscore('z', 'b'), '2.5');
  assert.equal(await r.zscore('z', 'nope'), null);
  assert.deepEqual(await r.zrange('z', 0, -1, 'WITHSCORES'), ['c', '-3', 'a', '1', 'b', '2.5']);
  assert.deepEqual(await r.zrevrange('z', 0, 0), ['b']);
  assert.deepEqual(await r.zrangebyscore('z', '(1', 10, 'WITHSCORES'), ['b', '2.5']);
  assert.equal(await r.zincrby('z', 10, 'a'), '11');
  assert.equal(await r.zrank('z', 'a'), 2);
  assert.equal(await r.zcount('z', '-inf', 3), 2);
  assert.equal(await r.zadd('z', 'GT', 5, 'a'), 0);
  assert.equal(await r.zscore('z', 'a'), '11');
  assert.equal(await r.zadd('z', 'XX', 'CH', 7, 'b'), 1);
  assert.deepEqual(await r.zmscore('z', 'b', 'nope'), ['7', null]);
  assert.deepEqual(await r.zpopmin('z'), ['c', '-3']);
  assert.equal(await r.zadd('inf', 'inf', 'x', '-inf', 'y'), 2);
  assert.equal(await r.zscore('inf', 'x'), 'inf');
});

// ---- connection ---------------------------------------------------------------------------

s('connection', 'ping, echo, client name', async ({ r }) => {
  assert.equal(await r.ping(), 'PONG');
  assert.equal(await r.echo('hello'), 'hello');
  assert.equal(await r.client('SETNAME', 'suite-conn'), 'OK');
  assert.equal(await r.client('GETNAME'), 'suite-conn');
  assert.match(await r.client('LIST'), /name=suite-conn /);
  assert.equal(typeof (await r.client('ID')), 'number');
});

s('connection', 'select db', async (ctx) => {
  const db3 = ctx.client({ db: 3 });
  await db3.set('k', 'in-3');
  assert.equal(await ctx.r.get('k'), null);
  assert.equal(await db3.get('k'), 'in-3');
  assert.equal(await db3.dbsize(), 1);
  await ctx.r.set('m', 'v');
  assert.equal(await ctx.r.move('m', 3), 1);
  assert.equal(await db3.get('m'), 'v');
  await rejects(ctx.r.select(99), 'ERR DB index is out of range');
});

// ---- errors -------------------------------------------------------------------------------

s('errors', 'error replies', async ({ r }) => {
  await r.set('s', 'v');
  for (const call of [() => r.lpush('s', 'x'), () => r.hget('s', 'f'), () => r.sadd('s', 'm'),
                      () => r.zadd('s', 1, 'm')]) {
    await assert.rejects(call(), (e) => {
      assert.ok(e instanceof Redis.ReplyError, 'a ReplyError');
      assert.equal(e.message, WRONGTYPE);
      return true;
    });
  }
  await rejects(r.call('NOSUCHCOMMAND', 'a', 'b'),
                "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' 'b' ");
  await rejects(r.call('GET'), "ERR wrong number of arguments for 'get' command");
  assert.equal(await r.get('s'), 'v');
});

// ---- transactions -------------------------------------------------------------------------

s('transactions', 'multi/exec', async ({ r }) => {
  const res = await r.multi().set('a', '1').incr('a').rpush('l', 'x').get('a').exec();
  assert.deepEqual(res, [[null, 'OK'], [null, 2], [null, 1], [null, '2']]);
}, { needs: TX });

s('transactions', 'watch, multi, exec', async ({ r }) => {
  await r.set('balance', '10');
  assert.equal(await r.watch('balance'), 'OK');
  const current = Number(await r.get('balance'));
  const res = await r.multi().set('balance', current + 5).get('balance').exec();
  assert.deepEqual(res, [[null, 'OK'], [null, '15']]);
}, { needs: TX });

s('transactions', 'watch conflict aborts exec', async (ctx) => {
  const { r } = ctx;
  const other = ctx.client();
  await r.set('k', '1');
  await r.watch('k');
  await other.set('k', 'changed');
  assert.equal(await r.multi().set('k', 'mine').exec(), null, 'EXEC aborted: null');
  assert.equal(await r.get('k'), 'changed');
  // FLUSHALL and DEL touch watched keys too.
  for (const touch of [() => other.flushall(), () => other.del('k')]) {
    await r.set('k', '1');
    await r.watch('k');
    await touch();
    assert.equal(await r.multi().set('k', 'mine').exec(), null);
  }
}, { needs: TX });

s('transactions', 'unwatch', async (ctx) => {
  const { r } = ctx;
  const other = ctx.client();
  await r.set('k', '1');
  await r.watch('k');
  assert.equal(await r.unwatch(), 'OK');
  await other.set('k', '2');
  assert.deepEqual(await r.multi().incr('k').exec(), [[null, 3]]);
}, { needs: TX });

s('transactions', 'error at exec and queuing error', async ({ r }) => {
  await r.set('s', 'text');
  const res = await r.multi().set('a', '1').lpush('s', 'x').incr('a').exec();
  assert.deepEqual(res[0], [null, 'OK']);
  assert.equal(res[1][0].message, WRONGTYPE);
  assert.deepEqual(res[2], [null, 2]);
  await assert.rejects(r.multi().set('b', '1').call('SET', 'only-a-key').exec(), (e) => {
    assert.equal(e.message, 'EXECABORT Transaction discarded because of previous errors.');
    assert.equal(e.previousErrors[0].message, "ERR wrong number of arguments for 'set' command");
    return true;
  });
  assert.equal(await r.exists('b'), 0);
}, { needs: TX });

s('transactions', 'multi without pipeline, discard', async ({ r }) => {
  assert.equal(await r.multi({ pipeline: false }), 'OK');
  assert.equal(await r.set('k', 'v'), 'QUEUED');
  assert.equal(await r.discard(), 'OK');
  assert.equal(await r.get('k'), null);
  await rejects(r.exec(), 'ERR EXEC without MULTI');
  assert.equal(await r.multi({ pipeline: false }), 'OK');
  assert.equal(await r.incr('n'), 'QUEUED');
  assert.deepEqual(await r.exec(), [[null, 1]]);
}, { needs: TX });

// ---- pub/sub ------------------------------------------------------------------------------

s('pub/sub', 'subscribe and publish', async (ctx) => {
  const { r } = ctx;
  const sub = ctx.client();
  const inbox = new Inbox();
  sub.on('message', (channel, message) => inbox.push([channel, message]));
  assert.equal(await sub.subscribe('news', 'sport'), 2);
  assert.equal(await r.publish('news', 'hello'), 1);
  assert.equal(await r.publish('nobody-listens', 'x'), 0);
  assert.deepEqual(await inbox.next(), ['news', 'hello']);
  assert.equal(await r.publish('sport', 'goal'), 1);
  assert.deepEqual(await inbox.next(), ['sport', 'goal']);
  assert.equal(await sub.unsubscribe('news'), 1);
  assert.equal(await r.publish('news', 'unheard'), 0);
}, { needs: PUBSUB });

s('pub/sub', 'patterns and counts', async (ctx) => {
  const { r } = ctx;
  const p1 = ctx.client();
  const p2 = ctx.client();
  const in1 = new Inbox();
  const in2 = new Inbox();
  p1.on('pmessage', (pattern, channel, msg) => in1.push(['pmessage', pattern, channel, msg]));
  p2.on('message', (channel, msg) => in2.push(['message', channel, msg]));
  p2.on('pmessage', (pattern, channel, msg) => in2.push(['pmessage', pattern, channel, msg]));
  assert.equal(await p1.psubscribe('news.*'), 1);
  assert.equal(await p2.subscribe('news.tech'), 1);
  assert.equal(await p2.psubscribe('news.t*'), 2);
  assert.equal(await r.publish('news.tech', 'chips'), 3);
  assert.deepEqual(await in1.next(), ['pmessage', 'news.*', 'news.tech', 'chips']);
  const got = [await in2.next(), await in2.next()];
  assert.deepEqual(got.map((m) => m[0]).sort(), ['message', 'pmessage']);
  assert.deepEqual(await r.pubsub('CHANNELS'), ['news.tech']);
  assert.deepEqual(await r.pubsub('NUMSUB', 'news.tech', 'none'), ['news.tech', 1, 'none', 0]);
  assert.equal(await r.pubsub('NUMPAT'), 2);
  assert.equal(await p1.punsubscribe(), 0);
  assert.equal(await r.pubsub('NUMPAT'), 1);
}, { needs: PUBSUB });

s('pub/sub', 'binary messages', async (ctx) => {
  const sub = ctx.client();
  const channel = Buffer.from('bin\x00chan', 'latin1');
  const payload = Buffer.from([0, 255, 13, 10, 0x41]);
  const got = nextEvent(sub, 'messageBuffer');
  await sub.subscribe(channel);
  assert.equal(await ctx.r.publish(channel, payload), 1);
  const [ch, msg] = await got;
  assert.deepEqual([ch, msg], [channel, payload]);
}, { needs: PUBSUB });

s('pub/sub', 'keyspace notifications, including expired', async (ctx) => {
  const { r } = ctx;
  assert.equal(await r.config('SET', 'notify-keyspace-events', 'KEA'), 'OK');
  try {
    const sub = ctx.client();
    const inbox = new Inbox();
    sub.on('message', (channel, message) => inbox.push([channel, message]));
    sub.on('pmessage', (pattern, channel, message) => inbox.push([channel, message]));
    await sub.psubscribe('__keyevent@0__:*');
    await sub.subscribe('__keyspace@0__:watched');
    await r.set('watched', 'v');
    const got = [await inbox.next(), await inbox.next()].map((m) => m.join(' ')).sort();
    assert.deepEqual(got, ['__keyevent@0__:set watched', '__keyspace@0__:watched set']);
    // Expiry by the server's own clock: the event is waited for, not slept on.
    await r.set('soon', 'v', 'PX', 1);
    assert.deepEqual(await inbox.next(), ['__keyevent@0__:set', 'soon']);
    assert.deepEqual(await inbox.next(), ['__keyevent@0__:expire', 'soon']);
    assert.deepEqual(await inbox.next(), ['__keyevent@0__:expired', 'soon']);
  } finally {
    await r.config('SET', 'notify-keyspace-events', '');
  }
}, { needs: 'keyspace notifications' });

// ---- streams ------------------------------------------------------------------------------

s('streams', 'a work queue: producer, consumer group, blocked reader, acknowledgement', async (ctx) => {
  const { r } = ctx;
  assert.equal(await r.xadd('queue', '1-0', 'job', 'a'), '1-0');
  const auto = await r.xadd('queue', 'MAXLEN', '~', '1000', '*', 'job', 'b');
  assert.match(auto, /^\d+-\d+$/);
  assert.equal(await r.xlen('queue'), 2);
  assert.equal(await r.xgroup('CREATE', 'queue', 'workers', '0'), 'OK');
  const first = await r.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', 1, 'STREAMS', 'queue', '>');
  assert.deepEqual(first, [['queue', [['1-0', ['job', 'a']]]]]);
  // A second worker blocks once the queue is drained, and a new job wakes it.
  await r.xreadgroup('GROUP', 'workers', 'w2', 'STREAMS', 'queue', '>');
  const waiter = ctx.client();
  const woken = waiter.xreadgroup('GROUP', 'workers', 'w2', 'BLOCK', 20000, 'STREAMS',
                                  'queue', '>');
  await waitFor(async () => /blocked_clients:1\r?\n/.test(await r.info('clients')),
                'a blocked client');
  await r.xadd('queue', '99999999999999-0', 'job', 'c');
  assert.deepEqual(await woken, [['queue', [['99999999999999-0', ['job', 'c']]]]]);
  assert.equal(await r.xack('queue', 'workers', '1-0', '99999999999999-0'), 2);
  const pending = await r.xpending('queue', 'workers');
  assert.equal(pending[0], 1);
  assert.deepEqual(pending[3], [['w2', '1']]);
  const range = await r.xrange('queue', '-', '+', 'COUNT', 2);
  assert.deepEqual(range.map((e) => e[1]), [['job', 'a'], ['job', 'b']]);
  await rejects(r.xreadgroup('GROUP', 'nope', 'w', 'STREAMS', 'queue', '>'),
                "NOGROUP No such key 'queue' or consumer group 'nope' in XREADGROUP with GROUP option");
}, { needs: 'streams' });

suite.note('RESP3 not tested: ioredis speaks RESP2 only');

async function makeContext(port) {
  const opts = { host: '127.0.0.1', port, maxRetriesPerRequest: 1 };
  const clients = [];
  const ctx = {
    r: null,
    client(more = {}) {
      const c = new Redis({ ...opts, ...more });
      clients.push(c);
      return c;
    },
    async begin() {
      ctx.r = ctx.client();
      await ctx.r.flushall();
    },
    async end() {
      for (const c of clients.splice(0)) c.disconnect();
    },
    async close() {
      await ctx.end();
    },
  };
  return ctx;
}

module.exports = { suite, makeContext };
