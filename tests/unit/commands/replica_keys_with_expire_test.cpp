// A writable replica's own keys with a TTL: remembered from bracketed writes only, expired
// by ExpireDue a bounded number at a time.
#include "server/replica_keys_with_expire.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/store.h"
#include "server/key_change_fanout.h"

namespace kvd {
namespace {

struct Fixture {
  Fixture() { store.SetKeepExpired(true); }  // a replica's keyspaces
  void Set(size_t db, const std::string& key, int64_t expire_at_ms) {
    store.Db(db).SetString(key, "v", expire_at_ms, TtlMode::kClear, now);
  }
  int64_t now = 1'000'000;
  Store store{80};  // more databases than the 64 tracked
  KeyChangeFanout changes{store};
  ReplicaKeysWithExpire own{store, changes};
};

TEST_CASE("only keys written inside the brackets, and left with a TTL, are remembered") {
  Fixture f;
  f.Set(0, "master", f.now + 10);  // our master's write: outside the brackets
  f.own.BeginClientWrite();
  f.Set(0, "a", f.now + 10);
  f.Set(3, "a", f.now + 10);
  f.Set(0, "plain", kNoExpiry);
  f.Set(64, "high", f.now + 10);  // past database 63: not tracked, as in Redis
  f.own.EndClientWrite();
  CHECK(f.own.size() == 1);  // "a", in two databases
  f.Set(0, "later", f.now + 10);  // after the brackets
  CHECK(f.own.size() == 1);

  f.now += 11;
  f.own.ExpireDue(f.now, 100);
  CHECK(f.own.size() == 0);
  CHECK(f.store.Db(0).Peek("a") == nullptr);
  CHECK(f.store.Db(3).Peek("a") == nullptr);
  CHECK(f.store.Db(0).Peek("master") != nullptr);  // its master expires it
  CHECK(f.store.ExpiredKeys() == 2);
  CHECK(f.store.keep_expired());  // still a replica's keyspace
}

TEST_CASE("ExpireDue looks at a bounded number of keys, resuming where it stopped") {
  Fixture f;
  f.own.BeginClientWrite();
  for (int i = 0; i < 10; ++i) f.Set(0, "k" + std::to_string(i), f.now + 10);
  f.Set(0, "persisted", f.now + 10);
  f.own.EndClientWrite();
  REQUIRE(f.own.size() == 11);
  f.store.Db(0).Persist("persisted", f.now);
  f.own.ExpireDue(f.now, 100);  // nothing due: only the persisted key is forgotten
  CHECK(f.own.size() == 10);
  f.now += 11;
  f.own.ExpireDue(f.now, 4);
  CHECK(f.own.size() == 6);
  f.own.ExpireDue(f.now, 4);
  CHECK(f.own.size() == 2);
  f.own.ExpireDue(f.now, 4);
  CHECK(f.own.size() == 0);
  CHECK(f.store.ExpiredKeys() == 10);
}

}  // namespace
}  // namespace kvd
