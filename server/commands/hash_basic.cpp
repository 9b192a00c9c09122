// HSET, HMSET, HSETNX, HGET, HMGET, HDEL, HEXISTS, HLEN, HSTRLEN, HKEYS, HVALS, HGETALL
// (Redis's t_hash.c).
#include <algorithm>
#include <optional>
#include <string_view>

#include "core/hash_value.h"
#include "server/commands/hash_commands.h"
#include "server/commands/hash_set_common.h"
#include "server/keyspace_events.h"

namespace kvd::hash_commands {
namespace {

using hash_set::ReadTyped;
using hash_set::WriteTyped;

// What HKEYS, HVALS and HGETALL reply with for each field.
enum class Parts : uint8_t { kFields, kValues, kBoth };

void ReplyAll(CommandContext& ctx, Parts parts) {
  bool failed = false;
  const HashValue* hash = ReadTyped<HashValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  const size_t n = hash ? hash->size() : 0;
  if (parts == Parts::kBoth) {
    ctx.reply.MapHeader(n);
  } else {
    ctx.reply.ArrayHeader(n);
  }
  if (!hash) return;
  hash->ForEach([&](std::string_view field, std::string_view value) {
    if (parts != Parts::kValues) ctx.reply.Bulk(field);
    if (parts != Parts::kFields) ctx.reply.Bulk(value);
  });
}

}  // namespace

// HSET key field value [field value ...]; HMSET is the same command replying OK.
void HSet(CommandContext& ctx) {
  if (ctx.args.size() % 2 == 1) return ctx.Error(WrongArityError(ctx.spec.name));
  bool failed = false;
  CollectionWrite<HashValue> hash = WriteTyped<HashValue>(ctx, ctx.args[1], true, &failed);
  if (failed) return;
  // Converted up front when the pairs cannot all stay packed (Redis's hashTypeTryConversion).
  size_t max_len = 0, total_len = 0;
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    max_len = std::max(max_len, ctx.args[i].size());
    total_len += ctx.args[i].size();
  }
  hash->PrepareForSet((ctx.args.size() - 2) / 2, max_len, total_len);
  int64_t created = 0;
  for (size_t i = 2; i < ctx.args.size(); i += 2) {
    if (hash->Set(ctx.args[i], ctx.args[i + 1])) ++created;
  }
  hash.Commit();
  ctx.AddDirty((ctx.args.size() - 2) / 2);
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hset", ctx.args[1]);
  if (ctx.spec.name == "hmset") return ctx.reply.Ok();
  ctx.reply.Integer(created);
}

void HSetNx(CommandContext& ctx) {
  bool failed = false;
  CollectionWrite<HashValue> hash = WriteTyped<HashValue>(ctx, ctx.args[1], true, &failed);
  if (failed) return;
  if (hash->Contains(ctx.args[2])) return ctx.reply.Integer(0);
  hash->Set(ctx.args[2], ctx.args[3]);
  hash.Commit();
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hset", ctx.args[1]);
  ctx.reply.Integer(1);
}

void HGet(CommandContext& ctx) {
  bool failed = false;
  const HashValue* hash = ReadTyped<HashValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  std::optional<Elem> value = hash ? hash->Get(ctx.args[2]) : std::nullopt;
  if (!value) return ctx.reply.Null();
  ctx.reply.Bulk(value->view());
}

// A missing key answers nil for every field.
void HMGet(CommandContext& ctx) {
  bool failed = false;
  const HashValue* hash = ReadTyped<HashValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    std::optional<Elem> value = hash ? hash->Get(ctx.args[i]) : std::nullopt;
    if (value) {
      ctx.reply.Bulk(value->view());
    } else {
      ctx.reply.Null();
    }
  }
}

// Deleting the last field deletes the key (when the handle commits).
void HDel(CommandContext& ctx) {
  bool failed = false;
  CollectionWrite<HashValue> hash = WriteTyped<HashValue>(ctx, ctx.args[1], false, &failed);
  if (failed) return;
  int64_t deleted = 0;
  if (hash) {
    for (size_t i = 2; i < ctx.args.size() && !hash->empty(); ++i) {
      if (hash->Delete(ctx.args[i])) ++deleted;
    }
  }
  const bool emptied = hash && hash->empty();
  hash.Commit();
  if (deleted > 0) {
    ctx.AddDirty(static_cast<uint64_t>(deleted));
    NotifyKeyspaceEvent(ctx, kNotifyHash, "hdel", ctx.args[1]);
    if (emptied) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.args[1]);
  }
  ctx.reply.Integer(deleted);
}

void HExists(CommandContext& ctx) {
  bool failed = false;
  const HashValue* hash = ReadTyped<HashValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.Integer(hash && hash->Contains(ctx.args[2]) ? 1 : 0);
}

void HLen(CommandContext& ctx) {
  bool failed = false;
  const HashValue* hash = ReadTyped<HashValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.Integer(hash ? static_cast<int64_t>(hash->size()) : 0);
}

void HStrLen(CommandContext& ctx) {
  bool failed = false;
  const HashValue* hash = ReadTyped<HashValue>(ctx, ctx.args[1], &failed);
  if (failed) return;
  std::optional<Elem> value = hash ? hash->Get(ctx.args[2]) : std::nullopt;
  ctx.reply.Integer(value ? static_cast<int64_t>(value->size()) : 0);
}

void HKeys(CommandContext& ctx) { ReplyAll(ctx, Parts::kFields); }
void HVals(CommandContext& ctx) { ReplyAll(ctx, Parts::kValues); }
void HGetAll(CommandContext& ctx) { ReplyAll(ctx, Parts::kBoth); }

}  // namespace kvd::hash_commands
