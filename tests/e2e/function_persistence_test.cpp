// Function libraries survive restarts as in Redis 7: every snapshot (SAVE, BGSAVE, the save
// at shutdown, the append-only file's base in RDB or command form) carries them, a file
// Redis wrote with functions loads into kvd and the other way round, and a snapshot whose
// library cannot load stops the server with a clear message.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

constexpr const char* kRedisServer = "/usr/bin/redis-server";

const std::string kLibrary =
    "#!lua name=counters\n"
    "redis.register_function('bump', function(keys, args) return redis.call('INCR', keys[1]) end)\n"
    "redis.register_function{function_name='peek', callback=function(keys) "
    "return redis.call('GET', keys[1]) end, flags={'no-writes'}}\n";

void LoadLibrary(RawClient& c) {
  REQUIRE(c.Exec({"FUNCTION", "LOAD", kLibrary}).str == "counters");
  REQUIRE(c.Exec({"FCALL", "bump", "1", "hits"}).integer == 1);
}

// After a restart: the library is there with both functions, and they run.
void CheckLibrary(RawClient& c) {
  Reply list = c.Exec({"FUNCTION", "LIST", "WITHCODE"});
  REQUIRE(list.type == '*');
  REQUIRE(list.elements.size() == 1);
  CHECK(list.elements[0].elements.at(1).str == "counters");
  CHECK(list.elements[0].elements.at(7).str == kLibrary);
  CHECK(c.Exec({"FCALL_RO", "peek", "1", "hits"}).str == "1");
  CHECK(c.Exec({"FCALL", "bump", "1", "hits"}).integer == 2);
}

bool BackgroundDone(RawClient& c, std::string_view field) {
  return InfoField(c.Exec({"INFO", "persistence"}).str, field) == "0";
}

TEST_CASE("functions: SAVE, BGSAVE and the save at shutdown keep the libraries") {
  for (const std::string how : {"SAVE", "BGSAVE", "SHUTDOWN"}) {
    CAPTURE(how);
    TempDir dir;
    {
      ServerProcess server({"--dir", dir.path()});
      RawClient c(server.port());
      LoadLibrary(c);
      if (how == "SAVE") {
        REQUIRE(c.Exec({"SAVE"}).str == "OK");
      } else if (how == "BGSAVE") {
        REQUIRE(c.Exec({"BGSAVE"}).type == '+');
        REQUIRE(WaitFor([&] { return BackgroundDone(c, "rdb_bgsave_in_progress"); }));
        REQUIRE(InfoField(c.Exec({"INFO", "persistence"}).str, "rdb_last_bgsave_status") == "ok");
      } else {
        c.Send(Command({"SHUTDOWN", "SAVE"}));
        REQUIRE(server.WaitExit().code == 0);
      }
    }
    ServerProcess again({"--dir", dir.path()});
    RawClient c(again.port());
    CheckLibrary(c);
  }
}

TEST_CASE("functions: the append-only file's rewritten base keeps them, RDB or commands") {
  for (const std::string preamble : {"yes", "no"}) {
    CAPTURE(preamble);
    TempDir dir;
    const std::vector<std::string> args = {
        "--dir", dir.path(), "--appendonly", "yes", "--aof-use-rdb-preamble", preamble};
    {
      ServerProcess server(args);
      RawClient c(server.port());
      LoadLibrary(c);
      REQUIRE(c.Exec({"BGREWRITEAOF"}).type == '+');
      REQUIRE(WaitFor([&] { return BackgroundDone(c, "aof_rewrite_in_progress"); }));
      REQUIRE(InfoField(c.Exec({"INFO", "persistence"}).str, "aof_last_bgrewrite_status") == "ok");
    }
    ServerProcess again(args);
    RawClient c(again.port());
    CheckLibrary(c);
  }
}

TEST_CASE("functions: a snapshot whose library does not compile stops the server") {
  TempDir dir;
  const std::string code = "#!lua name=broken\nthis is not lua";
  // REDIS0009, one FUNCTION2 record, EOF, and a zero checksum (not verified).
  std::string file = "REDIS0009\xf5" + std::string(1, static_cast<char>(code.size())) + code +
                     "\xff" + std::string(8, '\0');
  {
    std::ofstream out(dir.path() + "/dump.rdb", std::ios::binary);
    out << file;
  }
  ExitResult r = RunServerToExit({"--port", "0", "--dir", dir.path()});
  CHECK(r.code == 1);
  if (!TestingKvd()) return;  // Redis refuses it too, in its own words
  CHECK(r.output.find("Fatal error loading the DB") != std::string::npos);
  CHECK(r.output.find("failed loading a function library") != std::string::npos);
  CHECK(r.output.find("Error compiling function") != std::string::npos);
}

TEST_CASE("functions: RDB files cross between kvd and redis-server with their libraries") {
  if (!TestingKvd()) return;
  SUBCASE("kvd -> redis-server") {
    TempDir dir;
    {
      ServerProcess server({"--dir", dir.path()});
      RawClient c(server.port());
      LoadLibrary(c);
      REQUIRE(c.Exec({"SAVE"}).str == "OK");
    }
    ExitResult check = RunToExit({"redis-check-rdb", dir.path() + "/dump.rdb"});
    CHECK(check.code == 0);
    ServerProcess redis({"--dir", dir.path()}, {.binary = kRedisServer});
    RawClient c(redis.port());
    CheckLibrary(c);
  }
  SUBCASE("redis-server -> kvd") {
    TempDir dir;
    {
      ServerProcess redis({"--dir", dir.path()}, {.binary = kRedisServer});
      RawClient c(redis.port());
      LoadLibrary(c);
      REQUIRE(c.Exec({"SAVE"}).str == "OK");
    }
    ServerProcess server({"--dir", dir.path()});
    RawClient c(server.port());
    CheckLibrary(c);
  }
}

}  // namespace
}  // namespace kvd::e2e
