// Server commands end to end: INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME, CONFIG, MEMORY, SHUTDOWN.
#include <ctime>
#include <filesystem>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

std::string Info(RawClient& c, const std::vector<std::string>& sections = {}) {
  std::vector<std::string> cmd = {"INFO"};
  cmd.insert(cmd.end(), sections.begin(), sections.end());
  Reply r = c.Exec(cmd);
  REQUIRE(r.type == '$');
  return r.str;
}

// The "cmdstat_<name>:..." line of INFO commandstats, without the prefix ("" if absent).
std::string CmdStat(RawClient& c, const std::string& name) {
  return InfoField(Info(c, {"commandstats"}), "cmdstat_" + name).value_or("");
}

TEST_CASE("INFO sections and the fields tools read") {
  ServerProcess server;
  RawClient c(server.port());
  RawClient other(server.port());
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"SET", "t", "v", "EX", "100"}) == kOk);

  const std::string info = Info(c);
  for (const std::string& line : Lines(info)) {
    CAPTURE(line);
    CHECK(line.back() == '\r');  // lines end with CRLF
    CHECK((line == "\r" || line[0] == '#' || Contains(line, ":")));
  }
  for (const char* section : {"# Server\r\n", "# Clients\r\n", "# Memory\r\n",
                              "# Persistence\r\n", "# Stats\r\n", "# CPU\r\n",
                              "# Errorstats\r\n", "# Keyspace\r\n"}) {
    CAPTURE(section);
    CHECK(Contains(info, section));
  }
  CHECK(!Contains(info, "# Commandstats"));  // not a default section
  for (const char* field :
       {"redis_version", "redis_mode", "os", "arch_bits", "process_id", "tcp_port",
        "uptime_in_seconds", "connected_clients", "maxclients", "used_memory",
        "used_memory_human", "used_memory_rss", "maxmemory", "maxmemory_policy", "loading",
        "rdb_changes_since_last_save", "total_connections_received",
        "total_commands_processed", "instantaneous_ops_per_sec", "keyspace_hits",
        "keyspace_misses", "expired_keys", "total_error_replies", "rejected_connections",
        "used_cpu_sys", "used_cpu_user"}) {
    CAPTURE(field);
    CHECK(InfoField(info, field).has_value());
  }
  CHECK(InfoField(info, "redis_mode") == "standalone");
  CHECK(InfoField(info, "process_id") == std::to_string(server.pid()));
  CHECK(InfoField(info, "tcp_port") == std::to_string(server.port()));
  CHECK(InfoField(info, "connected_clients") == "2");
  CHECK(InfoField(info, "maxclients") == "10000");
  CHECK(InfoField(info, "maxmemory") == "0");
  CHECK(InfoField(info, "maxmemory_policy") == "noeviction");
  CHECK(std::stoll(InfoField(info, "used_memory").value_or("0")) > 0);
  CHECK(InfoField(info, "loading") == "0");
  CHECK(InfoField(info, "total_connections_received") == "2");
  CHECK(InfoField(info, "db0").value_or("").rfind("keys=2,expires=1,avg_ttl=", 0) == 0);
  CHECK(!InfoField(info, "db1").has_value());  // empty databases are not listed
  if (TestingKvd()) {
    // kvd reports the Redis version whose behaviour it follows, plus its own.
    CHECK(InfoField(info, "redis_version").value_or("").rfind("7.2.", 0) == 0);
    CHECK(InfoField(info, "kvd_version").has_value());
  }

  // Named sections only, case-insensitive.
  std::string two = Info(c, {"SERVER", "clients"});
  CHECK(Contains(two, "# Server\r\n"));
  CHECK(Contains(two, "# Clients\r\n"));
  CHECK(!Contains(two, "# Memory"));
  CHECK(!Contains(two, "# Keyspace"));
  std::string keyspace = Info(c, {"keyspace"});
  CHECK(keyspace.rfind("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=", 0) == 0);
  for (const char* all : {"all", "everything"}) {
    CAPTURE(all);
    std::string text = Info(c, {all});
    CHECK(Contains(text, "# Commandstats\r\n"));
    CHECK(Contains(text, "# Keyspace\r\n"));
  }
  CHECK(Info(c, {"nosuchsection"}) == "");
}

