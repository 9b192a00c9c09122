// ZUNION, ZINTER, ZDIFF, their *STORE forms and ZINTERCARD (Redis's
// zunionInterDiffGenericCommand). Plain sets count as sorted sets with every score 1.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/numeric.h"
#include "core/set_value.h"
#include "core/text.h"
#include "server/commands/key_lookup.h"
#include "server/commands/zset_commands.h"
#include "server/commands/zset_util.h"
#include "server/errors.h"

namespace kvd::zset_commands {
namespace {

enum class Op : uint8_t { kUnion, kInter, kDiff };
enum class Aggregate : uint8_t { kSum, kMin, kMax };

// One input: a sorted set, a set, or nothing (a missing key).
struct Source {
  const ZSetValue* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1.0;

  size_t size() const { return zset ? zset->size() : set ? set->size() : 0; }
  std::optional<double> Score(std::string_view m) const {
    if (zset) return zset->Score(m);
    if (set && set->Contains(m)) return 1.0;
    return std::nullopt;
  }
  template <class F>
  void ForEach(F&& f) const {
    if (zset) zset->ForEach(f);
    if (set) set->ForEach([&](std::string_view m) { f(m, 1.0); });
  }
};

// zunionInterAggregate; a NaN sum (inf + -inf) becomes 0 as in Redis.
void Combine(double* target, double value, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target += value;
      if (std::isnan(*target)) *target = 0.0;
      break;
    case Aggregate::kMin:
      *target = std::min(*target, value);
      break;
    case Aggregate::kMax:
      *target = std::max(*target, value);
      break;
  }
}

// weight * score, where 0 * inf is 0 rather than NaN.
double Weighted(const Source& s, double score) {
  double v = s.weight * score;
  return std::isnan(v) ? 0.0 : v;
}

std::unique_ptr<ZSetValue> Compute(std::vector<Source>& src, Op op, Aggregate agg,
                                   size_t limit = 0, size_t* card = nullptr) {
  std::unique_ptr<ZSetValue> out = ZSetValue::Create();
  switch (op) {
    case Op::kInter: {
      // Walk the smallest input, probing the others.
      std::stable_sort(src.begin(), src.end(),
                       [](const Source& a, const Source& b) { return a.size() < b.size(); });
      if (src[0].size() == 0) break;
      size_t found = 0;
      bool done = false;
      src[0].ForEach([&](std::string_view m, double s) {
        if (done) return;
        double score = Weighted(src[0], s);
        for (size_t j = 1; j < src.size(); ++j) {
          std::optional<double> other = src[j].Score(m);
          if (!other) return;
          Combine(&score, Weighted(src[j], *other), agg);
        }
        ++found;
        if (card) {
          if (limit != 0 && found >= limit) done = true;
          return;
        }
        out->Add(m, score);
      });
      if (card) *card = found;
      break;
    }
    case Op::kUnion: {
      std::unordered_map<std::string, double> acc;
      for (const Source& s : src) {
        s.ForEach([&](std::string_view m, double v) {
          const double w = Weighted(s, v);
          auto [it, inserted] = acc.try_emplace(std::string(m), w);
          if (!inserted) Combine(&it->second, w, agg);
        });
      }
      for (const auto& [m, s] : acc) out->Add(m, s);
      break;
    }
    case Op::kDiff:
      src[0].ForEach([&](std::string_view m, double s) {
        for (size_t j = 1; j < src.size(); ++j) {
          if (src[j].Score(m)) return;
        }
        out->Add(m, s);
      });
      break;
  }
  return out;
}

// zunionInterDiffGenericCommand. `numkeys_idx` is 1 (replying forms) or 2 (*STORE, whose
// destination is args[1]); `card_only` is ZINTERCARD.
void SetOpGeneric(CommandContext& ctx, size_t numkeys_idx, Op op, bool store,
                  bool card_only = false) {
  const auto& args = ctx.args;
  std::optional<int64_t> numkeys = ParseInt64(args[numkeys_idx]);
  if (!numkeys) return ctx.Error(kNotIntegerErr);
  if (*numkeys < 1) {
    return ctx.Error("ERR at least 1 input key is needed for '" + ctx.spec.name + "' command");
  }
  if (*numkeys > static_cast<int64_t>(args.size() - numkeys_idx - 1)) {
    return ctx.Error(kSyntaxErr);
  }
  const auto n = static_cast<size_t>(*numkeys);
  std::vector<Source> src(n);
  size_t j = numkeys_idx + 1;
  for (size_t i = 0; i < n; ++i, ++j) {
    const Record* r = LookupRead(ctx, args[j]);
    if (r == nullptr) continue;
    if (r->type() == ValueType::kZSet) {
      src[i].zset = static_cast<const ZSetValue*>(r->object());
    } else if (r->type() == ValueType::kSet) {
      src[i].set = static_cast<const SetValue*>(r->object());
    } else {
      return ctx.Error(kWrongTypeErr);
    }
  }
  Aggregate agg = Aggregate::kSum;
  bool with_scores = false;
  int64_t limit = 0;
  while (j < args.size()) {
    const size_t remaining = args.size() - j;
    if (op != Op::kDiff && !card_only && remaining >= n + 1 &&
        EqualsIgnoreCase(args[j], "WEIGHTS")) {
      ++j;
      for (size_t i = 0; i < n; ++i, ++j) {
        std::optional<double> w = ParseDouble(args[j]);
        if (!w) return ctx.Error("ERR weight value is not a float");
        src[i].weight = *w;
      }
    } else if (op != Op::kDiff && !card_only && remaining >= 2 &&
               EqualsIgnoreCase(args[j], "AGGREGATE")) {
      std::string_view a = args[j + 1];
      if (EqualsIgnoreCase(a, "SUM")) {
        agg = Aggregate::kSum;
      } else if (EqualsIgnoreCase(a, "MIN")) {
        agg = Aggregate::kMin;
      } else if (EqualsIgnoreCase(a, "MAX")) {
        agg = Aggregate::kMax;
      } else {
        return ctx.Error(kSyntaxErr);
      }
      j += 2;
    } else if (!store && !card_only && EqualsIgnoreCase(args[j], "WITHSCORES")) {
      with_scores = true;
      ++j;
    } else if (card_only && remaining >= 2 && EqualsIgnoreCase(args[j], "LIMIT")) {
      std::optional<int64_t> l = ParseInt64(args[j + 1]);
      if (!l || *l < 0) return ctx.Error("ERR LIMIT can't be negative");
      limit = *l;
      j += 2;
    } else {
      return ctx.Error(kSyntaxErr);
    }
  }

  if (card_only) {
    size_t card = 0;
    Compute(src, op, agg, static_cast<size_t>(limit), &card);
    return ctx.reply.Integer(static_cast<int64_t>(card));
  }
  std::unique_ptr<ZSetValue> result = Compute(src, op, agg);
  if (store) {
    const size_t size = result->size();
    const bool created = ctx.db().StoreCollection(args[1], std::move(result), kNoExpiry,
                                                  ctx.now_ms);
    if (size > 0 || !created) ctx.AddDirty();
    zset::NotifyStored(ctx, args[1], size, created);
    return ctx.reply.Integer(static_cast<int64_t>(size));
  }
  zset::MemberReply out(ctx.reply, with_scores);
  out.Begin(result->size());
  result->ForEach([&](std::string_view m, double s) { out.Add(m, s); });
}

}  // namespace

// ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
void ZUnion(CommandContext& ctx) { SetOpGeneric(ctx, 1, Op::kUnion, false); }
void ZInter(CommandContext& ctx) { SetOpGeneric(ctx, 1, Op::kInter, false); }
// ZDIFF numkeys key [key ...] [WITHSCORES]
void ZDiff(CommandContext& ctx) { SetOpGeneric(ctx, 1, Op::kDiff, false); }
void ZUnionStore(CommandContext& ctx) { SetOpGeneric(ctx, 2, Op::kUnion, true); }
void ZInterStore(CommandContext& ctx) { SetOpGeneric(ctx, 2, Op::kInter, true); }
void ZDiffStore(CommandContext& ctx) { SetOpGeneric(ctx, 2, Op::kDiff, true); }
// ZINTERCARD numkeys key [key ...] [LIMIT limit]
void ZInterCard(CommandContext& ctx) { SetOpGeneric(ctx, 1, Op::kInter, false, true); }

}  // namespace kvd::zset_commands
