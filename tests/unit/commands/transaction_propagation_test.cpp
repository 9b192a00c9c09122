// What a transaction hands to the append-only log: its writes, wrapped in MULTI ... EXEC when
// there are two or more, as Redis 7 propagates them (likewise one command that logs several),
// nothing for a transaction that wrote nothing or did not run; and a log with transactions
// that replays, through the loader too, to the same data.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "server/aof/aof.h"
#include "unit/commands/aof_test_util.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/transaction_test_util.h"

namespace kvd::testing {
namespace {

using Commands = std::vector<std::vector<std::string>>;

TEST_CASE("a transaction with one write is logged as that write, unwrapped") {
  TxHarness h;
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SET foo bar") == kQueued);
  CHECK(h.a.Run("GET foo") == kQueued);
  CHECK(h.a.Run("EXEC") == "*2\r\n" + kOk + Bulk("bar"));
  CHECK(h.a.Run("SET foo2 bar") == kOk);
  CHECK(h.TakeLog() == Commands{{"SET", "foo", "bar"}, {"SET", "foo2", "bar"}});
}

TEST_CASE("a transaction with several writes is logged between MULTI and EXEC") {
  TxHarness h;
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SET foo bar") == kQueued);
  CHECK(h.a.Run("GET foo") == kQueued);
  CHECK(h.a.Run("EXPIRE foo 100") == kQueued);
  CHECK(h.a.Run("SET foo2 bar2") == kQueued);
  CHECK(h.a.Run("SET foo2 x NX") == kQueued);  // changes nothing: not logged
  CHECK(h.a.Run("EXEC") == "*5\r\n" + kOk + Bulk("bar") + Int(1) + kOk + kNil);
  const std::string at = std::to_string(h.clock.NowMs() + 100'000);
  CHECK(h.TakeLog() == Commands{{"MULTI"},
                                {"SET", "foo", "bar"},
                                {"PEXPIREAT", "foo", at},
                                {"SET", "foo2", "bar2"},
                                {"EXEC"}});
}

TEST_CASE("each write of a transaction is logged with the database it ran in") {
  TxHarness h;
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SELECT 1") == kQueued);
  CHECK(h.a.Run("SET foo bar") == kQueued);
  CHECK(h.a.Run("SELECT 2") == kQueued);
  CHECK(h.a.Run("SET foo2 bar2") == kQueued);
  CHECK(h.a.Run("EXEC") == "*4\r\n" + kOk + kOk + kOk + kOk);
  REQUIRE(h.log.size() == 4);
  CHECK(h.log[0].second == std::vector<std::string>{"MULTI"});
  CHECK(h.log[0].first == 1);  // no SELECT needed between MULTI and the first write
  CHECK(h.log[1].first == 1);
  CHECK(h.log[2].first == 2);
  CHECK(h.log[3].second == std::vector<std::string>{"EXEC"});
  CHECK(h.log[3].first == 2);
}

TEST_CASE("a transaction that wrote nothing or did not run logs nothing") {
  TxHarness h;
  CHECK(h.a.Run("SET foo v") == kOk);
  h.TakeLog();
  SUBCASE("empty") {
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.a.Run("EXEC") == "*0\r\n");
  }
  SUBCASE("reads only, and a write without effect") {
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.a.Run("GET foo") == kQueued);
    CHECK(h.a.Run("DEL missing") == kQueued);
    CHECK(h.a.Run("EXEC") == "*2\r\n" + Bulk("v") + Int(0));
  }
  SUBCASE("aborted") {
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.a.Run("SET a 1") == kQueued);
    CHECK(h.a.Run("SET b") == Err("ERR wrong number of arguments for 'set' command"));
    CHECK(h.a.Run("SET c 1") == kQueued);
    CHECK(h.a.Run("EXEC") == kExecAbort);
  }
  SUBCASE("a watched key changed") {
    CHECK(h.a.Run("WATCH foo") == kOk);
    CHECK(h.b.Run("GET foo") == Bulk("v"));
    CHECK(h.b.Run("APPEND foo w") == Int(2));
    h.TakeLog();
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.a.Run("SET a 1") == kQueued);
    CHECK(h.a.Run("SET c 1") == kQueued);
    CHECK(h.a.Run("EXEC") == kNullArray);
  }
  CHECK(h.TakeLog().empty());
}

