// Set commands over TCP: every command with its options and errors, the algebra and its
// STORE forms, intset/listpack/hashtable members alike, the key disappearing when emptied.
// The expectations are Redis's: run with KVD_E2E_SERVER=/usr/bin/redis-server to check them.
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"
#include "e2e/types_test_util.h"

namespace kvd::e2e {
namespace {

using Strings = std::vector<std::string>;

Strings Members(RawClient& c, const std::string& key) {
  return Sorted(c.Exec({"SMEMBERS", key}));
}

TEST_CASE("set: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SADD", "s", "a", "b", "c", "a"}) == Int(3));
  CHECK(c.Call({"SADD", "s", "a", "d"}) == Int(1));
  CHECK(Members(c, "s") == Strings{"a", "b", "c", "d"});
  CHECK(c.Call({"SCARD", "s"}) == Int(4));
  CHECK(c.Call({"SCARD", "missing"}) == Int(0));
  CHECK(c.Call({"SISMEMBER", "s", "b"}) == Int(1));
  CHECK(c.Call({"SISMEMBER", "s", "z"}) == Int(0));
  CHECK(c.Call({"SISMEMBER", "missing", "z"}) == Int(0));
  CHECK(c.Call({"SMISMEMBER", "s", "b", "z", "d"}) == Arr({Int(1), Int(0), Int(1)}));
  CHECK(c.Call({"SMISMEMBER", "missing", "a"}) == Arr({Int(0)}));
  CHECK(c.Call({"SMEMBERS", "missing"}) == "*0\r\n");
  CHECK(c.Call({"SREM", "s", "a", "z", "a"}) == Int(1));
  CHECK(c.Call({"SREM", "missing", "a"}) == Int(0));
  CHECK(c.Call({"SREM", "s", "b", "c", "d"}) == Int(3));
  CHECK(c.Call({"EXISTS", "s"}) == Int(0));  // emptied: gone

  // Integers (an intset in Redis) and a mix.
  CHECK(c.Call({"SADD", "ints", "3", "1", "-2", "1"}) == Int(3));
  CHECK(c.Call({"SISMEMBER", "ints", "-2"}) == Int(1));
  CHECK(c.Call({"SISMEMBER", "ints", "01"}) == Int(0));  // not the integer 1's text
  CHECK(c.Call({"OBJECT", "ENCODING", "ints"}) == Bulk("intset"));
  CHECK(c.Call({"SADD", "ints", "x"}) == Int(1));
  CHECK(Members(c, "ints") == Strings{"-2", "1", "3", "x"});
  CHECK(c.Call({"OBJECT", "ENCODING", "ints"}) == Bulk(Expects72() ? "listpack" : "hashtable"));
  // RESP3: SMEMBERS is a set.
  CHECK(c.Exec({"HELLO", "3"}).type == '%');
  CHECK(c.Exec({"SMEMBERS", "ints"}).type == '~');
  CHECK(c.Exec({"HELLO", "2"}).type == '*');

  CHECK(c.Call({"SADD", "s"}) == ArityErr("sadd"));
  CHECK(c.Call({"SREM", "s"}) == ArityErr("srem"));
  CHECK(c.Call({"SISMEMBER", "s"}) == ArityErr("sismember"));
  CHECK(c.Call({"SMISMEMBER", "s"}) == ArityErr("smismember"));
  CHECK(c.Call({"SCARD"}) == ArityErr("scard"));
  CHECK(c.Call({"SMEMBERS"}) == ArityErr("smembers"));
}

