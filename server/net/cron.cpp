#include "server/net/cron.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "server/aof/aof.h"
#include "server/background_save.h"
#include "server/blocking.h"
#include "server/replication/replica_checks.h"
#include "server/replication/replication.h"
#include "server/scripting/scripting.h"

namespace kvd::net {
namespace {

// Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC: the slow cycle may use 25% of each tick.
constexpr int64_t kExpireTimePercent = 25;
// Redis's CLIENTS_CRON_MIN_ITERATIONS: the clients looked at per tick, at least.
constexpr size_t kMinClientsPerTick = 5;
// A writable replica's own keys with a TTL looked at per tick, at least.
constexpr size_t kMinReplicaKeysPerTick = 1000;

// Redis's clientsCronHandleTimeout: idle seconds past `timeout`, except clients that wait by
// design (blocked, or held by CLIENT PAUSE), subscribers and monitors.
bool IdleTimedOut(const ClientState& c, int64_t now_ms, int timeout_sec) {
  if (c.blocked || c.pubsub || c.monitor || c.replica || c.master) return false;
  return now_ms / 1000 - c.last_interaction_ms / 1000 > timeout_sec;
}

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

  // A CLIENT PAUSE whose time is up ends here at the latest, and what it held runs.
  net_.dispatcher.Cron(now_ms);
  // No key expires during a pause, as in Redis: the dataset holds still.
  if (server.active_expire_enabled && !net_.dispatcher.pause().Active(now_ms)) {
    // active-expire-effort 1..10: each step above 1 adds 2% of the tick (Redis).
    const int effort = cfg.active_expire_effort - 1;
    const int64_t budget_us = 1'000'000 * (kExpireTimePercent + 2 * effort) / cfg.hz / 100;
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed_us = [start] {
      return std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::steady_clock::now() - start)
          .count();
    };
    const Store::CycleResult cycle =
        server.store.ActiveExpireCycle(now_ms, budget_us, elapsed_us, effort);
    const int64_t cycle_us = elapsed_us();
    server.CountExpireCycle(cycle, cycle_us);
    server.latency.AddSampleIfNeeded("expire-cycle", cycle_us / 1000, cfg.latency_monitor_threshold,
                                     now_ms / 1000);
    // A writable replica's own keys with a TTL: about all of them once a second.
    if (IsReplica(server)) {
      ReplicaKeysWithExpire& own = server.replica_keys_with_expire;
      own.ExpireDue(now_ms, std::max<size_t>(kMinReplicaKeysPerTick, own.size() / cfg.hz));
    } else {
      server.replica_keys_with_expire.Clear();  // the active expiry covers them now
    }
    net_.dispatcher.ServeBlockedClients();  // an expired stream ends XREADGROUP waits
  }
  // A blocking command that blocked outside its connection's batch (one CLIENT PAUSE held)
  // has no timer of its own: its timeout is checked here.
  if (server.blocked.TimeoutCount() > 0) ExpireBlockedClients(server);

  server.Cron(now_ms);
  BackgroundSaveCron(server, now_ms);
  if (server.aof != nullptr) server.aof->Cron(now_ms);
  if (server.replication != nullptr) server.replication->Cron(now_ms);

  if (server.script_run.engine) server.script_run.engine->ReapDebugSessions();
  if (cfg.timeout > 0) CloseIdleClients(now_ms, cfg.timeout);
  server.migrate_connections.CloseIdle(now_ms / 1000);
}

void Cron::CloseIdleClients(int64_t now_ms, int timeout_sec) {
  // As Redis's clientsCron: a slice of the clients per tick, so that every client is seen
  // about once a second however many there are, resuming where the last tick stopped.
  ServerState& server = net_.server;
  const size_t hz = static_cast<size_t>(std::max(1, server.config.values().hz));
  const size_t n = std::min(server.clients.size(),
                            std::max(kMinClientsPerTick, server.clients.size() / hz));
  auto it = server.clients.upper_bound(idle_cursor_);
  for (size_t i = 0; i < n; ++i, ++it) {
    if (it == server.clients.end()) it = server.clients.begin();
    ClientState& c = *it->second;
    idle_cursor_ = c.id;
    // Kill() only posts the close: the registry does not change under this loop.
    if (IdleTimedOut(c, now_ms, timeout_sec) && c.link) {
      spdlog::debug("Closing idle client id={} addr={}", c.id, c.addr);
      c.link->Kill();
    }
  }
}

}  // namespace kvd::net
