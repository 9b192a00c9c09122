// Redis 7.0's parameters in kvd: every one is known, with Redis's default; the compact
// encodings' bounds and the process settings work; those of subsystems kvd does not have are
// checked as Redis checks them, shown by CONFIG GET, logged as having no effect, or refused
// when their value asks for the missing feature.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "server/config.h"
#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

using Args = std::vector<std::string_view>;

std::string GetOne(const Config& c, std::string_view name) {
  Args p = {name};
  auto all = c.Get(p);
  REQUIRE(all.size() == 1);
  return all[0].second;
}

std::string Set(Config& c, std::string_view name, std::string_view value) {
  Args pairs = {name, value};
  return c.Set(pairs);
}

TEST_CASE("every Redis 7.0 parameter is known, with Redis's default") {
  // CONFIG GET * of redis-server 7.0.15 started without a config file, but for the address
  // and files of that run (bind, dir, pidfile, port, save, daemonize: checked elsewhere).
  // clang-format off
  const std::map<std::string, std::string> redis = {
      {"acl-pubsub-default", "resetchannels"}, {"aclfile", ""}, {"acllog-max-len", "128"},
      {"active-defrag-cycle-max", "25"}, {"active-defrag-cycle-min", "1"},
      {"active-defrag-ignore-bytes", "104857600"}, {"active-defrag-max-scan-fields", "1000"},
      {"active-defrag-threshold-lower", "10"}, {"active-defrag-threshold-upper", "100"},
      {"active-expire-effort", "1"}, {"activedefrag", "no"}, {"activerehashing", "yes"},
      {"always-show-logo", "no"}, {"aof-disable-auto-gc", "no"}, {"aof-load-truncated", "yes"},
      {"aof-rewrite-incremental-fsync", "yes"}, {"aof-timestamp-enabled", "no"},
      {"aof-use-rdb-preamble", "yes"}, {"aof_rewrite_cpulist", ""},
      {"appenddirname", "appendonlydir"}, {"appendfilename", "appendonly.aof"},
      {"appendfsync", "everysec"}, {"appendonly", "no"},
      {"auto-aof-rewrite-min-size", "67108864"}, {"auto-aof-rewrite-percentage", "100"},
      {"bgsave_cpulist", ""}, {"bind-source-addr", ""}, {"bio_cpulist", ""},
      {"busy-reply-threshold", "5000"},
      {"client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
      {"client-query-buffer-limit", "1073741824"},
      {"cluster-allow-pubsubshard-when-down", "yes"}, {"cluster-allow-reads-when-down", "no"},
      {"cluster-allow-replica-migration", "yes"}, {"cluster-announce-bus-port", "0"},
      {"cluster-announce-hostname", ""}, {"cluster-announce-ip", ""},
      {"cluster-announce-port", "0"}, {"cluster-announce-tls-port", "0"},
      {"cluster-config-file", "nodes.conf"}, {"cluster-enabled", "no"},
      {"cluster-link-sendbuf-limit", "0"}, {"cluster-migration-barrier", "1"},
      {"cluster-node-timeout", "15000"}, {"cluster-port", "0"},
      {"cluster-preferred-endpoint-type", "ip"}, {"cluster-replica-no-failover", "no"},
      {"cluster-replica-validity-factor", "10"}, {"cluster-require-full-coverage", "yes"},
      {"cluster-slave-no-failover", "no"}, {"cluster-slave-validity-factor", "10"},
      {"crash-log-enabled", "yes"}, {"crash-memcheck-enabled", "yes"}, {"databases", "16"},
      {"dbfilename", "dump.rdb"}, {"disable-thp", "yes"}, {"dynamic-hz", "yes"},
      {"enable-debug-command", "no"}, {"enable-module-command", "no"},
      {"enable-protected-configs", "no"}, {"hash-max-listpack-entries", "512"},
      {"hash-max-listpack-value", "64"}, {"hash-max-ziplist-entries", "512"},
      {"hash-max-ziplist-value", "64"}, {"hll-sparse-max-bytes", "3000"}, {"hz", "10"},
      {"ignore-warnings", ""}, {"io-threads", "1"}, {"io-threads-do-reads", "no"},
      {"jemalloc-bg-thread", "yes"}, {"latency-monitor-threshold", "0"},
      {"latency-tracking", "yes"}, {"latency-tracking-info-percentiles", "50 99 99.9"},
      {"lazyfree-lazy-eviction", "no"}, {"lazyfree-lazy-expire", "no"},
      {"lazyfree-lazy-server-del", "no"}, {"lazyfree-lazy-user-del", "no"},
      {"lazyfree-lazy-user-flush", "no"}, {"lfu-decay-time", "1"}, {"lfu-log-factor", "10"},
      {"list-compress-depth", "0"}, {"list-max-listpack-size", "-2"},
      {"list-max-ziplist-size", "-2"}, {"logfile", ""}, {"loglevel", "notice"},
      {"lua-time-limit", "5000"}, {"masterauth", ""}, {"masteruser", ""},
      {"maxclients", "10000"}, {"maxmemory", "0"}, {"maxmemory-clients", "0"},
      {"maxmemory-eviction-tenacity", "10"}, {"maxmemory-policy", "noeviction"},
      {"maxmemory-samples", "5"}, {"min-replicas-max-lag", "10"},
      {"min-replicas-to-write", "0"}, {"min-slaves-max-lag", "10"},
      {"min-slaves-to-write", "0"}, {"no-appendfsync-on-rewrite", "no"},
      {"notify-keyspace-events", ""}, {"oom-score-adj", "no"},
      {"oom-score-adj-values", "0 200 800"},
      {"proc-title-template", "{title} {listen-addr} {server-mode}"},
      {"propagation-error-behavior", "ignore"}, {"protected-mode", "yes"},
      {"proto-max-bulk-len", "536870912"}, {"rdb-del-sync-files", "no"},
      {"rdb-save-incremental-fsync", "yes"}, {"rdbchecksum", "yes"}, {"rdbcompression", "yes"},
      {"repl-backlog-size", "1048576"}, {"repl-backlog-ttl", "3600"},
      {"repl-disable-tcp-nodelay", "no"}, {"repl-diskless-load", "disabled"},
      {"repl-diskless-sync", "yes"}, {"repl-diskless-sync-delay", "5"},
      {"repl-diskless-sync-max-replicas", "0"}, {"repl-ping-replica-period", "10"},
      {"repl-ping-slave-period", "10"}, {"repl-timeout", "60"}, {"replica-announce-ip", ""},
      {"replica-announce-port", "0"}, {"replica-announced", "yes"},
      {"replica-ignore-disk-write-errors", "no"}, {"replica-ignore-maxmemory", "yes"},
      {"replica-lazy-flush", "no"}, {"replica-priority", "100"}, {"replica-read-only", "yes"},
      {"replica-serve-stale-data", "yes"}, {"replicaof", ""}, {"requirepass", ""},
      {"sanitize-dump-payload", "no"}, {"server_cpulist", ""},
      {"set-max-intset-entries", "512"}, {"set-proc-title", "yes"},
      {"shutdown-on-sigint", "default"}, {"shutdown-on-sigterm", "default"},
      {"shutdown-timeout", "10"}, {"slave-announce-ip", ""}, {"slave-announce-port", "0"},
      {"slave-ignore-maxmemory", "yes"}, {"slave-lazy-flush", "no"}, {"slave-priority", "100"},
      {"slave-read-only", "yes"}, {"slave-serve-stale-data", "yes"}, {"slaveof", ""},
      {"slowlog-log-slower-than", "10000"}, {"slowlog-max-len", "128"}, {"socket-mark-id", "0"},
      {"stop-writes-on-bgsave-error", "yes"}, {"stream-node-max-bytes", "4096"},
      {"stream-node-max-entries", "100"}, {"supervised", "no"}, {"syslog-enabled", "no"},
      {"syslog-facility", "local0"}, {"syslog-ident", "redis"}, {"tcp-backlog", "511"},
      {"tcp-keepalive", "300"}, {"timeout", "0"}, {"tls-auth-clients", "yes"},
      {"tls-ca-cert-dir", ""}, {"tls-ca-cert-file", ""}, {"tls-cert-file", ""},
      {"tls-ciphers", ""}, {"tls-ciphersuites", ""}, {"tls-client-cert-file", ""},
      {"tls-client-key-file", ""}, {"tls-client-key-file-pass", ""}, {"tls-cluster", "no"},
      {"tls-dh-params-file", ""}, {"tls-key-file", ""}, {"tls-key-file-pass", ""},
      {"tls-port", "0"}, {"tls-prefer-server-ciphers", "no"}, {"tls-protocols", ""},
      {"tls-replication", "no"}, {"tls-session-cache-size", "20480"},
      {"tls-session-cache-timeout", "300"}, {"tls-session-caching", "yes"},
      {"tracking-table-max-keys", "1000000"}, {"unixsocket", ""}, {"unixsocketperm", "0"},
      {"zset-max-listpack-entries", "128"}, {"zset-max-listpack-value", "64"},
      {"zset-max-ziplist-entries", "128"}, {"zset-max-ziplist-value", "64"},
  };
  // clang-format on
  Config c;
  Args all = {"*"};
  std::map<std::string, std::string> got;
  for (auto& [k, v] : c.Get(all)) got[k] = v;
  for (const auto& entry : redis) {
    const std::string& name = entry.first;
    CAPTURE(name);
    REQUIRE(got.count(name) == 1);
    CHECK(got[name] == entry.second);
  }
  // Beyond Redis 7.0: 7.2's set listpack bounds, and kvd's own.
  for (std::string_view name :
       {"set-max-listpack-entries", "set-max-listpack-value", "metrics-port", "metrics-bind",
        "key-load-delay", "bind", "dir", "pidfile", "port", "save", "daemonize"}) {
    CAPTURE(name);
    CHECK(got.count(std::string(name)) == 1);
  }
  CHECK(got.size() == redis.size() + 11);
}

TEST_CASE("Redis-only parameters: Redis's checks, aliases, CONFIG GET, and a log line each") {
  Config c;
  CHECK(Set(c, "repl-backlog-size", "10mb") == "");
  CHECK(GetOne(c, "repl-backlog-size") == "10485760");
  CHECK(Set(c, "repl-backlog-size", "0").find("argument must be between 1 and") !=
        std::string::npos);
  CHECK(Set(c, "replica-read-only", "maybe").find("argument must be 'yes' or 'no'") !=
        std::string::npos);
  CHECK(Set(c, "repl-diskless-load", "bogus")
            .find("argument(s) must be one of the following: disabled, on-empty-db, swapdb") !=
        std::string::npos);
  CHECK(Set(c, "active-defrag-cycle-max", "100").find("argument must be between 1 and 99") !=
        std::string::npos);
  // An alias is the same parameter.
  CHECK(Set(c, "slave-read-only", "NO") == "");
  CHECK(GetOne(c, "replica-read-only") == "no");
  CHECK(GetOne(c, "slave-read-only") == "no");
  CHECK(Set(c, "list-compress-depth", "2") == "");
  // Both names in one CONFIG SET are one parameter twice, as Redis sees them.
  Args both = {"replica-read-only", "yes", "slave-read-only", "no"};
  CHECK(c.Set(both).find("duplicate parameter") != std::string::npos);
  Args encoding = {"hash-max-listpack-entries", "1", "hash-max-ziplist-entries", "2"};
  CHECK(c.Set(encoding).find("duplicate parameter") != std::string::npos);

  // Immutable ones only at startup.
  CHECK(Set(c, "always-show-logo", "yes").find("can't set immutable config") != std::string::npos);
  CHECK(c.ApplyStartup("always-show-logo", Args{"yes"}) == "");

  // Back at the default, a value is no longer reported.
  CHECK(Set(c, "repl-backlog-size", "1048576") == "");
  const std::vector<std::string> lines = c.IneffectiveSettings();
  // replica-read-only is replication's own: nothing to report.
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "'list-compress-depth 2' has no effect: kvd does not compress list chunks");
  CHECK(lines[1] == "'always-show-logo yes' has no effect: kvd has no logo");
}

