#include "server/replica_keys_with_expire.h"

#include <algorithm>
#include <iterator>

#include "core/record.h"
#include "server/key_change_fanout.h"

namespace kvd {

ReplicaKeysWithExpire::~ReplicaKeysWithExpire() { changes_.Remove(this); }

void ReplicaKeysWithExpire::BeginClientWrite() {
  if (depth_++ == 0) changes_.Add(this);
}

void ReplicaKeysWithExpire::EndClientWrite() {
  if (--depth_ > 0) return;
  changes_.Remove(this);
  for (const auto& [db, key] : written_) {
    const Record* r = store_.Db(db).Peek(key);
    if (r != nullptr && r->has_expiry()) keys_[key] |= uint64_t{1} << db;
  }
  written_.clear();
}

void ReplicaKeysWithExpire::KeyChanged(size_t db, std::string_view key, bool) {
  if (db < kMaxDb) written_.emplace_back(db, key);
}

void ReplicaKeysWithExpire::ExpireDue(int64_t now_ms, size_t max_keys) {
  if (keys_.empty()) return;
  // The keyspaces keep expired keys on a replica; for this pass a lookup deletes them.
  const bool keep = store_.keep_expired();
  store_.SetKeepExpired(false);
  max_keys = std::min(max_keys, keys_.size());
  auto it = keys_.upper_bound(cursor_);
  for (size_t seen = 0; seen < max_keys && !keys_.empty(); ++seen) {
    if (it == keys_.end()) it = keys_.begin();
    cursor_ = it->first;
    uint64_t dbs = it->second;
    for (size_t db = 0; db < kMaxDb && db < store_.DatabaseCount(); ++db) {
      const uint64_t bit = uint64_t{1} << db;
      if (!(dbs & bit)) continue;
      Keyspace& ks = store_.Db(db);
      const Record* r = ks.Peek(it->first);
      if (r == nullptr || !r->has_expiry()) {
        dbs &= ~bit;  // deleted, or made persistent, meanwhile
      } else if (r->IsExpiredAt(now_ms)) {
        ks.FindNoTouch(it->first, now_ms);  // deletes it as an expiry
        dbs &= ~bit;
      }
    }
    it->second = dbs;
    it = dbs == 0 ? keys_.erase(it) : std::next(it);
  }
  store_.SetKeepExpired(keep);
}

}  // namespace kvd
