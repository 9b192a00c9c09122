#pragma once
// Server-wide state the commands see: configuration, statistics, the client registry and
// hooks into the network layer (which the commands must not include). Touched on the store
// strand only.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/store.h"
#include "server/blocked_clients.h"
#include "server/background_snapshot.h"
#include "server/client_state.h"
#include "server/command.h"
#include "server/config.h"
#include "server/instantaneous_rate.h"
#include "server/latency_monitor.h"
#include "server/key_change_fanout.h"
#include "server/migrate_connections.h"
#include "server/lazy_free.h"
#include "server/new_key_events.h"
#include "server/slowlog.h"
#include "server/pubsub.h"
#include "server/replica_keys_with_expire.h"
#include "server/scripting/script_run_state.h"
#include "server/tracking.h"
#include "server/watched_keys.h"

namespace kvd {

class Aof;
class Replication;

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t dirty = 0;  // changes since the last save (rdb_changes_since_last_save)
  uint64_t evicted_keys = 0;  // keys removed by the maxmemory policy (server/eviction.h)
  // Clients closed for passing client-query-buffer-limit / client-output-buffer-limit.
  uint64_t client_query_buffer_limit_disconnections = 0;
  uint64_t client_output_buffer_limit_disconnections = 0;
  // Replicas served (server/replication/): full syncs, partial ones accepted, and PSYNCs
  // that asked to continue and could not.
  uint64_t sync_full = 0;
  uint64_t sync_partial_ok = 0;
  uint64_t sync_partial_err = 0;
  std::map<std::string, uint64_t, std::less<>> error_counts;  // errorstats, by prefix
  // Replication traffic, apart from the clients' (as Redis 7): what our master sent us, and
  // what we sent our replicas.
  uint64_t total_net_repl_input_bytes = 0;
  uint64_t total_net_repl_output_bytes = 0;
  // The active expiry cycle (Redis's activeExpireCycle): the running estimate of the share
  // of keys with a TTL that are expired (0..1), the cycles that ran out of time, and the
  // microseconds all cycles took.
  double expired_stale_perc = 0;
  uint64_t expired_time_cap_reached_count = 0;
  uint64_t expire_cycle_time_used_us = 0;
  // Error replies to our master, our replicas or the append-only log's replay: they mean
  // the data sets differ (Redis's unexpected_error_replies).
  uint64_t unexpected_error_replies = 0;
  // RESTORE payloads checked in full (every one here; Redis only under
  // sanitize-dump-payload).
  uint64_t dump_payload_sanitizations = 0;
};

// INFO's instantaneous_* figures: counters' rates, sampled by ServerState::Cron.
struct InstantaneousRates {
  InstantaneousRate ops;  // total_commands_processed
  InstantaneousRate net_input;
  InstantaneousRate net_output;
  InstantaneousRate net_repl_input;
  InstantaneousRate net_repl_output;
};

// Socket reads and writes, counted by the connections on whichever I/O thread runs them
// (INFO total_reads_processed, total_writes_processed).
struct IoCounts {
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> writes{0};
  void CountRead() { reads.fetch_add(1, std::memory_order_relaxed); }
  void CountWrite() { writes.fetch_add(1, std::memory_order_relaxed); }
};

enum class ShutdownMode { kDefault, kSave, kNoSave };

// What SHUTDOWN asks of the network layer.
struct ShutdownRequest {
  ShutdownMode mode = ShutdownMode::kDefault;
  // FORCE: exit even when the log cannot be flushed yet or the final save fails.
  bool force = false;
  // NOW: do not wait (up to shutdown-timeout) for lagging replicas to catch up.
  bool now = false;
  // The client that sent SHUTDOWN, blocked until the outcome (0: none): a shutdown that
  // fails answers it kShutdownErr and the client goes on, as in Redis.
  uint64_t client_id = 0;
};

// The startup load while ServerState::loading is set (INFO loading_*): written by the
// loading thread (server/startup_load.h), read on the store strand.
struct LoadingProgress {
  int64_t start_time = 0;  // Unix seconds
  std::atomic<uint64_t> total_bytes{0};
  std::atomic<uint64_t> loaded_bytes{0};
  std::atomic<uint64_t> rdb_used_mem{0};  // the file's AUX used-mem, once read
};

class Eviction;
class Acl;

class ServerState {
 public:
  ServerState(Config& config, Store& store, CommandTable& commands, const Clock& clock);
  ~ServerState();
  ServerState(const ServerState&) = delete;
  ServerState& operator=(const ServerState&) = delete;

  Config& config;
  Store& store;
  CommandTable& commands;
  const Clock& clock;
  ServerStats stats;
  InstantaneousRates rates;
  IoCounts io_counts;

