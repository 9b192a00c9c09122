#pragma once
// The figures the Prometheus endpoint serves (server/net/metrics_server.h): INFO's
// statistics, copied out of the server state in one pass on the store strand, so that the
// text can be formatted off it (server/metrics_format.h).
#include <cstdint>
#include <string>
#include <vector>

namespace kvd {

class ServerState;

struct CommandMetrics {
  std::string name;  // as INFO commandstats: "get", "client|list"
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

struct DbMetrics {
  size_t index = 0;
  uint64_t keys = 0;
  uint64_t expiring_keys = 0;
};

struct MetricsSnapshot {
  int64_t uptime_seconds = 0;
  uint64_t connected_clients = 0;
  uint64_t blocked_clients = 0;
  uint64_t max_clients = 0;
  uint64_t used_memory = 0;
  uint64_t used_memory_peak = 0;
  uint64_t used_memory_dataset = 0;
  uint64_t maxmemory = 0;
  uint64_t connections_received = 0;
  uint64_t rejected_connections = 0;
  uint64_t commands_processed = 0;
  double instantaneous_ops_per_sec = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t net_repl_input_bytes = 0;
  uint64_t net_repl_output_bytes = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_keys = 0;
  uint64_t evicted_keys = 0;
  uint64_t error_replies = 0;
  uint64_t pubsub_channels = 0;
  uint64_t pubsub_patterns = 0;
  bool loading = false;
  uint64_t changes_since_last_save = 0;
  int64_t last_save_time = 0;  // Unix seconds
  bool last_bgsave_ok = true;
  bool aof_enabled = false;
  bool aof_last_write_ok = true;
  std::vector<DbMetrics> dbs;  // non-empty databases, and db 0 always
  std::vector<CommandMetrics> commands;  // commands called at least once
  std::vector<std::pair<std::string, uint64_t>> errors;  // error replies by prefix
};

// Figures of the process as a whole, read from the kernel on any thread.
struct ProcessMetrics {
  uint64_t resident_bytes = 0;
  double cpu_user_seconds = 0;
  double cpu_system_seconds = 0;
  uint64_t cgroup_memory_limit = 0;  // 0: none (server/cgroup_memory.h)
  uint64_t system_memory = 0;
};

// Copies the figures out of `server`. Call on the store strand.
MetricsSnapshot TakeMetricsSnapshot(ServerState& server);

// Reads the process's figures; needs no strand, so the store's is not held up by file reads.
ProcessMetrics TakeProcessMetrics();

}  // namespace kvd
