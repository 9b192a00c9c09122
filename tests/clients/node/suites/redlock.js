'use strict';
// redlock (the Redlock algorithm over ioredis): acquire, extend and release a lock, and two
// clients contending for it. redlock runs its Lua scripts with EVALSHA, falling back to EVAL
// on `NOSCRIPT`, so this also checks that prefix and the script cache.
const assert = require('node:assert/strict');
const Redlock = require('redlock').default;
const { ExecutionError } = require('redlock');
const { Suite } = require('../lib/runner');

const suite = new Suite('redlock');
const TTL_MS = 10000;

function redlock(client, retryCount = 0) {
  return new Redlock([client], { retryCount, retryDelay: 50, retryJitter: 10 });
}

suite.scenario('lock', 'acquire sets the key to the lock value with its TTL', async (ctx) => {
  const lock = await redlock(ctx.r).acquire(['res:a'], TTL_MS);
  assert.equal(await ctx.r.get('res:a'), lock.value);
  const pttl = await ctx.r.pttl('res:a');
  assert.ok(pttl > 0 && pttl <= TTL_MS, `pttl ${pttl}`);
  await lock.release();
  assert.equal(await ctx.r.exists('res:a'), 0);
});

suite.scenario('lock', 'extend pushes the expiry, keeping the value', async (ctx) => {
  const lock = await redlock(ctx.r).acquire(['res:b'], 1000);
  const extended = await lock.extend(TTL_MS);
  assert.equal(extended.value, lock.value);
  assert.ok(await ctx.r.pttl('res:b') > 1000);
  assert.equal(await ctx.r.get('res:b'), lock.value);
  await extended.release();
});

suite.scenario('lock', 'a lock over several resources takes all of them or none', async (ctx) => {
  await ctx.r.set('res:d2', 'someone-else');
  await assert.rejects(redlock(ctx.r).acquire(['res:d1', 'res:d2'], TTL_MS), ExecutionError);
  assert.equal(await ctx.r.exists('res:d1'), 0);
  await ctx.r.del('res:d2');
  const lock = await redlock(ctx.r).acquire(['res:d1', 'res:d2'], TTL_MS);
  assert.equal(await ctx.r.get('res:d1'), lock.value);
  assert.equal(await ctx.r.get('res:d2'), lock.value);
  await lock.release();
  assert.equal(await ctx.r.exists('res:d1', 'res:d2'), 0);
});

suite.scenario('contention', 'a second client waits for the first to release', async (ctx) => {
  const first = redlock(ctx.r);
  const second = redlock(ctx.client());
  const lock = await first.acquire(['res:c'], TTL_MS);
  await assert.rejects(second.acquire(['res:c'], TTL_MS), ExecutionError);
  // Neither can the second extend or release the first's lock.
  const stolen = await second.acquire(['res:other'], TTL_MS);
  await stolen.release();
  assert.equal(await ctx.r.get('res:c'), lock.value);
  await lock.release();
  const next = await second.acquire(['res:c'], TTL_MS);
  assert.notEqual(next.value, lock.value);
  await assert.rejects(lock.extend(TTL_MS), ExecutionError);  // no longer the holder
  await next.release();
});

suite.scenario('contention', 'retries acquire once the holder releases', async (ctx) => {
  const holder = await redlock(ctx.r).acquire(['res:r'], TTL_MS);
  const waiting = redlock(ctx.client(), 50).acquire(['res:r'], TTL_MS);
  setTimeout(() => holder.release(), 100);
  const lock = await waiting;
  assert.equal(await ctx.r.get('res:r'), lock.value);
  await lock.release();
});

suite.scenario('scripts', 'after SCRIPT FLUSH the scripts are sent again (NOSCRIPT)', async (ctx) => {
  const lock = await redlock(ctx.r).acquire(['res:f'], TTL_MS);
  await ctx.r.script('FLUSH');
  await lock.release();
  assert.equal(await ctx.r.exists('res:f'), 0);
});

// The same ioredis connections as the ioredis suite's.
const { makeContext } = require('./ioredis');

module.exports = { suite, makeContext };
