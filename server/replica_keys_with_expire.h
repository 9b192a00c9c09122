#pragma once
// A writable replica's own keys with a TTL (Redis's slaveKeysWithExpire). A replica expires
// nothing by itself: its master sends a DEL for each of its keys that expires. Keys that the
// replica's own clients wrote with a TTL have no master to expire them, so the replica
// remembers them and expires them from its cron (Redis's expireSlaveKeys). As in Redis, only
// databases 0..63 are tracked. Listens to key changes only during such clients' writes.
// Touched on the store strand only.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/store.h"

namespace kvd {

class KeyChangeFanout;

class ReplicaKeysWithExpire final : public Store::KeyListener {
 public:
  ReplicaKeysWithExpire(Store& store, KeyChangeFanout& changes)
      : store_(store), changes_(changes) {}
  ~ReplicaKeysWithExpire();
  ReplicaKeysWithExpire(const ReplicaKeysWithExpire&) = delete;
  ReplicaKeysWithExpire& operator=(const ReplicaKeysWithExpire&) = delete;

  // Bracket a command of a replica's own client (not its master's stream) that may write
  // (nested for a script's or a transaction's commands): the keys it wrote are remembered
  // when it leaves them with a TTL.
  void BeginClientWrite();
  void EndClientWrite();

  // The cron, on a replica: looks at up to `max_keys` remembered keys, resuming where the
  // last call stopped; deletes those past their TTL, as expiries (the "expired" event, a DEL
  // in the append-only file), and forgets those gone or without a TTL.
  void ExpireDue(int64_t now_ms, size_t max_keys);
  // Forgets every key: the server is no replica any more (its active expiry takes over).
  void Clear() { keys_.clear(); }
  size_t size() const { return keys_.size(); }  // INFO slave_expires_tracked_keys

  void KeyChanged(size_t db, std::string_view key, bool tentative) override;
  void DatabaseEmptying(size_t) override {}  // ExpireDue forgets the keys that went
  void DatabasesSwapping(size_t, size_t) override {}

 private:
  static constexpr size_t kMaxDb = 64;  // a bit per database, as Redis

  Store& store_;
  KeyChangeFanout& changes_;
  std::map<std::string, uint64_t, std::less<>> keys_;    // key -> databases holding it
  std::string cursor_;                                    // ExpireDue resumes after it
  std::vector<std::pair<size_t, std::string>> written_;  // by the bracketed command
  int depth_ = 0;
};

}  // namespace kvd
