// Keyspace::SampleRecords: the candidates the eviction pool (core/eviction.h) scores.
#include <algorithm>

#include "core/keyspace.h"

namespace kvd {

size_t Keyspace::SampleRecords(bool with_ttl_only, std::span<const Record*> out) {
  const RecordTable& table = with_ttl_only ? volatile_ : main_;
  if (table.size() == 0 || out.empty()) return 0;
  const size_t want = std::min(out.size(), table.size());
  const size_t mask = table.capacity() - 1;
  // Tables are at least 1/10 full (they shrink below that), so the walk from a random slot
  // is about ten slots per record at worst.
  size_t n = 0;
  for (size_t i = NextRandom() & mask; n < want; i = (i + 1) & mask) {
    if (table.Occupied(i)) out[n++] = table.At(i);
  }
  return n;
}

}  // namespace kvd
