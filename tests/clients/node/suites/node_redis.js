'use strict';
// The shared scenarios with node-redis v5 (createClient), run once per protocol: RESP2 (the
// default) and RESP3 (`RESP: 3`), where replies keep their RESP3 types (maps, sets, doubles)
// and pub/sub messages arrive as pushes on a connection that still runs commands.
const assert = require('node:assert/strict');
const { createClient, ErrorReply, MultiErrorReply, RESP_TYPES, WatchError } = require('redis');
const { Suite, waitFor, Inbox, TX, PUBSUB, WRONGTYPE } = require('../lib/runner');

const sorted = (a) => [...a].sort();

async function rejects(promise, message) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof ErrorReply, `an ErrorReply, not ${e && e.name}`);
    assert.equal(e.message, message);
    return true;
  });
}

// node-redis v5 iterators yield one batch (one SCAN reply) at a time.
async function collect(iterator) {
  const out = [];
  for await (const batch of iterator) out.push(...batch);
  return out;
}

function forProtocol(resp) {
const suite = new Suite(`node-redis (RESP${resp})`);
const s = (group, name, fn, options) => suite.scenario(group, name, fn, options);
const resp3 = (group, name, fn, options) => {
  if (resp === 3) suite.scenario(group, name, fn, options);
};

// ---- strings ------------------------------------------------------------------------------

s('strings', 'get/set and options', async ({ r }) => {
  assert.equal(await r.set('s', 'v'), 'OK');
  assert.equal(await r.get('s'), 'v');
  assert.equal(await r.get('missing'), null);
  assert.equal(await r.set('s', 'w', { NX: true }), null);
  assert.equal(await r.set('s', 'w', { XX: true }), 'OK');
  assert.equal(await r.set('s', 'x', { GET: true }), 'w');
  assert.equal(await r.set('fresh', '1', { XX: true }), null);
  assert.equal(await r.setNX('fresh', '1'), 1); // v5: 0/1 integer replies stay numbers
  assert.equal(await r.getSet('fresh', '2'), '1');
  assert.equal(await r.getDel('fresh'), '2');
  assert.equal(await r.append('s', 'yz'), 3);
  assert.equal(await r.getRange('s', 1, -1), 'yz');
  assert.equal(await r.setRange('s', 1, 'AB'), 3);
  assert.equal(await r.get('s'), 'xAB');
});

s('strings', 'binary safe', async ({ r }) => {
  const key = Buffer.from('k\x00\n', 'latin1');
  const value = Buffer.from([0, 13, 10, 255, 0x41, 0]);
  assert.equal(await r.set(key, value), 'OK');
  const buffers = r.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  assert.deepEqual(await buffers.get(key), value);
  assert.equal(await r.strLen(key), value.length);
});

s('strings', 'incr family', async ({ r }) => {
  assert.equal(await r.incr('n'), 1);
  assert.equal(await r.incrBy('n', 10), 11);
  assert.equal(await r.decr('n'), 10);
  assert.equal(await r.decrBy('n', 3), 7);
  assert.equal(await r.incrByFloat('f', 1.5), '1.5');
  assert.equal(await r.incrByFloat('f', 0.25), '1.75');
  await r.set('text', 'abc');
  await rejects(r.incr('text'), 'ERR value is not an integer or out of range');
});

s('strings', 'mget/mset', async ({ r }) => {
  assert.equal(await r.mSet({ a: '1', b: '2', c: '3' }), 'OK');
  assert.deepEqual(await r.mGet(['a', 'missing', 'c']), ['1', null, '3']);
  assert.equal(await r.mSetNX({ a: 'x', d: '4' }), 0);
  assert.equal(await r.exists('d'), 0);
  assert.equal(await r.mSetNX([['d', '4'], ['e', '5']]), 1);
  assert.deepEqual(await r.mGet(['d', 'e']), ['4', '5']);
});

// ---- expiry -------------------------------------------------------------------------------

s('expiry', 'ttl and options', async ({ r }) => {
  await r.set('k', 'v', { EX: 100 });
  const ttl = await r.ttl('k');
  assert.ok(ttl > 90 && ttl <= 100, `TTL ${ttl}`);
  assert.equal(await r.ttl('missing'), -2);
  await r.set('p', 'v', { PX: 50000 });
  const pttl = await r.pTTL('p');
  assert.ok(pttl > 40000 && pttl <= 50000, `PTTL ${pttl}`);
  await r.set('plain', 'v');
  assert.equal(await r.ttl('plain'), -1);
  await r.set('k', 'w', { KEEPTTL: true });
  assert.ok((await r.ttl('k')) > 90, 'KEEPTTL keeps the TTL');
  assert.equal(await r.expire('plain', 200, 'NX'), 1);
  assert.equal(await r.expire('plain', 300, 'NX'), 0);
  assert.equal(await r.expire('plain', 100, 'GT'), 0);
  assert.equal(await r.expire('plain', 500, 'GT'), 1);
  assert.equal(await r.getEx('plain', { PERSIST: true }), 'v');
  assert.equal(await r.ttl('plain'), -1);
});

s('expiry', 'pexpire and persist', async ({ r }) => {
  await r.set('k', 'v');
  assert.equal(await r.pExpire('k', 60000), 1);
  const pttl = await r.pTTL('k');
  assert.ok(pttl > 50000 && pttl <= 60000, `PTTL ${pttl}`);
  assert.equal(await r.persist('k'), 1);
  assert.equal(await r.ttl('k'), -1);
  assert.equal(await r.persist('k'), 0);
  assert.equal(await r.pExpire('missing', 1000), 0);
});

s('expiry', 'expire at', async ({ r }) => {
  const now = Math.floor(Date.now() / 1000);
  await r.set('k', 'v');
  assert.equal(await r.expireAt('k', now + 1000), 1);
  assert.equal(await r.expireTime('k'), now + 1000);
  assert.equal(await r.pExpireAt('k', new Date((now + 2000) * 1000)), 1);
  assert.ok((await r.ttl('k')) > 1990);
  // A time in the past deletes the key at once.
  assert.equal(await r.expireAt('k', new Date((now - 10) * 1000)), 1);
  assert.equal(await r.exists('k'), 0);
});

// ---- pipelines ----------------------------------------------------------------------------

s('pipelines', 'execAsPipeline', async ({ r }) => {
  const res = await r.multi().set('a', '1').incr('a').get('a').rPush('l', ['x', 'y'])
    .lRange('l', 0, -1).get('missing').execAsPipeline();
  assert.deepEqual(res, ['OK', 2, '2', 2, ['x', 'y'], null]);
});

s('pipelines', 'errors stay in place', async ({ r }) => {
  await r.set('s', 'text');
  // node-redis rejects a pipeline with its first error; the other commands still ran.
  await rejects(r.multi().set('a', '1').lPush('s', 'x').incr('a').execAsPipeline(), WRONGTYPE);
  assert.equal(await r.get('a'), '2', 'commands after an error still run');
});

s('pipelines', '2000 commands, and auto-pipelined promises', async ({ r }) => {
  const m = r.multi();
  for (let i = 0; i < 2000; i++) m.set(`k${i}`, String(i));
  for (let i = 0; i < 2000; i++) m.get(`k${i}`);
  const res = await m.execAsPipeline();
  assert.deepEqual(res.slice(2000), [...Array(2000).keys()].map(String));
  const gets = await Promise.all([...Array(500).keys()].map((i) => r.get(`k${i}`)));
  assert.deepEqual(gets, [...Array(500).keys()].map(String));
  assert.equal(await r.dbSize(), 2000);
});

// ---- SCAN iterators -----------------------------------------------------------------------

s('scan', 'scanIterator', async ({ r }) => {
  const m = r.multi();
  for (let i = 0; i < 500; i++) m.set(`user:${i}`, String(i));
  for (let i = 0; i < 50; i++) m.set(`other:${i}`, String(i));
  await m.execAsPipeline();
  const keys = await collect(r.scanIterator({ MATCH: 'user:*', COUNT: 37 }));
  assert.equal(keys.length, 500, 'no duplicates without concurrent writes');
  assert.deepEqual(new Set(keys), new Set([...Array(500).keys()].map((i) => `user:${i}`)));
  assert.equal((await collect(r.scanIterator({ COUNT: 1000 }))).length, 550);
  await r.rPush('alist', 'x');
  assert.deepEqual(await collect(r.scanIterator({ TYPE: 'list' })), ['alist']);
});

s('scan', 'hScanIterator, sScanIterator, zScanIterator', async ({ r }) => {
  const fields = {};
  for (let i = 0; i < 300; i++) fields[`f${i}`] = `v${i}`;
  await r.hSet('h', fields);
  const tuples = await collect(r.hScanIterator('h', { COUNT: 20 }));
  assert.deepEqual(Object.fromEntries(tuples.map(({ field, value }) => [field, value])), fields);
  const members = [...Array(300).keys()].map((i) => `m${i}`);
  await r.sAdd('s', members);
  assert.deepEqual(sorted(await collect(r.sScanIterator('s', { COUNT: 25 }))), sorted(members));
  await r.zAdd('z', [...Array(300).keys()].map((i) => ({ score: i * 1.5, value: `z${i}` })));
  const scored = await collect(r.zScanIterator('z', { COUNT: 25 }));
  assert.equal(scored.length, 300);
  for (const { value, score } of scored) assert.equal(score, Number(value.slice(1)) * 1.5);
});

// ---- data types ---------------------------------------------------------------------------

s('hashes', 'hash commands', async ({ r }) => {
  assert.equal(await r.hSet('h', 'a', '1'), 1);
  assert.equal(await r.hSet('h', { b: '2', c: '3' }), 2);
  assert.equal(await r.hGet('h', 'a'), '1');
  assert.equal(await r.hGet('h', 'nope'), null);
  assert.deepEqual({ ...(await r.hGetAll('h')) }, { a: '1', b: '2', c: '3' });
  assert.deepEqual(await r.hmGet('h', ['a', 'nope', 'c']), ['1', null, '3']);
  assert.equal(await r.hIncrBy('h', 'b', 5), 7);
  assert.equal(await r.hIncrByFloat('h', 'f', 0.5), '0.5');
  assert.equal(await r.hExists('h', 'a'), 1);
  assert.equal(await r.hSetNX('h', 'a', 'x'), 0);
  assert.equal(await r.hLen('h'), 4);
  assert.deepEqual(sorted(await r.hKeys('h')), ['a', 'b', 'c', 'f']);
  assert.equal(await r.hDel('h', ['a', 'nope']), 1);
  assert.deepEqual({ ...(await r.hGetAll('missing')) }, {});
});

s('lists', 'list commands', async ({ r }) => {
  assert.equal(await r.rPush('l', ['a', 'b', 'c']), 3);
  assert.equal(await r.lPush('l', 'z'), 4);
  assert.deepEqual(await r.lRange('l', 0, -1), ['z', 'a', 'b', 'c']);
  assert.equal(await r.lIndex('l', -1), 'c');
  assert.equal(await r.lInsert('l', 'BEFORE', 'b', 'a2'), 5);
  assert.equal(await r.lSet('l', 0, 'Z'), 'OK');
  assert.equal(await r.lPos('l', 'b'), 3);
  assert.equal(await r.lRem('l', 1, 'a2'), 1);
  assert.equal(await r.lPop('l'), 'Z');
  assert.equal(await r.rPop('l'), 'c');
  assert.deepEqual(await r.lPopCount('l', 5), ['a', 'b']);
  assert.equal(await r.exists('l'), 0);
  await r.rPush('src', ['1', '2', '3']);
  assert.equal(await r.lMove('src', 'dst', 'LEFT', 'RIGHT'), '1');
  assert.deepEqual(await r.lRange('dst', 0, -1), ['1']);
});

s('lists', 'blocking pop: timeout, and a push from a second client', async (ctx) => {
  const { r } = ctx;
  const started = Date.now();
  assert.equal(await r.blPop(['empty1', 'empty2'], 0.1), null);
  assert.ok(Date.now() - started >= 90, 'BLPOP waited for its timeout');
  await r.rPush('q2', 'ready');
  assert.deepEqual(await r.blPop(['q1', 'q2'], 1), { key: 'q2', element: 'ready' });
  const blocker = await ctx.client();
  const popped = blocker.blPop('jobs', 20);
  await waitFor(async () => /blocked_clients:1\r?\n/.test(await r.info('clients')),
                'a blocked client');
  assert.equal(await r.rPush('jobs', ['job1', 'job2']), 2);
  assert.deepEqual(await popped, { key: 'jobs', element: 'job1' });
  assert.equal(await r.brPopLPush('jobs', 'done', 1), 'job2');
});

s('sets', 'set commands', async ({ r }) => {
  assert.equal(await r.sAdd('s1', ['a', 'b', 'c', 'a']), 3);
  await r.sAdd('s2', ['b', 'c', 'd']);
  assert.deepEqual(sorted(await r.sMembers('s1')), ['a', 'b', 'c']);
  assert.equal(await r.sIsMember('s1', 'a'), 1);
  assert.deepEqual(await r.smIsMember('s1', ['a', 'x']), [1, 0]);
  assert.equal(await r.sCard('s1'), 3);
  assert.deepEqual(sorted(await r.sInter(['s1', 's2'])), ['b', 'c']);
  assert.deepEqual(sorted(await r.sUnion(['s1', 's2'])), ['a', 'b', 'c', 'd']);
  assert.deepEqual(await r.sDiff(['s1', 's2']), ['a']);
  assert.equal(await r.sInterStore('dst', ['s1', 's2']), 2);
  assert.equal(await r.sMove('s1', 's2', 'a'), 1);
  assert.equal(await r.sRem('s1', ['b', 'zz']), 1);
  assert.equal(await r.sPop('s1'), 'c');
  assert.deepEqual(await r.sMembers('s1'), []);
});

s('sorted sets', 'sorted set commands with scores', async ({ r }) => {
  assert.equal(await r.zAdd('z', [{ score: 1, value: 'a' }, { score: 2.5, value: 'b' },
                                  { score: -3, value: 'c' }]), 3);
  assert.equal(await r.zScore('z', 'b'), 2.5);
  assert.equal(await r.zScore('z', 'nope'), null);
  assert.deepEqual(await r.zRangeWithScores('z', 0, -1),
                   [{ value: 'c', score: -3 }, { value: 'a', score: 1 },
                    { value: 'b', score: 2.5 }]);
  assert.deepEqual(await r.zRange('z', 0, 0, { REV: true }), ['b']);
  assert.deepEqual(await r.zRange('z', '(1', 10, { BY: 'SCORE' }), ['b']);
  assert.equal(await r.zIncrBy('z', 10, 'a'), 11);
  assert.equal(await r.zRank('z', 'a'), 2);
  assert.equal(await r.zCount('z', '-inf', 3), 2);
  assert.equal(await r.zAdd('z', { score: 5, value: 'a' }, { GT: true }), 0);
  assert.equal(await r.zScore('z', 'a'), 11);
  assert.equal(await r.zAdd('z', { score: 7, value: 'b' }, { XX: true, CH: true }), 1);
  assert.deepEqual(await r.zmScore('z', ['b', 'nope']), [7, null]);
  assert.deepEqual(await r.zPopMin('z'), { value: 'c', score: -3 });
  assert.equal(await r.zAdd('inf', [{ score: Infinity, value: 'x' },
                                    { score: -Infinity, value: 'y' }]), 2);
  // A raw reply: RESP2's bulk string 'inf' (node-redis turns only '+inf' into Infinity), a
  // RESP3 double (inf) read as Infinity.
  assert.equal(await r.sendCommand(['ZSCORE', 'inf', 'x']), resp === 3 ? Infinity : 'inf');
  assert.deepEqual(await r.zRange('inf', 0, -1), ['y', 'x']);
});

// ---- connection ---------------------------------------------------------------------------

s('connection', 'ping, echo, client name', async ({ r }) => {
  assert.equal(await r.ping(), 'PONG');
  assert.equal(await r.echo('hello'), 'hello');
  assert.equal(await r.clientSetName('suite-conn'), 'OK');
  assert.equal(await r.clientGetName(), 'suite-conn');
  const me = (await r.clientList()).find((c) => c.name === 'suite-conn');
  assert.ok(me, 'CLIENT LIST shows the name');
  assert.equal(me.id, await r.clientId());
});

s('connection', 'select db', async (ctx) => {
  const db3 = await ctx.client({ database: 3 });
  await db3.set('k', 'in-3');
  assert.equal(await ctx.r.get('k'), null);
  assert.equal(await db3.get('k'), 'in-3');
  assert.equal(await db3.dbSize(), 1);
  await ctx.r.set('m', 'v');
  assert.equal(await ctx.r.move('m', 3), 1);
  assert.equal(await db3.get('m'), 'v');
  const other = await ctx.client();
  await rejects(other.select(99), 'ERR DB index is out of range');
});

// ---- errors -------------------------------------------------------------------------------

s('errors', 'error replies', async ({ r }) => {
  await r.set('s', 'v');
  for (const call of [() => r.lPush('s', 'x'), () => r.hGet('s', 'f'), () => r.sAdd('s', 'm'),
                      () => r.zAdd('s', { score: 1, value: 'm' })]) {
    await rejects(call(), WRONGTYPE);
  }
  await rejects(r.sendCommand(['NOSUCHCOMMAND', 'a', 'b']),
                "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' 'b' ");
  await rejects(r.sendCommand(['GET']), "ERR wrong number of arguments for 'get' command");
  assert.equal(await r.get('s'), 'v');
});

// ---- transactions -------------------------------------------------------------------------

s('transactions', 'multi/exec', async ({ r }) => {
  const res = await r.multi().set('a', '1').incr('a').rPush('l', 'x').get('a').exec();
  assert.deepEqual(res, ['OK', 2, 1, '2']);
}, { needs: TX });

// v5 has no executeIsolated: WATCH gets a connection of its own.
s('transactions', 'watch, multi, exec (own connection)', async (ctx) => {
  await ctx.r.set('balance', '10');
  const iso = await ctx.client();
  await iso.watch('balance');
  const current = Number(await iso.get('balance'));
  const res = await iso.multi().set('balance', String(current + 5)).get('balance').exec();
  assert.deepEqual(res, ['OK', '15']);
}, { needs: TX });

s('transactions', 'watch conflict throws WatchError', async (ctx) => {
  const { r } = ctx;
  for (const touch of [() => r.set('k', 'changed'), () => r.flushAll(), () => r.del('k')]) {
    await r.set('k', '1');
    const iso = await ctx.client();
    await iso.watch('k');
    await touch();
    await assert.rejects(iso.multi().set('k', 'mine').exec(), WatchError);
    assert.notEqual(await r.get('k'), 'mine');
  }
}, { needs: TX });

s('transactions', 'unwatch', async (ctx) => {
  const { r } = ctx;
  await r.set('k', '1');
  const iso = await ctx.client();
  await iso.watch('k');
  assert.equal(await iso.unwatch(), 'OK');
  await r.set('k', '2');
  assert.deepEqual(await iso.multi().incr('k').exec(), [3]);
}, { needs: TX });

s('transactions', 'error at exec and queuing error', async ({ r }) => {
  await r.set('s', 'text');
  await assert.rejects(r.multi().set('a', '1').lPush('s', 'x').incr('a').exec(), (e) => {
    assert.ok(e instanceof MultiErrorReply, `a MultiErrorReply, not ${e.name}: ${e.message}`);
    assert.deepEqual(e.errorIndexes, [1]);
    assert.equal(e.replies[1].message, WRONGTYPE);
    assert.equal(e.replies[2], 2);
    return true;
  });
  // v5 rejects with the queuing error (EXEC's EXECABORT is checked raw below).
  await rejects(r.multi().set('b', '1').addCommand(['SET', 'only-a-key']).exec(),
                "ERR wrong number of arguments for 'set' command");
  assert.equal(await r.exists('b'), 0);
}, { needs: TX });

s('transactions', 'raw MULTI, DISCARD', async (ctx) => {
  const c = await ctx.client();
  assert.equal(await c.sendCommand(['MULTI']), 'OK');
  assert.equal(await c.sendCommand(['SET', 'k', 'v']), 'QUEUED');
  assert.equal(await c.sendCommand(['DISCARD']), 'OK');
  assert.equal(await c.get('k'), null);
  await rejects(c.sendCommand(['EXEC']), 'ERR EXEC without MULTI');
  assert.equal(await c.sendCommand(['MULTI']), 'OK');
  await rejects(c.sendCommand(['SET', 'only-a-key']),
                "ERR wrong number of arguments for 'set' command");
  await rejects(c.sendCommand(['EXEC']),
                'EXECABORT Transaction discarded because of previous errors.');
}, { needs: TX });

// ---- pub/sub ------------------------------------------------------------------------------

s('pub/sub', 'subscribe and publish', async (ctx) => {
  const { r } = ctx;
  const sub = await ctx.client();
  const inbox = new Inbox();
  await sub.subscribe(['news', 'sport'], (message, channel) => inbox.push([channel, message]));
  assert.equal(await r.publish('news', 'hello'), 1);
  assert.equal(await r.publish('nobody-listens', 'x'), 0);
  assert.deepEqual(await inbox.next(), ['news', 'hello']);
  assert.equal(await r.publish('sport', 'goal'), 1);
  assert.deepEqual(await inbox.next(), ['sport', 'goal']);
  await sub.unsubscribe('news');
  assert.equal(await r.publish('news', 'unheard'), 0);
}, { needs: PUBSUB });

s('pub/sub', 'patterns and counts', async (ctx) => {
  const { r } = ctx;
  const p1 = await ctx.client();
  const p2 = await ctx.client();
  const in1 = new Inbox();
  const in2 = new Inbox();
  await p1.pSubscribe('news.*', (message, channel) => in1.push(['pmessage', channel, message]));
  await p2.subscribe('news.tech', (message, channel) => in2.push(['message', channel, message]));
  await p2.pSubscribe('news.t*', (message, channel) => in2.push(['pmessage', channel, message]));
  assert.equal(await r.publish('news.tech', 'chips'), 3);
  assert.deepEqual(await in1.next(), ['pmessage', 'news.tech', 'chips']);
  const got = [await in2.next(), await in2.next()];
  assert.deepEqual(got.map((m) => m[0]).sort(), ['message', 'pmessage']);
  assert.deepEqual(await r.pubSubChannels(), ['news.tech']);
  assert.deepEqual({ ...(await r.pubSubNumSub(['news.tech', 'none'])) },
                   { 'news.tech': 1, none: 0 });
  assert.equal(await r.pubSubNumPat(), 2);
  await p1.pUnsubscribe();
  assert.equal(await r.pubSubNumPat(), 1);
}, { needs: PUBSUB });

s('pub/sub', 'binary messages', async (ctx) => {
  const sub = await ctx.client();
  // node-redis matches listeners by the channel name as a string (a Buffer name, or one
  // holding a NUL byte, finds none): a plain name, binary payload in buffer mode.
  const payload = Buffer.from([0, 255, 13, 10, 0x41]);
  const inbox = new Inbox();
  await sub.subscribe('bin-chan', (message, ch) => inbox.push([ch, message]), true);
  assert.equal(await ctx.r.publish('bin-chan', payload), 1);
  assert.deepEqual(await inbox.next(), [Buffer.from('bin-chan'), payload]);
}, { needs: PUBSUB });

// ---- RESP3 only ---------------------------------------------------------------------------

resp3('RESP3', 'reply types: maps, sets, doubles, nulls', async ({ r }) => {
  // Raw replies keep the server's types: a map as a Map, a set as a Set, a double as a number.
  const asMapsAndSets = { typeMapping: { [RESP_TYPES.MAP]: Map, [RESP_TYPES.SET]: Set } };
  const typed = { sendCommand: (args) => r.sendCommand(args, asMapsAndSets) };
  await r.hSet('h', { a: '1', b: '2' });
  const map = await typed.sendCommand(['HGETALL', 'h']);
  assert.ok(map instanceof Map, `HGETALL: a map, not ${JSON.stringify(map)}`);
  assert.deepEqual([...map.entries()].sort(), [['a', '1'], ['b', '2']]);
  assert.deepEqual({ ...(await r.hGetAll('h')) }, { a: '1', b: '2' });
  await r.sAdd('s', ['x', 'y']);
  const set = await typed.sendCommand(['SMEMBERS', 's']);
  assert.ok(set instanceof Set, `SMEMBERS: a set, not ${JSON.stringify(set)}`);
  assert.deepEqual(sorted(set), ['x', 'y']);
  await r.zAdd('z', [{ score: 2.5, value: 'b' }, { score: -3, value: 'c' }]);
  assert.equal(await r.sendCommand(['ZSCORE', 'z', 'b']), 2.5);
  assert.equal(await r.sendCommand(['ZINCRBY', 'z', '1', 'c']), -2);
  assert.deepEqual(await r.sendCommand(['ZMSCORE', 'z', 'b', 'nope']), [2.5, null]);
  assert.deepEqual(await r.sendCommand(['ZRANGE', 'z', '0', '-1', 'WITHSCORES']),
                   [['c', -2], ['b', 2.5]]);
  assert.deepEqual(await r.sendCommand(['ZPOPMIN', 'z']), ['c', -2]);
  const asText = { typeMapping: { [RESP_TYPES.DOUBLE]: String } };
  assert.equal(await r.sendCommand(['ZSCORE', 'z', 'b'], asText), '2.5');
  assert.equal(await r.sendCommand(['GET', 'missing']), null);
  assert.equal(await r.sendCommand(['ZSCORE', 'z', 'nope']), null);
  const config = await typed.sendCommand(['CONFIG', 'GET', 'maxmemory']);
  assert.ok(config instanceof Map, 'CONFIG GET: a map');
  assert.equal(config.get('maxmemory'), '0');
  const hello = await typed.sendCommand(['HELLO', '3']);
  assert.ok(hello instanceof Map, 'HELLO 3: a map');
  assert.equal(hello.get('proto'), 3);
});

resp3('RESP3', 'typed replies inside MULTI/EXEC', async ({ r }) => {
  const res = await r.multi().hSet('h', { a: '1' }).hGetAll('h').zAdd('z', { score: 1.5, value: 'm' })
    .zScore('z', 'm').sMembers('nope').exec();
  assert.deepEqual(res.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? { ...x } : x)),
                   [1, { a: '1' }, 1, 1.5, []]);
}, { needs: TX });