TEST_CASE("set: SPOP and SRANDMEMBER, with counts") {
  ServerProcess server;
  RawClient c(server.port());
  const Strings all = {"a", "b", "c", "d", "e"};
  CHECK(c.Call({"SADD", "s", "a", "b", "c", "d", "e"}) == Int(5));
  Reply one = c.Exec({"SRANDMEMBER", "s"});
  CHECK(one.type == '$');
  CHECK(std::find(all.begin(), all.end(), one.str) != all.end());
  Reply three = c.Exec({"SRANDMEMBER", "s", "3"});
  const Strings three_members = Texts(three);
  CHECK(std::set<std::string>(three_members.begin(), three_members.end()).size() == 3);
  CHECK(AllIn(three, all));
  CHECK(Sorted(c.Exec({"SRANDMEMBER", "s", "50"})) == all);
  Reply repeats = c.Exec({"SRANDMEMBER", "s", "-12"});
  CHECK(repeats.elements.size() == 12);
  CHECK(AllIn(repeats, all));
  CHECK(c.Call({"SRANDMEMBER", "s", "0"}) == "*0\r\n");
  CHECK(c.Call({"SRANDMEMBER", "missing"}) == kNil);
  CHECK(c.Call({"SRANDMEMBER", "missing", "3"}) == "*0\r\n");
  CHECK(c.Call({"SRANDMEMBER", "s", "x"}) == kNotIntErr);
  CHECK(c.Call({"SRANDMEMBER", "s", "1", "2"}) == kSyntaxErr);
  CHECK(c.Call({"SCARD", "s"}) == Int(5));  // SRANDMEMBER removes nothing

  Reply popped = c.Exec({"SPOP", "s"});
  CHECK(popped.type == '$');
  CHECK(c.Call({"SISMEMBER", "s", popped.str}) == Int(0));
  CHECK(c.Call({"SPOP", "s", "0"}) == "*0\r\n");
  Reply two = c.Exec({"SPOP", "s", "2"});
  CHECK(two.elements.size() == 2);
  CHECK(c.Call({"SCARD", "s"}) == Int(2));
  CHECK(c.Exec({"SPOP", "s", "10"}).elements.size() == 2);
  CHECK(c.Call({"EXISTS", "s"}) == Int(0));
  CHECK(c.Call({"SPOP", "missing"}) == kNil);
  CHECK(c.Call({"SPOP", "missing", "2"}) == "*0\r\n");
  CHECK(c.Call({"SADD", "s", "x"}) == Int(1));
  CHECK(c.Call({"SPOP", "s", "-1"}) == Err("ERR value is out of range, must be positive"));
  CHECK(c.Call({"SPOP", "s", "1", "2"}) == kSyntaxErr);
  CHECK(c.Call({"SPOP"}) == ArityErr("spop"));

  // A large set: distinct pops until it is empty.
  CHECK(c.Call(With({"SADD", "big"}, Numbered("m", 1000))) == Int(1000));
  std::set<std::string> seen;
  for (int i = 0; i < 10; ++i) {
    for (const std::string& m : Texts(c.Exec({"SPOP", "big", "100"}))) seen.insert(m);
  }
  CHECK(seen.size() == 1000);
  CHECK(c.Call({"EXISTS", "big"}) == Int(0));
}

TEST_CASE("set: SMOVE") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SADD", "src", "a", "b"}) == Int(2));
  CHECK(c.Call({"SMOVE", "src", "dst", "a"}) == Int(1));
  CHECK(c.Call({"SMOVE", "src", "dst", "z"}) == Int(0));
  CHECK(c.Call({"SMOVE", "missing", "dst", "a"}) == Int(0));
  CHECK(c.Call({"SMOVE", "src", "src", "b"}) == Int(1));  // onto itself: no change
  CHECK(Members(c, "src") == Strings{"b"});
  CHECK(c.Call({"SADD", "dst", "b"}) == Int(1));
  CHECK(c.Call({"SMOVE", "src", "dst", "b"}) == Int(1));  // already there: removed from src
  CHECK(c.Call({"EXISTS", "src"}) == Int(0));
  CHECK(Members(c, "dst") == Strings{"a", "b"});
  CHECK(c.Call({"SET", "str", "v"}) == kOk);
  CHECK(c.Call({"SMOVE", "dst", "str", "a"}) == kWrongType);
  CHECK(c.Call({"SMOVE", "str", "dst", "a"}) == kWrongType);
  CHECK(Members(c, "dst") == Strings{"a", "b"});
  CHECK(c.Call({"SMOVE", "dst", "x"}) == ArityErr("smove"));
}

