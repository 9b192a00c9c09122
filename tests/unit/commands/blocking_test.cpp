// The blocking commands through the real dispatcher, several clients, a manual clock: who is
// served, in which order, with which reply, what is logged, and how a wait ends otherwise
// (timeout, CLIENT UNBLOCK, disconnect). The connection's part (parking its later commands,
// the timer) is covered end to end in tests/e2e/blocking_test.cpp.
#include <doctest/doctest.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/blocking.h"
#include "unit/commands/extra_client.h"
#include "unit/commands/harness.h"
#include "unit/commands/list_test_util.h"

namespace kvd::testing {
namespace {

using Command = std::vector<std::string>;

using Client = ExtraClient;

// A harness whose propagation hook records every logged command.
struct BlockingHarness : Harness {
  BlockingHarness() {
    server.propagate = [this](size_t, std::span<const std::string_view> command) {
      log.emplace_back(command.begin(), command.end());
    };
  }
  std::vector<Command> TakeLog() { return std::exchange(log, {}); }
  std::string Info(std::string_view field) {
    std::string out;
    Client probe(*this);
    std::string info = probe.Run("INFO clients");
    size_t at = info.find(std::string(field) + ":");
    if (at == std::string::npos) return "";
    at += field.size() + 1;
    return info.substr(at, info.find("\r\n", at) - at);
  }
  std::vector<Command> log;
};

std::string Pair(std::string_view key, std::string_view value) {
  return Arr({std::string(key), std::string(value)});
}

TEST_CASE("BLPOP and BRPOP with data pop at once and are logged as LPOP/RPOP") {
  BlockingHarness h;
  Client a(h);
  CHECK(a.Run("RPUSH l a b c") == Int(3));
  h.TakeLog();
  CHECK(a.Run("BLPOP missing l 0") == Pair("l", "a"));
  CHECK(a.Run("BRPOP l missing 1.5") == Pair("l", "c"));
  CHECK(h.TakeLog() == std::vector<Command>{{"LPOP", "l"}, {"RPOP", "l"}});
  CHECK(a.Run("BRPOP l 0") == Pair("l", "b"));
  CHECK(a.Run("EXISTS l") == Int(0));
  CHECK_FALSE(a.c.blocked);
  CHECK(a.Take().empty());
}

TEST_CASE("a blocked BLPOP is served by another client's push, before that client goes on") {
  BlockingHarness h;
  Client waiter(h), pusher(h);
  CHECK(waiter.Run("BLPOP l 0").empty());  // no reply yet
  CHECK(waiter.c.blocked);
  CHECK(h.Info("blocked_clients") == "1");
  CHECK(h.Info("total_blocking_keys") == "1");
  CHECK(h.Info("clients_in_timeout_table") == "0");
  CHECK(h.TakeLog().empty());

  CHECK(pusher.Run("LPUSH l v") == Int(1));
  CHECK(waiter.Take() == Pair("l", "v"));
  CHECK_FALSE(waiter.c.blocked);
  CHECK(pusher.Run("LLEN l") == Int(0));  // the waiter took it already
  CHECK(h.TakeLog() == std::vector<Command>{{"LPUSH", "l", "v"}, {"LPOP", "l"}});
  CHECK(h.Info("blocked_clients") == "0");
  CHECK(h.Info("total_blocking_keys") == "0");
}

TEST_CASE("waiters are served in the order they blocked, one element each") {
  BlockingHarness h;
  Client a(h), b(h), c(h), pusher(h);
  CHECK(a.Run("BRPOP l 0").empty());
  CHECK(b.Run("BLPOP other l 0").empty());
  CHECK(c.Run("BLPOP l 0").empty());
  CHECK(pusher.Run("RPUSH l 1 2") == Int(2));
  CHECK(a.Take() == Pair("l", "2"));  // BRPOP takes the tail
  CHECK(b.Take() == Pair("l", "1"));
  CHECK(c.Take().empty());
  CHECK(c.c.blocked);
  CHECK(pusher.Run("RPUSH l 3 4") == Int(2));
  CHECK(c.Take() == Pair("l", "3"));
  CHECK(pusher.Run("LRANGE l 0 -1") == Arr({"4"}));
}

TEST_CASE("a client waiting on several keys takes from the first that gets data") {
  BlockingHarness h;
  Client a(h), pusher(h);
  CHECK(a.Run("BLPOP k1 k2 k3 0").empty());
  CHECK(pusher.Run("RPUSH k3 x") == Int(1));
  CHECK(a.Take() == Pair("k3", "x"));
  CHECK(h.Info("total_blocking_keys") == "0");  // it left every queue
  CHECK(pusher.Run("RPUSH k1 y") == Int(1));
  CHECK(pusher.Run("LLEN k1") == Int(1));
}

TEST_CASE("a timeout replies a null array, to the millisecond") {
  BlockingHarness h;
  Client a(h), b(h);
  CHECK(a.Run("BLPOP l 1.5").empty());
  CHECK(b.Run("BZPOPMIN z 0.0001").empty());  // rounds up to 1 ms
  b.c.resp = 3;
  CHECK(h.Info("clients_in_timeout_table") == "2");
  h.clock.Advance(1);
  ExpireBlockedClients(h.server);
  CHECK(b.Take() == "_\r\n");
  h.clock.Advance(1498);
  ExpireBlockedClients(h.server);
  CHECK(a.Take().empty());
  h.clock.Advance(1);
  ExpireBlockedClients(h.server);
  CHECK(a.Take() == kNullArray);
  CHECK_FALSE(a.c.blocked);
  CHECK(h.Info("blocked_clients") == "0");
  // A push after the timeout stays in the list.
  CHECK(a.Run("RPUSH l v") == Int(1));
  CHECK(a.Run("LLEN l") == Int(1));
  // Timeout 0 never expires.
  CHECK(a.Run("BLPOP never 0").empty());
  h.clock.Advance(1'000'000'000);
  ExpireBlockedClients(h.server);
  CHECK(a.c.blocked);
}

TEST_CASE("timeouts are checked as Redis checks them") {
  Harness h;
  Client a(h);
  const std::string not_float = Err("ERR timeout is not a float or out of range");
  CHECK(a.Run("BLPOP l abc") == not_float);
  CHECK(a.Run("BLPOP l 1x") == not_float);
  CHECK(a.Run("BLPOP l nan") == not_float);
  CHECK(a.Run("BLPOP l -1") == Err("ERR timeout is negative"));
  CHECK(a.Run("BZPOPMAX z -0.5") == Err("ERR timeout is negative"));
  CHECK(a.Run("BLPOP l inf") == Err("ERR timeout is out of range"));
  CHECK(a.Run("BLPOP l 1e300") == Err("ERR timeout is out of range"));
  CHECK(a.Run("BLMOVE a b LEFT LEFT 9223372036854775") == Err("ERR timeout is out of range"));
  CHECK(a.Run("BRPOPLPUSH a b x") == not_float);
  CHECK(a.Run("BLMPOP x 1 l LEFT") == not_float);
  CHECK(a.Run("BZMPOP -1 1 z MIN") == Err("ERR timeout is negative"));
  CHECK_FALSE(a.c.blocked);
  // A timeout that rounds to 0 ms waits forever, as in Redis.
  CHECK(a.Run("BLPOP l -0.0001").empty());
  CHECK(a.c.blocked);
  CHECK(h.server.blocked.Find(a.c)->deadline_ms == 0);
}

TEST_CASE("argument errors come before the timeout's") {
  Harness h;
  Client a(h);
  CHECK(a.Run("BLMOVE a b UP LEFT x") == kSyntax);
  CHECK(a.Run("BLMOVE a b LEFT DOWN x") == kSyntax);
  const std::string numkeys = Err("ERR numkeys should be greater than 0");
  CHECK(a.Run("BLMPOP x 0 l LEFT") == numkeys);
  CHECK(a.Run("BLMPOP x y l LEFT") == numkeys);
  CHECK(a.Run("BLMPOP x 2 l LEFT") == kSyntax);
  CHECK(a.Run("BLMPOP x 1 l UP") == kSyntax);
  CHECK(a.Run("BLMPOP x 1 l LEFT COUNT 0") == Err("ERR count should be greater than 0"));
  CHECK(a.Run("BLMPOP x 1 l LEFT COUNT 1 COUNT 1") == kSyntax);
  CHECK(a.Run("BZMPOP x 0 z MIN") == numkeys);
  CHECK(a.Run("BZMPOP x 1 z LOW") == kSyntax);
  CHECK(a.Run("BZMPOP x 1 z MIN COUNT -1") == Err("ERR count should be greater than 0"));
  CHECK(a.Run("BZMPOP x 1 z MIN COUNT") == kSyntax);
  CHECK(a.Run("BLPOP l") == Err("ERR wrong number of arguments for 'blpop' command"));
  CHECK(a.Run("BLMOVE a b LEFT LEFT") == Err("ERR wrong number of arguments for 'blmove' command"));
}

TEST_CASE("WRONGTYPE at call time; a key of another type wakes nobody") {
  BlockingHarness h;
  Client a(h), b(h), writer(h);
  CHECK(writer.Run("SET s v") == kOk);
  CHECK(a.Run("BLPOP missing s 0") == kWrongType);
  CHECK(a.Run("BZPOPMIN s 0") == kWrongType);
  CHECK(a.Run("BLMOVE s d LEFT LEFT 0") == kWrongType);
  CHECK_FALSE(a.c.blocked);

  CHECK(a.Run("BLPOP k 0").empty());
  CHECK(b.Run("BZPOPMIN k 0").empty());
  CHECK(writer.Run("SET k str") == kOk);
  CHECK(writer.Run("DEL k") == Int(1));
  CHECK(writer.Run("ZADD k 1 m") == Int(1));  // serves the sorted-set waiter only
  CHECK(a.Take().empty());
  CHECK(b.Take() == "*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n1\r\n");
  CHECK(a.c.blocked);
  CHECK(writer.Run("RPUSH k x") == Int(1));
  CHECK(a.Take() == Pair("k", "x"));
}

TEST_CASE("BLMOVE and BRPOPLPUSH move once the source gets data, logged as LMOVE/RPOPLPUSH") {
  BlockingHarness h;
  Client a(h), b(h), pusher(h);
  CHECK(pusher.Run("RPUSH src 1 2") == Int(2));
  CHECK(a.Run("BLMOVE src dst RIGHT LEFT 0") == Bulk("2"));
  CHECK(h.TakeLog() == std::vector<Command>{{"RPUSH", "src", "1", "2"},
                                            {"LMOVE", "src", "dst", "RIGHT", "LEFT"}});
  CHECK(a.Run("BRPOPLPUSH src dst 0") == Bulk("1"));
  CHECK(h.TakeLog() == std::vector<Command>{{"RPOPLPUSH", "src", "dst"}});
  CHECK(pusher.Run("LRANGE dst 0 -1") == Arr({"1", "2"}));

  // Blocked on the source; a BLPOP waits on the destination: one push serves both.
  CHECK(a.Run("BLMOVE src chain LEFT RIGHT 0").empty());
  CHECK(b.Run("BLPOP chain 0").empty());
  CHECK(pusher.Run("LPUSH src x") == Int(1));
  CHECK(a.Take() == Bulk("x"));
  CHECK(b.Take() == Pair("chain", "x"));
  CHECK(h.TakeLog() == std::vector<Command>{{"LPUSH", "src", "x"},
                                            {"LMOVE", "src", "chain", "LEFT", "RIGHT"},
                                            {"LPOP", "chain"}});
  CHECK(pusher.Run("EXISTS src chain") == Int(0));

  // A destination of another type: the source is kept and the waiter gets the error.
  CHECK(pusher.Run("SET str v") == kOk);
  h.TakeLog();
  CHECK(a.Run("BLMOVE src str LEFT LEFT 0").empty());  // blocks: nothing to move yet
  CHECK(pusher.Run("RPUSH src y") == Int(1));
  CHECK(a.Take() == kWrongType);
  CHECK(pusher.Run("LRANGE src 0 -1") == Arr({"y"}));
  CHECK(h.TakeLog() == std::vector<Command>{{"RPUSH", "src", "y"}});
}

TEST_CASE("BLMPOP pops up to COUNT from the first list with data") {
  BlockingHarness h;
  Client a(h), pusher(h);
  CHECK(pusher.Run("RPUSH l2 a b c") == Int(3));
  CHECK(a.Run("BLMPOP 0 2 l1 l2 RIGHT COUNT 2") == "*2\r\n$2\r\nl2\r\n" + Arr({"c", "b"}));
  CHECK(h.TakeLog().back() == Command{"RPOP", "l2", "2"});
  CHECK(a.Run("BLMPOP 0 2 l1 l2 LEFT COUNT 5") == "*2\r\n$2\r\nl2\r\n" + Arr({"a"}));
  CHECK(h.TakeLog().back() == Command{"LPOP", "l2", "1"});
  CHECK(a.Run("BLMPOP 0 2 l1 l2 LEFT").empty());
  CHECK(pusher.Run("RPUSH l1 x y z") == Int(3));
  CHECK(a.Take() == "*2\r\n$2\r\nl1\r\n" + Arr({"x"}));
  CHECK(h.TakeLog().back() == Command{"LPOP", "l1", "1"});
}

TEST_CASE("BZPOPMIN, BZPOPMAX and BZMPOP: replies in RESP2 and RESP3, logged as ZPOP*") {
  BlockingHarness h;
  Client a(h), b(h), writer(h);
  CHECK(writer.Run("ZADD z 1 a 2 b 3.5 c 4 d") == Int(4));
  CHECK(a.Run("BZPOPMIN none z 0") == "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(a.Run("BZPOPMAX z 0") == "*3\r\n$1\r\nz\r\n$1\r\nd\r\n$1\r\n4\r\n");
  a.c.resp = 3;
  CHECK(a.Run("BZPOPMAX z 0") == "*3\r\n$1\r\nz\r\n$1\r\nc\r\n,3.5\r\n");
  CHECK(h.TakeLog() ==
        std::vector<Command>{{"ZADD", "z", "1", "a", "2", "b", "3.5", "c", "4", "d"},
                             {"ZPOPMIN", "z"},
                             {"ZPOPMAX", "z"},
                             {"ZPOPMAX", "z"}});
  CHECK(a.Run("BZMPOP 0 1 z MIN COUNT 3") == "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  CHECK(h.TakeLog() == std::vector<Command>{{"ZPOPMIN", "z", "1"}});
  a.c.resp = 2;

  CHECK(a.Run("BZMPOP 0 2 z y MAX COUNT 2").empty());
  CHECK(b.Run("BZPOPMIN y 0").empty());
  CHECK(writer.Run("ZADD y 1 p 2 q 3 r") == Int(3));
  CHECK(a.Take() ==
        "*2\r\n$1\r\ny\r\n*2\r\n*2\r\n$1\r\nr\r\n$1\r\n3\r\n*2\r\n$1\r\nq\r\n$1\r\n2\r\n");
  CHECK(b.Take() == "*3\r\n$1\r\ny\r\n$1\r\np\r\n$1\r\n1\r\n");
  CHECK(writer.Run("EXISTS y") == Int(0));
  CHECK(h.TakeLog() == std::vector<Command>{{"ZADD", "y", "1", "p", "2", "q", "3", "r"},
                                            {"ZPOPMAX", "y", "2"},
                                            {"ZPOPMIN", "y"}});
}

TEST_CASE("keys moved into place wake waiters: RENAME, MOVE, COPY, SWAPDB, ZUNIONSTORE") {
  Harness h;
  Client a(h), writer(h);
  CHECK(writer.Run("RPUSH tmp v") == Int(1));
  CHECK(a.Run("BLPOP l 0").empty());
  CHECK(writer.Run("RENAME tmp l") == kOk);
  CHECK(a.Take() == Pair("l", "v"));

  // MOVE and COPY ... DB write into the waiter's database from another one.
  CHECK(a.Run("SELECT 2") == kOk);
  CHECK(a.Run("BLPOP l 0").empty());
  CHECK(writer.Run("RPUSH l moved") == Int(1));
  CHECK(writer.Run("MOVE l 2") == Int(1));
  CHECK(a.Take() == Pair("l", "moved"));
  CHECK(a.Run("BLPOP l 0").empty());
  CHECK(writer.Run("RPUSH l copied") == Int(1));
  CHECK(writer.Run("COPY l l DB 2") == Int(1));
  CHECK(a.Take() == Pair("l", "copied"));

  CHECK(a.Run("BLPOP l 0").empty());
  CHECK(writer.Run("SWAPDB 0 2") == kOk);  // db 0 held "l" (the copy's source)
  CHECK(a.Take() == Pair("l", "copied"));

  CHECK(a.Run("BZPOPMIN dest 0").empty());
  CHECK(writer.Run("SELECT 2") == kOk);
  CHECK(writer.Run("ZADD src 7 m") == Int(1));
  CHECK(writer.Run("ZUNIONSTORE dest 1 src") == Int(1));
  CHECK(a.Take() == "*3\r\n$4\r\ndest\r\n$1\r\nm\r\n$1\r\n7\r\n");
}

TEST_CASE("a client that may not block answers as on a timeout") {
  Harness h;
  Client a(h);
  a.c.deny_blocking = true;
  CHECK(a.Run("BLPOP l 0") == kNullArray);
  CHECK(a.Run("BLMPOP 0 1 l LEFT") == kNullArray);
  CHECK(a.Run("BZPOPMIN z 0") == kNullArray);
  CHECK(a.Run("BZMPOP 0 1 z MIN") == kNullArray);
  CHECK(a.Run("BLMOVE a b LEFT LEFT 0") == kNil);
  CHECK(a.Run("BRPOPLPUSH a b 0") == kNil);
  CHECK_FALSE(a.c.blocked);
  CHECK(h.server.blocked.empty());
}

TEST_CASE("a disconnect ends the wait; the next push is kept") {
  BlockingHarness h;
  Client pusher(h);
  {
    Client a(h);
    CHECK(a.Run("BLPOP l 5").empty());
    CHECK(h.Info("blocked_clients") == "1");
  }
  CHECK(h.Info("blocked_clients") == "0");
  CHECK(h.Info("clients_in_timeout_table") == "0");
  CHECK(pusher.Run("RPUSH l v") == Int(1));
  CHECK(pusher.Run("LRANGE l 0 -1") == Arr({"v"}));
}

TEST_CASE("CLIENT UNBLOCK ends a wait as a timeout or with an error") {
  BlockingHarness h;
  Client a(h), admin(h);
  const std::string id = std::to_string(a.c.id);
  CHECK(admin.Run("CLIENT UNBLOCK " + id) == Int(0));  // not blocked
  CHECK(a.Run("BLPOP l 0").empty());
  CHECK(admin.Run("CLIENT UNBLOCK " + id + " NOW") ==
        Err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
  CHECK(admin.Run("CLIENT UNBLOCK x") == kNotInt);
  CHECK(admin.Run("CLIENT UNBLOCK 999999") == Int(0));
  CHECK(admin.Run("CLIENT UNBLOCK " + id + " timeout") == Int(1));
  CHECK(a.Take() == kNullArray);
  CHECK(a.Run("BZPOPMIN z 0").empty());
  CHECK(admin.Run("CLIENT UNBLOCK " + id + " ERROR") == Int(1));
  CHECK(a.Take() == Err("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
  CHECK(admin.Run("CLIENT UNBLOCK " + id + " ERROR") == Int(0));
  CHECK(admin.Run("CLIENT UNBLOCK " + id + " TIMEOUT x") ==
        Err("ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP."));
  std::string stats = admin.Run("INFO errorstats");
  CHECK(stats.find("errorstat_UNBLOCKED:count=1") != std::string::npos);
}

TEST_CASE("CLIENT LIST shows a blocked client with flags=b and its command") {
  Harness h;
  Client a(h), admin(h);
  CHECK(a.Run("BRPOPLPUSH src dst 0").empty());
  std::string list = admin.Run("CLIENT LIST ID " + std::to_string(a.c.id));
  CHECK(list.find(" flags=b ") != std::string::npos);
  CHECK(list.find(" cmd=brpoplpush ") != std::string::npos);
  CHECK(admin.Run("RPUSH src v") == Int(1));
  list = admin.Run("CLIENT LIST ID " + std::to_string(a.c.id));
  CHECK(list.find(" flags=N ") != std::string::npos);
}

TEST_CASE("a blocked command counts once in commandstats, when it ends") {
  Harness h;
  Client a(h), b(h), pusher(h);
  CHECK(a.Run("BLPOP l 0").empty());
  CHECK(b.Run("BLPOP l 1").empty());
  std::string stats = pusher.Run("INFO commandstats");
  CHECK(stats.find("cmdstat_blpop:") == std::string::npos);
  CHECK(pusher.Run("RPUSH l v") == Int(1));
  h.clock.Advance(1000);
  ExpireBlockedClients(h.server);
  CHECK(b.Take() == kNullArray);
  stats = pusher.Run("INFO commandstats");
  CHECK(stats.find("cmdstat_blpop:calls=2,") != std::string::npos);
}

}  // namespace
}  // namespace kvd::testing

namespace kvd::testing {
namespace {

TEST_CASE("WAIT: no replica ever acknowledges, so it answers 0 at once or after its timeout") {
  BlockingHarness h;
  Client a(h), admin(h);
  CHECK(a.Run("WAIT 0 0") == Int(0));
  CHECK(a.Run("WAIT -1 100") == Int(0));
  CHECK(a.Run("WAIT x 0") == kNotInt);
  CHECK(a.Run("WAIT 1 1.5") == Err("ERR timeout is not an integer or out of range"));
  CHECK(a.Run("WAIT 1 -1") == Err("ERR timeout is negative"));
  // Asking for a replica waits the timeout out (in milliseconds).
  CHECK(a.Run("WAIT 1 100").empty());
  CHECK(a.c.blocked);
  h.clock.Advance(99);
  ExpireBlockedClients(h.server);
  CHECK(a.Take().empty());
  h.clock.Advance(1);
  ExpireBlockedClients(h.server);
  CHECK(a.Take() == Int(0));
  CHECK_FALSE(a.c.blocked);
  // Timeout 0 waits until CLIENT UNBLOCK, which answers as a timeout.
  CHECK(a.Run("WAIT 2 0").empty());
  CHECK(admin.Run("CLIENT UNBLOCK " + std::to_string(a.c.id)) == Int(1));
  CHECK(a.Take() == Int(0));
  // Inside MULTI it cannot block: 0 at once.
  CHECK(a.Run("MULTI") == kOk);
  CHECK(a.Run("WAIT 1 0") == "+QUEUED\r\n");
  CHECK(a.Run("EXEC") == "*1\r\n:0\r\n");
}

}  // namespace
}  // namespace kvd::testing
