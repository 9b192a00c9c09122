// LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LMPOP.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/collection.h"
#include "unit/commands/harness.h"
#include "unit/commands/list_test_util.h"

namespace kvd::testing {
namespace {

const std::string kMustBePositive = "-ERR value is out of range, must be positive\r\n";

TEST_CASE("LPUSH and RPUSH create the list and reply with its length") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "b", "c"}) == Int(2));
  CHECK(h.Run({"LPUSH", "l", "a", "z"}) == Int(4));  // pushed one by one: z ends up first
  CHECK(Range(h, "l") == Arr({"z", "a", "b", "c"}));
  CHECK(h.Run({"TYPE", "l"}) == "+list\r\n");
  CHECK(h.Run({"RPUSH", "n", "12", "-7", "12"}) == Int(3));  // integers come back as text
  CHECK(Range(h, "n") == Arr({"12", "-7", "12"}));
  CHECK(h.server.stats.dirty == 7);
}

TEST_CASE("LPUSHX and RPUSHX only push onto an existing list") {
  Harness h;
  CHECK(h.Run({"LPUSHX", "l", "a"}) == Int(0));
  CHECK(h.Run({"RPUSHX", "l", "a", "b"}) == Int(0));
  CHECK(h.Run({"EXISTS", "l"}) == Int(0));
  CHECK(h.server.stats.dirty == 0);
  CHECK(h.Run({"RPUSH", "l", "m"}) == Int(1));
  CHECK(h.Run({"LPUSHX", "l", "b", "a"}) == Int(3));
  CHECK(h.Run({"RPUSHX", "l", "y", "z"}) == Int(5));
  CHECK(Range(h, "l") == Arr({"a", "b", "m", "y", "z"}));
}

TEST_CASE("pushes and pops refuse a key of another type") {
  Harness h;
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  for (const char* cmd : {"LPUSH", "RPUSH", "LPUSHX", "RPUSHX"}) {
    CAPTURE(cmd);
    CHECK(h.Run({cmd, "s", "x"}) == kWrongType);
  }
  CHECK(h.Run({"LPOP", "s"}) == kWrongType);
  CHECK(h.Run({"RPOP", "s", "2"}) == kWrongType);
  CHECK(h.Run({"LPOP", "s", "0"}) == kWrongType);
  CHECK(h.Run({"LMPOP", "1", "s", "LEFT"}) == kWrongType);
  CHECK(h.Run({"GET", "s"}) == Bulk("v"));
}

TEST_CASE("LPOP and RPOP without COUNT reply one element; the last one deletes the key") {
  Harness h;
  CHECK(h.Run({"LPOP", "l"}) == kNil);
  CHECK(h.Run({"RPUSH", "l", "a", "b", "c"}) == Int(3));
  CHECK(h.Run({"LPOP", "l"}) == Bulk("a"));
  CHECK(h.Run({"RPOP", "l"}) == Bulk("c"));
  CHECK(h.Run({"RPOP", "l"}) == Bulk("b"));
  CHECK(h.Run({"EXISTS", "l"}) == Int(0));
  CHECK(h.Run({"RPOP", "l"}) == kNil);
}

TEST_CASE("LPOP and RPOP with COUNT reply an array in pop order") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == Int(5));
  CHECK(h.Run({"LPOP", "l", "2"}) == Arr({"a", "b"}));
  CHECK(h.Run({"RPOP", "l", "2"}) == Arr({"e", "d"}));
  CHECK(h.Run({"LPOP", "l", "0"}) == kEmptyArray);
  CHECK(h.Run({"LLEN", "l"}) == Int(1));
  CHECK(h.Run({"RPOP", "l", "10"}) == Arr({"c"}));  // more than there is: all of it
  CHECK(h.Run({"EXISTS", "l"}) == Int(0));
  // A missing key is a null array, even for COUNT 0.
  CHECK(h.Run({"LPOP", "l", "3"}) == kNullArray);
  CHECK(h.Run({"LPOP", "l", "0"}) == kNullArray);
  CHECK(h.server.stats.dirty == 5 + 2 + 2 + 1);
}

