#include "server/server_state.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/encoding_limits.h"
#include "server/acl/acl.h"
#include "server/aof/aof.h"
#include "server/eviction.h"
#include "server/key_access.h"
#include "server/keyspace_events.h"
#include "server/replication/replication.h"

namespace kvd {
namespace {

// Redis stops tracking new error kinds past this many (ERROR_STATS_NUMBER), so that a
// client sending made-up error codes cannot grow INFO without bound.
constexpr size_t kMaxErrorKinds = 128;

void ApplyEncodingLimits(const ConfigValues& v) {
  encoding_limits.hash_max_listpack_entries = static_cast<size_t>(v.hash_max_listpack_entries);
  encoding_limits.hash_max_listpack_value = static_cast<size_t>(v.hash_max_listpack_value);
  encoding_limits.set_max_intset_entries = static_cast<size_t>(v.set_max_intset_entries);
  encoding_limits.set_max_listpack_entries = static_cast<size_t>(v.set_max_listpack_entries);
  encoding_limits.set_max_listpack_value = static_cast<size_t>(v.set_max_listpack_value);
  encoding_limits.zset_max_listpack_entries = static_cast<size_t>(v.zset_max_listpack_entries);
  encoding_limits.zset_max_listpack_value = static_cast<size_t>(v.zset_max_listpack_value);
  encoding_limits.list_max_listpack_size = v.list_max_listpack_size;
  encoding_limits.stream_node_max_bytes = static_cast<size_t>(v.stream_node_max_bytes);
  encoding_limits.stream_node_max_entries = static_cast<size_t>(v.stream_node_max_entries);
}

}  // namespace

ServerState::ServerState(Config& config, Store& store, CommandTable& commands, const Clock& clock)
    : config(config), store(store), commands(commands), clock(clock) {
  start_time_ms = clock.NowMs();
  last_save_time = start_time_ms / 1000;
  background_snapshot = std::make_unique<BackgroundSnapshot>(*this);
  eviction = std::make_unique<Eviction>(*this);
  InstallKeyAccess(*this);  // keys' access time / LFU counter: policy and clock
  // Users: the default one takes requirepass, at startup and on CONFIG SET.
  acl = std::make_shared<Acl>(*this);
  config.OnChange([weak = std::weak_ptr<Acl>(acl), &config](std::string_view name) {
    std::shared_ptr<Acl> a = weak.lock();
    if (a && name == "requirepass") a->SetDefaultPassword(config.values().requirepass);
  });
  // Collections' encodings follow the config's bounds, set now and on each CONFIG SET (eight
  // stores: cheaper than telling which parameter changed).
  ApplyEncodingLimits(config.values());
  config.OnChange([&config](std::string_view) { ApplyEncodingLimits(config.values()); });
  // Redis logs a DEL for every key that expires, so a replay never depends on when it runs.
  store.SetExpireListener([this](size_t db, std::string_view key) {
    if (!loading) NotifyKeyspaceEvent(*this, kNotifyExpired, "expired", key, db);
    // A blocked XREADGROUP's stream that expires ends its wait (Redis 7.2's
    // signalDeletedKeyAsReady), once the command or cron tick that expired it is done.
    if (!blocked.empty()) {
      const std::string_view names[] = {key};
      blocked.SignalKeys(names);
    }
    if (!propagate || loading) return;
    const std::string_view del[] = {"DEL", key};
    propagate(db, del);
  });
}

ServerState::~ServerState() { store.SetExpireListener(nullptr); }

void ServerState::UpdatePropagation() {
  const bool to_log = aof != nullptr && aof->state() != Aof::State::kOff;
  const bool to_replicas = replication != nullptr && replication->wants_feed();
  if (to_log && to_replicas) {
    propagate = [this](size_t db, std::span<const std::string_view> command) {
      aof->Feed(db, command);
      replication->Feed(db, command);
    };
  } else if (to_log) {
    propagate = [this](size_t db, std::span<const std::string_view> command) {
      aof->Feed(db, command);
    };
  } else if (to_replicas) {
    propagate = [this](size_t db, std::span<const std::string_view> command) {
      replication->Feed(db, command);
    };
  } else {
    propagate = nullptr;
  }
}

void ServerState::AddClient(ClientState& c) {
  if (c.id == 0) c.id = next_client_id++;
  // A new connection is the default user, authenticated unless that user needs a password.
  if (!c.acl_user) {
    Acl::Login(c, acl->default_user());
    c.authenticated = !acl->AuthRequired();
  }
  clients[c.id] = &c;
  stats.total_connections_received++;
}

void ServerState::RemoveClient(ClientState& c) {
  blocked.Unblock(c);
  pubsub.RemoveClient(c);
  watched_keys.UnwatchAll(c);
  tracking.Disable(c);
  if (replication != nullptr) replication->OnClientGone(c);
  auto it = clients.find(c.id);
  if (it != clients.end() && it->second == &c) clients.erase(it);
}

void ServerState::CountError(const ClientState& client, std::string_view message) {
  stats.total_error_replies++;
  // The error kind is the first word, as Redis's afterErrorReply finds it: a space within
  // the first 32 bytes of "-" + message, else "ERR".
  std::string_view kind = "ERR";
  size_t space = message.substr(0, 31).find(' ');
  if (space != std::string_view::npos && space > 0) kind = message.substr(0, space);
  auto it = stats.error_counts.find(kind);
  if (it != stats.error_counts.end()) {
    it->second++;
  } else if (stats.error_counts.size() < kMaxErrorKinds) {
    stats.error_counts.emplace(std::string(kind), 1);
  }
  // The stream between master and replica, and the log's replay, carry only commands that
  // succeeded where they first ran: an error here means the data sets differ.
  if (!client.master && !client.replica && !client.replaying_aof) return;
  const char* from = client.replaying_aof ? "server" : client.master ? "replica" : "master";
  const char* to = client.replaying_aof ? "AOF-loading-client"
                   : client.master      ? "master"
                                        : "replica";
  spdlog::warn(
      "== CRITICAL == This {} is sending an error to its {}: '{}' after processing the "
      "command '{}'",
      from, to, message.substr(0, 4096),
      client.last_command ? std::string_view(client.last_command->name) : "<unknown>");
  stats.unexpected_error_replies++;
}

void ServerState::CountExpireCycle(const Store::CycleResult& cycle, int64_t elapsed_us) {
  stats.expire_cycle_time_used_us += static_cast<uint64_t>(std::max<int64_t>(0, elapsed_us));
  if (cycle.out_of_time) stats.expired_time_cap_reached_count++;
  // A running average, as Redis's: each cycle's share of expired keys among those sampled
  // weighs 5%.
  const double current =
      cycle.sampled ? static_cast<double>(cycle.expired) / static_cast<double>(cycle.sampled) : 0;
  stats.expired_stale_perc = current * 0.05 + stats.expired_stale_perc * 0.95;
}

void ServerState::Cron(int64_t now_ms) {
  store.access_clock().Update(now_ms);  // Redis's server.lruclock: lookups read this
  eviction->Cron();                     // the clients' share of the memory maxmemory counts
  rates.ops.Sample(stats.total_commands_processed, now_ms);
  rates.net_input.Sample(stats.total_net_input_bytes, now_ms);
  rates.net_output.Sample(stats.total_net_output_bytes, now_ms);
  rates.net_repl_input.Sample(stats.total_net_repl_input_bytes, now_ms);
  rates.net_repl_output.Sample(stats.total_net_repl_output_bytes, now_ms);
}

void ServerState::ResetStats() {
  uint64_t dirty = stats.dirty;  // not a statistic: it drives saving
  stats = ServerStats{};
  stats.dirty = dirty;
  used_memory_peak = 0;    // Redis resets stat_peak_memory too
  lazyfree.ResetStats();   // lazyfreed_objects
  eviction->ResetStats();  // total_eviction_exceeded_time
  acl->ResetDenied();      // acl_access_denied_*
  rates = InstantaneousRates{};
  io_counts.reads = 0;
  io_counts.writes = 0;
  for (const CommandSpec& spec : commands.All()) {
    spec.calls = spec.usec = spec.rejected_calls = spec.failed_calls = 0;
    for (const CommandSpec& sub : spec.subcommands) {
      sub.calls = sub.usec = sub.rejected_calls = sub.failed_calls = 0;
      sub.latency_histogram.reset();
    }
    spec.latency_histogram.reset();
  }
  for (size_t i = 0; i < store.DatabaseCount(); ++i) store.Db(i).ResetExpiredCount();
}

}  // namespace kvd
