// XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS and HELP (Redis 7.2's xinfoCommand):
// maps in RESP3, flat key/value arrays in RESP2.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/stream_group_commands.h"
#include "server/commands/stream_group_util.h"
#include "server/commands/stream_util.h"
#include "server/commands/subcommand_help.h"
#include "server/errors.h"

namespace kvd::stream_group_commands {
namespace {

// The stream at args[2], or null after replying "no such key" or WRONGTYPE.
const StreamValue* InfoStream(CommandContext& ctx) {
  bool failed;
  const StreamValue* s = stream::ReadStream(ctx, ctx.args[2], &failed);
  if (s == nullptr && !failed) ctx.Error(kNoSuchKeyErr);
  return s;
}

void SubcommandSyntaxError(CommandContext& ctx) {
  ctx.Error("ERR unknown subcommand or wrong number of arguments for '" + std::string(ctx.args[1]) +
            "'. Try XINFO HELP.");
}

void ReplyEntriesRead(ReplyWriter& r, const StreamGroup& g) {
  if (g.entries_read == -1) return r.Null();
  r.Integer(g.entries_read);
}

// The first or last live entry, or a null.
void ReplyEdgeEntry(ReplyWriter& r, const StreamValue& s, bool last) {
  const size_t n = s.Range(StreamId{}, StreamId::Max(), last, 1, [&](const StreamValue::Entry& e) {
    stream::ReplyEntry(r, e);
    return true;
  });
  if (n == 0) r.Null();
}

// The fields both forms of XINFO STREAM start with. The stream's chunks stand for Redis's
// radix tree keys (one listpack each); its node count is approximated as keys + 1.
void ReplyStreamHeader(ReplyWriter& r, const StreamValue& s) {
  r.Bulk("length");
  r.Integer(static_cast<int64_t>(s.size()));
  r.Bulk("radix-tree-keys");
  r.Integer(static_cast<int64_t>(s.chunk_count()));
  r.Bulk("radix-tree-nodes");
  r.Integer(static_cast<int64_t>(s.chunk_count() + 1));
  r.Bulk("last-generated-id");
  stream::ReplyId(r, s.last_id());
  r.Bulk("max-deleted-entry-id");
  stream::ReplyId(r, s.max_deleted_id());
  r.Bulk("entries-added");
  r.Integer(static_cast<int64_t>(s.entries_added()));
  r.Bulk("recorded-first-entry-id");
  stream::ReplyId(r, s.first_id());
}

// A group as XINFO STREAM FULL shows it: its PEL and consumers, each PEL up to `count`
// entries (0: all).
void ReplyFullGroup(ReplyWriter& r, const StreamValue& s, std::string_view name,
                    const StreamGroup& g, size_t count) {
  r.MapHeader(7);
  r.Bulk("name");
  r.Bulk(name);
  r.Bulk("last-delivered-id");
  stream::ReplyId(r, g.last_id);
  r.Bulk("entries-read");
  ReplyEntriesRead(r, g);
  r.Bulk("lag");
  stream_group::ReplyLag(r, s, g);
  r.Bulk("pel-count");
  r.Integer(static_cast<int64_t>(g.pel.size()));
  r.Bulk("pending");
  r.ArrayHeader(count == 0 ? g.pel.size() : std::min(count, g.pel.size()));
  size_t n = 0;
  for (const auto& [id, p] : g.pel) {
    if (count != 0 && n++ == count) break;
    r.ArrayHeader(4);
    stream::ReplyId(r, id);
    r.Bulk(p.consumer != nullptr ? p.consumer->name : std::string_view());
    r.Integer(p.delivery_time);
    r.Integer(static_cast<int64_t>(p.delivery_count));
  }
  r.Bulk("consumers");
  r.ArrayHeader(g.consumers.size());
  for (const auto& [cname, c] : g.consumers) {
    r.MapHeader(5);
    r.Bulk("name");
    r.Bulk(cname);
    r.Bulk("seen-time");
    r.Integer(c.seen_time);
    r.Bulk("active-time");
    r.Integer(c.active_time);
    r.Bulk("pel-count");
    r.Integer(static_cast<int64_t>(c.pending.size()));
    r.Bulk("pending");
    r.ArrayHeader(count == 0 ? c.pending.size() : std::min(count, c.pending.size()));
    size_t k = 0;
    for (StreamId id : c.pending) {
      if (count != 0 && k++ == count) break;
      auto p = g.pel.find(id);
      r.ArrayHeader(3);
      stream::ReplyId(r, id);
      r.Integer(p != g.pel.end() ? p->second.delivery_time : 0);
      r.Integer(p != g.pel.end() ? static_cast<int64_t>(p->second.delivery_count) : 0);
    }
  }
}

}  // namespace

// XINFO STREAM key [FULL [COUNT count]]
void XInfoStream(CommandContext& ctx) {
  const StreamValue* s = InfoStream(ctx);
  if (s == nullptr) return;
  const size_t options = ctx.args.size() - 3;
  bool full = false;
  int64_t count = 10;  // FULL's default, so that a big stream does not stall the server
  if (options != 0) {
    if ((options != 1 && options != 3) || !EqualsIgnoreCase(ctx.args[3], "FULL")) {
      return SubcommandSyntaxError(ctx);
    }
    if (options == 3) {
      if (!EqualsIgnoreCase(ctx.args[4], "COUNT")) return SubcommandSyntaxError(ctx);
      std::optional<int64_t> n = ParseInt64(ctx.args[5]);
      if (!n) return ctx.Error(kNotIntegerErr);
      count = *n < 0 ? 10 : *n;
    }
    full = true;
  }
  ReplyWriter& r = ctx.reply;
  r.MapHeader(full ? 9 : 10);
  ReplyStreamHeader(r, *s);
  if (!full) {
    r.Bulk("groups");
    r.Integer(static_cast<int64_t>(s->groups().size()));
    r.Bulk("first-entry");
    ReplyEdgeEntry(r, *s, false);
    r.Bulk("last-entry");
    ReplyEdgeEntry(r, *s, true);
    return;
  }
  r.Bulk("entries");
  const size_t limit = static_cast<size_t>(count);
  r.ArrayHeader(limit == 0 ? s->size() : std::min(limit, s->size()));
  s->Range(StreamId{}, StreamId::Max(), false, limit, [&](const StreamValue::Entry& e) {
    stream::ReplyEntry(r, e);
    return true;
  });
  r.Bulk("groups");
  r.ArrayHeader(s->groups().size());
  for (const auto& [name, g] : s->groups()) ReplyFullGroup(r, *s, name, g, limit);
}

// XINFO GROUPS key
void XInfoGroups(CommandContext& ctx) {
  const StreamValue* s = InfoStream(ctx);
  if (s == nullptr) return;
  ctx.reply.ArrayHeader(s->groups().size());
  for (const auto& [name, g] : s->groups()) {
    ReplyWriter& r = ctx.reply;
    r.MapHeader(6);
    r.Bulk("name");
    r.Bulk(name);
    r.Bulk("consumers");
    r.Integer(static_cast<int64_t>(g.consumers.size()));
    r.Bulk("pending");
    r.Integer(static_cast<int64_t>(g.pel.size()));
    r.Bulk("last-delivered-id");
    stream::ReplyId(r, g.last_id);
    r.Bulk("entries-read");
    ReplyEntriesRead(r, g);
    r.Bulk("lag");
    stream_group::ReplyLag(r, *s, g);
  }
}

// XINFO CONSUMERS key group: name, pending, idle (since last seen) and inactive (since last
// successful read or claim; -1 when never), as in Redis 7.2.
void XInfoConsumers(CommandContext& ctx) {
  const StreamValue* s = InfoStream(ctx);
  if (s == nullptr) return;
  const StreamGroup* g = s->FindGroup(ctx.args[3]);
  if (g == nullptr) return stream_group::ReplyNoGroup(ctx, ctx.args[2], ctx.args[3]);
  ctx.reply.ArrayHeader(g->consumers.size());
  for (const auto& [name, c] : g->consumers) {
    ReplyWriter& r = ctx.reply;
    r.MapHeader(4);
    r.Bulk("name");
    r.Bulk(name);
    r.Bulk("pending");
    r.Integer(static_cast<int64_t>(c.pending.size()));
    r.Bulk("idle");
    r.Integer(std::max<int64_t>(ctx.now_ms - c.seen_time, 0));
    r.Bulk("inactive");
    r.Integer(c.active_time != -1 ? ctx.now_ms - c.active_time : -1);
  }
}

void XInfoHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "XINFO",
      {"CONSUMERS <key> <groupname>", "    Show consumers of <groupname>.", "GROUPS <key>",
       "    Show the stream consumer groups.", "STREAM <key> [FULL [COUNT <count>]",
       "    Show information about the stream."});
}

}  // namespace kvd::stream_group_commands
