// Client-side caching over TCP: CLIENT TRACKING with RESP3 invalidation pushes, RESP2
// redirection to a __redis__:invalidate subscriber, BCAST prefixes, OPTIN, flushes, expiry.
#include <doctest/doctest.h>

#include <string>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

std::string Invalidate(std::initializer_list<std::string> keys) {
  return ">2\r\n$10\r\ninvalidate\r\n" + Arr(keys);
}

void Hello3(RawClient& c) { REQUIRE(c.Exec({"HELLO", "3"}).type == '%'); }

TEST_CASE("RESP3 default mode: a read key is invalidated once when someone writes it") {
  ServerProcess server;
  RawClient c(server.port()), w(server.port());
  Hello3(c);
  CHECK(c.Call({"CLIENT", "TRACKING", "ON"}) == kOk);
  CHECK(w.Call({"SET", "k", "1"}) == kOk);
  CHECK(c.Call({"GET", "k"}) == Bulk("1"));
  CHECK(w.Call({"SET", "k", "2"}) == kOk);
  CHECK(c.ReadReply().raw == Invalidate({Bulk("k")}));
  CHECK(w.Call({"SET", "k", "3"}) == kOk);  // forgotten: no second message
  CHECK(c.Call({"PING"}) == "+PONG\r\n");
  const std::string info = w.Call({"INFO"});
  CHECK(InfoField(info, "tracking_clients") == "1");
  CHECK(InfoField(info, "tracking_total_keys") == "0");

  // The client's own write: the reply first, then the invalidation (Redis 7.2).
  CHECK(c.Call({"GET", "k"}) == Bulk("3"));
  c.Send(Command({"SET", "k", "4"}));
  const Reply first = c.ReadReply();
  const Reply second = c.ReadReply();
  if (Expects72()) {
    CHECK(first.raw == kOk);
    CHECK(second.raw == Invalidate({Bulk("k")}));
  }
  const std::string list = w.Call({"CLIENT", "LIST"});
  CHECK(Contains(list, "flags=t "));
}

TEST_CASE("RESP2 REDIRECT: invalidations as messages on __redis__:invalidate") {
  ServerProcess server;
  RawClient t(server.port()), r(server.port()), w(server.port());
  const std::string rid = std::to_string(r.Exec({"CLIENT", "ID"}).integer);
  CHECK(r.Call({"SUBSCRIBE", "__redis__:invalidate"}) ==
        Arr({Bulk("subscribe"), Bulk("__redis__:invalidate"), Int(1)}));
  CHECK(t.Call({"CLIENT", "TRACKING", "on", "REDIRECT", rid}) == kOk);
  CHECK(t.Call({"CLIENT", "GETREDIR"}) == Int(std::stoll(rid)));
  CHECK(t.Call({"MGET", "a", "b"}) == Arr({kNil, kNil}));
  CHECK(w.Call({"SET", "b", "1"}) == kOk);
  CHECK(r.ReadReply().raw ==
        Arr({Bulk("message"), Bulk("__redis__:invalidate"), Arr({Bulk("b")})}));
  CHECK(w.Call({"FLUSHALL"}) == kOk);
  CHECK(r.ReadReply().raw == Arr({Bulk("message"), Bulk("__redis__:invalidate"), kNil}));
  CHECK(Contains(w.Call({"CLIENT", "LIST"}), "redir=" + rid + " "));
}

TEST_CASE("a redirect client that went away: tracking-redir-broken") {
  ServerProcess server;
  RawClient t(server.port()), w(server.port());
  Hello3(t);
  std::string rid;
  {
    RawClient r(server.port());
    rid = std::to_string(r.Exec({"CLIENT", "ID"}).integer);
    CHECK(t.Call({"CLIENT", "TRACKING", "on", "REDIRECT", rid}) == kOk);
  }
  REQUIRE(WaitFor([&] { return !Contains(w.Call({"CLIENT", "LIST"}), "id=" + rid + " "); }));
  CHECK(t.Call({"GET", "k"}) == "_\r\n");
  CHECK(w.Call({"SET", "k", "1"}) == kOk);
  CHECK(t.ReadReply().raw == ">2\r\n$21\r\ntracking-redir-broken\r\n:" + rid + "\r\n");
  const Reply info = t.Exec({"CLIENT", "TRACKINGINFO"});
  REQUIRE(info.Field("flags") != nullptr);
  CHECK(info.Field("flags")->raw == "~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n");
}