TEST_CASE("the replication parameters kvd implements are accepted and reported as set") {
  Config c;
  CHECK(c.ApplyStartup("replicaof", Args{"10.0.0.1", "6379"}) == "");
  CHECK(GetOne(c, "replicaof") == "10.0.0.1 6379");
  CHECK(GetOne(c, "slaveof") == "10.0.0.1 6379");
  CHECK(c.ApplyStartup("slaveof", Args{"10.0.0.2 6380"}) == "");
  CHECK(GetOne(c, "replicaof") == "10.0.0.2 6380");
  CHECK(Set(c, "replicaof", "10.0.0.1 6379").find("can't set immutable config") !=
        std::string::npos);
  for (const auto& entry :
       std::vector<std::pair<std::string, std::string>>{{"masterauth", "secret"},
                                                        {"masteruser", "repl"},
                                                        {"replica-read-only", "no"},
                                                        {"replica-serve-stale-data", "no"},
                                                        {"replica-announce-ip", "10.1.1.1"},
                                                        {"replica-announce-port", "7000"},
                                                        {"replica-priority", "10"},
                                                        {"replica-announced", "no"},
                                                        {"replica-ignore-maxmemory", "no"}}) {
    const std::string& name = entry.first;
    CAPTURE(name);
    CHECK(Set(c, name, entry.second) == "");
    CHECK(GetOne(c, name) == entry.second);
  }
  CHECK(c.IneffectiveSettings().empty());
}

