// ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, ZRANDMEMBER, ZSCAN.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "protocol/reply_writer.h"
#include "server/commands/scan_options.h"
#include "server/commands/zset_commands.h"
#include "server/commands/zset_util.h"
#include "server/errors.h"

namespace kvd::zset_commands {
namespace {

void RankGeneric(CommandContext& ctx, bool reverse) {
  if (ctx.args.size() > 4) return ctx.Error(WrongArityError(ctx.spec.name));
  const bool with_score = ctx.args.size() == 4;
  if (with_score && !EqualsIgnoreCase(ctx.args[3], "WITHSCORE")) return ctx.Error(kSyntaxErr);
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  std::optional<size_t> rank;
  if (z) rank = z->Rank(ctx.args[2], reverse);
  if (!rank) return with_score ? ctx.reply.NullArray() : ctx.reply.Null();
  if (!with_score) return ctx.reply.Integer(static_cast<int64_t>(*rank));
  ctx.reply.ArrayHeader(2);
  ctx.reply.Integer(static_cast<int64_t>(*rank));
  ctx.reply.Double(*z->Score(ctx.args[2]));
}

// Random members of z: `count` distinct ones (count < size), in random order.
std::vector<size_t> DistinctRanks(size_t size, size_t count) {
  std::vector<size_t> ranks;
  if (count * 3 > size) {
    // A partial Fisher-Yates shuffle of every rank.
    ranks.resize(size);
    std::iota(ranks.begin(), ranks.end(), size_t{0});
    for (size_t i = 0; i < count; ++i) {
      std::swap(ranks[i], ranks[i + zset::RandomU64() % (size - i)]);
    }
    ranks.resize(count);
    return ranks;
  }
  // Few picks out of many: draw until `count` distinct ranks came up.
  std::unordered_set<size_t> seen;
  while (ranks.size() < count) {
    size_t r = zset::RandomU64() % size;
    if (seen.insert(r).second) ranks.push_back(r);
  }
  return ranks;
}

// zrandmemberWithCountCommand: a positive count asks for distinct members, a negative
// one for |count| members that may repeat.
void RandMemberWithCount(CommandContext& ctx, int64_t count, bool with_scores) {
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (!z || count == 0) return ctx.reply.ArrayHeader(0);
  const bool unique = count > 0;
  const auto n = static_cast<size_t>(unique ? count : -count);
  zset::MemberReply out(ctx.reply, with_scores);
  if (!unique || n == 1) {
    out.Begin(n);
    for (size_t i = 0; i < n; ++i) {
      auto [member, score] = z->Random(zset::RandomU64());
      out.Add(member, score);
    }
    return;
  }
  if (n >= z->size()) {
    out.Begin(z->size());
    z->ForEach([&](std::string_view m, double s) { out.Add(m, s); });
    return;
  }
  out.Begin(n);
  for (size_t rank : DistinctRanks(z->size(), n)) {
    auto [member, score] = z->At(rank);
    out.Add(member, score);
  }
}


}  // namespace

void ZCard(CommandContext& ctx) {
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.Integer(z ? static_cast<int64_t>(z->size()) : 0);
}

void ZScore(CommandContext& ctx) {
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  std::optional<double> s;
  if (z) s = z->Score(ctx.args[2]);
  if (!s) return ctx.reply.Null();
  ctx.reply.Double(*s);
}

// ZMSCORE key member [member ...]: one score or nil per member.
void ZMScore(CommandContext& ctx) {
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    std::optional<double> s;
    if (z) s = z->Score(ctx.args[i]);
    if (s) {
      ctx.reply.Double(*s);
    } else {
      ctx.reply.Null();
    }
  }
}

// ZRANK key member [WITHSCORE]
void ZRank(CommandContext& ctx) { RankGeneric(ctx, false); }
void ZRevRank(CommandContext& ctx) { RankGeneric(ctx, true); }

