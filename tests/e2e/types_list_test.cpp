// List commands over TCP (the blocking ones are in blocking_test.cpp): every command with
// its options and errors, negative indexes, the key disappearing with its last element.
// The expectations are Redis's: run with KVD_E2E_SERVER=/usr/bin/redis-server to check them.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"
#include "e2e/types_test_util.h"

namespace kvd::e2e {
namespace {

using Strings = std::vector<std::string>;

Strings Range(RawClient& c, const std::string& key) {
  return Texts(c.Exec({"LRANGE", key, "0", "-1"}));
}

TEST_CASE("list: LPUSH RPUSH LPUSHX RPUSHX LLEN LRANGE LINDEX") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"LPUSH", "l", "a", "b", "c"}) == Int(3));  // each goes to the head in turn
  CHECK(c.Call({"RPUSH", "l", "d"}) == Int(4));
  CHECK(c.Call({"LPUSHX", "missing", "x"}) == Int(0));
  CHECK(c.Call({"RPUSHX", "missing", "x", "y"}) == Int(0));
  CHECK(c.Call({"EXISTS", "missing"}) == Int(0));
  CHECK(c.Call({"RPUSHX", "l", "e", "f"}) == Int(6));
  CHECK(c.Call({"LPUSHX", "l", "z"}) == Int(7));
  CHECK(Range(c, "l") == Strings{"z", "c", "b", "a", "d", "e", "f"});
  CHECK(c.Call({"LLEN", "l"}) == Int(7));
  CHECK(c.Call({"LLEN", "missing"}) == Int(0));

  CHECK(Texts(c.Exec({"LRANGE", "l", "1", "2"})) == Strings{"c", "b"});
  CHECK(Texts(c.Exec({"LRANGE", "l", "-2", "-1"})) == Strings{"e", "f"});
  CHECK(Texts(c.Exec({"LRANGE", "l", "-100", "1"})) == Strings{"z", "c"});
  CHECK(Texts(c.Exec({"LRANGE", "l", "5", "100"})) == Strings{"e", "f"});
  CHECK(c.Call({"LRANGE", "l", "7", "10"}) == "*0\r\n");
  CHECK(c.Call({"LRANGE", "l", "3", "1"}) == "*0\r\n");
  CHECK(c.Call({"LRANGE", "missing", "0", "-1"}) == "*0\r\n");
  CHECK(c.Call({"LRANGE", "l", "0", "x"}) == kNotIntErr);

  CHECK(c.Call({"LINDEX", "l", "0"}) == Bulk("z"));
  CHECK(c.Call({"LINDEX", "l", "-1"}) == Bulk("f"));
  CHECK(c.Call({"LINDEX", "l", "-7"}) == Bulk("z"));
  CHECK(c.Call({"LINDEX", "l", "7"}) == kNil);
  CHECK(c.Call({"LINDEX", "l", "-8"}) == kNil);
  CHECK(c.Call({"LINDEX", "missing", "0"}) == kNil);
  CHECK(c.Call({"LINDEX", "l", "one"}) == kNotIntErr);

  CHECK(c.Call({"LPUSH", "l"}) == ArityErr("lpush"));
  CHECK(c.Call({"RPUSHX", "l"}) == ArityErr("rpushx"));
  CHECK(c.Call({"LRANGE", "l", "0"}) == ArityErr("lrange"));
  CHECK(c.Call({"LINDEX", "l"}) == ArityErr("lindex"));
  CHECK(c.Call({"LLEN", "l", "x"}) == ArityErr("llen"));
}

TEST_CASE("list: LPOP and RPOP, with COUNT; the last pop deletes the key") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"RPUSH", "l", "a", "b", "c", "d", "e"}) == Int(5));
  CHECK(c.Call({"LPOP", "l"}) == Bulk("a"));
  CHECK(c.Call({"RPOP", "l"}) == Bulk("e"));
  CHECK(c.Call({"LPOP", "l", "2"}) == Arr({Bulk("b"), Bulk("c")}));
  CHECK(c.Call({"LPOP", "l", "0"}) == "*0\r\n");
  CHECK(c.Call({"RPOP", "l", "10"}) == Arr({Bulk("d")}));
  CHECK(c.Call({"EXISTS", "l"}) == Int(0));
  CHECK(c.Call({"LPOP", "l"}) == kNil);
  CHECK(c.Call({"RPOP", "l"}) == kNil);
  CHECK(c.Call({"LPOP", "l", "2"}) == kNilArray);  // a missing key with COUNT: null array
  CHECK(c.Call({"RPOP", "l", "0"}) == kNilArray);
  CHECK(c.Call({"RPUSH", "l", "x", "y"}) == Int(2));
  CHECK(c.Call({"RPOP", "l", "2"}) == Arr({Bulk("y"), Bulk("x")}));
  CHECK(c.Call({"LPOP", "l", "-1"}) == Err("ERR value is out of range, must be positive"));
  CHECK(c.Call({"RPOP", "l", "x"}) == Err("ERR value is out of range, must be positive"));
  CHECK(c.Call({"LPOP", "l", "1", "2"}) == ArityErr("lpop"));
  CHECK(c.Call({"RPOP"}) == ArityErr("rpop"));
  // RESP3: a missing key with COUNT is a null.
  CHECK(c.Exec({"HELLO", "3"}).type == '%');
  CHECK(c.Call({"LPOP", "nothing", "1"}) == "_\r\n");
}

