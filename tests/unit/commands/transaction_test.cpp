// MULTI, EXEC, DISCARD through the real dispatcher with several clients: queuing, the errors
// that abort a transaction and those that do not, blocking commands inside EXEC, the clients
// a transaction's pushes wake, RESET, and what CLIENT LIST, INFO and COMMAND show of it.
// WATCH: transaction_watch_test.cpp; the log: transaction_propagation_test.cpp.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/key_test_util.h"
#include "unit/commands/transaction_test_util.h"

namespace kvd::testing {
namespace {

std::string Field(const std::string& text, std::string_view name) {
  const std::string key = std::string(name) + "=";
  size_t at = text.find(" " + key);
  if (at == std::string::npos) return "<missing>";
  at += key.size() + 1;
  return text.substr(at, text.find_first_of(" \r\n", at) - at);
}

std::string InfoLine(TxClient& c, std::string_view section, std::string_view prefix) {
  const std::string info = c.Run("INFO " + std::string(section));
  const size_t at = info.find("\r\n" + std::string(prefix));
  if (at == std::string::npos) return "<missing>";
  return info.substr(at + 2, info.find("\r\n", at + 2) - at - 2);
}

TEST_CASE("MULTI queues commands and EXEC replies an array of their replies") {
  TxHarness h;
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SET k 10") == kQueued);
  CHECK(h.a.Run("INCR k") == kQueued);
  CHECK(h.a.Run("GET k") == kQueued);
  // Nothing ran yet: another client sees no key.
  CHECK(h.b.Run("EXISTS k") == Int(0));
  CHECK(h.a.Run("EXEC") == "*3\r\n" + kOk + Int(11) + Bulk("11"));
  CHECK(h.b.Run("GET k") == Bulk("11"));
  // The client is out of MULTI: commands run again, and its transaction state is given
  // back (most clients never hold one).
  CHECK(h.a.Run("INCR k") == Int(12));
  CHECK(h.a.c.txn == nullptr);
  // An empty transaction is an empty array.
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("EXEC") == "*0\r\n");
  CHECK(h.a.c.txn == nullptr);
}

TEST_CASE("an error inside EXEC is an element of its reply; the others still run") {
  TxHarness h;
  CHECK(h.a.Run("RPUSH list x") == Int(1));
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SET a 1") == kQueued);
  CHECK(h.a.Run("INCR list") == kQueued);
  CHECK(h.a.Run("MULTI") == Err("ERR MULTI calls can not be nested"));  // not an abort
  CHECK(h.a.Run("SET b 2") == kQueued);
  CHECK(h.a.Run("EXEC") ==
        "*3\r\n" + kOk +
            Err("WRONGTYPE Operation against a key holding the wrong kind of value") + kOk);
  CHECK(h.a.Run("MGET a b") == "*2\r\n" + Bulk("1") + Bulk("2"));
}

TEST_CASE("a command refused while queuing makes EXEC reply EXECABORT and run nothing") {
  TxHarness h;
  SUBCASE("unknown command") {
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.a.Run("SET a 1") == kQueued);
    CHECK(h.a.Run("NOSUCH x") ==
          Err("ERR unknown command 'NOSUCH', with args beginning with: 'x' "));
  }
  SUBCASE("wrong number of arguments") {
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.a.Run("SET a 1") == kQueued);
    CHECK(h.a.Run("GET") == Err("ERR wrong number of arguments for 'get' command"));
  }
  SUBCASE("a command not allowed inside a transaction") {
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.a.Run("SET a 1") == kQueued);
    CHECK(h.a.Run("SAVE") == Err("ERR Command not allowed inside a transaction"));
  }
  CHECK(h.a.Run("SET b 2") == kQueued);
  CHECK(h.a.Run("EXEC") == kExecAbort);
  CHECK(h.a.Run("EXISTS a b") == Int(0));
  CHECK(h.a.Run("PING") == "+PONG\r\n");  // out of MULTI
}

