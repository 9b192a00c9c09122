// Blocking list and sorted-set commands over TCP with several clients: wake order, timeouts,
// disconnects, the blocked client's later commands. A client is known to be blocked by
// polling INFO clients from another connection, never by sleeping.
#include <doctest/doctest.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

// Sends a command without waiting for its reply.
void Start(RawClient& c, const std::vector<std::string>& args) { c.SendOnly(Command(args)); }

TEST_CASE("blocked clients are served in the order they blocked") {
  ServerProcess server;
  RawClient observer(server.port());
  std::vector<std::unique_ptr<RawClient>> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.push_back(std::make_unique<RawClient>(server.port()));
    Start(*waiters.back(), {"BLPOP", "queue", "0"});
    REQUIRE(WaitBlocked(observer, i + 1));
  }
  // One push of three elements serves all three, first blocked first.
  CHECK(observer.Call({"RPUSH", "queue", "a", "b", "c"}) == Int(3));
  CHECK(waiters[0]->ReadReply().raw == Arr({Bulk("queue"), Bulk("a")}));
  CHECK(waiters[1]->ReadReply().raw == Arr({Bulk("queue"), Bulk("b")}));
  CHECK(waiters[2]->ReadReply().raw == Arr({Bulk("queue"), Bulk("c")}));
  CHECK(observer.Call({"EXISTS", "queue"}) == Int(0));
  CHECK(BlockedClients(observer) == 0);
}

TEST_CASE("a push serves as many waiters as it has elements; the rest keep waiting") {
  ServerProcess server;
  RawClient observer(server.port());
  RawClient a(server.port()), b(server.port()), c(server.port());
  Start(a, {"BRPOP", "q", "0"});
  REQUIRE(WaitBlocked(observer, 1));
  Start(b, {"BLPOP", "other", "q", "0"});
  REQUIRE(WaitBlocked(observer, 2));
  Start(c, {"BLPOP", "q", "0"});
  REQUIRE(WaitBlocked(observer, 3));
  CHECK(observer.Call({"LPUSH", "q", "x", "y"}) == Int(2));
  CHECK(a.ReadReply().raw == Arr({Bulk("q"), Bulk("x")}));  // BRPOP takes the tail
  CHECK(b.ReadReply().raw == Arr({Bulk("q"), Bulk("y")}));
  CHECK(BlockedClients(observer) == 1);
  CHECK(observer.Call({"RPUSH", "other", "z"}) == Int(1));  // c does not wait on it
  CHECK(observer.Call({"LLEN", "other"}) == Int(1));
  CHECK(observer.Call({"RPUSH", "q", "w"}) == Int(1));
  CHECK(c.ReadReply().raw == Arr({Bulk("q"), Bulk("w")}));
}

TEST_CASE("a timeout replies nil") {
  ServerProcess server;
  RawClient a(server.port());
  const auto start = Clock::now();
  CHECK(a.Call({"BLPOP", "none", "0.1"}) == kNilArray);
  // The deadline is counted in whole milliseconds of the server's clock, as in Redis: the
  // reply may come up to 1 ms before 100 ms of real time have passed.
  CHECK(Clock::now() - start >= 99ms);
  CHECK(a.Call({"BZPOPMAX", "none", "0.05"}) == kNilArray);
  CHECK(a.Call({"BLMPOP", "0.05", "1", "none", "LEFT"}) == kNilArray);
  CHECK(a.Call({"BZMPOP", "0.05", "1", "none", "MIN"}) == kNilArray);
  // BLMOVE's timeout is a null array too, where its LMOVE-like reply is a null bulk.
  CHECK(a.Call({"BLMOVE", "none", "dst", "LEFT", "LEFT", "0.05"}) == kNilArray);
  CHECK(a.Call({"BRPOPLPUSH", "none", "dst", "0.05"}) == kNilArray);
  CHECK(a.Call({"HELLO", "3"}).substr(0, 1) == "%");
  CHECK(a.Call({"BLPOP", "none", "0.05"}) == "_\r\n");
  CHECK(a.Call({"EXISTS", "dst"}) == Int(0));
}

