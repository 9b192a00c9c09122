// The eviction pool (core/eviction.h): which key each maxmemory policy picks.
#include "core/eviction.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/access_clock.h"
#include "core/clock.h"
#include "core/keyspace.h"
#include "core/store.h"
#include "keyspace_test_util.h"

namespace kvd {
namespace {

using testing::kT0;

// A store on its own access clock, driven by a manual clock as the server's cron would.
struct Fixture {
  ManualClock clock{kT0};
  AccessClock access;
  Store store{4};
  EvictionPool pool;
  Fixture() {
    store.SetAccessClock(&access);
    Tick(0);
  }
  void Tick(int64_t ms) {
    clock.Advance(ms);
    access.Update(clock.NowMs());
  }
  int64_t now() const { return clock.NowMs(); }
  Keyspace& db(size_t i = 0) { return store.Db(i); }
  // Picks and deletes the next victim, as the server does; "" when there is none.
  std::string Evict(EvictionPolicy policy, size_t samples = 5) {
    auto victim = pool.Pick(store, policy, samples);
    if (!victim) return "";
    CHECK(store.Db(victim->db).Peek(victim->key) != nullptr);
    store.Db(victim->db).Delete(victim->key, now());
    return victim->key;
  }
};

TEST_CASE("every maxmemory-policy name maps to its policy") {
  CHECK(EvictionPolicyFromName("noeviction") == EvictionPolicy::kNoEviction);
  CHECK(EvictionPolicyFromName("allkeys-lru") == EvictionPolicy::kAllKeysLru);
  CHECK(EvictionPolicyFromName("allkeys-lfu") == EvictionPolicy::kAllKeysLfu);
  CHECK(EvictionPolicyFromName("allkeys-random") == EvictionPolicy::kAllKeysRandom);
  CHECK(EvictionPolicyFromName("volatile-lru") == EvictionPolicy::kVolatileLru);
  CHECK(EvictionPolicyFromName("volatile-lfu") == EvictionPolicy::kVolatileLfu);
  CHECK(EvictionPolicyFromName("volatile-random") == EvictionPolicy::kVolatileRandom);
  CHECK(EvictionPolicyFromName("volatile-ttl") == EvictionPolicy::kVolatileTtl);
  CHECK_FALSE(EvictionPolicyFromName("lru").has_value());
  CHECK_FALSE(EvictionPolicyFromName("ALLKEYS-LRU").has_value());  // CONFIG lowercases first
}

TEST_CASE("nothing is picked from an empty store, nor ever under noeviction") {
  Fixture f;
  for (auto p :
       {EvictionPolicy::kAllKeysLru, EvictionPolicy::kAllKeysLfu, EvictionPolicy::kAllKeysRandom,
        EvictionPolicy::kVolatileLru, EvictionPolicy::kVolatileLfu, EvictionPolicy::kVolatileRandom,
        EvictionPolicy::kVolatileTtl}) {
    CHECK(f.Evict(p) == "");
  }
  f.db().Put("k", "v");
  CHECK(f.Evict(EvictionPolicy::kNoEviction) == "");
  CHECK(f.db().Contains("k", f.now()));
}

TEST_CASE("volatile policies pick only keys with a TTL") {
  Fixture f;
  for (int i = 0; i < 20; ++i) f.db().Put("persistent:" + std::to_string(i), "v");
  f.db().PutWithTtl("temp:a", "v", 60'000, f.now());
  f.db(2).PutWithTtl("temp:b", "v", 60'000, f.now());
  for (auto p : {EvictionPolicy::kVolatileLru, EvictionPolicy::kVolatileLfu,
                 EvictionPolicy::kVolatileRandom, EvictionPolicy::kVolatileTtl}) {
    std::set<std::string> picked;
    for (int i = 0; i < 2; ++i) picked.insert(f.Evict(p));
    CHECK(picked == std::set<std::string>{"temp:a", "temp:b"});
    CHECK(f.Evict(p) == "");  // the persistent keys are never candidates
    f.db().PutWithTtl("temp:a", "v", 60'000, f.now());
    f.db(2).PutWithTtl("temp:b", "v", 60'000, f.now());
  }
  CHECK(f.db().Count(f.now()) == 21);
}

TEST_CASE("allkeys-lru evicts the least recently used keys first") {
  Fixture f;
  for (int i = 0; i < 10; ++i) {
    f.db().Put("k" + std::to_string(i), "v");
    f.Tick(1000);  // one LRU clock step between keys: k0 is the oldest
  }
  f.db().Get("k0", f.now());  // now the most recent
  // With every key in each sample, the order is exact.
  std::vector<std::string> order;
  for (int i = 0; i < 10; ++i) order.push_back(f.Evict(EvictionPolicy::kAllKeysLru, 10));
  CHECK(order ==
        std::vector<std::string>{"k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k0"});
  CHECK(f.Evict(EvictionPolicy::kAllKeysLru) == "");
}

TEST_CASE("allkeys-lru with small samples still finds old keys through the pool") {
  Fixture f;
  for (int i = 0; i < 1000; ++i) f.db().Put("cold:" + std::to_string(i), "v");
  f.Tick(60'000);
  for (int i = 0; i < 1000; ++i) f.db().Put("hot:" + std::to_string(i), "v");
  // Evicting half the cold keys, 5 samples at a time, should take (nearly) only cold ones:
  // the pool remembers cold candidates that a sample of hot ones alone would miss.
  size_t cold = 0;
  for (int i = 0; i < 500; ++i) cold += f.Evict(EvictionPolicy::kAllKeysLru).starts_with("cold:");
  CHECK(cold >= 490);
  CHECK(f.pool.size() <= EvictionPool::kSize);
}

TEST_CASE("allkeys-lfu evicts the least frequently used keys first") {
  Fixture f;
  f.access.set_lfu(true);
  f.access.set_lfu_log_factor(0);  // every access counts: counter = 5 + accesses
  for (int i = 0; i < 8; ++i) {
    const std::string key = "k" + std::to_string(i);
    f.db().Put(key, "v");
    for (int a = 0; a < (8 - i) * 3; ++a) f.db().Get(key, f.now());
  }
  std::vector<std::string> order;
  for (int i = 0; i < 8; ++i) order.push_back(f.Evict(EvictionPolicy::kAllKeysLfu, 8));
  CHECK(order == std::vector<std::string>{"k7", "k6", "k5", "k4", "k3", "k2", "k1", "k0"});
}

TEST_CASE("volatile-ttl evicts the keys closest to expiring first") {
  Fixture f;
  f.db().PutWithTtl("late", "v", 90'000, f.now());
  f.db().PutWithTtl("soon", "v", 10'000, f.now());
  f.db(1).PutWithTtl("middle", "v", 50'000, f.now());
  f.db().Put("persistent", "v");
  CHECK(f.Evict(EvictionPolicy::kVolatileTtl, 5) == "soon");
  CHECK(f.Evict(EvictionPolicy::kVolatileTtl, 5) == "middle");
  CHECK(f.Evict(EvictionPolicy::kVolatileTtl, 5) == "late");
  CHECK(f.Evict(EvictionPolicy::kVolatileTtl, 5) == "");
}

TEST_CASE("random policies take keys from every database") {
  Fixture f;
  for (size_t db = 0; db < 4; ++db) {
    for (int i = 0; i < 5; ++i)
      f.db(db).Put("db" + std::to_string(db) + ":" + std::to_string(i), "v");
  }
  std::set<std::string> dbs;
  for (int i = 0; i < 8; ++i) dbs.insert(f.Evict(EvictionPolicy::kAllKeysRandom).substr(0, 3));
  CHECK(dbs == std::set<std::string>{"db0", "db1", "db2", "db3"});
  for (int i = 0; i < 12; ++i) CHECK(f.Evict(EvictionPolicy::kAllKeysRandom) != "");
  CHECK(f.Evict(EvictionPolicy::kAllKeysRandom) == "");
}

TEST_CASE("a pooled key deleted meanwhile is skipped, not returned") {
  Fixture f;
  for (int i = 0; i < 10; ++i) {
    f.db().Put("k" + std::to_string(i), "v");
    f.Tick(1000);
  }
  CHECK(f.Evict(EvictionPolicy::kAllKeysLru, 10) == "k0");  // the pool now holds k1..k9
  CHECK(f.db().Delete("k1", f.now()));
  CHECK(f.db().Delete("k2", f.now()));
  CHECK(f.Evict(EvictionPolicy::kAllKeysLru, 1) == "k3");
}

TEST_CASE("samples come from random places of the table") {
  Fixture f;
  for (int i = 0; i < 1000; ++i) f.db().Put("k" + std::to_string(i), "v");
  std::set<const Record*> seen;
  std::vector<const Record*> sample(5);
  for (int i = 0; i < 100; ++i) {
    const size_t n = f.db().SampleRecords(false, sample);
    CHECK(n == 5);
    seen.insert(sample.begin(), sample.begin() + n);
  }
  CHECK(seen.size() > 300);                        // 500 draws of 1000 keys
  CHECK(f.db().SampleRecords(true, sample) == 0);  // no key has a TTL
}

}  // namespace
}  // namespace kvd
