#pragma once
// Pieces the hash and set families share: typed lookups with Redis's hit/miss accounting,
// the random source of HRANDFIELD/SRANDMEMBER/SPOP, and HSCAN/SSCAN's cursor and options.
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "core/keyspace.h"
#include "core/numeric.h"
#include "core/text.h"
#include "server/command.h"
#include "server/commands/key_lookup.h"
#include "server/keyspace_events.h"
#include "server/errors.h"

namespace kvd::hash_set {

// lookupKeyRead + checkType: the collection of type T at key, or nullptr. Counts a keyspace
// hit or miss. When the key holds another type, replies WRONGTYPE and sets *failed.
template <class T>
const T* ReadTyped(CommandContext& ctx, std::string_view key, bool* failed) {
  *failed = false;
  const Record* r = LookupRead(ctx, key);
  if (r == nullptr) return nullptr;
  if (r->type() != T::kType) {
    ctx.Error(kWrongTypeErr);
    *failed = true;
    return nullptr;
  }
  return static_cast<const T*>(r->object());
}

// lookupKeyWrite + checkType: opens the collection for writing (creating it when `create`).
// When the key holds another type, replies WRONGTYPE and sets *failed.
template <class T>
CollectionWrite<T> WriteTyped(CommandContext& ctx, std::string_view key, bool create,
                              bool* failed) {
  CollectionWrite<T> w = ctx.db().template Write<T>(key, ctx.now_ms, create);
  *failed = w.wrong_type();
  if (*failed) ctx.Error(kWrongTypeErr);
  return w;
}

// The random numbers HRANDFIELD, SRANDMEMBER and SPOP pick with (not for security).
inline uint64_t RandomU64() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}


// Visits a collection's table as Redis's scan loop does: steps until `count` items were
// gathered (items(): how many so far), the iteration ends, or 10 * count steps were taken.
// step(cursor) visits one bucket and returns the next cursor.
template <class Step, class Items>
uint64_t ScanSteps(uint64_t cursor, int64_t count, Step&& step, Items&& items) {
  int64_t budget = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
  do {
    cursor = step(cursor);
  } while (cursor != 0 && budget-- > 0 && static_cast<int64_t>(items()) < count);
  return cursor;
}

// The reply of HSCAN/SSCAN on a missing key.
inline void ReplyEmptyScan(ReplyWriter& reply) {
  reply.ArrayHeader(2);
  reply.Bulk("0");
  reply.ArrayHeader(0);
}

}  // namespace kvd::hash_set