TEST_CASE("BCAST with a prefix: changed keys under it, none else") {
  ServerProcess server;
  RawClient c(server.port()), w(server.port());
  Hello3(c);
  CHECK(c.Call({"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:"}) == kOk);
  CHECK(w.Call({"MSET", "user:1", "a", "other", "b"}) == kOk);
  CHECK(c.ReadReply().raw == Invalidate({Bulk("user:1")}));
  CHECK(w.Call({"SET", "other", "c"}) == kOk);
  CHECK(w.Call({"DEL", "user:1"}) == Int(1));
  CHECK(c.ReadReply().raw == Invalidate({Bulk("user:1")}));
  CHECK(InfoField(w.Call({"INFO", "stats"}), "tracking_total_prefixes") == "1");
  CHECK(c.Call({"CLIENT", "TRACKINGINFO"}) ==
        "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n"
        "$8\r\nprefixes\r\n*1\r\n$5\r\nuser:\r\n");
}

TEST_CASE("a BCAST invalidation another client's write caused comes before the next reply") {
  // Redis sends BCAST invalidations before it reads more input; a reply may not overtake
  // them (a cache would otherwise see the new state before it hears of the change).
  ServerProcess server;
  RawClient c(server.port()), w(server.port());
  Hello3(c);
  CHECK(c.Call({"CLIENT", "TRACKING", "on", "BCAST"}) == kOk);
  for (int i = 0; i < 200; ++i) {
    CAPTURE(i);
    CHECK(w.Call({"SET", "k", std::to_string(i)}) == kOk);
    REQUIRE(c.Call({"PING"}) == Invalidate({Bulk("k")}));
    REQUIRE(c.ReadReply().raw == "+PONG\r\n");
  }
}

TEST_CASE("OPTIN: only the command after CLIENT CACHING YES is remembered") {
  ServerProcess server;
  RawClient c(server.port()), w(server.port());
  Hello3(c);
  CHECK(c.Call({"CLIENT", "TRACKING", "on", "OPTIN"}) == kOk);
  CHECK(c.Call({"GET", "skipped"}) == "_\r\n");
  CHECK(c.Call({"CLIENT", "CACHING", "YES"}) == kOk);
  CHECK(c.Call({"GET", "cached"}) == "_\r\n");
  CHECK(w.Call({"MSET", "skipped", "1", "cached", "1"}) == kOk);
  CHECK(c.ReadReply().raw == Invalidate({Bulk("cached")}));
  CHECK(c.Call({"PING"}) == "+PONG\r\n");  // and nothing for "skipped"
}

TEST_CASE("NOLOOP, FLUSHDB and expiry") {
  ServerProcess server;
  RawClient c(server.port()), w(server.port());
  Hello3(c);
  CHECK(c.Call({"CLIENT", "TRACKING", "on", "NOLOOP"}) == kOk);
  CHECK(c.Call({"GET", "mine"}) == "_\r\n");
  CHECK(c.Call({"SET", "mine", "1"}) == kOk);
  CHECK(c.Call({"PING"}) == "+PONG\r\n");  // no invalidation for its own write

  CHECK(c.Call({"GET", "mine"}) == Bulk("1"));
  CHECK(w.Call({"FLUSHDB"}) == kOk);
  CHECK(c.ReadReply().raw == ">2\r\n$10\r\ninvalidate\r\n_\r\n");

  // The active expiry cycle deletes the key; the reader is told without asking.
  CHECK(w.Call({"SET", "short", "v", "PX", "50"}) == kOk);
  CHECK(c.Call({"GET", "short"}) == Bulk("v"));
  CHECK(c.ReadReply().raw == Invalidate({Bulk("short")}));
}

TEST_CASE("redis-cli sees the tracking subcommands and their errors") {
  ServerProcess server;
  const CliResult r = RunCli(server.port(), {"CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"});
  CHECK(Contains(r.out + r.err, "You can't specify both OPTIN mode and OPTOUT mode"));
  const CliResult g = RunCli(server.port(), {"CLIENT", "GETREDIR"});
  CHECK(g.out == "-1\n");
}

}  // namespace
}  // namespace kvd::e2e
