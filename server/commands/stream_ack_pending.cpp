// XACK (drops entries from a group's pending entries list) and XPENDING (its summary, or its
// entries in an ID range), as Redis's xackCommand and xpendingCommand.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/stream_group_commands.h"
#include "server/commands/stream_group_util.h"
#include "server/commands/stream_util.h"
#include "server/errors.h"

namespace kvd::stream_group_commands {

// XACK key group id [id ...]: how many were pending. No key or group acknowledges nothing;
// every ID is checked before any is acknowledged.
void XAck(CommandContext& ctx) {
  bool failed;
  if (stream::ReadStream(ctx, ctx.args[1], &failed) == nullptr) {
    if (!failed) ctx.reply.Integer(0);
    return;
  }
  CollectionWrite<StreamValue> s = ctx.db().Write<StreamValue>(ctx.args[1], ctx.now_ms, false);
  StreamGroup* g = s->FindGroup(ctx.args[2]);
  if (g == nullptr) return ctx.reply.Integer(0);
  std::vector<StreamId> ids;
  ids.reserve(ctx.args.size() - 3);
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    std::optional<StreamId> id = stream::ParseIdOrReply(ctx, ctx.args[i], 0, true);
    if (!id) return;
    ids.push_back(*id);
  }
  int64_t acked = 0;
  for (StreamId id : ids) acked += g->Ack(id) ? 1 : 0;
  s.Commit();
  if (acked > 0) ctx.AddDirty(static_cast<uint64_t>(acked));
  ctx.reply.Integer(acked);
}

namespace {

struct PendingRange {
  int64_t min_idle = 0;
  StreamId start, end;
  int64_t count = 0;
  std::optional<std::string_view> consumer;
};

// [IDLE ms] start end count [consumer], checked before the key as Redis does.
std::optional<PendingRange> ParseRange(CommandContext& ctx) {
  PendingRange r;
  size_t at = 3;
  if (EqualsIgnoreCase(ctx.args[3], "IDLE")) {
    std::optional<int64_t> idle = ParseInt64(ctx.args[4]);
    if (!idle) {
      ctx.Error(kNotIntegerErr);
      return std::nullopt;
    }
    if (ctx.args.size() < 8) {
      ctx.Error(kSyntaxErr);
      return std::nullopt;
    }
    r.min_idle = *idle;
    at += 2;
  }
  std::optional<int64_t> count = ParseInt64(ctx.args[at + 2]);
  if (!count) {
    ctx.Error(kNotIntegerErr);
    return std::nullopt;
  }
  r.count = *count < 0 ? 0 : *count;
  std::optional<StreamId> start = stream::ParseRangeStart(ctx, ctx.args[at]);
  if (!start) return std::nullopt;
  std::optional<StreamId> end = stream::ParseRangeEnd(ctx, ctx.args[at + 1]);
  if (!end) return std::nullopt;
  r.start = *start;
  r.end = *end;
  if (at + 3 < ctx.args.size()) r.consumer = ctx.args[at + 3];
  return r;
}

// [count, smallest ID, greatest ID, [[consumer, its count as a bulk string]...]].
void ReplySummary(CommandContext& ctx, const StreamGroup& g) {
  ctx.reply.ArrayHeader(4);
  ctx.reply.Integer(static_cast<int64_t>(g.pel.size()));
  if (g.pel.empty()) {
    ctx.reply.Null();
    ctx.reply.Null();
    ctx.reply.NullArray();
    return;
  }
  stream::ReplyId(ctx.reply, g.pel.begin()->first);
  stream::ReplyId(ctx.reply, g.pel.rbegin()->first);
  size_t with_pending = 0;
  for (const auto& [name, c] : g.consumers) with_pending += c.pending.empty() ? 0 : 1;
  ctx.reply.ArrayHeader(with_pending);
  for (const auto& [name, c] : g.consumers) {
    if (c.pending.empty()) continue;
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(name);
    ctx.reply.BulkInteger(static_cast<int64_t>(c.pending.size()));
  }
}

// The PEL entries (of one consumer when named) in the range: [id, consumer, idle ms,
// deliveries] each.
void ReplyRange(CommandContext& ctx, const StreamGroup& g, const PendingRange& r) {
  const StreamConsumer::PendingIds* ids = nullptr;
  if (r.consumer) {
    auto c = g.consumers.find(*r.consumer);
    if (c == g.consumers.end()) return ctx.reply.ArrayHeader(0);
    ids = &c->second.pending;
  }
  std::string body;
  ReplyWriter out(body, ctx.reply.protocol());
  size_t n = 0;
  auto emit = [&](StreamId id, const StreamPending& p) {
    if (r.min_idle != 0 && ctx.now_ms - p.delivery_time < r.min_idle) return;
    ++n;
    out.ArrayHeader(4);
    stream::ReplyId(out, id);
    out.Bulk(p.consumer != nullptr ? p.consumer->name : std::string_view());
    out.Integer(std::max<int64_t>(ctx.now_ms - p.delivery_time, 0));
    out.Integer(static_cast<int64_t>(p.delivery_count));
  };
  if (ids != nullptr) {
    for (auto it = ids->lower_bound(r.start);
         n < static_cast<size_t>(r.count) && it != ids->end() && *it <= r.end; ++it) {
      auto p = g.pel.find(*it);
      if (p != g.pel.end()) emit(*it, p->second);
    }
  } else {
    for (auto it = g.pel.lower_bound(r.start);
         n < static_cast<size_t>(r.count) && it != g.pel.end() && it->first <= r.end; ++it) {
      emit(it->first, it->second);
    }
  }
  ctx.reply.ArrayHeader(n);
  ctx.reply.buffer() += body;
}

}  // namespace

// XPENDING key group [[IDLE min-idle] start end count [consumer]]
void XPending(CommandContext& ctx) {
  const size_t argc = ctx.args.size();
  if (argc != 3 && (argc < 6 || argc > 9)) return ctx.Error(kSyntaxErr);
  std::optional<PendingRange> range;
  if (argc >= 6) {
    range = ParseRange(ctx);
    if (!range) return;
  }
  bool failed;
  const StreamValue* s = stream::ReadStream(ctx, ctx.args[1], &failed);
  if (failed) return;
  const StreamGroup* g = s != nullptr ? s->FindGroup(ctx.args[2]) : nullptr;
  if (g == nullptr) return stream_group::ReplyNoKeyOrGroup(ctx, ctx.args[1], ctx.args[2]);
  if (!range) return ReplySummary(ctx, *g);
  ReplyRange(ctx, *g, *range);
}

}  // namespace kvd::stream_group_commands
