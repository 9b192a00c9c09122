'use strict';
// connect-redis as the express-session store: an express app on a free port stores a session,
// reads it back through a second request with the cookie, refreshes its TTL on an unmodified
// request (touch) and destroys it. connect-redis 9 runs with node-redis v5 clients (RESP2 and
// RESP3); ioredis runs with connect-redis 7, the last major version that takes an ioredis client.
const assert = require('node:assert/strict');
const express = require('express');
const session = require('express-session');
const { RedisStore } = require('connect-redis');
const LegacyRedisStore = require('connect-redis7').default;
const Redis = require('ioredis');
const { createClient } = require('redis');
const { Suite } = require('../lib/runner');

const suite = new Suite('connect-redis');
const MAX_AGE_S = 3600;
const PREFIX = 'sess:';

function startApp(store) {
  const app = express();
  app.use(session({
    store,
    secret: 'kvd-suite-secret',
    resave: false, // unmodified sessions are touched, not saved again
    saveUninitialized: false,
    rolling: true, // every response refreshes the cookie, and so the store's TTL
    cookie: { maxAge: MAX_AGE_S * 1000 },
  }));
  app.post('/login', (req, res) => {
    req.session.user = req.query.user;
    res.send('logged in');
  });
  app.get('/whoami', (req, res) => res.send(req.session.user || 'anonymous'));
  app.post('/view', (req, res) => {
    req.session.views = (req.session.views || 0) + 1;
    res.send(String(req.session.views));
  });
  app.post('/logout', (req, res, next) => {
    req.session.destroy((err) => (err ? next(err) : res.send('bye')));
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
    server.on('error', reject);
  });
}

// One browser: keeps the session cookie between requests.
class Browser {
  constructor(base) {
    this.base = base;
    this.cookie = null;
  }

  async request(method, path) {
    const res = await fetch(this.base + path, {
      method,
      headers: this.cookie ? { cookie: this.cookie } : {},
    });
    const body = await res.text();
    assert.equal(res.status, 200, `${method} ${path}: ${body}`);
    const set = typeof res.headers.getSetCookie === 'function'
      ? res.headers.getSetCookie()
      : [res.headers.get('set-cookie')].filter(Boolean); // Node before 18.14
    if (set.length) this.cookie = set[0].split(';')[0];
    return { body, setCookie: set };
  }

  // The session id inside the signed cookie `connect.sid=s%3A<id>.<signature>`.
  sessionId() {
    assert.ok(this.cookie && this.cookie.startsWith('connect.sid='), `cookie: ${this.cookie}`);
    const value = decodeURIComponent(this.cookie.slice('connect.sid='.length));
    assert.ok(value.startsWith('s:'), `signed cookie: ${value}`);
    return value.slice(2, value.lastIndexOf('.'));
  }
}

