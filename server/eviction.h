#pragma once
// maxmemory: Redis's performEvictions. Before a command runs, when the memory counted
// against maxmemory exceeds it, keys are evicted by maxmemory-policy (core/eviction.h)
// until it does not. Each evicted key is logged as a DEL (UNLINK with
// lazyfree-lazy-eviction) for the append-only file, fails the EXEC of clients WATCHing it,
// invalidates it for tracking clients and publishes the `evicted` keyspace event.
//
// One pass runs for at most maxmemory-eviction-tenacity's time (500 us at the default 10);
// if memory is still over then, the pass goes on later on the store strand, between other
// work, as Redis's eviction time proc does, and commands are not refused meanwhile.
//
// Counted against maxmemory: the data's exact heap bytes, values waiting for the lazyfree
// thread, and the clients' state and buffers as of the last cron tick (summing every
// client on each command would cost O(clients)).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>

#include "core/eviction.h"

namespace kvd {

class ServerState;

class Eviction {
 public:
  // Also listens to CONFIG SET maxmemory: a limit below the memory in use starts evicting
  // at once (later on the store strand), as Redis does, with a warning in the log.
  explicit Eviction(ServerState& server);

  enum class Result {
    kOk,       // under the limit (or no limit, or not the time to evict)
    kRunning,  // still over, a later pass continues: commands run
    kFail,     // over the limit and nothing may be evicted: deny-oom commands are refused
  };
  // Evicts as needed. Not while the dataset loads or clients are paused (the dataset must
  // stay as it is): that counts as kOk, as in Redis.
  Result Perform(int64_t now_ms);
  // Tells whether clients are paused (the dispatcher's CLIENT PAUSE state).
  void set_pause_check(std::function<bool(int64_t now_ms)> paused) { paused_ = std::move(paused); }

  // Bytes counted against maxmemory: used_memory less the replication backlog, the AOF buffer
  // and the script caches (INFO mem_not_counted_for_evict).
  size_t CountedBytes() const;
  // The clients' state and buffers now (INFO used_memory sums them the same way).
  static size_t ClientBytes(const ServerState& server);

  // Cron: refreshes the clients' share of CountedBytes().
  void Cron() { client_bytes_ = ClientBytes(server_); }

  // INFO stats total_eviction_exceeded_time / current_eviction_exceeded_time: milliseconds
  // memory has been over maxmemory (while eviction ran or failed).
  int64_t TotalExceededMs(int64_t now_ms) const {
    return total_exceeded_ms_ + CurrentExceededMs(now_ms);
  }
  int64_t CurrentExceededMs(int64_t now_ms) const {
    return exceeded_since_ms_ < 0 ? 0 : now_ms - exceeded_since_ms_;
  }
  void ResetStats() { total_exceeded_ms_ = 0; }

 private:
  // Evicts one key; the bytes it freed (0 when it turned out expired: an expiry, not an
  // eviction).
  size_t EvictOne(const EvictionPool::Victim& victim, int64_t now_ms);
  void ScheduleContinuation();
  void UpdateExceeded(Result result, int64_t now_ms);

  ServerState& server_;
  EvictionPool pool_;
  std::function<bool(int64_t)> paused_;
  size_t client_bytes_ = 0;
  bool continuation_pending_ = false;  // a later pass is posted to the store strand
  bool running_ = false;               // the last pass ran out of time with memory still over
  int64_t exceeded_since_ms_ = -1;     // memory over the limit since then; -1 when not
  int64_t total_exceeded_ms_ = 0;
};

}  // namespace kvd
