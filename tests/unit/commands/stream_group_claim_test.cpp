// XACK, XPENDING, XCLAIM and XAUTOCLAIM: replies, errors, the PEL afterwards, and the XCLAIMs
// logged in their place (checked against Redis 7's append-only file).
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/stream_group_test_util.h"

namespace kvd::testing {
namespace {

std::string Ms(int64_t offset) { return std::to_string(StreamHarness::kStartMs + offset); }

// s holds 1-1 .. n-1, group g read entirely by consumer a at the start time.
void Setup(StreamHarness& h, int n) {
  for (int i = 1; i <= n; ++i) h.Add("s", {{static_cast<uint64_t>(i), 1}});
  REQUIRE(h.Do("XGROUP CREATE s g 0") == "OK");
  REQUIRE(h.Do("XREADGROUP GROUP g a STREAMS s >") != "nil");
  h.TakeLog();
}

TEST_CASE("XACK drops pending entries, counting those that were pending") {
  StreamHarness h;
  Setup(h, 3);
  CHECK(h.Do("XACK nokey g 1-1") == ":0");
  CHECK(h.Do("XACK s nog 1-1") == ":0");
  CHECK(h.Do("XACK s g 1-1 bad") == "-ERR Invalid stream ID specified as stream command argument");
  CHECK(h.Do("XACK s g 1-1 2-1 9-9") == ":2");
  CHECK(h.Do("XACK s g 1-1") == ":0");
  CHECK(h.TakeLog() == Commands{{"XACK", "s", "g", "1-1", "2-1", "9-9"}});
  CHECK(h.Do("XPENDING s g") == "[:1 3-1 3-1 [[a 1]]]");
  CHECK(h.Do("SET str x") == "OK");
  CHECK(h.Do("XACK str g 1-1") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value");
}

TEST_CASE("XPENDING: the summary, and the entries by range, idle time and consumer") {
  StreamHarness h;
  CHECK(h.Do("XGROUP CREATE s g $ MKSTREAM") == "OK");
  CHECK(h.Do("XPENDING s g") == "[:0 nil nil nil]");
  CHECK(h.Do("XPENDING s g - + 10") == "[]");
  h.Add("s", {{1, 1}, {2, 1}});
  CHECK(h.Do("XREADGROUP GROUP g a STREAMS s >") != "nil");
  h.clock.Advance(100);
  h.Add("s", {{3, 1}});
  CHECK(h.Do("XREADGROUP GROUP g b STREAMS s >") != "nil");
  CHECK(h.Do("XGROUP CREATECONSUMER s g idle") == ":1");
  h.clock.Advance(10);
  // Consumers without pending entries are left out of the summary.
  CHECK(h.Do("XPENDING s g") == "[:3 1-1 3-1 [[a 2] [b 1]]]");
  CHECK(h.Do("XPENDING s g - + 10") == "[[1-1 a :110 :1] [2-1 a :110 :1] [3-1 b :10 :1]]");
  CHECK(h.Do("XPENDING s g - + 1") == "[[1-1 a :110 :1]]");
  CHECK(h.Do("XPENDING s g (1-1 + 10 a") == "[[2-1 a :110 :1]]");
  CHECK(h.Do("XPENDING s g 2 (3-1 10") == "[[2-1 a :110 :1]]");
  CHECK(h.Do("XPENDING s g IDLE 50 - + 10") == "[[1-1 a :110 :1] [2-1 a :110 :1]]");
  CHECK(h.Do("XPENDING s g IDLE 50 - + 10 b") == "[]");
  CHECK(h.Do("XPENDING s g - + 10 nobody") == "[]");
  CHECK(h.Do("XPENDING s g - + -1") == "[]");
  // Errors: arguments first, then the key and group.
  CHECK(h.Do("XPENDING s g - +") == "-ERR syntax error");
  CHECK(h.Do("XPENDING s g IDLE 10 - +") == "-ERR syntax error");
  CHECK(h.Do("XPENDING s g IDLE x - + 1") == "-ERR value is not an integer or out of range");
  CHECK(h.Do("XPENDING nokey g - + x") == "-ERR value is not an integer or out of range");
  CHECK(h.Do("XPENDING nokey g x + 1") ==
        "-ERR Invalid stream ID specified as stream command argument");
  CHECK(h.Do("XPENDING s g (18446744073709551615-18446744073709551615 + 1") ==
        "-ERR invalid start ID for the interval");
  CHECK(h.Do("XPENDING nokey g") == "-NOGROUP No such key 'nokey' or consumer group 'g'");
  CHECK(h.Do("XPENDING s nog - + 1") == "-NOGROUP No such key 's' or consumer group 'nog'");
  // Redis ignores a word after the consumer, but not past nine arguments.
  CHECK(h.Do("XPENDING s g - + 1 a extra") == "[[1-1 a :110 :1]]");
  CHECK(h.Do("XPENDING s g IDLE 1 - + 1 a extra") == "-ERR syntax error");
}

TEST_CASE("XCLAIM moves idle enough entries, with IDLE, TIME, RETRYCOUNT, JUSTID and FORCE") {
  StreamHarness h;
  Setup(h, 4);
  CHECK(h.Do("XACK s g 4-1") == ":1");
  h.TakeLog();
  h.clock.Advance(100);
  CHECK(h.Do("XCLAIM s g b 200 1-1") == "[]");  // not idle long enough; b exists now
  CHECK(h.TakeLog().empty());
  CHECK(h.Do("XCLAIM s g b 50 1-1 2-1 9-9") == "[" + Entry("1-1") + " " + Entry("2-1") + "]");
  CHECK(h.TakeLog() ==
        Multi({Claim("b", "1-1", Ms(100), "2", "4-1"), Claim("b", "2-1", Ms(100), "2", "4-1")}));
  CHECK(h.Do("XCLAIM s g c 0 3-1 JUSTID") == "[3-1]");  // JUSTID leaves the count
  CHECK(h.Do("XCLAIM s g c 0 1-1 IDLE 500 RETRYCOUNT 7") == "[" + Entry("1-1") + "]");
  CHECK(h.Do("XCLAIM s g c 0 2-1 TIME 99999999999999 JUSTID") == "[2-1]");  // future: now
  CHECK(h.Do("XPENDING s g - + 10") == "[[1-1 c :500 :7] [2-1 c :0 :2] [3-1 c :0 :1]]");
  h.TakeLog();
  // An entry not pending is claimed only with FORCE (counted as a second delivery).
  CHECK(h.Do("XCLAIM s g c 0 4-1") == "[]");
  CHECK(h.Do("XCLAIM s g c 1000 4-1 FORCE") == "[" + Entry("4-1") + "]");
  CHECK(h.Do("XPENDING s g - + 10 c").ends_with("[4-1 c :0 :2]]"));
  CHECK(h.TakeLog() == Commands{Claim("c", "4-1", Ms(100), "2", "4-1")});
  CHECK(h.Do("XINFO CONSUMERS s g") ==
        "[[name a pending :0 idle :100 inactive :100] [name b pending :0 idle :0 inactive :0] "
        "[name c pending :4 idle :0 inactive :0]]");
}

TEST_CASE("XCLAIM drops a pending entry whose stream entry is gone, and logs LASTID moves") {
  StreamHarness h;
  Setup(h, 2);
  CHECK(h.Delete("s", {1, 1}));
  CHECK(h.Do("XCLAIM s g b 0 1-1 2-1 FORCE") == "[" + Entry("2-1") + "]");
  // The dropped entry is logged with its old owner: replayed, it is dropped there too.
  CHECK(h.TakeLog() ==
        Multi({Claim("a", "1-1", Ms(0), "1", "2-1"), Claim("b", "2-1", Ms(0), "2", "2-1")}));
  CHECK(h.Do("XPENDING s g") == "[:1 2-1 2-1 [[b 1]]]");
  CHECK(h.Do("XCLAIM s g b 0 9-9 LASTID 9-9") == "[]");
  CHECK(h.TakeLog() == Commands{{"XGROUP", "SETID", "s", "g", "9-9", "ENTRIESREAD", "2"}});
  CHECK(h.Do("XCLAIM s g b 0 2-1 LASTID 10-0 JUSTID") == "[2-1]");
  CHECK(h.TakeLog() == Commands{Claim("b", "2-1", Ms(0), "2", "10-0")});
  CHECK(h.Do("XCLAIM s g b 0 2-1 LASTID 1-0") == "[" + Entry("2-1") + "]");  // never back
  CHECK(h.Do("XINFO GROUPS s").find("last-delivered-id 10-0") != std::string::npos);
}

TEST_CASE("XCLAIM's errors") {
  StreamHarness h;
  Setup(h, 1);
  CHECK(h.Do("XCLAIM nokey g c 0 1-1") == "-NOGROUP No such key 'nokey' or consumer group 'g'");
  CHECK(h.Do("XCLAIM s nog c x 1-1") == "-NOGROUP No such key 's' or consumer group 'nog'");
  CHECK(h.Do("XCLAIM s g c x 1-1") == "-ERR Invalid min-idle-time argument for XCLAIM");
  CHECK(h.Do("XCLAIM s g c 0 1-1 IDLE") == "-ERR Unrecognized XCLAIM option 'IDLE'");
  CHECK(h.Do("XCLAIM s g c 0 1-1 IDLE x") == "-ERR Invalid IDLE option argument for XCLAIM");
  CHECK(h.Do("XCLAIM s g c 0 1-1 TIME x") == "-ERR Invalid TIME option argument for XCLAIM");
  CHECK(h.Do("XCLAIM s g c 0 1-1 RETRYCOUNT x") ==
        "-ERR Invalid RETRYCOUNT option argument for XCLAIM");
  CHECK(h.Do("XCLAIM s g c 0 1-1 LASTID +") ==
        "-ERR Invalid stream ID specified as stream command argument");
  CHECK(h.Do("XCLAIM s g c 0 1-1 foo 2-1") == "-ERR Unrecognized XCLAIM option 'foo'");
  CHECK(h.Do("XCLAIM s g c 0 1-1 IDLE -9223372036854775808") == "[" + Entry("1-1") + "]");
  CHECK(h.Do("XPENDING s g - + 1") == "[[1-1 c :0 :2]]");
}

TEST_CASE("XAUTOCLAIM scans the PEL from a cursor, dropping and reporting deleted entries") {
  StreamHarness h;
  Setup(h, 5);
  CHECK(h.Delete("s", {2, 1}));
  h.clock.Advance(10);
  // A deleted entry is dropped whatever its idle time.
  CHECK(h.Do("XAUTOCLAIM s g b 20 0") == "[0-0 [] [2-1]]");
  CHECK(h.TakeLog() == Commands{Claim("a", "2-1", Ms(0), "1", "5-1")});
  CHECK(h.Do("XAUTOCLAIM s g b 0 0 COUNT 1") == "[3-1 [" + Entry("1-1") + "] []]");
  CHECK(h.TakeLog() == Commands{Claim("b", "1-1", Ms(10), "2", "5-1")});
  // COUNT bounds the dropped IDs too.
  CHECK(h.Delete("s", {4, 1}));
  CHECK(h.Do("XAUTOCLAIM s g b 0 4-1 COUNT 1") == "[5-1 [] [4-1]]");
  CHECK(h.Do("XAUTOCLAIM s g b 0 (1-1 COUNT 5 JUSTID") == "[0-0 [3-1 5-1] []]");
  CHECK(h.Do("XPENDING s g") == "[:3 1-1 5-1 [[b 3]]]");
  CHECK(h.Do("XPENDING s g - + 10 b") == "[[1-1 b :0 :2] [3-1 b :0 :1] [5-1 b :0 :1]]");
}

TEST_CASE("XAUTOCLAIM's errors, arguments before the key") {
  StreamHarness h;
  Setup(h, 1);
  CHECK(h.Do("XAUTOCLAIM nokey g c x 0") == "-ERR Invalid min-idle-time argument for XAUTOCLAIM");
  CHECK(h.Do("XAUTOCLAIM nokey g c 0 x") ==
        "-ERR Invalid stream ID specified as stream command argument");
  CHECK(h.Do("XAUTOCLAIM nokey g c 0 0 COUNT 0") == "-ERR COUNT must be > 0");
  CHECK(h.Do("XAUTOCLAIM nokey g c 0 0 COUNT 576460752303423488") == "-ERR COUNT must be > 0");
  CHECK(h.Do("XAUTOCLAIM nokey g c 0 0 FOO") == "-ERR syntax error");
  CHECK(h.Do("XAUTOCLAIM nokey g c 0 0") == "-NOGROUP No such key 'nokey' or consumer group 'g'");
  CHECK(h.Do("XAUTOCLAIM s g c 0 0 COUNT 1000000 JUSTID") == "[0-0 [1-1] []]");
  // The key is looked up before the arguments (a hit or a miss all the same), its type
  // checked after them.
  h.Do("SET str x");
  CHECK(h.Do("XAUTOCLAIM str g c x 0") == "-ERR Invalid min-idle-time argument for XAUTOCLAIM");
  CHECK(h.Do("XAUTOCLAIM str g c 0 0") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value");
  const uint64_t misses = h.server.stats.keyspace_misses;
  const uint64_t hits = h.server.stats.keyspace_hits;
  h.Do("XAUTOCLAIM nokey g c x 0");
  h.Do("XAUTOCLAIM str g c x 0");
  CHECK(h.server.stats.keyspace_misses == misses + 1);
  CHECK(h.server.stats.keyspace_hits == hits + 1);
}

}  // namespace
}  // namespace kvd::testing
