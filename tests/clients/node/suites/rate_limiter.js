'use strict';
// rate-limiter-flexible's RateLimiterRedis over ioredis: points consumed atomically by its Lua
// script (EVALSHA/EVAL), blocked once used up, free again after the window or a delete.
const assert = require('node:assert/strict');
const { RateLimiterRedis, RateLimiterRes } = require('rate-limiter-flexible');
const { Suite } = require('../lib/runner');

const suite = new Suite('rate-limiter-flexible');

function limiter(client, points, duration) {
  return new RateLimiterRedis({ storeClient: client, keyPrefix: 'rl', points, duration });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

suite.scenario('consume', 'consumes until blocked, with what remains', async (ctx) => {
  const rl = limiter(ctx.r, 3, 60);
  for (let i = 1; i <= 3; i++) {
    const res = await rl.consume('user1');
    assert.equal(res.consumedPoints, i);
    assert.equal(res.remainingPoints, 3 - i);
  }
  const blocked = await rl.consume('user1').then(() => null, (e) => e);
  assert.ok(blocked instanceof RateLimiterRes, `rejected with ${blocked}`);
  assert.equal(blocked.remainingPoints, 0);
  assert.ok(blocked.msBeforeNext > 0 && blocked.msBeforeNext <= 60000);
  // Another key has its own points.
  assert.equal((await rl.consume('user2')).remainingPoints, 2);
  assert.ok(await ctx.r.pttl('rl:user1') > 0);
});

suite.scenario('consume', 'consuming several points at once', async (ctx) => {
  const rl = limiter(ctx.r, 5, 60);
  assert.equal((await rl.consume('k', 4)).remainingPoints, 1);
  await assert.rejects(rl.consume('k', 2), RateLimiterRes);
  assert.equal((await rl.get('k')).consumedPoints, 6);
});

suite.scenario('window', 'points come back once the window has passed', async (ctx) => {
  const rl = limiter(ctx.r, 2, 1);
  await rl.consume('w');
  await rl.consume('w');
  const blocked = await rl.consume('w').then(() => null, (e) => e);
  assert.ok(blocked instanceof RateLimiterRes);
  await sleep(blocked.msBeforeNext + 100);
  assert.equal((await rl.consume('w')).remainingPoints, 1);
});

suite.scenario('window', 'delete resets a key at once', async (ctx) => {
  const rl = limiter(ctx.r, 1, 60);
  await rl.consume('d');
  await assert.rejects(rl.consume('d'), RateLimiterRes);
  assert.equal(await rl.delete('d'), true);
  assert.equal((await rl.consume('d')).remainingPoints, 0);
});

suite.scenario('concurrency', 'two clients share one budget atomically', async (ctx) => {
  const a = limiter(ctx.r, 10, 60);
  const b = limiter(ctx.client(), 10, 60);
  const results = await Promise.allSettled(
    Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).consume('shared')));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 10);
  assert.equal(results.filter((r) => r.status === 'rejected').length, 6);
});

// The same ioredis connections as the ioredis suite's.
const { makeContext } = require('./ioredis');

module.exports = { suite, makeContext };
