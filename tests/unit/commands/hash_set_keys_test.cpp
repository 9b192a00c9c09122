// The generic commands on hashes and sets: TYPE, SCAN TYPE, COPY, RENAME, MOVE, DEL, UNLINK,
// EXPIRE; and OBJECT ENCODING for every type it knows.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("TYPE and SCAN TYPE know hashes and sets") {
  Harness h;
  CHECK(h.Run({"HSET", "h", "f", "v"}) == Int(1));
  CHECK(h.Run({"SADD", "s", "m"}) == Int(1));
  CHECK(h.Run({"SET", "str", "v"}) == kOk);
  CHECK(h.Run({"TYPE", "h"}) == "+hash\r\n");
  CHECK(h.Run({"TYPE", "s"}) == "+set\r\n");
  CHECK(ScanAll(h, {"TYPE", "hash"}) == std::vector<std::string>{"h"});
  CHECK(ScanAll(h, {"TYPE", "SET"}) == std::vector<std::string>{"s"});
  CHECK(ScanAll(h, {"TYPE", "string"}) == std::vector<std::string>{"str"});
}

TEST_CASE("COPY makes an independent deep copy of a hash and a set") {
  Harness h;
  for (int i = 0; i < 200; ++i) {  // large encodings
    REQUIRE(h.Run({"HSET", "h", KeyName("f", i), "v"}) == Int(1));
    REQUIRE(h.Run({"SADD", "s", KeyName("m", i)}) == Int(1));
  }
  CHECK(h.Run({"HSET", "small", "a", "1"}) == Int(1));
  CHECK(h.Run({"COPY", "h", "h2"}) == Int(1));
  CHECK(h.Run({"COPY", "s", "s2"}) == Int(1));
  CHECK(h.Run({"COPY", "small", "small2", "DB", "1"}) == Int(1));
  CHECK(h.Run({"HDEL", "h", "f0"}) == Int(1));
  CHECK(h.Run({"SREM", "s", "m0"}) == Int(1));
  CHECK(h.Run({"HLEN", "h2"}) == Int(200));
  CHECK(h.Run({"HGET", "h2", "f0"}) == Bulk("v"));
  CHECK(h.Run({"SCARD", "s2"}) == Int(200));
  CHECK(h.Run({"SISMEMBER", "s2", "m0"}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "s2"}) == Bulk("hashtable"));
  CHECK(h.Run({"SELECT", "1"}) == kOk);
  CHECK(h.Run({"HGETALL", "small2"}) == "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.Run({"OBJECT", "ENCODING", "small2"}) == Bulk("listpack"));
}

TEST_CASE("RENAME and MOVE carry hashes and sets with their TTL") {
  Harness h;
  CHECK(h.Run({"SADD", "s", "1", "2"}) == Int(2));
  CHECK(h.Run({"PEXPIRE", "s", "5000"}) == Int(1));
  CHECK(h.Run({"RENAME", "s", "t"}) == kOk);
  CHECK(h.Run({"SMEMBERS", "t"}) == "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  CHECK(h.Run({"PTTL", "t"}) == Int(5000));
  CHECK(h.Run({"EXISTS", "s"}) == Int(0));
  CHECK(h.Run({"HSET", "h", "f", "v"}) == Int(1));
  CHECK(h.Run({"RENAME", "h", "t"}) == kOk);  // replaces the set
  CHECK(h.Run({"TYPE", "t"}) == "+hash\r\n");
  CHECK(h.Run({"MOVE", "t", "2"}) == Int(1));
  CHECK(h.Run({"EXISTS", "t"}) == Int(0));
  CHECK(h.Run({"SELECT", "2"}) == kOk);
  CHECK(h.Run({"HGET", "t", "f"}) == Bulk("v"));
}

TEST_CASE("DEL, UNLINK and expiry remove hashes and sets") {
  Harness h;
  for (int i = 0; i < 300; ++i) REQUIRE(h.Run({"SADD", "big", std::to_string(i * 7)}) == Int(1));
  CHECK(h.Run({"HSET", "h", "a", "1"}) == Int(1));
  CHECK(h.Run({"SADD", "s", "x"}) == Int(1));
  CHECK(h.Run({"DEL", "h", "s", "nokey"}) == Int(2));
  CHECK(h.Run({"UNLINK", "big"}) == Int(1));
  CHECK(h.Run({"DBSIZE"}) == Int(0));
  CHECK(h.Run({"SADD", "s", "x"}) == Int(1));
  CHECK(h.Run({"PEXPIRE", "s", "10"}) == Int(1));
  h.clock.Advance(11);
  CHECK(h.Run({"SCARD", "s"}) == Int(0));
  CHECK(h.Run({"SADD", "s", "y"}) == Int(1));  // a fresh set, not the expired one
  CHECK(h.Run({"SMEMBERS", "s"}) == "*1\r\n$1\r\ny\r\n");
}

TEST_CASE("OBJECT ENCODING names Redis's encodings") {
  Harness h;
  CHECK(h.Run({"OBJECT", "ENCODING", "nokey"}) == kNil);
  CHECK(h.Run({"SET", "n", "12345"}) == kOk);
  CHECK(h.Run({"OBJECT", "ENCODING", "n"}) == Bulk("int"));
  CHECK(h.Run({"SET", "z", "0123"}) == kOk);
  CHECK(h.Run({"OBJECT", "ENCODING", "z"}) == Bulk("embstr"));
  CHECK(h.Run({"SET", "e", std::string(44, 'x')}) == kOk);
  CHECK(h.Run({"OBJECT", "ENCODING", "e"}) == Bulk("embstr"));
  CHECK(h.Run({"SET", "r", std::string(45, 'x')}) == kOk);
  CHECK(h.Run({"object", "encoding", "r"}) == Bulk("raw"));
  CHECK(h.Run({"SADD", "s", "1"}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "s"}) == Bulk("intset"));
  CHECK(h.Run({"HSET", "h", "a", "1"}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "h"}) == Bulk("listpack"));
}

TEST_CASE("OBJECT errors and HELP") {
  Harness h;
  CHECK(h.Run({"OBJECT"}) == Err("ERR wrong number of arguments for 'object' command"));
  CHECK(h.Run({"OBJECT", "ENCODING"}) ==
        Err("ERR wrong number of arguments for 'object|encoding' command"));
  CHECK(h.Run({"OBJECT", "FOO", "k"}) ==
        Err("ERR unknown subcommand 'FOO'. Try OBJECT HELP."));
  const std::string help = h.Run({"OBJECT", "HELP"});
  CHECK(help.rfind("*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n",
                   0) == 0);
  CHECK(help.find("+ENCODING <key>\r\n") != std::string::npos);
}

}  // namespace
}  // namespace kvd::testing
