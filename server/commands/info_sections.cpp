// INFO's sections, with Redis 7.2's field names in its order. A field for something kvd
// never does (fork, copy-on-write, active defragmentation) reports what is true of kvd:
// zero. Fields kvd cannot measure honestly (the event loop's cycles) are left out; the
// allocator's come from glibc or, as Redis under libc, from the process
// (server/memory_figures.h).
#include "server/commands/info_sections.h"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/keyspace.h"
#include "core/store.h"
#include "server/acl/acl.h"
#include "server/aof/aof.h"
#include "server/cgroup_memory.h"
#include "server/client_state.h"
#include "server/command.h"
#include "server/commands/latency_commands.h"
#include "server/commands/redis_compat.h"
#include "server/config.h"
#include "server/config_params.h"
#include "server/eviction.h"
#include "server/memory_figures.h"
#include "server/replication/replication.h"
#include "server/scripting/scripting.h"
#include "server/server_state.h"

namespace kvd {
namespace {

void Field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(":").append(value).append("\r\n");
}

void Field(std::string& out, std::string_view name, long long value) {
  Field(out, name, std::string_view(std::to_string(value)));
}

void FieldF(std::string& out, std::string_view name, const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  Field(out, name, std::string_view(buf));
}

template <class T>
long long LL(T v) {
  return static_cast<long long>(v);
}

// Identifies the build, as Redis's: its version, compiler and kind, hashed (FNV-1a).
std::string HashBuild() {
  constexpr std::string_view kBuild = KVD_VERSION " " __VERSION__
#ifdef NDEBUG
      " release"
#endif
      ;
  uint64_t h = 14695981039346656037ull;
  for (char c : kBuild) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
  return buf;
}

const std::string& BuildId() {
  static const std::string id = HashBuild();
  return id;
}

// Identifies this process's lifetime, as in Redis: new at every start.
const std::string& RunId() {
  static const std::string id = RandomReplicationId();
  return id;
}

std::string OsName() {
  struct utsname u;
  if (uname(&u) != 0) return "unknown";
  return std::string(u.sysname) + " " + u.release + " " + u.machine;
}

size_t SystemMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  return pages > 0 && page_size > 0 ? static_cast<size_t>(pages) * page_size : 0;
}

std::string CpuSeconds(const timeval& tv) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

void AppendServer(CommandContext& ctx, std::string& out) {
  ServerState& s = ctx.server;
  const ConfigValues& cfg = s.config.values();
  const int64_t uptime = (ctx.now_ms - s.start_time_ms) / 1000;
  Field(out, "redis_version", kRedisCompatVersion);
  Field(out, "redis_git_sha1", "00000000");
  Field(out, "redis_git_dirty", 0);
  Field(out, "redis_build_id", BuildId());
  Field(out, "kvd_version", KVD_VERSION);
  Field(out, "redis_mode", "standalone");
  Field(out, "os", OsName());
  Field(out, "arch_bits", LL(sizeof(void*) * 8));
  Field(out, "monotonic_clock", "POSIX clock_gettime");
  Field(out, "multiplexing_api", "epoll");
  Field(out, "atomicvar_api", "c11-builtin");  // std::atomic: C++11's memory model
#if defined(__GNUC__) && !defined(__clang__)
  Field(out, "gcc_version",
        std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
            std::to_string(__GNUC_PATCHLEVEL__));
#else
  Field(out, "gcc_version", "0.0.0");
#endif
  Field(out, "process_id", LL(getpid()));
  Field(out, "process_supervised", "no");
  Field(out, "run_id", RunId());
  Field(out, "tcp_port", LL(s.tcp_port));
  Field(out, "server_time_usec", LL(s.clock.NowUs()));
  Field(out, "uptime_in_seconds", LL(uptime));
  Field(out, "uptime_in_days", LL(uptime / 86400));
  Field(out, "hz", LL(cfg.hz));
  Field(out, "configured_hz", LL(cfg.hz));
  Field(out, "lru_clock", LL(ctx.store.access_clock().lru_clock()));
  Field(out, "executable", s.executable);
  Field(out, "config_file", s.config.config_file());
  // With io-threads above 1, every connection's reading, parsing and writing runs on them.
  Field(out, "io_threads_active", cfg.io_threads > 1 ? 1 : 0);
  // One line per kind of listener, as Redis 7.2: plain TCP, then TLS.
  int index = 0;
  const auto listener = [&](std::string_view name, int port) {
    std::string line = "name=" + std::string(name);
    for (const std::string& addr : cfg.bind) line += ",bind=" + addr;
    line += ",port=" + std::to_string(port);
    Field(out, "listener" + std::to_string(index++), line);
  };
  if (s.tcp_port != 0 || cfg.tls_port == 0) listener("tcp", s.tcp_port);
  if (cfg.tls_port != 0) listener("tls", cfg.tls_port);
}

