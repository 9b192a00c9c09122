// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST
// (Redis's expire.c).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/key_commands.h"
#include "server/commands/key_lookup.h"
#include "server/keyspace_events.h"

namespace kvd::key_commands {
namespace {

enum ExpireCondition : uint8_t { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// Redis's parseExtendedExpireArgumentsOrReply: NX | XX | GT | LT after the time. Returns
// the condition bits, or nullopt after an error reply.
std::optional<uint8_t> ParseExpireConditions(CommandContext& ctx) {
  uint8_t flags = 0;
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    std::string_view opt = ctx.args[i];
    if (EqualsIgnoreCase(opt, "NX")) {
      flags |= kNx;
    } else if (EqualsIgnoreCase(opt, "XX")) {
      flags |= kXx;
    } else if (EqualsIgnoreCase(opt, "GT")) {
      flags |= kGt;
    } else if (EqualsIgnoreCase(opt, "LT")) {
      flags |= kLt;
    } else {
      std::string message = "ERR Unsupported option ";
      message.append(opt);
      ctx.Error(message);
      return std::nullopt;
    }
  }
  if ((flags & kNx) && (flags & (kXx | kGt | kLt))) {
    ctx.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return std::nullopt;
  }
  if ((flags & kGt) && (flags & kLt)) {
    ctx.Error("ERR GT and LT options at the same time are not compatible");
    return std::nullopt;
  }
  return flags;
}

// Redis's expireGenericCommand: the time is relative to `base_ms` (now, or 0 for the
// absolute forms) in seconds or milliseconds. Negative times are allowed (they delete the
// key); only overflow is an error.
void ExpireGeneric(CommandContext& ctx, int64_t base_ms, bool seconds) {
  std::optional<uint8_t> flags = ParseExpireConditions(ctx);
  if (!flags) return;
  std::optional<int64_t> when = ParseInt64(ctx.args[2]);
  if (!when) return ctx.Error(kNotIntegerErr);
  if (seconds) {
    if (*when > INT64_MAX / 1000 || *when < INT64_MIN / 1000) {
      return ctx.Error(InvalidExpireError(ctx.spec.name));
    }
    *when *= 1000;
  }
  if (*when > INT64_MAX - base_ms) return ctx.Error(InvalidExpireError(ctx.spec.name));
  const int64_t at = *when + base_ms;

  std::string_view key = ctx.args[1];
  Keyspace& db = ctx.db();
  if (!LookupWrite(ctx, key)) return ctx.reply.Integer(0);
  if (*flags) {
    const int64_t current = db.GetExpire(key, ctx.now_ms).value_or(kNoExpiry);
    const bool has_ttl = current != kNoExpiry;
    // A key without a TTL counts as expiring never: GT always fails on it, LT always passes.
    if ((*flags & kNx) && has_ttl) return ctx.reply.Integer(0);
    if ((*flags & kXx) && !has_ttl) return ctx.reply.Integer(0);
    if ((*flags & kGt) && (!has_ttl || at <= current)) return ctx.reply.Integer(0);
    if ((*flags & kLt) && has_ttl && at >= current) return ctx.reply.Integer(0);
  }
  // A time not after now deletes the key (SetExpire does so for any such time; clamping
  // keeps kNoExpiry, the smallest int64, from being passed as a time).
  db.SetExpire(key, at <= ctx.now_ms ? ctx.now_ms : at, ctx.now_ms);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, at <= ctx.now_ms ? "del" : "expire", key);
  ctx.reply.Integer(1);
  // Logged as DEL, or as PEXPIREAT with the absolute time and the conditions as sent, so a
  // replay later neither extends nor revives the key (Redis's expireGenericCommand).
  if (at <= ctx.now_ms) return ctx.Propagate({"DEL", std::string(key)});
  std::vector<std::string> logged = {"PEXPIREAT", std::string(key), std::to_string(at)};
  logged.insert(logged.end(), ctx.args.begin() + 3, ctx.args.end());
  ctx.Propagate(std::move(logged));
}

// Redis's ttlGenericCommand: -2 missing, -1 no TTL; seconds are rounded to the nearest.
void TtlGeneric(CommandContext& ctx, bool milliseconds, bool absolute) {
  std::string_view key = ctx.args[1];
  if (!LookupRead(ctx, key)) return ctx.reply.Integer(-2);
  const int64_t expire = ctx.db().GetExpire(key, ctx.now_ms).value_or(kNoExpiry);
  if (expire == kNoExpiry) return ctx.reply.Integer(-1);
  int64_t ttl = absolute ? expire : expire - ctx.now_ms;
  if (ttl < 0) ttl = 0;
  ctx.reply.Integer(milliseconds ? ttl : (ttl + 500) / 1000);
}

}  // namespace

void Expire(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms, true); }
void PExpire(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms, false); }
void ExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, 0, true); }
void PExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, 0, false); }

void Ttl(CommandContext& ctx) { TtlGeneric(ctx, false, false); }
void PTtl(CommandContext& ctx) { TtlGeneric(ctx, true, false); }
void ExpireTime(CommandContext& ctx) { TtlGeneric(ctx, false, true); }
void PExpireTime(CommandContext& ctx) { TtlGeneric(ctx, true, true); }

void Persist(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  if (LookupWrite(ctx, key) && ctx.db().Persist(key, ctx.now_ms)) {
    ctx.AddDirty();
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "persist", key);
    return ctx.reply.Integer(1);
  }
  ctx.reply.Integer(0);
}

}  // namespace kvd::key_commands
