#pragma once
// Helpers shared by the stream commands: Redis's ID parsing (streamGenericParseIDOrReply,
// streamParseIntervalIDOrReply), the stream lookup, and replies of entries.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/stream_value.h"
#include "server/command.h"

namespace kvd::stream {

inline constexpr std::string_view kInvalidIdErr =
    "ERR Invalid stream ID specified as stream command argument";

// "<ms>-<seq>", "<ms>" (seq = missing_seq), "-" (0-0) and "+" (the largest ID); with
// `strict`, "-" and "+" are refused. When `seq_given` is non-null the form "<ms>-*" is taken
// too (XADD), setting *seq_given to false; every other form sets it true. nullopt when the
// text is no ID.
std::optional<StreamId> ParseId(std::string_view s, uint64_t missing_seq, bool strict,
                                bool* seq_given = nullptr);
// ParseId replying kInvalidIdErr when it fails.
std::optional<StreamId> ParseIdOrReply(CommandContext& ctx, std::string_view s,
                                       uint64_t missing_seq, bool strict = false);

// XRANGE's bounds: an ID as ParseId takes it (a missing seq is 0 for the start and the
// largest for the end), or "(" + a strict ID for an exclusive bound, turned into the next
// (start) or previous (end) ID. Replies the error ("ERR invalid start ID for the interval"
// when there is no next ID...) and returns nullopt when it fails.
std::optional<StreamId> ParseRangeStart(CommandContext& ctx, std::string_view s);
std::optional<StreamId> ParseRangeEnd(CommandContext& ctx, std::string_view s);

// The stream at key for a read, counting a keyspace hit or miss. Null when missing, or
// after replying WRONGTYPE (then *failed is set).
const StreamValue* ReadStream(CommandContext& ctx, std::string_view key, bool* failed);

// An ID as a bulk string.
void ReplyId(ReplyWriter& reply, StreamId id);
// An entry as Redis replies it: [id, [field, value, ...]].
void ReplyEntry(ReplyWriter& reply, const StreamValue::Entry& e);
// The array of the live entries in [start, end] (descending from end when `reverse`), at
// most `limit` of them (0: no bound), found in one walk; returns how many.
size_t ReplyRange(ReplyWriter& reply, const StreamValue& s, StreamId start, StreamId end,
                  bool reverse, size_t limit);

}  // namespace kvd::stream