void AppendClients(CommandContext& ctx, std::string& out) {
  ServerState& s = ctx.server;
  size_t max_in = 0, max_out = 0;
  for (const auto& [id, c] : s.clients) {
    max_in = std::max(max_in, c->query_buffer_bytes.load(std::memory_order_relaxed));
    max_out = std::max(max_out, c->output_buffer_bytes.load(std::memory_order_relaxed));
  }
  Field(out, "connected_clients", LL(s.clients.size()));
  Field(out, "cluster_connections", 0);
  Field(out, "maxclients", LL(s.config.values().maxclients));
  Field(out, "client_recent_max_input_buffer", LL(max_in));
  Field(out, "client_recent_max_output_buffer", LL(max_out));
  Field(out, "blocked_clients", LL(s.blocked.size()));
  Field(out, "tracking_clients", LL(s.tracking.clients()));
  Field(out, "clients_in_timeout_table", LL(s.blocked.TimeoutCount()));
  Field(out, "total_blocking_keys", LL(s.blocked.KeyCount()));
  Field(out, "total_blocking_keys_on_nokey", 0);
}

// Redis 7.2's fields, in its order, from the figures MEMORY STATS reports too.
void AppendMemory(CommandContext& ctx, std::string& out) {
  ServerState& s = ctx.server;
  const ConfigValues& cfg = s.config.values();
  ScriptingMemory lua;
  if (s.script_run.engine) lua = s.script_run.engine->Memory();
  const MemoryBreakdown m = MeasureMemory(s);
  const ProcessMemory p = MeasureProcessMemory(s, m);
  const MemoryRatios r = ComputeRatios(m, p);
  const size_t system = SystemMemoryBytes();
  Field(out, "used_memory", LL(m.used));
  Field(out, "used_memory_human", BytesToHuman(m.used));
  Field(out, "used_memory_rss", LL(p.rss));
  Field(out, "used_memory_rss_human", BytesToHuman(p.rss));
  Field(out, "used_memory_peak", LL(m.peak));
  Field(out, "used_memory_peak_human", BytesToHuman(m.peak));
  FieldF(out, "used_memory_peak_perc", "%.2f%%", r.peak_perc);
  Field(out, "used_memory_overhead", LL(m.overhead));
  Field(out, "used_memory_startup", LL(m.startup));
  Field(out, "used_memory_dataset", LL(m.dataset));
  FieldF(out, "used_memory_dataset_perc", "%.2f%%", r.dataset_perc);
  Field(out, "allocator_allocated", LL(p.allocator_allocated));
  Field(out, "allocator_active", LL(p.allocator_active));
  Field(out, "allocator_resident", LL(p.allocator_resident));
  Field(out, "total_system_memory", LL(system));
  Field(out, "total_system_memory_human", BytesToHuman(system));
  // Scripting, as Redis 7.2 names it (the engine exists once a script or function ran).
  Field(out, "used_memory_lua", LL(lua.eval_vm));
  Field(out, "used_memory_vm_eval", LL(lua.eval_vm));
  Field(out, "used_memory_lua_human", BytesToHuman(lua.eval_vm));
  Field(out, "used_memory_scripts_eval", LL(lua.eval_scripts));
  Field(out, "number_of_cached_scripts", LL(lua.cached_scripts));
  Field(out, "number_of_functions", LL(lua.function_count));
  Field(out, "number_of_libraries", LL(lua.library_count));
  Field(out, "used_memory_vm_functions", LL(lua.functions_vm));
  Field(out, "used_memory_vm_total", LL(lua.eval_vm + lua.functions_vm));
  Field(out, "used_memory_vm_total_human", BytesToHuman(lua.eval_vm + lua.functions_vm));
  Field(out, "used_memory_functions", LL(lua.functions));
  Field(out, "used_memory_scripts", LL(lua.eval_scripts + lua.functions));
  Field(out, "used_memory_scripts_human", BytesToHuman(lua.eval_scripts + lua.functions));
  // kvd's own: the memory limit of its cgroup (container), 0 when none (server/cgroup_memory.h).
  const uint64_t cgroup_limit = CgroupMemoryLimit().value_or(0);
  Field(out, "cgroup_memory_limit", LL(cgroup_limit));
  Field(out, "cgroup_memory_limit_human", BytesToHuman(cgroup_limit));
  Field(out, "maxmemory", LL(cfg.maxmemory));
  Field(out, "maxmemory_human", BytesToHuman(static_cast<uint64_t>(cfg.maxmemory)));
  Field(out, "maxmemory_policy", cfg.maxmemory_policy);
  FieldF(out, "allocator_frag_ratio", "%.2f", r.allocator_frag);
  Field(out, "allocator_frag_bytes", LL(r.allocator_frag_bytes));
  FieldF(out, "allocator_rss_ratio", "%.2f", r.allocator_rss);
  Field(out, "allocator_rss_bytes", LL(r.allocator_rss_bytes));
  FieldF(out, "rss_overhead_ratio", "%.2f", r.rss_overhead);
  Field(out, "rss_overhead_bytes", LL(r.rss_overhead_bytes));
  FieldF(out, "mem_fragmentation_ratio", "%.2f", r.fragmentation);
  Field(out, "mem_fragmentation_bytes", LL(r.fragmentation_bytes));
  Field(out, "mem_not_counted_for_evict", LL(m.not_counted_for_evict));
  Field(out, "mem_replication_backlog", LL(m.replication_backlog));
  Field(out, "mem_total_replication_buffers", LL(m.replication_backlog + m.clients_slaves));
  Field(out, "mem_clients_slaves", LL(m.clients_slaves));
  Field(out, "mem_clients_normal", LL(m.clients_normal));
  Field(out, "mem_cluster_links", 0);  // no cluster mode
  Field(out, "mem_aof_buffer", LL(m.aof_buffer));
  Field(out, "mem_allocator", "libc");
  Field(out, "active_defrag_running", 0);  // glibc malloc has no defragmentation
  Field(out, "lazyfree_pending_objects", LL(s.lazyfree.PendingObjects()));
  Field(out, "lazyfreed_objects", LL(s.lazyfree.FreedObjects()));
}

