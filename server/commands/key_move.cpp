// Commands that move keys around: RENAME, RENAMENX, COPY, MOVE, SWAPDB (Redis's db.c).
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/numeric.h"
#include "server/arg_cursor.h"
#include "server/commands/key_commands.h"
#include "server/commands/key_lookup.h"
#include "server/keyspace_events.h"

namespace kvd::key_commands {
namespace {

inline constexpr std::string_view kSameObjectErr =
    "ERR source and destination objects are the same";

inline constexpr std::string_view kIntRangeErr =
    "ERR value is out of range, value must between -2147483648 and 2147483647";

// Redis's getIntFromObjectOrReply: an integer that fits an int. Returns the error text
// (or `custom_error`, when given, for both failures).
std::optional<std::string_view> ParseInt(std::string_view arg, int& out,
                                         std::string_view custom_error = {}) {
  std::optional<int64_t> v = ParseInt64(arg);
  if (!v || *v < INT32_MIN || *v > INT32_MAX) {
    if (!custom_error.empty()) return custom_error;
    return v ? kIntRangeErr : kNotIntegerErr;
  }
  out = static_cast<int>(*v);
  return std::nullopt;
}

// A database index as SELECT takes it: an int, then within range. Returns the error text.
std::optional<std::string_view> ParseDbIndex(const CommandContext& ctx, std::string_view arg,
                                             size_t& out) {
  int id = 0;
  if (auto err = ParseInt(arg, id)) return err;
  if (id < 0 || static_cast<size_t>(id) >= ctx.store.DatabaseCount()) return kDbIndexErr;
  out = static_cast<size_t>(id);
  return std::nullopt;
}

// Redis's renameGenericCommand.
void RenameGeneric(CommandContext& ctx, bool only_if_absent) {
  std::string_view from = ctx.args[1];
  std::string_view to = ctx.args[2];
  if (!LookupWrite(ctx, from)) return ctx.Error(kNoSuchKeyErr);
  if (from == to) {
    // Nothing to do, but the key must exist (checked above).
    if (only_if_absent) return ctx.reply.Integer(0);
    return ctx.reply.Ok();
  }
  if (only_if_absent && LookupWrite(ctx, to)) return ctx.reply.Integer(0);
  ctx.db().Rename(from, to, ctx.now_ms);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "rename_from", from);
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "rename_to", to);
  if (only_if_absent) return ctx.reply.Integer(1);
  ctx.reply.Ok();
}

}  // namespace

void Rename(CommandContext& ctx) { RenameGeneric(ctx, false); }
void RenameNx(CommandContext& ctx) { RenameGeneric(ctx, true); }

// COPY source destination [DB destination-db] [REPLACE]
void Copy(CommandContext& ctx) {
  const size_t src_id = ctx.client.db;
  size_t dst_id = src_id;
  bool replace = false;
  ArgCursor in(ctx.args.subspan(3));
  while (!in.Done()) {
    if (in.Eat("REPLACE")) {
      replace = true;
    } else if (in.Remaining() >= 2 && in.Eat("DB")) {
      if (auto err = ParseDbIndex(ctx, in.Take(), dst_id)) in.Fail(*err);
    } else {
      in.Fail(kSyntaxErr);
    }
  }
  if (auto err = in.error()) return ctx.Error(*err);

  std::string_view from = ctx.args[1];
  std::string_view to = ctx.args[2];
  if (src_id == dst_id && from == to) return ctx.Error(kSameObjectErr);
  if (!LookupRead(ctx, from)) return ctx.reply.Integer(0);
  // CopyTo refuses an existing destination unless told to replace it.
  const bool copied = ctx.db().CopyTo(from, ctx.store.Db(dst_id), to, replace, ctx.now_ms);
  if (copied) {
    ctx.AddDirty();
    NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "copy_to", to, dst_id);
  }
  ctx.reply.Integer(copied ? 1 : 0);
}

// MOVE key db
void Move(CommandContext& ctx) {
  size_t dst_id = 0;
  if (auto err = ParseDbIndex(ctx, ctx.args[2], dst_id)) return ctx.Error(*err);
  if (dst_id == ctx.client.db) return ctx.Error(kSameObjectErr);
  // False when the key is missing here or already present there.
  const bool moved = ctx.db().MoveTo(ctx.args[1], ctx.store.Db(dst_id), ctx.now_ms);
  if (moved) {
    ctx.AddDirty();
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "move_from", ctx.args[1]);
    NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "move_to", ctx.args[1], dst_id);
  }
  ctx.reply.Integer(moved ? 1 : 0);
}

// SWAPDB index1 index2
void SwapDb(CommandContext& ctx) {
  int a = 0, b = 0;
  if (auto err = ParseInt(ctx.args[1], a, "ERR invalid first DB index")) return ctx.Error(*err);
  if (auto err = ParseInt(ctx.args[2], b, "ERR invalid second DB index")) return ctx.Error(*err);
  const size_t count = ctx.store.DatabaseCount();
  if (a < 0 || b < 0 || static_cast<size_t>(a) >= count || static_cast<size_t>(b) >= count) {
    return ctx.Error(kDbIndexErr);
  }
  if (a != b) {
    ctx.store.SwapDbs(static_cast<size_t>(a), static_cast<size_t>(b));
    // Clients blocked in either database now see the other one's keys.
    ctx.server.blocked.SignalDatabase(static_cast<size_t>(a));
    ctx.server.blocked.SignalDatabase(static_cast<size_t>(b));
  }
  ctx.AddDirty();
  ctx.reply.Ok();
}

}  // namespace kvd::key_commands
