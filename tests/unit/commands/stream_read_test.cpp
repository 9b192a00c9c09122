// XREAD: the entries after given IDs of several streams (RESP2 array, RESP3 map), "$",
// COUNT, errors, and BLOCK: served by a later XADD, "$" pinned to the last ID of the time
// the client blocked (Redis 7.2 rewrites it), timeouts in milliseconds, no blocking inside
// MULTI.
#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/blocked_clients.h"
#include "server/blocking.h"
#include "unit/commands/stream_test_util.h"

namespace kvd::testing {
namespace {

// One stream of an XREAD reply in RESP2: [key, entries].
std::string Stream(std::string_view key, std::initializer_list<std::string> entries) {
  return "*2\r\n" + Bulk(key) + Array(entries);
}

TEST_CASE("streams: XREAD reads the entries after each ID, streams without any left out") {
  StreamHarness h;
  ExtraClient c(h);
  FillStream(c, "a", 3);      // 1-1 2-1 3-1
  FillStream(c, "b", 2, 10);  // 10-1 11-1
  const std::string a2 = Entry("2-1", {"f", "1"}), a3 = Entry("3-1", {"f", "2"}),
                    b10 = Entry("10-1", {"f", "0"}), b11 = Entry("11-1", {"f", "1"});
  CHECK(c.Run("XREAD STREAMS a b 1-1 10") ==
        Array({Stream("a", {a2, a3}), Stream("b", {b10, b11})}));
  CHECK(c.Run("XREAD COUNT 1 STREAMS a b 1-1 10") ==
        Array({Stream("a", {a2}), Stream("b", {b10})}));
  CHECK(c.Run("XREAD STREAMS b a missing 11-1 2 0") == Array({Stream("a", {a2, a3})}));  // 2-0
  CHECK(c.Run("XREAD STREAMS a b $ $") == kNullArray);
  CHECK(c.Run("XREAD STREAMS a 3-1") == kNullArray);
  CHECK(c.Run("XREAD COUNT 0 STREAMS a 2-1") == Array({Stream("a", {a3})}));  // 0: no bound
  CHECK(c.Run("XREAD COUNT -5 STREAMS a 2-1") == Array({Stream("a", {a3})}));
  CHECK(c.Run("XREAD count 1 count 2 streams a a 0 2-1") ==
        Array({Stream("a", {Entry("1-1", {"f", "0"}), a2}), Stream("a", {a3})}));
  CHECK(c.Run("XDEL a 3-1") == Int(1));
  CHECK(c.Run("XREAD STREAMS a 2-1") == kNullArray);  // only a deleted entry after it
  CHECK(h.TakeLog().size() == 6);                     // the XADDs and the XDEL: XREAD logs nothing
}

TEST_CASE("streams: XREAD in RESP3 replies a map, and a null for nothing") {
  StreamHarness h;
  ExtraClient c(h);
  c.c.resp = 3;
  FillStream(c, "a", 2);
  FillStream(c, "b", 1, 5);
  CHECK(c.Run("XREAD STREAMS a b 1-1 0") == "%2\r\n" + Bulk("a") +
                                                Array({Entry("2-1", {"f", "1"})}) + Bulk("b") +
                                                Array({Entry("5-1", {"f", "0"})}));
  CHECK(c.Run("XREAD STREAMS a $") == "_\r\n");
  CHECK(c.Run("XREAD BLOCK 10 STREAMS a $").empty());
  h.clock.Advance(10);
  ExpireBlockedClients(h.server);
  CHECK(c.Take() == "_\r\n");
}

TEST_CASE("streams: XREAD's errors, in Redis's order") {
  StreamHarness h;
  ExtraClient c(h);
  const std::string bad_id = Err("ERR Invalid stream ID specified as stream command argument");
  const std::string unbalanced =
      Err("ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be "
          "specified.");
  CHECK(c.Run("XREAD STREAMS a") == Err("ERR wrong number of arguments for 'xread' command"));
  CHECK(c.Run("XREAD STREAMS a b 0") == unbalanced);
  CHECK(c.Run("XREAD COUNT 1 STREAMS a") == unbalanced);
  CHECK(c.Run("XREAD COUNT 1 BLOCK 0") == kSyntax);  // no STREAMS
  CHECK(c.Run("XREAD COUNT 1 FOO 0 STREAMS a 0") == kSyntax);
  CHECK(c.Run("XREAD COUNT x STREAMS a 0") == kNotInt);
  CHECK(c.Run("XREAD BLOCK x STREAMS a 0") == Err("ERR timeout is not an integer or out of range"));
  CHECK(c.Run("XREAD BLOCK 1.5 STREAMS a 0") ==
        Err("ERR timeout is not an integer or out of range"));
  CHECK(c.Run("XREAD BLOCK -1 STREAMS a 0") == Err("ERR timeout is negative"));
  CHECK(c.Run("XREAD BLOCK 9223372036854775807 STREAMS a 0") == Err("ERR timeout is out of range"));
  CHECK(c.Run("XREAD GROUP g c STREAMS a 0") ==
        Err("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."));
  CHECK(c.Run("XREAD NOACK STREAMS a 0") ==
        Err("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."));
  CHECK(c.Run("XREAD STREAMS a >") ==
        Err("ERR The > ID can be specified only when calling XREADGROUP using the GROUP "
            "<group> <consumer> option."));
  CHECK(c.Run("XREAD STREAMS a -") == bad_id);
  CHECK(c.Run("XREAD STREAMS a +") == bad_id);
  CHECK(c.Run("XREAD STREAMS a b 0 x") == bad_id);
  CHECK(c.Run("SET str x") == kOk);
  // Each stream's type is checked before its ID, in argument order.
  CHECK(c.Run("XREAD STREAMS a str x 0") == bad_id);
  CHECK(c.Run("XREAD STREAMS str a 0 x") == kWrongType);
  CHECK_FALSE(c.c.blocked);
}

TEST_CASE("streams: XREAD BLOCK with data replies at once") {
  StreamHarness h;
  ExtraClient c(h);
  FillStream(c, "s", 2);
  CHECK(c.Run("XREAD BLOCK 0 STREAMS s 1-1") == Array({Stream("s", {Entry("2-1", {"f", "1"})})}));
  CHECK_FALSE(c.c.blocked);
}

TEST_CASE("streams: a blocked XREAD with '$' gets the entry added after it blocked") {
  StreamHarness h;
  ExtraClient waiter(h), writer(h);
  FillStream(writer, "s", 2);
  CHECK(waiter.Run("XREAD BLOCK 0 STREAMS other s $ $").empty());
  REQUIRE(waiter.c.blocked);
  // Redis 7.2's rewrite: the command to run again holds the last IDs, not "$".
  const BlockedClients::Waiter* w = h.server.blocked.Find(waiter.c);
  REQUIRE(w != nullptr);
  CHECK(w->args ==
        std::vector<std::string>{"XREAD", "BLOCK", "0", "STREAMS", "other", "s", "0-0", "2-1"});
  CHECK(w->keys == std::vector<std::string>{"other", "s"});
  CHECK(writer.Run("XADD s 3-1 f new") == Bulk("3-1"));
  CHECK(waiter.Take() == Array({Stream("s", {Entry("3-1", {"f", "new"})})}));
  CHECK_FALSE(waiter.c.blocked);
  // A missing stream's "$" is 0-0: the first entry ever added is read.
  CHECK(waiter.Run("XREAD BLOCK 0 STREAMS fresh $").empty());
  CHECK(writer.Run("XADD fresh 1-1 a b") == Bulk("1-1"));
  CHECK(waiter.Take() == Array({Stream("fresh", {Entry("1-1", {"a", "b"})})}));
}

TEST_CASE("streams: every client blocked on a stream is served by one XADD, first blocked first") {
  StreamHarness h;
  ExtraClient a(h), b(h), writer(h);
  b.c.resp = 3;
  CHECK(a.Run("XREAD BLOCK 0 STREAMS s $").empty());
  CHECK(b.Run("XREAD COUNT 1 BLOCK 0 STREAMS s 0").empty());
  CHECK(writer.Run("XADD s 1-1 f v") == Bulk("1-1"));
  CHECK(a.Take() == Array({Stream("s", {Entry("1-1", {"f", "v"})})}));
  CHECK(b.Take() == "%1\r\n" + Bulk("s") + Array({Entry("1-1", {"f", "v"})}));
  CHECK(writer.Run("XLEN s") == Int(1));  // XREAD consumes nothing
  CHECK(h.server.blocked.empty());
}

TEST_CASE("streams: a blocked XREAD keeps waiting, with its first deadline, until it has entries") {
  StreamHarness h;
  ExtraClient waiter(h), writer(h);
  CHECK(waiter.Run("XREAD BLOCK 100 STREAMS s 5-0").empty());
  h.clock.Advance(60);
  CHECK(writer.Run("XADD s 4-1 f v") == Bulk("4-1"));  // not after 5-0
  CHECK(waiter.Take().empty());
  REQUIRE(waiter.c.blocked);
  CHECK(h.server.blocked.Find(waiter.c)->deadline_ms == 1'700'000'000'100);
  // A write that leaves the key another type serves nobody waiting on a stream.
  CHECK(writer.Run("DEL s") == Int(1));
  CHECK(writer.Run("LPUSH s x") == Int(1));
  CHECK(waiter.c.blocked);
  h.clock.Advance(39);
  ExpireBlockedClients(h.server);
  CHECK(waiter.c.blocked);
  h.clock.Advance(1);
  ExpireBlockedClients(h.server);
  CHECK(waiter.Take() == kNullArray);
  CHECK_FALSE(waiter.c.blocked);
}

TEST_CASE("streams: a blocked XREAD is woken by the entries it waits for, then by XADD alone") {
  StreamHarness h;
  ExtraClient waiter(h), writer(h);
  CHECK(waiter.Run("XREAD COUNT 2 BLOCK 0 STREAMS s 0").empty());
  // Inside MULTI, served once EXEC has run.
  CHECK(writer.Run("MULTI") == kOk);
  CHECK(writer.Run("XADD s 1-1 f 1") == "+QUEUED\r\n");
  CHECK(writer.Run("XADD s 2-1 f 2") == "+QUEUED\r\n");
  CHECK(writer.Run("XADD s 3-1 f 3") == "+QUEUED\r\n");
  CHECK(waiter.Take().empty());
  CHECK(writer.Run("EXEC") == Array({Bulk("1-1"), Bulk("2-1"), Bulk("3-1")}));
  CHECK(waiter.Take() ==
        Array({Stream("s", {Entry("1-1", {"f", "1"}), Entry("2-1", {"f", "2"})})}));
}

TEST_CASE("streams: XREAD cannot block inside MULTI: a null array at once") {
  StreamHarness h;
  ExtraClient c(h);
  CHECK(c.Run("MULTI") == kOk);
  CHECK(c.Run("XREAD BLOCK 0 STREAMS s $") == "+QUEUED\r\n");
  CHECK(c.Run("EXEC") == "*1\r\n" + kNullArray);
  CHECK_FALSE(c.c.blocked);
}

TEST_CASE("streams: CLIENT UNBLOCK ends an XREAD wait") {
  StreamHarness h;
  ExtraClient waiter(h), other(h);
  CHECK(waiter.Run("XREAD BLOCK 0 STREAMS s $").empty());
  CHECK(other.Run("CLIENT UNBLOCK " + std::to_string(waiter.c.id)) == Int(1));
  CHECK(waiter.Take() == kNullArray);
  CHECK(waiter.Run("XREAD BLOCK 0 STREAMS s $").empty());
  CHECK(other.Run("CLIENT UNBLOCK " + std::to_string(waiter.c.id) + " ERROR") == Int(1));
  CHECK(waiter.Take() == Err("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
}

TEST_CASE("streams: XREAD counts two keyspace lookups a stream, as Redis does") {
  StreamHarness h;
  ExtraClient c(h);
  auto stats = [&] {
    std::map<std::string, std::string> f = InfoFields(c.Run("INFO stats"));
    return f["keyspace_hits"] + "/" + f["keyspace_misses"];
  };
  CHECK(c.Run("XREAD STREAMS nokey 0") == kNullArray);
  CHECK(stats() == "0/2");
  FillStream(c, "s", 1);
  CHECK(c.Run("XREAD STREAMS s 0") != kNullArray);
  CHECK(stats() == "2/2");
  CHECK(c.Run("XREAD STREAMS s 5") == kNullArray);
  CHECK(stats() == "4/2");
  CHECK(c.Run("XRANGE s - +") != kNullArray);
  CHECK(stats() == "5/2");
  // XREADGROUP too, whether or not it serves anything; NOGROUP after one lookup.
  CHECK(c.Run("XGROUP CREATE s g 0") == "+OK\r\n");
  CHECK(c.Run("XREADGROUP GROUP g c STREAMS s 0") != kNullArray);
  CHECK(stats() == "7/2");
  CHECK(c.Run("XREADGROUP GROUP g c STREAMS s >") != kNullArray);
  CHECK(c.Run("XREADGROUP GROUP g c STREAMS s >") == kNullArray);
  CHECK(stats() == "11/2");
  CHECK(c.Run("XREADGROUP GROUP g c STREAMS nokey >").rfind("-NOGROUP", 0) == 0);
  CHECK(stats() == "11/3");
}

TEST_CASE(
    "streams: COMMAND INFO: the stream commands' arity, flags and key positions are Redis's") {
  StreamHarness h;
  ExtraClient c(h);
  struct Expected {
    std::string name;
    int64_t arity;
    std::vector<std::string> flags;
    int64_t first, last, step;
  };
  const std::vector<Expected> table = {
      {"xadd", -5, {"write", "denyoom", "fast"}, 1, 1, 1},
      {"xrange", -4, {"readonly"}, 1, 1, 1},
      {"xrevrange", -4, {"readonly"}, 1, 1, 1},
      {"xlen", 2, {"readonly", "fast"}, 1, 1, 1},
      {"xdel", -3, {"write", "fast"}, 1, 1, 1},
      {"xtrim", -4, {"write"}, 1, 1, 1},
      {"xsetid", -3, {"write", "denyoom", "fast"}, 1, 1, 1},
      {"xread", -4, {"readonly", "blocking", "movablekeys"}, 0, 0, 0},
  };
  for (const Expected& e : table) {
    CAPTURE(e.name);
    std::optional<RespValue> v = RespReader::ParseOne(c.Run("COMMAND INFO " + e.name));
    REQUIRE(v);
    REQUIRE(v->elems.size() == 1);
    const RespValue& info = v->elems[0];
    REQUIRE(info.elems.size() >= 6);
    CHECK(info.elems[0].str == e.name);
    CHECK(info.elems[1].integer == e.arity);
    std::vector<std::string> flags;
    for (const RespValue& f : info.elems[2].elems) flags.push_back(f.str);
    CHECK(flags == e.flags);
    CHECK(info.elems[3].integer == e.first);
    CHECK(info.elems[4].integer == e.last);
    CHECK(info.elems[5].integer == e.step);
  }
}

}  // namespace
}  // namespace kvd::testing
