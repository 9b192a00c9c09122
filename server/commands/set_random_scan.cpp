// SPOP, SRANDMEMBER and SSCAN (Redis's t_set.c and db.c's scanGenericCommand).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/numeric.h"
#include "core/set_value.h"
#include "core/text.h"
#include "server/commands/hash_set_common.h"
#include "server/commands/scan_options.h"
#include "server/commands/set_commands.h"

namespace kvd::set_commands {
namespace {

using hash_set::RandomU64;
using hash_set::ReadTyped;
using hash_set::WriteTyped;

inline constexpr std::string_view kMustBePositiveErr =
    "ERR value is out of range, must be positive";
// SPOP with a count logs its members in SREMs of at most this many.
inline constexpr size_t kPopBatch = 1024;
inline constexpr std::string_view kCountRangeErr =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";

// SPOP key count: the members come back as a set (RESP3 `~`).
void PopWithCount(CommandContext& ctx) {
  std::optional<int64_t> count = ParseInt64(ctx.args[2]);
  if (!count || *count < 0) return ctx.Error(kMustBePositiveErr);
  bool failed = false;
  CollectionWrite<SetValue> set = WriteTyped<SetValue>(ctx, ctx.args[1], false, &failed);
  if (failed) return;
  if (!set || *count == 0) return ctx.reply.SetHeader(0);
  const size_t size = set->size();
  if (static_cast<uint64_t>(*count) >= size) {
    // Everything goes: reply with the members, then empty the set (the key goes on commit).
    // Redis replies through SUNION, whose read lookup counts a keyspace hit.
    ctx.server.stats.keyspace_hits++;
    ctx.reply.SetHeader(size);
    set->ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
    set.Commit();
    ctx.db().Delete(ctx.args[1], ctx.now_ms);
    ctx.AddDirty(size);
    NotifyKeyspaceEvent(ctx, kNotifySet, "spop", ctx.args[1]);
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.args[1]);
    ctx.Propagate({"DEL", std::string(ctx.args[1])});
    return;
  }
  // Logged as SREM of the members drawn (replaying SPOP would draw others), at most
  // kPopBatch members per SREM as Redis does.
  const auto n = static_cast<size_t>(*count);
  ctx.reply.SetHeader(n);
  std::vector<std::string> srem;
  for (size_t i = 0; i < n; ++i) {
    if (srem.empty()) srem = {"SREM", std::string(ctx.args[1])};
    srem.push_back(set->PopRandom(RandomU64()));
    ctx.reply.Bulk(srem.back());
    if (srem.size() == 2 + kPopBatch || i + 1 == n) ctx.Propagate(std::exchange(srem, {}));
  }
  ctx.AddDirty(n);
  NotifyKeyspaceEvent(ctx, kNotifySet, "spop", ctx.args[1]);
}

// SRANDMEMBER key count: a negative count may repeat members; a positive one returns
// distinct members (the whole set when it asks for at least that many).
void RandomWithCount(CommandContext& ctx) {
  std::optional<int64_t> count_arg = ParseInt64(ctx.args[2]);
  if (!count_arg) return ctx.Error(kNotIntegerErr);
  if (*count_arg == INT64_MIN) return ctx.Error(kCountRangeErr);
  bool failed = false;
  const SetValue* set = ReadTyped<SetValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (!set || *count_arg == 0) return ctx.reply.ArrayHeader(0);
  const size_t size = set->size();
  if (*count_arg < 0) {
    const auto count = static_cast<uint64_t>(-*count_arg);
    ctx.reply.ArrayHeader(count);
    for (uint64_t i = 0; i < count; ++i) ctx.reply.Bulk(set->Random(RandomU64()).view());
    return;
  }
  const auto count = static_cast<uint64_t>(*count_arg);
  if (count >= size) {
    ctx.reply.ArrayHeader(size);
    set->ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
    return;
  }
  std::vector<std::string> picked;
  picked.reserve(count);
  if (count * 3 > size) {
    // Many of them: a partial shuffle of every member.
    set->ForEach([&](std::string_view m) { picked.emplace_back(m); });
    for (size_t i = 0; i < count; ++i) {
      std::swap(picked[i], picked[i + RandomU64() % (picked.size() - i)]);
    }
    picked.resize(count);
  } else {
    // Few of them: draw until `count` distinct members came up.
    std::unordered_set<std::string> seen;
    while (picked.size() < count) {
      std::string m = set->Random(RandomU64()).str();
      if (seen.insert(m).second) picked.push_back(std::move(m));
    }
  }
  ctx.reply.ArrayHeader(count);
  for (const std::string& m : picked) ctx.reply.Bulk(m);
}

}  // namespace

// SPOP key [count]
void SPop(CommandContext& ctx) {
  if (ctx.args.size() > 3) return ctx.Error(kSyntaxErr);
  if (ctx.args.size() == 3) return PopWithCount(ctx);
  bool failed = false;
  CollectionWrite<SetValue> set = WriteTyped<SetValue>(ctx, ctx.args[1], false, &failed);
  if (failed) return;
  if (!set) return ctx.reply.Null();
  std::string member = set->PopRandom(RandomU64());
  ctx.reply.Bulk(member);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifySet, "spop", ctx.args[1]);
  if (set->empty()) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.args[1]);
  ctx.Propagate({"SREM", std::string(ctx.args[1]), std::move(member)});
}

// SRANDMEMBER key [count]
void SRandMember(CommandContext& ctx) {
  if (ctx.args.size() > 3) return ctx.Error(kSyntaxErr);
  if (ctx.args.size() == 3) return RandomWithCount(ctx);
  bool failed = false;
  const SetValue* set = ReadTyped<SetValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (!set) return ctx.reply.Null();
  ctx.reply.Bulk(set->Random(RandomU64()).view());
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
void SScan(CommandContext& ctx) {
  std::optional<uint64_t> cursor = ParseScanCursor(ctx.args[2]);
  if (!cursor) return ctx.Error(kInvalidCursorErr);
  bool failed = false;
  const SetValue* set = ReadTyped<SetValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (!set) return hash_set::ReplyEmptyScan(ctx.reply);
  ScanOptions o;
  if (auto err = ParseScanOptions(ctx.args.subspan(3), /*allow_type=*/false, o)) {
    return ctx.Error(*err);
  }

  // Copies: the compact encodings hand out integers formatted into temporaries.
  std::vector<std::string> members;
  auto visit = [&](std::string_view m) { members.emplace_back(m); };
  uint64_t next = 0;
  if (set->encoding() != SetValue::Encoding::kTable) {
    set->ForEach(visit);  // a compact set is returned whole, as Redis does
  } else {
    next = hash_set::ScanSteps(
        *cursor, o.count, [&](uint64_t c) { return set->Scan(c, visit); },
        [&] { return members.size(); });
  }
  if (o.pattern) {
    std::erase_if(members, [&](const std::string& m) { return !GlobMatch(*o.pattern, m); });
  }
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(next));
  ctx.reply.ArrayHeader(members.size());
  for (const std::string& m : members) ctx.reply.Bulk(m);
}

}  // namespace kvd::set_commands
