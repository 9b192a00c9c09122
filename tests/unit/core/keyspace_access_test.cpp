// Keys' access field as the keyspace keeps it: stamped on creation, updated by every lookup
// (Redis's lookupKey), left alone by FindNoTouch, Peek and while the clock says no-touch.
#include <doctest/doctest.h>

#include <string>

#include "core/access_clock.h"
#include "core/clock.h"
#include "core/hash_value.h"
#include "core/keyspace.h"
#include "core/store.h"
#include "keyspace_test_util.h"

namespace kvd {
namespace {

using testing::kT0;

// A keyspace on its own access clock, driven by a manual clock as the server's cron would.
struct Fixture {
  ManualClock clock{kT0};
  AccessClock access;
  Keyspace ks;
  Fixture() {
    ks.set_access_clock(&access);
    Tick(0);
  }
  void Tick(int64_t ms) {
    clock.Advance(ms);
    access.Update(clock.NowMs());
  }
  int64_t now() const { return clock.NowMs(); }
  uint64_t IdleMs(std::string_view key) {
    const Record* r = ks.FindNoTouch(key, now());
    REQUIRE(r != nullptr);
    return access.IdleMs(r->access());
  }
  uint8_t Freq(std::string_view key) {
    const Record* r = ks.FindNoTouch(key, now());
    REQUIRE(r != nullptr);
    return access.Frequency(r->access());
  }
};

TEST_CASE("a keyspace uses the process clock unless given one") {
  Keyspace ks;
  CHECK(&ks.access_clock() == &AccessClock::Process());
  Store store(4);
  CHECK(&store.access_clock() == &AccessClock::Process());
  AccessClock mine;
  store.SetAccessClock(&mine);
  for (size_t i = 0; i < store.DatabaseCount(); ++i) CHECK(&store.Db(i).access_clock() == &mine);
  store.SwapDbs(0, 3);  // the clock belongs to the slot, as the listeners
  CHECK(&store.Db(0).access_clock() == &mine);
  CHECK(&store.Db(3).access_clock() == &mine);
  Store moved(std::move(store));
  CHECK(&moved.access_clock() == &mine);
  CHECK(&moved.Db(2).access_clock() == &mine);
}

TEST_CASE("LRU: reads and writes reset the idle time; FindNoTouch and Peek do not") {
  Fixture f;
  f.ks.Put("k", "v");
  f.ks.SetString("w", "x", kNoExpiry, TtlMode::kClear, f.now());
  f.Tick(30'000);
  CHECK(f.IdleMs("k") == 30'000);
  CHECK(f.IdleMs("k") == 30'000);  // looking without touching changes nothing
  CHECK(f.ks.Peek("k") != nullptr);
  CHECK(f.IdleMs("k") == 30'000);
  CHECK(f.ks.Get("k", f.now()) == "v");
  CHECK(f.IdleMs("k") == 0);
  CHECK(f.IdleMs("w") == 30'000);
  f.ks.Append("w", "y", f.now());  // a write looks the key up too
  CHECK(f.IdleMs("w") == 0);
  f.Tick(5'000);
  CHECK(f.ks.Contains("k", f.now()));
  CHECK(f.ks.GetExpire("w", f.now()) == kNoExpiry);
  CHECK(f.IdleMs("k") == 0);
  CHECK(f.IdleMs("w") == 0);
  // A key created later starts at its creation time.
  f.ks.Put("new", "v");
  f.Tick(2'000);
  CHECK(f.IdleMs("new") == 2'000);
}

TEST_CASE("LRU: a record reallocated by a write keeps the access field") {
  Fixture f;
  f.ks.Put("k", "short");
  f.Tick(10'000);
  f.access.set_no_touch(true);  // so only the reshape could change the field
  f.ks.SetString("k", std::string(4000, 'x'), kNoExpiry, TtlMode::kClear, f.now());
  f.ks.SetExpire("k", f.now() + 1'000'000, f.now());
  f.access.set_no_touch(false);
  CHECK(f.IdleMs("k") == 10'000);
  CHECK(f.ks.Get("k", f.now())->size() == 4000);
  testing::CheckAccounting(f.ks, f.now());
}

TEST_CASE("no-touch: lookups leave the field alone until it is cleared") {
  Fixture f;
  f.ks.Put("k", "v");
  f.Tick(7'000);
  f.access.set_no_touch(true);
  CHECK(f.ks.Get("k", f.now()) == "v");
  f.ks.SetString("k", "v2", kNoExpiry, TtlMode::kKeep, f.now());
  CHECK(f.IdleMs("k") == 7'000);
  f.access.set_no_touch(false);
  CHECK(f.ks.Get("k", f.now()) == "v2");
  CHECK(f.IdleMs("k") == 0);
}

TEST_CASE("LFU: new keys start at 5, lookups count, idle minutes decay") {
  Fixture f;
  f.access.set_lfu(true);
  f.access.set_lfu_log_factor(0);  // every access counts: deterministic
  f.ks.Put("k", "v");
  CHECK(f.Freq("k") == AccessClock::kLfuInitVal);
  for (int i = 0; i < 10; ++i) f.ks.Get("k", f.now());
  CHECK(f.Freq("k") == 15);
  f.access.set_no_touch(true);
  f.ks.Get("k", f.now());
  CHECK(f.Freq("k") == 15);
  f.access.set_no_touch(false);
  f.Tick(4 * 60'000);
  CHECK(f.Freq("k") == 11);
  f.ks.Get("k", f.now());  // decays to 11, then counts
  CHECK(f.Freq("k") == 12);

  // With the default factor, counting slows down past 5: 200 reads stay far below 205.
  f.access.set_lfu_log_factor(10);
  f.ks.Put("slow", "v");
  for (int i = 0; i < 200; ++i) f.ks.Get("slow", f.now());
  CHECK(f.Freq("slow") > 5);
  CHECK(f.Freq("slow") < 30);
}

TEST_CASE("LFU: collections count too; RENAME keeps the counter, COPY starts afresh") {
  Fixture f;
  f.access.set_lfu(true);
  f.access.set_lfu_log_factor(0);
  {
    auto w = f.ks.Write<HashValue>("h", f.now(), /*create=*/true);
    REQUIRE(w);
    w->Set("field", "value");
  }
  CHECK(f.Freq("h") == 5);
  CHECK(f.ks.Read<HashValue>("h", f.now()) != nullptr);
  CHECK(f.Freq("h") == 6);
  for (int i = 0; i < 4; ++i) f.ks.Get("h", f.now());  // a lookup of the wrong type counts
  CHECK(f.Freq("h") == 10);
  CHECK(f.ks.Rename("h", "h2", f.now()));  // the lookup of the source counts once
  CHECK(f.Freq("h2") == 11);
  CHECK(f.ks.CopyTo("h2", f.ks, "h3", false, f.now()));
  CHECK(f.Freq("h3") == 5);
  CHECK(f.Freq("h2") == 12);
}

TEST_CASE("LFU: a stored collection overwriting a key keeps its counter, as Redis's dbSetValue") {
  Fixture f;
  f.access.set_lfu(true);
  f.access.set_lfu_log_factor(0);
  f.ks.Put("k", "v");
  for (int i = 0; i < 5; ++i) f.ks.Get("k", f.now());
  CHECK(f.Freq("k") == 10);
  auto h = HashValue::Create();
  h->Set("a", "b");
  f.ks.StoreCollection("k", std::move(h), kNoExpiry, f.now());
  CHECK(f.Freq("k") == 11);  // looked up (+1), then the value replaced under the same field
  auto h2 = HashValue::Create();
  h2->Set("a", "b");
  f.ks.StoreCollection("fresh", std::move(h2), kNoExpiry, f.now());
  CHECK(f.Freq("fresh") == 5);
  testing::CheckAccounting(f.ks, f.now());
}

}  // namespace
}  // namespace kvd
