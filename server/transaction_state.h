#pragma once
// What MULTI/EXEC and WATCH keep per client (ClientState::txn), as Redis's client flags
// CLIENT_MULTI, CLIENT_DIRTY_EXEC, CLIENT_DIRTY_CAS, its mstate and watched_keys. The rules
// live in server/transaction.h and server/watched_keys.h.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kvd {

struct CommandSpec;

struct WatchedKey {
  size_t db = 0;
  std::string key;
  // SWAPDB brought in an expired value where there was none: its expiry is no change.
  bool stale = false;
};

struct QueuedCommand {
  const CommandSpec* spec = nullptr;  // the table's entries never move once frozen
  std::vector<std::string> args;
};

struct TransactionState {
  bool active = false;         // between MULTI and EXEC or DISCARD
  bool aborted = false;        // a command was refused while queuing: EXEC replies EXECABORT
  bool watch_touched = false;  // a watched key changed: EXEC replies a null array
  bool executing = false;      // EXEC runs the queued commands
  std::vector<QueuedCommand> queued;
  uint32_t flags_any = 0;      // every flag some queued command has
  uint32_t flags_missing = 0;  // every flag some queued command lacks
  size_t queued_bytes = 0;     // the queued arguments' bytes (CLIENT LIST multi-mem)
  // The keys WATCHed; kept by WatchedKeys, which indexes them by key.
  std::vector<WatchedKey> watched;
};

}  // namespace kvd
