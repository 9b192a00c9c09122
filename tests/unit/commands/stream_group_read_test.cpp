// XREADGROUP without blocking: new entries (">") and a consumer's history, NOACK, the
// group's read counter, RESP3's map, errors in Redis's order, and what is logged.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/stream_group_test_util.h"

namespace kvd::testing {
namespace {

const std::string kT0 = std::to_string(StreamHarness::kStartMs);

TEST_CASE("XREADGROUP > delivers new entries into the PEL and logs XCLAIMs and XGROUP SETID") {
  StreamHarness h;
  h.Add("s", {{1, 1}, {2, 1}, {3, 1}});
  CHECK(h.Do("XGROUP CREATE s g 0") == "OK");
  h.TakeLog();
  CHECK(h.Do("XREADGROUP GROUP g c COUNT 2 STREAMS s >") ==
        "[[s [" + Entry("1-1") + " " + Entry("2-1") + "]]]");
  CHECK(h.TakeLog() == Multi({Claim("c", "1-1", kT0, "1", "1-1"),
                              Claim("c", "2-1", kT0, "1", "2-1"),
                              {"XGROUP", "SETID", "s", "g", "2-1", "ENTRIESREAD", "2"}}));
  CHECK(h.Do("XINFO GROUPS s") ==
        "[[name g consumers :1 pending :2 last-delivered-id 2-1 entries-read :2 lag :1]]");
  CHECK(h.Do("XPENDING s g - + 10") == "[[1-1 c :0 :1] [2-1 c :0 :1]]");

  // Nothing new: a null reply, nothing logged.
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s >") == "[[s [" + Entry("3-1") + "]]]");
  h.TakeLog();
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s >") == "nil");
  CHECK(h.TakeLog().empty());
}

TEST_CASE("XREADGROUP with an ID replays the consumer's own pending entries, deleted ones as nil") {
  StreamHarness h;
  h.Add("s", {{1, 1}, {2, 1}, {3, 1}});
  CHECK(h.Do("XGROUP CREATE s g 0") == "OK");
  CHECK(h.Do("XREADGROUP GROUP g a COUNT 2 STREAMS s >") != "nil");
  CHECK(h.Do("XREADGROUP GROUP g b STREAMS s >") == "[[s [" + Entry("3-1") + "]]]");
  h.TakeLog();
  h.clock.Advance(50);
  CHECK(h.Do("XREADGROUP GROUP g a STREAMS s 0") ==
        "[[s [" + Entry("1-1") + " " + Entry("2-1") + "]]]");
  CHECK(h.Do("XREADGROUP GROUP g a COUNT 1 STREAMS s 1-1") == "[[s [" + Entry("2-1") + "]]]");
  CHECK(h.Do("XREADGROUP GROUP g b STREAMS s 0-0") == "[[s [" + Entry("3-1") + "]]]");
  CHECK(h.TakeLog().empty());  // a history read is not logged
  // Each replay counts as a delivery now.
  CHECK(h.Do("XPENDING s g - + 10") == "[[1-1 a :0 :2] [2-1 a :0 :3] [3-1 b :0 :2]]");
  CHECK(h.Delete("s", {1, 1}));
  CHECK(h.Do("XREADGROUP GROUP g a STREAMS s 0") == "[[s [[1-1 nil] " + Entry("2-1") + "]]]");
  // A consumer with nothing pending gets an empty list for the stream (not a null).
  CHECK(h.Do("XREADGROUP GROUP g nobody STREAMS s 0") == "[[s []]]");
}

TEST_CASE("XREADGROUP NOACK moves the group without a PEL, logging CREATECONSUMER and SETID") {
  StreamHarness h;
  h.Add("s", {{1, 1}, {2, 1}});
  CHECK(h.Do("XGROUP CREATE s g 0 ENTRIESREAD 0") == "OK");
  h.TakeLog();
  CHECK(h.Do("XREADGROUP GROUP g c NOACK STREAMS s >") ==
        "[[s [" + Entry("1-1") + " " + Entry("2-1") + "]]]");
  CHECK(h.TakeLog() == Multi({{"XGROUP", "CREATECONSUMER", "s", "g", "c"},
                              {"XGROUP", "SETID", "s", "g", "2-1", "ENTRIESREAD", "2"}}));
  CHECK(h.Do("XPENDING s g") == "[:0 nil nil nil]");
  h.clock.Advance(7);
  // NOACK reads do not make the consumer active.
  CHECK(h.Do("XINFO CONSUMERS s g") == "[[name c pending :0 idle :7 inactive :-1]]");
}

TEST_CASE("XREADGROUP takes an entry another consumer has pending once SETID moved the group") {
  StreamHarness h;
  h.Add("s", {{1, 1}, {2, 1}});
  CHECK(h.Do("XGROUP CREATE s g 0") == "OK");
  CHECK(h.Do("XREADGROUP GROUP g a STREAMS s >") != "nil");
  CHECK(h.Do("XREADGROUP GROUP g a STREAMS s 0") != "nil");  // delivery count 2
  CHECK(h.Do("XGROUP SETID s g 1-1") == "OK");
  h.TakeLog();
  CHECK(h.Do("XREADGROUP GROUP g b STREAMS s >") == "[[s [" + Entry("2-1") + "]]]");
  CHECK(h.Do("XPENDING s g - + 10") == "[[1-1 a :0 :2] [2-1 b :0 :1]]");
  // SETID without ENTRIESREAD left the counter unknown; it is estimated again at the end.
  CHECK(h.TakeLog() == Multi({Claim("b", "2-1", kT0, "1", "2-1"),
                              {"XGROUP", "SETID", "s", "g", "2-1", "ENTRIESREAD", "2"}}));
}

TEST_CASE("XREADGROUP over several streams replies only those with something to give") {
  StreamHarness h;
  h.Add("s", {{1, 1}});
  h.Add("t", {{5, 0}});
  CHECK(h.Do("XGROUP CREATE s g $") == "OK");
  CHECK(h.Do("XGROUP CREATE t g 0") == "OK");
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s t > >") == "[[t [" + Entry("5-0") + "]]]");
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s t 0 >") == "[[s []]]");
  CHECK(h.Do("HELLO 3").starts_with("{"));
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s t 0 0") == "{s [] t [" + Entry("5-0") + "]}");
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s t > >") == "nil");
}

TEST_CASE("XREADGROUP's errors, in Redis's order") {
  StreamHarness h;
  h.Add("s", {{1, 1}});
  CHECK(h.Do("XGROUP CREATE s g 0") == "OK");
  CHECK(h.Do("SET str x") == "OK");
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s") ==
        "-ERR wrong number of arguments for 'xreadgroup' command");
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s t >") ==
        "-ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be "
        "specified.");
  CHECK(h.Do("XREADGROUP COUNT 1 NOACK NOACK STREAMS s >") ==
        "-ERR Missing GROUP option for XREADGROUP");
  CHECK(h.Do("XREADGROUP GROUP g c COUNT 1 NOACK s >") == "-ERR syntax error");
  CHECK(h.Do("XREADGROUP GROUP g c COUNT x STREAMS s >") ==
        "-ERR value is not an integer or out of range");
  CHECK(h.Do("XREADGROUP GROUP g c BLOCK -1 STREAMS s >") == "-ERR timeout is negative");
  CHECK(h.Do("XREADGROUP GROUP g c BLOCK 1.5 STREAMS s >") ==
        "-ERR timeout is not an integer or out of range");
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS nokey >") ==
        "-NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option");
  CHECK(h.Do("XREADGROUP GROUP nog c STREAMS s >") ==
        "-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option");
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS str >") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s $") ==
        "-ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history "
        "of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ "
        "ID would just return an empty result set.");
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s +") ==
        "-ERR Invalid stream ID specified as stream command argument");
  // Every stream is checked before any is served: nothing was delivered above.
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s nokey > >").starts_with("-NOGROUP"));
  CHECK(h.Do("XPENDING s g") == "[:0 nil nil nil]");
  CHECK(h.Do("XINFO CONSUMERS s g") == "[]");
}

TEST_CASE("XREADGROUP keeps consumer times: seen on every call, active on a delivery") {
  StreamHarness h;
  h.Add("s", {{1, 1}});
  CHECK(h.Do("XGROUP CREATE s g $") == "OK");
  h.TakeLog();
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s >") == "nil");
  CHECK(h.TakeLog().empty());  // a consumer made without a delivery is not logged, as in Redis
  h.clock.Advance(100);
  CHECK(h.Do("XINFO CONSUMERS s g") == "[[name c pending :0 idle :100 inactive :-1]]");
  h.Add("s", {{2, 1}});
  CHECK(h.Do("XREADGROUP GROUP g c STREAMS s >") == "[[s [" + Entry("2-1") + "]]]");
  h.clock.Advance(30);
  CHECK(h.Do("XINFO CONSUMERS s g") == "[[name c pending :1 idle :30 inactive :30]]");
}

}  // namespace
}  // namespace kvd::testing
