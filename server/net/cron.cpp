#include "server/net/cron.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "server/aof/aof.h"
#include "server/background_save.h"

namespace kvd::net {
namespace {

// Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC: the slow cycle may use 25% of each tick.
constexpr int64_t kExpireTimePercent = 25;

}  // namespace

Cron::Cron(NetContext& net) : net_(net), timer_(net.store_strand) {}

void Cron::Start() { asio::post(net_.store_strand, [this] { Arm(); }); }

void Cron::Arm() {
  int hz = net_.server.config.values().hz;  // read each time: CONFIG SET hz applies at once
  timer_.expires_after(std::chrono::microseconds(1'000'000 / hz));
  timer_.async_wait([this](std::error_code ec) {
    if (ec) return;
    Tick();
    Arm();
  });
}

void Cron::Tick() {
  ServerState& server = net_.server;
  const ConfigValues& cfg = server.config.values();
  const int64_t now_ms = server.clock.NowMs();

  const int64_t budget_us = 1'000'000 * kExpireTimePercent / cfg.hz / 100;
  const auto start = std::chrono::steady_clock::now();
  server.store.ActiveExpireCycle(now_ms, budget_us, [start] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now() - start)
        .count();
  });

  server.Cron(now_ms);
  BackgroundSaveCron(server, now_ms);
  if (server.aof != nullptr) server.aof->Cron(now_ms);

  if (cfg.timeout > 0) {
    const int64_t max_idle_ms = static_cast<int64_t>(cfg.timeout) * 1000;
    for (const auto& [id, client] : server.clients) {
      if (now_ms - client->last_interaction_ms > max_idle_ms && client->kill) {
        spdlog::debug("Closing idle client id={} addr={}", id, client->addr);
        client->kill();
      }
    }
  }
}

}  // namespace kvd::net
