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

#include "core/stream_value.h"
#include "server/blocking.h"
#include "server/commands/stream_commands.h"
#include "server/commands/stream_read_args.h"
#include "server/commands/stream_util.h"

namespace kvd::stream_commands {

// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
void XRead(CommandContext& ctx) {
  std::optional<stream::ReadArgs> a = stream::ParseReadArgs(ctx, false);
  if (!a) return;
  const std::span<const std::string_view> keys = a->keys;
  const size_t count = keys.size();
  std::vector<const StreamValue*> streams(count);
  std::vector<StreamId> after(count);  // read the entries above these IDs
  for (size_t i = 0; i < count; ++i) {
    bool failed = false;
    streams[i] = stream::ReadStream(ctx, keys[i], &failed);
    if (failed) return;
    const std::string_view id = a->ids[i];
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
  for (size_t i = 0; i < count; ++i) {
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
      stream::ReplyRange(ctx.reply, *streams[i], start, StreamId::Max(), false, limit);
    }
    return;
  }
  if (!a->deadline) return ctx.reply.NullArray();
  // Wait for entries above the IDs as they are now: "$" becomes the stream's last ID.
  std::vector<std::string> rewritten(ctx.args.begin(), ctx.args.end());
  for (size_t i = 0; i < count; ++i) {
    std::string& id = rewritten[a->ids_at + i];
    if (id == "$") id = after[i].ToString();
  }
  const std::vector<std::string_view> rerun(rewritten.begin(), rewritten.end());
  if (!BlockClient(ctx, keys, ValueType::kStream, *a->deadline, rerun)) {
    ctx.reply.NullArray();
  }
}

}  // namespace kvd::stream_commands
