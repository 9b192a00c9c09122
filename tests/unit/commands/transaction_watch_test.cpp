// WATCH through the real dispatcher with several clients on a manual clock: which changes
// to a watched key make EXEC fail (any client's write, expiry, FLUSHALL, SWAPDB, RENAME,
// MOVE, a blocking pop...) and which do not (writes that changed nothing, another database,
// keys already expired when watched), and when keys stop being watched.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/key_test_util.h"
#include "unit/commands/transaction_test_util.h"

namespace kvd::testing {
namespace {

// Runs a one-command transaction on `c` and returns EXEC's reply.
std::string ExecPing(TxClient& c) {
  REQUIRE(c.Run("MULTI") == kOk);
  REQUIRE(c.Run("PING") == kQueued);
  return c.Run("EXEC");
}
const std::string kPonged = "*1\r\n+PONG\r\n";

TEST_CASE("EXEC replies a null array when another client changed a watched key") {
  TxHarness h;
  CHECK(h.a.Run("SET k 1") == kOk);
  CHECK(h.a.Run("WATCH x k y") == kOk);
  CHECK(h.b.Run("SET k 2") == kOk);
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("SET k 3") == kQueued);
  CHECK(h.a.Run("EXEC") == kNullArray);
  CHECK(h.a.Run("GET k") == Bulk("2"));
  // In RESP3 the null is RESP3's.
  CHECK(h.a.Run("HELLO 3").front() == '%');
  CHECK(h.a.Run("WATCH k") == kOk);
  CHECK(h.b.Run("SET k 4") == kOk);
  CHECK(ExecPing(h.a) == "_\r\n");
}

TEST_CASE("the watching client's own write counts, a key's creation, and an LTRIM") {
  TxHarness h;
  SUBCASE("own write") {
    CHECK(h.a.Run("SET k 1") == kOk);
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(h.a.Run("INCR k") == Int(2));
  }
  SUBCASE("a missing key created") {
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(h.b.Run("RPUSH k x") == Int(1));
  }
  SUBCASE("a missing key created and deleted again") {
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(h.b.Run("SET k x") == kOk);
    CHECK(h.b.Run("DEL k") == Int(1));
  }
  SUBCASE("an LTRIM that trims nothing (Redis signals the key all the same)") {
    CHECK(h.a.Run("RPUSH k a b") == Int(2));
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(h.b.Run("LTRIM k 0 -1") == kOk);
    CHECK(h.b.Run("LLEN k") == Int(2));
  }
  CHECK(ExecPing(h.a) == kNullArray);
}

TEST_CASE("writes that changed nothing do not count, nor keys of another database") {
  TxHarness h;
  CHECK(h.a.Run("SET s str") == kOk);
  CHECK(h.a.Run("SADD set m") == Int(1));
  CHECK(h.a.Run("RPUSH list a") == Int(1));
  CHECK(h.a.Run("HSET hash f v") == Int(1));
  CHECK(h.a.Run("WATCH s set list hash missing") == kOk);
  CHECK(h.b.Run("SET s other NX") == kNil);
  CHECK(h.b.Run("SADD set m") == Int(0));
  CHECK(h.b.Run("SREM set nosuch") == Int(0));
  CHECK(h.b.Run("LREM list 0 nosuch") == Int(0));
  CHECK(h.b.Run("HDEL hash nosuch") == Int(0));
  CHECK(h.b.Run("ZREM set x") ==
        Err("WRONGTYPE Operation against a key holding the wrong kind of value"));
  CHECK(h.b.Run("DEL missing") == Int(0));
  CHECK(h.b.Run("EXPIRE missing 10") == Int(0));
  CHECK(h.b.Run("PERSIST s") == Int(0));
  CHECK(h.b.Run("RENAME s s") == kOk);
  CHECK(h.b.Run("GET s") == Bulk("str"));
  CHECK(h.b.Run("SELECT 1") == kOk);
  CHECK(h.b.Run("SET s elsewhere") == kOk);
  CHECK(ExecPing(h.a) == kPonged);
}

TEST_CASE("SORT ... STORE changes its destination, not the sorted set it reads") {
  // Redis converts the sorted set to a skiplist for SORT: its encoding, not its contents.
  TxHarness h;
  CHECK(h.a.Run("ZADD z 1 a 2 b") == Int(2));
  CHECK(h.a.Run("WATCH z") == kOk);
  CHECK(h.b.Run("SORT z BY nosort STORE dst") == Int(2));
  CHECK(h.b.Run("OBJECT ENCODING z") == Bulk("skiplist"));
  CHECK(ExecPing(h.a) == kPonged);
  CHECK(h.a.Run("WATCH dst") == kOk);
  CHECK(h.b.Run("SORT z BY nosort STORE dst") == Int(2));
  CHECK(ExecPing(h.a) != kPonged);
}

TEST_CASE("EXEC, DISCARD and UNWATCH forget the watched keys and the touched mark") {
  TxHarness h;
  SUBCASE("after a successful EXEC") {
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(ExecPing(h.a) == kPonged);
  }
  SUBCASE("after a failed EXEC") {
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(h.b.Run("SET k 1") == kOk);
    CHECK(ExecPing(h.a) == kNullArray);
  }
  SUBCASE("after DISCARD") {
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(h.b.Run("SET k 1") == kOk);
    CHECK(h.a.Run("MULTI") == kOk);
    CHECK(h.a.Run("DISCARD") == kOk);
  }
  SUBCASE("after UNWATCH") {
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(h.b.Run("SET k 1") == kOk);
    CHECK(h.a.Run("UNWATCH") == kOk);
  }
  CHECK(h.server.watched_keys.size() == 0);
  CHECK(h.b.Run("SET k 2") == kOk);
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("INCR k") == kQueued);
  CHECK(h.a.Run("EXEC") == "*1\r\n" + Int(3));
  CHECK(h.a.Run("UNWATCH") == kOk);  // with nothing watched
}

