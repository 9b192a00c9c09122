#pragma once
// What the keyspace's own .cpp files share (core/keyspace.cpp, keyspace_strings.cpp,
// keyspace_snapshot.cpp): Modify's definition and the scan cursor's step. Nothing else
// includes this.
#include <cstdint>

#include "core/keyspace.h"

namespace kvd {

// Redis's dictScan cursor step for a table of mask + 1 slots: increment the cursor's bits
// reversed, so a table that grows or shrinks between calls neither skips slots nor restarts.
inline uint64_t NextScanCursor(uint64_t cursor, uint64_t mask) {
  auto reverse = [](uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
    return __builtin_bswap64(v);
  };
  return reverse(reverse(cursor | ~mask) + 1);
}

template <class Reshape>
Record* Keyspace::Modify(size_t index, uint64_t hash, bool ttl_after, Reshape&& reshape) {
  Record* old = main_.At(index);
  BeforeChange(old);
  NotifyKey(*old);
  const bool had_ttl = old->has_expiry();
  size_t volatile_index = RecordTable::kNotFound;
  if (had_ttl) {
    volatile_index = volatile_.FindIndex(old->key(), hash);
  } else if (ttl_after) {
    volatile_.ReserveOne();  // the only step that can fail after the reshape
  }
  const Footprint before = FootprintOf(*old);
  Record* r = reshape(old);  // `old` may be freed from here on
  main_.Replace(index, r);
  if (had_ttl && r->has_expiry()) {
    volatile_.Replace(volatile_index, r);
  } else if (had_ttl) {
    volatile_.EraseAt(volatile_index);
    volatile_.ShrinkIfSparse();
  } else if (r->has_expiry()) {
    volatile_.Insert(r, hash);
  }
  Account(before, FootprintOf(*r));
  return r;
}

}  // namespace kvd
