#pragma once
// The bookkeeping of blocking commands (BLPOP, BLMOVE, BZPOPMIN...): which clients wait on
// which keys, in the order they blocked; which waited keys a write has touched since the
// last pass ("ready" keys); and when each wait times out. Redis keeps the same three things
// in db->blocking_keys, server.ready_keys and the clients timeout table (blocked.c).
//
// Only bookkeeping: serving the waiters is the dispatcher's job (it runs their command again
// once a key they wait on is ready), replying to them is server/blocking.h's. Touched on the
// store strand only.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/value_type.h"

namespace kvd {

struct ClientState;

class BlockedClients {
 public:
  // What a blocked client waits for, and the command to run again once it may be served.
  struct Waiter {
    ClientState* client = nullptr;
    size_t db = 0;
    ValueType type = ValueType::kList;  // a waited key must hold this type to serve it
    int64_t deadline_ms = 0;            // Unix ms; 0 waits forever
    std::vector<std::string> args;      // the blocking command as sent
    std::vector<std::string> keys;      // the keys waited on, distinct, in argument order
    // Redis 7.2's unblock_on_nokey (XREADGROUP): a waited key deleted or given another type
    // ends the wait with an error instead of leaving it waiting.
    bool unblock_on_nokey = false;
  };

  struct ReadyKey {
    size_t db;
    std::string key;
  };

  BlockedClients() = default;
  BlockedClients(const BlockedClients&) = delete;
  BlockedClients& operator=(const BlockedClients&) = delete;

  // Registers `client` as waiting on `keys` of database `db` (a key given twice counts once),
  // behind every client already waiting on them, and sets client.blocked. `args` is the
  // command to run again. The client must not be blocked already.
  void Block(ClientState& client, size_t db, std::span<const std::string_view> keys,
             ValueType type, int64_t deadline_ms, std::span<const std::string_view> args);
  // Takes the client out of every queue and clears client.blocked; returns what it waited
  // for, or nullopt when it was not blocked.
  std::optional<Waiter> Unblock(ClientState& client);
  // The wait of a blocked client, or null.
  const Waiter* Find(const ClientState& client) const;
  // Sets Waiter::unblock_on_nokey of a blocked client (no-op when it is not blocked).
  void SetUnblockOnNoKey(const ClientState& client);
  // Moves a blocked client's timeout (a command run again keeps its first deadline).
  void SetDeadline(ClientState& client, int64_t deadline_ms);

  // INFO clients: blocked_clients, total_blocking_keys, clients_in_timeout_table.
  size_t size() const { return waiters_.size(); }
  bool empty() const { return waiters_.empty(); }
  size_t KeyCount() const { return key_count_; }
  size_t TimeoutCount() const { return timeouts_.size(); }

  // A write may have given data to keys named by `names`: each one some client waits on,
  // in any database (MOVE and COPY ... DB write to another one), becomes ready. Names that
  // nobody waits on cost one lookup each; whether a ready key really holds data of the
  // right type is checked when it is served.
  void SignalKeys(std::span<const std::string_view> names);
  // Every waited key of database `db` becomes ready (SWAPDB brought in other data).
  void SignalDatabase(size_t db);
  bool HasReady() const { return !ready_.empty(); }
  // The ready keys in the order they became ready, each once; forgets them.
  std::vector<ReadyKey> TakeReady();

  // The clients waiting on `key` of `db`, first blocked first.
  std::vector<ClientState*> WaitersOf(size_t db, std::string_view key) const;
  // The clients whose deadline is <= now_ms, earliest deadline first.
  std::vector<ClientState*> Due(int64_t now_ms) const;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Queue {
    std::list<ClientState*> clients;  // FIFO: first blocked first
    bool ready = false;               // listed in ready_
  };
  using KeyQueues = std::unordered_map<std::string, Queue, StringHash, std::equal_to<>>;
  using Timeouts = std::multimap<int64_t, ClientState*>;
  struct Entry {
    Waiter waiter;
    std::vector<std::list<ClientState*>::iterator> positions;  // one per waiter.keys
    std::optional<Timeouts::iterator> timeout;
  };

  void MarkReady(size_t db, const std::string& key, Queue& q);

  std::unordered_map<const ClientState*, Entry> waiters_;
  std::map<size_t, KeyQueues> dbs_;  // only databases with waiters
  Timeouts timeouts_;                // waits with a deadline, by deadline
  std::vector<ReadyKey> ready_;
  size_t key_count_ = 0;
};

}  // namespace kvd
