#include "core/eviction.h"

#include <algorithm>
#include <limits>

#include "core/store.h"

namespace kvd {
namespace {

bool TtlOnly(EvictionPolicy p) {
  return p == EvictionPolicy::kVolatileLru || p == EvictionPolicy::kVolatileLfu ||
         p == EvictionPolicy::kVolatileRandom || p == EvictionPolicy::kVolatileTtl;
}

size_t Candidates(const Keyspace& ks, bool ttl_only) {
  return ttl_only ? ks.KeysWithExpiry() : ks.KeyCount();
}

}  // namespace

std::optional<EvictionPolicy> EvictionPolicyFromName(std::string_view name) {
  struct Named {
    std::string_view name;
    EvictionPolicy policy;
  };
  static constexpr Named kPolicies[] = {
      {"noeviction", EvictionPolicy::kNoEviction},
      {"allkeys-lru", EvictionPolicy::kAllKeysLru},
      {"allkeys-lfu", EvictionPolicy::kAllKeysLfu},
      {"allkeys-random", EvictionPolicy::kAllKeysRandom},
      {"volatile-lru", EvictionPolicy::kVolatileLru},
      {"volatile-lfu", EvictionPolicy::kVolatileLfu},
      {"volatile-random", EvictionPolicy::kVolatileRandom},
      {"volatile-ttl", EvictionPolicy::kVolatileTtl},
  };
  for (const Named& p : kPolicies) {
    if (p.name == name) return p.policy;
  }
  return std::nullopt;
}

std::optional<EvictionPool::Victim> EvictionPool::Pick(Store& store, EvictionPolicy policy,
                                                       size_t samples) {
  switch (policy) {
    case EvictionPolicy::kNoEviction:
      return std::nullopt;
    case EvictionPolicy::kAllKeysRandom:
    case EvictionPolicy::kVolatileRandom:
      return PickRandom(store, TtlOnly(policy));
    default:
      return PickFromPool(store, policy, samples);
  }
}

std::optional<EvictionPool::Victim> EvictionPool::PickFromPool(Store& store, EvictionPolicy policy,
                                                               size_t samples) {
  const bool ttl_only = TtlOnly(policy);
  for (;;) {
    size_t total = 0;
    for (size_t db = 0; db < store.DatabaseCount(); ++db) {
      const size_t n = Candidates(store.Db(db), ttl_only);
      if (n == 0) continue;
      Populate(store, db, policy, samples);
      total += n;
    }
    if (total == 0) return std::nullopt;
    // Best first; a candidate deleted since it was pooled is a ghost: drop it, try the next.
    while (!entries_.empty()) {
      Entry e = std::move(entries_.back());
      entries_.pop_back();
      if (e.db >= store.DatabaseCount()) continue;
      const Record* r = store.Db(e.db).Peek(e.key);
      if (r != nullptr && (!ttl_only || r->has_expiry())) return Victim{e.db, std::move(e.key)};
    }
  }
}

std::optional<EvictionPool::Victim> EvictionPool::PickRandom(Store& store, bool ttl_only) {
  const size_t dbs = store.DatabaseCount();
  for (size_t i = 0; i < dbs; ++i) {
    const size_t db = ++next_db_ % dbs;
    const Record* r = nullptr;
    if (store.Db(db).SampleRecords(ttl_only, {&r, 1}) == 1) {
      return Victim{db, std::string(r->key())};
    }
  }
  return std::nullopt;
}

void EvictionPool::Populate(Store& store, size_t db, EvictionPolicy policy, size_t samples) {
  Keyspace& ks = store.Db(db);
  const AccessClock& clock = ks.access_clock();
  sample_.resize(std::max<size_t>(samples, 1));
  const size_t n = ks.SampleRecords(TtlOnly(policy), sample_);
  for (size_t i = 0; i < n; ++i) {
    const Record& r = *sample_[i];
    uint64_t idle;
    switch (policy) {
      case EvictionPolicy::kAllKeysLfu:
      case EvictionPolicy::kVolatileLfu:
        idle = 255 - clock.Frequency(r.access());
        break;
      case EvictionPolicy::kVolatileTtl:
        idle = std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(r.expire_at_ms());
        break;
      default:
        idle = clock.IdleMs(r.access());
    }
    Insert(idle, db, r.key());
  }
}

void EvictionPool::Insert(uint64_t idle, size_t db, std::string_view key) {
  // A key sampled again takes its new score.
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->db == db && it->key == key) {
      entries_.erase(it);
      break;
    }
  }
  size_t pos = std::lower_bound(entries_.begin(), entries_.end(), idle,
                                [](const Entry& e, uint64_t v) { return e.idle < v; }) -
               entries_.begin();
  if (entries_.size() == kSize) {
    if (pos == 0) return;              // less idle than every pooled candidate
    entries_.erase(entries_.begin());  // the least idle makes room
    --pos;
  }
  entries_.insert(entries_.begin() + pos, Entry{idle, db, std::string(key)});
}

}  // namespace kvd
