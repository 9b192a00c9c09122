// ZRANGE and its older forms (ZREVRANGE, Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX) and
// ZRANGESTORE, all through one parser as Redis's zrangeGenericCommand.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/zset_commands.h"
#include "server/commands/zset_util.h"
#include "server/errors.h"

namespace kvd::zset_commands {
namespace {

enum class By : uint8_t { kAuto, kRank, kScore, kLex };
enum class Dir : uint8_t { kAuto, kForward, kReverse };

struct RangeRequest {
  By by = By::kAuto;
  Dir dir = Dir::kAuto;
  bool with_scores = false;
  int64_t offset = 0;
  int64_t limit = -1;  // negative: no limit
  int64_t start = 0, stop = 0;
  ScoreRange score{};
  LexRange lex{};
};

// The ranks a request selects out of z, and whether to walk them downwards.
RankSpan Select(const ZSetValue& z, const RangeRequest& r) {
  const bool rev = r.dir == Dir::kReverse;
  if (r.by == By::kRank) {
    RankSpan s = zset::ClampRanks(r.start, r.stop, z.size());
    if (!rev || s.size() == 0) return s;
    return {z.size() - s.last, z.size() - s.first};  // ranks counted from the top
  }
  RankSpan s = r.by == By::kScore ? z.Span(r.score) : z.Span(r.lex);
  // LIMIT: a negative offset selects nothing (as Redis's skip loop); a negative count, all.
  if (r.offset < 0 || static_cast<uint64_t>(r.offset) >= s.size()) return {};
  const size_t rest = s.size() - static_cast<size_t>(r.offset);
  const size_t take = r.limit < 0 ? rest : std::min(rest, static_cast<size_t>(r.limit));
  if (rev) return {s.last - r.offset - take, s.last - static_cast<size_t>(r.offset)};
  return {s.first + static_cast<size_t>(r.offset), s.first + r.offset + take};
}

// zrangeGenericCommand. `src_idx` is the index of the source key (2 for ZRANGESTORE, whose
// destination is args[1]); `by` and `dir` are preset by the older command forms.
void RangeGeneric(CommandContext& ctx, size_t src_idx, bool store, By by, Dir dir) {
  RangeRequest r;
  r.by = by;
  r.dir = dir;
  const auto& args = ctx.args;
  for (size_t j = src_idx + 3; j < args.size(); ++j) {
    const size_t left = args.size() - j - 1;
    if (!store && EqualsIgnoreCase(args[j], "WITHSCORES")) {
      r.with_scores = true;
    } else if (EqualsIgnoreCase(args[j], "LIMIT") && left >= 2) {
      std::optional<int64_t> off = ParseInt64(args[j + 1]), lim = ParseInt64(args[j + 2]);
      if (!off || !lim) return ctx.Error(kNotIntegerErr);
      r.offset = *off;
      r.limit = *lim;
      j += 2;
    } else if (r.dir == Dir::kAuto && EqualsIgnoreCase(args[j], "REV")) {
      r.dir = Dir::kReverse;
    } else if (r.by == By::kAuto && EqualsIgnoreCase(args[j], "BYLEX")) {
      r.by = By::kLex;
    } else if (r.by == By::kAuto && EqualsIgnoreCase(args[j], "BYSCORE")) {
      r.by = By::kScore;
    } else {
      return ctx.Error(kSyntaxErr);
    }
  }
  // As Redis, only a LIMIT count other than -1 counts as a LIMIT given.
  const bool limit_given = r.limit != -1;
  if (r.dir == Dir::kAuto) r.dir = Dir::kForward;
  if (r.by == By::kAuto) r.by = By::kRank;
  if (limit_given && r.by == By::kRank) {
    return ctx.Error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
        "BYLEX");
  }
  if (r.with_scores && r.by == By::kLex) {
    return ctx.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  // By score or lex, a reverse range is written max first.
  std::string_view min = args[src_idx + 1], max = args[src_idx + 2];
  if (r.dir == Dir::kReverse && r.by != By::kRank) std::swap(min, max);
  switch (r.by) {
    case By::kAuto:
    case By::kRank: {
      std::optional<int64_t> a = ParseInt64(min), b = ParseInt64(max);
      if (!a || !b) return ctx.Error(kNotIntegerErr);
      r.start = *a;
      r.stop = *b;
      break;
    }
    case By::kScore: {
      std::optional<ScoreRange> s = zset::ParseScoreRange(min, max);
      if (!s) return ctx.Error(zset::kMinMaxNotFloatErr);
      r.score = *s;
      break;
    }
    case By::kLex: {
      std::optional<LexRange> l = zset::ParseLexRange(min, max);
      if (!l) return ctx.Error(zset::kMinMaxNotLexErr);
      r.lex = *l;
      break;
    }
  }

  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, args[src_idx], &failed);
  if (failed) return;
  const RankSpan span = z ? Select(*z, r) : RankSpan{};
  const bool rev = r.dir == Dir::kReverse;
  if (store) {
    std::unique_ptr<ZSetValue> out = ZSetValue::Create();
    if (z) z->VisitRanks(span, rev, [&](std::string_view m, double s) { out->Add(m, s); });
    const size_t n = out->size();
    const bool created = ctx.db().StoreCollection(args[1], std::move(out), kNoExpiry, ctx.now_ms);
    // Storing an empty result deletes the destination: a change only if it existed.
    if (n > 0 || !created) ctx.AddDirty();
    zset::NotifyStored(ctx, args[1], n, created);
    return ctx.reply.Integer(static_cast<int64_t>(n));
  }
  zset::MemberReply out(ctx.reply, r.with_scores);
  out.Begin(span.size());
  if (z) z->VisitRanks(span, rev, [&](std::string_view m, double s) { out.Add(m, s); });
}

}  // namespace

// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
void ZRange(CommandContext& ctx) { RangeGeneric(ctx, 1, false, By::kAuto, Dir::kAuto); }
// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
void ZRangeStore(CommandContext& ctx) { RangeGeneric(ctx, 2, true, By::kAuto, Dir::kAuto); }
void ZRevRange(CommandContext& ctx) { RangeGeneric(ctx, 1, false, By::kRank, Dir::kReverse); }
void ZRangeByScore(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, By::kScore, Dir::kForward);
}
void ZRevRangeByScore(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, By::kScore, Dir::kReverse);
}
void ZRangeByLex(CommandContext& ctx) { RangeGeneric(ctx, 1, false, By::kLex, Dir::kForward); }
void ZRevRangeByLex(CommandContext& ctx) {
  RangeGeneric(ctx, 1, false, By::kLex, Dir::kReverse);
}

}  // namespace kvd::zset_commands
