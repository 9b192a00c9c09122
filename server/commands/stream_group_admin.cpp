// XGROUP CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER and HELP (Redis's
// xgroupCommand): argument checks in Redis's order, then the key and the group.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/key_lookup.h"
#include "server/commands/stream_group_commands.h"
#include "server/commands/stream_group_util.h"
#include "server/commands/stream_util.h"
#include "server/commands/subcommand_help.h"
#include "server/errors.h"
#include "server/keyspace_events.h"

namespace kvd::stream_group_commands {
namespace {

using stream_group::ReplyNoGroup;

constexpr std::string_view kNoKeyErr =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
    "use the MKSTREAM option to create an empty stream automatically.";

void SubcommandSyntaxError(CommandContext& ctx) {
  ctx.Error("ERR unknown subcommand or wrong number of arguments for '" + std::string(ctx.args[1]) +
            "'. Try XGROUP HELP.");
}

struct Options {
  bool mkstream = false;
  int64_t entries_read = -1;
};

// MKSTREAM (CREATE) and ENTRIESREAD n (CREATE, SETID) from argument 5 on.
std::optional<Options> ParseOptions(CommandContext& ctx, bool create) {
  Options o;
  for (size_t i = 5; i < ctx.args.size();) {
    if (create && EqualsIgnoreCase(ctx.args[i], "MKSTREAM")) {
      o.mkstream = true;
      ++i;
    } else if (EqualsIgnoreCase(ctx.args[i], "ENTRIESREAD") && i + 1 < ctx.args.size()) {
      std::optional<int64_t> n = ParseInt64(ctx.args[i + 1]);
      if (!n) {
        ctx.Error(kNotIntegerErr);
        return std::nullopt;
      }
      if (*n < -1) {
        ctx.Error("ERR value for ENTRIESREAD must be positive or -1");
        return std::nullopt;
      }
      o.entries_read = *n;
      i += 2;
    } else {
      SubcommandSyntaxError(ctx);
      return std::nullopt;
    }
  }
  return o;
}

// The stream at args[2] for writing; replies the error (WRONGTYPE, missing key) and returns
// an empty handle when it cannot go on. `may_create`: MKSTREAM.
CollectionWrite<StreamValue> OpenStream(CommandContext& ctx, bool may_create, bool* failed) {
  *failed = false;
  CollectionWrite<StreamValue> s = ctx.db().Write<StreamValue>(ctx.args[2], ctx.now_ms, false);
  if (s.wrong_type()) {
    ctx.Error(kWrongTypeErr);
    *failed = true;
  } else if (!s && !may_create) {
    ctx.Error(kNoKeyErr);
    *failed = true;
  }
  return s;
}

// The existing group args[3] of the stream, or null after replying NOGROUP.
StreamGroup* RequireGroup(CommandContext& ctx, StreamValue& s) {
  StreamGroup* g = s.FindGroup(ctx.args[3]);
  if (g == nullptr) ReplyNoGroup(ctx, ctx.args[2], ctx.args[3]);
  return g;
}

}  // namespace

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]
void XGroupCreate(CommandContext& ctx) {
  std::optional<Options> o = ParseOptions(ctx, true);
  if (!o) return;
  bool failed;
  CollectionWrite<StreamValue> s = OpenStream(ctx, o->mkstream, &failed);
  if (failed) return;
  if (ctx.args.size() > 8) return SubcommandSyntaxError(ctx);
  const bool dollar = ctx.args[4] == "$";
  StreamId id;
  if (dollar) {
    if (s) id = s->last_id();
  } else if (std::optional<StreamId> parsed = stream::ParseIdOrReply(ctx, ctx.args[4], 0, true)) {
    id = *parsed;
  } else {
    return;
  }
  if (!s) s = ctx.db().Write<StreamValue>(ctx.args[2], ctx.now_ms, true);  // MKSTREAM
  if (s->CreateGroup(ctx.args[3], id, o->entries_read) == nullptr) {
    return ctx.Error("BUSYGROUP Consumer Group name already exists");
  }
  s.Commit();
  ctx.reply.Ok();
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-create", ctx.args[2]);
  if (dollar) {
    // "$" means the last ID now: the log gets that ID, so a replay later gives the same group.
    std::vector<std::string> logged(ctx.args.begin(), ctx.args.end());
    logged[4] = id.ToString();
    ctx.Propagate(std::move(logged));
  }
}