// The startup load's progress, as Redis 7 computes it (INFO persistence while loading).
void AppendLoadingProgress(const ServerState& s, int64_t now_ms, std::string& out) {
  const LoadingProgress& p = s.loading_progress;
  const uint64_t total = p.total_bytes.load(std::memory_order_relaxed);
  const uint64_t loaded = p.loaded_bytes.load(std::memory_order_relaxed);
  const uint64_t used_mem = p.rdb_used_mem.load(std::memory_order_relaxed);
  double perc = 0;
  uint64_t remaining = 1;
  if (total > 0) {
    perc = 100.0 * static_cast<double>(loaded) / static_cast<double>(total);
    remaining = total > loaded ? total - loaded : 0;
  } else if (used_mem > 0) {  // only an estimate of the file's size: stay below 100%
    perc = std::min(99.99, 100.0 * static_cast<double>(loaded) / static_cast<double>(used_mem));
    remaining = used_mem > loaded ? used_mem - loaded : 1;
  }
  const int64_t elapsed = now_ms / 1000 - p.start_time;
  // Redis's figure: 1 second until there is something to extrapolate from.
  const int64_t eta = elapsed <= 0 ? 1 : static_cast<int64_t>(elapsed * remaining / (loaded + 1));
  Field(out, "loading_start_time", LL(p.start_time));
  Field(out, "loading_total_bytes", LL(total));
  Field(out, "loading_rdb_used_mem", LL(used_mem));
  Field(out, "loading_loaded_bytes", LL(loaded));
  FieldF(out, "loading_loaded_perc", "%.2f", perc);
  Field(out, "loading_eta_seconds", LL(eta));
}

