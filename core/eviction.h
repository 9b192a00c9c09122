#pragma once
// Choosing the keys maxmemory evicts, as Redis's evict.c does.
//
// The LRU, LFU and TTL policies sample maxmemory-samples keys of each database (all keys,
// or only those with a TTL for the volatile-* policies) and keep the best candidates seen
// so far in a pool of 16, ordered by how idle each is; the most idle one in the pool goes
// first. The pool outlives one eviction, so a key that is old but was not sampled this time
// may still be chosen, which brings sampling close to true LRU/LFU. The random policies take
// a random key, visiting the databases in turn.
//
// "Idle" is Redis's score: milliseconds since the last access (LRU), 255 minus the decayed
// access counter (LFU), or how soon the key expires (TTL: sooner is more idle).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kvd {

class Record;
class Store;

enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
};

// The maxmemory-policy names; nullopt for any other.
std::optional<EvictionPolicy> EvictionPolicyFromName(std::string_view name);

class EvictionPool {
 public:
  static constexpr size_t kSize = 16;  // EVPOOL_SIZE

  struct Victim {
    size_t db = 0;
    std::string key;
  };
  // The next key to evict under `policy`, or nullopt when no database holds a candidate
  // (no keys at all, or no keys with a TTL for a volatile-* policy; always for
  // noeviction). The key exists when returned; it may have expired unnoticed.
  std::optional<Victim> Pick(Store& store, EvictionPolicy policy, size_t samples);

  // Forgets every candidate (FLUSHALL, a load replacing the data): the pool's keys are only
  // hints, checked before use, but keeping them would hold their memory.
  void Clear() { entries_.clear(); }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    uint64_t idle = 0;
    size_t db = 0;
    std::string key;
  };
  std::optional<Victim> PickFromPool(Store& store, EvictionPolicy policy, size_t samples);
  std::optional<Victim> PickRandom(Store& store, bool ttl_only);
  // evictionPoolPopulate: scores a sample of database `db` and keeps the better ones.
  void Populate(Store& store, size_t db, EvictionPolicy policy, size_t samples);
  void Insert(uint64_t idle, size_t db, std::string_view key);

  std::vector<Entry> entries_;         // ascending idle: the best candidate is last
  size_t next_db_ = 0;                 // the random policies' round robin over databases
  std::vector<const Record*> sample_;  // Populate's scratch, kept to avoid reallocating
};

}  // namespace kvd
