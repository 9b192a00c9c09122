// SCAN's guarantee: every key present for the whole iteration is returned at least once,
// even while the table grows and shrinks between steps.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "core/keyspace.h"
#include "keyspace_test_util.h"

namespace kvd {
namespace {

using testing::kT0;

std::map<std::string, int> ScanAll(Keyspace& ks, int64_t now) {
  std::map<std::string, int> seen;
  uint64_t cursor = 0;
  do {
    cursor = ks.ScanStep(cursor, now, [&](const Record& r) { ++seen[std::string(r.key())]; });
  } while (cursor != 0);
  return seen;
}

TEST_CASE("scan of an empty keyspace ends at once") {
  Keyspace ks;
  int calls = 0;
  CHECK(ks.ScanStep(0, kT0, [&](const Record&) { ++calls; }) == 0);
  CHECK(calls == 0);
}

TEST_CASE("scan of a table that does not change returns every key exactly once") {
  for (int n : {1, 7, 8, 100, 3000}) {
    CAPTURE(n);
    Keyspace ks;
    for (int i = 0; i < n; ++i) ks.Put("key:" + std::to_string(i), "v");
    const auto seen = ScanAll(ks, kT0);
    CHECK(seen.size() == static_cast<size_t>(n));
    for (const auto& [key, times] : seen) CHECK(times == 1);
  }
}

TEST_CASE("scan returns every stable key while the table grows and shrinks between steps") {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    Keyspace ks;
    std::set<std::string> stable;
    for (int i = 0; i < 300; ++i) {
      stable.insert("stable:" + std::to_string(i));
      ks.Put("stable:" + std::to_string(i), "v");
    }
    std::set<std::string> seen;
    std::set<size_t> capacities{ks.Stats().capacity};
    int grows = 0;
    int shrinks = 0;
    int churn_id = 0;
    std::vector<std::string> churn;
    uint64_t cursor = 0;
    int step = 0;
    do {
      cursor = ks.ScanStep(cursor, kT0, [&](const Record& r) { seen.emplace(r.key()); });
      const size_t before = ks.Stats().capacity;
      switch (rng() % 32) {
        case 0:  // burst of inserts: grows
          for (int i = 0; i < 600; ++i) {
            churn.push_back("churn:" + std::to_string(churn_id++));
            ks.Put(churn.back(), "c");
          }
          break;
        case 1:  // delete every churn key: shrinks
          for (const std::string& k : churn) ks.Delete(k, kT0);
          churn.clear();
          break;
        default:  // a few random changes
          for (int i = 0; i < 5 && !churn.empty(); ++i) {
            const size_t at = rng() % churn.size();
            ks.Delete(churn[at], kT0);
            churn.erase(churn.begin() + at);
          }
          break;
      }
      const size_t after = ks.Stats().capacity;
      grows += after > before;
      shrinks += after < before;
      capacities.insert(after);
      ++step;
    } while (cursor != 0 && step < 100000);
    CHECK(cursor == 0);
    for (const std::string& k : stable) CHECK(seen.count(k) == 1);
    // Churn keys may or may not show up; nothing else may.
    for (const std::string& k : seen) CHECK((k.rfind("stable:", 0) == 0 || k.rfind("churn:", 0) == 0));
    CHECK(capacities.size() >= 2);
    if (step > 8) {
      CHECK(grows > 0);
      CHECK(shrinks > 0);
    }
    for (const std::string& k : churn) ks.Delete(k, kT0);
  }
}

TEST_CASE("a cursor taken before a big shrink still finishes and covers the stable keys") {
  Keyspace ks;
  for (int i = 0; i < 50; ++i) ks.Put("s" + std::to_string(i), "v");
  for (int i = 0; i < 20000; ++i) ks.Put("c" + std::to_string(i), "v");
  std::set<std::string> seen;
  uint64_t cursor = 0;
  for (int i = 0; i < 600; ++i) {
    cursor = ks.ScanStep(cursor, kT0, [&](const Record& r) { seen.emplace(r.key()); });
  }
  const size_t big = ks.Stats().capacity;
  for (int i = 0; i < 20000; ++i) ks.Delete("c" + std::to_string(i), kT0);
  CHECK(ks.Stats().capacity < big / 100);
  while (cursor != 0) {
    cursor = ks.ScanStep(cursor, kT0, [&](const Record& r) { seen.emplace(r.key()); });
  }
  for (int i = 0; i < 50; ++i) CHECK(seen.count("s" + std::to_string(i)) == 1);
}

}  // namespace
}  // namespace kvd