void AppendPersistence(CommandContext& ctx, std::string& out) {
  ServerState& s = ctx.server;
  Field(out, "loading", s.loading ? 1 : 0);
  Field(out, "async_loading", 0);
  // A background snapshot here is no forked child: no copy-on-write. Its progress is the
  // keys it encoded (a BGSAVE's or an AOF rewrite's base file).
  Field(out, "current_cow_peak", 0);
  Field(out, "current_cow_size", 0);
  Field(out, "current_cow_size_age", 0);
  const BackgroundSnapshot::Progress save = s.background_snapshot
                                                ? s.background_snapshot->progress()
                                                : BackgroundSnapshot::Progress{};
  FieldF(out, "current_fork_perc", "%.2f",
         save.keys_total ? 100.0 * static_cast<double>(save.keys_processed) /
                               static_cast<double>(save.keys_total)
                         : 0.0);
  Field(out, "current_save_keys_processed", LL(save.keys_processed));
  Field(out, "current_save_keys_total", LL(save.keys_total));
  Field(out, "rdb_changes_since_last_save", LL(s.stats.dirty));
  Field(out, "rdb_bgsave_in_progress", s.rdb_bgsave_in_progress ? 1 : 0);
  Field(out, "rdb_last_save_time", LL(s.last_save_time));
  Field(out, "rdb_last_bgsave_status", s.rdb_last_bgsave_ok ? "ok" : "err");
  Field(out, "rdb_last_bgsave_time_sec", LL(s.rdb_last_bgsave_time_sec));
  Field(out, "rdb_current_bgsave_time_sec",
        s.rdb_bgsave_in_progress ? LL(s.background_snapshot->RunningForMs() / 1000) : -1);
  Field(out, "rdb_saves", LL(s.rdb_saves));
  Field(out, "rdb_last_cow_size", 0);
  Field(out, "rdb_last_load_keys_expired", LL(s.rdb_last_load_keys_expired));
  Field(out, "rdb_last_load_keys_loaded", LL(s.rdb_last_load_keys_loaded));
  const AofInfo aof = s.aof ? s.aof->Info() : AofInfo{};
  Field(out, "aof_enabled", aof.enabled ? 1 : 0);
  Field(out, "aof_rewrite_in_progress", aof.rewrite_in_progress ? 1 : 0);
  Field(out, "aof_rewrite_scheduled", aof.rewrite_scheduled ? 1 : 0);
  Field(out, "aof_last_rewrite_time_sec", LL(aof.last_rewrite_time_sec));
  Field(out, "aof_current_rewrite_time_sec", LL(aof.current_rewrite_time_sec));
  Field(out, "aof_last_bgrewrite_status", aof.last_bgrewrite_ok ? "ok" : "err");
  Field(out, "aof_rewrites", LL(aof.rewrites));
  Field(out, "aof_rewrites_consecutive_failures", LL(aof.rewrites_consecutive_failures));
  Field(out, "aof_last_write_status", aof.last_write_ok ? "ok" : "err");
  Field(out, "aof_last_cow_size", 0);  // no fork, no copy-on-write
  if (aof.enabled) {
    Field(out, "aof_current_size", LL(aof.current_size));
    Field(out, "aof_base_size", LL(aof.base_size));
    Field(out, "aof_pending_rewrite", aof.rewrite_scheduled ? 1 : 0);
    Field(out, "aof_buffer_length", LL(aof.buffer_length));
    Field(out, "aof_pending_bio_fsync", aof.pending_fsync ? 1 : 0);
    Field(out, "aof_delayed_fsync", 0);  // fsync never holds writes back here
  }
  Field(out, "module_fork_in_progress", 0);  // kvd loads no modules
  Field(out, "module_fork_last_cow_size", 0);
  if (s.loading) AppendLoadingProgress(s, ctx.now_ms, out);
}