TEST_CASE("set: SINTER SUNION SDIFF, their STORE forms and SINTERCARD") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SADD", "a", "1", "2", "3", "x"}) == Int(4));
  CHECK(c.Call({"SADD", "b", "2", "3", "4", "x", "y"}) == Int(5));
  CHECK(c.Call({"SADD", "c", "3", "x", "z"}) == Int(3));
  CHECK(Sorted(c.Exec({"SINTER", "a", "b", "c"})) == Strings{"3", "x"});
  CHECK(Sorted(c.Exec({"SINTER", "a"})) == Strings{"1", "2", "3", "x"});
  CHECK(c.Call({"SINTER", "a", "missing"}) == "*0\r\n");
  CHECK(Sorted(c.Exec({"SUNION", "a", "c", "missing"})) ==
        Strings{"1", "2", "3", "x", "z"});
  CHECK(Sorted(c.Exec({"SDIFF", "a", "b"})) == Strings{"1"});
  CHECK(Sorted(c.Exec({"SDIFF", "b", "a", "c"})) == Strings{"4", "y"});
  CHECK(c.Call({"SDIFF", "missing", "a"}) == "*0\r\n");

  CHECK(c.Call({"SINTERSTORE", "dst", "a", "b"}) == Int(3));
  CHECK(Members(c, "dst") == Strings{"2", "3", "x"});
  CHECK(c.Call({"SUNIONSTORE", "dst", "a", "c"}) == Int(5));
  CHECK(c.Call({"SDIFFSTORE", "dst", "a", "b"}) == Int(1));
  CHECK(Members(c, "dst") == Strings{"1"});
  // The destination is replaced whatever it held; an empty result deletes it.
  CHECK(c.Call({"SET", "str", "v"}) == kOk);
  CHECK(c.Call({"SUNIONSTORE", "str", "c"}) == Int(3));
  CHECK(c.Call({"TYPE", "str"}) == "+set\r\n");
  CHECK(c.Call({"SINTERSTORE", "dst", "a", "missing"}) == Int(0));
  CHECK(c.Call({"EXISTS", "dst"}) == Int(0));
  CHECK(c.Call({"SDIFFSTORE", "a", "a", "a"}) == Int(0));  // the source itself emptied
  CHECK(c.Call({"EXISTS", "a"}) == Int(0));

  CHECK(c.Call({"SINTERCARD", "2", "b", "c"}) == Int(2));
  CHECK(c.Call({"SINTERCARD", "2", "b", "c", "LIMIT", "1"}) == Int(1));
  CHECK(c.Call({"SINTERCARD", "2", "b", "c", "LIMIT", "0"}) == Int(2));  // 0: no limit
  CHECK(c.Call({"SINTERCARD", "1", "missing"}) == Int(0));
  CHECK(c.Call({"SINTERCARD", "0", "b"}) == Err("ERR numkeys should be greater than 0"));
  CHECK(c.Call({"SINTERCARD", "3", "b", "c"}) ==
        Err("ERR Number of keys can't be greater than number of args"));
  CHECK(c.Call({"SINTERCARD", "2", "b", "c", "LIMIT", "-1"}) ==
        Err("ERR LIMIT can't be negative"));
  CHECK(c.Call({"SINTERCARD", "2", "b", "c", "LIMIT"}) == kSyntaxErr);
  CHECK(c.Call({"SINTERCARD", "2", "b", "c", "MAX", "1"}) == kSyntaxErr);

  // A key of another type fails the whole command, as source or (for STORE) not at all.
  CHECK(c.Call({"HSET", "h", "f", "v"}) == Int(1));
  CHECK(c.Call({"SINTER", "b", "h"}) == kWrongType);
  CHECK(c.Call({"SUNION", "b", "h"}) == kWrongType);
  CHECK(c.Call({"SDIFF", "b", "h"}) == kWrongType);
  CHECK(c.Call({"SINTERSTORE", "dst", "b", "h"}) == kWrongType);
  CHECK(c.Call({"SINTERCARD", "2", "b", "h"}) == kWrongType);
  CHECK(c.Call({"SINTER"}) == ArityErr("sinter"));
  CHECK(c.Call({"SUNIONSTORE", "dst"}) == ArityErr("sunionstore"));
  CHECK(c.Call({"SINTERCARD", "1"}) == ArityErr("sintercard"));
}

TEST_CASE("set: SSCAN with MATCH and COUNT visits every member") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SADD", "ints", "1", "2", "3", "10"}) == Int(4));
  Reply r = c.Exec({"SSCAN", "ints", "0", "MATCH", "1*"});
  REQUIRE(r.elements.size() == 2);
  CHECK(r.elements[0].str == "0");
  CHECK(Sorted(r.elements[1]) == Strings{"1", "10"});
  CHECK(c.Call({"SSCAN", "missing", "0"}) == Arr({Bulk("0"), "*0\r\n"}));

  CHECK(c.Call(With({"SADD", "big"}, Numbered("m", 400))) == Int(400));
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    Reply page = c.Exec({"SSCAN", "big", cursor, "COUNT", "25"});
    REQUIRE(page.elements.size() == 2);
    cursor = page.elements[0].str;
    for (const std::string& m : Texts(page.elements[1])) seen.insert(m);
    ++calls;
  } while (cursor != "0" && calls < 1000);
  CHECK(seen.size() == 400);
  CHECK(calls > 1);
  CHECK(c.Call({"SSCAN", "big", "x1"}) == Err("ERR invalid cursor"));
  CHECK(c.Call({"SSCAN", "big", "0", "COUNT", "0"}) == kSyntaxErr);
  CHECK(c.Call({"SSCAN", "big", "0", "NOVALUES"}) == kSyntaxErr);
  CHECK(c.Call({"SSCAN", "big"}) == ArityErr("sscan"));
}

TEST_CASE("set: every command on a key of another type answers WRONGTYPE") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"ZADD", "z", "1", "m"}) == Int(1));
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"SADD", "z", "x"},          {"SREM", "z", "x"},
           {"SMEMBERS", "z"},           {"SISMEMBER", "z", "x"},
           {"SMISMEMBER", "z", "x"},    {"SCARD", "z"},
           {"SPOP", "z"},               {"SRANDMEMBER", "z", "2"},
           {"SMOVE", "z", "d", "m"},    {"SINTER", "z"},
           {"SUNION", "z"},             {"SDIFF", "z"},
           {"SINTERSTORE", "d", "z"},   {"SUNIONSTORE", "d", "z"},
           {"SDIFFSTORE", "d", "z"},    {"SINTERCARD", "1", "z"},
           {"SSCAN", "z", "0"}}) {
    CAPTURE(cmd[0]);
    CHECK(c.Call(cmd) == kWrongType);
  }
  CHECK(c.Call({"ZCARD", "z"}) == Int(1));
  CHECK(c.Call({"EXISTS", "d"}) == Int(0));
}

}  // namespace
}  // namespace kvd::e2e
