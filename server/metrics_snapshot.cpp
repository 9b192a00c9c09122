#include "server/metrics_snapshot.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

#include "core/store.h"
#include "server/aof/aof.h"
#include "server/cgroup_memory.h"
#include "server/memory_figures.h"
#include "server/server_state.h"

namespace kvd {
namespace {

void AddCommand(const CommandSpec& spec, std::vector<CommandMetrics>& out) {
  if (spec.calls == 0 && spec.failed_calls == 0 && spec.rejected_calls == 0) return;
  out.push_back({spec.name, spec.calls, spec.usec, spec.rejected_calls, spec.failed_calls});
}

}  // namespace

MetricsSnapshot TakeMetricsSnapshot(ServerState& server) {
  MetricsSnapshot m;
  const int64_t now_ms = server.clock.NowMs();
  const ServerStats& st = server.stats;
  const ConfigValues& cfg = server.config.values();
  m.uptime_seconds = (now_ms - server.start_time_ms) / 1000;
  m.connected_clients = server.clients.size();
  m.blocked_clients = server.blocked.size();
  m.max_clients = static_cast<uint64_t>(cfg.maxclients);
  const MemoryBreakdown memory = MeasureMemory(server);
  m.used_memory = memory.used;
  m.used_memory_peak = memory.peak;
  m.used_memory_dataset = memory.dataset;
  m.maxmemory = static_cast<uint64_t>(cfg.maxmemory);
  m.connections_received = st.total_connections_received;
  m.rejected_connections = st.rejected_connections;
  m.commands_processed = st.total_commands_processed;
  m.instantaneous_ops_per_sec = server.rates.ops.PerSecond();
  m.net_input_bytes = st.total_net_input_bytes;
  m.net_output_bytes = st.total_net_output_bytes;
  m.net_repl_input_bytes = st.total_net_repl_input_bytes;
  m.net_repl_output_bytes = st.total_net_repl_output_bytes;
  m.keyspace_hits = st.keyspace_hits;
  m.keyspace_misses = st.keyspace_misses;
  m.expired_keys = server.store.ExpiredKeys();
  m.evicted_keys = st.evicted_keys;
  m.error_replies = st.total_error_replies;
  m.pubsub_channels = server.pubsub.Count(PubSubKind::kChannel);
  m.pubsub_patterns = server.pubsub.Count(PubSubKind::kPattern);
  m.loading = server.loading;
  m.changes_since_last_save = st.dirty;
  m.last_save_time = server.last_save_time;
  m.last_bgsave_ok = server.rdb_last_bgsave_ok;
  if (server.aof) {
    const AofInfo aof = server.aof->Info();
    m.aof_enabled = aof.enabled;
    m.aof_last_write_ok = aof.last_write_ok;
  }
  for (size_t i = 0; i < server.store.DatabaseCount(); ++i) {
    Keyspace& db = server.store.Db(i);
    const size_t keys = db.Count(now_ms);  // reclaims expired keys first, as INFO keyspace
    if (keys == 0 && i != 0) continue;
    m.dbs.push_back({i, keys, db.KeysWithExpiry()});
  }
  for (const CommandSpec& spec : server.commands.All()) {
    AddCommand(spec, m.commands);
    for (const CommandSpec& sub : spec.subcommands) AddCommand(sub, m.commands);
  }
  m.errors.assign(st.error_counts.begin(), st.error_counts.end());
  return m;
}

ProcessMetrics TakeProcessMetrics() {
  ProcessMetrics p;
  // Resident pages from /proc/self/statm, as INFO's used_memory_rss.
  std::ifstream statm("/proc/self/statm");
  uint64_t total_pages = 0, resident_pages = 0;
  if (statm >> total_pages >> resident_pages) {
    p.resident_bytes = resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  }
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    p.cpu_user_seconds = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6;
    p.cpu_system_seconds = usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  }
  p.cgroup_memory_limit = CgroupMemoryLimit().value_or(0);
  p.system_memory = PhysicalMemoryBytes();
  return p;
}

}  // namespace kvd
