// Read-only list commands: LLEN, LRANGE, LINDEX, LPOS (Redis's t_list.c). Each counts a
// keyspace hit or miss, as lookupKeyRead does.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/list_value.h"
#include "core/numeric.h"
#include "server/commands/list_commands.h"
#include "server/commands/list_util.h"
#include "server/errors.h"

namespace kvd::list_commands {
namespace {

inline constexpr std::string_view kRankZeroErr =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
inline constexpr std::string_view kRankRangeErr =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
inline constexpr std::string_view kCountNegativeErr = "ERR COUNT can't be negative";
inline constexpr std::string_view kMaxLenNegativeErr = "ERR MAXLEN can't be negative";

struct LPosOptions {
  int64_t rank = 1;    // which match comes first; negative: searching from the tail
  int64_t count = -1;  // -1: no COUNT (reply one index); 0: every match
  int64_t maxlen = 0;  // elements to compare at most; 0: all
};

// Redis's option loop: left to right, the first bad option is the error. An option word
// without a value after it is a syntax error.
std::optional<LPosOptions> ParseLPosOptions(CommandContext& ctx) {
  auto fail = [&](std::string_view error) {
    ctx.Error(error);
    return std::optional<LPosOptions>();
  };
  LPosOptions o;
  const size_t argc = ctx.args.size();
  for (size_t j = 3; j < argc; ++j) {
    const std::string_view opt = ctx.args[j];
    const bool has_value = j + 1 < argc;
    if (EqualsIgnoreCase(opt, "rank") && has_value) {
      std::optional<int64_t> v = ParseInt64(ctx.args[++j]);
      if (!v) return fail(kNotIntegerErr);
      // -INT64_MIN does not exist, so Redis 7.2 refuses it.
      if (*v == INT64_MIN) return fail(kRankRangeErr);
      if (*v == 0) return fail(kRankZeroErr);
      o.rank = *v;
    } else if (EqualsIgnoreCase(opt, "count") && has_value) {
      std::optional<int64_t> v = ParseNonNegative(ctx.args[++j]);
      if (!v) return fail(kCountNegativeErr);
      o.count = *v;
    } else if (EqualsIgnoreCase(opt, "maxlen") && has_value) {
      std::optional<int64_t> v = ParseNonNegative(ctx.args[++j]);
      if (!v) return fail(kMaxLenNegativeErr);
      o.maxlen = *v;
    } else {
      return fail(kSyntaxErr);
    }
  }
  return o;
}

}  // namespace

void LLen(CommandContext& ctx) {
  bool failed;
  const ListValue* list = ReadList(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.Integer(list ? static_cast<int64_t>(list->size()) : 0);
}

// LRANGE key start stop: the indexes are parsed before the key is looked up.
void LRange(CommandContext& ctx) {
  std::optional<int64_t> start = ParseInt64(ctx.args[2]);
  std::optional<int64_t> stop = ParseInt64(ctx.args[3]);
  if (!start || !stop) return ctx.Error(kNotIntegerErr);
  bool failed;
  const ListValue* list = ReadList(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (!list) return ctx.reply.ArrayHeader(0);
  std::optional<IndexRange> range = NormalizeRange(*start, *stop, list->size());
  if (!range) return ctx.reply.ArrayHeader(0);
  ReplyElements(ctx.reply, *list, range->first, range->count, false);
}

// LINDEX key index: the key is looked up before the index is parsed (a missing key is a
// null whatever the index).
void LIndex(CommandContext& ctx) {
  bool failed;
  const ListValue* list = ReadList(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (!list) return ctx.reply.Null();
  std::optional<int64_t> index = ParseInt64(ctx.args[2]);
  if (!index) return ctx.Error(kNotIntegerErr);
  const auto len = static_cast<int64_t>(list->size());
  const int64_t i = *index < 0 ? *index + len : *index;
  if (i < 0 || i >= len) return ctx.reply.Null();
  ctx.reply.Bulk(list->At(static_cast<size_t>(i)).view());
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. Indexes are from the head
// whichever way the search runs.
void LPos(CommandContext& ctx) {
  std::optional<LPosOptions> opts = ParseLPosOptions(ctx);
  if (!opts) return;
  bool failed;
  const ListValue* list = ReadList(ctx, ctx.args[1], &failed);
  if (failed) return;
  const bool want_array = opts->count != -1;
  if (!list) return want_array ? ctx.reply.ArrayHeader(0) : ctx.reply.Null();

  const std::string_view element = ctx.args[2];
  const bool from_tail = opts->rank < 0;
  const int64_t rank = from_tail ? -opts->rank : opts->rank;
  const auto len = static_cast<int64_t>(list->size());
  std::vector<int64_t> found;
  int64_t scanned = 0;
  int64_t matches = 0;
  list->Visit(from_tail ? list->size() - 1 : 0, from_tail, [&](const Elem& e) {
    if (opts->maxlen != 0 && scanned >= opts->maxlen) return false;
    const int64_t index = from_tail ? len - 1 - scanned : scanned;
    ++scanned;
    if (e.view() != element || ++matches < rank) return true;
    found.push_back(index);
    if (!want_array) return false;
    return opts->count == 0 || static_cast<int64_t>(found.size()) < opts->count;
  });

  if (!want_array) {
    if (found.empty()) return ctx.reply.Null();
    return ctx.reply.Integer(found.front());
  }
  ctx.reply.ArrayHeader(found.size());
  for (int64_t index : found) ctx.reply.Integer(index);
}

}  // namespace kvd::list_commands
