'use strict';
// A minimal scenario runner: starts the server, runs each scenario on a flushed dataset,
// closes the clients a scenario opened, stops the server and prints `NAME: N passed, M failed`.
// A scenario that needs a server feature (`needs`) and fails with "unknown command" is reported
// (or option) as awaiting that feature.
const { KvdServer } = require('./server');

const SCENARIO_TIMEOUT_MS = 30000; // only bounds a hang: passing scenarios take milliseconds

const TX = 'MULTI/EXEC/WATCH';
const PUBSUB = 'SUBSCRIBE/PUBLISH';

class Suite {
  constructor(name) {
    this.name = name;
    this.scenarios = [];
    this.notes = [];
  }

  // Registers fn(ctx) under `group`; options.needs names the server feature it depends on.
  scenario(group, name, fn, options = {}) {
    this.scenarios.push({ group, name, fn, needs: options.needs || null });
  }

  note(text) {
    this.notes.push(text);
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// The error's name and text, control bytes escaped (replies may echo binary arguments).
function errorText(e) {
  const text = `${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : String(e)}`;
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x09\x0b-\x1f\x7f]/g,
                      (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// makeContext(port) resolves to the scenarios' context: begin() before each scenario (fresh
// clients, an empty dataset), end() after it (closes every client the scenario used, so a
// failed one leaves no subscription, WATCH, MULTI or blocked pop behind), close() at the end.
async function run(suite, binary, makeContext) {
  console.log(`${suite.name}: against ${binary}`);
  let passed = 0;
  let failed = 0;
  let server;
  try {
    server = await new KvdServer(binary).start();
  } catch (e) {
    console.log(`  FAIL  server: ${e.message}`);
    console.log(`${suite.name}: ${passed} passed, ${failed + 1} failed`);
    return false;
  }
  const pending = new Map();
  let ctx = null;
  try {
    ctx = await makeContext(server.port);
    for (const s of suite.scenarios) {
      const label = `${s.group}: ${s.name}`;
      try {
        await ctx.begin();
        await withTimeout(Promise.resolve().then(() => s.fn(ctx)), SCENARIO_TIMEOUT_MS, label);
        passed++;
        console.log(`  ok    ${label}`);
      } catch (e) {
        failed++;
        const awaiting = s.needs && /unknown (command|option)/i.test(String(e && e.message));
        if (awaiting) pending.set(s.needs, (pending.get(s.needs) || 0) + 1);
        console.log(`  FAIL  ${label}${awaiting ? ` [needs ${s.needs}]` : ''}: ${errorText(e)}`);
        if (!awaiting && e && e.stack) {
          console.log(e.stack.split('\n').slice(1, 4).join('\n'));
        }
      } finally {
        await ctx.end();
      }
    }
  } catch (e) {
    failed++;
    console.log(`  FAIL  setup: ${errorText(e)}`);
  } finally {
    if (ctx) await ctx.close().catch(() => {});
  }
  const code = await server.stop();
  if (code === 0) {
    passed++;
    console.log('  ok    server: clean shutdown (exit 0)');
  } else {
    failed++;
    console.log(`  FAIL  server: exit ${code} on SIGTERM; log:\n${server.logText()}`);
  }
  for (const n of suite.notes) console.log(`${suite.name}: ${n}`);
  for (const [needs, n] of pending) {
    console.log(`${suite.name}: ${n} failure(s) are scenarios awaiting ${needs}` +
                ' (unknown command/option)');
  }
  console.log(`${suite.name}: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

// Resolves once `condition()` resolves truthy; each try is one round trip to the server.
async function waitFor(condition, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
  }
  throw new Error(`never saw ${what}`);
}

// The next event `name` on `emitter`, as an array of its arguments.
function nextEvent(emitter, name, timeoutMs = 10000) {
  return withTimeout(new Promise((resolve) => emitter.once(name, (...args) => resolve(args))),
                     timeoutMs, `waiting for '${name}'`);
}

// Collects values pushed by callbacks; next() resolves with the oldest unread one.
class Inbox {
  constructor() {
    this.items = [];
    this.waiters = [];
  }

  push(item) {
    const w = this.waiters.shift();
    if (w) w(item);
    else this.items.push(item);
  }

  next(timeoutMs = 10000) {
    if (this.items.length) return Promise.resolve(this.items.shift());
    return withTimeout(new Promise((resolve) => this.waiters.push(resolve)), timeoutMs,
                       'waiting for a message');
  }
}

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

module.exports = { Suite, run, waitFor, nextEvent, Inbox, withTimeout, TX, PUBSUB, WRONGTYPE };
