#pragma once
// Key lookups as the string and generic commands do them: Redis's lookupKeyRead counts a
// keyspace hit or miss for INFO stats, lookupKeyWrite counts nothing. Both expire the key
// lazily (Keyspace::Find).
#include <string_view>

#include "core/keyspace.h"
#include "core/record.h"
#include "core/value_type.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/keyspace_events.h"
#include "server/server_state.h"

namespace kvd {

inline const Record* LookupRead(CommandContext& ctx, std::string_view key) {
  const Record* r = ctx.db().Find(key, ctx.now_ms);
  if (r) {
    ctx.server.stats.keyspace_hits++;
  } else {
    ctx.server.stats.keyspace_misses++;
    NotifyKeyspaceEvent(ctx, kNotifyKeyMiss, "keymiss", key);
  }
  return r;
}

inline const Record* LookupWrite(CommandContext& ctx, std::string_view key) {
  return ctx.db().Find(key, ctx.now_ms);
}

// Replies WRONGTYPE and returns true when `r` exists and does not hold a string.
inline bool WrongTypeUnlessString(CommandContext& ctx, const Record* r) {
  if (r && r->type() != ValueType::kString) {
    ctx.Error(kWrongTypeErr);
    return true;
  }
  return false;
}

}  // namespace kvd