TEST_CASE("a command pipelined after a blocking one runs only once it is served") {
  ServerProcess server;
  RawClient a(server.port()), b(server.port());
  a.SendOnly(Command({"BLPOP", "l", "0"}) + Command({"SET", "marker", "1"}) +
             Command({"GET", "marker"}));
  REQUIRE(WaitBlocked(b, 1));
  CHECK(b.Call({"EXISTS", "marker"}) == Int(0));
  // More input while blocked waits too.
  a.SendOnly(Command({"INCR", "marker"}));
  CHECK(b.Call({"CLIENT", "LIST"}).find("cmd=blpop") != std::string::npos);
  CHECK(b.Call({"EXISTS", "marker"}) == Int(0));
  CHECK(b.Call({"RPUSH", "l", "v"}) == Int(1));
  CHECK(a.ReadReply().raw == Arr({Bulk("l"), Bulk("v")}));
  CHECK(a.ReadReply().raw == kOk);
  CHECK(a.ReadReply().raw == Bulk("1"));
  CHECK(a.ReadReply().raw == Int(2));

  // Same after a timeout.
  a.SendOnly(Command({"BRPOP", "l", "0.05"}) + Command({"PING"}));
  CHECK(a.ReadReply().raw == kNilArray);
  CHECK(a.ReadReply().raw == "+PONG\r\n");
}

TEST_CASE("replies pipelined before a blocking command arrive while it waits") {
  ServerProcess server;
  RawClient a(server.port()), b(server.port());
  // Replies gather until the connection waits: a blocked client's must go out then.
  a.SendOnly(Command({"SET", "k", "v"}) + Command({"GET", "k"}) + Command({"BLPOP", "l", "0"}));
  CHECK(a.ReadReply().raw == kOk);
  CHECK(a.ReadReply().raw == Bulk("v"));
  REQUIRE(WaitBlocked(b, 1));
  CHECK(b.Call({"RPUSH", "l", "x"}) == Int(1));
  CHECK(a.ReadReply().raw == Arr({Bulk("l"), Bulk("x")}));
}

TEST_CASE("a disconnect while blocked cleans up, and a later push is not lost") {
  ServerProcess server;
  RawClient observer(server.port());
  {
    RawClient a(server.port());
    Start(a, {"BLPOP", "l", "0"});
    REQUIRE(WaitBlocked(observer, 1));
  }
  CHECK(WaitBlocked(observer, 0));
  CHECK(observer.Call({"RPUSH", "l", "kept"}) == Int(1));
  CHECK(observer.Call({"LRANGE", "l", "0", "-1"}) == Arr({Bulk("kept")}));

  // CLIENT KILL of a blocked client too.
  RawClient b(server.port());
  const int64_t id = b.Exec({"CLIENT", "ID"}).integer;
  Start(b, {"BZPOPMIN", "z", "0"});
  REQUIRE(WaitBlocked(observer, 1));
  CHECK(observer.Call({"CLIENT", "KILL", "ID", std::to_string(id)}) == Int(1));
  CHECK(WaitBlocked(observer, 0));
  CHECK(observer.Call({"ZADD", "z", "1", "m"}) == Int(1));
  CHECK(observer.Call({"ZCARD", "z"}) == Int(1));
}

TEST_CASE("BLMOVE and BRPOPLPUSH move the element once it arrives") {
  ServerProcess server;
  RawClient a(server.port()), b(server.port());
  Start(a, {"BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"});
  REQUIRE(WaitBlocked(b, 1));
  CHECK(b.Call({"RPUSH", "src", "1", "2"}) == Int(2));
  CHECK(a.ReadReply().raw == Bulk("2"));
  CHECK(b.Call({"LRANGE", "src", "0", "-1"}) == Arr({Bulk("1")}));
  CHECK(b.Call({"LRANGE", "dst", "0", "-1"}) == Arr({Bulk("2")}));
  // With data, at once.
  CHECK(a.Call({"BRPOPLPUSH", "src", "dst", "0"}) == Bulk("1"));
  CHECK(b.Call({"LRANGE", "dst", "0", "-1"}) == Arr({Bulk("1"), Bulk("2")}));
  CHECK(b.Call({"EXISTS", "src"}) == Int(0));

  Start(a, {"BRPOPLPUSH", "src", "dst", "0"});
  REQUIRE(WaitBlocked(b, 1));
  CHECK(b.Call({"LPUSH", "src", "3"}) == Int(1));
  CHECK(a.ReadReply().raw == Bulk("3"));
  CHECK(b.Call({"LRANGE", "dst", "0", "-1"}) == Arr({Bulk("3"), Bulk("1"), Bulk("2")}));
}

