// CLIENT PAUSE / UNPAUSE: held commands, not refused, run in order once the pause ends.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "unit/commands/extra_client.h"
#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

TEST_CASE("CLIENT PAUSE WRITE holds writes until UNPAUSE, reads run") {
  Harness h;
  ExtraClient writer(h), reader(h);
  REQUIRE(writer.Run("SET k old") == "+OK\r\n");
  REQUIRE(h.Run({"CLIENT", "PAUSE", "100000", "WRITE"}) == "+OK\r\n");

  CHECK(writer.Run("SET k new") == "");  // held, no reply yet
  CHECK(writer.c.paused);
  CHECK(writer.c.blocked);
  CHECK(reader.Run("GET k") == "$3\r\nold\r\n");
  CHECK(reader.Run("PUBLISH ch m") == "");  // may replicate: held too
  CHECK(h.Run({"GET", "k"}) == "$3\r\nold\r\n");
  h.clock.Advance(50'000);
  CHECK(writer.Take() == "");

  CHECK(h.Run({"CLIENT", "UNPAUSE"}) == "+OK\r\n");
  CHECK(writer.Take() == "+OK\r\n");
  CHECK(reader.Take() == ":0\r\n");
  CHECK_FALSE(writer.c.paused);
  CHECK_FALSE(writer.c.blocked);
  CHECK(h.Run({"GET", "k"}) == "$3\r\nnew\r\n");
}

TEST_CASE("held commands run in the order they came once the pause times out") {
  Harness h;
  ExtraClient a(h), b(h), late(h);
  REQUIRE(h.Run({"CLIENT", "PAUSE", "100", "WRITE"}) == "+OK\r\n");
  CHECK(a.Run("RPUSH l a") == "");
  CHECK(b.Run("RPUSH l b") == "");
  h.clock.Advance(99);
  CHECK(late.Run("LRANGE l 0 -1") == "*0\r\n");
  h.clock.Advance(1);
  // The first command after the end runs after what was held.
  CHECK(late.Run("RPUSH l c") == ":3\r\n");
  CHECK(a.Take() == ":1\r\n");
  CHECK(b.Take() == ":2\r\n");
  CHECK(late.Run("LRANGE l 0 -1") == "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
}

TEST_CASE("the cron ends a pause whose time is up") {
  Harness h;
  ExtraClient a(h);
  REQUIRE(h.Run({"CLIENT", "PAUSE", "10"}) == "+OK\r\n");
  CHECK(a.Run("PING") == "");
  h.dispatcher.Cron(h.clock.NowMs());
  CHECK(a.Take() == "");
  h.clock.Advance(10);
  h.dispatcher.Cron(h.clock.NowMs());
  CHECK(a.Take() == "+PONG\r\n");
  CHECK(h.dispatcher.pause().mode(h.clock.NowMs()) == ClientPause::Mode::kOff);
}

TEST_CASE("CLIENT UNPAUSE ends its own pause, not a failover's or a shutdown's") {
  Harness h;
  ExtraClient a(h);
  ClientPause& pause = h.dispatcher.pause();
  pause.Pause(ClientPause::Purpose::kFailover, ClientPause::Mode::kWrite, INT64_MAX);
  REQUIRE(h.Run({"CLIENT", "PAUSE", "100000", "ALL"}) == "+OK\r\n");
  CHECK(pause.mode(h.clock.NowMs()) == ClientPause::Mode::kAll);
  CHECK(a.Run("GET k") == "");  // ALL holds reads
  // CLIENT UNPAUSE is held under ALL as well: let the client pause end, WRITE stays.
  h.clock.Advance(100000);
  h.dispatcher.Cron(h.clock.NowMs());
  CHECK(a.Take() == "$-1\r\n");
  CHECK(pause.mode(h.clock.NowMs()) == ClientPause::Mode::kWrite);
  CHECK(h.Run({"CLIENT", "UNPAUSE"}) == "+OK\r\n");
  CHECK(a.Run("SET k v") == "");  // the failover's WRITE pause holds it still
  pause.Unpause(ClientPause::Purpose::kFailover);
  h.dispatcher.Cron(h.clock.NowMs());
  CHECK(a.Take() == "+OK\r\n");
  CHECK(pause.mode(h.clock.NowMs()) == ClientPause::Mode::kOff);
}

TEST_CASE("CLIENT PAUSE ALL holds every command, the caller's too, as Redis 7") {
  Harness h;
  ExtraClient a(h);
  REQUIRE(h.Run({"CLIENT", "PAUSE", "1000"}) == "+OK\r\n");
  CHECK(a.Run("GET k") == "");
  CHECK(a.c.paused);
  CHECK(h.Run({"CLIENT", "UNPAUSE"}) == "");  // held like the rest
  CHECK(h.client.paused);
  h.clock.Advance(1000);
  h.dispatcher.Cron(h.clock.NowMs());
  CHECK(a.Take() == "$-1\r\n");
  CHECK_FALSE(h.client.paused);
}

TEST_CASE("a second pause keeps the stronger mode and the later end") {
  Harness h;
  ExtraClient a(h);
  REQUIRE(h.Run({"CLIENT", "PAUSE", "1000", "WRITE"}) == "+OK\r\n");
  REQUIRE(h.Run({"CLIENT", "PAUSE", "10", "ALL"}) == "+OK\r\n");
  CHECK(h.dispatcher.pause().mode(h.clock.NowMs()) == ClientPause::Mode::kAll);
  h.clock.Advance(500);
  CHECK(a.Run("GET k") == "");  // still ALL, still on
  h.clock.Advance(500);
  h.dispatcher.Cron(h.clock.NowMs());
  CHECK(a.Take() == "$-1\r\n");
}

TEST_CASE("a WRITE pause holds EXEC of writes and queued writes, not EXEC of reads") {
  Harness h;
  ExtraClient w(h), r(h);
  REQUIRE(w.Run("MULTI") == "+OK\r\n");
  REQUIRE(w.Run("SET k v") == "+QUEUED\r\n");
  REQUIRE(r.Run("MULTI") == "+OK\r\n");
  REQUIRE(r.Run("GET k") == "+QUEUED\r\n");
  REQUIRE(h.Run({"CLIENT", "PAUSE", "100000", "WRITE"}) == "+OK\r\n");
  CHECK(r.Run("EXEC") == "*1\r\n$-1\r\n");
  CHECK(w.Run("EXEC") == "");
  REQUIRE(h.Run({"CLIENT", "UNPAUSE"}) == "+OK\r\n");
  CHECK(w.Take() == "*1\r\n+OK\r\n");

  // As in Redis, a write is held even while being queued.
  REQUIRE(w.Run("MULTI") == "+OK\r\n");
  REQUIRE(h.Run({"CLIENT", "PAUSE", "100000", "WRITE"}) == "+OK\r\n");
  CHECK(w.Run("SET k 2") == "");
  REQUIRE(h.Run({"CLIENT", "UNPAUSE"}) == "+OK\r\n");
  CHECK(w.Take() == "+QUEUED\r\n");
  CHECK(w.Run("EXEC") == "*1\r\n+OK\r\n");
}

TEST_CASE("a held client that disconnects has its command dropped") {
  Harness h;
  {
    ExtraClient gone(h);
    REQUIRE(h.Run({"CLIENT", "PAUSE", "100000", "WRITE"}) == "+OK\r\n");
    CHECK(gone.Run("SET k v") == "");
  }
  CHECK(h.Run({"CLIENT", "UNPAUSE"}) == "+OK\r\n");
  CHECK(h.Run({"EXISTS", "k"}) == ":0\r\n");
}

TEST_CASE("a held blocking command blocks once released") {
  Harness h;
  ExtraClient b(h), w(h);
  REQUIRE(h.Run({"CLIENT", "PAUSE", "100000"}) == "+OK\r\n");
  CHECK(b.Run("BLPOP q 0") == "");
  CHECK(b.c.paused);
  h.clock.Advance(100'000);
  h.dispatcher.Cron(h.clock.NowMs());
  CHECK_FALSE(b.c.paused);
  CHECK(b.c.blocked);  // waiting on q now
  CHECK(b.Take() == "");
  CHECK(w.Run("RPUSH q x") == ":1\r\n");
  CHECK(b.Take() == "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
}

TEST_CASE("CLIENT PAUSE errors, as Redis") {
  Harness h;
  CHECK(h.Run({"CLIENT", "PAUSE"}) ==
        "-ERR wrong number of arguments for 'client|pause' command\r\n");
  CHECK(h.Run({"CLIENT", "PAUSE", "abc"}) ==
        "-ERR timeout is not an integer or out of range\r\n");
  CHECK(h.Run({"CLIENT", "PAUSE", "-1"}) == "-ERR timeout is negative\r\n");
  CHECK(h.Run({"CLIENT", "PAUSE", "10", "foo"}) ==
        "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n");
  CHECK(h.Run({"CLIENT", "PAUSE", "10", "write", "x"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n");
  CHECK(h.Run({"CLIENT", "UNPAUSE", "x"}) ==
        "-ERR wrong number of arguments for 'client|unpause' command\r\n");
  CHECK(h.dispatcher.pause().mode(h.clock.NowMs()) == ClientPause::Mode::kOff);
  // A zero timeout pauses nothing.
  CHECK(h.Run({"CLIENT", "PAUSE", "0"}) == "+OK\r\n");
  CHECK(h.Run({"PING"}) == "+PONG\r\n");
}

}  // namespace
}  // namespace kvd::testing