// XGROUP SETID key group id|$ [ENTRIESREAD n]
void XGroupSetId(CommandContext& ctx) {
  std::optional<Options> o = ParseOptions(ctx, false);
  if (!o) return;
  bool failed;
  CollectionWrite<StreamValue> s = OpenStream(ctx, false, &failed);
  if (failed) return;
  StreamGroup* g = RequireGroup(ctx, *s);
  if (g == nullptr) return;
  if (ctx.args.size() != 5 && ctx.args.size() != 7) return SubcommandSyntaxError(ctx);
  StreamId id;
  if (ctx.args[4] == "$") {
    id = s->last_id();
  } else if (std::optional<StreamId> parsed = stream::ParseIdOrReply(ctx, ctx.args[4], 0)) {
    id = *parsed;
  } else {
    return;
  }
  g->last_id = id;
  g->entries_read = o->entries_read;
  ctx.reply.Ok();
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-setid", ctx.args[2]);
}

// XGROUP DESTROY key group: 1, or 0 when there was no such group. A blocked XREADGROUP on
// the group runs again (the key is signalled as written) and gets NOGROUP.
void XGroupDestroy(CommandContext& ctx) {
  bool failed;
  CollectionWrite<StreamValue> s = OpenStream(ctx, false, &failed);
  if (failed) return;
  if (!s->DestroyGroup(ctx.args[3])) return ctx.reply.Integer(0);
  s.Commit();
  ctx.reply.Integer(1);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-destroy", ctx.args[2]);
  // The group's blocked readers fail with NOGROUP now (XGROUP signals no ready key otherwise).
  const std::string_view key = ctx.args[2];
  if (!ctx.server.blocked.empty()) ctx.server.blocked.SignalKeys({&key, 1});
}

// XGROUP CREATECONSUMER key group consumer: 1 when created, 0 when it existed.
void XGroupCreateConsumer(CommandContext& ctx) {
  bool failed;
  CollectionWrite<StreamValue> s = OpenStream(ctx, false, &failed);
  if (failed) return;
  StreamGroup* g = RequireGroup(ctx, *s);
  if (g == nullptr) return;
  bool created;
  stream_group::FindOrCreateConsumer(ctx, ctx.args[2], *g, ctx.args[4], &created);
  s.Commit();
  if (created) ctx.AddDirty();
  ctx.reply.Integer(created ? 1 : 0);
}

// XGROUP DELCONSUMER key group consumer: the consumer's pending entries, dropped with it.
void XGroupDelConsumer(CommandContext& ctx) {
  bool failed;
  CollectionWrite<StreamValue> s = OpenStream(ctx, false, &failed);
  if (failed) return;
  StreamGroup* g = RequireGroup(ctx, *s);
  if (g == nullptr) return;
  std::optional<size_t> pending = g->DeleteConsumer(ctx.args[4]);
  s.Commit();
  if (pending) {
    ctx.AddDirty();
    NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-delconsumer", ctx.args[2]);
  }
  ctx.reply.Integer(static_cast<int64_t>(pending.value_or(0)));
}

void XGroupHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "XGROUP",
      {"CREATE <key> <groupname> <id|$> [option]",
       "    Create a new consumer group. Options are:", "    * MKSTREAM",
       "      Create the empty stream if it does not exist.", "    * ENTRIESREAD entries_read",
       "      Set the group's entries_read counter (internal use).",
       "CREATECONSUMER <key> <groupname> <consumer>",
       "    Create a new consumer in the specified group.",
       "DELCONSUMER <key> <groupname> <consumer>", "    Remove the specified consumer.",
       "DESTROY <key> <groupname>", "    Remove the specified group.",
       "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
       "    Set the current group ID and entries_read counter."});
}

}  // namespace kvd::stream_group_commands
