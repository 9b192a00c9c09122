// HRANDFIELD and HSCAN (Redis's t_hash.c and db.c's scanGenericCommand).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/hash_value.h"
#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/hash_commands.h"
#include "server/commands/hash_set_common.h"
#include "server/commands/scan_options.h"

namespace kvd::hash_commands {
namespace {

using hash_set::RandomU64;
using hash_set::ReadTyped;

inline constexpr int64_t kMaxCount = INT64_MAX;  // counts range over [-LONG_MAX, LONG_MAX]

// One field (and its value) of a HRANDFIELD reply: in RESP3 a pair is a 2-element array.
void ReplyPair(ReplyWriter& reply, std::string_view field, std::string_view value,
               bool with_values) {
  if (with_values && reply.protocol() >= 3) reply.ArrayHeader(2);
  reply.Bulk(field);
  if (with_values) reply.Bulk(value);
}

void ReplyPairsHeader(ReplyWriter& reply, uint64_t n, bool with_values) {
  reply.ArrayHeader(with_values && reply.protocol() < 3 ? n * 2 : n);
}

// Redis's hrandfieldWithCountCommand: a negative count may repeat fields, a positive one
// returns distinct fields (the whole hash when it asks for at least that many).
void RandomFields(CommandContext& ctx, int64_t count_arg, bool with_values) {
  bool failed = false;
  const HashValue* hash = ReadTyped<HashValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (!hash || count_arg == 0) return ctx.reply.ArrayHeader(0);
  const bool unique = count_arg > 0;
  const uint64_t count = unique ? static_cast<uint64_t>(count_arg)
                                : static_cast<uint64_t>(-count_arg);
  const size_t size = hash->size();

  if (!unique || count == 1) {
    ReplyPairsHeader(ctx.reply, count, with_values);
    for (uint64_t i = 0; i < count; ++i) {
      auto [field, value] = hash->Random(RandomU64());
      ReplyPair(ctx.reply, field.view(), value.view(), with_values);
    }
    return;
  }
  if (count >= size) {
    ReplyPairsHeader(ctx.reply, size, with_values);
    hash->ForEach([&](std::string_view field, std::string_view value) {
      ReplyPair(ctx.reply, field, value, with_values);
    });
    return;
  }
  // Distinct fields, fewer than the hash has.
  std::vector<std::pair<std::string, std::string>> picked;
  picked.reserve(count);
  if (count * 3 > size) {
    // Many of them: a partial shuffle of every field (Redis's CASE 3 removes at random).
    hash->ForEach([&](std::string_view field, std::string_view value) {
      picked.emplace_back(field, value);
    });
    for (size_t i = 0; i < count; ++i) {
      const size_t j = i + RandomU64() % (picked.size() - i);
      std::swap(picked[i], picked[j]);
    }
    picked.resize(count);
  } else {
    // Few of them: draw until `count` distinct fields came up (Redis's CASE 4).
    std::unordered_set<std::string> seen;
    while (picked.size() < count) {
      auto [field, value] = hash->Random(RandomU64());
      if (seen.insert(field.str()).second) picked.emplace_back(field.str(), value.str());
    }
  }
  ReplyPairsHeader(ctx.reply, count, with_values);
  for (const auto& [field, value] : picked) ReplyPair(ctx.reply, field, value, with_values);
}

}  // namespace

// HRANDFIELD key [count [WITHVALUES]]
void HRandField(CommandContext& ctx) {
  if (ctx.args.size() >= 3) {
    std::optional<int64_t> count = ParseInt64(ctx.args[2]);
    if (!count) return ctx.Error(kNotIntegerErr);
    if (*count < -kMaxCount) {
      return ctx.Error(
          "ERR value is out of range, value must between -9223372036854775807 and "
          "9223372036854775807");
    }
    const bool with_values = ctx.args.size() == 4;
    if (ctx.args.size() > 4 || (with_values && !EqualsIgnoreCase(ctx.args[3], "WITHVALUES"))) {
      return ctx.Error(kSyntaxErr);
    }
    // The reply holds 2 * |count| strings.
    if (with_values && (*count < -kMaxCount / 2 || *count > kMaxCount / 2)) {
      return ctx.Error("ERR value is out of range");
    }
    return RandomFields(ctx, *count, with_values);
  }
  bool failed = false;
  const HashValue* hash = ReadTyped<HashValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (!hash) return ctx.reply.Null();
  ctx.reply.Bulk(hash->Random(RandomU64()).first.view());
}

// HSCAN key cursor [MATCH pattern] [COUNT count]. COUNT counts fields and values alike, as
// in Redis; MATCH filters on fields.
void HScan(CommandContext& ctx) {
  std::optional<uint64_t> cursor = ParseScanCursor(ctx.args[2]);
  if (!cursor) return ctx.Error(kInvalidCursorErr);
  bool failed = false;
  const HashValue* hash = ReadTyped<HashValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (!hash) return hash_set::ReplyEmptyScan(ctx.reply);
  ScanOptions o;
  if (auto err = ParseScanOptions(ctx.args.subspan(3), /*allow_type=*/false, o)) {
    return ctx.Error(*err);
  }

  // Copies: a compact hash hands out integers formatted into temporaries.
  std::vector<std::pair<std::string, std::string>> items;
  auto visit = [&](std::string_view field, std::string_view value) {
    items.emplace_back(field, value);
  };
  uint64_t next = 0;
  if (hash->is_packed()) {
    hash->ForEach(visit);  // a compact hash is returned whole, as Redis does for listpacks
  } else {
    next = hash_set::ScanSteps(
        *cursor, o.count, [&](uint64_t c) { return hash->Scan(c, visit); },
        [&] { return items.size() * 2; });
  }
  if (o.pattern) {
    std::erase_if(items, [&](const auto& item) { return !GlobMatch(*o.pattern, item.first); });
  }
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(next));
  ctx.reply.ArrayHeader(items.size() * 2);
  for (const auto& [field, value] : items) {
    ctx.reply.Bulk(field);
    ctx.reply.Bulk(value);
  }
}

}  // namespace kvd::hash_commands
