// Keys' access history (OBJECT IDLETIME under an LRU policy, OBJECT FREQ under an LFU one)
// survives a snapshot: SAVE and a restart, DEBUG RELOAD, and files crossing between kvd and
// redis-server, as Redis keeps it in its RDB files (IDLE and FREQ).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kRedisServer = "/usr/bin/redis-server";

// Stores `key` as a string whose history says `option value` (IDLETIME s or FREQ n).
void RestoreWith(RawClient& c, const std::string& key, const std::string& option,
                 const std::string& value) {
  REQUIRE(c.Call({"SET", key, "value"}) == kOk);
  const std::string payload = c.Exec({"DUMP", key}).str;
  REQUIRE(c.Call({"RESTORE", key, "0", payload, "REPLACE", option, value}) == kOk);
}

int64_t Idle(RawClient& c, const std::string& key) {
  const Reply r = c.Exec({"OBJECT", "IDLETIME", key});
  REQUIRE(r.type == ':');
  return r.integer;
}

std::vector<std::string> Args(const std::string& dir, const std::string& policy) {
  // No decay: a minute turning during the test must not change a counter.
  return {"--dir", dir, "--maxmemory-policy", policy, "--lfu-decay-time", "0",
          "--enable-debug-command", "yes"};
}

TEST_CASE("idle times survive SAVE, a restart and DEBUG RELOAD under an LRU policy") {
  TempDir dir;
  {
    ServerProcess server(Args(dir.path(), "allkeys-lru"));
    RawClient c(server.port());
    RestoreWith(c, "old", "IDLETIME", "1000");
    REQUIRE(c.Call({"SET", "new", "v"}) == kOk);
    REQUIRE(c.Call({"DEBUG", "RELOAD"}) == kOk);
    CHECK(Idle(c, "old") >= 1000);
    CHECK(Idle(c, "old") < 1100);
    CHECK(Idle(c, "new") < 100);
    REQUIRE(c.Call({"SAVE"}) == kOk);
  }
  ServerProcess server(Args(dir.path(), "volatile-lru"));
  RawClient c(server.port());
  CHECK(Idle(c, "old") >= 1000);
  CHECK(Idle(c, "old") < 1100);
  CHECK(Idle(c, "new") < 100);
}

TEST_CASE("LFU counters survive SAVE and a restart under an LFU policy") {
  TempDir dir;
  {
    ServerProcess server(Args(dir.path(), "allkeys-lfu"));
    RawClient c(server.port());
    RestoreWith(c, "hot", "FREQ", "77");
    REQUIRE(c.Call({"SET", "cold", "v"}) == kOk);
    REQUIRE(c.Call({"SAVE"}) == kOk);
  }
  ServerProcess server(Args(dir.path(), "volatile-lfu"));
  RawClient c(server.port());
  CHECK(c.Call({"OBJECT", "FREQ", "hot"}) == Int(77));
  CHECK(c.Call({"OBJECT", "FREQ", "cold"}) == Int(5));  // LFU_INIT_VAL, as saved
}

TEST_CASE("a policy that evicts by neither keeps no history: loaded keys are just accessed") {
  TempDir dir;
  {
    ServerProcess server(Args(dir.path(), "noeviction"));
    RawClient c(server.port());
    RestoreWith(c, "old", "IDLETIME", "1000");
    REQUIRE(Idle(c, "old") >= 1000);
    REQUIRE(c.Call({"SAVE"}) == kOk);
  }
  // The file has no IDLE, so an LRU policy at load finds nothing to restore.
  ServerProcess server(Args(dir.path(), "allkeys-lru"));
  RawClient c(server.port());
  CHECK(Idle(c, "old") < 100);
}

TEST_CASE("history crosses between kvd and redis-server in both directions") {
  TempDir a;
  {
    ServerProcess redis(Args(a.path(), "allkeys-lru"), {.binary = kRedisServer});
    RawClient c(redis.port());
    RestoreWith(c, "idle", "IDLETIME", "2000");
    REQUIRE(c.Call({"SAVE"}) == kOk);
  }
  {
    ServerProcess kvd(Args(a.path(), "allkeys-lru"));
    RawClient c(kvd.port());
    CHECK(Idle(c, "idle") >= 2000);
    CHECK(Idle(c, "idle") < 2100);
    REQUIRE(c.Call({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}) == kOk);
    RestoreWith(c, "freq", "FREQ", "123");
    REQUIRE(c.Call({"SAVE"}) == kOk);
  }
  ServerProcess redis(Args(a.path(), "allkeys-lfu"), {.binary = kRedisServer});
  RawClient c(redis.port());
  CHECK(c.Call({"OBJECT", "FREQ", "freq"}) == Int(123));
}

}  // namespace
}  // namespace kvd::e2e
