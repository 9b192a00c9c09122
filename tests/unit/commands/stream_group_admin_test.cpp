// XGROUP's subcommands: replies and errors as Redis 7.2 gives them, and what is logged.
#include <doctest/doctest.h>

#include "unit/commands/stream_group_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("XGROUP CREATE needs the key unless MKSTREAM, and refuses a second group of a name") {
  StreamHarness h;
  CHECK(h.Do("XGROUP CREATE s g $") ==
        "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want "
        "to use the MKSTREAM option to create an empty stream automatically.");
  CHECK(h.Do("XGROUP CREATE s g $ MKSTREAM") == "OK");
  CHECK(h.Do("TYPE s") == "stream");
  CHECK(h.Do("XGROUP CREATE s g $ MKSTREAM") == "-BUSYGROUP Consumer Group name already exists");
  CHECK(h.Do("XGROUP CREATE s g2 0 foo") ==
        "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.");
  CHECK(h.Do("XGROUP CREATE s g2 0 ENTRIESREAD -5") ==
        "-ERR value for ENTRIESREAD must be positive or -1");
  CHECK(h.Do("XGROUP CREATE s g2 0 ENTRIESREAD x") ==
        "-ERR value is not an integer or out of range");
  CHECK(h.Do("XGROUP CREATE s g2 abc") ==
        "-ERR Invalid stream ID specified as stream command argument");
  CHECK(h.Do("XGROUP CREATE s g2 +") ==
        "-ERR Invalid stream ID specified as stream command argument");
  CHECK(h.Do("XGROUP CREATE s") == "-ERR wrong number of arguments for 'xgroup|create' command");
  CHECK(h.Do("XGROUP FOO s g") == "-ERR unknown subcommand 'FOO'. Try XGROUP HELP.");
  CHECK(h.Do("SET str x") == "OK");
  CHECK(h.Do("XGROUP CREATE str g 0 MKSTREAM") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value");
  // An invalid ID creates nothing, even with MKSTREAM.
  CHECK(h.Do("XGROUP CREATE new g bad MKSTREAM") ==
        "-ERR Invalid stream ID specified as stream command argument");
  CHECK(h.Do("EXISTS new") == ":0");
}

TEST_CASE("XGROUP CREATE takes $ as the stream's last ID, and logs that ID") {
  StreamHarness h;
  h.Add("s", {{1, 1}, {2, 1}});
  h.TakeLog();
  CHECK(h.Do("XGROUP CREATE s g $") == "OK");
  CHECK(h.Do("XGROUP CREATE s g0 0 ENTRIESREAD 0") == "OK");
  CHECK(h.TakeLog() == Commands{{"XGROUP", "CREATE", "s", "g", "2-1"},
                                {"XGROUP", "CREATE", "s", "g0", "0", "ENTRIESREAD", "0"}});
  CHECK(h.Do("XINFO GROUPS s") ==
        "[[name g consumers :0 pending :0 last-delivered-id 2-1 entries-read nil lag :0] "
        "[name g0 consumers :0 pending :0 last-delivered-id 0-0 entries-read :0 lag :2]]");
  CHECK(h.Do("XGROUP CREATE s g $") == "-BUSYGROUP Consumer Group name already exists");
  CHECK(h.TakeLog().empty());
  // A stream made by MKSTREAM has no last ID yet: $ is 0-0.
  CHECK(h.Do("XGROUP CREATE n g $ MKSTREAM ENTRIESREAD 0") == "OK");
  CHECK(h.TakeLog() ==
        Commands{{"XGROUP", "CREATE", "n", "g", "0-0", "MKSTREAM", "ENTRIESREAD", "0"}});
}

TEST_CASE("XGROUP SETID moves the group; ENTRIESREAD sets its read counter") {
  StreamHarness h;
  h.Add("s", {{1, 1}, {2, 1}, {3, 1}});
  CHECK(h.Do("XGROUP CREATE s g 0") == "OK");
  CHECK(h.Do("XGROUP SETID s nog 0") == "-NOGROUP No such consumer group 'nog' for key name 's'");
  CHECK(h.Do("XGROUP SETID nokey g 0") ==
        "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want "
        "to use the MKSTREAM option to create an empty stream automatically.");
  CHECK(h.Do("XGROUP SETID s g 0 MKSTREAM") ==
        "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.");
  CHECK(h.Do("XGROUP SETID s g 0 ENTRIESREAD") ==
        "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.");
  h.TakeLog();
  CHECK(h.Do("XGROUP SETID s g 2-1 ENTRIESREAD 2") == "OK");
  CHECK(h.Do("XINFO GROUPS s") ==
        "[[name g consumers :0 pending :0 last-delivered-id 2-1 entries-read :2 lag :1]]");
  CHECK(h.Do("XGROUP SETID s g $") == "OK");  // the counter is unknown again
  CHECK(h.Do("XINFO GROUPS s") ==
        "[[name g consumers :0 pending :0 last-delivered-id 3-1 entries-read nil lag :0]]");
  // SETID takes "-" and "+", as Redis's non-strict parse does.
  CHECK(h.Do("XGROUP SETID s g +") == "OK");
  CHECK(h.TakeLog() == Commands{{"XGROUP", "SETID", "s", "g", "2-1", "ENTRIESREAD", "2"},
                                {"XGROUP", "SETID", "s", "g", "$"},
                                {"XGROUP", "SETID", "s", "g", "+"}});
}

