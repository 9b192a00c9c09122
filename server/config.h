#pragma once
// Configuration: every parameter with its redis.conf name, default, parser and whether
// CONFIG SET may change it at run time. The config file (redis.conf syntax), the command
// line (`kvd [configfile] [--name value ...]`) and CONFIG GET/SET all go through here.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
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
  std::string requirepass = "";
  // Access control (server/acl/): users from this file (ACL LOAD/SAVE); "" = users live in
  // this config; how many entries ACL LOG keeps.
  std::string aclfile = "";
  int acllog_max_len = 128;
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
};

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
