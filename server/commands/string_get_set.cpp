// GET, SET and its variants, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX (Redis's t_string.c).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/arg_cursor.h"
#include "server/commands/key_lookup.h"
#include "server/commands/string_commands.h"
#include "server/keyspace_events.h"

namespace kvd::string_commands {
namespace {

enum class Cond : uint8_t { kNone, kIfAbsent, kIfPresent };
enum class ExpireKind : uint8_t { kNone, kRelativeSec, kRelativeMs, kAbsoluteSec, kAbsoluteMs };

// The options SET and GETEX share (Redis's parseExtendedStringArgumentsOrReply).
struct WriteOptions {
  Cond cond = Cond::kNone;
  bool return_old = false;  // SET ... GET
  bool keep_ttl = false;    // SET ... KEEPTTL
  bool persist = false;     // GETEX ... PERSIST
  ExpireKind expire = ExpireKind::kNone;
  std::string_view expire_arg;  // validated after the syntax, as Redis does
};

enum class Syntax : uint8_t { kSet, kGetEx };

// Fills `o` from the optional arguments; returns the syntax error, if any. Conflicting
// options (NX with XX, two different expiry forms, KEEPTTL or PERSIST with an expiry) are
// syntax errors; repeating an option is allowed and the last value wins.
std::optional<std::string_view> ParseWriteOptions(ArgCursor in, Syntax syntax, WriteOptions& o) {
  const bool set = syntax == Syntax::kSet;
  std::string_view cond, ttl;  // the option taken from each exclusive group
  auto expiry = [&](ExpireKind kind) {
    o.expire = kind;
    o.expire_arg = in.Take();
  };
  while (!in.Done()) {
    if (set && in.EatInGroup("NX", cond)) {
      o.cond = Cond::kIfAbsent;
    } else if (set && in.EatInGroup("XX", cond)) {
      o.cond = Cond::kIfPresent;
    } else if (set && in.Eat("GET")) {
      o.return_old = true;
    } else if (set && in.EatInGroup("KEEPTTL", ttl)) {
      o.keep_ttl = true;
    } else if (!set && in.EatInGroup("PERSIST", ttl)) {
      o.persist = true;
    } else if (in.EatInGroup("EX", ttl)) {
      expiry(ExpireKind::kRelativeSec);
    } else if (in.EatInGroup("PX", ttl)) {
      expiry(ExpireKind::kRelativeMs);
    } else if (in.EatInGroup("EXAT", ttl)) {
      expiry(ExpireKind::kAbsoluteSec);
    } else if (in.EatInGroup("PXAT", ttl)) {
      expiry(ExpireKind::kAbsoluteMs);
    } else {
      in.Fail(kSyntaxErr);
    }
  }
  return in.error();
}

// Redis's getExpireMillisecondsOrReply: the absolute expiry in ms, or an error reply.
// Zero, negative and overflowing times are "invalid expire time in '<cmd>' command".
std::optional<int64_t> ResolveExpire(CommandContext& ctx, ExpireKind kind, std::string_view arg) {
  std::optional<int64_t> v = ParseInt64(arg);
  if (!v) {
    ctx.Error(kNotIntegerErr);
    return std::nullopt;
  }
  const bool seconds = kind == ExpireKind::kRelativeSec || kind == ExpireKind::kAbsoluteSec;
  const bool relative = kind == ExpireKind::kRelativeSec || kind == ExpireKind::kRelativeMs;
  int64_t ms = *v;
  if (ms <= 0 || (seconds && ms > INT64_MAX / 1000) ||
      (relative && (seconds ? ms * 1000 : ms) > INT64_MAX - ctx.now_ms)) {
    ctx.Error(InvalidExpireError(ctx.spec.name));
    return std::nullopt;
  }
  if (seconds) ms *= 1000;
  if (relative) ms += ctx.now_ms;
  return ms;
}

// Replies with the key's string value or nil (Redis's getGenericCommand). False after a
// WRONGTYPE reply.
bool ReplyValue(CommandContext& ctx, std::string_view key) {
  const Record* r = LookupRead(ctx, key);
  if (!r) {
    ctx.reply.Null();
    return true;
  }
  if (WrongTypeUnlessString(ctx, r)) return false;
  ctx.reply.Bulk(r->string_value());
  return true;
}

// How SET-like commands answer: SET says OK or nil, SETNX says 1 or 0.
enum class Answer : uint8_t { kStatus, kInteger };

// SET as sent without its GET options, which only shape the reply.
std::vector<std::string> WithoutGet(std::span<const std::string_view> args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i < 3 || !EqualsIgnoreCase(args[i], "GET")) out.emplace_back(args[i]);
  }
  return out;
}

