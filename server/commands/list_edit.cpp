// Commands that edit a list in place: LSET, LINSERT, LREM, LTRIM (Redis's t_list.c).
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/keyspace.h"
#include "core/list_value.h"
#include "core/numeric.h"
#include "server/commands/list_commands.h"
#include "server/commands/list_util.h"
#include "server/errors.h"

namespace kvd::list_commands {
namespace {

inline constexpr std::string_view kIndexRangeErr = "ERR index out of range";

}  // namespace

// LSET key index element: a missing key is an error, checked before the index is parsed.
void LSet(CommandContext& ctx) {
  CollectionWrite<ListValue> list = ctx.db().Write<ListValue>(ctx.args[1], ctx.now_ms, false);
  if (list.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!list) return ctx.Error(kNoSuchKeyErr);
  std::optional<int64_t> index = ParseInt64(ctx.args[2]);
  if (!index) return ctx.Error(kNotIntegerErr);
  const auto len = static_cast<int64_t>(list->size());
  const int64_t i = *index < 0 ? *index + len : *index;
  if (i < 0 || i >= len) return ctx.Error(kIndexRangeErr);
  list->Set(static_cast<size_t>(i), ctx.args[3]);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyList, "lset", ctx.args[1]);
  ctx.reply.Ok();
}

// LINSERT key BEFORE|AFTER pivot element: the new length, 0 for a missing key, -1 when the
// pivot is not there.
void LInsert(CommandContext& ctx) {
  bool after;
  if (EqualsIgnoreCase(ctx.args[2], "after")) {
    after = true;
  } else if (EqualsIgnoreCase(ctx.args[2], "before")) {
    after = false;
  } else {
    return ctx.Error(kSyntaxErr);
  }
  CollectionWrite<ListValue> list = ctx.db().Write<ListValue>(ctx.args[1], ctx.now_ms, false);
  if (list.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!list) return ctx.reply.Integer(0);
  std::optional<size_t> pivot = list->Find(ctx.args[3]);
  if (!pivot) return ctx.reply.Integer(-1);
  list->InsertAt(*pivot + (after ? 1 : 0), ctx.args[4]);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyList, "linsert", ctx.args[1]);
  ctx.reply.Integer(static_cast<int64_t>(list->size()));
}

// LREM key count element: count > 0 removes from the head, < 0 from the tail, 0 all.
void LRem(CommandContext& ctx) {
  std::optional<int64_t> count = ParseInt64(ctx.args[2]);
  if (!count) return ctx.Error(kNotIntegerErr);
  CollectionWrite<ListValue> list = ctx.db().Write<ListValue>(ctx.args[1], ctx.now_ms, false);
  if (list.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!list) return ctx.reply.Integer(0);
  // INT64_MIN has no negation; removing "all but none" from the tail means removing all.
  const int64_t n = *count == INT64_MIN ? INT64_MIN + 1 : *count;
  const size_t removed = list->Remove(ctx.args[3], n);
  ctx.AddDirty(removed);
  if (removed > 0) NotifyListRemoval(ctx, "lrem", ctx.args[1], list->empty());
  ctx.reply.Integer(static_cast<int64_t>(removed));
}

// LTRIM key start stop: keeps [start, stop]; an empty range deletes the key. Always OK.
void LTrim(CommandContext& ctx) {
  std::optional<int64_t> start = ParseInt64(ctx.args[2]);
  std::optional<int64_t> stop = ParseInt64(ctx.args[3]);
  if (!start || !stop) return ctx.Error(kNotIntegerErr);
  CollectionWrite<ListValue> list = ctx.db().Write<ListValue>(ctx.args[1], ctx.now_ms, false);
  if (list.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!list) return ctx.reply.Ok();
  const size_t len = list->size();
  std::optional<IndexRange> keep = NormalizeRange(*start, *stop, len);
  const size_t head = keep ? keep->first : len;
  const size_t tail = keep ? len - keep->first - keep->count : 0;
  if (tail > 0) list->Erase(len - tail, tail);
  if (head > 0) list->Erase(0, head);
  ctx.AddDirty(head + tail);
  ctx.signal_unchanged = true;  // Redis signals the key even when nothing was trimmed
  NotifyListRemoval(ctx, "ltrim", ctx.args[1], list->empty());
  ctx.reply.Ok();
}

}  // namespace kvd::list_commands
