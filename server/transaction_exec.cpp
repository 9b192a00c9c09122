// The dispatcher's part in transactions: EXEC runs the queued commands on the store strand
// one after the other, so nothing else runs between them. Inside, as in Redis: a command's
// error is an element of the reply, not an abort; blocking commands answer at once as if
// timed out; the writes are logged together, as MULTI ... EXEC when there are two or more;
// clients blocked on keys the transaction gave data to are served once it has ended. Each
// queued command's ACL permissions are checked again before it runs.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/acl/acl.h"
#include "server/dispatcher.h"
#include "server/transaction.h"

namespace kvd {

void Dispatcher::Exec(CommandContext& ctx) {
  ClientState& client = ctx.client;
  if (!client.InMulti()) return ctx.Error("ERR EXEC without MULTI");
  TransactionState& txn = *client.txn;  // until DiscardTransaction
  // A watched key that expired since WATCH has changed, even if nothing deleted it yet.
  if (server_.watched_keys.AnyExpired(client, ctx.now_ms)) txn.watch_touched = true;
  if (txn.aborted) {
    DiscardTransaction(server_, client);
    return ctx.Error(kExecAbortErr);
  }
  if (txn.watch_touched) {
    DiscardTransaction(server_, client);
    return ctx.reply.NullArray();
  }
  // Nothing the transaction does can fail it now.
  server_.watched_keys.UnwatchAll(client);

  const bool deny_blocking = client.deny_blocking;
  client.deny_blocking = true;
  txn.executing = true;
  in_exec_ = true;
  ctx.reply.ArrayHeader(txn.queued.size());
  std::vector<std::string_view> args;
  // Indexes, not iterators: nothing a queued command runs can queue, but stay safe.
  for (size_t i = 0; i < txn.queued.size(); ++i) {
    args.assign(txn.queued[i].args.begin(), txn.queued[i].args.end());
    // The user's permissions may have changed since the command was queued.
    if (client.acl_user && !client.acl_user->unrestricted() && !client.replaying_aof) {
      std::string err = AclCheckClient(server_, client, *txn.queued[i].spec, args, ctx.reply,
                                       ctx.now_ms, /*at_exec=*/true);
      if (!err.empty()) {
        ctx.reply.Error(err);
        server_.CountError(client, err);
        continue;
      }
    }
    // At EXEC's time, as in Redis: the transaction happens at one instant.
    Run(client, *txn.queued[i].spec, args, ctx.reply, ctx.now_ms, server_.clock.NowUs());
  }
  in_exec_ = false;
  client.deny_blocking = deny_blocking;
  DiscardTransaction(server_, client);
  PropagateAll(std::exchange(exec_log_, {}));
}

}  // namespace kvd
