// HINCRBY and HINCRBYFLOAT (Redis's t_hash.c).
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/hash_value.h"
#include "core/numeric.h"
#include "server/commands/hash_commands.h"
#include "server/commands/hash_set_common.h"
#include "server/keyspace_events.h"

namespace kvd::hash_commands {
namespace {

inline constexpr std::string_view kHashNotIntegerErr = "ERR hash value is not an integer";
inline constexpr std::string_view kHashNotFloatErr = "ERR hash value is not a float";
inline constexpr std::string_view kNanOrInfinityErr = "ERR value is NaN or Infinity";
inline constexpr std::string_view kProducesNanErr =
    "ERR increment would produce NaN or Infinity";

}  // namespace

// HINCRBY key field increment: a missing field counts as 0.
void HIncrBy(CommandContext& ctx) {
  std::optional<int64_t> incr = ParseInt64(ctx.args[3]);
  if (!incr) return ctx.Error(kNotIntegerErr);
  bool failed = false;
  CollectionWrite<HashValue> hash =
      hash_set::WriteTyped<HashValue>(ctx, ctx.args[1], true, &failed);
  if (failed) return;
  int64_t value = 0;
  if (std::optional<Elem> old = hash->Get(ctx.args[2])) {
    std::optional<int64_t> v = ParseInt64(old->view());
    if (!v) return ctx.Error(kHashNotIntegerErr);
    value = *v;
  }
  if ((*incr < 0 && value < 0 && *incr < INT64_MIN - value) ||
      (*incr > 0 && value > 0 && *incr > INT64_MAX - value)) {
    return ctx.Error(kOverflowErr);
  }
  value += *incr;
  std::string text;
  AppendInt64(text, value);
  hash->Set(ctx.args[2], text);
  hash.Commit();
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hincrby", ctx.args[1]);
  ctx.reply.Integer(value);
}

// HINCRBYFLOAT key field increment: long double arithmetic, the result stored and replied
// as INCRBYFLOAT formats it.
void HIncrByFloat(CommandContext& ctx) {
  std::optional<long double> incr = ParseLongDouble(ctx.args[3]);
  if (!incr) return ctx.Error(kNotFloatErr);
  if (std::isnan(*incr) || std::isinf(*incr)) return ctx.Error(kNanOrInfinityErr);
  bool failed = false;
  CollectionWrite<HashValue> hash =
      hash_set::WriteTyped<HashValue>(ctx, ctx.args[1], true, &failed);
  if (failed) return;
  long double value = 0;
  if (std::optional<Elem> old = hash->Get(ctx.args[2])) {
    std::optional<long double> v = ParseLongDouble(old->view());
    if (!v) return ctx.Error(kHashNotFloatErr);
    value = *v;
  }
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) return ctx.Error(kProducesNanErr);
  std::string text = FormatLongDouble(value);
  hash->Set(ctx.args[2], text);
  hash.Commit();
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hincrbyfloat", ctx.args[1]);
  ctx.reply.Bulk(text);
  // Logged as the result, so float precision or formatting cannot differ on replay.
  ctx.Propagate({"HSET", std::string(ctx.args[1]), std::string(ctx.args[2]), std::move(text)});
}

}  // namespace kvd::hash_commands
