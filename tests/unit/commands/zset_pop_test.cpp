// ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER and ZSCAN. Expected replies were recorded from
// redis-server; the random and large-set cases at the end check properties instead.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"
#include "unit/commands/zset_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("ZPOPMIN and ZPOPMAX pop from either end") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a 2 b 3 c 4 d") == ":4\r\n");
  CHECK(Run(h, "ZPOPMIN z") == "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZPOPMAX z") == "*2\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(Run(h, "ZPOPMIN z 0") == "*0\r\n");
  CHECK(Run(h, "ZPOPMAX z 10") == "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(Run(h, "EXISTS z") == ":0\r\n");
  CHECK(Run(h, "ZPOPMIN z") == "*0\r\n");
  CHECK(Run(h, "ZPOPMIN z 2") == "*0\r\n");
  CHECK(Run(h, "ZADD z 1 a 2 b 3 c") == ":3\r\n");
  CHECK(Run(h, "ZPOPMIN z 2") == "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(Run(h, "ZPOPMIN z -1") == "-ERR value is out of range, must be positive\r\n");
  CHECK(Run(h, "ZPOPMIN z x") == "-ERR value is out of range, must be positive\r\n");
  CHECK(Run(h, "ZPOPMIN z 1 2") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZCARD z") == ":1\r\n");
  CHECK(Run(h, "SET s v") == "+OK\r\n");
  CHECK(Run(h, "ZPOPMIN s") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZPOPMAX s 0") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST_CASE("ZPOPMIN and ZPOPMAX in RESP3: a flat pair, or pairs with COUNT") {
  Harness h;
  h.client.resp = 3;
  CHECK(Run(h, "ZADD z 1 a 2 b 3 c 4.5 d") == ":4\r\n");
  CHECK(Run(h, "ZPOPMIN z") == "*2\r\n$1\r\na\r\n,1\r\n");
  CHECK(Run(h, "ZPOPMAX z") == "*2\r\n$1\r\nd\r\n,4.5\r\n");
  CHECK(Run(h, "ZPOPMIN z 1") == "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  CHECK(Run(h, "ZPOPMAX z 5") == "*1\r\n*2\r\n$1\r\nc\r\n,3\r\n");
  CHECK(Run(h, "ZPOPMIN z") == "*0\r\n");
  CHECK(Run(h, "ZPOPMIN z 3") == "*0\r\n");
}

TEST_CASE("ZMPOP pops from the first non-empty key") {
  Harness h;
  CHECK(Run(h, "ZADD b 1 x 2 y 3 z") == ":3\r\n");
  CHECK(Run(h, "ZMPOP 2 a b MIN") == "*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZMPOP 2 a b MAX COUNT 5") ==
        "*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$1\r\nz\r\n$1\r\n3\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n");
  CHECK(Run(h, "EXISTS b") == ":0\r\n");
  CHECK(Run(h, "ZMPOP 2 a b MIN") == "*-1\r\n");
  CHECK(Run(h, "ZADD a 5 p") == ":1\r\n");
  CHECK(Run(h, "ZMPOP 1 a min count 1") == "*2\r\n$1\r\na\r\n*1\r\n*2\r\n$1\r\np\r\n$1\r\n5\r\n");
  CHECK(Run(h, "ZMPOP 0 a MIN") == "-ERR numkeys should be greater than 0\r\n");
  CHECK(Run(h, "ZMPOP x a MIN") == "-ERR numkeys should be greater than 0\r\n");
  CHECK(Run(h, "ZMPOP 1 a MIN COUNT 0") == "-ERR count should be greater than 0\r\n");
  CHECK(Run(h, "ZMPOP 1 a MIN COUNT x") == "-ERR count should be greater than 0\r\n");
  CHECK(Run(h, "ZMPOP 1 a MIN COUNT 1 COUNT 1") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZMPOP 1 a FOO") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZMPOP 2 a MIN") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZMPOP 1 a b") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZMPOP 5 a MIN") == "-ERR syntax error\r\n");
  CHECK(Run(h, "SET s v") == "+OK\r\n");
  CHECK(Run(h, "ZMPOP 2 s a MIN") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZADD a 1 q") == ":1\r\n");
  CHECK(Run(h, "ZMPOP 2 a s MIN") == "*2\r\n$1\r\na\r\n*1\r\n*2\r\n$1\r\nq\r\n$1\r\n1\r\n");
}

TEST_CASE("ZMPOP in RESP3") {
  Harness h;
  h.client.resp = 3;
  CHECK(Run(h, "ZADD a 1 x 2.5 y") == ":2\r\n");
  CHECK(Run(h, "ZMPOP 1 a MAX") == "*2\r\n$1\r\na\r\n*1\r\n*2\r\n$1\r\ny\r\n,2.5\r\n");
  CHECK(Run(h, "ZMPOP 1 a MAX COUNT 3") == "*2\r\n$1\r\na\r\n*1\r\n*2\r\n$1\r\nx\r\n,1\r\n");
  CHECK(Run(h, "ZMPOP 1 a MAX") == "_\r\n");
}

TEST_CASE("ZRANDMEMBER argument checks and empty answers") {
  Harness h;
  CHECK(Run(h, "ZRANDMEMBER nokey") == "$-1\r\n");
  CHECK(Run(h, "ZRANDMEMBER nokey 3") == "*0\r\n");
  CHECK(Run(h, "ZRANDMEMBER nokey -3 WITHSCORES") == "*0\r\n");
  CHECK(Run(h, "ZADD z 1 a") == ":1\r\n");
  CHECK(Run(h, "ZRANDMEMBER z") == "$1\r\na\r\n");
  CHECK(Run(h, "ZRANDMEMBER z 0") == "*0\r\n");
  CHECK(Run(h, "ZRANDMEMBER z 1 WITHSCORES") == "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZRANDMEMBER z -3") == "*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n");
  CHECK(Run(h, "ZRANDMEMBER z -2 WITHSCORES") ==
        "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZRANDMEMBER z 5 WITHSCORES") == "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZRANDMEMBER z x") == "-ERR value is not an integer or out of range\r\n");
  CHECK(Run(h, "ZRANDMEMBER z 1 foo") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZRANDMEMBER z 1 WITHSCORES x") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZRANDMEMBER z -9223372036854775808") ==
        "-ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807\r\n");
  CHECK(Run(h, "ZRANDMEMBER z 9223372036854775807 WITHSCORES") == "-ERR value is out of range\r\n");
  CHECK(Run(h, "SET s v") == "+OK\r\n");
  CHECK(Run(h, "ZRANDMEMBER s") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZRANDMEMBER s 2") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST_CASE("ZRANDMEMBER WITHSCORES replies pairs in RESP3") {
  Harness h;
  h.client.resp = 3;
  CHECK(Run(h, "ZADD z 1.5 a") == ":1\r\n");
  CHECK(Run(h, "ZRANDMEMBER z -2 WITHSCORES") ==
        "*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\na\r\n,1.5\r\n");
  CHECK(Run(h, "ZRANDMEMBER z 1") == "*1\r\n$1\r\na\r\n");
  CHECK(Run(h, "ZRANDMEMBER nokey") == "_\r\n");
}

