#include "server/commands/stream_group_util.h"

#include <utility>

#include "server/keyspace_events.h"

namespace kvd::stream_group {

void ReplyNoKeyOrGroup(CommandContext& ctx, std::string_view key, std::string_view group,
                       std::string_view suffix) {
  std::string msg = "NOGROUP No such key '";
  msg.append(key).append("' or consumer group '").append(group).append("'").append(suffix);
  ctx.Error(msg);
}

void ReplyNoGroup(CommandContext& ctx, std::string_view key, std::string_view group) {
  std::string msg = "NOGROUP No such consumer group '";
  msg.append(group).append("' for key name '").append(key).append("'");
  ctx.Error(msg);
}

void Log(CommandContext& ctx, std::vector<std::string> command) {
  ctx.Propagate(std::move(command));
  ctx.AddDirty();
}

void LogClaim(CommandContext& ctx, std::string_view key, std::string_view group_name,
              const StreamGroup& group, StreamId id, const StreamPending& p) {
  Log(ctx, {"XCLAIM", std::string(key), std::string(group_name),
            std::string(p.consumer != nullptr ? p.consumer->name : std::string_view()), "0",
            id.ToString(), "TIME", std::to_string(p.delivery_time), "RETRYCOUNT",
            std::to_string(p.delivery_count), "FORCE", "JUSTID", "LASTID", group.last_id.ToString()});
}

void LogGroupId(CommandContext& ctx, std::string_view key, std::string_view group_name,
                const StreamGroup& group) {
  Log(ctx, {"XGROUP", "SETID", std::string(key), std::string(group_name), group.last_id.ToString(),
            "ENTRIESREAD", std::to_string(group.entries_read)});
}

StreamConsumer& FindOrCreateConsumer(CommandContext& ctx, std::string_view key, StreamGroup& group,
                                     std::string_view name, bool* created) {
  StreamConsumer& c = group.FindOrCreateConsumer(name, ctx.now_ms, created);
  if (*created) NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-createconsumer", key);
  return c;
}

void AdvanceGroup(const StreamValue& s, StreamGroup& group, StreamId id) {
  if (group.entries_read != -1 && !s.RangeHasTombstones(id, StreamId::Max())) {
    // A valid counter and no tombstone ahead: the read is counted exactly.
    group.entries_read++;
  } else if (s.entries_added() != 0) {
    group.entries_read = s.EstimateDistanceFromFirstEverEntry(id).value_or(-1);
  }
  group.last_id = id;
}

void ReplyLag(ReplyWriter& reply, const StreamValue& s, const StreamGroup& group) {
  if (s.entries_added() == 0) return reply.Integer(0);
  const auto added = static_cast<int64_t>(s.entries_added());
  if (group.entries_read != -1 && !s.RangeHasTombstones(group.last_id, StreamId::Max())) {
    return reply.Integer(added - group.entries_read);
  }
  if (std::optional<int64_t> read = s.EstimateDistanceFromFirstEverEntry(group.last_id)) {
    return reply.Integer(added - *read);
  }
  reply.Null();
}

}  // namespace kvd::stream_group
