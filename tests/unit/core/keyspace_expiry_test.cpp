// Expiry (lazy and active), exact counts, and the key commands that carry TTLs along.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/keyspace.h"
#include "core/store.h"
#include "keyspace_test_util.h"

namespace kvd {
namespace {

using testing::CheckAccounting;
using testing::kT0;
using testing::SortedKeys;

TEST_CASE("lazy expiry: every read path treats an expired key as absent and deletes it") {
  ManualClock clock(kT0);
  Keyspace ks;
  const auto reset = [&] {
    ks.Clear();
    ks.ResetExpiredCount();
    ks.PutWithTtl("k", "v", 10, clock.NowMs());
  };
  const int64_t later = kT0 + 11;  // the first millisecond after the expiry

  reset();
  CHECK(ks.Find("k", later) == nullptr);
  CHECK(ks.ExpiredCount() == 1);
  CHECK(ks.Peek("k") == nullptr);  // really gone, not just hidden

  reset();
  CHECK(ks.Get("k", later) == std::nullopt);
  CHECK(ks.ExpiredCount() == 1);

  reset();
  CHECK_FALSE(ks.Contains("k", later));
  CHECK(ks.ExpiredCount() == 1);

  reset();
  CHECK_FALSE(ks.Delete("k", later));  // an expired key did not exist
  CHECK(ks.ExpiredCount() == 1);

  reset();
  CHECK(ks.GetExpire("k", later) == std::nullopt);
  CHECK_FALSE(ks.SetExpire("k", later + 100, later));
  CHECK_FALSE(ks.Persist("k", later));
  CHECK_FALSE(ks.Rename("k", "other", later));
  CHECK(ks.ExpiredCount() == 1);

  reset();
  CHECK(ks.Append("k", "new", later) == 3);  // APPEND on an expired key starts afresh
  CHECK(ks.GetExpire("k", later) == kNoExpiry);
  CHECK(ks.ExpiredCount() == 1);

  reset();
  CHECK(ks.SetString("k", "x", kNoExpiry, TtlMode::kKeep, later));  // created anew
  CHECK(ks.GetExpire("k", later) == kNoExpiry);

  reset();
  CHECK(ks.RandomKey(later) == std::nullopt);
  CHECK(ks.ExpiredCount() == 1);
  CheckAccounting(ks, later);
}

// Redis's keyIsExpired is now > expire_at: a key is there through the millisecond of its
// expiry, and kvd must agree with it to the millisecond.
TEST_CASE("expiry boundary: lazy expiry keeps a key at its expiry and drops it a ms later") {
  Keyspace ks;
  const int64_t at = kT0 + 100;
  ks.SetString("k", "v", at, TtlMode::kClear, kT0);
  ks.Put("p", "v");

  CHECK(ks.Find("k", at) != nullptr);
  CHECK(ks.Get("k", at) == "v");
  CHECK(ks.Contains("k", at));
  CHECK(ks.GetExpire("k", at) == at);
  CHECK(ks.AvgTtlMs(at) == 0);
  CHECK(ks.Count(at) == 2);
  CHECK(SortedKeys(ks, at) == std::vector<std::string>{"k", "p"});
  std::vector<std::string> seen;
  ks.ForEach(at, [&](const Record& r) { seen.emplace_back(r.key()); });
  uint64_t cursor = 0;
  do {
    cursor = ks.ScanStep(cursor, at, [&](const Record& r) { seen.emplace_back(r.key()); });
  } while (cursor != 0);
  std::sort(seen.begin(), seen.end());
  CHECK(seen == std::vector<std::string>{"k", "k", "p", "p"});
  CHECK(ks.ExpiredCount() == 0);
  CHECK(ks.KeysWithExpiry() == 1);

  CHECK(ks.Get("k", at + 1) == std::nullopt);
  CHECK(ks.Peek("k") == nullptr);  // deleted, as an expiry
  CHECK(ks.ExpiredCount() == 1);
  CHECK(ks.Count(at + 1) == 1);
  CheckAccounting(ks, at + 1);

  // Every lookup path draws the line at the same millisecond.
  ks.SetString("k", "v", at, TtlMode::kClear, kT0);
  CHECK(ks.RandomKey(at).has_value());
  CHECK(ks.Append("k", "w", at) == 2);  // appends to the live key, TTL kept
  CHECK(ks.GetExpire("k", at) == at);
  CHECK(ks.Rename("k", "r", at));
  CHECK(ks.Append("r", "x", at + 1) == 1);  // a new key
  CHECK(ks.GetExpire("r", at + 1) == kNoExpiry);
  CHECK(ks.ExpiredCount() == 2);
}

TEST_CASE("expiry boundary: Count reclaims keys before now and keeps the one at now") {
  Keyspace ks;
  const int64_t at = kT0 + 100;
  ks.SetString("before", "v", at - 1, TtlMode::kClear, kT0);
  ks.SetString("at", "v", at, TtlMode::kClear, kT0);
  ks.SetString("after", "v", at + 1, TtlMode::kClear, kT0);
  CHECK(ks.Count(at - 1) == 3);  // now == the earliest expiry: nothing to reclaim
  CHECK(ks.ExpiredCount() == 0);
  CHECK(ks.Count(at) == 2);
  CHECK(ks.ExpiredCount() == 1);
  CHECK(ks.KeysWithExpiry() == 2);
  CHECK(ks.Peek("at") != nullptr);
  CHECK(ks.Count(at) == 2);  // the bound is now `at` itself
  CHECK(ks.Count(at + 1) == 1);
  CHECK(ks.Peek("at") == nullptr);
  CHECK(ks.Count(at + 2) == 0);
  CHECK(ks.ExpiredCount() == 3);
}

TEST_CASE("expiry boundary: active expiry leaves a key at its expiry, takes it a ms later") {
  Keyspace ks;
  const int64_t at = kT0 + 100;
  for (int i = 0; i < 50; ++i) ks.SetString("t" + std::to_string(i), "v", at, TtlMode::kClear, kT0);
  const Keyspace::ExpireSample none = ks.ExpireSome(at, 50);
  CHECK(none.sampled == 50);
  CHECK(none.expired == 0);
  CHECK(ks.KeysWithExpiry() == 50);
  const Keyspace::ExpireSample all = ks.ExpireSome(at + 1, 50);
  CHECK(all.sampled == 50);
  CHECK(all.expired == 50);  // every sampled key was due
  CHECK(ks.KeysWithExpiry() == 0);
  CHECK(ks.ExpiredCount() == 50);

  // The store's cycle over every database, likewise.
  Store s(2);
  for (int i = 0; i < 50; ++i) {
    s.Db(1).SetString("t" + std::to_string(i), "v", at, TtlMode::kClear, kT0);
  }
  const auto no_time_passes = [] { return int64_t{0}; };
  CHECK(s.ActiveExpireCycle(at, 1'000'000, no_time_passes).expired == 0);
  CHECK(s.Db(1).Count(at) == 50);
  CHECK(s.ActiveExpireCycle(at + 1, 1'000'000, no_time_passes).expired == 50);
  CHECK(s.ExpiredKeys() == 50);
}

TEST_CASE("expiry boundary: a replica's keyspace hides a key only after its expiry") {
  Keyspace ks;
  ks.set_keep_expired(true);
  const int64_t at = kT0 + 100;
  ks.SetString("k", "v", at, TtlMode::kClear, kT0);
  CHECK(ks.Get("k", at) == "v");
  CHECK(ks.Get("k", at + 1) == std::nullopt);
  CHECK(ks.Peek("k") != nullptr);
}

TEST_CASE("count is exact while keys expire one by one") {
  Keyspace ks;
  for (int i = 0; i < 100; ++i) ks.PutWithTtl("t" + std::to_string(i), "v", 10 * (i + 1), kT0);
  for (int i = 0; i < 50; ++i) ks.Put("p" + std::to_string(i), "v");
  for (int step = 0; step <= 100; ++step) {
    const int64_t now = kT0 + 10 * step + 1;  // just past the step-th key's expiry
    CAPTURE(step);
    CHECK(ks.Count(now) == 150u - step);
    CHECK(ks.KeysWithExpiry() == 100u - step);  // exact once Count has run
  }
  CHECK(ks.ExpiredCount() == 100);
  CheckAccounting(ks, kT0 + 1001);
}

TEST_CASE("count reclaims nothing when no key can have expired yet") {
  Keyspace ks;
  ks.PutWithTtl("a", "v", 1000, kT0);
  ks.PutWithTtl("b", "v", 2000, kT0);
  CHECK(ks.Count(kT0 + 999) == 2);
  CHECK(ks.ExpiredCount() == 0);
  CHECK(ks.Count(kT0 + 1001) == 1);
  CHECK(ks.ExpiredCount() == 1);
  // The bound stays a lower bound after the earliest key is deleted by hand.
  ks.PutWithTtl("c", "v", 500, kT0);
  CHECK(ks.Delete("c", kT0));
  CHECK(ks.Count(kT0 + 600) == 1);
  CHECK(ks.Count(kT0 + 2001) == 0);
  CHECK(ks.ExpiredCount() == 2);
}

TEST_CASE("listing, scanning and ForEach never show expired keys") {
  Keyspace ks;
  ks.PutWithTtl("short", "v", 5, kT0);
  ks.Put("long", "v");
  const int64_t now = kT0 + 6;
  CHECK(SortedKeys(ks, now) == std::vector<std::string>{"long"});
  std::vector<std::string> seen;
  ks.ForEach(now, [&](const Record& r) { seen.emplace_back(r.key()); });
  CHECK(seen == std::vector<std::string>{"long"});
  seen.clear();
  uint64_t cursor = 0;
  do {
    cursor = ks.ScanStep(cursor, now, [&](const Record& r) { seen.emplace_back(r.key()); });
  } while (cursor != 0);
  CHECK(seen == std::vector<std::string>{"long"});
}

TEST_CASE("active expiry samples only keys with a TTL and deletes the expired") {
  Keyspace ks;
  for (int i = 0; i < 1000; ++i) ks.Put("p" + std::to_string(i), "v");
  for (int i = 0; i < 100; ++i) ks.PutWithTtl("t" + std::to_string(i), "v", 100, kT0);
  const Keyspace::ExpireSample none = ks.ExpireSome(kT0 + 50, 20);
  CHECK(none.sampled == 20);
  CHECK(none.expired == 0);
  size_t total = 0;
  for (int round = 0; round < 100 && ks.KeysWithExpiry() > 0; ++round) {
    const Keyspace::ExpireSample s = ks.ExpireSome(kT0 + 101, 20);
    CHECK(s.sampled <= 20);
    CHECK(s.expired == s.sampled);  // every key with a TTL is due
    total += s.expired;
  }
  CHECK(total == 100);
  CHECK(ks.KeysWithExpiry() == 0);
  CHECK(ks.ExpiredCount() == 100);
  CHECK(ks.Count(kT0 + 101) == 1000);
  CHECK(ks.ExpireSome(kT0 + 101, 20).sampled == 0);
  CheckAccounting(ks, kT0 + 101);
}

TEST_CASE("active expiry walks the whole TTL table over successive calls") {
  Keyspace ks;
  for (int i = 0; i < 500; ++i) {
    // Every tenth key expires; the rest live long.
    ks.PutWithTtl("t" + std::to_string(i), "v", i % 10 == 0 ? 10 : 100000, kT0);
  }
  size_t expired = 0;
  for (int round = 0; round < 200; ++round) expired += ks.ExpireSome(kT0 + 11, 20).expired;
  CHECK(expired == 50);
  CHECK(ks.KeysWithExpiry() == 450);
}

TEST_CASE("SetExpire, GetExpire, Persist") {
  Keyspace ks;
  ks.Put("k", "v");
  CHECK(ks.GetExpire("k", kT0) == kNoExpiry);
  CHECK(ks.GetExpire("missing", kT0) == std::nullopt);
  CHECK_FALSE(ks.SetExpire("missing", kT0 + 10, kT0));
  CHECK_FALSE(ks.Persist("k", kT0));  // no TTL to remove
  CHECK(ks.SetExpire("k", kT0 + 10, kT0));
  CHECK(ks.GetExpire("k", kT0) == kT0 + 10);
  CHECK(ks.KeysWithExpiry() == 1);
  CHECK(ks.SetExpire("k", kT0 + 20, kT0));  // changing it
  CHECK(ks.GetExpire("k", kT0) == kT0 + 20);
  CHECK(ks.KeysWithExpiry() == 1);
  CHECK(ks.Persist("k", kT0));
  CHECK(ks.GetExpire("k", kT0 + 100) == kNoExpiry);
  CHECK(ks.KeysWithExpiry() == 0);
  CHECK(ks.Get("k", kT0 + 100) == "v");
  CheckAccounting(ks, kT0);
}

TEST_CASE("an expiry in the past deletes the key, as a deletion rather than an expiry") {
  Keyspace ks;
  ks.Put("k", "v");
  CHECK(ks.SetExpire("k", kT0, kT0));
  CHECK_FALSE(ks.Contains("k", kT0));
  CHECK(ks.ExpiredCount() == 0);
  CHECK(ks.DataBytes() == 0);
}

TEST_CASE("rename keeps value and TTL, replaces the target, and to itself is a no-op") {
  Keyspace ks;
  ks.PutWithTtl("from", "value", 1000, kT0);
  ks.Put("to", "old");
  CHECK(ks.Rename("from", "to", kT0));
  CHECK_FALSE(ks.Contains("from", kT0));
  CHECK(ks.Get("to", kT0) == "value");
  CHECK(ks.GetExpire("to", kT0) == kT0 + 1000);
  CHECK(ks.Count(kT0) == 1);
  CHECK(ks.KeysWithExpiry() == 1);
  CHECK(ks.Rename("to", "to", kT0));
  CHECK(ks.Get("to", kT0) == "value");
  CHECK_FALSE(ks.Rename("nothing", "x", kT0));
  // A persistent key renamed over a volatile one leaves no TTL behind.
  ks.Put("p", "persistent");
  CHECK(ks.Rename("p", "to", kT0));
  CHECK(ks.GetExpire("to", kT0) == kNoExpiry);
  CHECK(ks.KeysWithExpiry() == 0);
  CheckAccounting(ks, kT0);
}

TEST_CASE("copy keeps the TTL and honours replace, within and across keyspaces") {
  Keyspace a;
  Keyspace b;
  a.PutWithTtl("src", "value", 1000, kT0);
  b.Put("dst", "taken");
  CHECK_FALSE(a.CopyTo("missing", b, "x", true, kT0));
  CHECK_FALSE(a.CopyTo("src", b, "dst", false, kT0));
  CHECK(b.Get("dst", kT0) == "taken");
  CHECK(a.CopyTo("src", b, "dst", true, kT0));
  CHECK(b.Get("dst", kT0) == "value");
  CHECK(b.GetExpire("dst", kT0) == kT0 + 1000);
  CHECK(a.Get("src", kT0) == "value");  // the source stays
  CHECK(a.CopyTo("src", a, "twin", false, kT0));
  CHECK(a.Get("twin", kT0) == "value");
  CHECK(a.KeysWithExpiry() == 2);
  CHECK_FALSE(a.CopyTo("src", a, "src", true, kT0));  // onto itself
  CheckAccounting(a, kT0);
  CheckAccounting(b, kT0);
}

TEST_CASE("move transfers the record only when the target lacks the key") {
  Keyspace a;
  Keyspace b;
  a.PutWithTtl("k", "v", 1000, kT0);
  const Record* record = a.Peek("k");
  CHECK(a.MoveTo("k", b, kT0));
  CHECK(b.Peek("k") == record);  // no copy
  CHECK_FALSE(a.Contains("k", kT0));
  CHECK(b.GetExpire("k", kT0) == kT0 + 1000);
  CHECK(b.KeysWithExpiry() == 1);
  CHECK(a.KeysWithExpiry() == 0);
  a.Put("k", "here");
  CHECK_FALSE(a.MoveTo("k", b, kT0));  // present there
  CHECK_FALSE(a.MoveTo("missing", b, kT0));
  CHECK_FALSE(a.MoveTo("k", a, kT0));
  CHECK_FALSE(b.MoveTo("k", a, kT0 + 1001));  // expired at the source: gone
  CHECK(a.Get("k", kT0) == "here");
  // An expired key in the target does not block the move.
  a.PutWithTtl("e", "stale", 10, kT0);
  b.Put("e", "fresh");
  CHECK(b.MoveTo("e", a, kT0 + 1000));
  CHECK(a.Get("e", kT0 + 1000) == "fresh");
  CHECK(a.GetExpire("e", kT0 + 1000) == kNoExpiry);
  CheckAccounting(a, kT0 + 1000);
  CheckAccounting(b, kT0 + 1000);
}

TEST_CASE("avg_ttl is the mean remaining TTL of the keys that have one") {
  Keyspace ks;
  CHECK(ks.AvgTtlMs(kT0) == 0);
  ks.Put("p", "v");
  ks.PutWithTtl("a", "v", 1000, kT0);
  ks.PutWithTtl("b", "v", 3000, kT0);
  CHECK(ks.AvgTtlMs(kT0) == 2000);
  CHECK(ks.AvgTtlMs(kT0 + 500) == 1500);
  ks.Persist("b", kT0);
  CHECK(ks.AvgTtlMs(kT0) == 1000);
  ks.Delete("a", kT0);
  CHECK(ks.AvgTtlMs(kT0) == 0);
}

TEST_CASE("random key returns live keys only, and every one eventually") {
  Keyspace ks;
  CHECK(ks.RandomKey(kT0) == std::nullopt);
  for (int i = 0; i < 20; ++i) ks.Put("k" + std::to_string(i), "v");
  for (int i = 0; i < 20; ++i) ks.PutWithTtl("x" + std::to_string(i), "v", 5, kT0);
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const auto k = ks.RandomKey(kT0 + 6);
    REQUIRE(k.has_value());
    CHECK(k->front() == 'k');
    seen.emplace(*k);
  }
  CHECK(seen.size() == 20);
  CHECK(ks.Count(kT0 + 6) == 20);
}

}  // namespace
}  // namespace kvd
