#include "server/metrics_format.h"

#include <charconv>
#include <cstdint>
#include <string_view>

namespace kvd {
namespace {

// Appends one family's samples; each starts with its HELP and TYPE lines.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void Family(std::string_view name, std::string_view type, std::string_view help) {
    out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  template <class T>
  void Sample(std::string_view name, T value, std::string_view labels = {}) {
    out_.append(name);
    if (!labels.empty()) out_.append("{").append(labels).append("}");
    out_.append(" ");
    Number(value);
    out_.append("\n");
  }
  // A family of one sample.
  template <class T>
  void Single(std::string_view name, std::string_view type, std::string_view help, T value) {
    Family(name, type, help);
    Sample(name, value);
  }

 private:
  template <class T>
  void Number(T value) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, r.ptr);
  }
  std::string& out_;
};

std::string Label(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + EscapeLabelValue(value) + "\"";
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatPrometheus(const MetricsSnapshot& m, const ProcessMetrics& p) {
  std::string out;
  out.reserve(4096 + 256 * m.commands.size());
  Writer w(out);
  w.Single("kvd_up", "gauge", "1 when kvd answers scrapes.", 1);
  w.Family("kvd_build_info", "gauge", "Always 1; the labels name kvd's version.");
  w.Sample("kvd_build_info", 1,
           Label("version", KVD_VERSION) + "," + Label("redis_compat", "7.2"));
  w.Single("kvd_uptime_seconds", "gauge", "Seconds since kvd started.", m.uptime_seconds);
  w.Single("kvd_loading", "gauge", "1 while the dataset loads at startup.", m.loading ? 1 : 0);

  // Clients.
  w.Single("kvd_connected_clients", "gauge", "Client connections open now.",
           m.connected_clients);
  w.Single("kvd_blocked_clients", "gauge", "Clients waiting in a blocking command.",
           m.blocked_clients);
  w.Single("kvd_max_clients", "gauge", "The maxclients setting.", m.max_clients);
  w.Single("kvd_connections_received_total", "counter", "Connections accepted.",
           m.connections_received);
  w.Single("kvd_rejected_connections_total", "counter",
           "Connections refused because of maxclients.", m.rejected_connections);

  // Memory.
  w.Single("kvd_memory_used_bytes", "gauge", "Memory the data and clients use (INFO used_memory).",
           m.used_memory);
  w.Single("kvd_memory_used_peak_bytes", "gauge", "The most kvd_memory_used_bytes has been.",
           m.used_memory_peak);
  w.Single("kvd_memory_used_dataset_bytes", "gauge",
           "used_memory less its overhead (INFO used_memory_dataset).", m.used_memory_dataset);
  w.Single("kvd_memory_used_rss_bytes", "gauge", "Resident set size of the process.",
           p.resident_bytes);
  w.Single("kvd_memory_max_bytes", "gauge", "The maxmemory setting in bytes (0 = no limit).",
           m.maxmemory);
  w.Single("kvd_memory_system_bytes", "gauge", "Physical memory of the machine.",
           p.system_memory);
  if (p.cgroup_memory_limit != 0) {
    w.Single("kvd_memory_cgroup_limit_bytes", "gauge",
             "Memory limit of kvd's cgroup (container), past which the kernel kills it.",
             p.cgroup_memory_limit);
  }

  // Work done.
  w.Single("kvd_commands_processed_total", "counter", "Commands run.", m.commands_processed);
  w.Single("kvd_instantaneous_ops_per_second", "gauge",
           "Commands per second over the last ~1.6 seconds.", m.instantaneous_ops_per_sec);
  w.Single("kvd_net_input_bytes_total", "counter", "Bytes read from clients.",
           m.net_input_bytes);
  w.Single("kvd_net_output_bytes_total", "counter", "Bytes written to clients.",
           m.net_output_bytes);
  w.Single("kvd_net_repl_input_bytes_total", "counter", "Bytes read from our master.",
           m.net_repl_input_bytes);
  w.Single("kvd_net_repl_output_bytes_total", "counter", "Bytes written to our replicas.",
           m.net_repl_output_bytes);
  w.Single("kvd_keyspace_hits_total", "counter", "Reads that found their key.",
           m.keyspace_hits);
  w.Single("kvd_keyspace_misses_total", "counter", "Reads of missing keys.", m.keyspace_misses);
  w.Single("kvd_expired_keys_total", "counter", "Keys deleted because their TTL passed.",
           m.expired_keys);
  w.Single("kvd_evicted_keys_total", "counter", "Keys evicted by the maxmemory policy.",
           m.evicted_keys);
  w.Single("kvd_error_replies_total", "counter", "Error replies sent.", m.error_replies);
  w.Single("kvd_cpu_user_seconds_total", "counter", "User CPU time of the process.",
           p.cpu_user_seconds);
  w.Single("kvd_cpu_system_seconds_total", "counter", "System CPU time of the process.",
           p.cpu_system_seconds);
  w.Single("kvd_pubsub_channels", "gauge", "Channels with subscribers.", m.pubsub_channels);
  w.Single("kvd_pubsub_patterns", "gauge", "Subscribed patterns.", m.pubsub_patterns);

  // Persistence.
  w.Single("kvd_rdb_changes_since_last_save", "gauge", "Writes since the last snapshot.",
           m.changes_since_last_save);
  w.Single("kvd_rdb_last_save_timestamp_seconds", "gauge",
           "Unix time of the last successful snapshot.", m.last_save_time);
  w.Single("kvd_rdb_last_bgsave_ok", "gauge", "1 when the last background save succeeded.",
           m.last_bgsave_ok ? 1 : 0);
  w.Single("kvd_aof_enabled", "gauge", "1 when the append-only file is on.",
           m.aof_enabled ? 1 : 0);
  w.Single("kvd_aof_last_write_ok", "gauge", "1 when the last append-only file write succeeded.",
           m.aof_last_write_ok ? 1 : 0);

  // Keyspace, per database.
  w.Family("kvd_db_keys", "gauge", "Keys in the database.");
  for (const DbMetrics& db : m.dbs) {
    w.Sample("kvd_db_keys", db.keys, Label("db", std::to_string(db.index)));
  }
  w.Family("kvd_db_keys_expiring", "gauge", "Keys with a TTL in the database.");
  for (const DbMetrics& db : m.dbs) {
    w.Sample("kvd_db_keys_expiring", db.expiring_keys, Label("db", std::to_string(db.index)));
  }

  // Per command (INFO commandstats); subcommands as "client|list".
  w.Family("kvd_commands_total", "counter", "Calls of the command.");
  for (const CommandMetrics& c : m.commands) {
    w.Sample("kvd_commands_total", c.calls, Label("cmd", c.name));
  }
  w.Family("kvd_commands_duration_seconds_total", "counter", "Time spent running the command.");
  for (const CommandMetrics& c : m.commands) {
    w.Sample("kvd_commands_duration_seconds_total", static_cast<double>(c.usec) / 1e6,
             Label("cmd", c.name));
  }
  w.Family("kvd_commands_failed_calls_total", "counter", "Calls that replied an error.");
  for (const CommandMetrics& c : m.commands) {
    w.Sample("kvd_commands_failed_calls_total", c.failed_calls, Label("cmd", c.name));
  }
  w.Family("kvd_commands_rejected_calls_total", "counter",
           "Calls refused before running (arity, -OOM, -NOAUTH...).");
  for (const CommandMetrics& c : m.commands) {
    w.Sample("kvd_commands_rejected_calls_total", c.rejected_calls, Label("cmd", c.name));
  }
  // Error replies by their first word (INFO errorstats).
  w.Family("kvd_errors_total", "counter", "Error replies by prefix (ERR, WRONGTYPE...).");
  for (const auto& [prefix, count] : m.errors) {
    w.Sample("kvd_errors_total", count, Label("error", prefix));
  }
  return out;
}

}  // namespace kvd
