// DEL, UNLINK, EXISTS, TYPE, KEYS, RANDOMKEY, TOUCH, RENAME, RENAMENX, COPY, MOVE, SWAPDB.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"

namespace kvd::testing {
namespace {

const std::string kSameObject = "-ERR source and destination objects are the same\r\n";
const std::string kDbRange = "-ERR DB index is out of range\r\n";
const std::string kIntRange =
    "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n";

TEST_CASE("DEL and UNLINK count the keys they removed") {
  Harness h;
  for (const char* cmd : {"DEL", "UNLINK"}) {
    CAPTURE(cmd);
    CHECK(h.Run({"MSET", "a", "1", "b", "2"}) == kOk);
    CHECK(h.Run({cmd, "a", "b", "c", "a"}) == Int(2));
    CHECK(h.Run({"EXISTS", "a", "b"}) == Int(0));
    CHECK(h.Run({cmd, "a"}) == Int(0));
  }
  // An expired key is not deleted again.
  CHECK(h.Run({"SET", "t", "v", "PX", "10"}) == kOk);
  h.clock.Advance(11);
  CHECK(h.Run({"DEL", "t"}) == Int(0));
  CHECK(h.Run({"DEL"}) == "-ERR wrong number of arguments for 'del' command\r\n");
}

TEST_CASE("EXISTS counts every argument naming a live key, repeats included") {
  Harness h;
  CHECK(h.Run({"SET", "a", "1"}) == kOk);
  CHECK(h.Run({"EXISTS", "a"}) == Int(1));
  CHECK(h.Run({"EXISTS", "a", "a", "b", "a"}) == Int(3));
  CHECK(h.Run({"SET", "t", "v", "PX", "10"}) == kOk);
  CHECK(h.Run({"EXISTS", "t"}) == Int(1));
  h.clock.Advance(11);
  CHECK(h.Run({"EXISTS", "t"}) == Int(0));
  CHECK(h.server.stats.keyspace_hits == 5);
  CHECK(h.server.stats.keyspace_misses == 2);
}

TEST_CASE("TYPE names the value's type") {
  Harness h;
  CHECK(h.Run({"TYPE", "k"}) == "+none\r\n");
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"TYPE", "k"}) == "+string\r\n");
}

TEST_CASE("KEYS matches glob patterns and never lists expired keys") {
  Harness h;
  CHECK(h.Run({"KEYS", "*"}) == "*0\r\n");
  CHECK(h.Run({"MSET", "hello", "1", "hallo", "1", "hxllo", "1", "hllo", "1", "heeeello", "1",
               "a*b", "1"}) == kOk);
  CHECK(h.Run({"SET", "hurry", "1", "PX", "5"}) == kOk);
  using V = std::vector<std::string>;
  CHECK(SortedStrings(h.Run({"KEYS", "*"})) ==
        V{"a*b", "hallo", "heeeello", "hello", "hllo", "hurry", "hxllo"});
  CHECK(SortedStrings(h.Run({"KEYS", "h?llo"})) == V{"hallo", "hello", "hxllo"});
  CHECK(SortedStrings(h.Run({"KEYS", "h*llo"})) ==
        V{"hallo", "heeeello", "hello", "hllo", "hxllo"});
  CHECK(SortedStrings(h.Run({"KEYS", "h[ae]llo"})) == V{"hallo", "hello"});
  CHECK(SortedStrings(h.Run({"KEYS", "h[^e]llo"})) == V{"hallo", "hxllo"});
  CHECK(SortedStrings(h.Run({"KEYS", "h[a-b]llo"})) == V{"hallo"});
  CHECK(SortedStrings(h.Run({"KEYS", "a\\*b"})) == V{"a*b"});
  CHECK(SortedStrings(h.Run({"KEYS", "nothing*"})) == V{});
  h.clock.Advance(6);
  CHECK(SortedStrings(h.Run({"KEYS", "hu*"})) == V{});
  CHECK(h.Run({"KEYS", "hurry"}) == "*0\r\n");
}

TEST_CASE("RANDOMKEY returns a live key or nil") {
  Harness h;
  CHECK(h.Run({"RANDOMKEY"}) == kNil);
  CHECK(h.Run({"SET", "only", "v"}) == kOk);
  CHECK(h.Run({"RANDOMKEY"}) == Bulk("only"));
  CHECK(h.Run({"SET", "other", "v"}) == kOk);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string r = h.Run({"RANDOMKEY"});
    CHECK((r == Bulk("only") || r == Bulk("other")));
    seen.insert(r);
  }
  CHECK(seen.size() == 2);
  CHECK(h.Run({"DEL", "only", "other"}) == Int(2));
  CHECK(h.Run({"SET", "t", "v", "PX", "1"}) == kOk);
  h.clock.Advance(2);
  CHECK(h.Run({"RANDOMKEY"}) == kNil);
}

