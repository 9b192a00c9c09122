// XCLAIM and XAUTOCLAIM (Redis's xclaimCommand, xautoclaimCommand): pending entries change
// owner. Each claimed entry is logged as an XCLAIM that sets its PEL entry exactly (TIME,
// RETRYCOUNT, FORCE, JUSTID, LASTID), and so is each pending entry dropped because the
// stream no longer has it (replayed, that XCLAIM drops it too); the command itself is never
// logged as sent.
#include <cstdint>
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
#include "server/errors.h"

namespace kvd::stream_group_commands {
namespace {

// The stream at a claim's key, known to hold one, and its group, for writing; an empty
// handle after replying NOGROUP.
CollectionWrite<StreamValue> WriteGroup(CommandContext& ctx, StreamGroup** group) {
  CollectionWrite<StreamValue> s = ctx.db().Write<StreamValue>(ctx.args[1], ctx.now_ms, false);
  *group = s->FindGroup(ctx.args[2]);
  if (*group == nullptr) {
    stream_group::ReplyNoKeyOrGroup(ctx, ctx.args[1], ctx.args[2]);
    return {};
  }
  return s;
}

// The stream and group of a claim, or an empty handle after replying the error.
CollectionWrite<StreamValue> OpenGroup(CommandContext& ctx, StreamGroup** group) {
  *group = nullptr;
  bool failed;
  if (stream::ReadStream(ctx, ctx.args[1], &failed) == nullptr) {
    if (!failed) stream_group::ReplyNoKeyOrGroup(ctx, ctx.args[1], ctx.args[2]);
    return {};
  }
  return WriteGroup(ctx, group);
}

std::optional<int64_t> ParseMinIdle(CommandContext& ctx, std::string_view command) {
  std::optional<int64_t> v = ParseInt64(ctx.args[4]);
  if (!v) {
    ctx.Error("ERR Invalid min-idle-time argument for " + std::string(command));
    return std::nullopt;
  }
  return *v < 0 ? 0 : *v;
}

// Replies the claimed entry, whole or (JUSTID) its ID.
void ReplyClaimed(ReplyWriter& out, const StreamValue& s, StreamId id, bool justid) {
  if (justid) return stream::ReplyId(out, id);
  s.Range(id, id, false, 1, [&](const StreamValue::Entry& e) {
    stream::ReplyEntry(out, e);
    return true;
  });
}

// Drops a pending entry whose stream entry is gone, logging it first (with its old owner).
void DropDeleted(CommandContext& ctx, StreamGroup& g, StreamGroup::Pel::iterator it) {
  stream_group::LogClaim(ctx, ctx.args[1], ctx.args[2], g, it->first, it->second);
  g.Ack(it->first);
}

struct ClaimOptions {
  bool force = false;
  bool justid = false;
  int64_t delivery_time = -1;  // -1: now
  int64_t retry_count = -1;    // -1: counted up (unless JUSTID)
  StreamId last_id;
};

// The options after the IDs, from argument `i` on.
std::optional<ClaimOptions> ParseClaimOptions(CommandContext& ctx, size_t i) {
  ClaimOptions o;
  auto take_int = [&](std::string_view what, int64_t* out) {
    std::optional<int64_t> v = ParseInt64(ctx.args[++i]);
    if (!v) {
      ctx.Error("ERR Invalid " + std::string(what) + " option argument for XCLAIM");
      return false;
    }
    *out = *v;
    return true;
  };
  for (; i < ctx.args.size(); ++i) {
    const bool more = i + 1 < ctx.args.size();
    const std::string_view opt = ctx.args[i];
    if (EqualsIgnoreCase(opt, "FORCE")) {
      o.force = true;
    } else if (EqualsIgnoreCase(opt, "JUSTID")) {
      o.justid = true;
    } else if (EqualsIgnoreCase(opt, "IDLE") && more) {
      int64_t idle;
      if (!take_int("IDLE", &idle)) return std::nullopt;
      // A time before the epoch or after now becomes now below, as in Redis.
      if (__builtin_sub_overflow(ctx.now_ms, idle, &o.delivery_time)) o.delivery_time = ctx.now_ms;
    } else if (EqualsIgnoreCase(opt, "TIME") && more) {
      if (!take_int("TIME", &o.delivery_time)) return std::nullopt;
    } else if (EqualsIgnoreCase(opt, "RETRYCOUNT") && more) {
      if (!take_int("RETRYCOUNT", &o.retry_count)) return std::nullopt;
    } else if (EqualsIgnoreCase(opt, "LASTID") && more) {
      std::optional<StreamId> id = stream::ParseIdOrReply(ctx, ctx.args[++i], 0, true);
      if (!id) return std::nullopt;
      o.last_id = *id;
    } else {
      ctx.Error("ERR Unrecognized XCLAIM option '" + std::string(opt) + "'");
      return std::nullopt;
    }
  }
  if (o.delivery_time < 0 || o.delivery_time > ctx.now_ms) o.delivery_time = ctx.now_ms;
  return o;
}

}  // namespace

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n]
//        [FORCE] [JUSTID] [LASTID id]
void XClaim(CommandContext& ctx) {
  StreamGroup* g;
  CollectionWrite<StreamValue> s = OpenGroup(ctx, &g);
  if (!s) return;
  std::optional<int64_t> min_idle = ParseMinIdle(ctx, "XCLAIM");
  if (!min_idle) return;
  // The IDs run up to the first argument that is none: the options start there.
  std::vector<StreamId> ids;
  size_t i = 5;
  for (; i < ctx.args.size(); ++i) {
    std::optional<StreamId> id = stream::ParseId(ctx.args[i], 0, true);
    if (!id) break;
    ids.push_back(*id);
  }
  std::optional<ClaimOptions> o = ParseClaimOptions(ctx, i);
  if (!o) return;

  bool log_last_id = false;
  if (o->last_id > g->last_id) {
    g->last_id = o->last_id;
    log_last_id = true;
  }
  bool created;
  StreamConsumer& consumer =
      stream_group::FindOrCreateConsumer(ctx, ctx.args[1], *g, ctx.args[3], &created);
  consumer.seen_time = ctx.now_ms;

  std::string body;
  ReplyWriter out(body, ctx.reply.protocol());
  size_t n = 0;
  for (StreamId id : ids) {
    auto it = g->pel.find(id);
    if (!s->Contains(id)) {
      if (it != g->pel.end()) {
        DropDeleted(ctx, *g, it);
        log_last_id = false;  // the XCLAIM logged carries LASTID
      }
      continue;
    }
    if (it == g->pel.end()) {
      if (!o->force) continue;
      // FORCE: a new PEL entry, of no consumer yet, so the idle time does not apply.
      it = g->pel.try_emplace(id).first;
      it->second.delivery_time = ctx.now_ms;
      it->second.delivery_count = 1;
    }
    StreamPending& p = it->second;
    if (p.consumer != nullptr && *min_idle != 0 && ctx.now_ms - p.delivery_time < *min_idle) {
      continue;
    }
    p.delivery_time = o->delivery_time;
    if (o->retry_count >= 0) {
      p.delivery_count = static_cast<uint64_t>(o->retry_count);
    } else if (!o->justid) {
      p.delivery_count++;
    }
    g->Reassign(it, consumer);
    ReplyClaimed(out, *s, id, o->justid);
    ++n;
    consumer.active_time = ctx.now_ms;
    stream_group::LogClaim(ctx, ctx.args[1], ctx.args[2], *g, id, p);
    log_last_id = false;
  }
  if (log_last_id) stream_group::LogGroupId(ctx, ctx.args[1], ctx.args[2], *g);
  ctx.reply.ArrayHeader(n);
  ctx.reply.buffer() += body;
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]: [next cursor,
// claimed entries, IDs of pending entries dropped because their entry was deleted].
void XAutoClaim(CommandContext& ctx) {
  // The key is looked up first, as Redis does (a hit or a miss even when an argument is
  // wrong); WRONGTYPE and NOGROUP come after the arguments' errors.
  const Record* r = LookupRead(ctx, ctx.args[1]);
  std::optional<int64_t> min_idle = ParseMinIdle(ctx, "XAUTOCLAIM");
  if (!min_idle) return;
  std::optional<StreamId> start = stream::ParseRangeStart(ctx, ctx.args[5]);
  if (!start) return;
  int64_t count = 100;
  bool justid = false;
  constexpr int64_t kAttemptsFactor = 10;
  constexpr int64_t kMaxCount = INT64_MAX / 16;  // Redis's LONG_MAX / sizeof(streamID)
  for (size_t i = 6; i < ctx.args.size(); ++i) {
    if (EqualsIgnoreCase(ctx.args[i], "COUNT") && i + 1 < ctx.args.size()) {
      std::optional<int64_t> v = ParseInt64(ctx.args[++i]);
      if (!v || *v < 1 || *v > kMaxCount) return ctx.Error("ERR COUNT must be > 0");
      count = *v;
    } else if (EqualsIgnoreCase(ctx.args[i], "JUSTID")) {
      justid = true;
    } else {
      return ctx.Error(kSyntaxErr);
    }
  }
  if (r != nullptr && r->type() != ValueType::kStream) return ctx.Error(kWrongTypeErr);
  if (r == nullptr) return stream_group::ReplyNoKeyOrGroup(ctx, ctx.args[1], ctx.args[2]);
  StreamGroup* g;
  CollectionWrite<StreamValue> s = WriteGroup(ctx, &g);
  if (!s) return;
  bool created;
  StreamConsumer& consumer =
      stream_group::FindOrCreateConsumer(ctx, ctx.args[1], *g, ctx.args[3], &created);
  consumer.seen_time = ctx.now_ms;

  std::string body;
  ReplyWriter out(body, ctx.reply.protocol());
  size_t n = 0;
  std::vector<StreamId> deleted;
  int64_t attempts = count * kAttemptsFactor;
  auto it = g->pel.lower_bound(*start);
  while (attempts-- > 0 && count > 0 && it != g->pel.end()) {
    const StreamId id = it->first;
    if (!s->Contains(id)) {
      DropDeleted(ctx, *g, it);
      deleted.push_back(id);
      it = g->pel.lower_bound(id);
      --count;  // COUNT bounds the reply, the dropped IDs included
      continue;
    }
    StreamPending& p = it->second;
    if (*min_idle != 0 && ctx.now_ms - p.delivery_time < *min_idle) {
      ++it;
      continue;
    }
    p.delivery_time = ctx.now_ms;
    if (!justid) p.delivery_count++;
    g->Reassign(it, consumer);
    ReplyClaimed(out, *s, id, justid);
    ++n;
    --count;
    consumer.active_time = ctx.now_ms;
    stream_group::LogClaim(ctx, ctx.args[1], ctx.args[2], *g, id, p);
    ++it;
  }
  ctx.reply.ArrayHeader(3);
  stream::ReplyId(ctx.reply, it == g->pel.end() ? StreamId{} : it->first);
  ctx.reply.ArrayHeader(n);
  ctx.reply.buffer() += body;
  ctx.reply.ArrayHeader(deleted.size());
  for (StreamId id : deleted) stream::ReplyId(ctx.reply, id);
}

}  // namespace kvd::stream_group_commands
