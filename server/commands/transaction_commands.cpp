// MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queuing is the dispatcher's (server/transaction.h),
// and so is running a transaction (Dispatcher::Exec); WATCH's bookkeeping is
// server/watched_keys.h.
#include "server/client_state.h"
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/dispatcher.h"
#include "server/server_state.h"
#include "server/transaction.h"

namespace kvd {
namespace {

void CmdMulti(CommandContext& ctx) {
  // Not a refusal: the transaction goes on, and EXEC still runs it.
  if (ctx.client.InMulti()) return ctx.Error("ERR MULTI calls can not be nested");
  ctx.client.Txn().active = true;
  ctx.reply.Ok();
}

void CmdExec(CommandContext& ctx) { ctx.dispatcher->Exec(ctx); }

void CmdDiscard(CommandContext& ctx) {
  if (!ctx.client.InMulti()) return ctx.Error("ERR DISCARD without MULTI");
  DiscardTransaction(ctx.server, ctx.client);
  ctx.reply.Ok();
}

void CmdWatch(CommandContext& ctx) {
  ClientState& c = ctx.client;
  if (c.InMulti()) return ctx.Error("ERR WATCH inside MULTI is not allowed");
  // Already touched: EXEC fails whatever happens to these keys (Redis skips them too).
  if (!c.txn || !c.txn->watch_touched) {
    for (std::string_view key : ctx.args.subspan(1)) {
      // A key that has expired is reclaimed first: its deletion changes nothing for this
      // watcher, which sees it missing from now on (Redis flags it "expired at WATCH").
      ctx.db().FindNoTouch(key, ctx.now_ms);
      ctx.server.watched_keys.Watch(c, c.db, key);
    }
  }
  ctx.reply.Ok();
}

void CmdUnwatch(CommandContext& ctx) {
  ctx.server.watched_keys.UnwatchAll(ctx.client);
  if (ctx.client.txn) ctx.client.txn->watch_touched = false;
  ctx.reply.Ok();
}

constexpr uint32_t kControl = kNoScript | kLoading | kStale | kFast | kAllowBusy;

}  // namespace

void RegisterTransactionCommands(CommandTable& t) {
  t.Add(MakeSpec("multi", 1, kControl, kNoKeys, CmdMulti,
                 {"@fast @transaction", "transactions", "1.2.0", "Starts a transaction.",
                  "O(1)"}));
  t.Add(MakeSpec("exec", 1, kNoScript | kLoading | kStale | kSkipSlowlog, kNoKeys, CmdExec,
                 {"@slow @transaction", "transactions", "1.2.0",
                  "Executes all commands in a transaction.",
                  "Depends on commands in the transaction"}));
  t.Add(MakeSpec("discard", 1, kControl, kNoKeys, CmdDiscard,
                 {"@fast @transaction", "transactions", "2.0.0", "Discards a transaction.",
                  "O(N), when N is the number of queued commands"}));
  t.Add(MakeSpec("watch", -2, kControl, kAllKeys, CmdWatch,
                 {"@fast @transaction", "transactions", "2.2.0",
                  "Monitors changes to keys to determine the execution of a transaction.",
                  "O(1) for every key."}));
  t.Add(MakeSpec("unwatch", 1, kControl, kNoKeys, CmdUnwatch,
                 {"@fast @transaction", "transactions", "2.2.0",
                  "Forgets about watched keys of a transaction.", "O(1)"}));
}

}  // namespace kvd
