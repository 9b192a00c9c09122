#include "server/commands/zset_util.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

#include "server/commands/key_lookup.h"
#include "server/errors.h"

namespace kvd::zset {
namespace {

// One end of a score range. Redis parses it with a bare strtod (leading spaces and hex
// floats pass, NaN does not), so this does too rather than use ParseDouble.
bool ParseScoreBound(std::string_view arg, double* value, bool* exclusive) {
  *exclusive = !arg.empty() && arg[0] == '(';
  if (*exclusive) arg.remove_prefix(1);
  const std::string text(arg);  // strtod needs a terminated string
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return *end == '\0' && !std::isnan(*value);
}

bool ParseLexBound(std::string_view arg, LexBound* bound) {
  if (arg.empty()) return false;
  switch (arg[0]) {
    case '+':
      if (arg.size() != 1) return false;
      bound->kind = LexBound::kPosInf;
      return true;
    case '-':
      if (arg.size() != 1) return false;
      bound->kind = LexBound::kNegInf;
      return true;
    case '(':
      bound->kind = LexBound::kExclusive;
      bound->value = arg.substr(1);
      return true;
    case '[':
      bound->kind = LexBound::kInclusive;
      bound->value = arg.substr(1);
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<ScoreRange> ParseScoreRange(std::string_view min, std::string_view max) {
  ScoreRange r{};
  if (!ParseScoreBound(min, &r.min, &r.min_exclusive) ||
      !ParseScoreBound(max, &r.max, &r.max_exclusive)) {
    return std::nullopt;
  }
  return r;
}

std::optional<LexRange> ParseLexRange(std::string_view min, std::string_view max) {
  LexRange r;
  if (!ParseLexBound(min, &r.min) || !ParseLexBound(max, &r.max)) return std::nullopt;
  return r;
}

RankSpan ClampRanks(int64_t start, int64_t stop, size_t len) {
  const auto n = static_cast<int64_t>(len);
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return {};
  if (stop >= n) stop = n - 1;
  return {static_cast<size_t>(start), static_cast<size_t>(stop) + 1};
}

const ZSetValue* ReadZSet(CommandContext& ctx, std::string_view key, bool* failed) {
  *failed = false;
  const Record* r = LookupRead(ctx, key);
  if (r == nullptr) return nullptr;
  if (r->type() != ValueType::kZSet) {
    ctx.Error(kWrongTypeErr);
    *failed = true;
    return nullptr;
  }
  return static_cast<const ZSetValue*>(r->object());
}

void MemberReply::Begin(size_t count) {
  const bool flat = with_scores_ && reply_.protocol() == 2;
  reply_.ArrayHeader(flat ? count * 2 : count);
}

void MemberReply::Add(std::string_view member, double score) {
  if (!with_scores_) return reply_.Bulk(member);
  if (reply_.protocol() > 2) reply_.ArrayHeader(2);
  reply_.Bulk(member);
  reply_.Double(score);
}

uint64_t RandomU64() {
  static std::mt19937_64 gen{std::random_device{}()};
  return gen();
}

}  // namespace kvd::zset
