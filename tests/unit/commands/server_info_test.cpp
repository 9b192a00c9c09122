// INFO: sections, field names and values that move.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/value_type.h"
#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

std::string InfoText(Harness& h, std::vector<std::string_view> args) {
  args.insert(args.begin(), "INFO");
  auto v = RespReader::ParseOne(h.Run(args));
  REQUIRE(v.has_value());
  REQUIRE((v->type == '$' || v->type == '='));
  return v->str;
}

std::map<std::string, std::string> Info(Harness& h, std::vector<std::string_view> args = {}) {
  return InfoFields(InfoText(h, std::move(args)));
}

std::vector<std::string> Headers(const std::string& text) {
  std::vector<std::string> headers;
  size_t pos = 0;
  while ((pos = text.find("# ", pos)) != std::string::npos) {
    size_t end = text.find("\r\n", pos);
    headers.push_back(text.substr(pos + 2, end - pos - 2));
    pos = end;
  }
  return headers;
}

void Put(Harness& h, std::string_view key, int64_t expire_at_ms = kNoExpiry, size_t db = 0) {
  h.store.Db(db).SetString(key, "value", expire_at_ms, TtlMode::kClear, h.clock.NowMs());
}

TEST_CASE("plain INFO: the default sections, Redis's layout") {
  Harness h;
  std::string text = InfoText(h, {});
  CHECK(Headers(text) == std::vector<std::string>{"Server", "Clients", "Memory", "Persistence",
                                                  "Stats", "Replication", "CPU", "Modules",
                                                  "Errorstats", "Cluster", "Keyspace"});
  CHECK(text.rfind("# Server\r\nredis_version:7.2.4\r\n", 0) == 0);
  CHECK(text.find("\r\n\r\n# Clients\r\n") != std::string::npos);
  CHECK(text.find('\n') == text.find("\r\n") + 1);  // CRLF line endings
  CHECK(text.substr(text.size() - 2) == "\r\n");
  CHECK(text.substr(text.size() - 4) != "\r\n\r\n");
  CHECK(Headers(InfoText(h, {"default"})) == Headers(text));
}

// Field names in order, as INFO lists them.
std::vector<std::string> FieldNames(const std::string& text) {
  std::vector<std::string> names;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    if (!line.empty() && line[0] != '#') names.push_back(line.substr(0, line.find(':')));
    pos = end + 2;
  }
  return names;
}

