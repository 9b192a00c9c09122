// CLIENT REPLY, CLIENT NO-EVICT, MONITOR, CLIENT LIST flags and CLIENT KILL MAXAGE.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/text.h"
#include "server/monitor.h"
#include "unit/commands/extra_client.h"
#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

// A client in MONITOR mode that collects the lines pushed to it.
struct Watcher {
  explicit Watcher(Harness& h) : client(h) {
    client.c.addr = "127.0.0.1:40000";
    client.link.push = [this](std::string_view frame) { lines += frame; };
  }
  std::string Take() { return std::exchange(lines, ""); }
  ExtraClient client;
  std::string lines;
};

std::string Stamp(const Harness& h) {
  const int64_t us = h.clock.NowUs();
  char buf[32];
  std::snprintf(buf, sizeof buf, "+%lld.%06lld", static_cast<long long>(us / 1000000),
                static_cast<long long>(us % 1000000));
  return buf;
}

TEST_CASE("CLIENT REPLY OFF drops replies, errors too, until ON") {
  Harness h;
  CHECK(h.Run({"CLIENT", "REPLY", "OFF"}) == "");
  CHECK(h.Run({"SET", "k", "v"}) == "");
  CHECK(h.Run({"NOSUCH"}) == "");
  CHECK(h.Run({"CLIENT", "REPLY", "SKIP"}) == "");  // no effect while off
  CHECK(h.Run({"GET", "k"}) == "");
  CHECK(h.Run({"CLIENT", "REPLY", "ON"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
}

TEST_CASE("CLIENT REPLY SKIP drops the next command's reply only") {
  Harness h;
  CHECK(h.Run({"CLIENT", "REPLY", "SKIP"}) == "");
  CHECK(h.Run({"PING"}) == "");
  CHECK(h.Run({"ECHO", "a"}) == "$1\r\na\r\n");
  // Twice in a row: the second SKIP's own reply (none) is the one skipped, then the next.
  CHECK(h.Run({"CLIENT", "REPLY", "SKIP"}) == "");
  CHECK(h.Run({"CLIENT", "REPLY", "SKIP"}) == "");
  CHECK(h.Run({"ECHO", "b"}) == "");
  CHECK(h.Run({"ECHO", "c"}) == "$1\r\nc\r\n");
  // ON right after SKIP clears the skip and replies.
  CHECK(h.Run({"CLIENT", "REPLY", "SKIP"}) == "");
  CHECK(h.Run({"CLIENT", "REPLY", "ON"}) == "+OK\r\n");
  CHECK(h.Run({"ECHO", "d"}) == "$1\r\nd\r\n");
}

TEST_CASE("CLIENT REPLY errors") {
  Harness h;
  CHECK(h.Run({"CLIENT", "REPLY", "maybe"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"CLIENT", "REPLY"}) ==
        "-ERR wrong number of arguments for 'client|reply' command\r\n");
}

TEST_CASE("CLIENT REPLY's filter applies to a reply that comes late") {
  Harness h;
  h.client.reply_mode = ClientState::ReplyMode::kSkip;
  std::string late = "$1\r\nx\r\n";
  FilterReply(h.client, late, 0);
  CHECK(late.empty());
  CHECK(h.client.reply_mode == ClientState::ReplyMode::kOn);
}

TEST_CASE("CLIENT NO-EVICT sets flag e") {
  Harness h;
  CHECK(h.Run({"CLIENT", "NO-EVICT", "on"}) == "+OK\r\n");
  CHECK(h.Run({"CLIENT", "INFO"}).find(" flags=e ") != std::string::npos);
  CHECK(h.Run({"CLIENT", "NO-EVICT", "OFF"}) == "+OK\r\n");
  CHECK(h.Run({"CLIENT", "INFO"}).find(" flags=N ") != std::string::npos);
  CHECK(h.Run({"CLIENT", "NO-EVICT", "maybe"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"CLIENT", "NO-EVICT"}) ==
        "-ERR wrong number of arguments for 'client|no-evict' command\r\n");
}

TEST_CASE("MONITOR shows each command run, as Redis formats it") {
  Harness h;
  h.client.addr = "127.0.0.1:50001";
  Watcher w(h);
  CHECK(w.client.Run("MONITOR") == "+OK\r\n");
  CHECK(w.client.c.monitor);
  CHECK(w.Take() == "");  // MONITOR is an admin command: not shown
  CHECK(h.Run({"SET", "k", "a\"b\\\x01\xff\n"}) == "+OK\r\n");
  CHECK(w.Take() == Stamp(h) + " [0 127.0.0.1:50001] \"SET\" \"k\" \"a\\\"b\\\\\\x01\\xff\\n\"\r\n");
  REQUIRE(h.Run({"SELECT", "3"}) == "+OK\r\n");
  CHECK(w.Take() == Stamp(h) + " [3 127.0.0.1:50001] \"SELECT\" \"3\"\r\n");
  // Admin commands, rejected commands: not shown.
  h.Run({"CONFIG", "GET", "timeout"});
  h.Run({"CLIENT", "LIST"});
  h.Run({"GET"});
  h.Run({"NOSUCH"});
  CHECK(w.Take() == "");
  // Secrets are redacted.
  h.Run({"AUTH", "user", "secret"});
  h.Run({"HELLO", "2", "AUTH", "default", "secret", "SETNAME", "n"});
  CHECK(w.Take() == Stamp(h) + " [3 127.0.0.1:50001] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n" +
                        Stamp(h) +
                        " [3 127.0.0.1:50001] \"HELLO\" \"2\" \"AUTH\" \"(redacted)\" "
                        "\"(redacted)\" \"SETNAME\" \"n\"\r\n");
}

TEST_CASE("MONITOR: a transaction's commands show as they run, then EXEC") {
  Harness h;
  h.client.addr = "c";
  Watcher w(h);
  REQUIRE(w.client.Run("MONITOR") == "+OK\r\n");
  REQUIRE(h.Run({"MULTI"}) == "+OK\r\n");
  REQUIRE(h.Run({"INCR", "n"}) == "+QUEUED\r\n");
  CHECK(w.Take() == Stamp(h) + " [0 c] \"MULTI\"\r\n");  // queuing shows nothing
  REQUIRE(h.Run({"EXEC"}) == "*1\r\n:1\r\n");
  CHECK(w.Take() == Stamp(h) + " [0 c] \"INCR\" \"n\"\r\n" + Stamp(h) + " [0 c] \"EXEC\"\r\n");
}

TEST_CASE("MONITOR: a blocking command shows when it blocks, not when it is served") {
  Harness h;
  ExtraClient b(h);
  b.c.addr = "b";
  h.client.addr = "c";
  Watcher w(h);
  REQUIRE(w.client.Run("MONITOR") == "+OK\r\n");
  CHECK(b.Run("BLPOP q 0") == "");
  CHECK(w.Take() == Stamp(h) + " [0 b] \"BLPOP\" \"q\" \"0\"\r\n");
  REQUIRE(h.Run({"RPUSH", "q", "x"}) == ":1\r\n");
  CHECK(b.Take() == "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
  CHECK(w.Take() == Stamp(h) + " [0 c] \"RPUSH\" \"q\" \"x\"\r\n");
}

TEST_CASE("a monitor may not touch the keyspace, sees its own commands, leaves with RESET") {
  Harness h;
  Watcher w(h);
  REQUIRE(w.client.Run("MONITOR") == "+OK\r\n");
  CHECK(w.client.Run("MONITOR") == "");  // already monitoring: ignored
  CHECK(w.client.Run("GET k") == "-ERR Replica can't interact with the keyspace\r\n");
  CHECK(w.client.Run("SET k v") == "-ERR Replica can't interact with the keyspace\r\n");
  CHECK(w.client.Run("PING") == "+PONG\r\n");
  CHECK(w.Take() == Stamp(h) + " [0 127.0.0.1:40000] \"PING\"\r\n");
  CHECK(w.client.Run("CLIENT INFO").find(" flags=O ") != std::string::npos);
  CHECK(w.client.Run("RESET") == "+RESET\r\n");
  CHECK_FALSE(w.client.c.monitor);
  w.Take();
  h.Run({"PING"});
  CHECK(w.Take() == "");
  CHECK(w.client.Run("GET k") == "$-1\r\n");
}

TEST_CASE("MONITOR is refused inside MULTI/EXEC; a monitor is never paused") {
  Harness h;
  Watcher w(h);
  REQUIRE(w.client.Run("MULTI") == "+OK\r\n");
  REQUIRE(w.client.Run("MONITOR") == "+QUEUED\r\n");
  CHECK(w.client.Run("EXEC") == "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
  CHECK_FALSE(w.client.c.monitor);
  REQUIRE(w.client.Run("MONITOR") == "+OK\r\n");
  REQUIRE(h.Run({"CLIENT", "PAUSE", "100000"}) == "+OK\r\n");
  CHECK(w.client.Run("PING") == "+PONG\r\n");
}

TEST_CASE("a monitor that disconnects is forgotten") {
  Harness h;
  {
    Watcher w(h);
    REQUIRE(w.client.Run("MONITOR") == "+OK\r\n");
  }
  CHECK(h.dispatcher.monitors().size() == 1);
  CHECK(h.Run({"PING"}) == "+PONG\r\n");
  CHECK(h.dispatcher.monitors().empty());
}

TEST_CASE("monitor lines quote as sdscatrepr") {
  std::string out;
  AppendRepr(out, std::string_view("\t\r\a\b~ \x7f\x00", 8));
  CHECK(out == "\"\\t\\r\\a\\b~ \\x7f\\x00\"");
  const std::string_view args[] = {"keys", "*"};
  CHECK(FormatMonitorLine(1339518083107412, 0, "127.0.0.1:60866", args) ==
        "+1339518083.107412 [0 127.0.0.1:60866] \"keys\" \"*\"\r\n");
}

TEST_CASE("CLIENT LIST flags: x, b, c, and b for a client CLIENT PAUSE holds") {
  Harness h;
  ExtraClient a(h);
  REQUIRE(a.Run("MULTI") == "+OK\r\n");
  CHECK(h.Run({"CLIENT", "LIST", "ID", std::to_string(a.c.id)}).find(" flags=x ") !=
        std::string::npos);
  REQUIRE(a.Run("DISCARD") == "+OK\r\n");
  REQUIRE(h.Run({"CLIENT", "PAUSE", "100000", "WRITE"}) == "+OK\r\n");
  REQUIRE(a.Run("SET k v") == "");
  CHECK(h.Run({"CLIENT", "LIST", "ID", std::to_string(a.c.id)}).find(" flags=b ") !=
        std::string::npos);
  CHECK(h.Run({"CLIENT", "UNPAUSE"}) == "+OK\r\n");
  a.c.close_after_reply = true;
  CHECK(h.Run({"CLIENT", "LIST", "ID", std::to_string(a.c.id)}).find(" flags=c ") !=
        std::string::npos);
}

TEST_CASE("CLIENT KILL MAXAGE kills connections at least that old") {
  Harness h;
  int kills_old = 0, kills_new = 0;
  ExtraClient old_client(h), new_client(h);
  old_client.c.created_ms = h.clock.NowMs();
  old_client.link.kill = [&] { ++kills_old; };
  h.clock.Advance(10'000);
  new_client.c.created_ms = h.clock.NowMs();
  new_client.link.kill = [&] { ++kills_new; };
  h.client.created_ms = h.clock.NowMs();
  h.clock.Advance(2'000);
  CHECK(h.Run({"CLIENT", "KILL", "MAXAGE", "5"}) == ":1\r\n");
  CHECK(kills_old == 1);
  CHECK(kills_new == 0);
  CHECK(h.Run({"CLIENT", "KILL", "MAXAGE", "2", "SKIPME", "yes"}) == ":2\r\n");
  CHECK(kills_new == 1);
  CHECK(h.Run({"CLIENT", "KILL", "MAXAGE", "x"}) ==
        "-ERR maxage is not an integer or out of range\r\n");
}

}  // namespace
}  // namespace kvd::testing
