#pragma once
// Helpers shared by the consumer group commands: Redis's errors, the log entries by which
// group state reaches the append-only log (streamPropagateXCLAIM, streamPropagateGroupID),
// the consumer lookup that creates and announces, and the group's read counter.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/stream_value.h"
#include "server/command.h"

namespace kvd::stream_group {

// "NOGROUP No such key 'k' or consumer group 'g'" + suffix (XREADGROUP's " in XREADGROUP
// with GROUP option").
void ReplyNoKeyOrGroup(CommandContext& ctx, std::string_view key, std::string_view group,
                       std::string_view suffix = {});
// "NOGROUP No such consumer group 'g' for key name 'k'" (XGROUP, XINFO CONSUMERS).
void ReplyNoGroup(CommandContext& ctx, std::string_view key, std::string_view group);

// Logs one command in place of the one running, counting it as a change.
void Log(CommandContext& ctx, std::vector<std::string> command);
// XCLAIM key group <p's consumer> 0 id TIME <p's time> RETRYCOUNT <p's count> FORCE JUSTID
// LASTID <group's last id>: replays the PEL entry exactly.
void LogClaim(CommandContext& ctx, std::string_view key, std::string_view group_name,
              const StreamGroup& group, StreamId id, const StreamPending& p);
// XGROUP SETID key group <last id> ENTRIESREAD <entries read>.
void LogGroupId(CommandContext& ctx, std::string_view key, std::string_view group_name,
                const StreamGroup& group);

// The consumer, created when missing (firing "xgroup-createconsumer"; *created set then).
StreamConsumer& FindOrCreateConsumer(CommandContext& ctx, std::string_view key, StreamGroup& group,
                                     std::string_view name, bool* created);

// Redis's update of the group's read counter when `id` (> last_id) is delivered; also moves
// last_id to it.
void AdvanceGroup(const StreamValue& s, StreamGroup& group, StreamId id);
// Redis's streamReplyWithCGLag: the lag, or a null.
void ReplyLag(ReplyWriter& reply, const StreamValue& s, const StreamGroup& group);

}  // namespace kvd::stream_group
