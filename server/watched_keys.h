#pragma once
// WATCH's bookkeeping: which clients watch which keys, and the marking of those clients
// once a watched key changes, so that their EXEC fails (Redis's touchWatchedKey and
// touchAllWatchedKeysInDb). Changes are heard from the store (Store::KeyListener), so no
// command needs code of its own for WATCH; the listener is set only while some key is
// watched, which makes WATCH free for everyone else.
//
// A write that turns out to change nothing (SREM of a missing member) does not count, as
// in Redis: the store tells of such writes as tentative, and the dispatcher settles them once
// the command has run and said whether it changed anything (Settle). Touched on the store
// strand only.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/store.h"
#include "server/key_change_fanout.h"
#include "server/transaction_state.h"

namespace kvd {

struct ClientState;

class WatchedKeys final : public Store::KeyListener {
 public:
  // Hears of changes through `changes`, the store's fan-out, while some key is watched.
  WatchedKeys(Store& store, const Clock& clock, KeyChangeFanout& changes);
  ~WatchedKeys();
  WatchedKeys(const WatchedKeys&) = delete;
  WatchedKeys& operator=(const WatchedKeys&) = delete;

  // WATCH: `client` watches `key` of database `db` (a key watched twice counts once). A key
  // that has expired should be reclaimed first: deleting it is no change to the watcher.
  void Watch(ClientState& client, size_t db, std::string_view key);
  // Forgets every key the client watches (UNWATCH, EXEC, DISCARD, a disconnect).
  void UnwatchAll(ClientState& client);
  // True when a key the client watches is present but expired at now_ms: it expired after
  // WATCH, which counts as a change (Redis 7's isWatchedKeyExpired).
  bool AnyExpired(const ClientState& client, int64_t now_ms) const;
  // The tentative writes of the command that just ran count only when it changed data.
  void Settle(bool changed) {
    if (!pending_.empty()) SettlePending(changed);
  }

  // Watched (client, key) pairs.
  size_t size() const { return size_; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using KeyClients =
      std::unordered_map<std::string, std::vector<ClientState*>, StringHash, std::equal_to<>>;

  void KeyChanged(size_t db, std::string_view key, bool tentative) override;
  void DatabaseEmptying(size_t db) override;
  void DatabasesSwapping(size_t a, size_t b) override;

  void SettlePending(bool changed);
  // Marks every client watching key of db.
  void Touch(size_t db, std::string_view key);
  // Marks the clients: their EXEC fails. They stop watching, as nothing can undo that.
  void MarkTouched(std::vector<ClientState*> clients);
  static WatchedKey* Find(ClientState& client, size_t db, std::string_view key);
  // Whether `key` of database `db` holds a value not yet expired.
  bool Live(size_t db, std::string_view key) const;
  void Listen();

  Store& store_;
  const Clock& clock_;
  KeyChangeFanout& changes_;
  std::vector<KeyClients> dbs_;  // by database index
  size_t size_ = 0;
  bool listening_ = false;
  std::vector<std::pair<size_t, std::string>> pending_;  // tentative writes to watched keys
};

}  // namespace kvd