TEST_CASE("INFO has every field of Redis 7.0 and 7.2's, in Redis's order") {
  // redis-server 7.0.15's fields, section by section, with 7.2's additions in their places
  // (listener0, total_blocking_keys*, the *_buffer_limit_disconnections, acl_access_denied_*).
  // kvd's own fields (kvd_version, cgroup_memory_limit...) may come between them.
  const std::map<std::string, std::vector<std::string>> redis = {
      {"server",
       {"redis_version", "redis_git_sha1", "redis_git_dirty", "redis_build_id", "redis_mode", "os",
        "arch_bits", "monotonic_clock", "multiplexing_api", "atomicvar_api", "gcc_version",
        "process_id", "process_supervised", "run_id", "tcp_port", "server_time_usec",
        "uptime_in_seconds", "uptime_in_days", "hz", "configured_hz", "lru_clock", "executable",
        "config_file", "io_threads_active", "listener0"}},
      {"clients",
       {"connected_clients", "cluster_connections", "maxclients", "client_recent_max_input_buffer",
        "client_recent_max_output_buffer", "blocked_clients", "tracking_clients",
        "clients_in_timeout_table", "total_blocking_keys", "total_blocking_keys_on_nokey"}},
      {"persistence",
       {"loading", "async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age",
        "current_fork_perc", "current_save_keys_processed", "current_save_keys_total",
        "rdb_changes_since_last_save", "rdb_bgsave_in_progress", "rdb_last_save_time",
        "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec", "rdb_current_bgsave_time_sec",
        "rdb_saves", "rdb_last_cow_size", "rdb_last_load_keys_expired",
        "rdb_last_load_keys_loaded", "aof_enabled", "aof_rewrite_in_progress",
        "aof_rewrite_scheduled", "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec",
        "aof_last_bgrewrite_status", "aof_rewrites", "aof_rewrites_consecutive_failures",
        "aof_last_write_status", "aof_last_cow_size", "module_fork_in_progress",
        "module_fork_last_cow_size"}},
      {"stats",
       {"total_connections_received", "total_commands_processed", "instantaneous_ops_per_sec",
        "total_net_input_bytes", "total_net_output_bytes", "total_net_repl_input_bytes",
        "total_net_repl_output_bytes", "instantaneous_input_kbps", "instantaneous_output_kbps",
        "instantaneous_input_repl_kbps", "instantaneous_output_repl_kbps", "rejected_connections",
        "sync_full", "sync_partial_ok", "sync_partial_err", "expired_keys", "expired_stale_perc",
        "expired_time_cap_reached_count", "expire_cycle_cpu_milliseconds", "evicted_keys",
        "evicted_clients", "total_eviction_exceeded_time", "current_eviction_exceeded_time",
        "keyspace_hits", "keyspace_misses", "pubsub_channels", "pubsub_patterns",
        "pubsubshard_channels", "latest_fork_usec", "total_forks", "migrate_cached_sockets",
        "slave_expires_tracked_keys", "active_defrag_hits", "active_defrag_misses",
        "active_defrag_key_hits", "active_defrag_key_misses", "total_active_defrag_time",
        "current_active_defrag_time", "tracking_total_keys", "tracking_total_items",
        "tracking_total_prefixes", "unexpected_error_replies", "total_error_replies",
        "dump_payload_sanitizations", "total_reads_processed", "total_writes_processed",
        "io_threaded_reads_processed", "io_threaded_writes_processed",
        "client_query_buffer_limit_disconnections", "client_output_buffer_limit_disconnections",
        "reply_buffer_shrinks", "reply_buffer_expands", "acl_access_denied_auth",
        "acl_access_denied_cmd", "acl_access_denied_key", "acl_access_denied_channel"}},
      {"replication",
       {"role", "connected_slaves", "master_failover_state", "master_replid", "master_replid2",
        "master_repl_offset", "second_repl_offset", "repl_backlog_active", "repl_backlog_size",
        "repl_backlog_first_byte_offset", "repl_backlog_histlen"}},
      {"cpu",
       {"used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children",
        "used_cpu_sys_main_thread", "used_cpu_user_main_thread"}},
  };
  Harness h;
  for (const auto& entry : redis) {
    const std::string& section = entry.first;
    const std::vector<std::string>& expected = entry.second;
    CAPTURE(section);
    const std::vector<std::string> names = FieldNames(InfoText(h, {section}));
    // Redis's fields appear in kvd's list in the same order (a subsequence).
    size_t at = 0;
    for (const std::string& name : expected) {
      CAPTURE(name);
      auto it = std::find(names.begin() + static_cast<std::ptrdiff_t>(at), names.end(), name);
      REQUIRE(it != names.end());
      at = static_cast<size_t>(it - names.begin()) + 1;
    }
  }
}

TEST_CASE("INFO section selection") {
  Harness h;
  CHECK(Headers(InfoText(h, {"keyspace", "SERVER"})) ==
        std::vector<std::string>{"Server", "Keyspace"});  // Redis's order, any case
  CHECK(h.Run({"INFO", "nosuch"}) == "$0\r\n\r\n");
  CHECK(h.Run({"INFO", "keyspace"}) == "$12\r\n# Keyspace\r\n\r\n");
  std::vector<std::string> all = Headers(InfoText(h, {"all"}));
  CHECK(std::find(all.begin(), all.end(), "Commandstats") != all.end());
  CHECK(all.size() == 13);  // + Commandstats and Latencystats
  CHECK(Headers(InfoText(h, {"everything"})) == all);
  CHECK(Headers(InfoText(h, {"default", "commandstats"})).size() == 12);
}

