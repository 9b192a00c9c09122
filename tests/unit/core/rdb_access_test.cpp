// Keys' access history in RDB files (IDLE and FREQ): written as the maxmemory-policy asks,
// and restored on load when the policy in force reads that kind, as Redis does.
#include <doctest/doctest.h>

#include <string>

#include "core/access_clock.h"
#include "rdb_test_util.h"

namespace kvd {
namespace {

using namespace std::string_literals;
using rdb_test::kNow;
using rdb_test::Set;

// A store on a clock of its own, at kNow, reading LFU or LRU.
struct ClockedStore {
  explicit ClockedStore(bool lfu) {
    clock.set_lfu(lfu);
    clock.Update(kNow);
    store.SetAccessClock(&clock);
  }
  uint32_t Access(std::string_view key) { return store.Db(0).Peek(key)->access(); }

  AccessClock clock;
  Store store;
};

std::string Encode(const Store& s, RdbAccessInfo access) {
  RdbOptions o;
  o.access = access;
  return EncodeRdb(s, kNow, o);
}

TEST_CASE("rdb access: IDLE seconds go before each key under an LRU policy, and load back") {
  ClockedStore src(/*lfu=*/false);
  Set(src.store, 0, "old", "1");
  Set(src.store, 0, "new", "2");
  REQUIRE(src.store.Db(0).SetAccess("old", *src.clock.Restored(100, -1), kNow));
  const std::string file = Encode(src.store, RdbAccessInfo::kIdle);
  CHECK(file.find("\xf8\x40\x64\x00\x03old"s) != std::string::npos);  // IDLE 100 (14-bit)
  CHECK(file.find("\xf8\x00\x00\x03new"s) != std::string::npos);
  CHECK(Encode(src.store, RdbAccessInfo::kNone).find('\xf8') == std::string::npos);

  ClockedStore dst(/*lfu=*/false);
  REQUIRE(LoadRdb(file, kNow, dst.store) == "");
  CHECK(dst.clock.IdleMs(dst.Access("old")) == 100'000);
  CHECK(dst.clock.IdleMs(dst.Access("new")) == 0);
}

TEST_CASE("rdb access: FREQ is the decayed counter under an LFU policy, and loads back") {
  ClockedStore src(/*lfu=*/true);
  Set(src.store, 0, "hot", "1");
  REQUIRE(src.store.Db(0).SetAccess("hot", *src.clock.Restored(-1, 42), kNow));
  std::string file = Encode(src.store, RdbAccessInfo::kFreq);
  CHECK(file.find("\xf9\x2a\x00\x03hot"s) != std::string::npos);
  // Three minutes on, at one decrement a minute, the file holds 39.
  src.clock.Update(kNow + 3 * 60'000);
  CHECK(Encode(src.store, RdbAccessInfo::kFreq).find("\xf9\x27\x00\x03hot"s) != std::string::npos);

  ClockedStore dst(/*lfu=*/true);
  REQUIRE(LoadRdb(file, kNow, dst.store) == "");
  CHECK(dst.clock.Frequency(dst.Access("hot")) == 42);
}

TEST_CASE("rdb access: a kind the policy in force does not read leaves the key just accessed") {
  ClockedStore lfu_src(/*lfu=*/true);
  Set(lfu_src.store, 0, "k", "v");
  REQUIRE(lfu_src.store.Db(0).SetAccess("k", *lfu_src.clock.Restored(-1, 200), kNow));
  ClockedStore lru(/*lfu=*/false);
  REQUIRE(LoadRdb(Encode(lfu_src.store, RdbAccessInfo::kFreq), kNow, lru.store) == "");
  CHECK(lru.clock.IdleMs(lru.Access("k")) == 0);

  ClockedStore lru_src(/*lfu=*/false);
  Set(lru_src.store, 0, "k", "v");
  REQUIRE(lru_src.store.Db(0).SetAccess("k", *lru_src.clock.Restored(500, -1), kNow));
  ClockedStore lfu(/*lfu=*/true);
  REQUIRE(LoadRdb(Encode(lru_src.store, RdbAccessInfo::kIdle), kNow, lfu.store) == "");
  CHECK(lfu.clock.Frequency(lfu.Access("k")) == AccessClock::kLfuInitVal);
}

TEST_CASE("rdb access: IDLE and FREQ apply to the next key only, expired or not") {
  // IDLE 50 before an expired key, which is dropped; the key after it has no history.
  const std::string body =
      "\xf8\x32\xfc\x01\x00\x00\x00\x00\x00\x00\x00"  // IDLE 50, expired at 1 ms
      "\x00\x04gone\x01x"
      "\x00\x04next\x01y"
      "\xf8\x32\x00\x04idle\x01z"s;
  ClockedStore dst(/*lfu=*/false);
  REQUIRE(LoadRdb(rdb_test::Craft(body), kNow, dst.store) == "");
  CHECK(dst.store.Db(0).Peek("gone") == nullptr);
  CHECK(dst.clock.IdleMs(dst.Access("next")) == 0);
  CHECK(dst.clock.IdleMs(dst.Access("idle")) == 50'000);
}

}  // namespace
}  // namespace kvd
