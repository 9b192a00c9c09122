// Redis 7.0's parameters for subsystems kvd does not have: replication, cluster, jemalloc's
// defragmentation, list compression, the process title, CPU pinning and a few more.
//
// A redis.conf names many of them, so kvd accepts each with Redis's checks (type, range,
// choices), remembers the value and shows it to CONFIG GET, and the server logs at start
// that a value other than the default has no effect (ServerState::LogRedisOnlySettings).
// Each is inert in a way Redis itself would be in kvd's place: the cluster ones with
// cluster-enabled no, the defragmentation ones without jemalloc. A value that asks for the
// missing feature itself (cluster-enabled yes, activedefrag yes...) is refused: running
// without it would not be what the operator asked for. The replication ones kvd implements
// (replicaof, masterauth, replica-read-only...) have no reason here, and replication reads
// them (RedisOnlyValue).
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/config_param_kinds.h"
#include "server/config_params.h"

namespace kvd {
namespace {

// kWords: "<host> <port>" (replicaof), or "no one".
enum class Kind { kBool, kInt, kMemory, kEnum, kString, kWords };

struct RedisOnlyParam {
  std::string_view name;
  std::string_view alias;  // the older (slave-...) name, or ""
  Kind kind;
  std::string_view def;  // what CONFIG GET shows by default
  int64_t min = 0;
  int64_t max = 0;
  std::string_view choices = "";  // kEnum: the allowed words
  bool runtime = true;
  std::string_view why = "";  // why it has no effect in kvd (the startup log line)
  // A value that is refused, compared case-insensitively ("*": any but the default).
  std::string_view refused = "";
  std::string_view refusal = "";
};

constexpr std::string_view kReplication = "kvd's replication does not use this setting";
constexpr std::string_view kDiskless = "kvd sends replicas a snapshot written to a file";
constexpr std::string_view kCluster = "kvd has no cluster mode";
constexpr std::string_view kDefrag = "kvd has no active defragmentation";
constexpr std::string_view kNoJemalloc = "kvd does not use jemalloc";
constexpr std::string_view kTls = "kvd makes no outgoing TLS connections";

constexpr int64_t kLongMax = INT64_MAX;

// In Redis's CONFIG GET order is not kept (it has none); grouped by subsystem.
const RedisOnlyParam kParams[] = {
    // Replication.
    {"replicaof", "slaveof", Kind::kWords, "", 0, 0, "", false, ""},
    {"masterauth", "", Kind::kString, "", 0, 0, "", true, ""},
    {"masteruser", "", Kind::kString, "", 0, 0, "", true, ""},
    {"repl-backlog-size", "", Kind::kMemory, "1048576", 1, kLongMax, "", true, ""},
    {"repl-backlog-ttl", "", Kind::kInt, "3600", 0, kLongMax, "", true, ""},
    {"repl-disable-tcp-nodelay", "", Kind::kBool, "no", 0, 0, "", true, kReplication},
    {"repl-diskless-load", "", Kind::kEnum, "disabled", 0, 0, "disabled on-empty-db swapdb", true,
     "kvd's replica writes the snapshot to a file before loading it"},
    {"repl-diskless-sync", "", Kind::kBool, "yes", 0, 0, "", true, kDiskless},
    {"repl-diskless-sync-delay", "", Kind::kInt, "5", 0, INT_MAX, "", true, kDiskless},
    {"repl-diskless-sync-max-replicas", "", Kind::kInt, "0", 0, INT_MAX, "", true, kDiskless},
    {"repl-ping-replica-period", "repl-ping-slave-period", Kind::kInt, "10", 1, INT_MAX, "", true,
     ""},
    {"repl-timeout", "", Kind::kInt, "60", 1, INT_MAX, "", true, ""},
    {"replica-announce-ip", "slave-announce-ip", Kind::kString, "", 0, 0, "", true, ""},
    {"replica-announce-port", "slave-announce-port", Kind::kInt, "0", 0, 65535, "", true, ""},
    {"replica-announced", "", Kind::kBool, "yes", 0, 0, "", true, ""},
    {"replica-ignore-disk-write-errors", "", Kind::kBool, "no", 0, 0, "", true, kReplication},
    {"replica-ignore-maxmemory", "slave-ignore-maxmemory", Kind::kBool, "yes", 0, 0, "", true,
     ""},
    {"replica-lazy-flush", "slave-lazy-flush", Kind::kBool, "no", 0, 0, "", true,
     "kvd's replica frees its old data on the store strand before a full sync"},
    {"replica-priority", "slave-priority", Kind::kInt, "100", 0, INT_MAX, "", true, ""},
    {"replica-read-only", "slave-read-only", Kind::kBool, "yes", 0, 0, "", true, ""},
    {"replica-serve-stale-data", "slave-serve-stale-data", Kind::kBool, "yes", 0, 0, "", true,
     ""},
    {"rdb-del-sync-files", "", Kind::kBool, "no", 0, 0, "", true, kReplication},
    {"bind-source-addr", "", Kind::kString, "", 0, 0, "", true, kReplication},
    {"propagation-error-behavior", "", Kind::kEnum, "ignore", 0, 0,
     "ignore panic panic-on-replicas", true, kReplication},
    // Cluster: off, as kvd shards behind a proxy instead.
    {"cluster-enabled", "", Kind::kBool, "no", 0, 0, "", false, kCluster, "yes",
     "cluster mode is not supported: shard kvd behind a proxy (README, Scaling)"},
    {"cluster-config-file", "", Kind::kString, "nodes.conf", 0, 0, "", false, kCluster},
    {"cluster-node-timeout", "", Kind::kInt, "15000", 0, kLongMax, "", true, kCluster},
    {"cluster-port", "", Kind::kInt, "0", 0, 65535, "", false, kCluster},
    {"cluster-announce-ip", "", Kind::kString, "", 0, 0, "", true, kCluster},
    {"cluster-announce-hostname", "", Kind::kString, "", 0, 0, "", true, kCluster},
    {"cluster-announce-port", "", Kind::kInt, "0", 0, 65535, "", true, kCluster},
    {"cluster-announce-bus-port", "", Kind::kInt, "0", 0, 65535, "", true, kCluster},
    {"cluster-announce-tls-port", "", Kind::kInt, "0", 0, 65535, "", true, kCluster},
    {"cluster-migration-barrier", "", Kind::kInt, "1", 0, INT_MAX, "", true, kCluster},
    {"cluster-replica-validity-factor", "cluster-slave-validity-factor", Kind::kInt, "10", 0,
     INT_MAX, "", true, kCluster},
    {"cluster-replica-no-failover", "cluster-slave-no-failover", Kind::kBool, "no", 0, 0, "", true,
     kCluster},
    {"cluster-require-full-coverage", "", Kind::kBool, "yes", 0, 0, "", true, kCluster},
    {"cluster-allow-reads-when-down", "", Kind::kBool, "no", 0, 0, "", true, kCluster},
    {"cluster-allow-pubsubshard-when-down", "", Kind::kBool, "yes", 0, 0, "", true, kCluster},
    {"cluster-allow-replica-migration", "", Kind::kBool, "yes", 0, 0, "", true, kCluster},
    {"cluster-link-sendbuf-limit", "", Kind::kMemory, "0", 0, kLongMax, "", true, kCluster},
    {"cluster-preferred-endpoint-type", "", Kind::kEnum, "ip", 0, 0, "ip hostname unknown-endpoint",
     true, kCluster},
    {"tls-cluster", "", Kind::kBool, "no", 0, 0, "", true, kCluster},
    {"tls-replication", "", Kind::kBool, "no", 0, 0, "", true, kReplication},
    // Memory management of Redis's own allocator and data structures.
    {"activedefrag", "", Kind::kBool, "no", 0, 0, "", true, kDefrag, "yes",
     "Active defragmentation cannot be enabled: kvd is not built with a defragmenting "
     "allocator"},
    {"active-defrag-cycle-min", "", Kind::kInt, "1", 1, 99, "", true, kDefrag},
    {"active-defrag-cycle-max", "", Kind::kInt, "25", 1, 99, "", true, kDefrag},
    {"active-defrag-threshold-lower", "", Kind::kInt, "10", 0, 1000, "", true, kDefrag},
    {"active-defrag-threshold-upper", "", Kind::kInt, "100", 0, 1000, "", true, kDefrag},
    {"active-defrag-ignore-bytes", "", Kind::kMemory, "104857600", 1, kLongMax, "", true, kDefrag},
    {"active-defrag-max-scan-fields", "", Kind::kInt, "1000", 1, kLongMax, "", true, kDefrag},
    {"jemalloc-bg-thread", "", Kind::kBool, "yes", 0, 0, "", true, kNoJemalloc},
    {"activerehashing", "", Kind::kBool, "yes", 0, 0, "", true,
     "kvd's tables grow in one step, with nothing left to rehash later"},
    {"list-compress-depth", "", Kind::kInt, "0", 0, INT_MAX, "", true,
     "kvd does not compress list chunks"},
    {"lazyfree-lazy-expire", "", Kind::kBool, "no", 0, 0, "", true,
     "kvd frees expired values on the store strand"},
    {"lazyfree-lazy-server-del", "", Kind::kBool, "no", 0, 0, "", true,
     "kvd frees overwritten values on the store strand"},
    {"maxmemory-clients", "", Kind::kMemory, "0", 0, kLongMax, "", true, "", "*",
     "client eviction (maxmemory-clients) is not supported"},
    {"tracking-table-max-keys", "", Kind::kInt, "1000000", 0, kLongMax, "", true,
     "kvd's tracking table is not bounded"},
    // The process and its environment.
    {"always-show-logo", "", Kind::kBool, "no", 0, 0, "", false, "kvd has no logo"},
    {"set-proc-title", "", Kind::kBool, "yes", 0, 0, "", false,
     "kvd does not rewrite its process title"},
    {"proc-title-template", "", Kind::kString, "{title} {listen-addr} {server-mode}", 0, 0, "",
     true, "kvd does not rewrite its process title"},
    {"crash-log-enabled", "", Kind::kBool, "yes", 0, 0, "", true, "kvd writes no crash report"},
    {"crash-memcheck-enabled", "", Kind::kBool, "yes", 0, 0, "", true,
     "kvd writes no crash report"},
    {"dynamic-hz", "", Kind::kBool, "yes", 0, 0, "", true,
     "kvd's background tasks run at hz whatever the number of clients"},
    {"io-threads-do-reads", "", Kind::kBool, "no", 0, 0, "", false,
     "kvd's I/O threads always read and parse"},
    {"ignore-warnings", "", Kind::kString, "", 0, 0, "", true, "kvd has no such warnings"},
    {"server_cpulist", "", Kind::kString, "", 0, 0, "", false, "kvd does not pin threads"},
    {"bio_cpulist", "", Kind::kString, "", 0, 0, "", false, "kvd does not pin threads"},
    {"aof_rewrite_cpulist", "", Kind::kString, "", 0, 0, "", false, "kvd does not pin threads"},
    {"bgsave_cpulist", "", Kind::kString, "", 0, 0, "", false, "kvd does not pin threads"},
    {"socket-mark-id", "", Kind::kInt, "0", 0, UINT_MAX, "", true, "kvd does not mark its sockets"},
    {"syslog-enabled", "", Kind::kBool, "no", 0, 0, "", false, "", "yes",
     "syslog is not supported: kvd logs to logfile or standard output (journald keeps it "
     "under systemd)"},
    {"syslog-ident", "", Kind::kString, "redis", 0, 0, "", false, "kvd does not use syslog"},
    {"syslog-facility", "", Kind::kEnum, "local0", 0, 0,
     "user local0 local1 local2 local3 local4 local5 local6 local7", false,
     "kvd does not use syslog"},
    // Persistence tuning for Redis's forked child.
    {"rdb-save-incremental-fsync", "", Kind::kBool, "yes", 0, 0, "", true,
     "kvd syncs a snapshot file once, when it is complete"},
    {"aof-rewrite-incremental-fsync", "", Kind::kBool, "yes", 0, 0, "", true,
     "kvd syncs a rewritten log once, when it is complete"},
    {"no-appendfsync-on-rewrite", "", Kind::kBool, "no", 0, 0, "", true,
     "kvd keeps syncing the log during a rewrite"},
    {"aof-disable-auto-gc", "", Kind::kBool, "no", 0, 0, "", true,
     "kvd always removes a rewrite's old log files"},
    {"sanitize-dump-payload", "", Kind::kEnum, "no", 0, 0, "no yes clients", true,
     "kvd checks every payload it loads in full"},
    {"tls-client-cert-file", "", Kind::kString, "", 0, 0, "", true, kTls},
    {"tls-client-key-file", "", Kind::kString, "", 0, 0, "", true, kTls},
    {"tls-client-key-file-pass", "", Kind::kString, "", 0, 0, "", true, kTls},
};

// The canonical text of `in` for `p` (as CONFIG GET shows it), or an error in `err`.
std::string Canonical(const RedisOnlyParam& p, ParamValues in, std::string* err) {
  switch (p.kind) {
    case Kind::kBool: {
      bool b = false;
      *err = ParseYesNo(in[0], &b);
      return b ? "yes" : "no";
    }
    case Kind::kInt: {
      int64_t n = 0;
      *err = ParseIntIn(in[0], p.min, p.max, &n);
      return std::to_string(n);
    }
    case Kind::kMemory: {
      int64_t n = 0;
      *err = ParseMemoryIn(in[0], p.min, p.max, &n);
      return std::to_string(n);
    }
    case Kind::kEnum: {
      std::string_view choice;
      *err = ParseChoice(in[0], SplitWords(p.choices), &choice);
      return std::string(choice);
    }
    case Kind::kString:
      return std::string(in[0]);
    case Kind::kWords: {
      const std::vector<std::string_view> words = AllWords(in);
      if (words.empty()) return "";
      if (words.size() != 2) {
        *err = "wrong number of arguments";
        return "";
      }
      // "no one": no primary, as REPLICAOF NO ONE.
      if (EqualsIgnoreCase(words[0], "no") && EqualsIgnoreCase(words[1], "one")) return "";
      // Appended piece by piece: GCC 12 flags `a + " " + b` with a false -Wrestrict.
      std::string out(words[0]);
      out += ' ';
      out.append(words[1]);
      return out;
    }
  }
  return "";
}

Param MakeRedisOnlyParam(const RedisOnlyParam& p, std::string_view name) {
  return MakeParam(
      name, p.runtime, p.kind == Kind::kWords,
      [&p](ConfigValues& v, ParamValues in, bool) -> std::string {
        std::string err;
        std::string value = Canonical(p, in, &err);
        if (!err.empty()) return err;
        if (!p.refusal.empty() && value != p.def &&
            (p.refused == "*" || EqualsIgnoreCase(value, p.refused))) {
          return std::string(p.refusal);
        }
        if (value == p.def)
          v.redis_only.erase(std::string(p.name));
        else
          v.redis_only[std::string(p.name)] = std::move(value);
        return "";
      },
      [&p](const ConfigValues& v) {
        auto it = v.redis_only.find(p.name);
        return it == v.redis_only.end() ? std::string(p.def) : it->second;
      });
}

}  // namespace

void AddRedisOnlyParams(std::vector<Param>& params) {
  for (const RedisOnlyParam& p : kParams) {
    params.push_back(MakeRedisOnlyParam(p, p.name));
    if (!p.alias.empty()) PushAlias(params, MakeRedisOnlyParam(p, p.alias));
  }
}

std::vector<std::string> RedisOnlySettings(const ConfigValues& v) {
  std::vector<std::string> out;
  for (const RedisOnlyParam& p : kParams) {
    auto it = v.redis_only.find(p.name);
    if (it == v.redis_only.end() || p.why.empty()) continue;
    std::string line = "'";
    line.append(p.name).append(" ").append(it->second).append("' has no effect: ");
    line.append(p.why);
    out.push_back(std::move(line));
  }
  return out;
}

std::string RedisOnlyValue(const ConfigValues& v, std::string_view name) {
  auto it = v.redis_only.find(name);
  if (it != v.redis_only.end()) return it->second;
  for (const RedisOnlyParam& p : kParams) {
    if (p.name == name) return std::string(p.def);
  }
  return "";
}

int64_t RedisOnlyNumber(const ConfigValues& v, std::string_view name) {
  const std::string value = RedisOnlyValue(v, name);
  if (value == "yes") return 1;
  return ParseInt64(value).value_or(0);
}

}  // namespace kvd