TEST_CASE("BZPOPMIN, BZPOPMAX and BZMPOP wait for members") {
  ServerProcess server;
  RawClient a(server.port()), b(server.port());
  Start(a, {"BZPOPMIN", "z1", "z2", "0"});
  REQUIRE(WaitBlocked(b, 1));
  CHECK(b.Call({"ZADD", "z2", "2", "two", "1", "one"}) == Int(2));
  CHECK(a.ReadReply().raw == Arr({Bulk("z2"), Bulk("one"), Bulk("1")}));
  CHECK(a.Call({"BZPOPMAX", "z1", "z2", "0"}) == Arr({Bulk("z2"), Bulk("two"), Bulk("2")}));

  Start(a, {"BZMPOP", "0", "2", "z1", "z2", "MAX", "COUNT", "2"});
  REQUIRE(WaitBlocked(b, 1));
  CHECK(b.Call({"ZADD", "z1", "1", "a", "2.5", "b", "3", "c"}) == Int(3));
  CHECK(a.ReadReply().raw == Arr({Bulk("z1"), Arr({Arr({Bulk("c"), Bulk("3")}),
                                                   Arr({Bulk("b"), Bulk("2.5")})})}));
  CHECK(b.Call({"ZRANGE", "z1", "0", "-1"}) == Arr({Bulk("a")}));

  CHECK(a.Call({"HELLO", "3"}).substr(0, 1) == "%");
  CHECK(a.Call({"BZPOPMIN", "z1", "0"}) == Arr({Bulk("z1"), Bulk("a"), ",1\r\n"}));
  Start(a, {"BZMPOP", "0", "1", "z1", "MIN"});
  REQUIRE(WaitBlocked(b, 1));
  CHECK(b.Call({"ZADD", "z1", "7", "m"}) == Int(1));
  CHECK(a.ReadReply().raw == Arr({Bulk("z1"), Arr({Arr({Bulk("m"), ",7\r\n"})})}));
}

TEST_CASE("BLMPOP pops up to COUNT once a list has data") {
  ServerProcess server;
  RawClient a(server.port()), b(server.port());
  Start(a, {"BLMPOP", "0", "2", "l1", "l2", "RIGHT", "COUNT", "2"});
  REQUIRE(WaitBlocked(b, 1));
  CHECK(b.Call({"RPUSH", "l2", "a", "b", "c"}) == Int(3));
  CHECK(a.ReadReply().raw == Arr({Bulk("l2"), Arr({Bulk("c"), Bulk("b")})}));
  CHECK(b.Call({"LRANGE", "l2", "0", "-1"}) == Arr({Bulk("a")}));
}

