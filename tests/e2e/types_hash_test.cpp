// Hash commands over TCP: every command with its options, errors (arity, syntax, WRONGTYPE,
// bad numbers) and the key disappearing with its last field. The expectations are Redis's:
// run with KVD_E2E_SERVER=/usr/bin/redis-server to check them.
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"
#include "e2e/types_test_util.h"

namespace kvd::e2e {
namespace {

TEST_CASE("hash: HSET HGET HMGET HMSET HSETNX HDEL HEXISTS HLEN HSTRLEN") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"HSET", "h", "f1", "v1", "f2", "v2"}) == Int(2));
  CHECK(c.Call({"HSET", "h", "f1", "new", "f3", "v3"}) == Int(1));  // counts new fields only
  CHECK(c.Call({"HGET", "h", "f1"}) == Bulk("new"));
  CHECK(c.Call({"HGET", "h", "nope"}) == kNil);
  CHECK(c.Call({"HGET", "missing", "f"}) == kNil);
  CHECK(c.Call({"HMGET", "h", "f1", "nope", "f2"}) == Arr({Bulk("new"), kNil, Bulk("v2")}));
  CHECK(c.Call({"HMGET", "missing", "a", "b"}) == Arr({kNil, kNil}));
  CHECK(c.Call({"HMSET", "h", "a", "1", "b", "2"}) == kOk);
  CHECK(c.Call({"HSETNX", "h", "a", "9"}) == Int(0));
  CHECK(c.Call({"HSETNX", "h", "c", "3"}) == Int(1));
  CHECK(c.Call({"HSETNX", "fresh", "c", "3"}) == Int(1));
  CHECK(c.Call({"HGET", "h", "a"}) == Bulk("1"));
  CHECK(c.Call({"HLEN", "h"}) == Int(6));
  CHECK(c.Call({"HLEN", "missing"}) == Int(0));
  CHECK(c.Call({"HEXISTS", "h", "b"}) == Int(1));
  CHECK(c.Call({"HEXISTS", "h", "zz"}) == Int(0));
  CHECK(c.Call({"HEXISTS", "missing", "b"}) == Int(0));
  CHECK(c.Call({"HSTRLEN", "h", "f1"}) == Int(3));
  CHECK(c.Call({"HSTRLEN", "h", "nope"}) == Int(0));
  CHECK(c.Call({"HSTRLEN", "missing", "f"}) == Int(0));
  CHECK(c.Call({"HDEL", "h", "a", "nope", "b", "a"}) == Int(2));
  CHECK(c.Call({"HDEL", "missing", "a"}) == Int(0));
  // Binary-safe fields and values; an empty value is a value.
  CHECK(c.Call({"HSET", "h", std::string("\0f", 2), "", "e", std::string("\r\n", 2)}) == Int(2));
  CHECK(c.Call({"HGET", "h", std::string("\0f", 2)}) == Bulk(""));
  CHECK(c.Call({"HGET", "h", "e"}) == Bulk("\r\n"));

  // Arity: HSET/HMSET need field/value pairs.
  CHECK(c.Call({"HSET", "h", "f"}) == ArityErr("hset"));
  CHECK(c.Call({"HSET", "h", "f", "v", "g"}) == ArityErr("hset"));
  CHECK(c.Call({"HMSET", "h", "f", "v", "g"}) == ArityErr("hmset"));
  CHECK(c.Call({"HGET", "h"}) == ArityErr("hget"));
  CHECK(c.Call({"HMGET", "h"}) == ArityErr("hmget"));
  CHECK(c.Call({"HSETNX", "h", "f"}) == ArityErr("hsetnx"));
  CHECK(c.Call({"HDEL", "h"}) == ArityErr("hdel"));
  CHECK(c.Call({"HLEN"}) == ArityErr("hlen"));
  CHECK(c.Call({"HEXISTS", "h"}) == ArityErr("hexists"));
  CHECK(c.Call({"HSTRLEN", "h", "f", "g"}) == ArityErr("hstrlen"));
}

