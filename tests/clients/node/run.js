'use strict';
// Usage: node run.js SUITE KVD_BINARY
//   (SUITE: ioredis | node-redis | node-redis-resp3 | connect-redis | redlock |
//    rate-limiter-flexible)
// Prints `NAME: N passed, M failed` and exits non-zero on any failure.
const { run } = require('./lib/runner');

const SUITES = {
  'ioredis': () => require('./suites/ioredis'),
  'node-redis': () => require('./suites/node_redis').forProtocol(2),
  'node-redis-resp3': () => require('./suites/node_redis').forProtocol(3),
  'connect-redis': () => require('./suites/connect_redis'),
  'redlock': () => require('./suites/redlock'),
  'rate-limiter-flexible': () => require('./suites/rate_limiter'),
};

// A scenario that timed out may still have commands pending; they reject once its clients
// are closed. That is already reported as the scenario's failure, so it must not end the run.
process.on('unhandledRejection', (e) => {
  console.log(`  (late rejection after a failed scenario: ${e && e.message ? e.message : e})`);
});

async function main() {
  const [name, binary = process.env.KVD_BINARY] = process.argv.slice(2);
  if (!SUITES[name] || !binary) {
    console.error(`usage: node run.js {${Object.keys(SUITES).join('|')}} KVD_BINARY`);
    return 2;
  }
  const { suite, makeContext } = SUITES[name]();
  return (await run(suite, binary, makeContext)) ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
