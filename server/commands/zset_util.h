#pragma once
// Helpers shared by the sorted-set commands: Redis's range parsing (zslParseRange,
// zslParseLexRange), rank normalisation, and replies of members with scores.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/zset_value.h"
#include "server/command.h"
#include "server/keyspace_events.h"

namespace kvd::zset {

inline constexpr std::string_view kMinMaxNotFloatErr = "ERR min or max is not a float";
inline constexpr std::string_view kMinMaxNotLexErr = "ERR min or max not valid string range item";
inline constexpr std::string_view kNotPositiveErr = "ERR value is out of range, must be positive";

// "1.5", "(1.5", "-inf", "+inf" as ZRANGEBYSCORE takes them; nullopt when not a float.
std::optional<ScoreRange> ParseScoreRange(std::string_view min, std::string_view max);
// "-", "+", "[x", "(x"; the bounds view into the arguments.
std::optional<LexRange> ParseLexRange(std::string_view min, std::string_view max);

// Redis's start/stop rank arithmetic (negative counts from the end, clamped): the ranks
// [first, last) selected out of `len`; empty when the range selects nothing.
RankSpan ClampRanks(int64_t start, int64_t stop, size_t len);

// The sorted set at key for a read, counting a keyspace hit or miss. Null when missing, or
// after replying WRONGTYPE (then *failed is set).
const ZSetValue* ReadZSet(CommandContext& ctx, std::string_view key, bool* failed);

// Replies a list of members, with their scores when `with_scores`: a flat array in RESP2
// (scores as bulk strings), an array of [member, score] pairs in RESP3, as Redis 7.2.
class MemberReply {
 public:
  MemberReply(ReplyWriter& reply, bool with_scores) : reply_(reply), with_scores_(with_scores) {}
  void Begin(size_t count);
  void Add(std::string_view member, double score);

 private:
  ReplyWriter& reply_;
  bool with_scores_;
};

// A random 64-bit number for ZRANDMEMBER.
uint64_t RandomU64();


// Keyspace events of a *STORE destination: `event` when a result was stored, "del" when an
// empty result deleted an existing key.
inline void NotifyStored(CommandContext& ctx, std::string_view dst, size_t size, bool created) {
  if (size > 0) {
    NotifyKeyspaceEvent(ctx, kNotifyZset, ctx.spec.name, dst);  // "zunionstore"...
  } else if (!created) {
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", dst);
  }
}

// Keyspace events after members left the sorted set at `key`: `event`, then "del" when it
// is now empty (and so deleted).
inline void NotifyZSetRemoval(CommandContext& ctx, std::string_view event, std::string_view key,
                              bool emptied) {
  NotifyKeyspaceEvent(ctx, kNotifyZset, event, key);
  if (emptied) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
}

}  // namespace kvd::zset