TEST_CASE("INFO is a verbatim txt string in RESP3") {
  Harness h;
  REQUIRE(h.Run({"HELLO", "3"}).rfind("%7", 0) == 0);
  std::string reply = h.Run({"INFO", "cluster"});
  CHECK(reply == "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST_CASE("INFO server") {
  Harness h;
  h.server.tcp_port = 6390;
  h.server.executable = "/usr/local/bin/kvd";
  auto f = Info(h, {"server"});
  CHECK(f["redis_version"] == "7.2.4");
  CHECK(f["kvd_version"] == KVD_VERSION);
  CHECK(f["redis_mode"] == "standalone");
  CHECK(f["arch_bits"] == "64");
  CHECK(f["tcp_port"] == "6390");
  CHECK(f["executable"] == "/usr/local/bin/kvd");
  CHECK(f["config_file"] == "");
  CHECK(f["hz"] == "10");
  CHECK(f["run_id"].size() == 40);
  CHECK(f["process_id"] == std::to_string(getpid()));
  CHECK(f["os"].rfind("Linux ", 0) == 0);
  CHECK(f["uptime_in_seconds"] == "0");
  CHECK(f["listener0"] == "name=tcp,bind=127.0.0.1,bind=-::1,port=6390");
  CHECK(f["server_time_usec"] == std::to_string(h.clock.NowUs()));
  CHECK(f["redis_build_id"].size() == 16);
  CHECK(f["atomicvar_api"] == "c11-builtin");
  CHECK(f["io_threads_active"] == "0");
  // Redis's LRU clock: seconds modulo 2^24, as the cron last set it.
  h.server.Cron(h.clock.NowMs());
  CHECK(Info(h, {"server"})["lru_clock"] ==
        std::to_string((h.clock.NowMs() / 1000) & ((1 << 24) - 1)));
  h.clock.Advance(2 * 86400 * 1000 + 5000);
  f = Info(h, {"server"});
  CHECK(f["uptime_in_seconds"] == std::to_string(2 * 86400 + 5));
  CHECK(f["uptime_in_days"] == "2");
  REQUIRE(h.Run({"CONFIG", "SET", "hz", "50"}) == "+OK\r\n");
  CHECK(Info(h, {"server"})["hz"] == "50");
}

TEST_CASE("INFO clients counts connections") {
  Harness h;
  auto f = Info(h, {"clients"});
  CHECK(f["connected_clients"] == "1");
  CHECK(f["maxclients"] == "10000");
  CHECK(f["blocked_clients"] == "0");
  ClientState other;
  other.query_buffer_bytes = 300;
  h.server.AddClient(other);
  f = Info(h, {"clients"});
  CHECK(f["connected_clients"] == "2");
  CHECK(f["client_recent_max_input_buffer"] == "300");
  h.server.RemoveClient(other);
}

TEST_CASE("INFO memory follows the data and maxmemory") {
  Harness h;
  auto before = Info(h, {"memory"});
  const long long used_before = std::stoll(before["used_memory"]);
  CHECK(used_before > 0);
  CHECK(std::stoll(before["used_memory_rss"]) > 0);
  CHECK(before["maxmemory"] == "0");
  CHECK(before["maxmemory_human"] == "0B");
  CHECK(before["maxmemory_policy"] == "noeviction");
  CHECK(before.count("used_memory_human") == 1);
  CHECK(before.count("mem_allocator") == 1);

  h.store.Db(0).SetString("big", std::string(100000, 'x'), kNoExpiry, TtlMode::kClear,
                          h.clock.NowMs());
  auto after = Info(h, {"memory"});
  const long long used_after = std::stoll(after["used_memory"]);
  CHECK(used_after >= used_before + 100000);
  CHECK(std::stoll(after["used_memory_peak"]) >= used_after);

  REQUIRE(h.Run({"FLUSHALL"}) == "+OK\r\n");
  auto flushed = Info(h, {"memory"});
  CHECK(std::stoll(flushed["used_memory"]) < used_after - 90000);
  CHECK(std::stoll(flushed["used_memory_peak"]) >= used_after);  // the peak stays

  REQUIRE(h.Run({"CONFIG", "SET", "maxmemory", "1mb"}) == "+OK\r\n");
  CHECK(Info(h, {"memory"})["maxmemory"] == "1048576");
  CHECK(Info(h, {"memory"})["maxmemory_human"] == "1.00M");
}

TEST_CASE("INFO persistence counts changes since the last save") {
  Harness h;
  auto f = Info(h, {"persistence"});
  CHECK(f["loading"] == "0");
  CHECK(f["rdb_changes_since_last_save"] == "0");
  CHECK(f["rdb_bgsave_in_progress"] == "0");
  CHECK(f["aof_enabled"] == "0");
  CHECK(f["rdb_last_save_time"] == std::to_string(h.clock.NowMs() / 1000));
  Put(h, "a");
  Put(h, "b");
  REQUIRE(h.Run({"FLUSHDB"}) == "+OK\r\n");
  CHECK(Info(h, {"persistence"})["rdb_changes_since_last_save"] == "2");
}

TEST_CASE("INFO stats and replication") {
  Harness h;
  auto f = Info(h, {"stats"});
  const long long processed = std::stoll(f["total_commands_processed"]);
  CHECK(f["total_connections_received"] == "1");
  CHECK(f["expired_keys"] == "0");
  CHECK(f["total_error_replies"] == "0");
  CHECK(f.count("keyspace_hits") == 1);
  CHECK(f.count("keyspace_misses") == 1);
  CHECK(f.count("instantaneous_ops_per_sec") == 1);
  REQUIRE(h.Run({"PING"}) == "+PONG\r\n");
  REQUIRE(h.Run({"SELECT", "99"}).rfind("-ERR", 0) == 0);
  Put(h, "short", h.clock.NowMs() + 10);
  h.clock.Advance(11);
  REQUIRE(h.Run({"DBSIZE"}) == ":0\r\n");
  f = Info(h, {"stats"});
  CHECK(std::stoll(f["total_commands_processed"]) == processed + 4);  // INFO, PING, SELECT, DBSIZE
  CHECK(f["total_error_replies"] == "1");
  CHECK(f["expired_keys"] == "1");
  CHECK(f["unexpected_error_replies"] == "0");
  CHECK(f["instantaneous_input_kbps"] == "0.00");
  CHECK(f["expired_stale_perc"] == "0.00");

  // The figures kept by the cron and the connections, as INFO shows them.
  h.server.stats.total_net_repl_input_bytes = 4096;
  h.server.stats.expired_stale_perc = 0.25;
  h.server.stats.expire_cycle_time_used_us = 2500;
  h.server.io_counts.CountRead();
  h.server.io_counts.CountWrite();
  h.server.Cron(h.clock.NowMs());
  for (int i = 0; i < 16; ++i) {
    h.server.stats.total_net_output_bytes += 512;
    h.clock.Advance(100);
    h.server.Cron(h.clock.NowMs());
  }
  f = Info(h, {"stats"});
  CHECK(f["total_net_repl_input_bytes"] == "4096");
  CHECK(f["instantaneous_output_kbps"] == "5.00");  // 512 bytes per 100 ms
  CHECK(f["expired_stale_perc"] == "25.00");
  CHECK(f["expire_cycle_cpu_milliseconds"] == "2");
  CHECK(f["total_reads_processed"] == "1");
  CHECK(f["total_writes_processed"] == "1");
  CHECK(f["io_threaded_reads_processed"] == "0");  // one I/O thread

  auto r = Info(h, {"replication"});
  CHECK(r["role"] == "master");
  CHECK(r["connected_slaves"] == "0");
  CHECK(r["master_replid"].size() == 40);
}

TEST_CASE("INFO cpu reads the process's usage") {
  Harness h;
  auto f = Info(h, {"cpu"});
  for (const char* name :
       {"used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children",
        "used_cpu_sys_main_thread", "used_cpu_user_main_thread"}) {
    CAPTURE(name);
    REQUIRE(f.count(name) == 1);
    CHECK(f[name].find('.') != std::string::npos);
    CHECK(std::stod(f[name]) >= 0);
  }
}

TEST_CASE("INFO keyspace: one line per non-empty database, expired keys never counted") {
  Harness h;
  CHECK(Info(h, {"keyspace"}).empty());
  Put(h, "k1");
  Put(h, "k2", h.clock.NowMs() + 10000);
  Put(h, "k3", kNoExpiry, 3);
  auto f = Info(h, {"keyspace"});
  CHECK(f.size() == 2);
  CHECK(f["db0"] == "keys=2,expires=1,avg_ttl=10000");
  CHECK(f["db3"] == "keys=1,expires=0,avg_ttl=0");
  h.clock.Advance(10001);
  f = Info(h, {"keyspace"});
  CHECK(f["db0"] == "keys=1,expires=0,avg_ttl=0");
  REQUIRE(h.Run({"FLUSHALL"}) == "+OK\r\n");
  CHECK(Info(h, {"keyspace"}).empty());
}

TEST_CASE("INFO commandstats: calls, failures and rejections per command") {
  Harness h;
  CHECK(Info(h, {"commandstats"}).empty());
  REQUIRE(h.Run({"PING"}) == "+PONG\r\n");
  REQUIRE(h.Run({"PING"}) == "+PONG\r\n");
  REQUIRE(h.Run({"SELECT", "99"}).rfind("-ERR", 0) == 0);
  REQUIRE(h.Run({"SELECT"}).rfind("-ERR wrong number", 0) == 0);
  REQUIRE(h.Run({"CLIENT", "ID"}).rfind(":", 0) == 0);
  auto f = Info(h, {"commandstats"});
  CHECK(f["cmdstat_ping"].rfind("calls=2,usec=", 0) == 0);
  CHECK(f["cmdstat_ping"].find(",rejected_calls=0,failed_calls=0") != std::string::npos);
  CHECK(f["cmdstat_ping"].find(",usec_per_call=") != std::string::npos);
  CHECK(f["cmdstat_select"].rfind("calls=1,", 0) == 0);
  CHECK(f["cmdstat_select"].find(",rejected_calls=1,failed_calls=1") != std::string::npos);
  CHECK(f["cmdstat_client|id"].rfind("calls=1,", 0) == 0);
  CHECK(f.count("cmdstat_info") == 1);  // the first INFO
  CHECK(f.count("cmdstat_echo") == 0);
}

TEST_CASE("INFO errorstats counts errors by kind") {
  Harness h;
  CHECK(Info(h, {"errorstats"}).empty());
  REQUIRE(h.Run({"SELECT", "99"}).rfind("-ERR", 0) == 0);
  REQUIRE(h.Run({"NOSUCHCMD"}).rfind("-ERR", 0) == 0);
  REQUIRE(h.Run({"AUTH", "someone", "pw"}).rfind("-WRONGPASS", 0) == 0);
  auto f = Info(h, {"errorstats"});
  CHECK(f["errorstat_ERR"] == "count=2");
  CHECK(f["errorstat_WRONGPASS"] == "count=1");
}

TEST_CASE("CONFIG RESETSTAT clears the statistics INFO reports") {
  Harness h;
  REQUIRE(h.Run({"SELECT", "99"}).rfind("-ERR", 0) == 0);
  REQUIRE(h.Run({"PING"}) == "+PONG\r\n");
  Put(h, "gone", h.clock.NowMs() + 1);
  h.clock.Advance(2);
  REQUIRE(h.Run({"DBSIZE"}) == ":0\r\n");
  h.server.io_counts.CountRead();
  CHECK(h.Run({"CONFIG", "RESETSTAT"}) == "+OK\r\n");
  auto f = Info(h, {"stats", "commandstats", "errorstats"});
  CHECK(f["total_commands_processed"] == "1");  // CONFIG RESETSTAT itself
  CHECK(f["total_error_replies"] == "0");
  CHECK(f["expired_keys"] == "0");
  CHECK(f["total_reads_processed"] == "0");
  CHECK(f.count("cmdstat_ping") == 0);
  CHECK(f.count("cmdstat_config|resetstat") == 1);
  CHECK(f.count("errorstat_ERR") == 0);
}

}  // namespace
}  // namespace kvd::testing