TEST_CASE("ZSCAN returns a compact set whole, scores as strings") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a 2.5 b 3 c") == ":3\r\n");
  CHECK(Run(h, "ZSCAN z 0") ==
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n$1\r\nc\r\n$1\r\n"
        "3\r\n");
  CHECK(Run(h, "ZSCAN z 0 MATCH b*") == "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$3\r\n2.5\r\n");
  CHECK(Run(h, "ZSCAN z 0 COUNT 1") ==
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n$1\r\nc\r\n$1\r\n"
        "3\r\n");
  CHECK(Run(h, "ZSCAN nokey 0") == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(Run(h, "ZSCAN z x") == "-ERR invalid cursor\r\n");
  CHECK(Run(h, "ZSCAN z 0 COUNT 0") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZSCAN z 0 COUNT x") == "-ERR value is not an integer or out of range\r\n");
  CHECK(Run(h, "ZSCAN z 0 NOVALUES") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZSCAN z 0 MATCH") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZSCAN nokey 0 FOO") == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(Run(h, "SET s v") == "+OK\r\n");
  CHECK(Run(h, "ZSCAN s 0") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZSCAN s 0 FOO") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST_CASE("ZSCAN keeps scores as bulk strings in RESP3") {
  Harness h;
  h.client.resp = 3;
  CHECK(Run(h, "ZADD z 1 a 2.5 b") == ":2\r\n");
  CHECK(Run(h, "ZSCAN z 0") ==
        "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n");
}

// A listpack keeps a score as the text it was written as; Redis formats a skiplist's scores
// with "%.17Lg" (recorded from redis-server 7.0 and the 7.2 source).
TEST_CASE("ZSCAN of a skiplist-encoded set formats scores with 17 digits, as Redis") {
  Harness h;
  CHECK(Run(h, "ZADD z 0.1 a 1 b 2.5 c -inf d 1e20 e") == ":5\r\n");
  CHECK(Run(h, "ZSCAN z 0 MATCH a") == "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$3\r\n0.1\r\n");
  CHECK(Run(h, "CONFIG SET zset-max-listpack-entries 0") == "+OK\r\n");
  CHECK(Run(h, "ZADD z 0.1 a 1 b 2.5 c -inf d 1e20 e 3 f") == ":1\r\n");
  CHECK(Run(h, "OBJECT ENCODING z") == "$8\r\nskiplist\r\n");
  std::map<std::string, std::string> scores;
  const RespValue reply = *RespReader::ParseOne(Run(h, "ZSCAN z 0 COUNT 100"));
  REQUIRE(reply.elems.size() == 2);
  for (size_t i = 0; i + 1 < reply.elems[1].elems.size(); i += 2) {
    scores[reply.elems[1].elems[i].str] = reply.elems[1].elems[i + 1].str;
  }
  CHECK(scores == std::map<std::string, std::string>{{"a", "0.10000000000000001"},
                                                     {"b", "1"},
                                                     {"c", "2.5"},
                                                     {"d", "-inf"},
                                                     {"e", "1e+20"},
                                                     {"f", "3"}});
}

TEST_CASE("ZRANDMEMBER picks distinct members for a positive count, any for a negative one") {
  Harness h;
  for (int n : {5, 300}) {  // listpack and skiplist
    CAPTURE(n);
    Run(h, "DEL z");
    Fill(h, "z", n, "m");
    for (int count : {1, 2, 4, n - 1, n, n + 10}) {
      CAPTURE(count);
      std::optional<RespValue> v =
          RespReader::ParseOne(Run(h, "ZRANDMEMBER z " + std::to_string(count) + " WITHSCORES"));
      REQUIRE(v);
      const size_t want = static_cast<size_t>(std::min(count, n));
      REQUIRE(v->elems.size() == want * 2);
      std::set<std::string> members;
      for (size_t i = 0; i < v->elems.size(); i += 2) {
        const std::string& m = v->elems[i].str;
        members.insert(m);
        // Fill gives m<i> the score i.
        CHECK(v->elems[i + 1].str == std::to_string(std::stoi(m.substr(1))));
      }
      CHECK(members.size() == want);
    }
    std::optional<RespValue> v = RespReader::ParseOne(Run(h, "ZRANDMEMBER z -1000"));
    REQUIRE(v);
    CHECK(v->elems.size() == 1000);
    for (const RespValue& e : v->elems) CHECK(e.str.size() == 4);
    std::optional<RespValue> one = RespReader::ParseOne(Run(h, "ZRANDMEMBER z"));
    REQUIRE(one);
    CHECK(one->type == '$');
    CHECK(one->str[0] == 'm');
  }
}

TEST_CASE("ZSCAN walks a skiplist set with a cursor and sees every member once") {
  Harness h;
  Fill(h, "z", 500, "m");
  CHECK(Run(h, "OBJECT ENCODING z") == "$8\r\nskiplist\r\n");
  std::map<std::string, std::string> seen;
  std::string cursor = "0";
  size_t calls = 0;
  do {
    std::optional<RespValue> v = RespReader::ParseOne(Run(h, "ZSCAN z " + cursor + " COUNT 20"));
    REQUIRE(v);
    REQUIRE(v->elems.size() == 2);
    cursor = v->elems[0].str;
    const auto& items = v->elems[1].elems;
    REQUIRE(items.size() % 2 == 0);
    for (size_t i = 0; i < items.size(); i += 2) seen[items[i].str] = items[i + 1].str;
    REQUIRE(++calls < 10'000);
  } while (cursor != "0");
  CHECK(calls > 1);
  REQUIRE(seen.size() == 500);
  CHECK(seen["m000"] == "0");
  CHECK(seen["m499"] == "499");
  // MATCH filters members, keeping each with its score.
  std::map<std::string, std::string> matched;
  cursor = "0";
  do {
    std::optional<RespValue> v = RespReader::ParseOne(Run(h, "ZSCAN z " + cursor + " MATCH m49?"));
    REQUIRE(v);
    cursor = v->elems[0].str;
    const auto& items = v->elems[1].elems;
    for (size_t i = 0; i < items.size(); i += 2) matched[items[i].str] = items[i + 1].str;
  } while (cursor != "0");
  CHECK(matched.size() == 10);
  CHECK(matched["m493"] == "493");
}

TEST_CASE("ZPOPMIN and ZPOPMAX on a skiplist set pop in order") {
  Harness h;
  Fill(h, "z", 300, "m");
  CHECK(Run(h, "ZPOPMIN z 2") ==
        "*4\r\n$4\r\nm000\r\n$1\r\n0\r\n$4\r\nm001\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZPOPMAX z") == "*2\r\n$4\r\nm299\r\n$3\r\n299\r\n");
  CHECK(Run(h, "ZCARD z") == ":297\r\n");
  CHECK(Run(h, "ZRANGE z 0 0") == "*1\r\n$4\r\nm002\r\n");
  const std::string popped = Run(h, "ZMPOP 1 z MAX COUNT 1000");
  CHECK(popped.rfind("*2\r\n$1\r\nz\r\n*297\r\n*2\r\n$4\r\nm298\r\n", 0) == 0);
  CHECK(Run(h, "EXISTS z") == ":0\r\n");
}

}  // namespace
}  // namespace kvd::testing