TEST_CASE("list: LSET LINSERT LREM LTRIM") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"RPUSH", "l", "a", "b", "c"}) == Int(3));
  CHECK(c.Call({"LSET", "l", "1", "B"}) == kOk);
  CHECK(c.Call({"LSET", "l", "-1", "C"}) == kOk);
  CHECK(Range(c, "l") == Strings{"a", "B", "C"});
  CHECK(c.Call({"LSET", "l", "3", "x"}) == Err("ERR index out of range"));
  CHECK(c.Call({"LSET", "l", "-4", "x"}) == Err("ERR index out of range"));
  CHECK(c.Call({"LSET", "missing", "0", "x"}) == Err("ERR no such key"));
  CHECK(c.Call({"LSET", "l", "x", "x"}) == kNotIntErr);

  CHECK(c.Call({"LINSERT", "l", "BEFORE", "B", "x"}) == Int(4));
  CHECK(c.Call({"LINSERT", "l", "after", "C", "y"}) == Int(5));
  CHECK(Range(c, "l") == Strings{"a", "x", "B", "C", "y"});
  CHECK(c.Call({"LINSERT", "l", "BEFORE", "nope", "z"}) == Int(-1));
  CHECK(c.Call({"LINSERT", "missing", "BEFORE", "a", "z"}) == Int(0));
  CHECK(c.Call({"LINSERT", "l", "MIDDLE", "a", "z"}) == kSyntaxErr);
  CHECK(c.Call({"LINSERT", "l", "BEFORE", "a"}) == ArityErr("linsert"));

  CHECK(c.Call({"RPUSH", "r", "a", "b", "a", "c", "a", "d", "a"}) == Int(7));
  CHECK(c.Call({"LREM", "r", "2", "a"}) == Int(2));  // the first two, from the head
  CHECK(Range(c, "r") == Strings{"b", "c", "a", "d", "a"});
  CHECK(c.Call({"LREM", "r", "-1", "a"}) == Int(1));  // the last one, from the tail
  CHECK(Range(c, "r") == Strings{"b", "c", "a", "d"});
  CHECK(c.Call({"LREM", "r", "0", "z"}) == Int(0));
  CHECK(c.Call({"LREM", "missing", "0", "a"}) == Int(0));
  CHECK(c.Call({"LREM", "r", "x", "a"}) == kNotIntErr);
  CHECK(c.Call({"LREM", "r", "0", "a"}) == Int(1));
  CHECK(c.Call({"LREM", "r", "0", "b"}) == Int(1));

  CHECK(c.Call({"RPUSH", "t", "1", "2", "3", "4", "5"}) == Int(5));
  CHECK(c.Call({"LTRIM", "t", "1", "-2"}) == kOk);
  CHECK(Range(c, "t") == Strings{"2", "3", "4"});
  CHECK(c.Call({"LTRIM", "t", "-100", "100"}) == kOk);
  CHECK(Range(c, "t") == Strings{"2", "3", "4"});
  CHECK(c.Call({"LTRIM", "missing", "0", "1"}) == kOk);
  CHECK(c.Call({"LTRIM", "t", "a", "1"}) == kNotIntErr);
  CHECK(c.Call({"LTRIM", "t", "2", "1"}) == kOk);  // an empty range empties the list
  CHECK(c.Call({"EXISTS", "t"}) == Int(0));
}

