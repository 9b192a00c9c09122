// The blocking sorted-set pops: BZPOPMIN, BZPOPMAX and BZMPOP (Redis's
// blockingGenericZpopCommand). With data they pop as ZPOPMIN/ZPOPMAX/ZMPOP do and are logged
// as ZPOPMIN/ZPOPMAX; without, the client waits (server/blocking.h) and the command runs
// again once a write gives a waited key members.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/keyspace.h"
#include "core/numeric.h"
#include "core/text.h"
#include "core/zset_value.h"
#include "server/blocking.h"
#include "server/commands/mpop_args.h"
#include "server/commands/zset_commands.h"
#include "server/commands/zset_util.h"
#include "server/errors.h"

namespace kvd::zset_commands {
namespace {

enum class End : uint8_t { kMin, kMax };

// Pops from the first of `keys` holding a sorted set. `count` < 0: BZPOPMIN/BZPOPMAX, one
// member replied flat as [key, member, score]; otherwise BZMPOP's
// [key, [[member, score]...]] with up to count members. Blocks when every key is missing.
void BlockingPop(CommandContext& ctx, std::span<const std::string_view> keys, End end,
                 std::string_view timeout, int64_t count) {
  std::optional<int64_t> deadline = ParseBlockTimeout(ctx, timeout);
  if (!deadline) return;
  for (std::string_view key : keys) {
    CollectionWrite<ZSetValue> z = ctx.db().Write<ZSetValue>(key, ctx.now_ms, false);
    if (z.wrong_type()) return ctx.Error(kWrongTypeErr);
    if (!z || z->empty()) continue;
    const bool nested = count >= 0;
    const size_t n = std::min(static_cast<size_t>(nested ? count : 1), z->size());
    const RankSpan span =
        end == End::kMin ? RankSpan{0, n} : RankSpan{z->size() - n, z->size()};
    if (nested) {
      ctx.reply.ArrayHeader(2);
      ctx.reply.Bulk(key);
      ctx.reply.ArrayHeader(n);
    } else {
      ctx.reply.ArrayHeader(3);
      ctx.reply.Bulk(key);
    }
    z->VisitRanks(span, end == End::kMax, [&](std::string_view member, double score) {
      if (nested) ctx.reply.ArrayHeader(2);
      ctx.reply.Bulk(member);
      ctx.reply.Double(score);
    });
    z->EraseRanks(span);
    const bool emptied = z->empty();
    z.Commit();
    ctx.AddDirty(n);
    zset::NotifyZSetRemoval(ctx, end == End::kMin ? "zpopmin" : "zpopmax", key, emptied);
    std::vector<std::string> logged{end == End::kMin ? "ZPOPMIN" : "ZPOPMAX", std::string(key)};
    if (nested) logged.push_back(std::to_string(n));
    ctx.Propagate(std::move(logged));
    return;
  }
  if (!BlockClient(ctx, keys, ValueType::kZSet, *deadline)) ctx.reply.NullArray();
}

}  // namespace

// BZPOPMIN key [key ...] timeout
void BZPopMin(CommandContext& ctx) {
  BlockingPop(ctx, ctx.args.subspan(1, ctx.args.size() - 2), End::kMin, ctx.args.back(), -1);
}

// BZPOPMAX key [key ...] timeout
void BZPopMax(CommandContext& ctx) {
  BlockingPop(ctx, ctx.args.subspan(1, ctx.args.size() - 2), End::kMax, ctx.args.back(), -1);
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: ZMPOP's arguments and replies;
// every argument is checked before the timeout, as Redis does.
void BZMPop(CommandContext& ctx) {
  std::optional<MPopArgs> a = ParseMPopArgs(ctx, 2, "MIN", "MAX");
  if (!a) return;
  BlockingPop(ctx, a->keys, a->second_side ? End::kMax : End::kMin, ctx.args[1],
              static_cast<int64_t>(a->count));
}

}  // namespace kvd::zset_commands