TEST_CASE("errors of the transaction commands themselves, with Redis's texts") {
  TxHarness h;
  CHECK(h.a.Run("EXEC") == Err("ERR EXEC without MULTI"));
  CHECK(h.a.Run("DISCARD") == Err("ERR DISCARD without MULTI"));
  CHECK(h.a.Run("MULTI x") == Err("ERR wrong number of arguments for 'multi' command"));
  CHECK(h.a.Run("WATCH") == Err("ERR wrong number of arguments for 'watch' command"));
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("WATCH k") == Err("ERR WATCH inside MULTI is not allowed"));
  CHECK(h.a.Run("SET k v") == kQueued);
  // Refusing EXEC itself ends the transaction and says why.
  CHECK(h.a.Run("EXEC now") ==
        Err("EXECABORT Transaction discarded because of: wrong number of arguments for "
            "'exec' command"));
  CHECK(h.a.Run("EXEC") == Err("ERR EXEC without MULTI"));
  CHECK(h.a.Run("EXISTS k") == Int(0));
}

TEST_CASE("DISCARD drops the queued commands") {
  TxHarness h;
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SET k v") == kQueued);
  CHECK(h.a.Run("DISCARD") == kOk);
  CHECK(h.a.Run("EXISTS k") == Int(0));
  CHECK(h.a.Run("EXEC") == Err("ERR EXEC without MULTI"));
}

TEST_CASE("over maxmemory, MULTI refuses queuing; EXEC of reads runs, of writes aborts") {
  TxHarness h;
  CHECK(h.a.Run("SET x value") == kOk);
  SUBCASE("queuing is refused, DISCARD is not") {
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.b.Run("CONFIG SET maxmemory 1") == kOk);
    CHECK(h.a.Run("GET x") ==
          Err("OOM command not allowed when used memory > 'maxmemory'."));
    CHECK(h.a.Run("DISCARD") == kOk);
    CHECK(h.b.Run("CONFIG SET maxmemory 0") == kOk);
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.b.Run("CONFIG SET maxmemory 1") == kOk);
    CHECK(h.a.Run("SET y 1") == Err("OOM command not allowed when used memory > 'maxmemory'."));
    CHECK(h.b.Run("CONFIG SET maxmemory 0") == kOk);
    CHECK(h.a.Run("EXEC") == kExecAbort);
  }
  SUBCASE("EXEC of reads only") {
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.a.Run("GET x") == kQueued);
    CHECK(h.a.Run("PING") == kQueued);
    CHECK(h.b.Run("CONFIG SET maxmemory 1") == kOk);
    CHECK(h.a.Run("EXEC") == "*2\r\n" + Bulk("value") + "+PONG\r\n");
  }
  SUBCASE("EXEC with a write") {
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.a.Run("SET y 1") == kQueued);
    CHECK(h.a.Run("GET x") == kQueued);
    CHECK(h.b.Run("CONFIG SET maxmemory 1") == kOk);
    CHECK(h.a.Run("EXEC") ==
          Err("EXECABORT Transaction discarded because of: OOM command not allowed when used "
              "memory > 'maxmemory'."));
    CHECK(h.b.Run("CONFIG SET maxmemory 0") == kOk);
    CHECK(h.a.Run("EXISTS y") == Int(0));
    CHECK(h.a.Run("EXEC") == Err("ERR EXEC without MULTI"));
  }
}

TEST_CASE("blocking commands inside EXEC answer at once, as if timed out") {
  TxHarness h;
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("BLPOP empty 0") == kQueued);
  CHECK(h.a.Run("BLMOVE empty other LEFT LEFT 0") == kQueued);
  CHECK(h.a.Run("BZPOPMIN emptyz 0") == kQueued);
  CHECK(h.a.Run("EXEC") == "*3\r\n" + kNullArray + kNil + kNullArray);
  CHECK_FALSE(h.a.c.blocked);
  CHECK_FALSE(h.a.c.deny_blocking);
  // Outside a transaction the client blocks again.
  CHECK(h.a.Run("BLPOP empty 0") == "");
  CHECK(h.a.c.blocked);
  CHECK(h.b.Run("RPUSH empty v") == Int(1));
  CHECK(h.a.resumed == "*2\r\n" + Bulk("empty") + Bulk("v"));
}