TEST_CASE("hash: HKEYS HVALS HGETALL, small and large; the last HDEL deletes the key") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"HSET", "h", "a", "1", "b", "2", "c", "3"}) == Int(3));
  CHECK(Sorted(c.Exec({"HKEYS", "h"})) == std::vector<std::string>{"a", "b", "c"});
  CHECK(Sorted(c.Exec({"HVALS", "h"})) == std::vector<std::string>{"1", "2", "3"});
  Reply all = c.Exec({"HGETALL", "h"});
  REQUIRE(all.elements.size() == 6);
  for (size_t i = 0; i < 6; i += 2) {
    CHECK(c.Call({"HGET", "h", all.elements[i].str}) == Bulk(all.elements[i + 1].str));
  }
  CHECK(c.Call({"HKEYS", "missing"}) == "*0\r\n");
  CHECK(c.Call({"HVALS", "missing"}) == "*0\r\n");
  CHECK(c.Call({"HGETALL", "missing"}) == "*0\r\n");
  // RESP3: HGETALL is a map.
  CHECK(c.Exec({"HELLO", "3"}).type == '%');
  CHECK(c.Call({"HGETALL", "missing"}) == "%0\r\n");
  CHECK(c.Exec({"HGETALL", "h"}).type == '%');
  CHECK(c.Exec({"HELLO", "2"}).type == '*');

  // A large hash (past the compact encoding) answers the same way.
  std::vector<std::string> pairs;
  for (int i = 0; i < 1000; ++i) {
    pairs.push_back("field" + std::to_string(i));
    pairs.push_back("value" + std::to_string(i));
  }
  CHECK(c.Call(With({"HSET", "big"}, pairs)) == Int(1000));
  CHECK(c.Call({"HLEN", "big"}) == Int(1000));
  CHECK(c.Call({"HGET", "big", "field999"}) == Bulk("value999"));
  CHECK(Sorted(c.Exec({"HKEYS", "big"})) == Sorted(Numbered("field", 1000)));
  CHECK(Sorted(c.Exec({"HVALS", "big"})) == Sorted(Numbered("value", 1000)));
  CHECK(c.Exec({"HGETALL", "big"}).elements.size() == 2000);
  CHECK(c.Call({"OBJECT", "ENCODING", "big"}) == Bulk("hashtable"));
  CHECK(c.Call({"OBJECT", "ENCODING", "h"}) == Bulk("listpack"));
  // A long value converts a small hash too.
  CHECK(c.Call({"HSET", "h", "long", std::string(65, 'x')}) == Int(1));
  CHECK(c.Call({"OBJECT", "ENCODING", "h"}) == Bulk("hashtable"));

  CHECK(c.Call({"HDEL", "h", "a", "b", "c", "long"}) == Int(4));
  CHECK(c.Call({"EXISTS", "h"}) == Int(0));
  CHECK(c.Call({"TYPE", "big"}) == "+hash\r\n");
}

