// The dispatcher's part in blocking commands: once a write gives data to a key that clients
// wait on, they run their command again, first blocked first, for as long as the key has
// data of the type they wait for. Redis 7.2 serves them the same way (it re-executes the
// command), so a client waiting on several keys takes from the first of them, in its
// command's order, that has data.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "server/blocking.h"
#include "server/dispatcher.h"

namespace kvd {

void Dispatcher::ServeReadyKeys() {
  serving_blocked_ = true;
  while (server_.blocked.HasReady()) {
    for (const BlockedClients::ReadyKey& r : server_.blocked.TakeReady()) ServeKey(r.db, r.key);
  }
  serving_blocked_ = false;
}

void Dispatcher::ServeKey(size_t db, const std::string& key) {
  // Each client waiting now is tried once: one that blocks again goes to the back of the
  // queue, as in Redis, and waits for the next write.
  for (ClientState* client : server_.blocked.WaitersOf(db, key)) {
    const BlockedClients::Waiter* waiter = server_.blocked.Find(*client);
    if (waiter == nullptr) continue;
    const Record* r = server_.store.Db(db).Find(key, server_.clock.NowMs());
    if (r == nullptr || r->type() != waiter->type) {
      // XREADGROUP's stream deleted or replaced: its group is gone, the wait ends (Redis 7.2).
      if (waiter->unblock_on_nokey) {
        UnblockClientWithError(server_, *client, kStreamKeyGoneErr);
        continue;
      }
      // An emptied list or sorted set is deleted: a missing key has nothing left for anyone.
      // A key of another type serves nobody waiting for this one (BLPOP on a key that became
      // a sorted set keeps waiting).
      continue;
    }
    RunAgain(*client);
  }
}

void Dispatcher::RunAgain(ClientState& client) {
  std::optional<BlockedClients::Waiter> waiter = server_.blocked.Unblock(client);
  const CommandSpec* spec = server_.commands.Find(waiter->args.front());
  std::vector<std::string_view> args(waiter->args.begin(), waiter->args.end());
  std::string out;
  ReplyWriter reply(out, client.resp);
  rerun_ = true;
  const int64_t now_us = server_.clock.NowUs();
  Run(client, *spec, args, reply, now_us / 1000, now_us);
  rerun_ = false;
  if (client.blocked) {
    // Blocked again: the wait goes on with its first deadline.
    server_.blocked.SetDeadline(client, waiter->deadline_ms);
    return;
  }
  ResumeClient(server_, client, std::move(out));
}

}  // namespace kvd
