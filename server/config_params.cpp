#include "server/config_params.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <optional>
#include <tuple>

#include <sys/stat.h>

#include "core/numeric.h"
#include "core/text.h"
#include "protocol/resp_parser.h"
#include "server/cgroup_memory.h"
#include "server/config_param_kinds.h"
#include "server/keyspace_events.h"
#include "server/latency_histogram.h"
#include "server/linux_process.h"
#include "server/open_files_limit.h"

namespace kvd {

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') { ++i; continue; }
    size_t end = s.find(' ', i);
    if (end == std::string_view::npos) end = s.size();
    words.push_back(s.substr(i, end - i));
    i = end;
  }
  return words;
}

std::string ResolveDir(std::string_view dir, std::string* error) {
  std::string path(dir.empty() ? "." : dir);
  char* real = realpath(path.c_str(), nullptr);
  if (!real) {
    *error = std::strerror(errno);
    return {};
  }
  std::string out(real);
  std::free(real);
  struct stat st {};
  if (stat(out.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *error = std::strerror(ENOTDIR);
    return {};
  }
  return out;
}

namespace {

using Values = std::span<const std::string_view>;

std::string Join(Values values) {
  std::string out;
  for (std::string_view v : values) {
    if (!out.empty()) out += ' ';
    out.append(v);
  }
  return out;
}

std::string CheckAofName(const std::string& s, std::string_view param, std::string_view kind) {
  if (s.empty()) return std::string(param) + " can't be empty";
  if (s.find('/') != std::string::npos || s.find('\\') != std::string::npos) {
    return std::string(param) + " can't be a path, just a " + std::string(kind);
  }
  return "";
}



// Redis's save rules: "<seconds> <changes>" pairs, seconds >= 1, changes >= 0; "" = none.
std::string SetSave(ConfigValues& v, Values in, bool append) {
  // "" means no rules.
  const std::vector<std::string_view> words = AllWords(in);
  if (words.size() % 2 != 0) return "Invalid save parameters";
  for (size_t i = 0; i < words.size(); ++i) {
    auto n = ParseInt64(words[i]);
    if (!n || *n < (i % 2 == 0 ? 1 : 0)) return "Invalid save parameters";
  }
  std::string rules = Join(words);
  if (append && !v.save.empty() && !rules.empty()) rules = v.save + " " + rules;
  v.save = rules;
  return "";
}

std::string SetBind(ConfigValues& v, Values in, bool) {
  std::vector<std::string> addrs;
  for (std::string_view a : in) {
    if (!a.empty()) addrs.emplace_back(a);
  }
  if (addrs.size() > 16) return "Too many bind addresses specified.";
  v.bind = std::move(addrs);
  return "";
}

// client-output-buffer-limit: groups of "<class> <hard> <soft> <soft seconds>", each setting
// one class and leaving the others (Redis's setConfigClientOutputBufferLimitOption).
std::string SetOutputBufferLimits(ConfigValues& v, Values values, bool) {
  const std::vector<std::string_view> in = AllWords(values);
  if (in.empty()) return "";  // CONFIG SET to "": nothing changes
  if (in.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  auto limits = v.client_output_buffer_limit;
  for (size_t i = 0; i < in.size(); i += 4) {
    ClientClass cls;
    if (EqualsIgnoreCase(in[i], "normal")) {
      cls = kClientNormal;
    } else if (EqualsIgnoreCase(in[i], "slave") || EqualsIgnoreCase(in[i], "replica")) {
      cls = kClientReplica;
    } else if (EqualsIgnoreCase(in[i], "pubsub")) {
      cls = kClientPubSub;
    } else {
      return "Invalid client class specified in buffer limit configuration.";
    }
    auto hard = ParseMemory(in[i + 1]);
    auto soft = ParseMemory(in[i + 2]);
    auto seconds = ParseInt64(in[i + 3]);
    if (!hard || !soft || !seconds || *seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    limits[cls] = {*hard, *soft, *seconds};
  }
  v.client_output_buffer_limit = limits;
  return "";
}

std::string GetOutputBufferLimits(const ConfigValues& v) {
  static constexpr std::string_view kNames[] = {"normal", "slave", "pubsub"};
  std::string out;
  for (size_t i = 0; i < 3; ++i) {
    const OutputBufferLimit& l = v.client_output_buffer_limit[i];
    if (!out.empty()) out += ' ';
    out.append(kNames[i]).append(" ").append(std::to_string(l.hard)).append(" ");
    out.append(std::to_string(l.soft)).append(" ").append(std::to_string(l.soft_seconds));
  }
  return out;
}

// latency-tracking-info-percentiles: percentiles between 0 and 100; "" = none.
std::string SetPercentiles(ConfigValues& v, Values values, bool) {
  std::vector<double> out;
  for (std::string_view word : AllWords(values)) {
    std::optional<double> d = ParseDouble(word);
    if (!d || *d < 0 || *d > 100) return "Invalid latency-tracking-info-percentiles parameters";
    out.push_back(*d);
  }
  v.latency_tracking_info_percentiles = std::move(out);
  return "";
}

std::string GetPercentiles(const ConfigValues& v) {
  std::string out;
  for (double d : v.latency_tracking_info_percentiles) {
    if (!out.empty()) out += ' ';
    out += FormatPercentile(d);
  }
  return out;
}

// oom-score-adj-values: three scores (primary, replica, background child) from -2000 to
// 2000, as Redis; kvd uses the first.
std::string SetOomScoreValues(ConfigValues& v, Values in, bool) {
  const std::vector<std::string_view> words = AllWords(in);
  if (words.size() != v.oom_score_adj_values.size()) return "wrong number of arguments";
  std::array<int, 3> scores;
  for (size_t i = 0; i < words.size(); ++i) {
    std::optional<int64_t> n = ParseInt64(words[i]);
    if (!n || *n < -2000 || *n > 2000) {
      return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
    }
    scores[i] = static_cast<int>(*n);
  }
  v.oom_score_adj_values = scores;
  return "";
}

// shutdown-on-sigint / -sigterm: "default", or any of save, nosave, now, force (Redis's
// isValidShutdownOnSigFlags: not both save and nosave).
constexpr std::pair<std::string_view, int> kShutdownFlags[] = {
    {"save", kShutdownOnSave},
    {"nosave", kShutdownOnNoSave},
    {"now", kShutdownOnNow},
    {"force", kShutdownOnForce},
};

auto ShutdownFlagsSetter(int ConfigValues::*field) {
  return [field](ConfigValues& v, Values in, bool) -> std::string {
    int flags = 0;
    for (std::string_view word : AllWords(in)) {
      if (EqualsIgnoreCase(word, "default")) continue;
      auto it = std::find_if(std::begin(kShutdownFlags), std::end(kShutdownFlags),
                             [&](const auto& f) { return EqualsIgnoreCase(f.first, word); });
      if (it == std::end(kShutdownFlags)) {
        return "argument(s) must be one of the following: default, save, nosave, now, force";
      }
      flags |= it->second;
    }
    if ((flags & kShutdownOnSave) && (flags & kShutdownOnNoSave)) {
      return "shutdown can't be both save and nosave";
    }
    v.*field = flags;
    return "";
  };
}

auto ShutdownFlagsGetter(int ConfigValues::*field) {
  return [field](const ConfigValues& v) {
    std::vector<std::string_view> names;
    for (const auto& [name, flag] : kShutdownFlags) {
      if (v.*field & flag) names.push_back(name);
    }
    return names.empty() ? std::string("default") : Join(names);
  };
}

}  // namespace

std::vector<std::unique_ptr<Config::Param>> ConfigParams() {
  std::vector<Param> p;
  p.push_back(IntParam("port", false, &ConfigValues::port, 0, 65535));
  p.push_back(MakeParam(
      "bind", false, true, SetBind, [](const ConfigValues& v) {
        std::vector<std::string_view> views(v.bind.begin(), v.bind.end());
        return Join(views);
      }));
  p.push_back(IntParam("tcp-backlog", false, &ConfigValues::tcp_backlog, 0, INT_MAX));
  p.push_back(StringParam("unixsocket", false, &ConfigValues::unixsocket));
  // File permissions, in octal as chmod takes them (0: the umask's).
  p.push_back(MakeParam(
      "unixsocketperm", false, false,
      [](ConfigValues& v, Values in, bool) -> std::string {
        const std::string s(in[0]);
        char* end = nullptr;
        const long n = std::strtol(s.c_str(), &end, 8);
        if (s.empty() || *end != '\0') return "argument couldn't be parsed into an integer";
        if (n < 0 || n > 0777) return RangeError(0, 0777);
        v.unixsocketperm = static_cast<int>(n);
        return "";
      },
      [](const ConfigValues& v) {
        char out[8];
        std::snprintf(out, sizeof out, "%o", static_cast<unsigned>(v.unixsocketperm));
        return std::string(out);
      }));
  p.push_back(IntParam("tcp-keepalive", true, &ConfigValues::tcp_keepalive, 0, INT_MAX));
  p.push_back(IntParam("slowlog-log-slower-than", true, &ConfigValues::slowlog_log_slower_than,
                       -1, INT64_MAX));
  p.push_back(IntParam("slowlog-max-len", true, &ConfigValues::slowlog_max_len, 0, INT64_MAX));
  p.push_back(IntParam("latency-monitor-threshold", true,
                       &ConfigValues::latency_monitor_threshold, 0, INT64_MAX));
  p.push_back(BoolParam("latency-tracking", true, &ConfigValues::latency_tracking));
  // Redis keeps lua-time-limit as an alias of busy-reply-threshold.
  p.push_back(IntParam("busy-reply-threshold", true, &ConfigValues::busy_reply_threshold, 0,
                       INT64_MAX));
  PushAlias(p, IntParam("lua-time-limit", true, &ConfigValues::busy_reply_threshold, 0,
                        INT64_MAX));
  p.push_back(MakeParam("latency-tracking-info-percentiles", true, true, SetPercentiles,
                        GetPercentiles));
  p.push_back(StringParam("dir", true, &ConfigValues::dir, [](std::string& s) {
    std::string err;
    s = ResolveDir(s, &err);
    return err;
  }));
  p.back()->is_protected = true;
  p.push_back(StringParam("dbfilename", true, &ConfigValues::dbfilename, [](std::string& s) {
    if (s.empty() || s.find('/') != std::string::npos) {
      return std::string("dbfilename can't be a path, just a filename");
    }
    return std::string();
  }));
  p.back()->is_protected = true;
  p.push_back(MakeParam("save", true, true, SetSave,
                        [](const ConfigValues& v) { return v.save; }));
  p.push_back(BoolParam("rdbcompression", true, &ConfigValues::rdbcompression));
  p.push_back(BoolParam("rdbchecksum", true, &ConfigValues::rdbchecksum));
  p.push_back(BoolParam("stop-writes-on-bgsave-error", true,
                        &ConfigValues::stop_writes_on_bgsave_error));
  p.push_back(EnumParam("loglevel", &ConfigValues::loglevel,
                        {"debug", "verbose", "notice", "warning", "nothing"}));
  p.push_back(StringParam("logfile", false, &ConfigValues::logfile));
  p.push_back(StringParam("pidfile", false, &ConfigValues::pidfile));
  p.push_back(IntParam("databases", false, &ConfigValues::databases, 1, INT_MAX));
  p.push_back(IntParam("maxclients", true, &ConfigValues::maxclients, 1, INT_MAX));
  // As Redis's updateMaxclients: the open-files limit must follow (main() does it at start).
  p.back()->apply = [](const ConfigValues& next) -> std::string {
    const int served = AdjustOpenFilesLimit(next.maxclients);
    if (served >= next.maxclients) return "";
    return "The operating system is not able to handle the specified number of clients, try "
           "with " +
           std::to_string(served);
  };
  p.push_back(IntParam("timeout", true, &ConfigValues::timeout, 0, INT_MAX));
  // Redis accepts any non-negative hz and clamps it to 1..500.
  p.push_back(IntParam("hz", true, &ConfigValues::hz, 0, INT_MAX, 1, 500));
  p.push_back(IntParam("active-expire-effort", true, &ConfigValues::active_expire_effort, 1, 10));
  p.push_back(StringParam("requirepass", true, &ConfigValues::requirepass));
  p.push_back(StringParam("aclfile", false, &ConfigValues::aclfile));
  p.push_back(IntParam("acllog-max-len", true, &ConfigValues::acllog_max_len, 0, INT_MAX));
  p.push_back(EnumParam("acl-pubsub-default", &ConfigValues::acl_pubsub_default,
                        {"allchannels", "resetchannels"}));
  // `user alice on >pw ~* +@all`: one ACL user per line, checked and applied by the ACL
  // registry at startup (server/acl/acl.h). Not shown by CONFIG GET: it holds passwords.
  p.push_back(MakeParam(
      "user", false, true,
      [](ConfigValues& v, Values in, bool) -> std::string {
        v.users.emplace_back(in.begin(), in.end());
        return "";
      },
      nullptr));
  p.push_back(BoolParam("protected-mode", true, &ConfigValues::protected_mode));
  p.push_back(EnumParam("enable-protected-configs", &ConfigValues::enable_protected_configs,
                        {"no", "yes", "local"}, /*runtime=*/false));
  p.push_back(EnumParam("enable-debug-command", &ConfigValues::enable_debug_command,
                        {"no", "yes", "local"}, /*runtime=*/false));
  p.push_back(EnumParam("enable-module-command", &ConfigValues::enable_module_command,
                        {"no", "yes", "local"}, /*runtime=*/false));
  p.push_back(IntParam("shutdown-timeout", true, &ConfigValues::shutdown_timeout, 0, INT_MAX));
  p.push_back(MemoryParam("proto-max-bulk-len", true, &ConfigValues::proto_max_bulk_len,
                          1024 * 1024));
  p.push_back(MemoryParam("client-query-buffer-limit", true,
                          &ConfigValues::client_query_buffer_limit, 1024 * 1024));
  p.push_back(IntParam("io-threads", false, &ConfigValues::io_threads, 1, 128));
  // Also "N%": a percentage of the cgroup memory limit, or of the machine's memory.
  p.push_back(MakeParam(
      "maxmemory", true, false,
      [](ConfigValues& v, Values in, bool) -> std::string {
        if (in[0].ends_with('%')) {
          std::optional<int> percent = ParseMemoryPercent(in[0]);
          if (!percent) return "argument must be a memory value or a percentage (1% to 100%)";
          v.maxmemory = MaxmemoryFromPercent(*percent);
          v.maxmemory_percent = *percent;
          return "";
        }
        auto n = ParseMemory(in[0]);
        if (!n) return "argument must be a memory value";
        v.maxmemory = *n;
        v.maxmemory_percent = 0;
        return "";
      },
      [](const ConfigValues& v) {
        if (v.maxmemory_percent) return std::to_string(v.maxmemory_percent) + "%";
        return std::to_string(v.maxmemory);
      }));
  // The policy also decides how keys' access field reads (LRU or LFU, core/access_clock.h).
  p.push_back(EnumParam("maxmemory-policy", &ConfigValues::maxmemory_policy,
                        {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                         "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}));
  p.push_back(IntParam("maxmemory-samples", true, &ConfigValues::maxmemory_samples, 1, INT_MAX));
  p.push_back(IntParam("maxmemory-eviction-tenacity", true,
                       &ConfigValues::maxmemory_eviction_tenacity, 0, 100));
  p.push_back(IntParam("lfu-log-factor", true, &ConfigValues::lfu_log_factor, 0, INT_MAX));
  p.push_back(IntParam("lfu-decay-time", true, &ConfigValues::lfu_decay_time, 0, INT_MAX));
  p.push_back(BoolParam("lazyfree-lazy-user-del", true, &ConfigValues::lazyfree_lazy_user_del));
  p.push_back(
      BoolParam("lazyfree-lazy-user-flush", true, &ConfigValues::lazyfree_lazy_user_flush));
  p.push_back(BoolParam("lazyfree-lazy-eviction", true, &ConfigValues::lazyfree_lazy_eviction));
  p.push_back(IntParam("key-load-delay", true, &ConfigValues::key_load_delay, INT_MIN, INT_MAX));
  p.push_back(BoolParam("appendonly", true, &ConfigValues::appendonly));
  p.push_back(EnumParam("appendfsync", &ConfigValues::appendfsync,
                        {"always", "everysec", "no"}));
  // Both name files inside `dir`, so they cannot be paths (Redis's isValidAOFdirname and
  // isValidAOFfilename); they only apply at startup.
  p.push_back(StringParam("appenddirname", false, &ConfigValues::appenddirname,
                          [](std::string& s) {
                            return CheckAofName(s, "appenddirname", "dirname");
                          }));
  p.push_back(StringParam("appendfilename", false, &ConfigValues::appendfilename,
                          [](std::string& s) {
                            return CheckAofName(s, "appendfilename", "filename");
                          }));
  p.push_back(IntParam("auto-aof-rewrite-percentage", true,
                       &ConfigValues::auto_aof_rewrite_percentage, 0, INT_MAX));
  p.push_back(MemoryParam("auto-aof-rewrite-min-size", true,
                          &ConfigValues::auto_aof_rewrite_min_size, 0));
  p.push_back(BoolParam("aof-load-truncated", true, &ConfigValues::aof_load_truncated));
  p.push_back(BoolParam("aof-use-rdb-preamble", true, &ConfigValues::aof_use_rdb_preamble));
  p.push_back(BoolParam("aof-timestamp-enabled", true, &ConfigValues::aof_timestamp_enabled));
  p.push_back(MakeParam(
      "notify-keyspace-events", true, false,
      [](ConfigValues& v, Values in, bool) -> std::string {
        std::optional<int> flags = ParseNotifyFlags(in[0]);
        if (!flags) return std::string(kNotifyFlagsErr);
        v.notify_keyspace_events = *flags;
        return "";
      },
      [](const ConfigValues& v) { return FormatNotifyFlags(v.notify_keyspace_events); }));
  p.push_back(MakeParam("client-output-buffer-limit", true, true, SetOutputBufferLimits,
                        GetOutputBufferLimits));
  // The Prometheus endpoint (server/net/metrics_server.h); 0 = off.
  p.push_back(IntParam("metrics-port", false, &ConfigValues::metrics_port, 0, 65535));
  p.push_back(StringParam("metrics-bind", false, &ConfigValues::metrics_bind));
  // TLS (server/net/tls_*): read when the daemon starts.
  p.push_back(IntParam("tls-port", false, &ConfigValues::tls_port, 0, 65535));
  p.push_back(StringParam("tls-cert-file", false, &ConfigValues::tls_cert_file));
  p.push_back(StringParam("tls-key-file", false, &ConfigValues::tls_key_file));
  p.push_back(StringParam("tls-key-file-pass", false, &ConfigValues::tls_key_file_pass));
  p.push_back(StringParam("tls-ca-cert-file", false, &ConfigValues::tls_ca_cert_file));
  p.push_back(StringParam("tls-ca-cert-dir", false, &ConfigValues::tls_ca_cert_dir));
  p.push_back(EnumParam("tls-auth-clients", &ConfigValues::tls_auth_clients,
                        {"yes", "no", "optional"}));
  p.push_back(StringParam("tls-protocols", false, &ConfigValues::tls_protocols));
  p.push_back(StringParam("tls-ciphers", false, &ConfigValues::tls_ciphers));
  p.push_back(StringParam("tls-ciphersuites", false, &ConfigValues::tls_ciphersuites));
  p.push_back(BoolParam("tls-prefer-server-ciphers", false,
                        &ConfigValues::tls_prefer_server_ciphers));
  p.push_back(BoolParam("tls-session-caching", false, &ConfigValues::tls_session_caching));
  p.push_back(IntParam("tls-session-cache-size", false, &ConfigValues::tls_session_cache_size, 0,
                       INT_MAX));
  p.push_back(IntParam("tls-session-cache-timeout", false,
                       &ConfigValues::tls_session_cache_timeout, 0, INT_MAX));
  p.push_back(StringParam("tls-dh-params-file", false, &ConfigValues::tls_dh_params_file));
  // Compact encodings' bounds; each with its pre-7.0 "ziplist" name as an alias, as Redis.
  for (auto [name, alias, field] :
       {std::tuple{"hash-max-listpack-entries", "hash-max-ziplist-entries",
                   &ConfigValues::hash_max_listpack_entries},
        std::tuple{"set-max-intset-entries", "", &ConfigValues::set_max_intset_entries},
        std::tuple{"set-max-listpack-entries", "", &ConfigValues::set_max_listpack_entries},
        std::tuple{"zset-max-listpack-entries", "zset-max-ziplist-entries",
                   &ConfigValues::zset_max_listpack_entries}}) {
    p.push_back(IntParam(name, true, field, 0, INT64_MAX));
    if (*alias) PushAlias(p, IntParam(alias, true, field, 0, INT64_MAX));
  }
  for (auto [name, alias, field] :
       {std::tuple{"hash-max-listpack-value", "hash-max-ziplist-value",
                   &ConfigValues::hash_max_listpack_value},
        std::tuple{"set-max-listpack-value", "", &ConfigValues::set_max_listpack_value},
        std::tuple{"zset-max-listpack-value", "zset-max-ziplist-value",
                   &ConfigValues::zset_max_listpack_value}}) {
    p.push_back(MemoryParam(name, true, field, 0));
    if (*alias) PushAlias(p, MemoryParam(alias, true, field, 0));
  }
  p.push_back(MemoryParam("hll-sparse-max-bytes", true, &ConfigValues::hll_sparse_max_bytes, 0));
  p.push_back(MemoryParam("stream-node-max-bytes", true, &ConfigValues::stream_node_max_bytes, 0));
  p.push_back(IntParam("stream-node-max-entries", true, &ConfigValues::stream_node_max_entries, 0,
                       INT64_MAX));
  for (auto [name, alias, field, min] :
       {std::tuple{"list-max-listpack-size", "list-max-ziplist-size",
                   &ConfigValues::list_max_listpack_size, INT_MIN},
        std::tuple{"min-replicas-to-write", "min-slaves-to-write",
                   &ConfigValues::min_replicas_to_write, 0},
        std::tuple{"min-replicas-max-lag", "min-slaves-max-lag",
                   &ConfigValues::min_replicas_max_lag, 0}}) {
    p.push_back(IntParam(name, true, field, min, INT_MAX));
    PushAlias(p, IntParam(alias, true, field, min, INT_MAX));
  }
  AddRedisOnlyParams(p);
  // Forks into the background at start (server/supervision.h), unless supervised.
  p.push_back(BoolParam("daemonize", false, &ConfigValues::daemonize));
  p.push_back(EnumParam("supervised", &ConfigValues::supervised,
                        {"upstart", "systemd", "auto", "no"}, false));
  p.push_back(BoolParam("disable-thp", false, &ConfigValues::disable_thp));
  p.push_back(EnumParam("oom-score-adj", &ConfigValues::oom_score_adj,
                        {"no", "yes", "relative", "absolute"}));
  p.push_back(MakeParam("oom-score-adj-values", true, true, SetOomScoreValues,
                        [](const ConfigValues& v) {
                          std::string out;
                          for (int n : v.oom_score_adj_values) {
                            if (!out.empty()) out += ' ';
                            out += std::to_string(n);
                          }
                          return out;
                        }));
  // CONFIG SET changes the score at once, or fails as Redis's updateOOMScoreAdj.
  for (size_t i : {p.size() - 2, p.size() - 1}) {
    p[i]->apply = [](const ConfigValues& next) -> std::string {
      if (ApplyOomScoreAdj(next).empty()) return "";
      return "Failed to set current oom_score_adj. Check server logs.";
    };
  }
  for (auto [name, field] : {std::pair{"shutdown-on-sigint", &ConfigValues::shutdown_on_sigint},
                             std::pair{"shutdown-on-sigterm", &ConfigValues::shutdown_on_sigterm}}) {
    p.push_back(MakeParam(name, true, true, ShutdownFlagsSetter(field), ShutdownFlagsGetter(field)));
  }
  return p;
}

}  // namespace kvd