TEST_CASE("LPOP COUNT must be a non-negative integer; more than one extra argument is arity") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"LPOP", "l", "-1"}) == kMustBePositive);
  CHECK(h.Run({"RPOP", "l", "abc"}) == kMustBePositive);  // Redis uses one message for both
  CHECK(h.Run({"RPOP", "missing", "-1"}) == kMustBePositive);  // parsed before the lookup
  CHECK(h.Run({"LPOP", "l", "1", "2"}) ==
        "-ERR wrong number of arguments for 'lpop' command\r\n");
  CHECK(h.Run({"LPOP"}) == "-ERR wrong number of arguments for 'lpop' command\r\n");
  CHECK(Range(h, "l") == Arr({"a"}));
}

TEST_CASE("pops in RESP3 use the null type for both missing forms") {
  Harness h;
  h.client.resp = 3;
  CHECK(h.Run({"LPOP", "l"}) == "_\r\n");
  CHECK(h.Run({"RPOP", "l", "2"}) == "_\r\n");
  CHECK(h.Run({"LMPOP", "1", "l", "LEFT"}) == "_\r\n");
  CHECK(h.Run({"RPUSH", "l", "a", "b"}) == Int(2));
  CHECK(h.Run({"LPOP", "l", "0"}) == kEmptyArray);
  CHECK(h.Run({"RPOP", "l", "5"}) == Arr({"b", "a"}));
}

TEST_CASE("LMPOP pops from the first non-empty list and names it") {
  Harness h;
  CHECK(h.Run({"LMPOP", "2", "a", "b", "LEFT"}) == kNullArray);
  CHECK(h.Run({"RPUSH", "b", "1", "2", "3"}) == Int(3));
  CHECK(h.Run({"RPUSH", "c", "x"}) == Int(1));
  CHECK(h.Run({"LMPOP", "3", "a", "b", "c", "LEFT"}) == "*2\r\n" + Bulk("b") + Arr({"1"}));
  CHECK(h.Run({"LMPOP", "3", "a", "b", "c", "right", "COUNT", "5"}) ==
        "*2\r\n" + Bulk("b") + Arr({"3", "2"}));
  CHECK(h.Run({"EXISTS", "b"}) == Int(0));
  CHECK(h.Run({"LMPOP", "3", "a", "b", "c", "LEFT", "count", "1"}) ==
        "*2\r\n" + Bulk("c") + Arr({"x"}));
  CHECK(h.Run({"LMPOP", "1", "c", "LEFT"}) == kNullArray);
  h.client.resp = 3;
  CHECK(h.Run({"RPUSH", "d", "v"}) == Int(1));
  CHECK(h.Run({"LMPOP", "1", "d", "LEFT"}) == "*2\r\n" + Bulk("d") + Arr({"v"}));
}

TEST_CASE("LMPOP stops at the first list with elements: a later wrong type is not seen") {
  Harness h;
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"LMPOP", "2", "l", "s", "LEFT"}) == "*2\r\n" + Bulk("l") + Arr({"a"}));
  CHECK(h.Run({"LMPOP", "2", "l", "s", "LEFT"}) == kWrongType);  // l is gone now
}