TEST_CASE("INFO stats, commandstats and errorstats count what happens") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"CONFIG", "RESETSTAT"}) == kOk);
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"GET", "k"}) == Bulk("v"));
  CHECK(c.Call({"GET", "k"}) == Bulk("v"));
  CHECK(c.Call({"GET", "missing"}) == kNil);
  CHECK(c.Call({"GET"}) == ArityErr("get"));  // rejected
  CHECK(c.Call({"INCR", "k"}) == kNotIntErr);  // failed
  CHECK(c.Call({"NOSUCH"}) == Err("ERR unknown command 'NOSUCH', with args beginning with: "));

  std::string stats = Info(c, {"stats"});
  CHECK(InfoField(stats, "keyspace_hits") == "2");
  CHECK(InfoField(stats, "keyspace_misses") == "1");
  CHECK(InfoField(stats, "total_error_replies") == "3");

  std::string get = CmdStat(c, "get");
  CHECK(get.rfind("calls=3,usec=", 0) == 0);
  CHECK(Contains(get, ",usec_per_call="));
  CHECK(get.substr(get.find(",rejected_calls=")) == ",rejected_calls=1,failed_calls=0");
  std::string incr = CmdStat(c, "incr");
  CHECK(incr.rfind("calls=1,", 0) == 0);
  CHECK(incr.substr(incr.find(",rejected_calls=")) == ",rejected_calls=0,failed_calls=1");
  CHECK(CmdStat(c, "set").rfind("calls=1,", 0) == 0);
  CHECK(CmdStat(c, "config|resetstat").rfind("calls=1,", 0) == 0);
  CHECK(InfoField(Info(c, {"errorstats"}), "errorstat_ERR") == "count=3");

  // RESETSTAT zeroes it all.
  CHECK(c.Call({"CONFIG", "RESETSTAT"}) == kOk);
  stats = Info(c, {"stats"});
  CHECK(InfoField(stats, "keyspace_hits") == "0");
  CHECK(InfoField(stats, "keyspace_misses") == "0");
  CHECK(InfoField(stats, "total_error_replies") == "0");
  CHECK(std::stoll(InfoField(stats, "total_commands_processed").value_or("99")) <= 2);
  CHECK(CmdStat(c, "get") == "");
  CHECK(!InfoField(Info(c, {"errorstats"}), "errorstat_ERR").has_value());
  CHECK(c.Call({"GET", "k"}) == Bulk("v"));  // the data is untouched
}

TEST_CASE("INFO counts socket reads and writes, and the traffic's rate") {
  ServerProcess server;
  RawClient c(server.port());
  const auto stat = [&](std::string_view field) {
    return std::stod(InfoField(c, "stats", field));
  };
  const double reads = stat("total_reads_processed");
  const double writes = stat("total_writes_processed");
  const double input = stat("total_net_input_bytes");
  for (int i = 0; i < 10; ++i) REQUIRE(c.Call({"PING"}) == "+PONG\r\n");
  // Each PING is read and answered on its own (and so is the INFO before it).
  CHECK(stat("total_reads_processed") >= reads + 11);
  CHECK(stat("total_writes_processed") >= writes + 11);
  CHECK(stat("total_net_input_bytes") >= input + 10 * 14);  // *1\r\n$4\r\nPING\r\n
  CHECK(stat("io_threaded_reads_processed") == 0);
  // The cron samples the byte counters every 100 ms: a steady inflow shows as a rate.
  const std::string value(64 * 1024, 'v');
  CHECK(WaitFor([&] {
    REQUIRE(c.Call({"SET", "big", value}) == kOk);
    return stat("instantaneous_input_kbps") > 0 && stat("instantaneous_output_kbps") > 0;
  }));
  CHECK(stat("total_net_repl_input_bytes") == 0);  // no master
}

