#pragma once
// The server's periodic work, `hz` times a second on the store strand: active expiry with
// Redis's time budget, INFO's sampled statistics, closing idle clients (`timeout`) and
// MIGRATE's idle connections.
#include <cstdint>

#include "server/net/net_context.h"

namespace kvd::net {

class Cron {
 public:
  explicit Cron(NetContext& net);
  void Start();
  // Applies a new `hz` at once instead of after the current period. Store strand only.
  void Reschedule() { Arm(); }

 private:
  void Arm();
  void Tick();
  // `timeout`: closes the clients idle for longer, looking at a slice of them per tick.
  void CloseIdleClients(int64_t now_ms, int timeout_sec);

  NetContext& net_;
  asio::steady_timer timer_;
  uint64_t idle_cursor_ = 0;  // the last client id CloseIdleClients looked at
};

}  // namespace kvd::net
