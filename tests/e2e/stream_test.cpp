// The stream entry commands over TCP: XADD/XRANGE/XREVRANGE/XLEN/XDEL/XTRIM replies as Redis
// sends them, whole-chunk trimming with a small stream-node-max-entries, and XREAD BLOCK
// served by another client's XADD (RESP2 and RESP3), or timing out. A client is known to be
// blocked by polling INFO clients from another connection, never by sleeping.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

std::string Entry(std::string_view id, std::initializer_list<std::string> pairs) {
  std::string fields = "*" + std::to_string(pairs.size()) + "\r\n";
  for (const std::string& p : pairs) fields += Bulk(p);
  return "*2\r\n" + Bulk(id) + fields;
}

TEST_CASE("streams: XADD, XRANGE, XREVRANGE, XLEN, XDEL over TCP") {
  ServerProcess server;
  RawClient c(server.port());
  // An ID made from the server's clock: "<ms>-0".
  Reply auto_id = c.Exec({"XADD", "clock", "*", "f", "v"});
  REQUIRE(auto_id.type == '$');
  CHECK(auto_id.str.size() > 2);
  CHECK(auto_id.str.substr(auto_id.str.size() - 2) == "-0");
  CHECK(c.Call({"XADD", "s", "1-1", "name", "a"}) == Bulk("1-1"));
  CHECK(c.Call({"XADD", "s", "1-*", "name", "b", "n", "2"}) == Bulk("1-2"));
  CHECK(c.Call({"XADD", "s", "5", "name", "c"}) == Bulk("5-0"));
  CHECK(c.Call({"XADD", "s", "5-0", "name", "d"}) ==
        Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"));
  CHECK(c.Call({"XADD", "s", "0-0", "f", "v"}) ==
        Err("ERR The ID specified in XADD must be greater than 0-0"));
  CHECK(c.Call({"XADD", "s", "*", "f"}) == ArityErr("xadd"));
  CHECK(c.Call({"XADD", "none", "NOMKSTREAM", "*", "f", "v"}) == kNil);
  CHECK(c.Call({"XLEN", "s"}) == Int(3));
  const std::string a = Entry("1-1", {"name", "a"}), b = Entry("1-2", {"name", "b", "n", "2"}),
                    e5 = Entry("5-0", {"name", "c"});
  CHECK(c.Call({"XRANGE", "s", "-", "+"}) == Arr({a, b, e5}));
  CHECK(c.Call({"XRANGE", "s", "(1-1", "+", "COUNT", "1"}) == Arr({b}));
  CHECK(c.Call({"XREVRANGE", "s", "+", "-", "COUNT", "2"}) == Arr({e5, b}));
  CHECK(c.Call({"XRANGE", "s", "-", "+", "COUNT", "0"}) == kNilArray);
  CHECK(c.Call({"XRANGE", "none", "-", "+"}) == "*0\r\n");
  CHECK(c.Call({"XDEL", "s", "1-2", "7-7"}) == Int(1));
  CHECK(c.Call({"XRANGE", "s", "-", "+"}) == Arr({a, e5}));
  CHECK(c.Call({"XSETID", "s", "4-0"}) ==
        Err("ERR The ID specified in XSETID is smaller than the target stream top item"));
  CHECK(c.Call({"XSETID", "s", "9-0"}) == kOk);
  CHECK(c.Call({"XADD", "s", "*", "f", "v"}).substr(0, 1) == "$");
  CHECK(c.Call({"SET", "str", "x"}) == kOk);
  CHECK(c.Call({"XRANGE", "str", "-", "+"}) ==
        Err("WRONGTYPE Operation against a key holding the wrong kind of value"));
  CHECK(c.Call({"TYPE", "s"}) == "+stream\r\n");
}

TEST_CASE("streams: '~' trimming removes whole nodes of stream-node-max-entries entries") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"CONFIG", "SET", "stream-node-max-entries", "10"}) == kOk);
  for (int i = 1; i <= 35; ++i) {
    REQUIRE(c.Call({"XADD", "s", std::to_string(i) + "-1", "f", "v"}) ==
            Bulk(std::to_string(i) + "-1"));
  }
  CHECK(c.Call({"XTRIM", "s", "MAXLEN", "~", "25"}) == Int(10));
  CHECK(c.Call({"XTRIM", "s", "MAXLEN", "~", "20"}) == Int(0));
  CHECK(c.Call({"XTRIM", "s", "MINID", "~", "31", "LIMIT", "5"}) == Int(0));
  CHECK(c.Call({"XTRIM", "s", "MINID", "~", "31"}) == Int(20));  // 11-1..30-1
  CHECK(c.Call({"XTRIM", "s", "MAXLEN", "3"}) == Int(2));
  CHECK(c.Call({"XADD", "s", "MAXLEN", "1", "LIMIT", "1", "*", "f", "v"}) ==
        Err("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  CHECK(c.Call({"XRANGE", "s", "-", "+"}) ==
        Arr({Entry("33-1", {"f", "v"}), Entry("34-1", {"f", "v"}), Entry("35-1", {"f", "v"})}));
}