TEST_CASE("DBSIZE, FLUSHDB, FLUSHALL") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"DBSIZE"}) == Int(0));
  CHECK(c.Call({"MSET", "a", "1", "b", "2", "c", "3"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(3));
  CHECK(c.Call({"SELECT", "1"}) == kOk);
  CHECK(c.Call({"MSET", "x", "1", "y", "2"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(2));
  CHECK(c.Call({"FLUSHDB"}) == kOk);  // only db 1
  CHECK(c.Call({"DBSIZE"}) == Int(0));
  CHECK(c.Call({"SELECT", "0"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(3));
  CHECK(c.Call({"FLUSHDB", "SYNC"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(0));
  CHECK(c.Call({"SET", "a", "1"}) == kOk);
  CHECK(c.Call({"FLUSHDB", "ASYNC"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(0));
  CHECK(c.Call({"FLUSHDB", "BOGUS"}) == kSyntaxErr);

  CHECK(c.Call({"SET", "a", "1"}) == kOk);
  CHECK(c.Call({"SELECT", "7"}) == kOk);
  CHECK(c.Call({"SET", "b", "1"}) == kOk);
  CHECK(c.Call({"FLUSHALL"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(0));
  CHECK(c.Call({"SELECT", "0"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(0));
  CHECK(c.Call({"SET", "a", "1"}) == kOk);
  CHECK(c.Call({"FLUSHALL", "ASYNC"}) == kOk);
  CHECK(c.Call({"EXISTS", "a"}) == Int(0));
  CHECK(c.Call({"FLUSHALL", "BOGUS"}) == kSyntaxErr);
  CHECK(c.Call({"DBSIZE", "x"}) == ArityErr("dbsize"));
}

TEST_CASE("TIME") {
  ServerProcess server;
  RawClient c(server.port());
  Reply t = c.Exec({"TIME"});
  REQUIRE(t.type == '*');
  REQUIRE(t.elements.size() == 2);
  CHECK(t.elements[0].type == '$');
  CHECK(t.elements[1].type == '$');
  const int64_t seconds = std::stoll(t.elements[0].str);
  const int64_t micros = std::stoll(t.elements[1].str);
  CHECK(std::llabs(seconds - static_cast<int64_t>(std::time(nullptr))) <= 5);
  CHECK((micros >= 0 && micros < 1000000));
  CHECK(c.Call({"TIME", "x"}) == ArityErr("time"));
}

TEST_CASE("CONFIG GET, SET, RESETSTAT") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"CONFIG", "GET", "hz"}) == Arr({Bulk("hz"), Bulk("10")}));
  CHECK(c.Call({"CONFIG", "GET", "maxmemory-policy"}) ==
        Arr({Bulk("maxmemory-policy"), Bulk("noeviction")}));
  CHECK(c.Call({"CONFIG", "GET", "dir"}) == Arr({Bulk("dir"), Bulk(server.dir())}));
  CHECK(c.Call({"CONFIG", "GET", "nosuchparameter"}) == "*0\r\n");
  Reply glob = c.Exec({"CONFIG", "GET", "maxmemory*"});
  CHECK(glob.Field("maxmemory") != nullptr);
  CHECK(glob.Field("maxmemory-policy") != nullptr);
  Reply several = c.Exec({"CONFIG", "GET", "hz", "databases", "hz"});  // no duplicates
  CHECK(several.elements.size() == 4);
  CHECK(several.Field("databases")->str == "16");

  CHECK(c.Call({"CONFIG", "SET", "hz", "20"}) == kOk);
  CHECK(c.Call({"CONFIG", "GET", "hz"}) == Arr({Bulk("hz"), Bulk("20")}));
  CHECK(c.Call({"CONFIG", "SET", "maxmemory", "100mb"}) == kOk);
  CHECK(c.Call({"CONFIG", "GET", "maxmemory"}) == Arr({Bulk("maxmemory"), Bulk("104857600")}));
  CHECK(InfoField(Info(c, {"memory"}), "maxmemory") == "104857600");
  CHECK(c.Call({"CONFIG", "SET", "maxmemory", "0", "hz", "12"}) == kOk);
  CHECK(c.Call({"CONFIG", "GET", "hz"}) == Arr({Bulk("hz"), Bulk("12")}));
  CHECK(c.Call({"CONFIG", "GET", "maxmemory"}) == Arr({Bulk("maxmemory"), Bulk("0")}));

  CHECK(c.Call({"CONFIG", "SET", "hz", "abc"}) ==
        Err("ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be "
            "parsed into an integer"));
  CHECK(c.Call({"CONFIG", "SET", "nosuch", "1"}) ==
        Err("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
  // All or nothing: a bad second pair leaves the first unchanged.
  CHECK(c.Call({"CONFIG", "SET", "hz", "15", "maxmemory", "abc"}) ==
        Err("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must "
            "be a memory value"));
  CHECK(c.Call({"CONFIG", "GET", "hz"}) == Arr({Bulk("hz"), Bulk("12")}));
  CHECK(c.Call({"CONFIG", "SET", "hz"}) == ArityErr("config|set"));
  CHECK(c.Call({"CONFIG", "GET"}) == ArityErr("config|get"));
  CHECK(c.Call({"CONFIG", "RESETSTAT", "x"}) == ArityErr("config|resetstat"));
  CHECK(c.Call({"CONFIG", "BOGUS"}) == Err("ERR unknown subcommand 'BOGUS'. Try CONFIG HELP."));
}

TEST_CASE("CONFIG GET * lists the documented parameters; immutable and enum errors") {
  ServerProcess server;
  RawClient c(server.port());
  Reply all = c.Exec({"CONFIG", "GET", "*"});
  for (const char* name : {"port", "bind", "dir", "dbfilename", "save", "loglevel", "logfile",
                           "databases", "maxclients", "timeout", "hz", "requirepass",
                           "proto-max-bulk-len", "maxmemory", "maxmemory-policy"}) {
    CAPTURE(name);
    CHECK(all.Field(name) != nullptr);
  }
  CHECK(all.Field("save")->str == "");
  CHECK(all.Field("requirepass")->str == "");
  CHECK(all.Field("timeout")->str == "0");
  CHECK(all.Field("proto-max-bulk-len")->str == "536870912");
  CHECK(c.Call({"CONFIG", "SET", "databases", "5"}) ==
        Err("ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config"));
  // Redis 7.2 text: 7.2 added the "nothing" level.
  if (Expects72()) {
    CHECK(c.Call({"CONFIG", "SET", "loglevel", "bogus"}) ==
          Err("ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) "
              "must be one of the following: debug, verbose, notice, warning, nothing"));
  }
  CHECK(c.Call({"CONFIG", "SET", "loglevel", "warning"}) == kOk);
  CHECK(c.Call({"CONFIG", "GET", "loglevel"}) == Arr({Bulk("loglevel"), Bulk("warning")}));
}

TEST_CASE("MEMORY USAGE") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "small", "v"}) == kOk);
  CHECK(c.Call({"SET", "big", std::string(10000, 'x')}) == kOk);
  Reply small = c.Exec({"MEMORY", "USAGE", "small"});
  Reply big = c.Exec({"MEMORY", "USAGE", "big"});
  REQUIRE(small.type == ':');
  REQUIRE(big.type == ':');
  CHECK(small.integer > 0);
  CHECK(big.integer >= 10000);
  CHECK(big.integer < 20000);
  CHECK(c.Call({"MEMORY", "USAGE", "missing"}) == kNil);
  CHECK(c.Exec({"MEMORY", "USAGE", "big", "SAMPLES", "5"}).integer == big.integer);
  CHECK(c.Call({"MEMORY", "USAGE", "big", "SAMPLES", "x"}) == kNotIntErr);
  CHECK(c.Call({"MEMORY", "USAGE", "big", "BOGUS"}) == kSyntaxErr);
  CHECK(c.Call({"MEMORY", "USAGE"}) == ArityErr("memory|usage"));
  CHECK(c.Call({"MEMORY", "BOGUS"}) == Err("ERR unknown subcommand 'BOGUS'. Try MEMORY HELP."));
}

TEST_CASE("SHUTDOWN NOSAVE ends the process with exit code 0") {
  ServerProcess server;
  RawClient c(server.port());
  RawClient bystander(server.port());
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"SHUTDOWN", "BOGUS"}) == kSyntaxErr);
  c.Send(Command({"SHUTDOWN", "NOSAVE"}));
  CHECK(c.ReadUntilClosed() == "");  // no reply on success: the server is gone
  CHECK(bystander.ReadUntilClosed() == "");
  ExitResult r = server.WaitExit();
  INFO("server log:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code == 0);
}

TEST_CASE("enable-protected-configs local lets a loopback client move the save directory") {
  TempDir elsewhere;
  {
    ServerProcess server;
    RawClient c(server.port());
    CHECK(c.Call({"CONFIG", "SET", "dir", elsewhere.path()}) ==
          Err("ERR CONFIG SET failed (possibly related to argument 'dir') - can't set "
              "protected config"));
  }
  ServerProcess server({"--enable-protected-configs", "local"});
  RawClient c(server.port());
  CHECK(c.Call({"CONFIG", "SET", "dir", elsewhere.path()}) == kOk);
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"SAVE"}) == kOk);
  CHECK(std::filesystem::exists(elsewhere.path() + "/dump.rdb"));
}

TEST_CASE("SHUTDOWN whose save fails answers an error and serves on; FORCE exits anyway") {
  // A save directory that is gone by the time of the shutdown: the final save fails.
  TempDir data;
  const std::string gone = data.path() + "/gone";
  std::filesystem::create_directory(gone);
  ServerProcess server({"--dir", gone});
  RawClient c(server.port());
  std::filesystem::remove(gone);
  CHECK(c.Call({"SET", "k", "v"}) == kOk);

  const std::string failed = Err("ERR Errors trying to SHUTDOWN. Check logs.");
  CHECK(c.Call({"SHUTDOWN", "SAVE"}) == failed);
  // The reply comes before the commands pipelined after it, which then run as usual.
  c.Send(Command({"SHUTDOWN", "SAVE"}) + Command({"GET", "k"}));
  CHECK(c.ReadReply().raw == failed);
  CHECK(c.ReadReply().raw == "$1\r\nv\r\n");
  CHECK(c.Call({"INFO", "errorstats"}).find("errorstat_ERR:count=2") != std::string::npos);

  c.Send(Command({"SHUTDOWN", "SAVE", "FORCE"}));
  CHECK(c.ReadUntilClosed() == "");
  ExitResult r = server.WaitExit();
  INFO("server log:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code == 0);
  CHECK(r.output.find("Error trying to save the DB. Exit anyway.") != std::string::npos);
}

}  // namespace
}  // namespace kvd::e2e