TEST_CASE("values that ask for a feature kvd lacks are refused with the reason") {
  Config c;
  auto refused = [&](std::string_view name, Args values, std::string_view reason) {
    CAPTURE(name);
    const std::string err = c.ApplyStartup(name, values);
    CHECK(err.find(reason) != std::string::npos);
  };
  refused("cluster-enabled", {"yes"}, "cluster mode is not supported");
  refused("activedefrag", {"yes"}, "Active defragmentation cannot be enabled");
  refused("syslog-enabled", {"yes"}, "syslog is not supported");
  refused("maxmemory-clients", {"10mb"}, "client eviction (maxmemory-clients) is not supported");
  refused("replicaof", {"10.0.0.1"}, "wrong number of arguments");
  refused("loadmodule", {"/usr/lib/redis/modules/redisjson.so"},
          "kvd does not load Redis modules");
  // What they are by default is fine, and "no one" is no primary.
  const std::pair<std::string_view, std::string_view> defaults[] = {{"cluster-enabled", "no"},
                                                                    {"activedefrag", "no"},
                                                                    {"syslog-enabled", "no"},
                                                                    {"maxmemory-clients", "0"},
                                                                    {"unixsocket", ""}};
  for (const auto& entry : defaults) {
    const std::string_view name = entry.first;
    CAPTURE(name);
    CHECK(c.ApplyStartup(name, Args{entry.second}) == "");
  }
  CHECK(c.ApplyStartup("replicaof", Args{"no", "one"}) == "");
  CHECK(GetOne(c, "replicaof") == "");
  CHECK(c.IneffectiveSettings().empty());
}

