// DUMP and RESTORE (Redis's cluster.c): a key's value as a self-checking RDB payload, and
// back. The payload format is core/dump_payload.h's.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/dump_payload.h"
#include "core/numeric.h"
#include "server/arg_cursor.h"
#include "server/commands/key_commands.h"
#include "server/commands/key_lookup.h"
#include "server/config.h"

namespace kvd::key_commands {
namespace {

constexpr std::string_view kBusyKeyErr = "BUSYKEY Target key name already exists.";
constexpr std::string_view kBadTtlErr = "ERR Invalid TTL value, must be >= 0";
constexpr std::string_view kBadIdleErr = "ERR Invalid IDLETIME value, must be >= 0";
constexpr std::string_view kBadFreqErr = "ERR Invalid FREQ value, must be >= 0 and <= 255";
constexpr std::string_view kBadPayloadErr = "ERR DUMP payload version or checksum are wrong";
constexpr std::string_view kBadFormatErr = "ERR Bad data format";

struct RestoreOptions {
  bool replace = false;
  bool absttl = false;
  int64_t idle_seconds = -1;  // -1: not given
  int freq = -1;
};

// The options after the payload. IDLETIME and FREQ exclude each other: the second one is a
// syntax error, as in Redis.
std::optional<std::string_view> ParseRestoreOptions(std::span<const std::string_view> args,
                                                    RestoreOptions& o) {
  ArgCursor in(args);
  while (!in.Done()) {
    if (in.Eat("REPLACE")) {
      o.replace = true;
    } else if (in.Eat("ABSTTL")) {
      o.absttl = true;
    } else if (in.Remaining() >= 2 && o.freq < 0 && in.Eat("IDLETIME")) {
      o.idle_seconds = in.TakeInt();
      if (!in.error() && o.idle_seconds < 0) in.Fail(kBadIdleErr);
    } else if (in.Remaining() >= 2 && o.idle_seconds < 0 && in.Eat("FREQ")) {
      const int64_t f = in.TakeInt();
      if (!in.error() && (f < 0 || f > 255)) in.Fail(kBadFreqErr);
      o.freq = static_cast<int>(f);
    } else {
      in.Fail(kSyntaxErr);
    }
  }
  return in.error();
}

// Stores a decoded value at key, first deleting what was there under REPLACE: a restored key
// is always a new one (a "new" key event, fresh access counters), as Redis's dbDelete and
// dbAdd make it. False, with nothing changed, for a payload that decoded to nothing.
bool StoreRestored(Keyspace& db, std::string_view key, DumpedValue& value, bool replace,
                   int64_t expire_at_ms, int64_t now_ms) {
  auto* collection = std::get_if<rdb::CollectionPtr>(&value);
  auto* string = std::get_if<std::string>(&value);
  if (string == nullptr &&
      (collection == nullptr || std::holds_alternative<std::monostate>(*collection))) {
    return false;
  }
  if (replace) db.Delete(key, now_ms);
  if (string != nullptr) {
    db.SetString(key, *string, expire_at_ms, TtlMode::kClear, now_ms);
    return true;
  }
  std::visit(
      [&](auto& v) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) {
          db.StoreCollection(key, std::move(v), expire_at_ms, now_ms);
        }
      },
      *collection);
  return true;
}

}  // namespace

// DUMP key
void Dump(CommandContext& ctx) {
  const Record* r = LookupRead(ctx, ctx.args[1]);
  if (r == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk(EncodeDumpPayload(*r, ctx.server.config.values().rdbcompression));
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
void Restore(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  RestoreOptions o;
  if (auto err = ParseRestoreOptions(ctx.args.subspan(4), o)) return ctx.Error(*err);
  if (!o.replace && LookupWrite(ctx, key) != nullptr) return ctx.Error(kBusyKeyErr);
  const std::optional<int64_t> ttl = ParseInt64(ctx.args[2]);
  if (!ttl) return ctx.Error(kNotIntegerErr);
  if (*ttl < 0) return ctx.Error(kBadTtlErr);

  DumpedValue value;
  const DumpPayloadStatus status = DecodeDumpPayload(ctx.args[3], value);
  // Every payload past its checksum is checked whole (INFO dump_payload_sanitizations).
  if (status != DumpPayloadStatus::kVersionOrChecksum) {
    ctx.server.stats.dump_payload_sanitizations++;
  }
  switch (status) {
    case DumpPayloadStatus::kOk:
      break;
    case DumpPayloadStatus::kVersionOrChecksum:
      return ctx.Error(kBadPayloadErr);
    case DumpPayloadStatus::kBadFormat:
      return ctx.Error(kBadFormatErr);
  }

  int64_t expire_at_ms = kNoExpiry;
  if (*ttl > 0) {
    expire_at_ms =
        o.absttl ? *ttl : (*ttl > INT64_MAX - ctx.now_ms ? INT64_MAX : ctx.now_ms + *ttl);
  }
  if (expire_at_ms != kNoExpiry && expire_at_ms <= ctx.now_ms) {
    // Already expired: nothing is created, and a replaced key is just deleted.
    if (o.replace && ctx.db().Delete(key, ctx.now_ms)) {
      ctx.AddDirty();
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
      ctx.Propagate({"DEL", std::string(key)});
    }
    return ctx.reply.Ok();
  }

  if (!StoreRestored(ctx.db(), key, value, o.replace, expire_at_ms, ctx.now_ms)) {
    return ctx.Error(kBadFormatErr);
  }
  if (auto field = ctx.store.access_clock().Restored(o.idle_seconds, o.freq)) {
    ctx.db().SetAccess(key, *field, ctx.now_ms);
  }
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "restore", key);
  ctx.reply.Ok();
  if (expire_at_ms != kNoExpiry && !o.absttl) {
    // Logged with the absolute expiry, so a replay does not extend the key's life.
    std::vector<std::string> logged(ctx.args.begin(), ctx.args.end());
    logged[2] = std::to_string(expire_at_ms);
    logged.emplace_back("ABSTTL");
    ctx.Propagate(std::move(logged));
  }
}

}  // namespace kvd::key_commands