  int64_t start_time_ms = 0;
  int tcp_port = 0;             // the port actually bound
  std::string executable;       // argv[0], absolute
  int64_t last_save_time = 0;   // Unix seconds (LASTSAVE, INFO persistence)
  uint64_t rdb_saves = 0;       // successful snapshot saves since startup (INFO rdb_saves)
  uint64_t rdb_last_load_keys_loaded = 0;   // INFO: keys the startup load stored
  uint64_t rdb_last_load_keys_expired = 0;  // INFO: keys it dropped as already expired
  bool loading = false;  // the startup load runs: commands without kLoading get -LOADING
  LoadingProgress loading_progress;
  // UNLINK and FLUSHALL/FLUSHDB ASYNC free large values on its thread (server/lazy_free.h).
  LazyFree lazyfree;
  // Commands that ran for at least slowlog-log-slower-than microseconds (SLOWLOG).
  SlowLog slowlog;
  // Latency spikes by event class (LATENCY).
  LatencyMonitor latency;
  // Background snapshots (BGSAVE, the AOF rewrite's base file): one runs at a time.
  std::unique_ptr<BackgroundSnapshot> background_snapshot;
  bool rdb_bgsave_in_progress = false;    // the running background snapshot is a BGSAVE
  bool rdb_bgsave_scheduled = false;      // BGSAVE SCHEDULE: start once nothing else runs
  bool rdb_last_bgsave_ok = true;         // INFO rdb_last_bgsave_status; MISCONF when not
  int64_t rdb_last_bgsave_time_sec = -1;  // how long the last BGSAVE took
  int64_t rdb_last_bgsave_try = 0;        // Unix seconds of the last BGSAVE attempt
  uint64_t dirty_before_bgsave = 0;       // changes the running BGSAVE covers
  size_t used_memory_peak = 0;  // INFO memory: the most used_memory has been when measured
  size_t used_memory_startup = 0;  // used_memory before the dataset loaded (MEMORY STATS)
  // DEBUG SET-ACTIVE-EXPIRE 0 stops the cron's expiry sweep; keys then expire only when
  // accessed.
  bool active_expire_enabled = true;

  // Client registry: every connected client, by id (CLIENT LIST, KILL, INFO clients).
  std::map<uint64_t, ClientState*> clients;
  uint64_t next_client_id = 1;
  void AddClient(ClientState& c);
  void RemoveClient(ClientState& c);  // also ends a blocked client's wait, without reply

  // Clients waiting in blocking commands (BLPOP...), by key (server/blocking.h).
  BlockedClients blocked;

  // Pub/sub subscriptions and delivery (server/pubsub.h).
  PubSub pubsub;

  // Every key change, passed on to WATCH and client-side caching, whichever listen.
  KeyChangeFanout key_changes{store};

  // WATCHed keys, and the clients whose EXEC a change to one of them fails.
  WatchedKeys watched_keys{store, clock, key_changes};

  // Client-side caching: CLIENT TRACKING and its invalidation messages.
  Tracking tracking{*this, key_changes};

  // After each command (a script's redis.call included): the writes the store told of as
  // tentative count for WATCH and client-side caching only when the command changed its keys
  // (CommandContext::ChangedKeys).
  void SettleTentativeWrites(bool changed) {
    watched_keys.Settle(changed);
    tracking.Settle(changed);
  }

  // Keyspace notifications of the `n` class ("new" keys).
  NewKeyEvents new_key_events{*this, key_changes};

  // A writable replica's own keys with a TTL, which it expires itself.
  ReplicaKeysWithExpire replica_keys_with_expire{store, key_changes};

  // Lua scripts and functions (server/scripting/): the engine, made on first use, and what
  // the network layer reads while a script runs (-BUSY, SCRIPT KILL).
  ScriptRunState script_run;

  // MIGRATE's connections to its targets, kept for reuse (closed by the cron when idle).
  MigrateConnections migrate_connections;

  // maxmemory: evicts keys by maxmemory-policy before commands run (server/eviction.h).
  std::unique_ptr<Eviction> eviction;

  // Users, their permissions and the ACL LOG (server/acl/acl.h).
  std::shared_ptr<Acl> acl;

  // Hooks set by the network layer; commands call them.
  // SHUTDOWN: runs on the store strand after the current batch (and its replies).
  // Thread-safe (SHUTDOWN NOSAVE while a script is busy comes from a connection thread).
  std::function<void(const ShutdownRequest&)> request_shutdown;
  // SHUTDOWN ABORT: stops a shutdown that waits for replicas; false when none waits.
  std::function<bool()> abort_shutdown;
  // Runs fn later on the store strand, after what is already queued there (background
  // saves advance a slice at a time through it). Unset in unit tests that do not need it.
  std::function<void(std::function<void()>)> post;

  // Every write that changed data, in execution order, as the commands to replay it
  // (CommandContext::Propagate), with the database it ran in. The append-only log hooks in
  // here; unset when nothing listens.
  std::function<void(size_t db, std::span<const std::string_view> command)> propagate;
  // The append-only file (server/aof/aof.h), owned by the server; null in unit tests that
  // do without one.
  Aof* aof = nullptr;
  // Replication, both roles (server/replication/replication.h), owned by the server; null in
  // unit tests that do without it.
  Replication* replication = nullptr;
  // Points `propagate` at whichever of the log and the replication stream listen (unset when
  // neither does); called when either starts or stops listening.
  void UpdatePropagation();

  // Records an error reply to `client` for INFO errorstats (prefix is the first word: "ERR",
  // "WRONGTYPE"); one to our master, a replica or the log's replay is also logged and
  // counted as unexpected, as Redis's afterErrorReply.
  void CountError(const ClientState& client, std::string_view message);
  // Records one active expiry cycle (INFO expired_stale_perc and the like).
  void CountExpireCycle(const Store::CycleResult& cycle, int64_t elapsed_us);
  // Periodic bookkeeping (the instantaneous rates); called by the server's cron.
  void Cron(int64_t now_ms);

  // CONFIG RESETSTAT: stats, commandstats, errorstats back to zero.
  void ResetStats();
};

}  // namespace kvd
