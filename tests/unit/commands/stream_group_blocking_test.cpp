// XREADGROUP BLOCK: the wait, its end by new entries (served with the group's state as it is
// then), by the timeout, and Redis 7.2's errors when the group or the stream goes away.
#include <doctest/doctest.h>

#include <string>

#include "server/blocking.h"
#include "unit/commands/stream_group_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("XREADGROUP BLOCK waits for new entries and is served when they come") {
  StreamHarness h;
  ExtraClient a(h), b(h);
  h.Add("s", {{1, 1}});
  CHECK(h.Do("XGROUP CREATE s g $") == "OK");
  CHECK(a.Run("XREADGROUP GROUP g ca BLOCK 0 STREAMS s >").empty());
  CHECK(a.c.blocked);
  CHECK(b.Run("XREADGROUP GROUP g cb BLOCK 1000 COUNT 5 STREAMS s >").empty());
  h.TakeLog();
  h.AddAndSignal("s", {{2, 1}, {3, 1}});
  // The first blocked takes everything; the second finds nothing left and waits on.
  CHECK(Show(a.Take()) == "[[s [" + Entry("2-1") + " " + Entry("3-1") + "]]]");
  CHECK_FALSE(a.c.blocked);
  CHECK(b.c.blocked);
  CHECK(b.Take().empty());
  CHECK(h.TakeLog().size() == 5);  // two XCLAIMs and the SETID, in MULTI/EXEC
  h.AddAndSignal("s", {{4, 1}});
  CHECK(Show(b.Take()) == "[[s [" + Entry("4-1") + "]]]");
  CHECK(h.Do("XPENDING s g") == "[:3 2-1 4-1 [[ca 2] [cb 1]]]");
}

TEST_CASE("XREADGROUP BLOCK times out with a null, keeping its first deadline") {
  StreamHarness h;
  ExtraClient a(h);
  h.Add("s", {{1, 1}});
  CHECK(h.Do("XGROUP CREATE s g $") == "OK");
  CHECK(a.Run("XREADGROUP GROUP g c BLOCK 100 STREAMS s >").empty());
  h.clock.Advance(60);
  CHECK(h.Do("XGROUP CREATECONSUMER s g other") == ":1");  // a write that serves nothing
  CHECK(a.c.blocked);
  h.clock.Advance(40);
  ExpireBlockedClients(h.server);
  CHECK(a.Take() == "*-1\r\n");
  CHECK_FALSE(a.c.blocked);
}

TEST_CASE("XREADGROUP BLOCK with an ID or inside MULTI does not wait") {
  StreamHarness h;
  ExtraClient a(h);
  h.Add("s", {{1, 1}});
  CHECK(h.Do("XGROUP CREATE s g $") == "OK");
  CHECK(Show(a.Run("XREADGROUP GROUP g c BLOCK 0 STREAMS s 0")) == "[[s []]]");
  CHECK(a.Run("MULTI") == "+OK\r\n");
  CHECK(a.Run("XREADGROUP GROUP g c BLOCK 0 STREAMS s >") == "+QUEUED\r\n");
  CHECK(Show(a.Run("EXEC")) == "[nil]");
  CHECK_FALSE(a.c.blocked);
}

TEST_CASE("XGROUP DESTROY wakes a blocked XREADGROUP with NOGROUP") {
  StreamHarness h;
  ExtraClient a(h), b(h);
  h.Add("s", {{1, 1}});
  CHECK(h.Do("XGROUP CREATE s g $") == "OK");
  CHECK(h.Do("XGROUP CREATE s other $") == "OK");
  CHECK(a.Run("XREADGROUP GROUP g c BLOCK 0 STREAMS s >").empty());
  CHECK(b.Run("XREADGROUP GROUP other c BLOCK 0 STREAMS s >").empty());
  CHECK(h.Do("XGROUP DESTROY s g") == ":1");
  CHECK(a.Take() ==
        "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n");
  CHECK_FALSE(a.c.blocked);
  CHECK(b.c.blocked);  // its group is still there
}

TEST_CASE("A blocked XREADGROUP whose stream is deleted or replaced gets UNBLOCKED") {
  StreamHarness h;
  ExtraClient a(h), b(h);
  h.Add("s", {{1, 1}});
  h.Add("t", {{1, 1}});
  CHECK(h.Do("XGROUP CREATE s g $") == "OK");
  CHECK(h.Do("XGROUP CREATE t g $") == "OK");
  CHECK(a.Run("XREADGROUP GROUP g c BLOCK 0 STREAMS s >").empty());
  CHECK(b.Run("XREADGROUP GROUP g c BLOCK 0 STREAMS t >").empty());
  CHECK(h.Do("DEL s") == ":1");
  CHECK(a.Take() == "-UNBLOCKED the stream key no longer exists\r\n");
  CHECK(h.Do("SET t x") == "OK");
  CHECK(b.Take() == "-UNBLOCKED the stream key no longer exists\r\n");
  CHECK_FALSE(b.c.blocked);
  CHECK(h.Do("INFO errorstats").find("errorstat_UNBLOCKED:count=2") != std::string::npos);
}

TEST_CASE("FLUSHDB, FLUSHALL and SWAPDB end a blocked XREADGROUP whose stream they remove") {
  StreamHarness h;
  ExtraClient a(h), b(h), c(h), list_waiter(h);
  for (const char* key : {"s", "t"}) {
    h.Add(key, {{1, 1}});
    CHECK(h.Do(std::string("XGROUP CREATE ") + key + " g $") == "OK");
  }
  CHECK(a.Run("XREADGROUP GROUP g c BLOCK 0 STREAMS s >").empty());
  CHECK(list_waiter.Run("BLPOP l 0").empty());
  CHECK(h.Do("SWAPDB 0 1") == "OK");
  CHECK(a.Take() == "-UNBLOCKED the stream key no longer exists\r\n");
  CHECK(h.Do("SWAPDB 0 1") == "OK");
  CHECK(b.Run("XREADGROUP GROUP g c BLOCK 0 STREAMS t >").empty());
  CHECK(h.Do("FLUSHDB") == "OK");
  CHECK(b.Take() == "-UNBLOCKED the stream key no longer exists\r\n");
  h.Add("u", {{1, 1}});
  CHECK(h.Do("XGROUP CREATE u g $") == "OK");
  CHECK(c.Run("XREADGROUP GROUP g c BLOCK 0 STREAMS u >").empty());
  CHECK(h.Do("FLUSHALL") == "OK");
  CHECK(c.Take() == "-UNBLOCKED the stream key no longer exists\r\n");
  CHECK(list_waiter.c.blocked);  // a list waiter keeps waiting on its missing key
}

}  // namespace
}  // namespace kvd::testing
