// SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SMOVE (Redis's t_set.c).
#include <cstdint>
#include <string_view>

#include "core/set_value.h"
#include "server/commands/hash_set_common.h"
#include "server/commands/set_commands.h"
#include "server/keyspace_events.h"

namespace kvd::set_commands {

using hash_set::ReadTyped;
using hash_set::WriteTyped;

void SAdd(CommandContext& ctx) {
  bool failed = false;
  CollectionWrite<SetValue> set = WriteTyped<SetValue>(ctx, ctx.args[1], true, &failed);
  if (failed) return;
  set->PrepareForAdd(ctx.args[2], ctx.args.size() - 2);  // the encoding for that many
  int64_t added = 0;
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    if (set->Add(ctx.args[i])) ++added;
  }
  set.Commit();
  if (added > 0) {
    ctx.AddDirty(static_cast<uint64_t>(added));
    NotifyKeyspaceEvent(ctx, kNotifySet, "sadd", ctx.args[1]);
  }
  ctx.reply.Integer(added);
}

// Removing the last member deletes the key (when the handle commits).
void SRem(CommandContext& ctx) {
  bool failed = false;
  CollectionWrite<SetValue> set = WriteTyped<SetValue>(ctx, ctx.args[1], false, &failed);
  if (failed) return;
  int64_t removed = 0;
  if (set) {
    for (size_t i = 2; i < ctx.args.size() && !set->empty(); ++i) {
      if (set->Remove(ctx.args[i])) ++removed;
    }
  }
  const bool emptied = set && set->empty();
  set.Commit();
  if (removed > 0) {
    ctx.AddDirty(static_cast<uint64_t>(removed));
    NotifyKeyspaceEvent(ctx, kNotifySet, "srem", ctx.args[1]);
    if (emptied) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.args[1]);
  }
  ctx.reply.Integer(removed);
}

void SMembers(CommandContext& ctx) {
  bool failed = false;
  const SetValue* set = ReadTyped<SetValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.SetHeader(set ? set->size() : 0);
  if (set) set->ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
}

void SIsMember(CommandContext& ctx) {
  bool failed = false;
  const SetValue* set = ReadTyped<SetValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.Integer(set && set->Contains(ctx.args[2]) ? 1 : 0);
}

void SMIsMember(CommandContext& ctx) {
  bool failed = false;
  const SetValue* set = ReadTyped<SetValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    ctx.reply.Integer(set && set->Contains(ctx.args[i]) ? 1 : 0);
  }
}

void SCard(CommandContext& ctx) {
  bool failed = false;
  const SetValue* set = ReadTyped<SetValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.Integer(set ? static_cast<int64_t>(set->size()) : 0);
}

// SMOVE source destination member. A missing source answers 0 before any type check of the
// destination, as in Redis.
void SMove(CommandContext& ctx) {
  std::string_view from = ctx.args[1], to = ctx.args[2], member = ctx.args[3];
  const Record* src = LookupWrite(ctx, from);
  const bool src_wrong = src && src->type() != ValueType::kSet;
  const Record* dst = LookupWrite(ctx, to);
  const bool dst_wrong = dst && dst->type() != ValueType::kSet;
  if (!src) return ctx.reply.Integer(0);
  if (src_wrong || dst_wrong) return ctx.Error(kWrongTypeErr);
  if (from == to) {
    const auto* set = static_cast<const SetValue*>(src->object());
    return ctx.reply.Integer(set->Contains(member) ? 1 : 0);
  }
  bool emptied = false;
  {
    CollectionWrite<SetValue> source = ctx.db().Write<SetValue>(from, ctx.now_ms, false);
    if (!source->Remove(member)) return ctx.reply.Integer(0);
    emptied = source->empty();
  }  // commits: an emptied source is deleted
  NotifyKeyspaceEvent(ctx, kNotifySet, "srem", from);
  if (emptied) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", from);
  CollectionWrite<SetValue> dest = ctx.db().Write<SetValue>(to, ctx.now_ms, true);
  if (dest->empty()) dest->PrepareForAdd(member, 1);  // a new set: Redis's setTypeCreate
  const bool added = dest->Add(member);
  ctx.AddDirty(added ? 2 : 1);
  if (added) NotifyKeyspaceEvent(ctx, kNotifySet, "sadd", to);
  ctx.reply.Integer(1);
}

}  // namespace kvd::set_commands