void AppendStats(CommandContext& ctx, std::string& out) {
  ServerState& s = ctx.server;
  const ServerStats& st = s.stats;
  const auto kbps = [&](std::string_view name, const InstantaneousRate& rate) {
    FieldF(out, name, "%.2f", rate.PerSecond() / 1024);
  };
  Field(out, "total_connections_received", LL(st.total_connections_received));
  Field(out, "total_commands_processed", LL(st.total_commands_processed));
  Field(out, "instantaneous_ops_per_sec", std::llround(s.rates.ops.PerSecond()));
  Field(out, "total_net_input_bytes", LL(st.total_net_input_bytes));
  Field(out, "total_net_output_bytes", LL(st.total_net_output_bytes));
  Field(out, "total_net_repl_input_bytes", LL(st.total_net_repl_input_bytes));
  Field(out, "total_net_repl_output_bytes", LL(st.total_net_repl_output_bytes));
  kbps("instantaneous_input_kbps", s.rates.net_input);
  kbps("instantaneous_output_kbps", s.rates.net_output);
  kbps("instantaneous_input_repl_kbps", s.rates.net_repl_input);
  kbps("instantaneous_output_repl_kbps", s.rates.net_repl_output);
  Field(out, "rejected_connections", LL(st.rejected_connections));
  Field(out, "sync_full", LL(st.sync_full));
  Field(out, "sync_partial_ok", LL(st.sync_partial_ok));
  Field(out, "sync_partial_err", LL(st.sync_partial_err));
  Field(out, "expired_keys", LL(ctx.store.ExpiredKeys()));
  FieldF(out, "expired_stale_perc", "%.2f", st.expired_stale_perc * 100);
  Field(out, "expired_time_cap_reached_count", LL(st.expired_time_cap_reached_count));
  Field(out, "expire_cycle_cpu_milliseconds", LL(st.expire_cycle_time_used_us / 1000));
  Field(out, "evicted_keys", LL(st.evicted_keys));
  Field(out, "evicted_clients", 0);  // kvd has no maxmemory-clients
  Field(out, "total_eviction_exceeded_time", LL(s.eviction->TotalExceededMs(ctx.now_ms)));
  Field(out, "current_eviction_exceeded_time", LL(s.eviction->CurrentExceededMs(ctx.now_ms)));
  Field(out, "keyspace_hits", LL(st.keyspace_hits));
  Field(out, "keyspace_misses", LL(st.keyspace_misses));
  Field(out, "pubsub_channels", LL(s.pubsub.Count(PubSubKind::kChannel)));
  Field(out, "pubsub_patterns", LL(s.pubsub.Count(PubSubKind::kPattern)));
  Field(out, "pubsubshard_channels", LL(s.pubsub.Count(PubSubKind::kShard)));
  Field(out, "latest_fork_usec", 0);  // kvd never forks
  Field(out, "total_forks", 0);
  Field(out, "migrate_cached_sockets", LL(s.migrate_connections.size()));
  Field(out, "slave_expires_tracked_keys", LL(s.replica_keys_with_expire.size()));
  // glibc's malloc cannot move allocations: no active defragmentation.
  for (const char* name : {"active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits",
                           "active_defrag_key_misses", "total_active_defrag_time",
                           "current_active_defrag_time"}) {
    Field(out, name, 0);
  }
  Field(out, "tracking_total_keys", LL(s.tracking.total_keys()));
  Field(out, "tracking_total_items", LL(s.tracking.total_items()));
  Field(out, "tracking_total_prefixes", LL(s.tracking.total_prefixes()));
  Field(out, "unexpected_error_replies", LL(st.unexpected_error_replies));
  Field(out, "total_error_replies", LL(st.total_error_replies));
  Field(out, "dump_payload_sanitizations", LL(st.dump_payload_sanitizations));
  const uint64_t reads = s.io_counts.reads.load(std::memory_order_relaxed);
  const uint64_t writes = s.io_counts.writes.load(std::memory_order_relaxed);
  const bool threaded = s.config.values().io_threads > 1;  // fixed at startup
  Field(out, "total_reads_processed", LL(reads));
  Field(out, "total_writes_processed", LL(writes));
  Field(out, "io_threaded_reads_processed", LL(threaded ? reads : 0));
  Field(out, "io_threaded_writes_processed", LL(threaded ? writes : 0));
  Field(out, "client_query_buffer_limit_disconnections",
        LL(st.client_query_buffer_limit_disconnections));
  Field(out, "client_output_buffer_limit_disconnections",
        LL(st.client_output_buffer_limit_disconnections));
  // Redis resizes each client's reply buffer to its recent peak (clientsCron); kvd sizes
  // none by peak.
  Field(out, "reply_buffer_shrinks", 0);
  Field(out, "reply_buffer_expands", 0);
  const Acl::DeniedCounts& denied = s.acl->denied();
  Field(out, "acl_access_denied_auth", LL(denied.auth));
  Field(out, "acl_access_denied_cmd", LL(denied.cmd));
  Field(out, "acl_access_denied_key", LL(denied.key));
  Field(out, "acl_access_denied_channel", LL(denied.channel));
}