TEST_CASE("unixsocketperm is octal, as chmod takes it and Redis shows it") {
  Config c;
  CHECK(c.ApplyStartup("unixsocketperm", Args{"770"}) == "");
  CHECK(c.values().unixsocketperm == 0770);
  CHECK(GetOne(c, "unixsocketperm") == "770");
  CHECK(c.ApplyStartup("unixsocketperm", Args{"800"}).find("couldn't be parsed") !=
        std::string::npos);
  CHECK(c.ApplyStartup("unixsocketperm", Args{"1000"}).find("between 0 and 511") !=
        std::string::npos);
}

TEST_CASE("shutdown-on-sigint/sigterm flags and oom-score-adj-values, as Redis parses them") {
  Config c;
  CHECK(GetOne(c, "shutdown-on-sigterm") == "default");
  CHECK(Set(c, "shutdown-on-sigterm", "force nosave") == "");
  CHECK(GetOne(c, "shutdown-on-sigterm") == "nosave force");
  CHECK(c.values().shutdown_on_sigterm == (kShutdownOnNoSave | kShutdownOnForce));
  CHECK(Set(c, "shutdown-on-sigint", "save nosave").find("can't be both save and nosave") !=
        std::string::npos);
  CHECK(Set(c, "shutdown-on-sigint", "later").find("must be one of the following") !=
        std::string::npos);
  CHECK(Set(c, "shutdown-on-sigint", "default") == "");
  CHECK(c.values().shutdown_on_sigint == 0);

  CHECK(Set(c, "oom-score-adj-values", "1 2").find("wrong number of arguments") !=
        std::string::npos);
  CHECK(Set(c, "oom-score-adj-values", "0 200 2001").find("between -2000 and 2000") !=
        std::string::npos);
  CHECK(GetOne(c, "oom-score-adj-values") == "0 200 800");
  CHECK(Set(c, "oom-score-adj", "sometimes").find("must be one of the following") !=
        std::string::npos);
}

