// XINFO STREAM (plain and FULL), GROUPS with Redis's lag rules, CONSUMERS and HELP, in RESP2
// and RESP3, compared with what Redis replies for the same stream.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/stream_group_test_util.h"

namespace kvd::testing {
namespace {

std::string Ms(int64_t offset) { return std::to_string(StreamHarness::kStartMs + offset); }

TEST_CASE("XINFO STREAM of an empty stream and of one with a tombstone") {
  StreamHarness h;
  CHECK(h.Do("XGROUP CREATE e g 0 MKSTREAM") == "OK");
  CHECK(h.Do("XINFO STREAM e") ==
        "[length :0 radix-tree-keys :0 radix-tree-nodes :1 last-generated-id 0-0 "
        "max-deleted-entry-id 0-0 entries-added :0 recorded-first-entry-id 0-0 groups :1 "
        "first-entry nil last-entry nil]");
  CHECK(h.Do("XINFO STREAM e FULL") ==
        "[length :0 radix-tree-keys :0 radix-tree-nodes :1 last-generated-id 0-0 "
        "max-deleted-entry-id 0-0 entries-added :0 recorded-first-entry-id 0-0 entries [] "
        "groups [[name g last-delivered-id 0-0 entries-read nil lag :0 pel-count :0 pending [] "
        "consumers []]]]");

  h.Add("s", {{1, 1}, {2, 1}, {3, 1}});
  CHECK(h.Do("XGROUP CREATE s g 0") == "OK");
  CHECK(h.Do("XREADGROUP GROUP g a COUNT 1 STREAMS s >") != "nil");
  CHECK(h.Delete("s", {2, 1}));
  h.clock.Advance(5);
  CHECK(h.Do("XINFO STREAM s") ==
        "[length :2 radix-tree-keys :1 radix-tree-nodes :2 last-generated-id 3-1 "
        "max-deleted-entry-id 2-1 entries-added :3 recorded-first-entry-id 1-1 groups :1 "
        "first-entry " +
            Entry("1-1") + " last-entry " + Entry("3-1") + "]");
  // A tombstone after the group's last ID makes its lag unknown.
  CHECK(h.Do("XINFO STREAM s FULL COUNT 1") ==
        "[length :2 radix-tree-keys :1 radix-tree-nodes :2 last-generated-id 3-1 "
        "max-deleted-entry-id 2-1 entries-added :3 recorded-first-entry-id 1-1 entries [" +
            Entry("1-1") +
            "] groups [[name g last-delivered-id 1-1 entries-read :1 lag nil pel-count :1 "
            "pending [[1-1 a :" +
            Ms(0) + " :1]] consumers [[name a seen-time :" + Ms(0) + " active-time :" + Ms(0) +
            " pel-count :1 pending [[1-1 :" + Ms(0) + " :1]]]]]]]");
  CHECK(h.Do("XINFO STREAM s FULL COUNT 0")
            .find("entries [" + Entry("1-1") + " " + Entry("3-1") + "]") != std::string::npos);
  CHECK(h.Do("XINFO GROUPS s") ==
        "[[name g consumers :1 pending :1 last-delivered-id 1-1 entries-read :1 lag nil]]");
  CHECK(h.Do("XINFO CONSUMERS s g") == "[[name a pending :1 idle :5 inactive :5]]");
}

TEST_CASE("XINFO GROUPS: the lag follows the read counter until it cannot be known") {
  StreamHarness h;
  h.Add("s", {{1, 1}, {2, 1}, {3, 1}, {4, 1}});
  CHECK(h.Do("XGROUP CREATE s g 0") == "OK");
  // 0-0 is before the first entry and nothing was deleted: the counter can be estimated.
  CHECK(h.Do("XINFO GROUPS s").ends_with("entries-read nil lag :4]]"));
  CHECK(h.Do("XREADGROUP GROUP g a COUNT 1 STREAMS s >") != "nil");
  CHECK(h.Do("XINFO GROUPS s").ends_with("entries-read :1 lag :3]]"));
  // A tombstone before the group's last ID does not matter.
  CHECK(h.Delete("s", {1, 1}));
  CHECK(h.Do("XINFO GROUPS s").ends_with("entries-read :1 lag :3]]"));
  // One after it does, until the group reads past it.
  CHECK(h.Delete("s", {3, 1}));
  CHECK(h.Do("XINFO GROUPS s").ends_with("entries-read :1 lag nil]]"));
  CHECK(h.Do("XREADGROUP GROUP g a STREAMS s >") != "nil");
  CHECK(h.Do("XINFO GROUPS s").ends_with("last-delivered-id 4-1 entries-read :4 lag :0]]"));
  // An arbitrary SETID leaves the counter unknown; at the last ID it is known again.
  CHECK(h.Do("XGROUP SETID s g 2-1") == "OK");
  CHECK(h.Do("XINFO GROUPS s").ends_with("entries-read nil lag nil]]"));
  CHECK(h.Do("XGROUP SETID s g 4-1") == "OK");
  CHECK(h.Do("XINFO GROUPS s").ends_with("entries-read nil lag :0]]"));
}

TEST_CASE("XINFO in RESP3 replies maps") {
  StreamHarness h;
  h.Add("s", {{1, 1}});
  CHECK(h.Do("XGROUP CREATE s g $") == "OK");
  CHECK(h.Do("XGROUP CREATECONSUMER s g c") == ":1");
  CHECK(h.Do("HELLO 3").starts_with("{"));
  CHECK(h.Do("XINFO GROUPS s") ==
        "[{name g consumers :1 pending :0 last-delivered-id 1-1 entries-read nil lag :0}]");
  CHECK(h.Do("XINFO CONSUMERS s g") == "[{name c pending :0 idle :0 inactive :-1}]");
  CHECK(h.Do("XINFO STREAM s").starts_with("{length :1 "));
  CHECK(h.Do("XINFO STREAM s FULL").find("consumers [{name c seen-time") != std::string::npos);
}

TEST_CASE("XINFO's errors and HELP") {
  StreamHarness h;
  h.Add("s", {{1, 1}});
  CHECK(h.Do("SET str x") == "OK");
  CHECK(h.Do("XINFO STREAM nokey") == "-ERR no such key");
  CHECK(h.Do("XINFO GROUPS str") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(h.Do("XINFO CONSUMERS s nog") == "-NOGROUP No such consumer group 'nog' for key name 's'");
  CHECK(h.Do("XINFO STREAM s foo") ==
        "-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.");
  CHECK(h.Do("XINFO STREAM s FULL COUNT") ==
        "-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.");
  CHECK(h.Do("XINFO STREAM s FULL LIMIT 1") ==
        "-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.");
  CHECK(h.Do("XINFO STREAM s FULL COUNT x") == "-ERR value is not an integer or out of range");
  CHECK(h.Do("XINFO FOO s") == "-ERR unknown subcommand 'FOO'. Try XINFO HELP.");
  CHECK(h.Do("XINFO GROUPS") == "-ERR wrong number of arguments for 'xinfo|groups' command");
  CHECK(h.Do("XINFO HELP") ==
        "[XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are: CONSUMERS <key> "
        "<groupname>     Show consumers of <groupname>. GROUPS <key>     Show the stream "
        "consumer groups. STREAM <key> [FULL [COUNT <count>]     Show information about the "
        "stream. HELP     Prints this help.]");
}

}  // namespace
}  // namespace kvd::testing
