// Pub/sub: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB, RESP2 subscriber
// mode, RESP3 pushes, CLIENT LIST and INFO fields, client-output-buffer-limit.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "server/pubsub.h"
#include "unit/commands/harness.h"
#include "unit/commands/pubsub_test_util.h"

namespace kvd::testing {
namespace {

const std::string kNoSubsUnsubscribe = "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n";

std::string Confirm(std::string_view kind, std::string_view name, int count, char head = '*') {
  return std::string(1, head) + "3\r\n$" + std::to_string(kind.size()) + "\r\n" +
         std::string(kind) + "\r\n$" + std::to_string(name.size()) + "\r\n" + std::string(name) +
         "\r\n:" + std::to_string(count) + "\r\n";
}

TEST_CASE("SUBSCRIBE confirms each channel with the running count; PUBLISH counts receivers") {
  Harness h;
  PubSubPeer a(h), b(h);
  CHECK(a.Run({"SUBSCRIBE", "news", "sport", "news"}) ==
        Confirm("subscribe", "news", 1) + Confirm("subscribe", "sport", 2) +
            Confirm("subscribe", "news", 2));
  CHECK(b.Run({"SUBSCRIBE", "news"}) == Confirm("subscribe", "news", 1));

  CHECK(h.Run({"PUBLISH", "news", "hello"}) == ":2\r\n");
  CHECK(a.Take() == "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
  CHECK(Frames(b.Take()) == FrameList{{"message", "news", "hello"}});
  CHECK(h.Run({"PUBLISH", "sport", ""}) == ":1\r\n");
  CHECK(Frames(a.Take()) == FrameList{{"message", "sport", ""}});
  CHECK(b.Take().empty());
  CHECK(h.Run({"PUBLISH", "nobody", "x"}) == ":0\r\n");
}

TEST_CASE("PSUBSCRIBE matches channels with Redis's glob; a channel and a pattern both count") {
  Harness h;
  PubSubPeer a(h);
  CHECK(a.Run({"PSUBSCRIBE", "h?llo", "n[ae]ws.*"}) ==
        Confirm("psubscribe", "h?llo", 1) + Confirm("psubscribe", "n[ae]ws.*", 2));
  CHECK(a.Run({"SUBSCRIBE", "hello"}) == Confirm("subscribe", "hello", 3));
  CHECK(h.Run({"PUBLISH", "hello", "m"}) == ":2\r\n");
  CHECK(Frames(a.Take()) ==
        FrameList{{"message", "hello", "m"}, {"pmessage", "h?llo", "hello", "m"}});
  CHECK(h.Run({"PUBLISH", "news.it", "m2"}) == ":1\r\n");
  CHECK(Frames(a.Take()) == FrameList{{"pmessage", "n[ae]ws.*", "news.it", "m2"}});
  CHECK(h.Run({"PUBLISH", "nuws.it", "m3"}) == ":0\r\n");
  CHECK(h.Run({"PUBSUB", "NUMPAT"}) == ":2\r\n");
  CHECK(a.Run({"PUNSUBSCRIBE", "h?llo", "nope"}) ==
        Confirm("punsubscribe", "h?llo", 2) + Confirm("punsubscribe", "nope", 2));
  CHECK(h.Run({"PUBSUB", "NUMPAT"}) == ":1\r\n");
}

TEST_CASE("UNSUBSCRIBE without arguments drops every channel, or says nil 0 with none") {
  Harness h;
  PubSubPeer a(h);
  CHECK(a.Run({"UNSUBSCRIBE"}) == kNoSubsUnsubscribe);
  CHECK(a.Run({"PUNSUBSCRIBE"}) == "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
  CHECK(a.Run({"SUNSUBSCRIBE"}) == "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n");
  a.Run({"SUBSCRIBE", "a", "b"});
  a.Run({"PSUBSCRIBE", "p*"});
  // Channels go one by one; the pattern stays and still counts.
  CHECK(a.Run({"UNSUBSCRIBE"}) == Confirm("unsubscribe", "a", 2) + Confirm("unsubscribe", "b", 1));
  CHECK(h.Run({"PUBSUB", "NUMSUB", "a", "b"}) == "*4\r\n$1\r\na\r\n:0\r\n$1\r\nb\r\n:0\r\n");
  CHECK(a.client.pubsub);
  CHECK(a.Run({"PUNSUBSCRIBE"}) == Confirm("punsubscribe", "p*", 0));
  CHECK_FALSE(a.client.pubsub);
  CHECK(a.client.subscriptions == nullptr);  // the sets are given back with the last one
  CHECK(a.Run({"GET", "k"}) == "$-1\r\n");  // out of subscriber mode
  CHECK(a.Run({"SUBSCRIBE", "a"}) == Confirm("subscribe", "a", 1));
  CHECK(h.Run({"PUBLISH", "a", "m"}) == ":1\r\n");
}

TEST_CASE("RESP2 subscriber mode allows only (un)subscribing, PING, QUIT and RESET") {
  Harness h;
  PubSubPeer a(h);
  a.Run({"SUBSCRIBE", "ch"});
  CHECK(a.Run({"GET", "k"}) ==
        "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
        "RESET are allowed in this context\r\n");
  CHECK(a.Run({"CONFIG", "GET", "x"}).starts_with("-ERR Can't execute 'config|get': "));
  CHECK(a.Run({"PING"}) == "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  CHECK(a.Run({"PING", "hi"}) == "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
  CHECK(a.Run({"PSUBSCRIBE", "x*"}) == Confirm("psubscribe", "x*", 2));
  CHECK(a.Run({"RESET"}) == "+RESET\r\n");
  CHECK_FALSE(a.client.pubsub);
  CHECK(h.Run({"PUBSUB", "NUMSUB", "ch"}) == "*2\r\n$2\r\nch\r\n:0\r\n");
  CHECK(h.Run({"PUBSUB", "NUMPAT"}) == ":0\r\n");
  CHECK(a.Run({"PING"}) == "+PONG\r\n");
  CHECK(h.Run({"PUBLISH", "ch", "m"}) == ":0\r\n");
  CHECK(a.Take().empty());
}

TEST_CASE("RESP3: confirmations and messages are pushes and any command still runs") {
  Harness h;
  PubSubPeer a(h, 3);
  CHECK(a.Run({"SUBSCRIBE", "ch"}) == Confirm("subscribe", "ch", 1, '>'));
  CHECK(a.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(a.Run({"PING"}) == "+PONG\r\n");
  CHECK(h.Run({"PUBLISH", "ch", "m"}) == ":1\r\n");
  CHECK(a.Take() == ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n");
  CHECK(a.Run({"UNSUBSCRIBE"}) == Confirm("unsubscribe", "ch", 0, '>'));
  CHECK(a.Run({"UNSUBSCRIBE"}) == ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
  // A RESP2 subscriber of the same channel gets its own encoding of the same message.
  PubSubPeer b(h, 2);
  a.Run({"PSUBSCRIBE", "c*"});
  b.Run({"PSUBSCRIBE", "c*"});
  CHECK(h.Run({"PUBLISH", "ch", "m"}) == ":2\r\n");
  CHECK(a.Take() == ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$1\r\nm\r\n");
  CHECK(b.Take() == "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$1\r\nm\r\n");
}

TEST_CASE("shard channels are a namespace of their own") {
  Harness h;
  PubSubPeer a(h), b(h);
  CHECK(a.Run({"SSUBSCRIBE", "ch", "other"}) ==
        Confirm("ssubscribe", "ch", 1) + Confirm("ssubscribe", "other", 2));
  b.Run({"SUBSCRIBE", "ch"});
  b.Run({"PSUBSCRIBE", "*"});
  CHECK(h.Run({"SPUBLISH", "ch", "s"}) == ":1\r\n");
  CHECK(Frames(a.Take()) == FrameList{{"smessage", "ch", "s"}});
  CHECK(b.Take().empty());
  CHECK(h.Run({"PUBLISH", "ch", "p"}) == ":2\r\n");
  CHECK(a.Take().empty());
  // SSUBSCRIBE's count is shard channels only; SUBSCRIBE's leaves them out.
  CHECK(a.Run({"SUBSCRIBE", "x"}) == Confirm("subscribe", "x", 1));
  CHECK(a.Run({"GET", "k"}).starts_with("-ERR Can't execute 'get'"));
  CHECK(h.Run({"PUBSUB", "SHARDCHANNELS"}) == "*2\r\n$2\r\nch\r\n$5\r\nother\r\n");
  CHECK(h.Run({"PUBSUB", "SHARDCHANNELS", "o*"}) == "*1\r\n$5\r\nother\r\n");
  CHECK(h.Run({"PUBSUB", "SHARDNUMSUB", "ch", "x"}) == "*4\r\n$2\r\nch\r\n:1\r\n$1\r\nx\r\n:0\r\n");
  CHECK(a.Run({"SUNSUBSCRIBE"}) ==
        Confirm("sunsubscribe", "ch", 1) + Confirm("sunsubscribe", "other", 0));
  CHECK(a.client.pubsub);  // still on "x"
  CHECK(h.Run({"PUBSUB", "SHARDCHANNELS"}) == "*0\r\n");
}

TEST_CASE("PUBSUB CHANNELS, NUMSUB, NUMPAT and their errors") {
  Harness h;
  PubSubPeer a(h), b(h);
  a.Run({"SUBSCRIBE", "news.it", "news.fr", "sport"});
  b.Run({"SUBSCRIBE", "news.it"});
  b.Run({"PSUBSCRIBE", "news.*", "a", "news.*"});
  CHECK(h.Run({"PUBSUB", "CHANNELS"}) ==
        "*3\r\n$7\r\nnews.fr\r\n$7\r\nnews.it\r\n$5\r\nsport\r\n");
  CHECK(h.Run({"PUBSUB", "channels", "news.*"}) == "*2\r\n$7\r\nnews.fr\r\n$7\r\nnews.it\r\n");
  CHECK(h.Run({"PUBSUB", "NUMSUB", "news.it", "sport", "none"}) ==
        "*6\r\n$7\r\nnews.it\r\n:2\r\n$5\r\nsport\r\n:1\r\n$4\r\nnone\r\n:0\r\n");
  CHECK(h.Run({"PUBSUB", "NUMSUB"}) == "*0\r\n");
  CHECK(h.Run({"PUBSUB", "NUMPAT"}) == ":2\r\n");
  CHECK(h.Run({"PUBSUB", "CHANNELS", "x", "y"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB "
        "HELP.\r\n");
  CHECK(h.Run({"PUBSUB", "NUMPAT", "x"}) ==
        "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n");
  CHECK(h.Run({"PUBSUB", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n");
  CHECK(h.Run({"PUBSUB", "HELP"}).starts_with(
      "*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
      "+CHANNELS [<pattern>]\r\n"));
  CHECK(h.Run({"SUBSCRIBE"}) == "-ERR wrong number of arguments for 'subscribe' command\r\n");
  CHECK(h.Run({"PUBLISH", "ch"}) == "-ERR wrong number of arguments for 'publish' command\r\n");
}

TEST_CASE("a client that goes away leaves no subscription behind") {
  Harness h;
  {
    PubSubPeer a(h);
    a.Run({"SUBSCRIBE", "ch"});
    a.Run({"PSUBSCRIBE", "c*"});
    a.Run({"SSUBSCRIBE", "s"});
    CHECK(h.Run({"PUBLISH", "ch", "m"}) == ":2\r\n");
  }
  CHECK(h.Run({"PUBLISH", "ch", "m"}) == ":0\r\n");
  CHECK(h.Run({"SPUBLISH", "s", "m"}) == ":0\r\n");
  CHECK(h.Run({"PUBSUB", "CHANNELS"}) == "*0\r\n");
  CHECK(h.Run({"PUBSUB", "NUMPAT"}) == ":0\r\n");
}

TEST_CASE("CLIENT LIST shows sub, psub, ssub and flag P; INFO stats counts the channels") {
  Harness h;
  PubSubPeer a(h);
  a.Run({"SUBSCRIBE", "c1", "c2"});
  a.Run({"PSUBSCRIBE", "p*"});
  a.Run({"SSUBSCRIBE", "s1"});
  const std::string list = h.Run({"CLIENT", "LIST", "TYPE", "pubsub"});
  CHECK(list.find("id=" + std::to_string(a.client.id) + " ") != std::string::npos);
  CHECK(list.find(" flags=P db=0 sub=2 psub=1 ssub=1 ") != std::string::npos);
  CHECK(list.find("id=" + std::to_string(h.client.id) + " ") == std::string::npos);
  const std::string normal = h.Run({"CLIENT", "LIST", "TYPE", "normal"});
  CHECK(normal.find("id=" + std::to_string(a.client.id) + " ") == std::string::npos);
  CHECK(normal.find(" flags=N db=0 sub=0 psub=0 ssub=0 ") != std::string::npos);

  const std::string info = h.Run({"INFO", "stats"});
  CHECK(info.find("pubsub_channels:2\r\n") != std::string::npos);
  CHECK(info.find("pubsub_patterns:1\r\n") != std::string::npos);
  CHECK(info.find("pubsubshard_channels:1\r\n") != std::string::npos);
}

TEST_CASE("client-output-buffer-limit: Redis's syntax, defaults and errors") {
  Harness h;
  auto get = [&] { return h.Run({"CONFIG", "GET", "client-output-buffer-limit"}); };
  const std::string prefix = "*2\r\n$26\r\nclient-output-buffer-limit\r\n";
  CHECK(get() == prefix + "$67\r\nnormal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 "
                          "8388608 60\r\n");
  CHECK(h.Run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0"}) == "+OK\r\n");
  CHECK(get() == prefix + "$59\r\nnormal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 0 "
                          "0\r\n");
  CHECK(h.Run({"CONFIG", "SET", "client-output-buffer-limit", "slave 1k 2k 3 replica 4 5 6"}) ==
        "+OK\r\n");
  CHECK(get() == prefix + "$43\r\nnormal 0 0 0 slave 4 5 6 pubsub 1048576 0 0\r\n");
  const std::string err =
      "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";
  CHECK(h.Run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0"}) ==
        err + "Wrong number of arguments in buffer limit configuration.\r\n");
  CHECK(h.Run({"CONFIG", "SET", "client-output-buffer-limit", "foo 1mb 0 0"}) ==
        err + "Invalid client class specified in buffer limit configuration.\r\n");
  CHECK(h.Run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1xb 0 0"}) ==
        err + "Error in hard, soft or soft_seconds setting in buffer limit configuration.\r\n");
  CHECK(h.Run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1 2 -1"}) ==
        err + "Error in hard, soft or soft_seconds setting in buffer limit configuration.\r\n");
  CHECK(h.Run({"CONFIG", "SET", "client-output-buffer-limit", ""}) == "+OK\r\n");
  CHECK(get() == prefix + "$43\r\nnormal 0 0 0 slave 4 5 6 pubsub 1048576 0 0\r\n");
  // The startup form: one word per value, or all in one.
  Config c;
  const std::string_view words[] = {"pubsub", "2mb", "1mb", "5"};
  CHECK(c.ApplyStartup("client-output-buffer-limit", words) == "");
  CHECK(c.values().client_output_buffer_limit[kClientPubSub].hard == 2 * 1024 * 1024);
  const std::string_view one[] = {"normal 10 20 30"};
  CHECK(c.ApplyStartup("client-output-buffer-limit", one) == "");
  CHECK(c.values().client_output_buffer_limit[kClientNormal].soft_seconds == 30);
  CHECK(c.values().client_output_buffer_limit[kClientPubSub].soft_seconds == 5);
}

TEST_CASE("output buffer limits: the hard limit at once, the soft one after its seconds") {
  const OutputBufferLimit limit{1000, 100, 10};
  int64_t since = 0;
  CHECK(OutputLimitReached(limit, 1000, 50, since));  // hard
  since = 0;
  CHECK_FALSE(OutputLimitReached(limit, 99, 50, since));
  CHECK_FALSE(OutputLimitReached(limit, 100, 50, since));  // soft reached first here
  CHECK(since == 50);
  CHECK_FALSE(OutputLimitReached(limit, 500, 60, since));  // 10 s: not more than 10 yet
  CHECK(OutputLimitReached(limit, 500, 61, since));
  CHECK_FALSE(OutputLimitReached(limit, 10, 62, since));  // drained: the clock restarts
  CHECK(since == 0);
  int64_t never = 0;
  CHECK_FALSE(OutputLimitReached(OutputBufferLimit{}, size_t{1} << 40, 1, never));

  ClientState c;
  CHECK(OutputLimitClass(c) == kClientNormal);
  c.pubsub = true;
  CHECK(OutputLimitClass(c) == kClientPubSub);
}

}  // namespace
}  // namespace kvd::testing