TEST_CASE("list: LPOS with RANK, COUNT and MAXLEN") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"RPUSH", "p", "a", "b", "c", "1", "2", "3", "c", "c"}) == Int(8));
  CHECK(c.Call({"LPOS", "p", "c"}) == Int(2));
  CHECK(c.Call({"LPOS", "p", "c", "RANK", "2"}) == Int(6));
  CHECK(c.Call({"LPOS", "p", "c", "RANK", "-1"}) == Int(7));
  CHECK(c.Call({"LPOS", "p", "c", "RANK", "4"}) == kNil);
  CHECK(c.Call({"LPOS", "p", "c", "COUNT", "0"}) == Arr({Int(2), Int(6), Int(7)}));
  CHECK(c.Call({"LPOS", "p", "c", "COUNT", "2"}) == Arr({Int(2), Int(6)}));
  CHECK(c.Call({"LPOS", "p", "c", "COUNT", "2", "RANK", "-1"}) == Arr({Int(7), Int(6)}));
  CHECK(c.Call({"LPOS", "p", "c", "MAXLEN", "3"}) == Int(2));
  CHECK(c.Call({"LPOS", "p", "c", "MAXLEN", "2"}) == kNil);
  CHECK(c.Call({"LPOS", "p", "c", "COUNT", "0", "MAXLEN", "7"}) == Arr({Int(2), Int(6)}));
  CHECK(c.Call({"LPOS", "p", "z"}) == kNil);
  CHECK(c.Call({"LPOS", "p", "z", "COUNT", "1"}) == "*0\r\n");
  CHECK(c.Call({"LPOS", "missing", "a"}) == kNil);
  CHECK(c.Call({"LPOS", "missing", "a", "COUNT", "0"}) == "*0\r\n");
  CHECK(c.Call({"LPOS", "p", "c", "RANK", "0"}) ==
        Err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list"));
  CHECK(c.Call({"LPOS", "p", "c", "COUNT", "-1"}) == Err("ERR COUNT can't be negative"));
  CHECK(c.Call({"LPOS", "p", "c", "MAXLEN", "-1"}) == Err("ERR MAXLEN can't be negative"));
  CHECK(c.Call({"LPOS", "p", "c", "RANK", "x"}) == kNotIntErr);
  CHECK(c.Call({"LPOS", "p", "c", "FIRST", "1"}) == kSyntaxErr);
  CHECK(c.Call({"LPOS", "p", "c", "RANK"}) == kSyntaxErr);
  CHECK(c.Call({"LPOS", "p"}) == ArityErr("lpos"));
}

TEST_CASE("list: LMOVE and RPOPLPUSH, across lists and within one") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"RPUSH", "src", "a", "b", "c"}) == Int(3));
  CHECK(c.Call({"LMOVE", "src", "dst", "LEFT", "RIGHT"}) == Bulk("a"));
  CHECK(c.Call({"LMOVE", "src", "dst", "right", "left"}) == Bulk("c"));
  CHECK(Range(c, "dst") == Strings{"c", "a"});
  CHECK(c.Call({"RPOPLPUSH", "src", "dst"}) == Bulk("b"));
  CHECK(c.Call({"EXISTS", "src"}) == Int(0));  // emptied
  CHECK(Range(c, "dst") == Strings{"b", "c", "a"});
  // Within one list: a rotation.
  CHECK(c.Call({"LMOVE", "dst", "dst", "LEFT", "RIGHT"}) == Bulk("b"));
  CHECK(Range(c, "dst") == Strings{"c", "a", "b"});
  CHECK(c.Call({"RPOPLPUSH", "dst", "dst"}) == Bulk("b"));
  CHECK(Range(c, "dst") == Strings{"b", "c", "a"});
  CHECK(c.Call({"LMOVE", "missing", "dst", "LEFT", "LEFT"}) == kNil);
  CHECK(c.Call({"RPOPLPUSH", "missing", "dst"}) == kNil);
  CHECK(c.Call({"LMOVE", "dst", "x", "UP", "LEFT"}) == kSyntaxErr);
  CHECK(c.Call({"LMOVE", "dst", "x", "LEFT"}) == ArityErr("lmove"));
  // A destination of another type: nothing moves.
  CHECK(c.Call({"SET", "str", "v"}) == kOk);
  CHECK(c.Call({"LMOVE", "dst", "str", "LEFT", "LEFT"}) == kWrongType);
  CHECK(c.Call({"RPOPLPUSH", "dst", "str"}) == kWrongType);
  CHECK(c.Call({"RPOPLPUSH", "str", "dst"}) == kWrongType);
  CHECK(Range(c, "dst") == Strings{"b", "c", "a"});
}

