// XREAD (Redis 7.2's t_stream.c xreadCommand, without the GROUP form): the entries after the
// given IDs of one or more streams, a map of key -> entries in RESP3 (an array of
// [key, entries] pairs in RESP2). With BLOCK and nothing to read, the client waits
// (server/blocking.h) and the command runs again once a write touches one of the streams;
// "$" is rewritten to the stream's last ID first, so the run again reads what came after it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/stream_value.h"
#include "core/text.h"
#include "server/blocking.h"
#include "server/commands/stream_commands.h"
#include "server/commands/stream_util.h"
#include "server/errors.h"

namespace kvd::stream_commands {
namespace {

struct ReadArgs {
  int64_t count = 0;                // 0: no bound
  std::optional<int64_t> deadline;  // BLOCK's absolute deadline (0: forever); none: no BLOCK
  size_t streams = 0;               // argument index of the first key
  size_t n = 0;                     // how many streams
};

std::optional<ReadArgs> ParseReadArgs(CommandContext& ctx) {
  ReadArgs a;
  const size_t argc = ctx.args.size();
  for (size_t i = 1; i < argc; ++i) {
    const bool more = i + 1 < argc;
    const std::string_view opt = ctx.args[i];
    if (EqualsIgnoreCase(opt, "BLOCK") && more) {
      a.deadline = ParseBlockTimeoutMs(ctx, ctx.args[++i]);
      if (!a.deadline) return std::nullopt;
    } else if (EqualsIgnoreCase(opt, "COUNT") && more) {
      std::optional<int64_t> n = ParseInt64(ctx.args[++i]);
      if (!n) {
        ctx.Error(kNotIntegerErr);
        return std::nullopt;
      }
      a.count = *n < 0 ? 0 : *n;
    } else if (EqualsIgnoreCase(opt, "STREAMS") && more) {
      a.streams = i + 1;
      if ((argc - a.streams) % 2 != 0) {
        ctx.Error(
            "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be "
            "specified.");
        return std::nullopt;
      }
      a.n = (argc - a.streams) / 2;
      break;
    } else if (EqualsIgnoreCase(opt, "GROUP") && i + 2 < argc) {
      ctx.Error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
      return std::nullopt;
    } else if (EqualsIgnoreCase(opt, "NOACK")) {
      ctx.Error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
      return std::nullopt;
    } else {
      ctx.Error(kSyntaxErr);
      return std::nullopt;
    }
  }
  if (a.streams == 0) {
    ctx.Error(kSyntaxErr);
    return std::nullopt;
  }
  return a;
}

}  // namespace

// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
void XRead(CommandContext& ctx) {
  std::optional<ReadArgs> a = ParseReadArgs(ctx);
  if (!a) return;
  const std::span<const std::string_view> keys = ctx.args.subspan(a->streams, a->n);
  std::vector<const StreamValue*> streams(a->n);
  std::vector<StreamId> after(a->n);  // read the entries above these IDs
  for (size_t i = 0; i < a->n; ++i) {
    bool failed = false;
    streams[i] = stream::ReadStream(ctx, keys[i], &failed);
    if (failed) return;
    const std::string_view id = ctx.args[a->streams + a->n + i];
    if (id == "$") {
      after[i] = streams[i] != nullptr ? streams[i]->last_id() : StreamId{};
      continue;
    }
    if (id == ">") {
      return ctx.Error(
          "ERR The > ID can be specified only when calling XREADGROUP using the GROUP "
          "<group> <consumer> option.");
    }
    std::optional<StreamId> parsed = stream::ParseIdOrReply(ctx, id, 0, true);
    if (!parsed) return;
    after[i] = *parsed;
  }

  // Streams with an entry above their ID, in argument order. Each key is looked up again,
  // as Redis does: INFO's keyspace_hits/misses count two lookups a key.
  std::vector<size_t> ready;
  for (size_t i = 0; i < a->n; ++i) {
    bool failed = false;
    const StreamValue* s = streams[i] = stream::ReadStream(ctx, keys[i], &failed);
    if (failed) return;
    if (s == nullptr || s->empty()) continue;
    StreamId start = after[i];
    if (start.Increment() && s->Range(start, StreamId::Max(), false, 1,
                                      [](const StreamValue::Entry&) { return false; }) > 0) {
      ready.push_back(i);
    }
  }
  if (!ready.empty()) {
    const auto limit = static_cast<size_t>(a->count);
    if (ctx.reply.protocol() == 2) {
      ctx.reply.ArrayHeader(ready.size());
    } else {
      ctx.reply.MapHeader(ready.size());
    }
    for (size_t i : ready) {
      if (ctx.reply.protocol() == 2) ctx.reply.ArrayHeader(2);
      ctx.reply.Bulk(keys[i]);
      StreamId start = after[i];
      start.Increment();
      const StreamValue& s = *streams[i];
      const size_t n = s.Range(start, StreamId::Max(), false, limit,
                               [](const StreamValue::Entry&) { return true; });
      ctx.reply.ArrayHeader(n);
      s.Range(start, StreamId::Max(), false, limit, [&](const StreamValue::Entry& e) {
        stream::ReplyEntry(ctx.reply, e);
        return true;
      });
    }
    return;
  }
  if (!a->deadline) return ctx.reply.NullArray();
  // Wait for entries above the IDs as they are now: "$" becomes the stream's last ID.
  std::vector<std::string> rewritten(ctx.args.begin(), ctx.args.end());
  for (size_t i = 0; i < a->n; ++i) {
    std::string& id = rewritten[a->streams + a->n + i];
    if (id == "$") id = after[i].ToString();
  }
  const std::vector<std::string_view> rerun(rewritten.begin(), rewritten.end());
  if (!BlockClient(ctx, keys, ValueType::kStream, *a->deadline, rerun)) {
    ctx.reply.NullArray();
  }
}

}  // namespace kvd::stream_commands
