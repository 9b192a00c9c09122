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
  // Moves take the databases, never the listeners, which point back at their store: a new
  // store has none, an assigned one keeps its own (a snapshot load replaces the data of a
  // store in use).
  Store(Store&& other) noexcept;
  Store& operator=(Store&& other) noexcept;

  size_t DatabaseCount() const { return dbs_.size(); }
  Keyspace& Db(size_t index) { return dbs_[index]; }
  const Keyspace& Db(size_t index) const { return dbs_[index]; }

  void SwapDbs(size_t a, size_t b);

  // The access clock of every database (core/access_clock.h): AccessClock::Process() unless
  // set. The server configures it (maxmemory-policy, lfu-*) and its cron refreshes it.
  AccessClock& access_clock() const { return *access_; }
  void SetAccessClock(AccessClock* clock);
  // Calls fn(db index, key) for every key that expires in any database, just before it is
  // deleted (Keyspace::set_expire_listener). An empty fn stops the calls. The store must not
  // move while a listener is set (the databases point back at it).
  void SetExpireListener(std::function<void(size_t db, std::string_view key)> fn);
  void FlushAll();
  // Keyspace::set_keep_expired for every database (a replica's data); the active expire
  // cycle does nothing meanwhile.
  void SetKeepExpired(bool keep);
  bool keep_expired() const { return keep_expired_; }

  // Hears of every write to a key of any database just before it happens (WATCH): the
  // Keyspace::KeyListener calls with the database's index, and SWAPDB.
  class KeyListener {
   public:
    virtual void KeyChanged(size_t db, std::string_view key, bool tentative) = 0;
    virtual void DatabaseEmptying(size_t db) = 0;
    // Databases a and b are about to trade their contents.
    virtual void DatabasesSwapping(size_t a, size_t b) = 0;

   protected:
    ~KeyListener() = default;
  };
  // Null stops the calls. As with the expire listener, the store must not move meanwhile.
  void SetKeyListener(KeyListener* listener);

  // Redis's active expire cycle (activeExpireCycle, "slow" kind): for each database, sample
  // keys with a TTL (20 per round) and delete the expired ones; repeat on that database while
  // more than 10% of a sample was expired; stop when the time budget is spent.
  // `elapsed_us` measures time since the cycle began (injectable for tests). `effort` (0..9,
  // active-expire-effort minus one) samples 5 more keys a round and tolerates 1% fewer
  // expired keys per step, as Redis.
  struct CycleResult { size_t sampled = 0; size_t expired = 0; bool out_of_time = false; };
  CycleResult ActiveExpireCycle(int64_t now_ms, int64_t budget_us,
                                const std::function<int64_t()>& elapsed_us, int effort = 0);

  uint64_t ExpiredKeys() const;   // sum over databases, for INFO stats
  size_t DataBytes() const;       // keys + values, all databases
  size_t AllocatedBytes() const;  // exact heap bytes held by the data

 private:
  std::vector<Keyspace> dbs_;
  std::function<void(size_t, std::string_view)> expire_fn_;
  Keyspace::ExpireListener expire_listener_;  // finds the database index, calls expire_fn_
  // Finds the database index of a Keyspace::KeyListener call for key_listener_.
  class KeyForwarder final : public Keyspace::KeyListener {
   public:
    explicit KeyForwarder(Store& store) : store_(store) {}
    void KeyChanged(const Keyspace& ks, std::string_view key, bool tentative) override;
    void Emptying(const Keyspace& ks) override;

   private:
    Store& store_;
  };
  size_t IndexOf(const Keyspace& ks) const { return static_cast<size_t>(&ks - dbs_.data()); }
  KeyListener* key_listener_ = nullptr;
  KeyForwarder key_forwarder_{*this};
  size_t next_db_ = 0;  // the cycle resumes where the last one ran out of time
  AccessClock* access_ = &AccessClock::Process();
  bool keep_expired_ = false;
};

}  // namespace kvd