TEST_CASE("list: LMPOP") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"RPUSH", "b", "1", "2", "3"}) == Int(3));
  CHECK(c.Call({"LMPOP", "2", "a", "b", "LEFT"}) == Arr({Bulk("b"), Arr({Bulk("1")})}));
  CHECK(c.Call({"LMPOP", "2", "a", "b", "RIGHT", "COUNT", "5"}) ==
        Arr({Bulk("b"), Arr({Bulk("3"), Bulk("2")})}));
  CHECK(c.Call({"EXISTS", "b"}) == Int(0));
  CHECK(c.Call({"LMPOP", "2", "a", "b", "LEFT"}) == kNilArray);
  CHECK(c.Call({"LMPOP", "0", "a", "LEFT"}) == Err("ERR numkeys should be greater than 0"));
  CHECK(c.Call({"LMPOP", "x", "a", "LEFT"}) == Err("ERR numkeys should be greater than 0"));
  CHECK(c.Call({"LMPOP", "1", "a", "LEFT", "COUNT", "0"}) ==
        Err("ERR count should be greater than 0"));
  CHECK(c.Call({"LMPOP", "1", "a", "MIDDLE"}) == kSyntaxErr);
  CHECK(c.Call({"LMPOP", "1", "a", "LEFT", "COUNT"}) == kSyntaxErr);
  CHECK(c.Call({"LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "2"}) == kSyntaxErr);
  CHECK(c.Call({"LMPOP", "3", "a", "LEFT"}) == kSyntaxErr);
  CHECK(c.Call({"LMPOP", "1", "a"}) == ArityErr("lmpop"));
  CHECK(c.Call({"SET", "str", "v"}) == kOk);
  CHECK(c.Call({"LMPOP", "2", "str", "a", "LEFT"}) == kWrongType);
}

TEST_CASE("list: a large list, and OBJECT ENCODING") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call(With({"RPUSH", "big"}, Numbered("e", 5000))) == Int(5000));
  CHECK(c.Call({"LLEN", "big"}) == Int(5000));
  CHECK(c.Call({"LINDEX", "big", "2500"}) == Bulk("e2500"));
  CHECK(c.Call({"LINDEX", "big", "-1"}) == Bulk("e4999"));
  CHECK(Texts(c.Exec({"LRANGE", "big", "4998", "-1"})) == Strings{"e4998", "e4999"});
  CHECK(c.Call({"LSET", "big", "2500", "mid"}) == kOk);
  CHECK(c.Call({"LPOS", "big", "mid"}) == Int(2500));
  CHECK(c.Call({"LINSERT", "big", "AFTER", "mid", "after-mid"}) == Int(5001));
  CHECK(c.Call({"LINDEX", "big", "2501"}) == Bulk("after-mid"));
  CHECK(c.Call({"LTRIM", "big", "2500", "2501"}) == kOk);
  CHECK(Range(c, "big") == Strings{"mid", "after-mid"});
  CHECK(c.Call({"OBJECT", "ENCODING", "big"}) ==
        Bulk(Expects72() ? "listpack" : "quicklist"));  // 7.2 converts back when small
  CHECK(c.Call({"RPUSH", "small", "a"}) == Int(1));
  CHECK(c.Call({"OBJECT", "ENCODING", "small"}) == Bulk(Expects72() ? "listpack" : "quicklist"));
}

TEST_CASE("list: every command on a key of another type answers WRONGTYPE") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"HSET", "h", "f", "v"}) == Int(1));
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"LPUSH", "h", "x"},          {"RPUSH", "h", "x"},
           {"LPUSHX", "h", "x"},         {"RPUSHX", "h", "x"},
           {"LPOP", "h"},                {"RPOP", "h", "2"},
           {"LLEN", "h"},                {"LRANGE", "h", "0", "-1"},
           {"LINDEX", "h", "0"},         {"LSET", "h", "0", "x"},
           {"LINSERT", "h", "BEFORE", "a", "b"},
           {"LREM", "h", "0", "x"},      {"LTRIM", "h", "0", "1"},
           {"LPOS", "h", "x"},           {"LMOVE", "h", "d", "LEFT", "LEFT"},
           {"RPOPLPUSH", "h", "d"},      {"LMPOP", "1", "h", "LEFT"}}) {
    CAPTURE(cmd[0]);
    CHECK(c.Call(cmd) == kWrongType);
  }
  CHECK(c.Call({"HLEN", "h"}) == Int(1));
  CHECK(c.Call({"EXISTS", "d"}) == Int(0));
}

}  // namespace
}  // namespace kvd::e2e
