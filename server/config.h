#pragma once
// Configuration: every parameter with its redis.conf name, default, parser and whether
// CONFIG SET may change it at run time. The config file (redis.conf syntax), the command
// line (`kvd [configfile] [--name value ...]`) and CONFIG GET/SET all go through here.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <optional>
#include <vector>

namespace kvd {

// client-output-buffer-limit, per client class: a client whose pending output reaches `hard`
// bytes, or stays at `soft` bytes or more for over `soft_seconds`, is disconnected. 0 = no limit.
struct OutputBufferLimit {
  int64_t hard = 0;
  int64_t soft = 0;
  int64_t soft_seconds = 0;
};
enum ClientClass : size_t { kClientNormal = 0, kClientReplica = 1, kClientPubSub = 2 };

struct ConfigValues {
  int port = 6379;
  std::vector<std::string> bind = {"127.0.0.1", "-::1"};  // '-' prefix: optional address
  int tcp_backlog = 511;
  std::string unixsocket = "";  // a Unix domain socket to listen on too ("" = none)
  int unixsocketperm = 0;       // its file permissions (0: as the umask leaves them)
  int tcp_keepalive = 300;
  std::string dir = ".";
  std::string dbfilename = "dump.rdb";
  std::string save = "3600 1 300 100 60 10000";
  bool rdbcompression = true;  // LZF for long strings in the RDB file
  bool rdbchecksum = true;     // CRC-64 trailer in the RDB file (0 when off)
  // Refuse writes (MISCONF) while the last background save failed and save rules are set.
  bool stop_writes_on_bgsave_error = true;
  std::string loglevel = "notice";  // debug, verbose, notice, warning, nothing
  std::string logfile = "";         // "" = standard output
  std::string pidfile = "";
  int databases = 16;
  int maxclients = 10000;
  int timeout = 0;  // seconds a client may idle; 0 = never
  int hz = 10;      // background task frequency (active expiry...)
  int active_expire_effort = 1;  // 1..10: how hard the active expiry cycle works
  std::string requirepass = "";
  // Access control (server/acl/): users from this file (ACL LOAD/SAVE); "" = users live in
  // this config; how many entries ACL LOG keeps.
  std::string aclfile = "";
  int acllog_max_len = 128;
  // The channels a new ACL user (or selector) starts with: none, or all (Redis 6's way).
  std::string acl_pubsub_default = "resetchannels";  // resetchannels, allchannels
  // `user <name> <rule> ...` lines of the config file, each as its words after "user".
  std::vector<std::vector<std::string>> users;
  // With no password on the default user, refuse clients from non-loopback addresses.
  bool protected_mode = true;
  // Who may CONFIG SET dir and dbfilename: "no" (nobody), "yes", or "local" (loopback
  // clients only), as Redis's enable-protected-configs.
  std::string enable_protected_configs = "no";
  // Redis 7's gates on its DEBUG and MODULE commands (no|yes|local). kvd has neither
  // command (they answer unknown command whatever these say); the directives are kept so
  // that a Redis config file that sets them loads, and CONFIG GET reports them.
  std::string enable_debug_command = "no";
  std::string enable_module_command = "no";
  // Seconds SIGTERM/SHUTDOWN may take before the save and exit go ahead regardless.
  int shutdown_timeout = 10;
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  int io_threads = 1;
  int64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  // LFU counters (core/access_clock.h) and the eviction sample size.
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;  // minutes
  int maxmemory_samples = 5;
  int maxmemory_eviction_tenacity = 10;  // 0..100: how long one eviction pass may run
  // Redis's lazyfree: DEL acts as UNLINK, FLUSHALL/FLUSHDB without SYNC as ASYNC.
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;
  bool lazyfree_lazy_eviction = false;  // evicted values are freed in the background
  // Microseconds to pause after each key loaded at startup (testing the loading state, as
  // Redis's key-load-delay; negative -N: 1 microsecond once every N keys on average).
  int key_load_delay = 0;
  // The append-only file (server/aof/aof.h).
  bool appendonly = false;
  std::string appendfsync = "everysec";          // always, everysec, no
  std::string appenddirname = "appendonlydir";   // in dir
  std::string appendfilename = "appendonly.aof"; // the files' common prefix
  int auto_aof_rewrite_percentage = 100;         // growth over the last base; 0 = never
  int64_t auto_aof_rewrite_min_size = 64LL * 1024 * 1024;
  bool aof_load_truncated = true;     // load a log cut short by a crash, up to its last record
  bool aof_use_rdb_preamble = true;   // the base is an RDB file (else commands)
  bool aof_timestamp_enabled = false; // #TS annotations in the log
  // Keyspace notifications: the NotifyClass bits (server/keyspace_events.h) of Redis's
  // notify-keyspace-events letters; 0 = off.
  int notify_keyspace_events = 0;
  int64_t slowlog_log_slower_than = 10000;  // microseconds; < 0 = off, 0 = every command
  int64_t slowlog_max_len = 128;
  // The latency monitor (LATENCY): spikes of at least this many milliseconds; 0 = off.
  int64_t latency_monitor_threshold = 0;
  // Per-command latency histograms (LATENCY HISTOGRAM, INFO latencystats).
  bool latency_tracking = true;
  std::vector<double> latency_tracking_info_percentiles = {50, 99, 99.9};
  // Milliseconds a script may run before other clients get -BUSY and SCRIPT KILL works
  // (busy-reply-threshold, alias lua-time-limit); 0 = never.
  int64_t busy_reply_threshold = 5000;
  // Indexed by ClientClass; Redis's defaults.
  std::array<OutputBufferLimit, 3> client_output_buffer_limit = {{
      {0, 0, 0},
      {256LL * 1024 * 1024, 64LL * 1024 * 1024, 60},
      {32LL * 1024 * 1024, 8LL * 1024 * 1024, 60},
  }};
  // maxmemory given as a percentage ("75%") of the cgroup memory limit or, without one, of
  // the machine's memory (server/cgroup_memory.h); 0 when given in bytes. maxmemory holds
  // the bytes it came to.
  int maxmemory_percent = 0;
  // The Prometheus endpoint (server/net/metrics_server.h): plain HTTP GET /metrics on this
  // port and address; 0 = off.
  int metrics_port = 0;
  std::string metrics_bind = "127.0.0.1";
  // TLS (server/net/tls_*): a second listener on tls-port (0 = off) with OpenSSL.
  int tls_port = 0;
  std::string tls_cert_file = "";
  std::string tls_key_file = "";
  std::string tls_key_file_pass = "";
  std::string tls_ca_cert_file = "";
  std::string tls_ca_cert_dir = "";
  std::string tls_auth_clients = "yes";  // yes, no, optional
  std::string tls_protocols = "";        // e.g. "TLSv1.2 TLSv1.3"; "" = OpenSSL's default
  std::string tls_ciphers = "";          // TLSv1.2 and below
  std::string tls_ciphersuites = "";     // TLSv1.3
  bool tls_prefer_server_ciphers = false;
  bool tls_session_caching = true;       // resumption from the server's session cache
  int tls_session_cache_size = 20480;    // sessions kept
  int tls_session_cache_timeout = 300;   // seconds a session can be resumed
  std::string tls_dh_params_file = "";   // DH parameters (PEM) for TLS 1.2's DHE ciphers
  // Compact encodings' bounds (core/encoding_limits.h, applied by ServerState); Redis's
  // defaults.
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t set_max_listpack_entries = 128;
  int64_t set_max_listpack_value = 64;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  int list_max_listpack_size = -2;
  // A sparse HyperLogLog growing past this many bytes turns dense (core/hyperloglog.h).
  int64_t hll_sparse_max_bytes = 3000;
  // A stream chunk's bounds (core/stream_value.h); 0: no bound.
  int64_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;
  // Process management, as redis-server: fork into the background (unless supervised),
  // tell systemd or upstart when ready (server/supervision.h).
  bool daemonize = false;
  std::string supervised = "no";  // no, upstart, systemd, auto
  // Linux process settings (server/linux_process.h): transparent huge pages off for kvd
  // (set at start); the OOM killer's score adjusted by the first of oom-score-adj-values
  // (kvd has no replica or child process), absolute or relative to the score kvd started
  // with, or left alone (no).
  bool disable_thp = true;
  std::string oom_score_adj = "no";  // no, yes (= relative), relative, absolute
  std::array<int, 3> oom_score_adj_values = {0, 200, 800};
  // What SIGINT / SIGTERM do: kShutdownOn* flags (0 = default: save if save rules exist).
  int shutdown_on_sigint = 0;
  int shutdown_on_sigterm = 0;
  // Writes are refused (-NOREPLICAS) with fewer than min-replicas-to-write replicas that
  // acknowledged within min-replicas-max-lag seconds (both above 0 to apply).
  int min_replicas_to_write = 0;
  int min_replicas_max_lag = 10;
  // Redis parameters of subsystems kvd does not have, by name: the value CONFIG GET shows
  // (server/config_params_redis_only.cpp). Absent = Redis's default.
  std::map<std::string, std::string, std::less<>> redis_only;
};

// shutdown-on-sigint / shutdown-on-sigterm flags (Redis's SHUTDOWN_* values).
enum ShutdownOnSignal : int {
  kShutdownOnSave = 1,
  kShutdownOnNoSave = 2,
  kShutdownOnNow = 4,
  kShutdownOnForce = 8,
};

// min-replicas-to-write applies: writes need that many good replicas.
inline bool WritesNeedReplicas(const ConfigValues& v) {
  return v.min_replicas_to_write > 0 && v.min_replicas_max_lag > 0;
}

class Config {
 public:
  Config();
  ~Config();