TEST_CASE("XGROUP CREATECONSUMER, DELCONSUMER and DESTROY") {
  StreamHarness h;
  h.Add("s", {{1, 1}, {2, 1}});
  CHECK(h.Do("XGROUP CREATE s g 0") == "OK");
  CHECK(h.Do("XGROUP CREATECONSUMER s nog c") ==
        "-NOGROUP No such consumer group 'nog' for key name 's'");
  h.TakeLog();
  CHECK(h.Do("XGROUP CREATECONSUMER s g c") == ":1");
  CHECK(h.Do("XGROUP CREATECONSUMER s g c") == ":0");
  CHECK(h.TakeLog() == Commands{{"XGROUP", "CREATECONSUMER", "s", "g", "c"}});
  CHECK(h.Do("XREADGROUP GROUP g c2 STREAMS s >") ==
        "[[s [" + Entry("1-1") + " " + Entry("2-1") + "]]]");
  h.TakeLog();
  CHECK(h.Do("XGROUP DELCONSUMER s g c2") == ":2");  // its pending entries go with it
  CHECK(h.Do("XGROUP DELCONSUMER s g c2") == ":0");
  CHECK(h.Do("XPENDING s g") == "[:0 nil nil nil]");
  CHECK(h.TakeLog() == Commands{{"XGROUP", "DELCONSUMER", "s", "g", "c2"}});
  CHECK(h.Do("XGROUP DESTROY s nog") == ":0");
  CHECK(h.Do("XGROUP DESTROY s g") == ":1");
  CHECK(h.Do("XGROUP DESTROY s g") == ":0");
  CHECK(h.Do("XGROUP DESTROY nokey g").starts_with("-ERR The XGROUP subcommand requires"));
  CHECK(h.TakeLog() == Commands{{"XGROUP", "DESTROY", "s", "g"}});
  CHECK(h.Do("XINFO GROUPS s") == "[]");
}

TEST_CASE("XGROUP HELP") {
  StreamHarness h;
  const std::string help = h.Do("XGROUP HELP");
  CHECK(
      help.starts_with("[XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are: "
                       "CREATE <key> <groupname> <id|$> [option]"));
  CHECK(help.ends_with("HELP     Prints this help.]"));
}

TEST_CASE("XGROUP fires the keyspace events Redis fires") {
  StreamHarness h;
  ExtraClient sub(h);
  CHECK(h.Do("CONFIG SET notify-keyspace-events Et") == "OK");
  sub.Run(
      "SUBSCRIBE __keyevent@0__:xgroup-create __keyevent@0__:xgroup-createconsumer "
      "__keyevent@0__:xgroup-setid __keyevent@0__:xgroup-delconsumer "
      "__keyevent@0__:xgroup-destroy");
  std::vector<std::string> pushed;
  sub.link.push = [&](std::string_view frame) { pushed.emplace_back(frame); };
  CHECK(h.Do("XGROUP CREATE s g $ MKSTREAM") == "OK");
  CHECK(h.Do("XGROUP CREATECONSUMER s g c") == ":1");
  CHECK(h.Do("XGROUP SETID s g 0") == "OK");
  CHECK(h.Do("XGROUP DELCONSUMER s g c") == ":0");
  CHECK(h.Do("XGROUP DESTROY s g") == ":1");
  std::string events;
  for (const std::string& m : pushed) events += Show(m) + "\n";
  CHECK(events ==
        "[message __keyevent@0__:xgroup-create s]\n"
        "[message __keyevent@0__:xgroup-createconsumer s]\n"
        "[message __keyevent@0__:xgroup-setid s]\n"
        "[message __keyevent@0__:xgroup-delconsumer s]\n"
        "[message __keyevent@0__:xgroup-destroy s]\n");
}

}  // namespace
}  // namespace kvd::testing