TEST_CASE("hash: HINCRBY and HINCRBYFLOAT") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"HINCRBY", "h", "n", "5"}) == Int(5));
  CHECK(c.Call({"HINCRBY", "h", "n", "-7"}) == Int(-2));
  CHECK(c.Call({"HINCRBY", "h", "n", "abc"}) == kNotIntErr);
  CHECK(c.Call({"HINCRBY", "h", "n", "1.5"}) == kNotIntErr);
  CHECK(c.Call({"HSET", "h", "s", "hello", "big", "9223372036854775807", "sp", " 1"}) == Int(3));
  CHECK(c.Call({"HINCRBY", "h", "s", "1"}) == Err("ERR hash value is not an integer"));
  CHECK(c.Call({"HINCRBY", "h", "sp", "1"}) == Err("ERR hash value is not an integer"));
  CHECK(c.Call({"HINCRBY", "h", "big", "1"}) ==
        Err("ERR increment or decrement would overflow"));
  CHECK(c.Call({"HGET", "h", "big"}) == Bulk("9223372036854775807"));

  CHECK(c.Call({"HINCRBYFLOAT", "h", "f", "1.5"}) == Bulk("1.5"));
  CHECK(c.Call({"HINCRBYFLOAT", "h", "f", "10.5"}) == Bulk("12"));
  CHECK(c.Call({"HINCRBYFLOAT", "h", "f", "-0.25"}) == Bulk("11.75"));
  CHECK(c.Call({"HINCRBYFLOAT", "h", "f", "5e2"}) == Bulk("511.75"));
  CHECK(c.Call({"HINCRBYFLOAT", "h", "n", "0.5"}) == Bulk("-1.5"));  // an integer field
  CHECK(c.Call({"HINCRBYFLOAT", "h", "s", "1"}) == Err("ERR hash value is not a float"));
  CHECK(c.Call({"HINCRBYFLOAT", "h", "f", "abc"}) == Err("ERR value is not a valid float"));
  CHECK(c.Call({"HINCRBYFLOAT", "h", "f", "inf"}) == Err("ERR value is NaN or Infinity"));
  CHECK(c.Call({"HGET", "h", "f"}) == Bulk("511.75"));

  CHECK(c.Call({"SET", "str", "1"}) == kOk);
  CHECK(c.Call({"HINCRBY", "str", "f", "1"}) == kWrongType);
  CHECK(c.Call({"HINCRBYFLOAT", "str", "f", "1"}) == kWrongType);
  CHECK(c.Call({"HINCRBY", "h", "n"}) == ArityErr("hincrby"));
  CHECK(c.Call({"HINCRBYFLOAT", "h", "n", "1", "2"}) == ArityErr("hincrbyfloat"));
}

TEST_CASE("hash: HRANDFIELD with COUNT and WITHVALUES") {
  ServerProcess server;
  RawClient c(server.port());
  const std::vector<std::string> fields = {"a", "b", "c", "d", "e"};
  CHECK(c.Call({"HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5"}) == Int(5));
  CHECK(c.Call({"HRANDFIELD", "missing"}) == kNil);
  CHECK(c.Call({"HRANDFIELD", "missing", "3"}) == "*0\r\n");
  CHECK(c.Call({"HRANDFIELD", "missing", "3", "WITHVALUES"}) == "*0\r\n");
  Reply one = c.Exec({"HRANDFIELD", "h"});
  CHECK(one.type == '$');
  CHECK(std::find(fields.begin(), fields.end(), one.str) != fields.end());
  CHECK(c.Call({"HRANDFIELD", "h", "0"}) == "*0\r\n");

  // A positive count: distinct fields, at most all of them.
  Reply three = c.Exec({"HRANDFIELD", "h", "3"});
  CHECK(three.elements.size() == 3);
  CHECK(AllIn(three, fields));
  const std::vector<std::string> three_fields = Texts(three);
  CHECK(std::set<std::string>(three_fields.begin(), three_fields.end()).size() == 3);
  CHECK(Sorted(c.Exec({"HRANDFIELD", "h", "10"})) == fields);
  // A negative count: exactly that many, repeats allowed.
  Reply many = c.Exec({"HRANDFIELD", "h", "-20"});
  CHECK(many.elements.size() == 20);
  CHECK(AllIn(many, fields));
  // WITHVALUES: field, value pairs that belong together.
  Reply pairs = c.Exec({"HRANDFIELD", "h", "-6", "WITHVALUES"});
  REQUIRE(pairs.elements.size() == 12);
  for (size_t i = 0; i < pairs.elements.size(); i += 2) {
    CHECK(c.Call({"HGET", "h", pairs.elements[i].str}) == Bulk(pairs.elements[i + 1].str));
  }
  CHECK(c.Exec({"HRANDFIELD", "h", "2", "withvalues"}).elements.size() == 4);

  CHECK(c.Call({"HRANDFIELD", "h", "abc"}) == kNotIntErr);
  CHECK(c.Call({"HRANDFIELD", "h", "1", "VALUES"}) == kSyntaxErr);
  CHECK(c.Call({"HRANDFIELD", "h", "1", "WITHVALUES", "x"}) == kSyntaxErr);
  CHECK(c.Call({"HRANDFIELD", "h", "-9223372036854775808", "WITHVALUES"}) ==
        Err("ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807"));
  CHECK(c.Call({"SET", "str", "1"}) == kOk);
  CHECK(c.Call({"HRANDFIELD", "str"}) == kWrongType);
  CHECK(c.Call({"HRANDFIELD"}) == ArityErr("hrandfield"));
}