TEST_CASE("clients blocked on keys a transaction pushes to are served after EXEC") {
  TxHarness h;
  CHECK(h.b.Run("BLPOP q 0") == "");
  REQUIRE(h.b.c.blocked);
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("RPUSH q a") == kQueued);
  CHECK(h.a.Run("LLEN q") == kQueued);
  CHECK(h.a.Run("RPUSH q b") == kQueued);
  CHECK(h.a.Run("LRANGE q 0 -1") == kQueued);
  // Nobody took from q between the transaction's commands.
  CHECK(h.a.Run("EXEC") ==
        "*4\r\n" + Int(1) + Int(1) + Int(2) + "*2\r\n" + Bulk("a") + Bulk("b"));
  CHECK_FALSE(h.b.c.blocked);
  CHECK(h.b.resumed == "*2\r\n" + Bulk("q") + Bulk("a"));
  CHECK(h.a.Run("LRANGE q 0 -1") == "*1\r\n" + Bulk("b"));
}

TEST_CASE("SELECT and HELLO inside a transaction apply to the commands after them") {
  TxHarness h;
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SELECT 3") == kQueued);
  CHECK(h.a.Run("SET k v") == kQueued);
  CHECK(h.a.Run("EXEC") == "*2\r\n" + kOk + kOk);
  CHECK(h.a.c.db == 3);
  CHECK(h.b.Run("SELECT 3") == kOk);
  CHECK(h.b.Run("GET k") == Bulk("v"));
}

TEST_CASE("RESET and a disconnect end the transaction and forget the watched keys") {
  TxHarness h;
  CHECK(h.a.Run("WATCH k") == kOk);
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SET k v") == kQueued);
  CHECK(h.server.watched_keys.size() == 1);
  CHECK(h.a.Run("RESET") == "+RESET\r\n");
  CHECK(h.server.watched_keys.size() == 0);
  CHECK(h.a.Run("EXEC") == Err("ERR EXEC without MULTI"));
  CHECK(h.a.Run("EXISTS k") == Int(0));

  CHECK(h.b.Run("WATCH k j") == kOk);
  CHECK(h.b.Run("MULTI") == kOk);
  CHECK(h.server.watched_keys.size() == 2);
  h.b.Disconnect();
  CHECK(h.server.watched_keys.size() == 0);
  CHECK(h.a.Run("SET k v") == kOk);  // touches nobody
}

TEST_CASE("CLIENT LIST shows MULTI: flags x, the queued count, d once a watched key changed") {
  TxHarness h;
  const std::string id = std::to_string(h.a.c.id);
  CHECK(Field(h.b.Run("CLIENT LIST ID " + id), "multi") == "-1");
  CHECK(Field(h.b.Run("CLIENT LIST ID " + id), "flags") == "N");
  CHECK(Field(h.b.Run("CLIENT LIST ID " + id), "multi-mem") == "0");
  CHECK(h.a.Run("WATCH k") == kOk);
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(Field(h.b.Run("CLIENT LIST ID " + id), "multi") == "0");
  CHECK(Field(h.b.Run("CLIENT LIST ID " + id), "flags") == "x");
  CHECK(h.a.Run("GET k") == kQueued);
  CHECK(h.a.Run("CLIENT INFO") == kQueued);
  const std::string line = h.b.Run("CLIENT LIST ID " + id);
  CHECK(Field(line, "multi") == "2");
  CHECK(Field(line, "cmd") == "client|info");
  CHECK(std::stoll(Field(line, "multi-mem")) > 0);
  CHECK(h.b.Run("SET k changed") == kOk);
  CHECK(Field(h.b.Run("CLIENT LIST ID " + id), "flags") == "xd");
  CHECK(h.a.Run("DISCARD") == kOk);
  CHECK(Field(h.b.Run("CLIENT LIST ID " + id), "flags") == "N");

  // Inside EXEC the client is still in MULTI, running EXEC.
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SET x 1") == kQueued);
  CHECK(h.a.Run("CLIENT INFO") == kQueued);
  const std::string exec = h.a.Run("EXEC");
  CHECK(Field(exec, "flags") == "x");
  CHECK(Field(exec, "multi") == "2");
  CHECK(Field(exec, "cmd") == "exec");
}

