#pragma once
// Helpers for the keyspace tests: an independent recount of what the keyspace claims.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/collection.h"
#include "core/keyspace.h"
#include "core/record.h"

namespace kvd::testing {

inline constexpr int64_t kT0 = 1'700'000'000'000;

// Recounts data bytes and record allocations by walking every live record and checks them
// against the O(1) counters. Reclaims expired keys first (Count does), so the walk sees
// everything the counters cover.
inline void CheckAccounting(Keyspace& ks, int64_t now_ms) {
  const size_t count = ks.Count(now_ms);
  size_t data = 0;
  size_t alloc = 0;
  size_t records = 0;
  size_t with_ttl = 0;
  ks.ForEach(now_ms, [&](const Record& r) {
    data += r.key().size() + r.string_value().size() + ObjectDataBytes(r);
    alloc += r.AllocSize() + ObjectAllocatedBytes(r);
    CHECK(r.UsedSize() <= r.AllocSize());
    ++records;
    if (r.has_expiry()) ++with_ttl;
  });
  CHECK(records == count);
  CHECK(ks.Stats().entries == count);
  CHECK(ks.KeysWithExpiry() == with_ttl);
  CHECK(ks.DataBytes() == data);
  CHECK(ks.AllocatedBytes() == alloc + ks.TableBytes());
}

inline std::vector<std::string> SortedKeys(Keyspace& ks, int64_t now_ms) {
  std::vector<std::string_view> views(ks.Count(now_ms) + 1);
  views.resize(ks.ListKeys(views, now_ms));
  std::vector<std::string> out(views.begin(), views.end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace kvd::testing
