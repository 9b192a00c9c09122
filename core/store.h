#pragma once
// All logical databases (SELECT 0..N-1) and the active expiry cycle over them.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/keyspace.h"

namespace kvd {

class Store {
 public:
  explicit Store(size_t databases = 16);

  size_t DatabaseCount() const { return dbs_.size(); }
  Keyspace& Db(size_t index) { return dbs_[index]; }
  const Keyspace& Db(size_t index) const { return dbs_[index]; }

  void SwapDbs(size_t a, size_t b);
  // Calls fn(db index, key) for every key that expires in any database, just before it is
  // deleted (Keyspace::set_expire_listener). An empty fn stops the calls. The store must not
  // move while a listener is set (the databases point back at it).
  void SetExpireListener(std::function<void(size_t db, std::string_view key)> fn);
  void FlushAll();

  // Redis's active expire cycle (activeExpireCycle, "slow" kind): for each database, sample
  // keys with a TTL (20 per round) and delete the expired ones; repeat on that database while
  // more than 10% of a sample was expired; stop when the time budget is spent.
  // `elapsed_us` measures time since the cycle began (injectable for tests).
  struct CycleResult { size_t sampled = 0; size_t expired = 0; bool out_of_time = false; };
  CycleResult ActiveExpireCycle(int64_t now_ms, int64_t budget_us,
                                const std::function<int64_t()>& elapsed_us);

  uint64_t ExpiredKeys() const;   // sum over databases, for INFO stats
  size_t DataBytes() const;       // keys + values, all databases
  size_t AllocatedBytes() const;  // exact heap bytes held by the data

 private:
  std::vector<Keyspace> dbs_;
  std::function<void(size_t, std::string_view)> expire_fn_;
  Keyspace::ExpireListener expire_listener_;  // finds the database index, calls expire_fn_
  size_t next_db_ = 0;  // the cycle resumes where the last one ran out of time
};

}  // namespace kvd
