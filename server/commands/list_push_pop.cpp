// Commands that add or remove elements at the ends of a list: LPUSH, RPUSH, LPUSHX, RPUSHX,
// LPOP, RPOP (with COUNT) and LMPOP (Redis's t_list.c).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/keyspace.h"
#include "core/list_value.h"
#include "core/numeric.h"
#include "server/commands/mpop_args.h"
#include "server/commands/list_commands.h"
#include "server/commands/list_util.h"
#include "server/errors.h"

namespace kvd::list_commands {
namespace {


// Redis's pushGenericCommand. `only_existing`: LPUSHX/RPUSHX, which never create the key.
void Push(CommandContext& ctx, End end, bool only_existing) {
  CollectionWrite<ListValue> list =
      ctx.db().Write<ListValue>(ctx.args[1], ctx.now_ms, !only_existing);
  if (list.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!list) return ctx.reply.Integer(0);
  for (std::string_view element : ctx.args.subspan(2)) {
    if (end == End::kLeft) {
      list->PushFront(element);
    } else {
      list->PushBack(element);
    }
  }
  ctx.AddDirty(ctx.args.size() - 2);
  NotifyKeyspaceEvent(ctx, kNotifyList, PushEvent(end), ctx.args[1]);
  ctx.reply.Integer(static_cast<int64_t>(list->size()));
}

// Redis's popGenericCommand. Without COUNT the reply is one bulk string (or a null); with
// it, an array (a null array when the key is missing, an empty array for COUNT 0).
void Pop(CommandContext& ctx, End end) {
  if (ctx.args.size() > 3) return ctx.Error(WrongArityError(ctx.spec.name));
  const bool has_count = ctx.args.size() == 3;
  int64_t count = 0;
  if (has_count) {
    std::optional<int64_t> c = ParseNonNegative(ctx.args[2]);
    if (!c) return ctx.Error(kMustBePositiveErr);
    count = *c;
  }
  CollectionWrite<ListValue> list = ctx.db().Write<ListValue>(ctx.args[1], ctx.now_ms, false);
  if (list.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!list) return has_count ? ctx.reply.NullArray() : ctx.reply.Null();
  if (!has_count) {
    const std::string value = end == End::kLeft ? list->PopFront() : list->PopBack();
    ctx.reply.Bulk(value);
    ctx.AddDirty();
    NotifyListRemoval(ctx, PopEvent(end), ctx.args[1], list->empty());
    return;
  }
  if (count == 0) return ctx.reply.ArrayHeader(0);
  const size_t popped = PopRangeWithReply(ctx.reply, *list, end, static_cast<size_t>(count));
  ctx.AddDirty(popped);
  NotifyListRemoval(ctx, PopEvent(end), ctx.args[1], list->empty());
}

}  // namespace

void LPush(CommandContext& ctx) { Push(ctx, End::kLeft, false); }
void RPush(CommandContext& ctx) { Push(ctx, End::kRight, false); }
void LPushX(CommandContext& ctx) { Push(ctx, End::kLeft, true); }
void RPushX(CommandContext& ctx) { Push(ctx, End::kRight, true); }
void LPop(CommandContext& ctx) { Pop(ctx, End::kLeft); }
void RPop(CommandContext& ctx) { Pop(ctx, End::kRight); }

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the first non-empty list
// and replies [key, [elements]]; a null array when every list is empty.
void LMPop(CommandContext& ctx) {
  std::optional<MPopArgs> a = ParseMPopArgs(ctx, 1, "LEFT", "RIGHT");
  if (!a) return;
  const End end = a->second_side ? End::kRight : End::kLeft;

  for (std::string_view key : a->keys) {
    CollectionWrite<ListValue> list = ctx.db().Write<ListValue>(key, ctx.now_ms, false);
    if (list.wrong_type()) return ctx.Error(kWrongTypeErr);
    if (!list || list->empty()) continue;
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(key);
    const size_t popped = PopRangeWithReply(ctx.reply, *list, end, a->count);
    ctx.AddDirty(popped);
    NotifyListRemoval(ctx, PopEvent(end), key, list->empty());
    // Logged as the pop from the list it hit (Redis's [LR]POP key count).
    ctx.Propagate({end == End::kLeft ? "LPOP" : "RPOP", std::string(key), std::to_string(popped)});
    return;
  }
  ctx.reply.NullArray();
}

}  // namespace kvd::list_commands
