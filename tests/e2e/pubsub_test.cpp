// Pub/sub over TCP with several connections: messages reach a subscriber without it sending
// anything, RESP2 subscriber mode, RESP3 pushes between replies, a slow subscriber cut off by
// client-output-buffer-limit, keyspace notifications including expired keys.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

std::string Confirm(std::string_view kind, std::string_view name, int64_t count) {
  return Arr({Bulk(kind), Bulk(name), Int(count)});
}

std::string Message(std::string_view channel, std::string_view payload) {
  return Arr({Bulk("message"), Bulk(channel), Bulk(payload)});
}

TEST_CASE("subscribe, publish, patterns and unsubscribe counts across connections") {
  ServerProcess server;
  RawClient sub(server.port()), pub(server.port());
  sub.Send(Command({"SUBSCRIBE", "news", "sport"}));
  CHECK(sub.ReadReply().raw == Confirm("subscribe", "news", 1));
  CHECK(sub.ReadReply().raw == Confirm("subscribe", "sport", 2));
  sub.Send(Command({"PSUBSCRIBE", "n*"}));
  CHECK(sub.ReadReply().raw == Confirm("psubscribe", "n*", 3));

  CHECK(pub.Call({"PUBLISH", "news", "hello"}) == Int(2));
  CHECK(sub.ReadReply().raw == Message("news", "hello"));
  CHECK(sub.ReadReply().raw ==
        Arr({Bulk("pmessage"), Bulk("n*"), Bulk("news"), Bulk("hello")}));
  CHECK(pub.Call({"PUBLISH", "sport", "goal"}) == Int(1));
  CHECK(sub.ReadReply().raw == Message("sport", "goal"));
  CHECK(pub.Call({"PUBSUB", "NUMSUB", "news", "none"}) ==
        Arr({Bulk("news"), Int(1), Bulk("none"), Int(0)}));
  CHECK(pub.Call({"PUBSUB", "NUMPAT"}) == Int(1));

  sub.Send(Command({"UNSUBSCRIBE", "news"}));
  CHECK(sub.ReadReply().raw == Confirm("unsubscribe", "news", 2));
  sub.Send(Command({"PUNSUBSCRIBE"}));
  CHECK(sub.ReadReply().raw == Confirm("punsubscribe", "n*", 1));
  CHECK(pub.Call({"PUBLISH", "news", "x"}) == Int(0));
  sub.Send(Command({"UNSUBSCRIBE"}));
  CHECK(sub.ReadReply().raw == Confirm("unsubscribe", "sport", 0));
  CHECK(sub.Call({"UNSUBSCRIBE"}) == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  CHECK(sub.Call({"SET", "k", "v"}) == kOk);  // out of subscriber mode
}

TEST_CASE("RESP2 subscriber mode: other commands are refused, PING answers in kind") {
  ServerProcess server;
  RawClient sub(server.port());
  CHECK(sub.Call({"SUBSCRIBE", "ch"}) == Confirm("subscribe", "ch", 1));
  CHECK(sub.Call({"GET", "k"}) ==
        Err("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context"));
  CHECK(sub.Call({"PING"}) == "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  CHECK(sub.Call({"PING", "x"}) == Arr({Bulk("pong"), Bulk("x")}));
  CHECK(sub.Call({"RESET"}) == "+RESET\r\n");
  CHECK(sub.Call({"GET", "k"}) == kNil);
}

TEST_CASE("RESP3: messages are pushes and commands keep running in between") {
  ServerProcess server;
  RawClient sub(server.port()), pub(server.port());
  REQUIRE(sub.Exec({"HELLO", "3"}).type == '%');
  CHECK(sub.Call({"SUBSCRIBE", "ch"}) == ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  CHECK(pub.Call({"PUBLISH", "ch", "one"}) == Int(1));
  // The message came before the GET was sent, so it comes first.
  sub.Send(Command({"GET", "k"}));
  CHECK(sub.ReadReply().raw == ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\none\r\n");
  CHECK(sub.ReadReply().raw == "_\r\n");
  CHECK(sub.Call({"SET", "k", "v"}) == kOk);
  // Publishing to itself: Redis 7.2 sends the command's reply, then the message.
  sub.Send(Command({"PUBLISH", "ch", "self"}));
  Reply first = sub.ReadReply();
  Reply second = sub.ReadReply();
  if (Expects72()) {
    CHECK(first.raw == Int(1));
    CHECK(second.raw == ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$4\r\nself\r\n");
  }
  CHECK(sub.Call({"GET", "k"}) == Bulk("v"));
}

TEST_CASE("a subscriber that does not read is disconnected by client-output-buffer-limit") {
  ServerProcess server({"--client-output-buffer-limit", "pubsub 256kb 0 0"});
  RawClient slow(server.port()), pub(server.port());
  CHECK(slow.Call({"SUBSCRIBE", "feed"}) == Confirm("subscribe", "feed", 1));
  CHECK(pub.Call({"CONFIG", "GET", "client-output-buffer-limit"}) ==
        Arr({Bulk("client-output-buffer-limit"),
             Bulk("normal 0 0 0 slave 268435456 67108864 60 pubsub 262144 0 0")}));
  const std::string payload(64 * 1024, 'x');
  // The slow client never reads: once the socket buffers are full its pending output grows
  // past 256kb and the server drops it, after which nobody receives the messages.
  int64_t receivers = 1;
  for (int i = 0; i < 4000 && receivers > 0; ++i) {
    receivers = pub.Exec({"PUBLISH", "feed", payload}).integer;
  }
  CHECK(receivers == 0);
  CHECK(pub.Call({"PUBSUB", "NUMSUB", "feed"}) == Arr({Bulk("feed"), Int(0)}));
  CHECK(WaitFor([&] {
    return Contains(server.Log(),
                    "scheduled to be closed ASAP for overcoming of output buffer limits.");
  }));
  slow.ReadUntilClosed();  // the connection is closed (throws at the deadline otherwise)
  // A normal client with the same traffic is not affected.
  CHECK(pub.Call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("keyspace notifications over TCP, including expired keys") {
  ServerProcess server;
  RawClient sub(server.port()), cmd(server.port());
  CHECK(cmd.Call({"CONFIG", "SET", "notify-keyspace-events", "KEA"}) == kOk);
  CHECK(cmd.Call({"CONFIG", "GET", "notify-keyspace-events"}) ==
        Arr({Bulk("notify-keyspace-events"), Bulk("AKE")}));
  sub.Send(Command({"SUBSCRIBE", "__keyevent@0__:expired", "__keyspace@0__:k"}));
  CHECK(sub.ReadReply().raw == Confirm("subscribe", "__keyevent@0__:expired", 1));
  CHECK(sub.ReadReply().raw == Confirm("subscribe", "__keyspace@0__:k", 2));

  CHECK(cmd.Call({"SET", "k", "v", "PX", "100"}) == kOk);
  CHECK(sub.ReadReply().raw == Message("__keyspace@0__:k", "set"));
  CHECK(sub.ReadReply().raw == Message("__keyspace@0__:k", "expire"));
  // Nobody touches the key: the server's own expiry cycle finds it and notifies.
  CHECK(sub.ReadReply().raw == Message("__keyspace@0__:k", "expired"));
  CHECK(sub.ReadReply().raw == Message("__keyevent@0__:expired", "k"));
  CHECK(cmd.Call({"EXISTS", "k"}) == Int(0));

  CHECK(cmd.Call({"LPUSH", "k", "a"}) == Int(1));
  CHECK(sub.ReadReply().raw == Message("__keyspace@0__:k", "lpush"));
}

}  // namespace
}  // namespace kvd::e2e