// Redis's setGenericCommand.
void SetGeneric(CommandContext& ctx, std::string_view key, std::string_view value,
                const WriteOptions& o, Answer answer) {
  int64_t expire_at = kNoExpiry;
  if (o.expire != ExpireKind::kNone) {
    std::optional<int64_t> at = ResolveExpire(ctx, o.expire, o.expire_arg);
    if (!at) return;
    expire_at = *at;
  }
  // SET ... GET replies with the old value first, whatever happens next.
  if (o.return_old && !ReplyValue(ctx, key)) return;

  const bool found = LookupWrite(ctx, key) != nullptr;
  if ((o.cond == Cond::kIfAbsent && found) || (o.cond == Cond::kIfPresent && !found)) {
    if (o.return_old) return;
    if (answer == Answer::kInteger) {
      ctx.reply.Integer(0);
    } else {
      ctx.reply.Null();
    }
    return;
  }
  ctx.db().SetString(key, value, expire_at, o.keep_ttl ? TtlMode::kKeep : TtlMode::kClear,
                     ctx.now_ms);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", key);
  if (o.expire != ExpireKind::kNone) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "expire", key);
  // The log gets the expiry as an absolute time, so a replay later neither extends nor
  // revives the key (Redis's setGenericCommand).
  if (o.expire != ExpireKind::kNone) {
    ctx.Propagate({"SET", std::string(key), std::string(value), "PXAT", std::to_string(expire_at)});
  } else if (o.return_old) {
    ctx.Propagate(WithoutGet(ctx.args));
  }
  if (o.return_old) return;
  if (answer == Answer::kInteger) {
    ctx.reply.Integer(1);
  } else {
    ctx.reply.Ok();
  }
}

}  // namespace

void Get(CommandContext& ctx) { ReplyValue(ctx, ctx.args[1]); }

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]
void Set(CommandContext& ctx) {
  WriteOptions o;
  if (auto err = ParseWriteOptions(ArgCursor(ctx.args.subspan(3)), Syntax::kSet, o)) {
    return ctx.Error(*err);
  }
  SetGeneric(ctx, ctx.args[1], ctx.args[2], o, Answer::kStatus);
}

void SetNx(CommandContext& ctx) {
  WriteOptions o;
  o.cond = Cond::kIfAbsent;
  SetGeneric(ctx, ctx.args[1], ctx.args[2], o, Answer::kInteger);
}

// SETEX key seconds value
void SetEx(CommandContext& ctx) {
  WriteOptions o;
  o.expire = ExpireKind::kRelativeSec;
  o.expire_arg = ctx.args[2];
  SetGeneric(ctx, ctx.args[1], ctx.args[3], o, Answer::kStatus);
}

// PSETEX key milliseconds value
void PSetEx(CommandContext& ctx) {
  WriteOptions o;
  o.expire = ExpireKind::kRelativeMs;
  o.expire_arg = ctx.args[2];
  SetGeneric(ctx, ctx.args[1], ctx.args[3], o, Answer::kStatus);
}

// GETSET key value: as SET ... GET, and the key loses its TTL.
void GetSet(CommandContext& ctx) {
  if (!ReplyValue(ctx, ctx.args[1])) return;
  ctx.db().SetString(ctx.args[1], ctx.args[2], kNoExpiry, TtlMode::kClear, ctx.now_ms);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.args[1]);
  ctx.Propagate({"SET", std::string(ctx.args[1]), std::string(ctx.args[2])});
}

