// ZADD, ZINCRBY, ZREM, ZREMRANGEBY{RANK,SCORE,LEX}, ZPOPMIN, ZPOPMAX, ZMPOP (Redis's
// t_zset.c zaddGenericCommand, zremrangeGenericCommand, genericZpopCommand).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/key_lookup.h"
#include "server/commands/mpop_args.h"
#include "server/commands/zset_commands.h"
#include "server/commands/zset_util.h"
#include "server/errors.h"

namespace kvd::zset_commands {
namespace {

struct AddFlags {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};

enum class AddResult : uint8_t { kAdded, kUpdated, kUnchanged, kNop, kNaN };

// Redis's zsetAdd: applies one score/member under the flags; *new_score is the member's
// score afterwards (meaningful unless kNop/kNaN). kNop: refused by NX, XX, GT or LT.
AddResult AddOne(ZSetValue& z, const AddFlags& f, double score, std::string_view member,
                 double* new_score) {
  std::optional<double> cur = z.Score(member);
  if (cur) {
    if (f.nx) return AddResult::kNop;
    if (f.incr) {
      score += *cur;
      if (std::isnan(score)) return AddResult::kNaN;
    }
    if ((f.gt && score <= *cur) || (f.lt && score >= *cur)) return AddResult::kNop;
    *new_score = score;
    if (score == *cur) return AddResult::kUnchanged;
    z.Add(member, score);
    return AddResult::kUpdated;
  }
  if (f.xx) return AddResult::kNop;
  z.Add(member, score);
  *new_score = score;
  return AddResult::kAdded;
}

// zaddGenericCommand. `first` is the index of the first flag or score.
void AddGeneric(CommandContext& ctx, size_t first, AddFlags f) {
  size_t i = first;
  for (; i < ctx.args.size(); ++i) {
    std::string_view a = ctx.args[i];
    if (EqualsIgnoreCase(a, "nx")) {
      f.nx = true;
    } else if (EqualsIgnoreCase(a, "xx")) {
      f.xx = true;
    } else if (EqualsIgnoreCase(a, "ch")) {
      f.ch = true;
    } else if (EqualsIgnoreCase(a, "incr")) {
      f.incr = true;
    } else if (EqualsIgnoreCase(a, "gt")) {
      f.gt = true;
    } else if (EqualsIgnoreCase(a, "lt")) {
      f.lt = true;
    } else {
      break;
    }
  }
  const size_t elements = ctx.args.size() - i;
  if (elements == 0 || elements % 2 != 0) return ctx.Error(kSyntaxErr);
  if (f.nx && f.xx) {
    return ctx.Error("ERR XX and NX options at the same time are not compatible");
  }
  if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) {
    return ctx.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (f.incr && elements > 2) {
    return ctx.Error("ERR INCR option supports a single increment-element pair");
  }
  std::vector<double> scores;
  scores.reserve(elements / 2);
  for (size_t j = i; j < ctx.args.size(); j += 2) {
    std::optional<double> s = ParseDouble(ctx.args[j]);
    if (!s) return ctx.Error(kNotFloatErr);
    scores.push_back(*s);
  }

  std::string_view key = ctx.args[1];
  // XX on a missing key creates nothing.
  CollectionWrite<ZSetValue> z = ctx.db().Write<ZSetValue>(key, ctx.now_ms, !f.xx);
  if (z.wrong_type()) return ctx.Error(kWrongTypeErr);
  uint64_t added = 0, updated = 0;
  bool processed = false;
  double new_score = 0;
  if (z) {
    size_t max_len = 0;
    for (size_t k = 0; k < scores.size(); ++k) {
      max_len = std::max(max_len, ctx.args[i + 2 * k + 1].size());
    }
    z->PrepareForAdd(scores.size(), max_len);  // Redis's zsetTypeMaybeConvert
    for (size_t k = 0; k < scores.size(); ++k) {
      switch (AddOne(*z, f, scores[k], ctx.args[i + 2 * k + 1], &new_score)) {
        case AddResult::kAdded:
          ++added;
          processed = true;
          break;
        case AddResult::kUpdated:
          ++updated;
          processed = true;
          break;
        case AddResult::kUnchanged:
          processed = true;  // INCR by 0 still answers with the score
          break;
        case AddResult::kNop:
          break;
        case AddResult::kNaN:
          z.Commit();
          if (added + updated > 0) {
            ctx.AddDirty(added + updated);
            NotifyKeyspaceEvent(ctx, kNotifyZset, f.incr ? "zincr" : "zadd", key);
          }
          return ctx.Error("ERR resulting score is not a number (NaN)");
      }
    }
  }
  z.Commit();
  if (added + updated > 0) {
    ctx.AddDirty(added + updated);
    NotifyKeyspaceEvent(ctx, kNotifyZset, f.incr ? "zincr" : "zadd", key);
  }
  if (f.incr) {
    if (processed) return ctx.reply.Double(new_score);
    return ctx.reply.Null();
  }
  ctx.reply.Integer(static_cast<int64_t>(f.ch ? added + updated : added));
}

enum class RangeKind : uint8_t { kRank, kScore, kLex };

// zremrangeGenericCommand: the range is parsed before the key is looked up.
void RemRangeGeneric(CommandContext& ctx, RangeKind kind) {
  int64_t start = 0, stop = 0;
  std::optional<ScoreRange> score;
  std::optional<LexRange> lex;
  switch (kind) {
    case RangeKind::kRank: {
      std::optional<int64_t> a = ParseInt64(ctx.args[2]), b = ParseInt64(ctx.args[3]);
      if (!a || !b) return ctx.Error(kNotIntegerErr);
      start = *a;
      stop = *b;
      break;
    }
    case RangeKind::kScore:
      score = zset::ParseScoreRange(ctx.args[2], ctx.args[3]);
      if (!score) return ctx.Error(zset::kMinMaxNotFloatErr);
      break;
    case RangeKind::kLex:
      lex = zset::ParseLexRange(ctx.args[2], ctx.args[3]);
      if (!lex) return ctx.Error(zset::kMinMaxNotLexErr);
      break;
  }
  CollectionWrite<ZSetValue> z = ctx.db().Write<ZSetValue>(ctx.args[1], ctx.now_ms, false);
  if (z.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!z) return ctx.reply.Integer(0);
  RankSpan span;
  switch (kind) {
    case RangeKind::kRank:
      span = zset::ClampRanks(start, stop, z->size());
      break;
    case RangeKind::kScore:
      span = z->Span(*score);
      break;
    case RangeKind::kLex:
      span = z->Span(*lex);
      break;
  }
  const size_t removed = span.size() > 0 ? z->EraseRanks(span) : 0;
  const bool emptied = z->empty();
  z.Commit();
  if (removed > 0) {
    ctx.AddDirty(removed);
    zset::NotifyZSetRemoval(ctx, ctx.spec.name, ctx.args[1], emptied);  // "zremrangebyrank"...
  }
  ctx.reply.Integer(static_cast<int64_t>(removed));
}

enum class End : uint8_t { kMin, kMax };

// genericZpopCommand without blocking: pops up to `count` members from the first non-empty
// key of `keys`. `count` < 0: no COUNT given (one member, flat reply). `nested`: ZMPOP's
// [key, [[member, score]...]] reply, nil when every key is missing.
void PopGeneric(CommandContext& ctx, std::span<const std::string_view> keys, End end,
                int64_t count, bool nested) {
  CollectionWrite<ZSetValue> z;
  std::string_view key;
  for (std::string_view k : keys) {
    z = ctx.db().Write<ZSetValue>(k, ctx.now_ms, false);
    if (z.wrong_type()) return ctx.Error(kWrongTypeErr);
    if (z) {
      key = k;
      break;
    }
  }
  if (!z) {
    if (nested) return ctx.reply.NullArray();
    return ctx.reply.ArrayHeader(0);
  }
  if (count == 0) return ctx.reply.ArrayHeader(0);
  const bool count_given = count > 0;
  if (!count_given) count = 1;
  const size_t n = std::min(static_cast<size_t>(count), z->size());
  const RankSpan span = end == End::kMin ? RankSpan{0, n} : RankSpan{z->size() - n, z->size()};

  const bool resp3 = ctx.reply.protocol() > 2;
  if (nested) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(key);
    ctx.reply.ArrayHeader(n);
  } else {
    ctx.reply.ArrayHeader(resp3 && count_given ? n : n * 2);
  }
  const bool pairs = nested || (resp3 && count_given);
  z->VisitRanks(span, end == End::kMax, [&](std::string_view m, double s) {
    if (pairs) ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(m);
    ctx.reply.Double(s);
  });
  z->EraseRanks(span);
  const bool emptied = z->empty();
  z.Commit();
  ctx.AddDirty(n);
  zset::NotifyZSetRemoval(ctx, end == End::kMin ? "zpopmin" : "zpopmax", key, emptied);
  // ZMPOP is logged as the pop from the key it hit (Redis's ZPOPMIN|ZPOPMAX key count).
  if (nested) {
    ctx.Propagate({end == End::kMin ? "ZPOPMIN" : "ZPOPMAX", std::string(key), std::to_string(n)});
  }
}

void PopMinMax(CommandContext& ctx, End end) {
  if (ctx.args.size() > 3) return ctx.Error(kSyntaxErr);
  int64_t count = -1;
  if (ctx.args.size() == 3) {
    std::optional<int64_t> c = ParseInt64(ctx.args[2]);
    if (!c || *c < 0) return ctx.Error(zset::kNotPositiveErr);
    count = *c;
  }
  PopGeneric(ctx, ctx.args.subspan(1, 1), end, count, false);
}

}  // namespace

// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
void ZAdd(CommandContext& ctx) { AddGeneric(ctx, 2, AddFlags{}); }

// ZINCRBY key increment member
void ZIncrBy(CommandContext& ctx) {
  AddFlags f;
  f.incr = true;
  AddGeneric(ctx, 2, f);
}

// ZREM key member [member ...]
void ZRem(CommandContext& ctx) {
  CollectionWrite<ZSetValue> z = ctx.db().Write<ZSetValue>(ctx.args[1], ctx.now_ms, false);
  if (z.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!z) return ctx.reply.Integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.args.size() && !z->empty(); ++i) {
    if (z->Remove(ctx.args[i])) ++removed;
  }
  const bool emptied = z->empty();
  z.Commit();
  if (removed > 0) {
    ctx.AddDirty(static_cast<uint64_t>(removed));
    zset::NotifyZSetRemoval(ctx, "zrem", ctx.args[1], emptied);
  }
  ctx.reply.Integer(removed);
}

void ZRemRangeByRank(CommandContext& ctx) { RemRangeGeneric(ctx, RangeKind::kRank); }
void ZRemRangeByScore(CommandContext& ctx) { RemRangeGeneric(ctx, RangeKind::kScore); }
void ZRemRangeByLex(CommandContext& ctx) { RemRangeGeneric(ctx, RangeKind::kLex); }

// ZPOPMIN key [count]
void ZPopMin(CommandContext& ctx) { PopMinMax(ctx, End::kMin); }
void ZPopMax(CommandContext& ctx) { PopMinMax(ctx, End::kMax); }

// ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]
void ZMPop(CommandContext& ctx) {
  std::optional<MPopArgs> a = ParseMPopArgs(ctx, 1, "MIN", "MAX");
  if (!a) return;
  PopGeneric(ctx, a->keys, a->second_side ? End::kMax : End::kMin,
             static_cast<int64_t>(a->count), true);
}

}  // namespace kvd::zset_commands
