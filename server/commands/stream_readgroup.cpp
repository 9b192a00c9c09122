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
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/blocked_clients.h"
#include "server/blocking.h"
#include "server/client_state.h"
#include "server/commands/stream_group_commands.h"
#include "server/commands/stream_group_util.h"
#include "server/commands/stream_read_args.h"
#include "server/commands/stream_util.h"
#include "server/server_state.h"

namespace kvd::stream_group_commands {
namespace {

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
size_t DeliverNew(CommandContext& ctx, std::string_view key, const stream::ReadArgs& a, StreamValue& s,
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
size_t DeliverHistory(CommandContext& ctx, const stream::ReadArgs& a, const StreamValue& s,
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
  std::optional<stream::ReadArgs> a = stream::ParseReadArgs(ctx, true);
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
    // Redis looks each key up again here: a second keyspace hit (XRead does the same).
    ctx.server.stats.keyspace_hits++;
    CollectionWrite<StreamValue> s = ctx.db().Write<StreamValue>(key, ctx.now_ms, false);
    StreamGroup* g = s ? s->FindGroup(a->group) : nullptr;
    if (g == nullptr) continue;  // cannot happen: every group was checked above
    const bool history = ids[i] != StreamId::Max();
    const bool has_new = !s->empty() && s->last_live_id() > g->last_id;
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
  if (a->deadline && BlockClient(ctx, a->keys, ValueType::kStream, *a->deadline)) {
    ctx.server.blocked.SetUnblockOnNoKey(ctx.client);
    return;
  }
  ctx.reply.NullArray();
}

}  // namespace kvd::stream_group_commands