void GetDel(CommandContext& ctx) {
  if (!ReplyValue(ctx, ctx.args[1])) return;
  if (!ctx.db().Delete(ctx.args[1], ctx.now_ms)) return;
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.args[1]);
  // Redis logs UNLINK when lazyfree-lazy-user-del makes user deletions lazy.
  const bool lazy = ctx.server.config.values().lazyfree_lazy_user_del;
  ctx.Propagate({lazy ? "UNLINK" : "DEL", std::string(ctx.args[1])});
}

// GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]
void GetEx(CommandContext& ctx) {
  WriteOptions o;
  if (auto err = ParseWriteOptions(ArgCursor(ctx.args.subspan(2)), Syntax::kGetEx, o)) {
    return ctx.Error(*err);
  }
  std::string_view key = ctx.args[1];
  const Record* r = LookupRead(ctx, key);
  // A missing key is nil even when the expiry is invalid, as in Redis.
  if (!r) return ctx.reply.Null();
  if (WrongTypeUnlessString(ctx, r)) return;
  int64_t expire_at = kNoExpiry;
  if (o.expire != ExpireKind::kNone) {
    std::optional<int64_t> at = ResolveExpire(ctx, o.expire, o.expire_arg);
    if (!at) return;
    expire_at = *at;
  }
  ctx.reply.Bulk(r->string_value());  // before the write below invalidates `r`

  // Never logged as sent: as PEXPIREAT with the absolute time, DEL or PERSIST.
  Keyspace& db = ctx.db();
  if (o.expire == ExpireKind::kNone) {
    if (o.persist && db.Persist(key, ctx.now_ms)) {
      ctx.AddDirty();
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "persist", key);
      ctx.Propagate({"PERSIST", std::string(key)});
    }
    return;
  }
  // EXAT/PXAT in the past delete the key; SetExpire does that for any time <= now.
  db.SetExpire(key, expire_at, ctx.now_ms);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, expire_at <= ctx.now_ms ? "del" : "expire", key);
  if (expire_at <= ctx.now_ms) {
    ctx.Propagate({"DEL", std::string(key)});
  } else {
    ctx.Propagate({"PEXPIREAT", std::string(key), std::to_string(expire_at)});
  }
}

void MGet(CommandContext& ctx) {
  ctx.reply.ArrayHeader(ctx.args.size() - 1);
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    const Record* r = LookupRead(ctx, ctx.args[i]);
    // MGET answers nil for a key of another type instead of failing.
    if (r && r->type() == ValueType::kString) {
      ctx.reply.Bulk(r->string_value());
    } else {
      ctx.reply.Null();
    }
  }
}

namespace {

// MSET and MSETNX: key value pairs; an odd count is an arity error.
void MSetGeneric(CommandContext& ctx, bool only_if_none_exists) {
  if (ctx.args.size() % 2 == 0) return ctx.Error(WrongArityError(ctx.spec.name));
  if (only_if_none_exists) {
    for (size_t i = 1; i < ctx.args.size(); i += 2) {
      if (LookupWrite(ctx, ctx.args[i])) return ctx.reply.Integer(0);
    }
  }
  Keyspace& db = ctx.db();
  for (size_t i = 1; i < ctx.args.size(); i += 2) {
    db.SetString(ctx.args[i], ctx.args[i + 1], kNoExpiry, TtlMode::kClear, ctx.now_ms);
    NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.args[i]);
  }
  ctx.AddDirty((ctx.args.size() - 1) / 2);
  if (only_if_none_exists) {
    ctx.reply.Integer(1);
  } else {
    ctx.reply.Ok();
  }
}

}  // namespace

void MSet(CommandContext& ctx) { MSetGeneric(ctx, false); }
void MSetNx(CommandContext& ctx) { MSetGeneric(ctx, true); }

}  // namespace kvd::string_commands