function scenarios(kind) {
  const s = (name, fn) => suite.scenario(`${kind} client`, name, (ctx) => fn(ctx, ctx.apps[kind]));

  s('store a session and read it back with the cookie', async ({ raw }, app) => {
    const alice = new Browser(app.base);
    assert.equal((await alice.request('GET', '/whoami')).body, 'anonymous');
    assert.equal(await raw.dbSize(), 0, 'saveUninitialized: false stores nothing');
    await alice.request('POST', '/login?user=alice');
    const key = PREFIX + alice.sessionId();
    const stored = JSON.parse(await raw.get(key));
    assert.equal(stored.user, 'alice');
    const ttl = await raw.ttl(key);
    assert.ok(ttl > MAX_AGE_S - 10 && ttl <= MAX_AGE_S, `TTL of ${key}: ${ttl}`);
    assert.equal((await alice.request('GET', '/whoami')).body, 'alice');
    assert.equal((await new Browser(app.base).request('GET', '/whoami')).body, 'anonymous');
    // A modified session is saved again.
    assert.equal((await alice.request('POST', '/view')).body, '1');
    assert.equal((await alice.request('POST', '/view')).body, '2');
    assert.equal(JSON.parse(await raw.get(key)).views, 2);
  });

  s('touch refreshes the TTL of the sess: key', async ({ raw }, app) => {
    const bob = new Browser(app.base);
    await bob.request('POST', '/login?user=bob');
    const key = PREFIX + bob.sessionId();
    const before = await raw.get(key);
    assert.equal(await raw.expire(key, 100), 1);
    assert.ok((await raw.ttl(key)) <= 100);
    // Unmodified session, resave: false: the store's touch (EXPIRE) runs, no save.
    const { body, setCookie } = await bob.request('GET', '/whoami');
    assert.equal(body, 'bob');
    assert.equal(setCookie.length, 1, 'rolling: the cookie is sent again');
    const ttl = await raw.ttl(key);
    assert.ok(ttl > MAX_AGE_S - 10, `TTL refreshed by touch: ${ttl}`);
    assert.equal(JSON.parse(await raw.get(key)).user, JSON.parse(before).user);
  });

  s('destroy removes the key', async ({ raw }, app) => {
    const carol = new Browser(app.base);
    await carol.request('POST', '/login?user=carol');
    const key = PREFIX + carol.sessionId();
    assert.equal(await raw.exists(key), 1);
    assert.equal((await carol.request('POST', '/logout')).body, 'bye');
    assert.equal(await raw.exists(key), 0);
    assert.equal((await carol.request('GET', '/whoami')).body, 'anonymous');
  });

  s('store API: length, ids, all, clear (SCAN)', async ({ raw }, app) => {
    const ids = [];
    for (const user of ['u1', 'u2', 'u3']) {
      const b = new Browser(app.base);
      await b.request('POST', `/login?user=${user}`);
      ids.push(b.sessionId());
    }
    await raw.set('unrelated', 'x');
    // The store answers through express-session's callbacks.
    const call = (method) => new Promise((resolve, reject) => {
      app.store[method]((err, value) => (err ? reject(err) : resolve(value)));
    });
    assert.equal(await call('length'), 3);
    assert.deepEqual((await call('ids')).sort(), [...ids].sort());
    const all = await call('all');
    assert.deepEqual(all.map((sess) => sess.user).sort(), ['u1', 'u2', 'u3']);
    assert.equal(all.every((sess) => ids.includes(sess.id)), true);
    await call('clear');
    assert.equal(await call('length'), 0);
    assert.equal(await raw.get('unrelated'), 'x', 'clear removes only sessions');
  });
}

scenarios('node-redis');
scenarios('node-redis RESP3');
scenarios('ioredis');

async function makeContext(port) {
  const url = `redis://127.0.0.1:${port}`;
  const raw = createClient({ url, socket: { reconnectStrategy: false } });
  raw.on('error', () => {});
  await raw.connect();
  const nodeRedis = [];
  for (const RESP of [2, 3]) {
    const c = createClient({ url, RESP, socket: { reconnectStrategy: false } });
    c.on('error', () => {});
    await c.connect();
    nodeRedis.push(c);
  }
  const ioredis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
  const apps = {};
  for (const [kind, client, Store] of [['node-redis', nodeRedis[0], RedisStore],
                                       ['node-redis RESP3', nodeRedis[1], RedisStore],
                                       ['ioredis', ioredis, LegacyRedisStore]]) {
    const store = new Store({ client, prefix: PREFIX });
    const server = await startApp(store);
    apps[kind] = { store, server, base: `http://127.0.0.1:${server.address().port}` };
  }
  return {
    raw,
    apps,
    begin: () => raw.flushAll(),
    async end() {},
    async close() {
      for (const { server } of Object.values(apps)) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      ioredis.disconnect();
      for (const c of nodeRedis) c.destroy();
      raw.destroy();
    },
  };
}

module.exports = { suite, makeContext };
