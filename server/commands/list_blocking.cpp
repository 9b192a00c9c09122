// The blocking list commands: BLPOP, BRPOP, BLMPOP, BLMOVE and BRPOPLPUSH (Redis's
// blockingPopGenericCommand, blmoveGenericCommand). With data they act as their
// non-blocking form and are logged as it (LPOP, RPOP, LMOVE...); without, the client waits
// (server/blocking.h) and the command runs again once a push gives a waited key data.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/keyspace.h"
#include "core/list_value.h"
#include "core/numeric.h"
#include "server/blocking.h"
#include "server/commands/mpop_args.h"
#include "server/commands/list_commands.h"
#include "server/commands/list_util.h"
#include "server/errors.h"

namespace kvd::list_commands {
namespace {

std::string PopName(End end) { return end == End::kLeft ? "LPOP" : "RPOP"; }

// Pops from the first of `keys` that holds a list. `count` < 0: BLPOP/BRPOP, one element
// replied as [key, element]; otherwise BLMPOP's [key, [elements]] with up to count. Blocks
// when every key is missing.
void BlockingPop(CommandContext& ctx, std::span<const std::string_view> keys, End end,
                 std::string_view timeout, int64_t count) {
  std::optional<int64_t> deadline = ParseBlockTimeout(ctx, timeout);
  if (!deadline) return;
  for (std::string_view key : keys) {
    CollectionWrite<ListValue> list = ctx.db().Write<ListValue>(key, ctx.now_ms, false);
    if (list.wrong_type()) return ctx.Error(kWrongTypeErr);
    if (!list || list->empty()) continue;
    if (count < 0) {
      const std::string value = end == End::kLeft ? list->PopFront() : list->PopBack();
      ctx.reply.ArrayHeader(2);
      ctx.reply.Bulk(key);
      ctx.reply.Bulk(value);
      ctx.AddDirty();
      NotifyListRemoval(ctx, PopEvent(end), key, list->empty());
      ctx.Propagate({PopName(end), std::string(key)});
      return;
    }
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(key);
    const size_t popped = PopRangeWithReply(ctx.reply, *list, end, static_cast<size_t>(count));
    ctx.AddDirty(popped);
    NotifyListRemoval(ctx, PopEvent(end), key, list->empty());
    ctx.Propagate({PopName(end), std::string(key), std::to_string(popped)});
    return;
  }
  if (!BlockClient(ctx, keys, ValueType::kList, *deadline)) ctx.reply.NullArray();
}

// BLMOVE and BRPOPLPUSH once their arguments are checked: LMOVE / RPOPLPUSH when the source
// has data (their arguments sit at the same places), else the client waits on the source.
// A destination of another type is refused only when there is something to move.
void BlockingMove(CommandContext& ctx, std::string_view timeout, void (*move)(CommandContext&),
                  std::vector<std::string> logged) {
  std::optional<int64_t> deadline = ParseBlockTimeout(ctx, timeout);
  if (!deadline) return;
  bool wrong_type = false;
  const ListValue* source = ctx.db().Read<ListValue>(ctx.args[1], ctx.now_ms, &wrong_type);
  if (wrong_type) return ctx.Error(kWrongTypeErr);
  if (source == nullptr) {
    if (!BlockClient(ctx, ctx.args.subspan(1, 1), ValueType::kList, *deadline)) {
      ctx.reply.Null();
    }
    return;
  }
  move(ctx);
  if (ctx.dirty > 0) ctx.Propagate(std::move(logged));
}

std::vector<std::string> Strings(std::span<const std::string_view> args) {
  return {args.begin(), args.end()};
}

}  // namespace

// BLPOP key [key ...] timeout
void BLPop(CommandContext& ctx) {
  BlockingPop(ctx, ctx.args.subspan(1, ctx.args.size() - 2), End::kLeft, ctx.args.back(), -1);
}

// BRPOP key [key ...] timeout
void BRPop(CommandContext& ctx) {
  BlockingPop(ctx, ctx.args.subspan(1, ctx.args.size() - 2), End::kRight, ctx.args.back(), -1);
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: LMPOP's arguments and
// replies; every argument is checked before the timeout, as Redis does.
void BLMPop(CommandContext& ctx) {
  std::optional<MPopArgs> a = ParseMPopArgs(ctx, 2, "LEFT", "RIGHT");
  if (!a) return;
  BlockingPop(ctx, a->keys, a->second_side ? End::kRight : End::kLeft, ctx.args[1],
              static_cast<int64_t>(a->count));
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout, logged as LMOVE.
void BLMove(CommandContext& ctx) {
  if (!ParseEnd(ctx.args[3]) || !ParseEnd(ctx.args[4])) return ctx.Error(kSyntaxErr);
  std::vector<std::string> logged = Strings(ctx.args.first(5));
  logged[0] = "LMOVE";
  BlockingMove(ctx, ctx.args[5], LMove, std::move(logged));
}

// BRPOPLPUSH source destination timeout, logged as RPOPLPUSH.
void BRPopLPush(CommandContext& ctx) {
  std::vector<std::string> logged = Strings(ctx.args.first(3));
  logged[0] = "RPOPLPUSH";
  BlockingMove(ctx, ctx.args[3], RPopLPush, std::move(logged));
}

}  // namespace kvd::list_commands