TEST_CASE("LMPOP argument errors") {
  Harness h;
  const std::string numkeys = "-ERR numkeys should be greater than 0\r\n";
  const std::string count = "-ERR count should be greater than 0\r\n";
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"LMPOP", "0", "l", "LEFT"}) == numkeys);
  CHECK(h.Run({"LMPOP", "-1", "l", "LEFT"}) == numkeys);
  CHECK(h.Run({"LMPOP", "abc", "l", "LEFT"}) == numkeys);
  CHECK(h.Run({"LMPOP", "2", "l", "LEFT"}) == kSyntax);  // LEFT taken as a key: no direction
  CHECK(h.Run({"LMPOP", "9223372036854775807", "l", "LEFT"}) == kSyntax);
  CHECK(h.Run({"LMPOP", "1", "l", "MIDDLE"}) == kSyntax);
  CHECK(h.Run({"LMPOP", "1", "l", "LEFT", "COUNT"}) == kSyntax);
  CHECK(h.Run({"LMPOP", "1", "l", "LEFT", "COUNT", "0"}) == count);
  CHECK(h.Run({"LMPOP", "1", "l", "LEFT", "COUNT", "-2"}) == count);
  CHECK(h.Run({"LMPOP", "1", "l", "LEFT", "COUNT", "x"}) == count);
  CHECK(h.Run({"LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "1"}) == kSyntax);
  CHECK(h.Run({"LMPOP", "1", "l", "LEFT", "EXTRA"}) == kSyntax);
  CHECK(h.Run({"LMPOP", "1", "l"}) == "-ERR wrong number of arguments for 'lmpop' command\r\n");
  CHECK(Range(h, "l") == Arr({"a"}));
  CHECK(h.server.stats.dirty == 1);
}

TEST_CASE("a push onto an expired list starts a new, persistent list") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "old"}) == Int(1));
  CHECK(h.Run({"PEXPIRE", "l", "100"}) == Int(1));
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(2));
  CHECK(h.Run({"PTTL", "l"}) == Int(100));  // pushes keep the TTL
  h.clock.Advance(101);
  CHECK(h.Run({"LPOP", "l"}) == kNil);
  CHECK(h.Run({"LPUSHX", "l", "x"}) == Int(0));
  CHECK(h.Run({"LPUSH", "l", "new"}) == Int(1));
  CHECK(h.Run({"TTL", "l"}) == Int(-1));
  CHECK(Range(h, "l") == Arr({"new"}));
}

TEST_CASE("large elements and many elements survive pushes and pops at both ends") {
  Harness h;
  const std::string big(10'000, 'x');  // larger than a chunk: a chunk of its own
  std::vector<std::string> expected;
  for (int i = 0; i < 3000; ++i) {
    const std::string v = i % 500 == 0 ? big + std::to_string(i) : "e" + std::to_string(i);
    CHECK(h.Run({"RPUSH", "l", v}) == Int(i + 1));
    expected.push_back(v);
  }
  CHECK(Range(h, "l") == Arr(expected));
  CHECK(h.Run({"LPOP", "l", "1001"}) ==
        Arr(std::vector<std::string>(expected.begin(), expected.begin() + 1001)));
  std::vector<std::string> tail(expected.rbegin(), expected.rbegin() + 999);
  CHECK(h.Run({"RPOP", "l", "999"}) == Arr(tail));
  CHECK(h.Run({"LLEN", "l"}) == Int(1000));
  CHECK(Range(h, "l") == Arr(std::vector<std::string>(expected.begin() + 1001,
                                                      expected.begin() + 2001)));
}

// What OBJECT ENCODING reports for key, read from the record itself.
std::string Encoding(Harness& h, std::string_view key) {
  const Record* r = h.store.Db(0).Find(key, h.clock.NowMs());
  REQUIRE(r != nullptr);
  return std::string(ObjectEncodingName(*r));
}

TEST_CASE("a list is a listpack until it outgrows 8 KB, and again once trimmed to half") {
  Harness h;
  const std::string e(100, 'e');
  for (int i = 1; i <= 79; ++i) CHECK(h.Run({"RPUSH", "l", e}) == Int(i));
  CHECK(Encoding(h, "l") == "listpack");
  CHECK(h.Run({"RPUSH", "l", e}) == Int(80));  // 80 x 103 bytes passes 8192
  CHECK(Encoding(h, "l") == "quicklist");
  CHECK(h.Run({"RPOP", "l"}) == Bulk(e));
  CHECK(Encoding(h, "l") == "quicklist");  // shrinking needs half the limit
  CHECK(h.Run({"LTRIM", "l", "0", "9"}) == kOk);
  CHECK(Encoding(h, "l") == "listpack");
  CHECK(h.Run({"LPUSH", "l", std::string(9000, 'b')}) == Int(11));  // one element too big
  CHECK(Encoding(h, "l") == "quicklist");
  CHECK(h.Run({"LPOP", "l"}) == Bulk(std::string(9000, 'b')));
  CHECK(Encoding(h, "l") == "listpack");
  CHECK(h.Run({"LRANGE", "l", "0", "-1"}) == Arr(std::vector<std::string>(10, e)));
}

}  // namespace
}  // namespace kvd::testing
