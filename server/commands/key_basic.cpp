// DEL, UNLINK, EXISTS, TYPE, KEYS, RANDOMKEY, TOUCH (Redis's db.c).
#include <optional>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "server/commands/key_commands.h"
#include "server/commands/key_lookup.h"
#include "server/config.h"
#include "server/keyspace_events.h"
#include "server/server_state.h"

namespace kvd::key_commands {

namespace {

// Redis's delGenericCommand. `lazy`: a large collection is freed on the lazyfree thread
// (a small one costs less to free here than to hand over).
void DeleteKeys(CommandContext& ctx, bool lazy) {
  Keyspace& db = ctx.db();
  int64_t deleted = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    if (!lazy) {
      if (!db.Delete(ctx.args[i], ctx.now_ms)) continue;
    } else {
      DetachedValue value;
      if (!db.DeleteDetached(ctx.args[i], ctx.now_ms, &value)) continue;
      ctx.server.lazyfree.Free(std::move(value));
    }
    ++deleted;
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.args[i]);
  }
  if (deleted > 0) ctx.AddDirty(static_cast<uint64_t>(deleted));
  ctx.reply.Integer(deleted);
}

}  // namespace

void Del(CommandContext& ctx) {
  DeleteKeys(ctx, ctx.server.config.values().lazyfree_lazy_user_del);
}

void Unlink(CommandContext& ctx) { DeleteKeys(ctx, true); }

// Counts every argument that names a live key, repeats included.
void Exists(CommandContext& ctx) {
  int64_t found = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    if (LookupRead(ctx, ctx.args[i])) ++found;
  }
  ctx.reply.Integer(found);
}

void Type(CommandContext& ctx) {
  const Record* r = LookupRead(ctx, ctx.args[1]);
  ctx.reply.Simple(r ? TypeName(r->type()) : std::string_view("none"));
}

void Keys(CommandContext& ctx) {
  std::string_view pattern = ctx.args[1];
  const bool all = pattern == "*";  // GlobMatch("*", "") is false, as in Redis
  std::vector<std::string_view> keys;
  // ForEach does not write, so the views stay valid until the reply is written.
  ctx.db().ForEach(ctx.now_ms, [&](const Record& r) {
    if (all || GlobMatch(pattern, r.key())) keys.push_back(r.key());
  });
  ctx.reply.ArrayHeader(keys.size());
  for (std::string_view k : keys) ctx.reply.Bulk(k);
}

void RandomKey(CommandContext& ctx) {
  std::optional<std::string_view> key = ctx.db().RandomKey(ctx.now_ms);
  if (!key) return ctx.reply.Null();
  ctx.reply.Bulk(*key);
}

// kvd keeps no access times, so TOUCH only counts the keys that exist (a read lookup each).
void Touch(CommandContext& ctx) {
  int64_t found = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    if (LookupRead(ctx, ctx.args[i])) ++found;
  }
  ctx.reply.Integer(found);
}

}  // namespace kvd::key_commands