TEST_CASE("wrong types: an error at call time, and a key of another type wakes nobody") {
  ServerProcess server;
  RawClient a(server.port()), b(server.port());
  const std::string wrong_type =
      Err("WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(b.Call({"SET", "str", "v"}) == kOk);
  CHECK(a.Call({"BLPOP", "none", "str", "0"}) == wrong_type);
  CHECK(a.Call({"BZPOPMIN", "str", "0"}) == wrong_type);
  CHECK(a.Call({"BLMOVE", "str", "dst", "LEFT", "LEFT", "0"}) == wrong_type);
  CHECK(a.Call({"BLMPOP", "0", "1", "str", "LEFT"}) == wrong_type);
  CHECK(a.Call({"BZMPOP", "0", "1", "str", "MIN"}) == wrong_type);

  Start(a, {"BLPOP", "k", "0"});
  REQUIRE(WaitBlocked(b, 1));
  CHECK(b.Call({"ZADD", "k", "1", "m"}) == Int(1));
  CHECK(b.Call({"SET", "k", "v"}) == kOk);
  CHECK(b.Call({"DEL", "k"}) == Int(1));
  CHECK(BlockedClients(b) == 1);
  CHECK(b.Call({"RPUSH", "k", "x"}) == Int(1));
  CHECK(a.ReadReply().raw == Arr({Bulk("k"), Bulk("x")}));

  // BLMOVE onto a destination of another type: the waiter gets the error, the source stays.
  Start(a, {"BLMOVE", "src", "str", "LEFT", "LEFT", "0"});
  REQUIRE(WaitBlocked(b, 1));
  CHECK(b.Call({"RPUSH", "src", "e"}) == Int(1));
  CHECK(a.ReadReply().raw == wrong_type);
  CHECK(b.Call({"LRANGE", "src", "0", "-1"}) == Arr({Bulk("e")}));
}

TEST_CASE("bad timeouts and arguments") {
  ServerProcess server;
  RawClient a(server.port());
  const std::string not_float = Err("ERR timeout is not a float or out of range");
  CHECK(a.Call({"BLPOP", "l", "abc"}) == not_float);
  CHECK(a.Call({"BRPOP", "l", "1s"}) == not_float);
  CHECK(a.Call({"BZPOPMIN", "z", ""}) == not_float);
  CHECK(a.Call({"BLPOP", "l", "-1"}) == Err("ERR timeout is negative"));
  CHECK(a.Call({"BLMOVE", "a", "b", "LEFT", "LEFT", "-0.5"}) == Err("ERR timeout is negative"));
  CHECK(a.Call({"BLMOVE", "a", "b", "LEFT", "UP", "x"}) == kSyntaxErr);
  CHECK(a.Call({"BLMPOP", "x", "0", "l", "LEFT"}) ==
        Err("ERR numkeys should be greater than 0"));
  CHECK(a.Call({"BLMPOP", "x", "1", "l", "LEFT"}) == not_float);
  CHECK(a.Call({"BZMPOP", "0", "1", "z", "MIN", "COUNT", "0"}) ==
        Err("ERR count should be greater than 0"));
  CHECK(a.Call({"BLPOP", "l"}) == ArityErr("blpop"));
  CHECK(a.Call({"BZMPOP", "0", "1", "z"}) == ArityErr("bzmpop"));
  if (Expects72()) {
    CHECK(a.Call({"BLPOP", "l", "1e300"}) == Err("ERR timeout is out of range"));
  }
  CHECK(BlockedClients(a) == 0);
}

TEST_CASE("CLIENT LIST, INFO and CLIENT UNBLOCK see blocked clients") {
  ServerProcess server;
  RawClient a(server.port()), b(server.port());
  const int64_t id = a.Exec({"CLIENT", "ID"}).integer;
  Start(a, {"BLPOP", "k1", "k2", "5"});
  REQUIRE(WaitBlocked(b, 1));
  std::string list = b.Exec({"CLIENT", "LIST", "ID", std::to_string(id)}).str;
  CHECK(Contains(list, " flags=b "));
  CHECK(Contains(list, " cmd=blpop "));
  std::string info = b.Exec({"INFO", "clients"}).str;
  CHECK(InfoField(info, "clients_in_timeout_table") == "1");
  if (Expects72()) CHECK(InfoField(info, "total_blocking_keys") == "2");

  CHECK(b.Call({"CLIENT", "UNBLOCK", std::to_string(id)}) == Int(1));
  CHECK(a.ReadReply().raw == kNilArray);
  CHECK(b.Call({"CLIENT", "UNBLOCK", std::to_string(id)}) == Int(0));
  Start(a, {"BRPOP", "k1", "0"});
  REQUIRE(WaitBlocked(b, 1));
  CHECK(b.Call({"CLIENT", "UNBLOCK", std::to_string(id), "ERROR"}) == Int(1));
  CHECK(a.ReadReply().raw == Err("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
  CHECK(a.Call({"PING"}) == "+PONG\r\n");
  list = b.Exec({"CLIENT", "LIST", "ID", std::to_string(id)}).str;
  CHECK(Contains(list, " flags=N "));
}

TEST_CASE("a server shutting down with blocked clients exits cleanly") {
  ServerProcess server;
  RawClient observer(server.port());
  RawClient a(server.port()), b(server.port());
  Start(a, {"BLPOP", "l", "0"});
  Start(b, {"BZPOPMIN", "z", "100"});
  REQUIRE(WaitBlocked(observer, 2));
  ExitResult r = server.Stop(SIGTERM);
  CHECK(r.exited);
  CHECK(r.code == 0);
}

}  // namespace
}  // namespace kvd::e2e
