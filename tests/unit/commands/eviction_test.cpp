// maxmemory with eviction through the real dispatcher: what gets evicted, what the eviction
// tells others (the append-only log, WATCH, keyspace events, INFO), and when it waits.
#include "server/eviction.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/extra_client.h"
#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/post_queue.h"
#include "unit/commands/pubsub_test_util.h"

namespace kvd::testing {
namespace {

const std::string kOom = Err("OOM command not allowed when used memory > 'maxmemory'.");

struct Fixture : Harness {
  // Every write the append-only file would get, as "CMD arg...".
  std::vector<std::string> logged;
  Fixture() {
    // No time limit on a pass: under the sanitizers on a busy machine 16 evictions can take
    // longer than the default tenacity's 500 us, leaving the rest to a continuation that
    // these tests do not expect (the one that does sets its own tenacity).
    Config("maxmemory-eviction-tenacity", "100");
    server.propagate = [this](size_t db, std::span<const std::string_view> command) {
      std::string line;
      for (std::string_view a : command) line += (line.empty() ? "" : " ") + std::string(a);
      logged.push_back(line);
    };
  }
  void Config(std::string_view name, std::string value) {
    REQUIRE(Run({"CONFIG", "SET", name, value}) == kOk);
  }
  void Fill(std::string_view prefix, int n, bool ttl = false) {
    for (int i = 0; i < n; ++i) {
      const std::string key = std::string(prefix) + std::to_string(i);
      if (ttl) {
        REQUIRE(Run({"SET", key, std::string(100, 'v'), "EX", "1000"}) == kOk);
      } else {
        REQUIRE(Run({"SET", key, std::string(100, 'v')}) == kOk);
      }
    }
  }
  // Caps memory at what the data holds now minus `over` bytes; forgets what was logged.
  void LimitBelowUse(size_t over) {
    Config("maxmemory", std::to_string(store.AllocatedBytes() - over));
    logged.clear();
  }
  int64_t Keys() { return static_cast<int64_t>(store.Db(0).Count(clock.NowMs())); }
  bool UnderLimit() {
    return server.eviction->CountedBytes() <= static_cast<size_t>(config.values().maxmemory);
  }
  int64_t Stat(std::string_view field) {
    const std::string info = Run({"INFO", "stats"});
    const size_t at = info.find(std::string(field) + ":");
    REQUIRE(at != std::string::npos);
    return std::stoll(info.substr(at + field.size() + 1));
  }
};

TEST_CASE("eviction settings: tenacity 0..100 and lazyfree-lazy-eviction") {
  CHECK(Harness().Run({"CONFIG", "GET", "maxmemory-eviction-tenacity"}) ==
        "*2\r\n" + Bulk("maxmemory-eviction-tenacity") + Bulk("10"));
  Fixture f;
  CHECK(f.Run({"CONFIG", "SET", "maxmemory-eviction-tenacity", "101"}) ==
        Err("ERR CONFIG SET failed (possibly related to argument 'maxmemory-eviction-tenacity') "
            "- argument must be between 0 and 100 inclusive"));
  CHECK(f.Run({"CONFIG", "GET", "lazyfree-lazy-eviction"}) ==
        "*2\r\n" + Bulk("lazyfree-lazy-eviction") + Bulk("no"));
  f.Config("lazyfree-lazy-eviction", "yes");
  CHECK(f.config.values().lazyfree_lazy_eviction);
}

TEST_CASE("allkeys policies evict until memory is under maxmemory, then the write runs") {
  for (const char* policy : {"allkeys-lru", "allkeys-lfu", "allkeys-random"}) {
    CAPTURE(policy);
    Fixture f;
    f.Config("maxmemory-policy", policy);
    f.Fill("k", 200);
    f.LimitBelowUse(5000);  // about 30 keys too many
    CHECK(f.Run({"SET", "new", "value"}) == kOk);
    // Eviction runs before each command, so the SET itself may leave memory a little over;
    // the next command evicts again first.
    CHECK(f.Run({"GET", "new"}) == Bulk("value"));
    CHECK(f.UnderLimit());
    const int64_t evicted = f.Stat("evicted_keys");
    CHECK(evicted >= 30);
    CHECK(evicted < 60);
    CHECK(f.Keys() == 201 - evicted);
    // Each eviction is logged as a DEL of a key that is gone (INFO may have evicted more
    // after the SET, which added memory of its own).
    REQUIRE(f.logged.size() == static_cast<size_t>(evicted) + 1);
    CHECK(f.logged.front().starts_with("DEL k"));
    for (const std::string& line : f.logged) {
      if (line == "SET new value") continue;
      CHECK(line.starts_with("DEL k"));
      CHECK(f.Run({"EXISTS", line.substr(4)}) == Int(0));
    }
  }
}

TEST_CASE("volatile policies evict only keys with a TTL, then refuse writes") {
  for (const char* policy : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
    CAPTURE(policy);
    Fixture f;
    f.Config("maxmemory-policy", policy);
    f.Fill("persistent:", 100);
    const size_t before = f.store.AllocatedBytes();
    f.Fill("temp:", 20, /*ttl=*/true);
    // More than all the keys with a TTL hold (with the table growth they caused).
    f.LimitBelowUse(f.store.AllocatedBytes() - before + 4000);
    CHECK(f.Run({"SET", "new", "v"}) == kOom);
    CHECK(f.Stat("evicted_keys") == 20);
    CHECK(f.Keys() == 100);
    CHECK(f.Run({"EXISTS", "persistent:0", "persistent:99"}) == Int(2));
    // Reads and deletes still run; so does a write once memory is back under the limit.
    CHECK(f.Run({"GET", "persistent:0"}) == Bulk(std::string(100, 'v')));
    CHECK(f.Run({"DEL", "persistent:0"}) == Int(1));
    f.Config("maxmemory", "0");
    CHECK(f.Run({"SET", "new", "v"}) == kOk);
  }
}

TEST_CASE("volatile-ttl evicts the keys that expire soonest") {
  Fixture f;
  f.Config("maxmemory-policy", "volatile-ttl");
  f.Config("maxmemory-samples", "64");
  for (int i = 0; i < 100; ++i) {
    REQUIRE(f.Run({"SET", "t" + std::to_string(i), std::string(100, 'v'), "EX",
                   std::to_string(1000 + i)}) == kOk);
  }
  f.LimitBelowUse(2000);
  CHECK(f.Run({"SET", "new", "v"}) == kOk);
  const int64_t evicted = f.Stat("evicted_keys");
  CHECK(evicted > 5);
  int early = 0;
  REQUIRE(f.logged.size() == static_cast<size_t>(evicted) + 1);
  for (const std::string& line : f.logged) {
    if (line.starts_with("DEL t")) early += std::stoi(line.substr(5)) < 50;
  }
  CHECK(early == evicted);
}

TEST_CASE("noeviction refuses writes past maxmemory and evicts nothing") {
  Fixture f;
  f.Fill("k", 50);
  f.LimitBelowUse(1);
  CHECK(f.Run({"SET", "new", "v"}) == kOom);
  CHECK(f.Run({"GET", "k1"}) == Bulk(std::string(100, 'v')));
  CHECK(f.Stat("evicted_keys") == 0);
  CHECK(f.Keys() == 50);
}

TEST_CASE("an evicted key fails the EXEC of a client watching it, and publishes `evicted`") {
  Fixture f;
  ExtraClient watcher(f);
  PubSubPeer subscriber(f);
  f.Config("maxmemory-policy", "allkeys-random");
  f.Config("notify-keyspace-events", "Ee");
  f.Fill("k", 10);
  CHECK(subscriber.Run({"SUBSCRIBE", "__keyevent@0__:evicted"}).starts_with("*3\r\n"));
  CHECK(watcher.Run("WATCH k0 k1 k2 k3 k4 k5 k6 k7 k8 k9") == kOk);
  CHECK(watcher.Run("MULTI") == kOk);
  CHECK(watcher.Run("PING") == "+QUEUED\r\n");
  f.LimitBelowUse(200);
  CHECK(f.Run({"SET", "new", "v"}) == kOk);
  REQUIRE(f.logged.size() >= 2);
  const std::string victim = f.logged.front().substr(4);
  const auto frames = Frames(subscriber.Take());
  REQUIRE(frames.size() == f.logged.size() - 1);
  CHECK(frames[0] == std::vector<std::string>{"message", "__keyevent@0__:evicted", victim});
  f.Config("maxmemory", "0");
  CHECK(watcher.Run("EXEC") == "*-1\r\n");
  CHECK(f.Run({"EXISTS", victim}) == Int(0));
}

TEST_CASE("with lazyfree-lazy-eviction evicted keys are logged as UNLINK") {
  Fixture f;
  f.Config("maxmemory-policy", "allkeys-lru");
  f.Config("lazyfree-lazy-eviction", "yes");
  f.Run({"SADD", "big", "a", "b", "c"});
  f.Fill("k", 50);
  f.LimitBelowUse(1000);
  CHECK(f.Run({"SET", "new", "v"}) == kOk);
  CHECK(f.UnderLimit());
  REQUIRE(f.logged.size() > 1);
  CHECK(f.logged.front().starts_with("UNLINK "));
}

TEST_CASE("a pass out of time goes on later, and commands are not refused meanwhile") {
  Fixture f;
  PostQueue strand;
  strand.Attach(f.server);
  f.Config("maxmemory-policy", "allkeys-random");
  f.Config("maxmemory-eviction-tenacity", "0");  // stop after every 16 keys
  f.Fill("k", 2000);
  f.LimitBelowUse(100000);  // several hundred keys too many
  CHECK(f.Run({"SET", "new", "v"}) == kOk);
  CHECK_FALSE(f.UnderLimit());
  CHECK(f.Stat("current_eviction_exceeded_time") >= 0);
  CHECK(strand.Pending() == 1);  // one continuation at a time
  CHECK(strand.RunUntil([&] { return f.UnderLimit(); }));
  CHECK(f.Stat("evicted_keys") > 16);
  f.clock.Advance(5);
  CHECK(f.Run({"GET", "new"}).size() > 0);  // a pass under the limit ends the exceeded time
  CHECK(f.Stat("current_eviction_exceeded_time") == 0);
}

TEST_CASE("no eviction while clients are paused") {
  Fixture f;
  ExtraClient admin(f);
  f.Config("maxmemory-policy", "allkeys-random");
  f.Fill("k", 50);
  CHECK(admin.Run("CLIENT PAUSE 100000 WRITE") == kOk);
  f.LimitBelowUse(1000);
  CHECK(f.Run({"GET", "k1"}) == Bulk(std::string(100, 'v')));
  CHECK(f.Stat("evicted_keys") == 0);
  CHECK(admin.Run("CLIENT UNPAUSE") == kOk);
  CHECK(f.Run({"GET", "k1"}).size() > 0);
  CHECK(f.Stat("evicted_keys") > 0);
}

TEST_CASE("CONFIG RESETSTAT clears evicted_keys and the exceeded time") {
  Fixture f;
  f.Config("maxmemory-policy", "allkeys-random");
  f.Fill("k", 50);
  f.LimitBelowUse(1000);
  CHECK(f.Run({"SET", "new", "v"}) == kOk);
  CHECK(f.Stat("evicted_keys") > 0);
  CHECK(f.Run({"CONFIG", "RESETSTAT"}) == kOk);
  CHECK(f.Stat("evicted_keys") == 0);
  CHECK(f.Stat("total_eviction_exceeded_time") == 0);
}

}  // namespace
}  // namespace kvd::testing