// ZCOUNT key min max
void ZCount(CommandContext& ctx) {
  std::optional<ScoreRange> range = zset::ParseScoreRange(ctx.args[2], ctx.args[3]);
  if (!range) return ctx.Error(zset::kMinMaxNotFloatErr);
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.Integer(z ? static_cast<int64_t>(z->Span(*range).size()) : 0);
}

// ZLEXCOUNT key min max
void ZLexCount(CommandContext& ctx) {
  std::optional<LexRange> range = zset::ParseLexRange(ctx.args[2], ctx.args[3]);
  if (!range) return ctx.Error(zset::kMinMaxNotLexErr);
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.Integer(z ? static_cast<int64_t>(z->Span(*range).size()) : 0);
}

// ZRANDMEMBER key [count [WITHSCORES]]
void ZRandMember(CommandContext& ctx) {
  if (ctx.args.size() >= 3) {
    std::optional<int64_t> count = ParseInt64(ctx.args[2]);
    if (!count) return ctx.Error(kNotIntegerErr);
    if (*count == INT64_MIN) {
      return ctx.Error(
          "ERR value is out of range, value must between -9223372036854775807 and "
          "9223372036854775807");
    }
    if (ctx.args.size() > 4 ||
        (ctx.args.size() == 4 && !EqualsIgnoreCase(ctx.args[3], "WITHSCORES"))) {
      return ctx.Error(kSyntaxErr);
    }
    const bool with_scores = ctx.args.size() == 4;
    // The reply holds two entries per member: keep their count representable, as Redis.
    if (with_scores && (*count < -INT64_MAX / 2 || *count > INT64_MAX / 2)) {
      return ctx.Error("ERR value is out of range");
    }
    return RandMemberWithCount(ctx, *count, with_scores);
  }
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (!z) return ctx.reply.Null();
  ctx.reply.Bulk(z->Random(zset::RandomU64()).first);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void ZScan(CommandContext& ctx) {
  std::optional<uint64_t> cursor = ParseScanCursor(ctx.args[2]);
  if (!cursor) return ctx.Error(kInvalidCursorErr);
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (!z) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("0");
    return ctx.reply.ArrayHeader(0);
  }
  ScanOptions o;
  if (auto err = ParseScanOptions(ctx.args.subspan(3), /*allow_type=*/false, o)) {
    return ctx.Error(*err);
  }
  const int64_t count = o.count;
  const std::optional<std::string_view>& pattern = o.pattern;
  std::vector<std::pair<std::string, double>> found;
  auto visit = [&](std::string_view m, double s) {
    if (!pattern || GlobMatch(*pattern, m)) found.emplace_back(std::string(m), s);
  };
  // As Redis: stop once COUNT members were seen or after 10 * COUNT steps.
  int64_t budget = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
  uint64_t next = *cursor;
  size_t seen = 0;
  do {
    next = z->Scan(next, [&](std::string_view m, double s) {
      ++seen;
      visit(m, s);
    });
  } while (next != 0 && --budget > 0 && seen < static_cast<size_t>(count));
  ctx.reply.ArrayHeader(2);
  char buf[24];
  const size_t n = static_cast<size_t>(std::snprintf(buf, sizeof buf, "%llu",
                                                     static_cast<unsigned long long>(next)));
  ctx.reply.Bulk({buf, n});
  ctx.reply.ArrayHeader(found.size() * 2);
  // A listpack holds each score as the text it was written as; Redis formats the scores of
  // a skiplist-encoded set with "%.17Lg" (its createStringObjectFromLongDouble), so 0.1
  // reads 0.10000000000000001 there.
  const bool long_double = !z->is_packed();
  char score[kMaxDoubleChars];
  for (const auto& [m, s] : found) {
    ctx.reply.Bulk(m);
    if (long_double && std::isfinite(s)) {
      const int n = std::snprintf(score, sizeof score, "%.17Lg", static_cast<long double>(s));
      ctx.reply.Bulk({score, static_cast<size_t>(n)});
    } else {
      ctx.reply.Bulk({score, FormatDouble(s, score)});
    }
  }
}

}  // namespace kvd::zset_commands
