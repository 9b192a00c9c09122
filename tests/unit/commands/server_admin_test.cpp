// DBSIZE, FLUSHDB, FLUSHALL, TIME, CONFIG, MEMORY, SHUTDOWN.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/value_type.h"
#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

void Put(Harness& h, std::string_view key, int64_t expire_at_ms = kNoExpiry, size_t db = 0) {
  h.store.Db(db).SetString(key, "value", expire_at_ms, TtlMode::kClear, h.clock.NowMs());
}

TEST_CASE("DBSIZE counts live keys of the selected database") {
  Harness h;
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
  Put(h, "a");
  Put(h, "b", h.clock.NowMs() + 100);
  Put(h, "c", kNoExpiry, 1);
  CHECK(h.Run({"DBSIZE"}) == ":2\r\n");
  h.clock.Advance(99);
  CHECK(h.Run({"DBSIZE"}) == ":2\r\n");
  h.clock.Advance(1);
  CHECK(h.Run({"DBSIZE"}) == ":2\r\n");  // "b" lives through its deadline's millisecond
  h.clock.Advance(1);
  CHECK(h.Run({"DBSIZE"}) == ":1\r\n");
  REQUIRE(h.Run({"SELECT", "1"}) == "+OK\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":1\r\n");
  CHECK(h.Run({"DBSIZE", "x"}) == "-ERR wrong number of arguments for 'dbsize' command\r\n");
}

TEST_CASE("FLUSHDB empties only the selected database") {
  Harness h;
  Put(h, "a");
  Put(h, "b", kNoExpiry, 1);
  REQUIRE(h.Run({"SELECT", "1"}) == "+OK\r\n");
  CHECK(h.Run({"FLUSHDB"}) == "+OK\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
  REQUIRE(h.Run({"SELECT", "0"}) == "+OK\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":1\r\n");
  CHECK(h.Run({"FLUSHDB", "ASYNC"}) == "+OK\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
  CHECK(h.Run({"flushdb", "sync"}) == "+OK\r\n");
  CHECK(h.Run({"FLUSHDB", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"FLUSHDB", "ASYNC", "SYNC"}) == "-ERR syntax error\r\n");
}

TEST_CASE("FLUSHALL empties every database; expired keys are not counted as changes") {
  Harness h;
  Put(h, "a");
  Put(h, "b", h.clock.NowMs() + 50);
  Put(h, "c", kNoExpiry, 7);
  h.clock.Advance(51);
  const uint64_t dirty = h.server.stats.dirty;
  CHECK(h.Run({"FLUSHALL"}) == "+OK\r\n");
  CHECK(h.server.stats.dirty == dirty + 3);  // "a", "c" and the flush itself
  for (size_t db = 0; db < h.store.DatabaseCount(); ++db) {
    CHECK(h.store.Db(db).Count(h.clock.NowMs()) == 0);
  }
  CHECK(h.Run({"FLUSHALL", "ASYNC"}) == "+OK\r\n");
  CHECK(h.Run({"FLUSHALL", "SYNC"}) == "+OK\r\n");
  CHECK(h.Run({"FLUSHALL", "LATER"}) == "-ERR syntax error\r\n");
}

TEST_CASE("TIME is the clock's seconds and microseconds as bulk strings") {
  Harness h;
  h.clock.SetMs(1'700'000'000'123);
  CHECK(h.Run({"TIME"}) == "*2\r\n$10\r\n1700000000\r\n$6\r\n123000\r\n");
  h.clock.SetMs(1'700'000'001'000);
  CHECK(h.Run({"TIME"}) == "*2\r\n$10\r\n1700000001\r\n$1\r\n0\r\n");
}

TEST_CASE("ROLE: a master with no replicas, as Redis replies") {
  Harness h;
  CHECK(h.Run({"ROLE"}) == "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n");
  CHECK(h.Run({"ROLE", "x"}) == "-ERR wrong number of arguments for 'role' command\r\n");
}

TEST_CASE("CONFIG GET and SET") {
  Harness h;
  CHECK(h.Run({"CONFIG", "GET", "maxmemory"}) == "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  CHECK(h.Run({"CONFIG", "SET", "maxmemory", "100"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "GET", "maxmemory"}) == "*2\r\n$9\r\nmaxmemory\r\n$3\r\n100\r\n");
  CHECK(h.config.values().maxmemory == 100);
  CHECK(h.Run({"CONFIG", "SET", "hz", "20", "timeout", "30"}) == "+OK\r\n");
  CHECK(h.config.values().hz == 20);
  CHECK(h.config.values().timeout == 30);

  auto v = RespReader::ParseOne(h.Run({"CONFIG", "GET", "hz", "timeout", "nosuch*"}));
  REQUIRE(v.has_value());
  auto m = v->AsMap();
  CHECK(m.size() == 2);
  CHECK(m["hz"].str == "20");
  CHECK(m["timeout"].str == "30");
  CHECK(h.Run({"CONFIG", "GET", "nosuch"}) == "*0\r\n");

  CHECK(h.Run({"CONFIG", "SET", "foo", "bar"}) ==
        "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
  CHECK(h.Run({"CONFIG", "SET", "hz", "5", "timeout"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"CONFIG", "SET", "hz"}) ==
        "-ERR wrong number of arguments for 'config|set' command\r\n");
  CHECK(h.Run({"CONFIG", "GET"}) == "-ERR wrong number of arguments for 'config|get' command\r\n");
  CHECK(h.config.values().hz == 20);
  CHECK(h.Run({"CONFIG", "foo"}) == "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n");
}

TEST_CASE("CONFIG GET is a map in RESP3") {
  Harness h;
  REQUIRE(h.Run({"HELLO", "3"}).rfind("%7", 0) == 0);
  CHECK(h.Run({"CONFIG", "GET", "maxmemory-policy"}) ==
        "%1\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n");
}

TEST_CASE("CONFIG HELP and MEMORY HELP") {
  Harness h;
  auto config = RespReader::ParseOne(h.Run({"CONFIG", "HELP"}));
  REQUIRE(config.has_value());
  CHECK(config->elems.front().str ==
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  auto memory = RespReader::ParseOne(h.Run({"MEMORY", "HELP"}));
  REQUIRE(memory.has_value());
  CHECK(memory->elems.front().str ==
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  CHECK(memory->elems.size() == 14);  // usage line, 5 subcommands (11 lines), HELP (2)
}

TEST_CASE("MEMORY PURGE and MALLOC-STATS reply as Redis does under libc malloc") {
  Harness h;
  CHECK(h.Run({"MEMORY", "PURGE"}) == "+OK\r\n");
  CHECK(h.Run({"MEMORY", "MALLOC-STATS"}) ==
        "$45\r\nStats not supported for the current allocator\r\n");
  CHECK(h.Run({"MEMORY", "PURGE", "x"}) ==
        "-ERR wrong number of arguments for 'memory|purge' command\r\n");
}

TEST_CASE("MEMORY USAGE") {
  Harness h;
  h.store.Db(0).SetString("key", std::string(1000, 'v'), kNoExpiry, TtlMode::kClear,
                          h.clock.NowMs());
  auto usage = RespReader::ParseOne(h.Run({"MEMORY", "USAGE", "key"}));
  REQUIRE(usage.has_value());
  REQUIRE(usage->type == ':');
  CHECK(usage->integer >= 1003);
  CHECK(h.Run({"MEMORY", "USAGE", "key", "SAMPLES", "5"}) == h.Run({"MEMORY", "USAGE", "key"}));
  CHECK(h.Run({"MEMORY", "USAGE", "key", "samples", "0"}) == h.Run({"MEMORY", "USAGE", "key"}));
  CHECK(h.Run({"MEMORY", "USAGE", "missing"}) == "$-1\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "key", "SAMPLES", "-1"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "key", "SAMPLES", "x"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "key", "SAMPLES"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"MEMORY", "USAGE", "key", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"MEMORY", "USAGE"}) ==
        "-ERR wrong number of arguments for 'memory|usage' command\r\n");
  CHECK(h.Run({"MEMORY", "NOPE"}) == "-ERR unknown subcommand 'NOPE'. Try MEMORY HELP.\r\n");

  Put(h, "short", h.clock.NowMs() + 5);
  CHECK(h.Run({"MEMORY", "USAGE", "short"}).rfind(":", 0) == 0);
  h.clock.Advance(6);
  CHECK(h.Run({"MEMORY", "USAGE", "short"}) == "$-1\r\n");
}

TEST_CASE("SHUTDOWN without a network layer to stop is an error, not a pretence") {
  Harness h;
  CHECK(h.Run({"SHUTDOWN"}) == "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
}

TEST_CASE("SHUTDOWN asks the network layer to stop with the chosen mode") {
  Harness h;
  std::vector<ShutdownRequest> requests;
  h.server.request_shutdown = [&](const ShutdownRequest& r) { requests.push_back(r); };
  // No reply: the server goes away, or answers later when it cannot.
  for (std::vector<std::string_view> args : std::vector<std::vector<std::string_view>>{
           {"SHUTDOWN", "NOSAVE"}, {"shutdown", "save", "now"}, {"SHUTDOWN"},
           {"SHUTDOWN", "NOW", "FORCE"}}) {
    CHECK(h.Run(args) == "");
    CHECK(h.client.blocked);  // waits for the outcome
    h.client.blocked = false;
  }
  REQUIRE(requests.size() == 4);
  CHECK(requests[0].mode == ShutdownMode::kNoSave);
  CHECK(requests[1].mode == ShutdownMode::kSave);
  CHECK(requests[2].mode == ShutdownMode::kDefault);
  CHECK(requests[3].mode == ShutdownMode::kDefault);
  CHECK_FALSE(requests[2].force);
  CHECK(requests[3].force);
  for (const ShutdownRequest& r : requests) CHECK(r.client_id == h.client.id);

  CHECK(h.Run({"SHUTDOWN", "SAVE", "NOSAVE"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SHUTDOWN", "ABORT", "NOW"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SHUTDOWN", "LATER"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"SHUTDOWN", "ABORT"}) == "-ERR No shutdown in progress.\r\n");
  CHECK(requests.size() == 4);
  CHECK_FALSE(h.client.blocked);
}

}  // namespace
}  // namespace kvd::testing