TEST_CASE("min-replicas-to-write: kvd has no replicas, so writes get -NOREPLICAS") {
  Harness h;
  CHECK(h.Run({"SET", "k", "1"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "SET", "min-slaves-to-write", "1"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "2"}) == "-NOREPLICAS Not enough good replicas to write.\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"EVAL", "return redis.call('set', 'k', '3')", "0"}).find("NOREPLICAS") !=
        std::string::npos);
  // min-replicas-max-lag 0 turns the check off, as in Redis.
  CHECK(h.Run({"CONFIG", "SET", "min-replicas-max-lag", "0"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "4"}) == "+OK\r\n");
}

TEST_CASE("acl-pubsub-default: the channels a new user starts with") {
  Harness h;
  CHECK(h.Run({"ACL", "SETUSER", "before"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "SET", "acl-pubsub-default", "allchannels"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "after"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "selectors", "(~x +get)"}) == "+OK\r\n");
  const std::string list = h.Run({"ACL", "LIST"});
  CHECK(list.find("user after off sanitize-payload &* -@all") != std::string::npos);
  CHECK(list.find("user before off sanitize-payload resetchannels -@all") != std::string::npos);
  CHECK(list.find("(~x &* -@all +get)") != std::string::npos);
  // "reset" goes back to the default of the moment.
  CHECK(h.Run({"ACL", "SETUSER", "before", "reset"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "LIST"}).find("user before off sanitize-payload &* -@all") !=
        std::string::npos);
}

TEST_CASE("the encoding bounds reach the collections, under both names") {
  Harness h;
  CHECK(h.Run({"CONFIG", "SET", "hash-max-ziplist-entries", "2"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "GET", "hash-max-listpack-entries"}) ==
        "*2\r\n$25\r\nhash-max-listpack-entries\r\n$1\r\n2\r\n");
  CHECK(h.Run({"HSET", "h", "a", "1", "b", "2"}) == ":2\r\n");
  CHECK(h.Run({"OBJECT", "ENCODING", "h"}) == "$8\r\nlistpack\r\n");
  CHECK(h.Run({"HSET", "h", "c", "3"}) == ":1\r\n");
  CHECK(h.Run({"OBJECT", "ENCODING", "h"}) == "$9\r\nhashtable\r\n");

  CHECK(h.Run({"CONFIG", "SET", "zset-max-listpack-value", "4"}) == "+OK\r\n");
  CHECK(h.Run({"ZADD", "z", "1", "four"}) == ":1\r\n");
  CHECK(h.Run({"OBJECT", "ENCODING", "z"}) == "$8\r\nlistpack\r\n");
  CHECK(h.Run({"ZADD", "z", "2", "fives"}) == ":1\r\n");
  CHECK(h.Run({"OBJECT", "ENCODING", "z"}) == "$8\r\nskiplist\r\n");

  CHECK(h.Run({"CONFIG", "SET", "set-max-intset-entries", "1"}) == "+OK\r\n");
  CHECK(h.Run({"SADD", "s", "1"}) == ":1\r\n");
  CHECK(h.Run({"OBJECT", "ENCODING", "s"}) == "$6\r\nintset\r\n");
  CHECK(h.Run({"SADD", "s", "2"}) == ":1\r\n");
  CHECK(h.Run({"OBJECT", "ENCODING", "s"}) != "$6\r\nintset\r\n");
  // With no room for an intset, new sets of integers start as listpacks (setTypeCreate).
  CHECK(h.Run({"CONFIG", "SET", "set-max-intset-entries", "0"}) == "+OK\r\n");
  CHECK(h.Run({"SADD", "src", "7", "8"}) == ":2\r\n");
  CHECK(h.Run({"OBJECT", "ENCODING", "src"}) == "$8\r\nlistpack\r\n");
  CHECK(h.Run({"SMOVE", "src", "dst", "7"}) == ":1\r\n");
  CHECK(h.Run({"OBJECT", "ENCODING", "dst"}) == "$8\r\nlistpack\r\n");

  CHECK(h.Run({"CONFIG", "SET", "list-max-listpack-size", "2"}) == "+OK\r\n");
  CHECK(h.Run({"RPUSH", "l", "a", "b"}) == ":2\r\n");
  CHECK(h.Run({"OBJECT", "ENCODING", "l"}) == "$8\r\nlistpack\r\n");
  CHECK(h.Run({"RPUSH", "l", "c"}) == ":3\r\n");
  CHECK(h.Run({"OBJECT", "ENCODING", "l"}) == "$9\r\nquicklist\r\n");
  // A new harness (server) starts from the config's defaults again.
}

}  // namespace
}  // namespace kvd::testing