resp3('RESP3', 'pub/sub pushes on a connection that still runs commands', async (ctx) => {
  const { r } = ctx;
  const c = await ctx.client();
  const inbox = new Inbox();
  await c.subscribe('news', (message, channel) => inbox.push(['message', channel, message]));
  await c.pSubscribe('log.*', (message, channel) => inbox.push(['pmessage', channel, message]));
  // In RESP3 a subscribed connection keeps running ordinary commands.
  assert.equal(await c.set('k', 'v'), 'OK');
  assert.equal(await c.get('k'), 'v');
  assert.equal(await c.ping(), 'PONG');
  assert.equal(await c.publish('news', 'to myself'), 1);
  assert.deepEqual(await inbox.next(), ['message', 'news', 'to myself']);
  assert.equal(await r.publish('log.disk', 'full'), 1);
  assert.deepEqual(await inbox.next(), ['pmessage', 'log.disk', 'full']);
  assert.deepEqual({ ...(await r.pubSubNumSub('news')) }, { news: 1 });
  await c.unsubscribe('news');
  assert.equal(await r.publish('news', 'unheard'), 0);
  assert.equal(await c.hSet('h', 'f', 'v'), 1);
  assert.equal(await r.publish('log.x', 'still'), 1);
  assert.deepEqual(await inbox.next(), ['pmessage', 'log.x', 'still']);
  await c.pUnsubscribe();
  assert.equal(await r.pubSubNumPat(), 0);
}, { needs: PUBSUB });