TEST_CASE("one command that logs several is logged as a transaction") {
  TxHarness h;
  std::vector<std::string> add = {"SADD", "big"};
  for (int i = 0; i < 2500; ++i) add.push_back("m" + std::to_string(i));
  CHECK(h.Run(std::vector<std::string_view>(add.begin(), add.end())) == Int(2500));
  h.TakeLog();
  CHECK(h.a.Run("SPOP big 2100").starts_with("*2100\r\n"));
  const Commands logged = h.TakeLog();
  REQUIRE(logged.size() == 5);
  CHECK(logged[0] == std::vector<std::string>{"MULTI"});
  CHECK(logged[1][0] == "SREM");
  CHECK(logged[3][0] == "SREM");
  CHECK(logged[4] == std::vector<std::string>{"EXEC"});
  // Inside a transaction, everything goes in the transaction's one MULTI ... EXEC.
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SPOP big 300") == kQueued);
  CHECK(h.a.Run("EXEC").starts_with("*1\r\n*300\r\n"));
  CHECK(h.TakeLog().size() == 1);
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SET k v") == kQueued);
  CHECK(h.a.Run("SPOP big 2000") == kQueued);
  CHECK(h.a.Run("EXEC").starts_with("*2\r\n+OK\r\n*100\r\n"));
  const Commands again = h.TakeLog();
  REQUIRE(again.size() == 4);
  CHECK(again[0] == std::vector<std::string>{"MULTI"});
  CHECK(again[1] == std::vector<std::string>{"SET", "k", "v"});
  CHECK(again[2] == std::vector<std::string>{"DEL", "big"});
  CHECK(again[3] == std::vector<std::string>{"EXEC"});
}

TEST_CASE("a log with transactions replays through the dispatcher to the same data") {
  TxHarness h;
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("RPUSH l a b c") == kQueued);
  CHECK(h.a.Run("SELECT 3") == kQueued);
  CHECK(h.a.Run("INCRBYFLOAT f 1.5") == kQueued);
  CHECK(h.a.Run("EXEC") == "*3\r\n" + Int(3) + kOk + Bulk("1.5"));
  Harness replay;
  for (const auto& [db, command] : h.log) {
    if (db != replay.client.db) REQUIRE(replay.Run({"SELECT", std::to_string(db)}).front() == '+');
    const std::string reply = replay.Run(std::vector<std::string_view>(command.begin(),
                                                                       command.end()));
    CHECK(reply.front() != '-');
  }
  CHECK(replay.Run({"SELECT", "0"}) == kOk);
  CHECK(replay.Run({"LRANGE", "l", "0", "-1"}) == "*3\r\n" + Bulk("a") + Bulk("b") + Bulk("c"));
  CHECK(replay.Run({"SELECT", "3"}) == kOk);
  CHECK(replay.Run({"GET", "f"}) == Bulk("1.5"));
}

TEST_CASE("a transaction goes to the append-only file as MULTI ... EXEC and loads back") {
  TempDir dir;
  {
    AofHarness a(dir.path());
    REQUIRE(a.aof->LoadAndOpen() == "");
    CHECK(a.Run({"MULTI"}) == kOk);
    CHECK(a.Run({"SET", "a", "1"}) == kQueued);
    CHECK(a.Run({"INCR", "a"}) == kQueued);
    CHECK(a.Run({"RPUSH", "l", "x"}) == kQueued);
    CHECK(a.Run({"EXEC"}) == "*3\r\n" + kOk + Int(2) + Int(1));
    a.Settle();
    CHECK(ReadFileBytes(dir.File("appendonlydir/appendonly.aof.1.incr.aof")) ==
          AofCommands({{"SELECT", "0"}, {"MULTI"}, {"SET", "a", "1"}, {"INCR", "a"},
                       {"RPUSH", "l", "x"}, {"EXEC"}}));
  }
  AofHarness b(dir.path());
  REQUIRE(b.aof->LoadAndOpen() == "");
  CHECK(b.Run({"GET", "a"}) == Bulk("2"));
  CHECK(b.Run({"LRANGE", "l", "0", "-1"}) == "*1\r\n" + Bulk("x"));
}

}  // namespace
}  // namespace kvd::testing