  // Reads a config file in redis.conf syntax. Returns "" or an error naming the file, line
  // and option (Redis's "*** FATAL CONFIG FILE ERROR ***" information).
  std::string LoadFile(const std::string& path);
  // Sets one parameter from the file or the command line (`--name v1 v2`). Returns "" or an
  // error naming the option and the bad value.
  std::string ApplyStartup(std::string_view name, std::span<const std::string_view> values);

  // CONFIG GET: (name, value) for every parameter matching any glob pattern, no duplicates.
  std::vector<std::pair<std::string, std::string>> Get(
      std::span<const std::string_view> patterns) const;
  // CONFIG SET name value [name value ...], atomically (all or none). Returns "" or Redis's
  // error text, e.g. "ERR Unknown option or number of arguments for CONFIG SET - 'foo'".
  // `local_client`: the client is on the loopback interface (enable-protected-configs local).
  std::string Set(std::span<const std::string_view> name_value_pairs, bool local_client = false);

  const ConfigValues& values() const { return values_; }
  const std::string& config_file() const { return config_file_; }
  // CONFIG REWRITE (server/config_rewrite.cpp): writes the running configuration into the
  // config file the server started with. `user_lines`: the "user ..." lines of the ACL users
  // (nullopt when an ACL file holds them, and the file's user lines go). Returns "" or
  // Redis's error text.
  std::string Rewrite(const std::optional<std::vector<std::string>>& user_lines) const;
  // The Redis parameters set to a value that has no effect in kvd, a line each (the server
  // logs them at start).
  std::vector<std::string> IneffectiveSettings() const;

  // Called after a successful CONFIG SET with the names it changed (hz, loglevel...).
  void OnChange(std::function<void(std::string_view name)> fn);

 public:
  struct Param;  // server/config_params.h

 private:
  Param* FindParam(std::string_view name) const;
  // Parses and stores one directive; returns "" or the bare reason. `append`: a repeated
  // directive adds to the previous one (save lines in a file).
  std::string Apply(std::string_view name, std::span<const std::string_view> values, bool append);

  ConfigValues values_;
  std::string config_file_;
  std::vector<std::unique_ptr<Param>> params_;
  std::vector<std::function<void(std::string_view)>> on_change_;
};

}  // namespace kvd
