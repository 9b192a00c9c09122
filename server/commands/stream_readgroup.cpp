// XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id... (Redis's
// xreadCommand with GROUP): ">" hands out entries past the group's last ID, recording them
// in the pending entries list (PEL) unless NOACK; another ID replays the consumer's own
// pending entries after it. With nothing for any stream and BLOCK, the client waits
// (server/blocking.h) and the command runs again once a write touches a waited key; the
// stream deleted or replaced meanwhile ends the wait with an error, as Redis 7.2 does.
//
// Logged as Redis propagates it: per delivered entry an XCLAIM that recreates its PEL
// entry, then XGROUP SETID for the group's new last ID and read counter, and XGROUP
// CREATECONSUMER for a consumer created under NOACK. Nothing else (a history read, a
// consumer created with nothing delivered) is logged.
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/blocked_clients.h"
#include "server/blocking.h"
#include "server/client_state.h"
#include "server/commands/stream_group_commands.h"
#include "server/commands/stream_group_util.h"
#include "server/commands/stream_util.h"
#include "server/errors.h"
#include "server/server_state.h"

namespace kvd::stream_group_commands {
namespace {

struct ReadGroupArgs {
  std::string_view group;
  std::string_view consumer;
  int64_t count = 0;      // 0: no bound
  int64_t deadline = -1;  // -1: no BLOCK; 0: forever; else Unix ms
  bool noack = false;
  std::span<const std::string_view> keys;
  std::span<const std::string_view> ids;
};

// Redis's getTimeoutFromObjectOrReply in milliseconds: the absolute deadline (0: forever).
std::optional<int64_t> ParseBlockMs(CommandContext& ctx, std::string_view text) {
  std::optional<int64_t> ms = ParseInt64(text);
  if (!ms) {
    ctx.Error("ERR timeout is not an integer or out of range");
    return std::nullopt;
  }
  if (*ms < 0) {
    ctx.Error("ERR timeout is negative");
    return std::nullopt;
  }
  if (*ms == 0) return 0;
  if (*ms > std::numeric_limits<int64_t>::max() - ctx.now_ms) {
    ctx.Error("ERR timeout is out of range");
    return std::nullopt;
  }
  return *ms + ctx.now_ms;
}

std::optional<ReadGroupArgs> ParseArgs(CommandContext& ctx) {
  ReadGroupArgs a;
  bool have_group = false;
  size_t streams = 0;
  const size_t argc = ctx.args.size();
  for (size_t i = 1; i < argc; ++i) {
    const size_t more = argc - i - 1;
    const std::string_view o = ctx.args[i];
    if (EqualsIgnoreCase(o, "BLOCK") && more > 0) {
      std::optional<int64_t> d = ParseBlockMs(ctx, ctx.args[++i]);
      if (!d) return std::nullopt;
      a.deadline = *d;
    } else if (EqualsIgnoreCase(o, "COUNT") && more > 0) {
      std::optional<int64_t> n = ParseInt64(ctx.args[++i]);
      if (!n) {
        ctx.Error(kNotIntegerErr);
        return std::nullopt;
      }
      a.count = *n < 0 ? 0 : *n;
    } else if (EqualsIgnoreCase(o, "STREAMS") && more > 0) {
      streams = i + 1;
      if ((argc - streams) % 2 != 0) {
        ctx.Error(
            "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must "
            "be specified.");
        return std::nullopt;
      }
      break;
    } else if (EqualsIgnoreCase(o, "GROUP") && more >= 2) {
      a.group = ctx.args[i + 1];
      a.consumer = ctx.args[i + 2];
      have_group = true;
      i += 2;
    } else if (EqualsIgnoreCase(o, "NOACK")) {
      a.noack = true;
    } else {
      ctx.Error(kSyntaxErr);
      return std::nullopt;
    }
  }
  if (streams == 0) {
    ctx.Error(kSyntaxErr);
    return std::nullopt;
  }
  if (!have_group) {
    ctx.Error("ERR Missing GROUP option for XREADGROUP");
    return std::nullopt;
  }
  const size_t n = (argc - streams) / 2;
  a.keys = ctx.args.subspan(streams, n);
  a.ids = ctx.args.subspan(streams + n, n);
  return a;
}

// ">" is kept as the largest ID, as Redis does (an explicit largest ID acts like ">" too).
std::optional<StreamId> ParseReadId(CommandContext& ctx, std::string_view text) {
  if (text == "$") {
    ctx.Error(
        "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history "
        "of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ "
        "ID would just return an empty result set.");
    return std::nullopt;
  }
  if (text == ">") return StreamId::Max();
  return stream::ParseIdOrReply(ctx, text, 0, true);
}

// The new entries after the group's last ID, into `out`: each one moves the group on and,
// unless NOACK, enters the PEL as delivered to `consumer` now (taken from another consumer
// if XGROUP SETID made it pending already). Returns how many.
size_t DeliverNew(CommandContext& ctx, std::string_view key, const ReadGroupArgs& a, StreamValue& s,
                  StreamGroup& g, StreamConsumer& consumer, ReplyWriter& out) {
  StreamId start = g.last_id;
  if (!start.Increment()) return 0;
  bool moved = false;
  std::vector<StreamId> delivered;
  const size_t n = s.Range(start, StreamId::Max(), false, static_cast<size_t>(a.count),
                           [&](const StreamValue::Entry& e) {
                             stream::ReplyEntry(out, e);
                             delivered.push_back(e.id());
                             return true;
                           });
  for (StreamId id : delivered) {
    if (id > g.last_id) {
      stream_group::AdvanceGroup(s, g, id);
      moved = true;
    }
    if (a.noack) continue;
    StreamPending& p = g.Deliver(id, consumer, ctx.now_ms, false);
    p.delivery_count = 1;  // a new delivery, even of an entry someone else had pending
    consumer.active_time = ctx.now_ms;
    stream_group::LogClaim(ctx, key, a.group, g, id, p);
  }
  if (moved) stream_group::LogGroupId(ctx, key, a.group, g);
  return n;
}

// The consumer's pending entries after `after`, into `out`; an entry deleted since is
// [id, nil]. Each one found counts as delivered again now.
size_t DeliverHistory(CommandContext& ctx, const ReadGroupArgs& a, const StreamValue& s,
                      StreamGroup& g, StreamConsumer& consumer, StreamId after, ReplyWriter& out) {
  if (!after.Increment()) return 0;
  size_t n = 0;
  for (auto it = consumer.pending.lower_bound(after); it != consumer.pending.end(); ++it) {
    if (a.count != 0 && n == static_cast<size_t>(a.count)) break;
    const StreamId id = *it;
    const size_t found = s.Range(id, id, false, 1, [&](const StreamValue::Entry& e) {
      stream::ReplyEntry(out, e);
      return true;
    });
    if (found == 0) {
      out.ArrayHeader(2);
      stream::ReplyId(out, id);
      out.NullArray();
    } else {
      auto p = g.pel.find(id);
      if (p != g.pel.end()) {
        p->second.delivery_time = ctx.now_ms;
        p->second.delivery_count++;
      }
    }
    ++n;
  }
  return n;
}

}  // namespace

void XReadGroup(CommandContext& ctx) {
  std::optional<ReadGroupArgs> a = ParseArgs(ctx);
  if (!a) return;
  // Every stream and ID is checked before anything is served.
  std::vector<StreamId> ids;
  ids.reserve(a->keys.size());
  for (size_t i = 0; i < a->keys.size(); ++i) {
    bool failed;
    const StreamValue* s = stream::ReadStream(ctx, a->keys[i], &failed);
    if (failed) return;
    if (s == nullptr || s->FindGroup(a->group) == nullptr) {
      return stream_group::ReplyNoKeyOrGroup(ctx, a->keys[i], a->group,
                                             " in XREADGROUP with GROUP option");
    }
    std::optional<StreamId> id = ParseReadId(ctx, a->ids[i]);
    if (!id) return;
    ids.push_back(*id);
  }

  std::string body;
  ReplyWriter out(body, ctx.reply.protocol());
  size_t served = 0;
  for (size_t i = 0; i < a->keys.size(); ++i) {
    const std::string_view key = a->keys[i];
    CollectionWrite<StreamValue> s = ctx.db().Write<StreamValue>(key, ctx.now_ms, false);
    StreamGroup* g = s ? s->FindGroup(a->group) : nullptr;
    if (g == nullptr) continue;  // cannot happen: every group was checked above
    const bool history = ids[i] != StreamId::Max();
    const bool has_new = !s->empty() && stream_group::LastLiveId(*s) > g->last_id;
    bool created;
    StreamConsumer& consumer =
        stream_group::FindOrCreateConsumer(ctx, key, *g, a->consumer, &created);
    if (created && a->noack) {
      stream_group::Log(ctx, {"XGROUP", "CREATECONSUMER", std::string(key), std::string(a->group),
                              std::string(a->consumer)});
    }
    consumer.seen_time = ctx.now_ms;
    if (!history && !has_new) continue;
    ++served;
    if (ctx.reply.protocol() == 2) out.ArrayHeader(2);
    out.Bulk(key);
    // The entries' count is known once they are written: they go to their own buffer.
    std::string entries;
    ReplyWriter entries_out(entries, ctx.reply.protocol());
    const size_t n = history ? DeliverHistory(ctx, *a, *s, *g, consumer, ids[i], entries_out)
                             : DeliverNew(ctx, key, *a, *s, *g, consumer, entries_out);
    out.ArrayHeader(n);
    body += entries;
  }
  if (served > 0) {
    if (ctx.reply.protocol() == 2) {
      ctx.reply.ArrayHeader(served);
    } else {
      ctx.reply.MapHeader(served);
    }
    ctx.reply.buffer() += body;
    return;
  }
  if (a->deadline >= 0 && BlockClient(ctx, a->keys, ValueType::kStream, a->deadline)) {
    ctx.server.blocked.SetUnblockOnNoKey(ctx.client);
    return;
  }
  ctx.reply.NullArray();
}

}  // namespace kvd::stream_group_commands
