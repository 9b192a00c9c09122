#pragma once
// Pieces the list commands share: typed lookups with Redis's hit/miss accounting, LEFT/RIGHT
// parsing, Redis's range normalisation, and the replies that stream list elements.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/list_value.h"
#include "core/text.h"
#include "server/command.h"
#include "server/commands/key_lookup.h"
#include "server/errors.h"
#include "server/keyspace_events.h"

namespace kvd::list_commands {

enum class End : uint8_t { kLeft, kRight };

inline std::string_view PushEvent(End end) { return end == End::kLeft ? "lpush" : "rpush"; }
inline std::string_view PopEvent(End end) { return end == End::kLeft ? "lpop" : "rpop"; }

// Keyspace events after elements left the list at `key`: `event`, then "del" when the list
// is now empty (and so deleted), as Redis notifies.
inline void NotifyListRemoval(CommandContext& ctx, std::string_view event, std::string_view key,
                              bool emptied) {
  NotifyKeyspaceEvent(ctx, kNotifyList, event, key);
  if (emptied) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
}

// getPositiveLongFromObjectOrReply's message, used for bad text as well as negatives.
inline constexpr std::string_view kMustBePositiveErr =
    "ERR value is out of range, must be positive";

// lookupKeyRead + checkType: the list at key, or nullptr. Counts a keyspace hit or miss.
// When the key holds another type, replies WRONGTYPE and sets *failed.
inline const ListValue* ReadList(CommandContext& ctx, std::string_view key, bool* failed) {
  *failed = false;
  const Record* r = LookupRead(ctx, key);
  if (r == nullptr) return nullptr;
  if (r->type() != ListValue::kType) {
    ctx.Error(kWrongTypeErr);
    *failed = true;
    return nullptr;
  }
  return static_cast<const ListValue*>(r->object());
}

// LEFT or RIGHT (case-insensitive), as Redis's getListPositionFromObjectOrReply.
inline std::optional<End> ParseEnd(std::string_view s) {
  if (EqualsIgnoreCase(s, "left")) return End::kLeft;
  if (EqualsIgnoreCase(s, "right")) return End::kRight;
  return std::nullopt;
}

// A COUNT-style argument in [0, INT64_MAX]; nullopt for bad text and for a negative value
// alike (Redis replies one message for both).
inline std::optional<int64_t> ParseNonNegative(std::string_view s) {
  std::optional<int64_t> v = ParseInt64(s);
  if (!v || *v < 0) return std::nullopt;
  return v;
}

// An inclusive [start, end] range of a list of `len` elements after Redis's normalisation
// (negative indexes count from the tail, then clamp); nullopt when it is empty.
struct IndexRange {
  size_t first;
  size_t count;
};
inline std::optional<IndexRange> NormalizeRange(int64_t start, int64_t end, size_t len) {
  const auto n = static_cast<int64_t>(len);
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) return std::nullopt;
  if (end >= n) end = n - 1;
  return IndexRange{static_cast<size_t>(start), static_cast<size_t>(end - start + 1)};
}

// Replies with an array of `count` elements from index `first`, walking towards the tail,
// or towards the head when `reverse` (then `first` is the highest index).
inline void ReplyElements(ReplyWriter& reply, const ListValue& list, size_t first, size_t count,
                          bool reverse) {
  reply.ArrayHeader(count);
  size_t left = count;
  if (left == 0) return;
  list.Visit(first, reverse, [&](const Elem& e) {
    reply.Bulk(e.view());
    return --left > 0;
  });
}

// Pops up to `count` (> 0) elements from one end, replying with them as an array in pop
// order (Redis's addListRangeReply + listTypeDelRange). Returns how many went.
inline size_t PopRangeWithReply(ReplyWriter& reply, ListValue& list, End end, size_t count) {
  const size_t n = count < list.size() ? count : list.size();
  if (end == End::kLeft) {
    ReplyElements(reply, list, 0, n, false);
    list.Erase(0, n);
  } else {
    ReplyElements(reply, list, list.size() - 1, n, true);
    list.Erase(list.size() - n, n);
  }
  return n;
}

}  // namespace kvd::list_commands