resp3('RESP3', 'sharded pub/sub on a single node', async (ctx) => {
  const c = await ctx.client();
  const inbox = new Inbox();
  await c.sSubscribe('orders', (message, channel) => inbox.push([channel, message]));
  assert.equal(await ctx.r.sPublish('orders', 'o1'), 1);
  assert.deepEqual(await inbox.next(), ['orders', 'o1']);
  assert.equal(await c.get('k'), null);
  await c.sUnsubscribe('orders');
  assert.equal(await ctx.r.sPublish('orders', 'o2'), 0);
}, { needs: PUBSUB });

async function makeContext(port) {
  const url = `redis://127.0.0.1:${port}`;
  const clients = [];
  const ctx = {
    r: null,
    resp,
    async client(more = {}) {
      // No reconnects: a dropped connection is a failure to report, not to hide.
      const c = createClient({ url, RESP: resp, socket: { reconnectStrategy: false }, ...more });
      c.on('error', () => {}); // errors surface through the failing command
      clients.push(c);
      await c.connect();
      return c;
    },
    async begin() {
      ctx.r = await ctx.client();
      await ctx.r.flushAll();
    },
    async end() {
      for (const c of clients.splice(0)) {
        if (c.isOpen) c.destroy();
      }
    },
    async close() {
      await ctx.end();
    },
  };
  return ctx;
}

return { suite, makeContext };
}

module.exports = { forProtocol };