TEST_CASE("hash: HSCAN with MATCH and COUNT visits every field") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"HSET", "small", "a1", "x", "a2", "y", "b1", "z"}) == Int(3));
  // A compact hash comes back whole in one call, cursor 0.
  Reply r = c.Exec({"HSCAN", "small", "0"});
  REQUIRE(r.elements.size() == 2);
  CHECK(r.elements[0].str == "0");
  CHECK(r.elements[1].elements.size() == 6);
  r = c.Exec({"HSCAN", "small", "0", "MATCH", "a*"});
  CHECK(Texts(r.elements[1]) == std::vector<std::string>{"a1", "x", "a2", "y"});
  CHECK(c.Call({"HSCAN", "missing", "0"}) == Arr({Bulk("0"), "*0\r\n"}));

  std::vector<std::string> pairs;
  for (int i = 0; i < 600; ++i) {  // past Redis's 512-entry listpack
    pairs.push_back("f" + std::to_string(i));
    pairs.push_back("v" + std::to_string(i));
  }
  CHECK(c.Call(With({"HSET", "big"}, pairs)) == Int(600));
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    Reply page = c.Exec({"HSCAN", "big", cursor, "COUNT", "20"});
    REQUIRE(page.elements.size() == 2);
    cursor = page.elements[0].str;
    const auto& items = page.elements[1].elements;
    REQUIRE(items.size() % 2 == 0);
    for (size_t i = 0; i < items.size(); i += 2) {
      CHECK(items[i + 1].str == "v" + items[i].str.substr(1));
      seen.insert(items[i].str);
    }
    ++calls;
  } while (cursor != "0" && calls < 1000);
  CHECK(seen.size() == 600);
  CHECK(calls > 1);

  CHECK(c.Call({"HSCAN", "big", "abc"}) == Err("ERR invalid cursor"));
  CHECK(c.Call({"HSCAN", "big", "0", "COUNT", "0"}) == kSyntaxErr);
  CHECK(c.Call({"HSCAN", "big", "0", "COUNT", "x"}) == kNotIntErr);
  CHECK(c.Call({"HSCAN", "big", "0", "MATCH"}) == kSyntaxErr);
  CHECK(c.Call({"HSCAN", "big", "0", "BOGUS", "1"}) == kSyntaxErr);
  CHECK(c.Call({"SET", "str", "1"}) == kOk);
  CHECK(c.Call({"HSCAN", "str", "0"}) == kWrongType);
  CHECK(c.Call({"HSCAN", "big"}) == ArityErr("hscan"));
}

TEST_CASE("hash: every command on a key of another type answers WRONGTYPE") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"RPUSH", "list", "x"}) == Int(1));
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"HSET", "list", "f", "v"},    {"HSETNX", "list", "f", "v"},
           {"HGET", "list", "f"},         {"HMGET", "list", "f"},
           {"HMSET", "list", "f", "v"},   {"HDEL", "list", "f"},
           {"HEXISTS", "list", "f"},      {"HLEN", "list"},
           {"HSTRLEN", "list", "f"},      {"HKEYS", "list"},
           {"HVALS", "list"},             {"HGETALL", "list"},
           {"HINCRBY", "list", "f", "1"}, {"HINCRBYFLOAT", "list", "f", "1"},
           {"HRANDFIELD", "list"},        {"HRANDFIELD", "list", "2", "WITHVALUES"},
           {"HSCAN", "list", "0"}}) {
    CAPTURE(cmd[0]);
    CHECK(c.Call(cmd) == kWrongType);
  }
  CHECK(c.Call({"LLEN", "list"}) == Int(1));  // untouched
}

}  // namespace
}  // namespace kvd::e2e
