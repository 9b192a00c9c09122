// A replica's keyspace (Keyspace::set_keep_expired): expired keys are hidden from reads but
// stay until deleted, written over, or read at time 0 (the master's stream).
#include <doctest/doctest.h>

#include <string>

#include "core/clock.h"
#include "core/hash_value.h"
#include "core/keyspace.h"
#include "core/store.h"
#include "keyspace_test_util.h"

namespace kvd {
namespace {

using testing::kT0;

TEST_CASE("keep_expired: reads hide an expired key without deleting it") {
  Keyspace ks;
  ks.set_keep_expired(true);
  ks.PutWithTtl("k", "v", 10, kT0);
  const int64_t later = kT0 + 11;  // the first millisecond after the expiry

  CHECK(ks.Find("k", later) == nullptr);
  CHECK(ks.FindNoTouch("k", later) == nullptr);
  CHECK(ks.Get("k", later) == std::nullopt);
  CHECK_FALSE(ks.Contains("k", later));
  CHECK(ks.GetExpire("k", later) == std::nullopt);
  CHECK(ks.Read<HashValue>("k", later) == nullptr);
  CHECK_FALSE(ks.Rename("k", "k2", later));
  CHECK(ks.Peek("k") != nullptr);  // still there
  CHECK(ks.ExpiredCount() == 0);
  // DBSIZE counts it, as Redis's on a replica; the active cycle leaves it.
  CHECK(ks.Count(later) == 1);
  CHECK(ks.ExpireSome(later, 20).sampled == 0);
  CHECK(ks.Peek("k") != nullptr);
  // Time 0: the master's commands see every key.
  REQUIRE(ks.Get("k", 0) == std::optional<std::string_view>("v"));
  // When every key is expired, RANDOMKEY still answers one, as Redis does on a replica.
  CHECK(ks.RandomKey(later) == std::optional<std::string_view>("k"));
}

TEST_CASE("keep_expired: an explicit delete or a write removes or replaces the key") {
  Keyspace ks;
  ks.set_keep_expired(true);
  ks.PutWithTtl("a", "1", 10, kT0);
  ks.PutWithTtl("b", "1", 10, kT0);
  const int64_t later = kT0 + 11;  // the first millisecond after the expiry
  CHECK(ks.Delete("a", 0));  // the master's DEL
  CHECK(ks.Peek("a") == nullptr);
  // A client's write on a writable replica replaces the expired key (it was not there).
  CHECK(ks.SetString("b", "2", kNoExpiry, TtlMode::kKeep, later));
  CHECK(ks.Get("b", later) == std::optional<std::string_view>("2"));
  CHECK(ks.GetExpire("b", later) == kNoExpiry);
  CHECK(ks.Count(later) == 1);
}

TEST_CASE("keep_expired: the store's setting reaches every database and stops the cycle") {
  Store store(2);
  store.SetKeepExpired(true);
  store.Db(1).PutWithTtl("k", "v", 10, kT0);
  const Store::CycleResult r = store.ActiveExpireCycle(kT0 + 100, 1'000'000, [] { return 0; });
  CHECK(r.expired == 0);
  CHECK(store.Db(1).keep_expired());
  CHECK(store.Db(1).Count(kT0 + 100) == 1);
  // A load moves data into the slots: the setting stays with the slot.
  Keyspace fresh;
  fresh.PutWithTtl("x", "y", 10, kT0);
  store.Db(0) = std::move(fresh);
  CHECK(store.Db(0).keep_expired());
  store.SetKeepExpired(false);
  CHECK(store.Db(1).Count(kT0 + 100) == 0);
}

}  // namespace
}  // namespace kvd
