#pragma once
// The server's periodic work, `hz` times a second on the store strand: active expiry with
// Redis's time budget, INFO's sampled statistics, and closing idle clients (`timeout`).
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

  NetContext& net_;
  asio::steady_timer timer_;
};

}  // namespace kvd::net