// Seconds since `ms` (server clock), as INFO shows ages.
long long SecondsSince(int64_t now_ms, int64_t ms) { return LL((now_ms - ms) / 1000); }

void AppendReplicaFields(CommandContext& ctx, const Replication& r, std::string& out) {
  const MasterLinkStatus link = r.master_link()->Status();
  Field(out, "master_host", link.host);
  Field(out, "master_port", link.port);
  Field(out, "master_link_status", link.link_up ? "up" : "down");
  Field(out, "master_last_io_seconds_ago", link.link_up ? SecondsSince(ctx.now_ms, link.last_io_ms)
                                                        : -1);
  Field(out, "master_sync_in_progress", link.sync_in_progress ? 1 : 0);
  Field(out, "slave_read_repl_offset", LL(link.read_offset));
  Field(out, "slave_repl_offset", LL(r.offset()));
  if (link.sync_in_progress) {
    const int64_t total = link.sync_total_bytes;
    Field(out, "master_sync_total_bytes", LL(total));
    Field(out, "master_sync_read_bytes", LL(link.sync_read_bytes));
    Field(out, "master_sync_left_bytes", LL(total < 0 ? -1 : total - link.sync_read_bytes));
    const double perc = total > 0 ? 100.0 * static_cast<double>(link.sync_read_bytes) /
                                        static_cast<double>(total)
                                  : 0.0;
    FieldF(out, "master_sync_perc", "%.2f", perc);
    Field(out, "master_sync_last_io_seconds_ago", SecondsSince(ctx.now_ms, link.sync_last_io_ms));
  }
  if (!link.link_up) {
    Field(out, "master_link_down_since_seconds",
          link.link_down_since_ms > 0 ? SecondsSince(ctx.now_ms, link.link_down_since_ms) : -1);
  }
  const ConfigValues& cfg = ctx.server.config.values();
  Field(out, "slave_priority", LL(RedisOnlyNumber(cfg, "replica-priority")));
  Field(out, "slave_read_only", LL(RedisOnlyNumber(cfg, "replica-read-only")));
  Field(out, "replica_announced", LL(RedisOnlyNumber(cfg, "replica-announced")));
}

void AppendReplication(CommandContext& ctx, std::string& out) {
  const Replication* r = ctx.server.replication;
  const bool replica = r != nullptr && r->is_replica();
  Field(out, "role", replica ? "slave" : "master");
  if (replica) AppendReplicaFields(ctx, *r, out);
  Field(out, "connected_slaves", LL(r ? r->ReplicaCount() : 0));
  if (r != nullptr) {
    size_t i = 0;
    for (const Replication::ReplicaView& v : r->Replicas(ctx.now_ms)) {
      out.append("slave").append(std::to_string(i++)).append(":ip=").append(v.ip);
      out.append(",port=").append(std::to_string(v.port)).append(",state=").append(v.state);
      out.append(",offset=").append(std::to_string(v.ack_offset));
      out.append(",lag=").append(std::to_string(v.lag_seconds)).append("\r\n");
    }
  }
  Field(out, "master_failover_state", r ? r->FailoverStateName() : "no-failover");
  Field(out, "master_replid", r ? r->replid() : std::string(40, '0'));
  Field(out, "master_replid2", r ? r->replid2() : std::string(40, '0'));
  Field(out, "master_repl_offset", LL(r ? r->offset() : 0));
  Field(out, "second_repl_offset", LL(r ? r->second_replid_offset() : -1));
  const ReplicationBacklog* backlog = r ? r->backlog() : nullptr;
  Field(out, "repl_backlog_active", backlog ? 1 : 0);
  Field(out, "repl_backlog_size",
        LL(backlog ? backlog->capacity()
                   : RedisOnlyNumber(ctx.server.config.values(), "repl-backlog-size")));
  Field(out, "repl_backlog_first_byte_offset", LL(backlog ? backlog->first_offset() : 0));
  Field(out, "repl_backlog_histlen", LL(backlog ? backlog->histlen() : 0));
}

