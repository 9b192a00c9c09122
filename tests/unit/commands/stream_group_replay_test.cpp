// What the consumer group commands log replays to the same groups: a second server fed the
// log (and the same entries) ends with the same PEL, owners, delivery counts and times, last
// IDs and read counters. XCLAIM must therefore take everything it logs (FORCE, JUSTID,
// LASTID, TIME, RETRYCOUNT), and XGROUP SETID its ENTRIESREAD.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "unit/commands/stream_group_test_util.h"

namespace kvd::testing {
namespace {

// Replays at the time the log was written: XCLAIM takes no TIME in its future.
void Replay(StreamHarness& h, const Commands& log, int64_t now_ms) {
  h.clock.SetMs(now_ms);
  for (const Command& c : log) {
    std::vector<std::string_view> args(c.begin(), c.end());
    const std::string reply = Show(h.Run(args));
    CHECK_MESSAGE(!reply.starts_with("-"), c.front(), " ", c[1], " failed: ", reply);
  }
}

void CheckSame(StreamHarness& a, StreamHarness& b) {
  b.clock.SetMs(a.clock.NowMs());
  for (std::string_view q : {"XPENDING s g - + 100", "XPENDING s g", "XINFO GROUPS s"}) {
    CHECK(a.Do(q) == b.Do(q));
  }
}

TEST_CASE("the log of XGROUP, XREADGROUP, XACK, XCLAIM and XAUTOCLAIM replays to the same groups") {
  StreamHarness a, b;
  for (StreamHarness* h : {&a, &b}) h->Add("s", {{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}});
  a.TakeLog();
  CHECK(a.Do("XGROUP CREATE s g 0") == "OK");
  CHECK(a.Do("XREADGROUP GROUP g a COUNT 2 STREAMS s >") != "nil");
  a.clock.Advance(10);
  CHECK(a.Do("XREADGROUP GROUP g b NOACK COUNT 1 STREAMS s >") != "nil");
  CHECK(a.Do("XREADGROUP GROUP g c STREAMS s >") != "nil");
  CHECK(a.Do("XACK s g 1-1") == ":1");
  Replay(b, a.TakeLog(), a.clock.NowMs());
  CheckSame(a, b);

  for (StreamHarness* h : {&a, &b}) CHECK(h->Delete("s", {4, 1}));
  a.clock.Advance(10);
  CHECK(a.Do("XCLAIM s g d 5 2-1 4-1") == "[" + Entry("2-1") + "]");
  CHECK(a.Do("XAUTOCLAIM s g e 0 0 COUNT 1") == "[5-1 [" + Entry("2-1") + "] []]");
  CHECK(a.Do("XCLAIM s g d 0 5-1 IDLE 3 RETRYCOUNT 9 LASTID 9-0") == "[" + Entry("5-1") + "]");
  CHECK(a.Do("XREADGROUP GROUP g e STREAMS s >") == "nil");
  Replay(b, a.TakeLog(), a.clock.NowMs());
  CheckSame(a, b);
  CHECK(a.Do("XPENDING s g - + 100") == "[[2-1 e :0 :3] [5-1 d :3 :9]]");
}

}  // namespace
}  // namespace kvd::testing