TEST_CASE("streams: XREAD BLOCK is served by another client's XADD") {
  ServerProcess server;
  RawClient observer(server.port()), reader(server.port()), writer(server.port());
  CHECK(writer.Call({"XADD", "s", "1-1", "old", "x"}) == Bulk("1-1"));
  reader.SendOnly(Command({"XREAD", "BLOCK", "0", "STREAMS", "other", "s", "$", "$"}));
  REQUIRE(WaitBlocked(observer, 1));
  // A write to a stream it does not wait on leaves it waiting.
  CHECK(writer.Call({"XADD", "unrelated", "1-1", "f", "v"}) == Bulk("1-1"));
  CHECK(BlockedClients(observer) == 1);
  CHECK(writer.Call({"XADD", "s", "2-1", "new", "y"}) == Bulk("2-1"));
  CHECK(reader.ReadReply().raw == Arr({Arr({Bulk("s"), Arr({Entry("2-1", {"new", "y"})})})}));
  CHECK(BlockedClients(observer) == 0);
  // Non-blocking, several streams; nothing to read is a null array.
  CHECK(reader.Call({"XREAD", "COUNT", "1", "STREAMS", "s", "other", "0", "0"}) ==
        Arr({Arr({Bulk("s"), Arr({Entry("1-1", {"old", "x"})})})}));
  CHECK(reader.Call({"XREAD", "STREAMS", "s", "$"}) == kNilArray);
  CHECK(reader.Call({"XREAD", "BLOCK", "50", "STREAMS", "s", "$"}) == kNilArray);
  CHECK(reader.Call({"XREAD", "BLOCK", "-1", "STREAMS", "s", "$"}) ==
        Err("ERR timeout is negative"));
  CHECK(reader.Call({"XREAD", "BLOCK", "1.5", "STREAMS", "s", "$"}) ==
        Err("ERR timeout is not an integer or out of range"));
  if (Expects72()) {
    CHECK(reader.Call({"XREAD", "STREAMS", "s", "t", "$"}) ==
          Err("ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must "
              "be specified."));
  }
}

TEST_CASE("streams: XREAD in RESP3 replies a map; a timeout is a null") {
  ServerProcess server;
  RawClient observer(server.port()), reader(server.port()), writer(server.port());
  CHECK(reader.Call({"HELLO", "3"}).substr(0, 1) == "%");
  reader.SendOnly(Command({"XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "s", "0-0"}));
  REQUIRE(WaitBlocked(observer, 1));
  CHECK(writer.Call({"XADD", "s", "3-3", "k", "v"}) == Bulk("3-3"));
  CHECK(reader.ReadReply().raw == "%1\r\n" + Bulk("s") + Arr({Entry("3-3", {"k", "v"})}));
  CHECK(reader.Call({"XREAD", "BLOCK", "20", "STREAMS", "s", "3-3"}) == "_\r\n");
  CHECK(reader.Call({"XREAD", "STREAMS", "s", "$"}) == "_\r\n");
  CHECK(reader.Call({"XADD", "none", "NOMKSTREAM", "*", "f", "v"}) == "_\r\n");
}

TEST_CASE("streams: the append-only log holds concrete IDs and exact trims; a restart agrees") {
  TempDir dir;
  const std::vector<std::string> args = {"--appendonly",
                                         "yes",
                                         "--appendfsync",
                                         "always",
                                         "--dir",
                                         dir.path(),
                                         "--stream-node-max-entries",
                                         "4"};
  std::string before;
  {
    ServerProcess server(args);
    RawClient c(server.port());
    for (int i = 0; i < 20; ++i)
      REQUIRE(c.Exec({"XADD", "s", "*", "n", std::to_string(i)}).type == '$');
    CHECK(c.Call({"XADD", "s", "MAXLEN", "~", "10", "LIMIT", "4", "*", "n", "x"}).substr(0, 1) ==
          "$");
    CHECK(c.Call({"XTRIM", "s", "MAXLEN", "~", "5"}) == Int(12));
    CHECK(c.Call({"XDEL", "s", "0-1"}) == Int(0));
    before = c.Call({"XRANGE", "s", "-", "+"});
    CHECK(c.Call({"XLEN", "s"}) == Int(5));
    if (TestingKvd()) {
      const std::string log = Slurp(dir.path() + "/appendonlydir/appendonly.aof.1.incr.aof");
      CHECK_FALSE(Contains(log, "$1\r\n*\r\n"));  // every "*" became the ID it made
      CHECK_FALSE(Contains(log, "~"));
      CHECK_FALSE(Contains(log, "LIMIT"));
      CHECK(Contains(log, "$6\r\nMAXLEN\r\n$1\r\n=\r\n$2\r\n17\r\n"));
      CHECK(Contains(log, "$5\r\nXTRIM\r\n$1\r\ns\r\n$6\r\nMAXLEN\r\n$1\r\n=\r\n$1\r\n5\r\n"));
    }
  }
  ServerProcess again(args);
  RawClient c(again.port());
  CHECK(c.Call({"XRANGE", "s", "-", "+"}) == before);
}

}  // namespace
}  // namespace kvd::e2e
