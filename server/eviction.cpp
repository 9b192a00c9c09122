#include "server/eviction.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string_view>

#include "server/keyspace_events.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// evictionTimeLimitUs: 50 us per step up to 10, then +15% a step (about 2 minutes at 99);
// 100 is no limit.
uint64_t TimeLimitUs(int tenacity) {
  if (tenacity <= 10) return 50u * static_cast<uint64_t>(std::max(tenacity, 0));
  if (tenacity < 100) return static_cast<uint64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
  return std::numeric_limits<uint64_t>::max();
}

int64_t MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

}  // namespace

Eviction::Eviction(ServerState& server) : server_(server) {
  server_.config.OnChange([this](std::string_view name) {
    const int64_t limit = server_.config.values().maxmemory;
    if (name != "maxmemory" || limit <= 0) return;
    const size_t used = CountedBytes();
    if (used <= static_cast<size_t>(limit)) return;
    spdlog::warn(
        "WARNING: the new maxmemory value set via CONFIG SET ({}) is smaller than the current "
        "memory usage ({}). This will result in key eviction and/or the inability to accept "
        "new write commands depending on the maxmemory-policy.",
        limit, used);
    ScheduleContinuation();
  });
}

size_t Eviction::ClientBytes(const ServerState& server) {
  size_t bytes = 0;
  for (const auto& [id, c] : server.clients) {
    bytes += c->MemoryBytes();
  }
  return bytes;
}

size_t Eviction::CountedBytes() const {
  return server_.store.AllocatedBytes() + server_.lazyfree.PendingBytes() + client_bytes_;
}

Eviction::Result Eviction::Perform(int64_t now_ms) {
  const ConfigValues& cfg = server_.config.values();
  if (cfg.maxmemory <= 0 || server_.loading || (paused_ && paused_(now_ms))) return Result::kOk;
  const size_t limit = static_cast<size_t>(cfg.maxmemory);
  const size_t used = CountedBytes();
  running_ = false;
  if (used <= limit) {
    UpdateExceeded(Result::kOk, now_ms);
    return Result::kOk;
  }
  const EvictionPolicy policy =
      EvictionPolicyFromName(cfg.maxmemory_policy).value_or(EvictionPolicy::kNoEviction);
  if (policy == EvictionPolicy::kNoEviction) {
    UpdateExceeded(Result::kFail, now_ms);
    return Result::kFail;
  }

  const auto start = std::chrono::steady_clock::now();
  const uint64_t time_limit_us = TimeLimitUs(cfg.maxmemory_eviction_tenacity);
  const size_t to_free = used - limit;
  size_t freed = 0;
  size_t keys = 0;
  Result result = Result::kOk;
  while (freed < to_free) {
    std::optional<EvictionPool::Victim> victim =
        pool_.Pick(server_.store, policy, static_cast<size_t>(cfg.maxmemory_samples));
    if (!victim) {
      result = Result::kFail;  // nothing left this policy may evict
      break;
    }
    freed += EvictOne(*victim, now_ms);
    if (++keys % 16 != 0) continue;
    // The lazyfree thread frees memory meanwhile, which `freed` does not see.
    if (cfg.lazyfree_lazy_eviction && CountedBytes() <= limit) break;
    const auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
    if (static_cast<uint64_t>(elapsed_us) > time_limit_us) {
      running_ = true;
      ScheduleContinuation();
      break;
    }
  }
  // Values queued for the lazyfree thread may be all that is left: not a failure once gone.
  if (result == Result::kFail && CountedBytes() <= limit) result = Result::kOk;
  if (result == Result::kOk && running_) result = Result::kRunning;
  server_.latency.AddSampleIfNeeded("eviction-cycle", MsSince(start), cfg.latency_monitor_threshold,
                                    now_ms / 1000);
  UpdateExceeded(result, now_ms);
  return result;
}

size_t Eviction::EvictOne(const EvictionPool::Victim& victim, int64_t now_ms) {
  const ConfigValues& cfg = server_.config.values();
  Keyspace& ks = server_.store.Db(victim.db);
  const size_t before = server_.store.AllocatedBytes() + server_.lazyfree.PendingBytes();
  const auto start = std::chrono::steady_clock::now();
  bool evicted;
  if (cfg.lazyfree_lazy_eviction) {
    DetachedValue value;
    evicted = ks.DeleteDetached(victim.key, now_ms, &value);
    if (evicted) server_.lazyfree.Free(std::move(value));
  } else {
    evicted = ks.Delete(victim.key, now_ms);  // false: it had expired (logged as expired)
  }
  server_.latency.AddSampleIfNeeded("eviction-del", MsSince(start), cfg.latency_monitor_threshold,
                                    now_ms / 1000);
  if (evicted) {
    server_.stats.evicted_keys++;
    if (server_.propagate) {
      const std::string_view del[] = {cfg.lazyfree_lazy_eviction ? "UNLINK" : "DEL", victim.key};
      server_.propagate(victim.db, del);
    }
    NotifyKeyEvicted(server_, victim.key, victim.db);
  }
  const size_t after = server_.store.AllocatedBytes() + server_.lazyfree.PendingBytes();
  return before > after ? before - after : 0;
}

void Eviction::ScheduleContinuation() {
  if (continuation_pending_ || !server_.post) return;
  continuation_pending_ = true;
  server_.post([this] {
    continuation_pending_ = false;
    Perform(server_.clock.NowMs());
  });
}

void Eviction::UpdateExceeded(Result result, int64_t now_ms) {
  if (result == Result::kOk) {
    if (exceeded_since_ms_ >= 0) total_exceeded_ms_ += now_ms - exceeded_since_ms_;
    exceeded_since_ms_ = -1;
  } else if (exceeded_since_ms_ < 0) {
    exceeded_since_ms_ = now_ms;
  }
}

}  // namespace kvd