TEST_CASE("a touched client stops watching: the registry keeps only live watches") {
  TxHarness h;
  CHECK(h.a.Run("WATCH k j") == kOk);
  CHECK(h.b.Run("WATCH k") == kOk);
  CHECK(h.b.Run("WATCH k") == kOk);  // twice counts once
  CHECK(h.server.watched_keys.size() == 3);
  CHECK(h.Run({"SET", "j", "1"}) == kOk);
  CHECK(h.server.watched_keys.size() == 1);  // a's two are gone, b's stays
  // Watching more once touched changes nothing: EXEC fails anyway.
  CHECK(h.a.Run("WATCH other") == kOk);
  CHECK(h.server.watched_keys.size() == 1);
  CHECK(ExecPing(h.a) == kNullArray);
  CHECK(ExecPing(h.b) == kPonged);
  CHECK(h.server.watched_keys.size() == 0);
}

TEST_CASE("WATCH remembers the database of each key") {
  TxHarness h;
  CHECK(h.a.Run("SELECT 5") == kOk);
  CHECK(h.a.Run("SET x 30") == kOk);
  CHECK(h.a.Run("WATCH x") == kOk);
  CHECK(h.a.Run("SELECT 1") == kOk);
  CHECK(h.a.Run("SET x 10") == kOk);
  CHECK(ExecPing(h.a) == kPonged);
  CHECK(h.a.Run("WATCH x") == kOk);  // now in database 1
  CHECK(h.b.Run("SELECT 1") == kOk);
  CHECK(h.b.Run("APPEND x 0") == Int(3));
  CHECK(ExecPing(h.a) == kNullArray);
}

TEST_CASE("a watched key that expires after WATCH counts as changed") {
  TxHarness h;
  CHECK(h.a.Run("SET k 1 PX 100") == kOk);
  CHECK(h.a.Run("WATCH k") == kOk);
  h.clock.Advance(101);
  SUBCASE("expired, not yet deleted") {}
  SUBCASE("deleted by a read") { CHECK(h.b.Run("GET k") == kNil); }
  SUBCASE("deleted by the active expiry cycle") {
    CHECK(h.store.Db(0).ExpireSome(h.clock.NowMs(), 20).expired == 1);
  }
  CHECK(h.a.Run("MULTI") == kOk);
  CHECK(h.a.Run("INCR k") == kQueued);
  CHECK(h.a.Run("EXEC") == kNullArray);
  CHECK(h.a.Run("EXISTS k") == Int(0));
}

TEST_CASE("EXPIRE, PERSIST, RENAME, MOVE, COPY and a blocking pop change watched keys") {
  TxHarness h;
  CHECK(h.a.Run("SET k v") == kOk);
  CHECK(h.a.Run("SET t v EX 100") == kOk);
  SUBCASE("EXPIRE") {
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(h.b.Run("EXPIRE k 10") == Int(1));
  }
  SUBCASE("PERSIST") {
    CHECK(h.a.Run("WATCH t") == kOk);
    CHECK(h.b.Run("PERSIST t") == Int(1));
  }
  SUBCASE("RENAME, source") {
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(h.b.Run("RENAME k k2") == kOk);
  }
  SUBCASE("RENAME, destination") {
    CHECK(h.a.Run("WATCH k2") == kOk);
    CHECK(h.b.Run("RENAME k k2") == kOk);
  }
  SUBCASE("MOVE, source") {
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(h.b.Run("MOVE k 2") == Int(1));
  }
  SUBCASE("MOVE, destination") {
    CHECK(h.a.Run("SELECT 2") == kOk);
    CHECK(h.a.Run("WATCH k") == kOk);
    CHECK(h.b.Run("MOVE k 2") == Int(1));
  }
  SUBCASE("COPY, destination") {
    CHECK(h.a.Run("WATCH k3") == kOk);
    CHECK(h.b.Run("COPY k k3") == Int(1));
  }
  SUBCASE("a blocked client served by a push") {
    CHECK(h.b.Run("BLPOP q 0") == "");
    CHECK(h.a.Run("RPUSH q x") == Int(1));  // served at once: q is gone again
    CHECK(h.b.resumed == "*2\r\n" + Bulk("q") + Bulk("x"));
    CHECK(h.a.Run("WATCH q") == kOk);
    CHECK(h.b.Run("BLPOP q 0") == "");
    CHECK(h.Run({"LPUSH", "q", "y"}) == Int(1));
    CHECK(h.a.Run("EXISTS q") == Int(0));
  }
  CHECK(ExecPing(h.a) == kNullArray);
}

