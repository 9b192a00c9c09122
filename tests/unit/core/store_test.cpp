// The databases and Redis's active expire cycle over them.
#include "core/store.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace kvd {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;

void FillExpiring(Keyspace& ks, const std::string& prefix, int n, int64_t ttl_ms) {
  for (int i = 0; i < n; ++i) ks.PutWithTtl(prefix + std::to_string(i), "v", ttl_ms, kT0);
}

const auto kNoTimePasses = [] { return int64_t{0}; };

TEST_CASE("sixteen independent databases by default") {
  Store s;
  CHECK(s.DatabaseCount() == 16);
  s.Db(0).Put("k", "zero");
  s.Db(15).Put("k", "fifteen");
  CHECK(s.Db(0).Get("k", kT0) == "zero");
  CHECK(s.Db(15).Get("k", kT0) == "fifteen");
  CHECK_FALSE(s.Db(1).Contains("k", kT0));
  CHECK(Store(4).DatabaseCount() == 4);
}

TEST_CASE("sums over databases and FLUSHALL") {
  Store s;
  s.Db(0).Put("ab", "cd");
  s.Db(3).Put("x", "yz");
  CHECK(s.DataBytes() == 7);
  CHECK(s.AllocatedBytes() == s.Db(0).AllocatedBytes() + s.Db(3).AllocatedBytes());
  CHECK(s.AllocatedBytes() > 0);
  s.Db(3).PutWithTtl("t", "v", 1, kT0);
  CHECK_FALSE(s.Db(3).Contains("t", kT0 + 2));
  CHECK(s.ExpiredKeys() == 1);
  s.FlushAll();
  CHECK(s.DataBytes() == 0);
  CHECK(s.AllocatedBytes() == 0);
  CHECK(s.Db(0).Count(kT0) == 0);
  CHECK(s.ExpiredKeys() == 1);  // a statistic, not data
}

TEST_CASE("SWAPDB exchanges contents, TTLs included") {
  Store s;
  s.Db(1).Put("one", "1");
  s.Db(2).PutWithTtl("two", "2", 1000, kT0);
  s.SwapDbs(1, 2);
  CHECK(s.Db(1).Get("two", kT0) == "2");
  CHECK(s.Db(1).GetExpire("two", kT0) == kT0 + 1000);
  CHECK(s.Db(2).Get("one", kT0) == "1");
  CHECK_FALSE(s.Db(1).Contains("one", kT0));
  s.SwapDbs(2, 2);
  CHECK(s.Db(2).Get("one", kT0) == "1");
}

TEST_CASE("the cycle clears a database that is all expired, within one call") {
  Store s;
  FillExpiring(s.Db(0), "a", 1000, 10);
  FillExpiring(s.Db(5), "b", 300, 10);
  s.Db(5).Put("keep", "v");
  const Store::CycleResult r = s.ActiveExpireCycle(kT0 + 11, 25000, kNoTimePasses);
  CHECK_FALSE(r.out_of_time);
  CHECK(r.expired == 1300);
  CHECK(r.sampled == 1300);
  CHECK(s.Db(0).KeysWithExpiry() == 0);
  CHECK(s.Db(0).Stats().entries == 0);
  CHECK(s.Db(5).Stats().entries == 1);
  CHECK(s.ExpiredKeys() == 1300);
}

TEST_CASE("the cycle stops repeating a database once few of a sample are expired") {
  Store s;
  FillExpiring(s.Db(0), "live", 1000, 100000);
  const Store::CycleResult none = s.ActiveExpireCycle(kT0, 25000, kNoTimePasses);
  CHECK(none.expired == 0);
  CHECK(none.sampled == 20);  // one round: 0% expired is under the 10% threshold
  // 5% expired: one or very few rounds, certainly not the whole table.
  FillExpiring(s.Db(0), "dead", 50, 1);
  const Store::CycleResult few = s.ActiveExpireCycle(kT0 + 2, 25000, kNoTimePasses);
  CHECK(few.sampled >= 20);
  CHECK(few.sampled < 1000 + 50);
  CHECK(few.expired == s.ExpiredKeys());
}

TEST_CASE("active-expire-effort samples more keys a round, as Redis") {
  Store s;
  FillExpiring(s.Db(0), "live", 1000, 100000);
  // effort 9 (active-expire-effort 10): 20 + 5 * 9 keys a round.
  CHECK(s.ActiveExpireCycle(kT0, 25000, kNoTimePasses, 9).sampled == 65);
  CHECK(s.ActiveExpireCycle(kT0, 25000, kNoTimePasses, 4).sampled == 40);
}

TEST_CASE("the cycle stops when its time budget is spent and resumes at the next database") {
  Store s;
  for (size_t db = 0; db < 3; ++db) FillExpiring(s.Db(db), "k", 5000, 1);
  int64_t fake_us = 0;
  int clock_reads = 0;
  const auto elapsed = [&] {
    ++clock_reads;
    return fake_us += 1000;  // each look at the clock: another millisecond gone
  };
  const Store::CycleResult first = s.ActiveExpireCycle(kT0 + 2, 500, elapsed);
  CHECK(first.out_of_time);
  CHECK(clock_reads == 1);  // the clock is read every 16 rounds only
  CHECK(first.sampled == 16 * 20);
  CHECK(s.Db(0).ExpiredCount() == 16 * 20);
  CHECK(s.Db(1).ExpiredCount() == 0);

  fake_us = 0;
  const Store::CycleResult second = s.ActiveExpireCycle(kT0 + 2, 500, elapsed);
  CHECK(second.out_of_time);
  CHECK(s.Db(1).ExpiredCount() == 16 * 20);  // resumed with the next database
  CHECK(s.Db(0).ExpiredCount() == 16 * 20);

  // Without a time limit the rest goes: db 2, then 3..15 (empty), then 0 and 1 again.
  const Store::CycleResult third = s.ActiveExpireCycle(kT0 + 2, 1'000'000'000, kNoTimePasses);
  CHECK_FALSE(third.out_of_time);
  CHECK(s.ExpiredKeys() == 15000);
  for (size_t db = 0; db < 3; ++db) CHECK(s.Db(db).Count(kT0 + 2) == 0);
}

TEST_CASE("store: every expiry, lazy or active, is reported with its database") {
  Store s;
  std::vector<std::string> heard;
  s.SetExpireListener([&](size_t db, std::string_view key) {
    heard.push_back(std::to_string(db) + ":" + std::string(key));
  });
  s.Db(0).SetString("lazy", "v", kT0 + 10, TtlMode::kClear, kT0);
  s.Db(2).SetString("active", "v", kT0 + 10, TtlMode::kClear, kT0);
  s.Db(3).SetString("kept", "v", kT0 + 1000, TtlMode::kClear, kT0);
  s.Db(3).SetString("deleted", "v", kT0 + 10, TtlMode::kClear, kT0);
  CHECK(s.Db(3).Delete("deleted", kT0));  // a deletion, not an expiry
  s.SwapDbs(0, 5);                        // the index is the database's at the time
  CHECK_FALSE(s.Db(5).Get("lazy", kT0 + 11).has_value());
  s.ActiveExpireCycle(kT0 + 11, 1'000'000'000, kNoTimePasses);
  CHECK(heard == std::vector<std::string>{"5:lazy", "2:active"});
  s.SetExpireListener(nullptr);
  s.Db(3).SetString("late", "v", kT0 + 20, TtlMode::kClear, kT0);
  CHECK(s.Db(3).Count(kT0 + 21) == 1);
  CHECK(heard.size() == 2);
}

}  // namespace
}  // namespace kvd