TEST_CASE("INFO commandstats counts EXEC and the commands it ran; queuing errors as rejected") {
  TxHarness h;
  CHECK(h.a.Run("CONFIG RESETSTAT") == kOk);
  const uint64_t before = h.server.stats.total_commands_processed;
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SET a b") == kQueued);
  CHECK(h.a.Run("INCR a") == kQueued);
  CHECK(h.a.Run("EXEC") ==
        "*2\r\n" + kOk + Err("ERR value is not an integer or out of range"));
  // MULTI, EXEC and the two commands it ran; queuing is no call.
  CHECK(h.server.stats.total_commands_processed - before == 4);
  CHECK(InfoLine(h.b, "commandstats", "cmdstat_exec:").ends_with(
      "rejected_calls=0,failed_calls=0"));
  CHECK(InfoLine(h.b, "commandstats", "cmdstat_exec:").starts_with("cmdstat_exec:calls=1,"));
  CHECK(InfoLine(h.b, "commandstats", "cmdstat_set:").starts_with("cmdstat_set:calls=1,"));
  CHECK(InfoLine(h.b, "commandstats", "cmdstat_incr:").ends_with(
      "rejected_calls=0,failed_calls=1"));
  CHECK(InfoLine(h.b, "commandstats", "cmdstat_multi:").starts_with("cmdstat_multi:calls=1,"));

  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SET") == Err("ERR wrong number of arguments for 'set' command"));
  CHECK(h.a.Run("EXEC") == kExecAbort);
  CHECK(InfoLine(h.b, "commandstats", "cmdstat_set:").ends_with(
      "rejected_calls=1,failed_calls=0"));
  CHECK(InfoLine(h.b, "commandstats", "cmdstat_exec:").starts_with("cmdstat_exec:calls=2,"));
  CHECK(InfoLine(h.b, "commandstats", "cmdstat_exec:").ends_with(
      "rejected_calls=0,failed_calls=1"));
  CHECK(InfoLine(h.b, "errorstats", "errorstat_EXECABORT:") == "errorstat_EXECABORT:count=1");
}

TEST_CASE("COMMAND INFO and COMMAND DOCS describe the transaction commands as Redis 7.2") {
  TxHarness h;
  CHECK(h.a.Run("COMMAND INFO multi exec watch") ==
        "*3\r\n"
        "*10\r\n$5\r\nmulti\r\n:1\r\n*5\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n"
        "+allow_busy\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@transaction\r\n*0\r\n*0\r\n*0\r\n"
        "*10\r\n$4\r\nexec\r\n:1\r\n*4\r\n+noscript\r\n+loading\r\n+stale\r\n+skip_slowlog\r\n"
        ":0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@transaction\r\n*0\r\n*0\r\n*0\r\n"
        "*10\r\n$5\r\nwatch\r\n:-2\r\n*5\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n"
        "+allow_busy\r\n:1\r\n:-1\r\n:1\r\n*2\r\n+@fast\r\n+@transaction\r\n*0\r\n"
        "*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n"
        "$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n"
        "$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n"
        "$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
  const std::string docs = h.a.Run("COMMAND DOCS discard unwatch");
  CHECK(docs.find(Bulk("Discards a transaction.")) != std::string::npos);
  CHECK(docs.find(Bulk("Forgets about watched keys of a transaction.")) != std::string::npos);
  CHECK(docs.find(Bulk("transactions")) != std::string::npos);
}

}  // namespace
}  // namespace kvd::testing