TEST_CASE("a key already expired when watched is no change when deleted later") {
  TxHarness h;
  CHECK(h.a.Run("SET x foo PX 1") == kOk);
  h.clock.Advance(2);
  CHECK(h.a.Run("WATCH x") == kOk);
  SUBCASE("untouched") {}
  SUBCASE("looked up") { CHECK(h.b.Run("EXISTS x") == Int(0)); }
  SUBCASE("FLUSHDB") { CHECK(h.b.Run("FLUSHDB") == kOk); }
  CHECK(ExecPing(h.a) == kPonged);
}

TEST_CASE("FLUSHALL and FLUSHDB, sync or async, change the watched keys they remove") {
  TxHarness h;
  for (std::string flush : {"FLUSHALL", "FLUSHALL ASYNC", "FLUSHDB", "FLUSHDB ASYNC"}) {
    CAPTURE(flush);
    CHECK(h.a.Run("SET x 30") == kOk);
    CHECK(h.a.Run("WATCH x") == kOk);
    CHECK(h.b.Run(flush) == kOk);
    CHECK(ExecPing(h.a) == kNullArray);
    // A key that is not there is not changed by emptying its database.
    CHECK(h.a.Run("WATCH x") == kOk);
    CHECK(h.b.Run("SET y 1") == kOk);
    CHECK(h.b.Run(flush) == kOk);
    CHECK(ExecPing(h.a) == kPonged);
  }
  // FLUSHDB of another database leaves this one's keys alone.
  CHECK(h.a.Run("SET x 30") == kOk);
  CHECK(h.a.Run("WATCH x") == kOk);
  CHECK(h.b.Run("SELECT 4") == kOk);
  CHECK(h.b.Run("SET x 1") == kOk);
  CHECK(h.b.Run("FLUSHDB") == kOk);
  CHECK(ExecPing(h.a) == kPonged);
}

TEST_CASE("SWAPDB changes watched keys present on either side, not stale ones") {
  TxHarness h;
  SUBCASE("a watched key that exists") {
    CHECK(h.a.Run("SET x 30") == kOk);
    CHECK(h.a.Run("WATCH x") == kOk);
    CHECK(h.b.Run("SWAPDB 0 1") == kOk);
    CHECK(ExecPing(h.a) == kNullArray);
  }
  SUBCASE("a watched key that the swap brings in") {
    CHECK(h.b.Run("SELECT 1") == kOk);
    CHECK(h.b.Run("SET x 30") == kOk);
    CHECK(h.a.Run("WATCH x") == kOk);
    CHECK(h.b.Run("SWAPDB 0 1") == kOk);
    CHECK(ExecPing(h.a) == kNullArray);
  }
  SUBCASE("an expired key replaced with no key") {
    CHECK(h.a.Run("SELECT 1") == kOk);
    CHECK(h.a.Run("SET x foo PX 1") == kOk);
    h.clock.Advance(2);
    CHECK(h.a.Run("WATCH x") == kOk);
    CHECK(h.b.Run("SWAPDB 0 1") == kOk);
    CHECK(ExecPing(h.a) == kPonged);
  }
  SUBCASE("no key replaced with an expired key") {
    CHECK(h.b.Run("SET x foo PX 1") == kOk);
    h.clock.Advance(2);
    CHECK(h.a.Run("SELECT 1") == kOk);
    CHECK(h.a.Run("WATCH x") == kOk);
    CHECK(h.b.Run("SWAPDB 0 1") == kOk);
    CHECK(ExecPing(h.a) == kPonged);
  }
  SUBCASE("an expired key replaced with another expired key") {
    CHECK(h.b.Run("SET x bar PX 1") == kOk);
    CHECK(h.a.Run("SELECT 1") == kOk);
    CHECK(h.a.Run("SET x foo PX 1") == kOk);
    h.clock.Advance(2);
    CHECK(h.a.Run("WATCH x") == kOk);
    CHECK(h.b.Run("SWAPDB 0 1") == kOk);
    CHECK(ExecPing(h.a) == kPonged);
  }
  SUBCASE("keys of other databases") {
    CHECK(h.a.Run("SET x 30") == kOk);
    CHECK(h.a.Run("WATCH x") == kOk);
    CHECK(h.b.Run("SELECT 2") == kOk);
    CHECK(h.b.Run("SET x 1") == kOk);
    CHECK(h.b.Run("SWAPDB 2 3") == kOk);
    CHECK(ExecPing(h.a) == kPonged);
  }
}

}  // namespace
}  // namespace kvd::testing