void AppendCpu(CommandContext& ctx, std::string& out) {
  struct rusage self {
  }, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);  // the thread running commands
  Field(out, "used_cpu_sys", CpuSeconds(self.ru_stime));
  Field(out, "used_cpu_user", CpuSeconds(self.ru_utime));
  Field(out, "used_cpu_sys_children", CpuSeconds(children.ru_stime));
  Field(out, "used_cpu_user_children", CpuSeconds(children.ru_utime));
  Field(out, "used_cpu_sys_main_thread", CpuSeconds(thread.ru_stime));
  Field(out, "used_cpu_user_main_thread", CpuSeconds(thread.ru_utime));
}

void AppendModules(CommandContext&, std::string&) {}  // kvd loads no modules

void AppendCommandStat(const CommandSpec& spec, std::string& out) {
  if (spec.calls == 0 && spec.failed_calls == 0 && spec.rejected_calls == 0) return;
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "calls=%" PRIu64 ",usec=%" PRIu64 ",usec_per_call=%.2f,rejected_calls=%" PRIu64
                ",failed_calls=%" PRIu64,
                spec.calls, spec.usec,
                spec.calls ? static_cast<double>(spec.usec) / spec.calls : 0.0, spec.rejected_calls,
                spec.failed_calls);
  Field(out, "cmdstat_" + spec.name, std::string_view(buf));
}

void AppendCommandStats(CommandContext& ctx, std::string& out) {
  for (const CommandSpec& spec : ctx.server.commands.All()) {
    AppendCommandStat(spec, out);
    for (const CommandSpec& sub : spec.subcommands) AppendCommandStat(sub, out);
  }
}

void AppendErrorStats(CommandContext& ctx, std::string& out) {
  for (const auto& [kind, count] : ctx.server.stats.error_counts) {
    Field(out, "errorstat_" + kind, "count=" + std::to_string(count));
  }
}

void AppendCluster(CommandContext&, std::string& out) { Field(out, "cluster_enabled", 0); }

// One line per non-empty database, as Redis.
void AppendKeyspace(CommandContext& ctx, std::string& out) {
  for (size_t i = 0; i < ctx.store.DatabaseCount(); ++i) {
    Keyspace& db = ctx.store.Db(i);
    const size_t keys = db.Count(ctx.now_ms);  // reclaims expired keys first
    if (keys == 0) continue;
    Field(out, "db" + std::to_string(i),
          "keys=" + std::to_string(keys) + ",expires=" + std::to_string(db.KeysWithExpiry()) +
              ",avg_ttl=" + std::to_string(db.AvgTtlMs(ctx.now_ms)));
  }
}

constexpr InfoSection kSections[] = {
    {"server", "Server", true, AppendServer},
    {"clients", "Clients", true, AppendClients},
    {"memory", "Memory", true, AppendMemory},
    {"persistence", "Persistence", true, AppendPersistence},
    {"stats", "Stats", true, AppendStats},
    {"replication", "Replication", true, AppendReplication},
    {"cpu", "CPU", true, AppendCpu},
    {"modules", "Modules", true, AppendModules},
    {"commandstats", "Commandstats", false, AppendCommandStats},
    {"errorstats", "Errorstats", true, AppendErrorStats},
    {"latencystats", "Latencystats", false, AppendLatencyStats},
    {"cluster", "Cluster", true, AppendCluster},
    {"keyspace", "Keyspace", true, AppendKeyspace},
};

}  // namespace

std::span<const InfoSection> InfoSections() { return kSections; }

}  // namespace kvd