TEST_CASE("TOUCH counts existing keys") {
  Harness h;
  CHECK(h.Run({"MSET", "a", "1", "b", "2"}) == kOk);
  CHECK(h.Run({"TOUCH", "a", "b", "c", "a"}) == Int(3));
  CHECK(h.Run({"TOUCH", "c"}) == Int(0));
}

TEST_CASE("RENAME moves value and TTL, replacing the destination") {
  Harness h;
  CHECK(h.Run({"RENAME", "a", "b"}) == "-ERR no such key\r\n");
  CHECK(h.Run({"RENAME", "a", "a"}) == "-ERR no such key\r\n");
  CHECK(h.Run({"SET", "a", "1", "EX", "100"}) == kOk);
  CHECK(h.Run({"SET", "b", "2"}) == kOk);
  CHECK(h.Run({"RENAME", "a", "b"}) == kOk);
  CHECK(h.Run({"EXISTS", "a"}) == Int(0));
  CHECK(h.Run({"GET", "b"}) == Bulk("1"));
  CHECK(h.Run({"TTL", "b"}) == Int(100));
  CHECK(h.Run({"RENAME", "b", "b"}) == kOk);  // same key: nothing changes
  CHECK(h.Run({"GET", "b"}) == Bulk("1"));
  CHECK(h.Run({"TTL", "b"}) == Int(100));
  CHECK(h.Run({"SET", "p", "v"}) == kOk);
  CHECK(h.Run({"SET", "q", "w", "EX", "10"}) == kOk);
  CHECK(h.Run({"RENAME", "p", "q"}) == kOk);  // the destination's TTL goes with it
  CHECK(h.Run({"TTL", "q"}) == Int(-1));
  h.clock.Advance(100'001);
  CHECK(h.Run({"RENAME", "b", "c"}) == "-ERR no such key\r\n");
}

TEST_CASE("RENAMENX renames only onto a missing key") {
  Harness h;
  CHECK(h.Run({"RENAMENX", "a", "b"}) == "-ERR no such key\r\n");
  CHECK(h.Run({"MSET", "a", "1", "b", "2"}) == kOk);
  CHECK(h.Run({"RENAMENX", "a", "b"}) == Int(0));
  CHECK(h.Run({"MGET", "a", "b"}) == "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  CHECK(h.Run({"RENAMENX", "a", "a"}) == Int(0));
  CHECK(h.Run({"RENAMENX", "a", "c"}) == Int(1));
  CHECK(h.Run({"MGET", "a", "c"}) == "*2\r\n$-1\r\n$1\r\n1\r\n");
}

TEST_CASE("COPY copies value and TTL, within and across databases") {
  Harness h;
  CHECK(h.Run({"COPY", "a", "b"}) == Int(0));
  CHECK(h.Run({"SET", "a", "1", "EX", "100"}) == kOk);
  CHECK(h.Run({"COPY", "a", "b"}) == Int(1));
  CHECK(h.Run({"GET", "b"}) == Bulk("1"));
  CHECK(h.Run({"TTL", "b"}) == Int(100));
  CHECK(h.Run({"SET", "a", "2"}) == kOk);
  CHECK(h.Run({"COPY", "a", "b"}) == Int(0));
  CHECK(h.Run({"GET", "b"}) == Bulk("1"));
  CHECK(h.Run({"COPY", "a", "b", "REPLACE"}) == Int(1));
  CHECK(h.Run({"GET", "b"}) == Bulk("2"));
  CHECK(h.Run({"TTL", "b"}) == Int(-1));
  CHECK(h.Run({"COPY", "a", "a", "DB", "3"}) == Int(1));
  CHECK(h.Run({"COPY", "a", "x", "db", "3", "replace", "replace"}) == Int(1));
  h.client.db = 3;
  CHECK(h.Run({"MGET", "a", "x"}) == "*2\r\n$1\r\n2\r\n$1\r\n2\r\n");
  h.client.db = 0;
  CHECK(h.Run({"GET", "a"}) == Bulk("2"));
}

TEST_CASE("COPY errors") {
  Harness h;
  CHECK(h.Run({"SET", "a", "1"}) == kOk);
  CHECK(h.Run({"COPY", "a", "a"}) == kSameObject);
  CHECK(h.Run({"COPY", "a", "a", "DB", "0"}) == kSameObject);
  CHECK(h.Run({"COPY", "missing", "missing"}) == kSameObject);
  CHECK(h.Run({"COPY", "a", "b", "DB", "16"}) == kDbRange);
  CHECK(h.Run({"COPY", "a", "b", "DB", "-1"}) == kDbRange);
  CHECK(h.Run({"COPY", "a", "b", "DB", "x"}) == kNotInt);
  CHECK(h.Run({"COPY", "a", "b", "DB", "4294967296"}) == kIntRange);
  CHECK(h.Run({"COPY", "a", "b", "DB"}) == kSyntax);
  CHECK(h.Run({"COPY", "a", "b", "FOO"}) == kSyntax);
  CHECK(h.Run({"COPY", "a", "b", "DB", "99", "FOO"}) == kDbRange);  // first error wins
  CHECK(h.Run({"EXISTS", "b"}) == Int(0));
}

TEST_CASE("MOVE moves a key with its TTL to another database") {
  Harness h;
  CHECK(h.Run({"SET", "a", "1", "EX", "100"}) == kOk);
  CHECK(h.Run({"MOVE", "a", "1"}) == Int(1));
  CHECK(h.Run({"EXISTS", "a"}) == Int(0));
  CHECK(h.Run({"MOVE", "a", "1"}) == Int(0));
  h.client.db = 1;
  CHECK(h.Run({"GET", "a"}) == Bulk("1"));
  CHECK(h.Run({"TTL", "a"}) == Int(100));
  // Present in both: nothing moves.
  h.client.db = 0;
  CHECK(h.Run({"SET", "a", "0"}) == kOk);
  CHECK(h.Run({"MOVE", "a", "1"}) == Int(0));
  CHECK(h.Run({"GET", "a"}) == Bulk("0"));
  CHECK(h.Run({"MOVE", "a", "0"}) == kSameObject);
  CHECK(h.Run({"MOVE", "missing", "0"}) == kSameObject);
  CHECK(h.Run({"MOVE", "a", "16"}) == kDbRange);
  CHECK(h.Run({"MOVE", "a", "-1"}) == kDbRange);
  CHECK(h.Run({"MOVE", "a", "one"}) == kNotInt);
  CHECK(h.Run({"MOVE", "a", "4294967296"}) == kIntRange);
}

TEST_CASE("SWAPDB swaps two databases") {
  Harness h;
  CHECK(h.Run({"SET", "a", "0"}) == kOk);
  h.client.db = 1;
  CHECK(h.Run({"SET", "b", "1"}) == kOk);
  CHECK(h.Run({"SWAPDB", "0", "1"}) == kOk);
  CHECK(h.Run({"MGET", "a", "b"}) == "*2\r\n$1\r\n0\r\n$-1\r\n");
  h.client.db = 0;
  CHECK(h.Run({"MGET", "a", "b"}) == "*2\r\n$-1\r\n$1\r\n1\r\n");
  CHECK(h.Run({"SWAPDB", "0", "0"}) == kOk);
  CHECK(h.Run({"GET", "b"}) == Bulk("1"));
  CHECK(h.Run({"SWAPDB", "x", "1"}) == "-ERR invalid first DB index\r\n");
  CHECK(h.Run({"SWAPDB", "0", "x"}) == "-ERR invalid second DB index\r\n");
  CHECK(h.Run({"SWAPDB", "0", "4294967296"}) == "-ERR invalid second DB index\r\n");
  CHECK(h.Run({"SWAPDB", "0", "16"}) == kDbRange);
  CHECK(h.Run({"SWAPDB", "-1", "0"}) == kDbRange);
}

TEST_CASE("key commands count changes") {
  Harness h;
  auto& dirty = h.server.stats.dirty;
  CHECK(h.Run({"MSET", "a", "1", "b", "2", "c", "3"}) == kOk);
  const uint64_t start = dirty;
  h.Run({"DEL", "a", "b", "zz"});
  CHECK(dirty == start + 2);
  h.Run({"RENAME", "c", "d"});
  h.Run({"COPY", "d", "e"});
  h.Run({"MOVE", "e", "2"});
  CHECK(dirty == start + 5);
  h.Run({"COPY", "missing", "e"});
  h.Run({"MOVE", "missing", "2"});
  h.Run({"EXISTS", "d"});
  CHECK(dirty == start + 5);
}

}  // namespace
}  // namespace kvd::testing
