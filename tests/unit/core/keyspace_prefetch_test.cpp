// Keyspace::PrefetchKey / PrefetchRecord: hints only. Whatever keys they are given, the
// keyspace afterwards is exactly as before (no expiry, no access stamp, no allocation).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/access_clock.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/keyspace.h"
#include "keyspace_test_util.h"

namespace kvd {
namespace {

using testing::kT0;

void PrefetchAll(const Keyspace& ks, const std::vector<std::string>& keys) {
  std::vector<uint64_t> hashes;
  for (const std::string& k : keys) {
    const uint64_t h = ks.PrefetchKey(k);
    CHECK(h == HashKey(k));
    hashes.push_back(h);
  }
  for (uint64_t h : hashes) ks.PrefetchRecord(h);
  for (uint64_t h : hashes) ks.PrefetchValue(h);
}

TEST_CASE("prefetching on an empty keyspace does nothing") {
  Keyspace ks;
  PrefetchAll(ks, {"a", "", std::string(300, 'x')});
  CHECK(ks.KeyCount() == 0);
  CHECK(ks.AllocatedBytes() == 0);
  CHECK(ks.Stats().capacity == 0);
}

TEST_CASE("prefetching neither expires, touches nor moves anything") {
  ManualClock clock{kT0};
  AccessClock access;
  access.Update(clock.NowMs());
  Keyspace ks;
  ks.set_access_clock(&access);
  std::vector<std::string> keys;
  for (int i = 0; i < 2000; ++i) {
    keys.push_back("key:" + std::to_string(i));
    if (i % 4 == 0) {
      ks.PutWithTtl(keys.back(), "v", 1000, clock.NowMs());
    } else {
      // Short, longer than a cache line and longer than the value prefetch's 4 KB reach.
      const size_t len = i % 3 == 0 ? 5 : (i % 3 == 1 ? 65 + i : 5000);
      ks.Put(keys.back(), std::string(len, 'v'));
    }
  }
  for (int i = 0; i < 200; ++i) keys.push_back("missing:" + std::to_string(i));
  clock.Advance(5000);  // the TTL keys are now expired, not yet reclaimed
  access.Update(clock.NowMs());

  std::vector<const Record*> before;
  std::vector<uint32_t> stamps;
  for (const std::string& k : keys) {
    before.push_back(ks.Peek(k));
    stamps.push_back(before.back() == nullptr ? 0 : before.back()->access());
  }
  const size_t allocated = ks.AllocatedBytes();
  const size_t capacity = ks.Stats().capacity;

  PrefetchAll(ks, keys);

  CHECK(ks.KeyCount() == 2000);
  CHECK(ks.KeysWithExpiry() == 500);
  CHECK(ks.ExpiredCount() == 0);
  CHECK(ks.AllocatedBytes() == allocated);
  CHECK(ks.Stats().capacity == capacity);
  for (size_t i = 0; i < keys.size(); ++i) {
    const Record* r = ks.Peek(keys[i]);
    CHECK(r == before[i]);
    if (r != nullptr) CHECK(r->access() == stamps[i]);
  }
  // The lookups that follow behave as without the prefetch.
  CHECK(ks.Find("key:1", clock.NowMs()) == before[1]);
  CHECK(ks.Find("key:0", clock.NowMs()) == nullptr);
  CHECK(ks.ExpiredCount() == 1);
  CHECK(ks.Count(clock.NowMs()) == 1500);
  testing::CheckAccounting(ks, clock.NowMs());
}

}  // namespace
}  // namespace kvd
