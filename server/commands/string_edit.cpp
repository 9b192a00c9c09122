// Commands that compute on or edit a string in place: INCR and friends, INCRBYFLOAT,
// APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE (Redis's t_string.c).
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/numeric.h"
#include "server/commands/key_lookup.h"
#include "server/commands/string_commands.h"
#include "server/keyspace_events.h"

namespace kvd::string_commands {
namespace {

inline constexpr std::string_view kDecrementOverflowErr = "ERR decrement would overflow";
inline constexpr std::string_view kNanOrInfinityErr = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kOffsetRangeErr = "ERR offset is out of range";
inline constexpr std::string_view kStringTooLongErr =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

// Redis's checkStringLength: a string of size + append bytes must fit proto-max-bulk-len.
bool CheckStringLength(CommandContext& ctx, uint64_t size, uint64_t append) {
  const uint64_t total = size + append;
  const int64_t limit = ctx.server.config.values().proto_max_bulk_len;
  if (total < size || total > static_cast<uint64_t>(limit)) {
    ctx.Error(kStringTooLongErr);
    return false;
  }
  return true;
}

// Redis's incrDecrCommand. The key keeps its TTL.
void IncrDecr(CommandContext& ctx, int64_t by) {
  std::string_view key = ctx.args[1];
  const Record* r = LookupWrite(ctx, key);
  if (WrongTypeUnlessString(ctx, r)) return;
  int64_t value = 0;
  if (r) {
    std::optional<int64_t> v = ParseInt64(r->string_value());
    if (!v) return ctx.Error(kNotIntegerErr);
    value = *v;
  }
  if ((by < 0 && value < 0 && by < INT64_MIN - value) ||
      (by > 0 && value > 0 && by > INT64_MAX - value)) {
    return ctx.Error(kOverflowErr);
  }
  value += by;
  std::string text;
  AppendInt64(text, value);
  ctx.db().SetString(key, text, kNoExpiry, TtlMode::kKeep, ctx.now_ms);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyString, "incrby", key);  // INCR, DECR, DECRBY too
  ctx.reply.Integer(value);
}

}  // namespace

void Incr(CommandContext& ctx) { IncrDecr(ctx, 1); }
void Decr(CommandContext& ctx) { IncrDecr(ctx, -1); }

void IncrBy(CommandContext& ctx) {
  std::optional<int64_t> by = ParseInt64(ctx.args[2]);
  if (!by) return ctx.Error(kNotIntegerErr);
  IncrDecr(ctx, *by);
}

void DecrBy(CommandContext& ctx) {
  std::optional<int64_t> by = ParseInt64(ctx.args[2]);
  if (!by) return ctx.Error(kNotIntegerErr);
  if (*by == INT64_MIN) return ctx.Error(kDecrementOverflowErr);  // -by does not exist
  IncrDecr(ctx, -*by);
}

// The stored value is text, formatted as Redis's ld2string(LD_STR_HUMAN); the TTL stays.
void IncrByFloat(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  const Record* r = LookupWrite(ctx, key);
  if (WrongTypeUnlessString(ctx, r)) return;
  long double value = 0;
  if (r) {
    std::optional<long double> v = ParseLongDouble(r->string_value());
    if (!v) return ctx.Error(kNotFloatErr);
    value = *v;
  }
  std::optional<long double> incr = ParseLongDouble(ctx.args[2]);
  if (!incr) return ctx.Error(kNotFloatErr);
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) return ctx.Error(kNanOrInfinityErr);
  std::string text = FormatLongDouble(value);
  ctx.db().SetTextString(key, text, ctx.now_ms);  // never int-encoded, as in Redis
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyString, "incrbyfloat", key);
  ctx.reply.Bulk(text);
  // Logged as the result, so float precision or formatting cannot differ on replay.
  ctx.Propagate({"SET", std::string(key), std::move(text), "KEEPTTL"});
}

void Append(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  std::string_view data = ctx.args[2];
  const Record* r = LookupWrite(ctx, key);
  if (WrongTypeUnlessString(ctx, r)) return;
  // A new key needs no check: the argument itself was within proto-max-bulk-len.
  if (r && !CheckStringLength(ctx, r->string_value().size(), data.size())) return;
  const size_t length = ctx.db().Append(key, data, ctx.now_ms);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyString, "append", key);
  ctx.reply.Integer(static_cast<int64_t>(length));
}

void StrLen(CommandContext& ctx) {
  const Record* r = LookupRead(ctx, ctx.args[1]);
  if (!r) return ctx.reply.Integer(0);
  if (WrongTypeUnlessString(ctx, r)) return;
  ctx.reply.Integer(static_cast<int64_t>(r->string_value().size()));
}

// GETRANGE key start end (and SUBSTR): inclusive, negative indexes count from the end.
void GetRange(CommandContext& ctx) {
  std::optional<int64_t> start = ParseInt64(ctx.args[2]);
  std::optional<int64_t> end = ParseInt64(ctx.args[3]);
  if (!start || !end) return ctx.Error(kNotIntegerErr);
  const Record* r = LookupRead(ctx, ctx.args[1]);
  if (!r) return ctx.reply.Bulk("");
  if (WrongTypeUnlessString(ctx, r)) return;
  std::string_view s = r->string_value();
  const int64_t len = static_cast<int64_t>(s.size());
  int64_t from = *start;
  int64_t to = *end;
  if (from < 0 && to < 0 && from > to) return ctx.reply.Bulk("");
  if (from < 0) from += len;
  if (to < 0) to += len;
  if (from < 0) from = 0;
  if (to < 0) to = 0;
  if (to >= len) to = len - 1;
  // Now to < len, so only from > to (or an empty string) leaves nothing.
  if (from > to || len == 0) return ctx.reply.Bulk("");
  ctx.reply.Bulk(s.substr(static_cast<size_t>(from), static_cast<size_t>(to - from + 1)));
}

// SETRANGE key offset value: zero-pads as needed; replies with the new length.
void SetRange(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  std::string_view data = ctx.args[3];
  std::optional<int64_t> offset = ParseInt64(ctx.args[2]);
  if (!offset) return ctx.Error(kNotIntegerErr);
  if (*offset < 0) return ctx.Error(kOffsetRangeErr);
  const Record* r = LookupWrite(ctx, key);
  if (WrongTypeUnlessString(ctx, r)) return;
  // Writing nothing changes nothing, and does not create the key.
  if (data.empty()) {
    return ctx.reply.Integer(r ? static_cast<int64_t>(r->string_value().size()) : 0);
  }
  if (!CheckStringLength(ctx, static_cast<uint64_t>(*offset), data.size())) return;
  const size_t length = ctx.db().SetRange(key, static_cast<size_t>(*offset), data, ctx.now_ms);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyString, "setrange", key);
  ctx.reply.Integer(static_cast<int64_t>(length));
}

}  // namespace kvd::string_commands
