// LMOVE and RPOPLPUSH: pop from one list, push onto another (Redis's lmoveGenericCommand).
#include <optional>
#include <string>
#include <string_view>

#include "core/keyspace.h"
#include "core/list_value.h"
#include "server/commands/list_commands.h"
#include "server/commands/list_util.h"
#include "server/errors.h"

namespace kvd::list_commands {
namespace {

std::string PopEnd(ListValue& list, End end) {
  return end == End::kLeft ? list.PopFront() : list.PopBack();
}

void PushEnd(ListValue& list, End end, std::string_view value) {
  if (end == End::kLeft) {
    list.PushFront(value);
  } else {
    list.PushBack(value);
  }
}

// Replies with the moved element, or a null when the source is missing. A destination of
// another type is refused before anything is popped.
void Move(CommandContext& ctx, End from, End to) {
  const std::string_view source_key = ctx.args[1];
  const std::string_view dest_key = ctx.args[2];
  CollectionWrite<ListValue> source = ctx.db().Write<ListValue>(source_key, ctx.now_ms, false);
  if (source.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!source) return ctx.reply.Null();
  std::string value;
  if (source_key == dest_key) {
    // A rotation. Only one write handle may be open on a key, so both ends go through it;
    // popping first keeps a one-element list alive (it is never seen empty).
    value = PopEnd(*source, from);
    PushEnd(*source, to, value);
  } else {
    CollectionWrite<ListValue> dest = ctx.db().Write<ListValue>(dest_key, ctx.now_ms, true);
    if (dest.wrong_type()) return ctx.Error(kWrongTypeErr);
    value = PopEnd(*source, from);
    PushEnd(*dest, to, value);
  }
  ctx.AddDirty();
  // Redis's order: the push onto the destination, then the pop (and the source's deletion).
  NotifyKeyspaceEvent(ctx, kNotifyList, PushEvent(to), dest_key);
  NotifyListRemoval(ctx, PopEvent(from), source_key, source->empty());
  ctx.reply.Bulk(value);
}

}  // namespace

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
void LMove(CommandContext& ctx) {
  std::optional<End> from = ParseEnd(ctx.args[3]);
  if (!from) return ctx.Error(kSyntaxErr);
  std::optional<End> to = ParseEnd(ctx.args[4]);
  if (!to) return ctx.Error(kSyntaxErr);
  Move(ctx, *from, *to);
}

// RPOPLPUSH source destination: LMOVE source destination RIGHT LEFT.
void RPopLPush(CommandContext& ctx) { Move(ctx, End::kRight, End::kLeft); }

}  // namespace kvd::list_commands
