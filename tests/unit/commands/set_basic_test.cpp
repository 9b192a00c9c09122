// SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SMOVE, and the set encodings.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"

namespace kvd::testing {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

TEST_CASE("SADD adds new members only; SCARD and SISMEMBER see them") {
  Harness h;
  CHECK(h.Run({"SADD", "s", "a", "b", "a"}) == Int(2));
  CHECK(h.Run({"SADD", "s", "b", "c"}) == Int(1));
  CHECK(h.Run({"SCARD", "s"}) == Int(3));
  CHECK(h.Run({"SCARD", "nokey"}) == Int(0));
  CHECK(h.Run({"SISMEMBER", "s", "a"}) == Int(1));
  CHECK(h.Run({"SISMEMBER", "s", "z"}) == Int(0));
  CHECK(h.Run({"SISMEMBER", "nokey", "a"}) == Int(0));
  CHECK(h.Run({"SMISMEMBER", "s", "a", "z", "c"}) == "*3\r\n:1\r\n:0\r\n:1\r\n");
  CHECK(h.Run({"SMISMEMBER", "nokey", "a", "b"}) == "*2\r\n:0\r\n:0\r\n");
  CHECK(h.Run({"TYPE", "s"}) == "+set\r\n");
}

TEST_CASE("SMEMBERS: integers sorted (intset), other members in insertion order") {
  Harness h;
  CHECK(h.Run({"SMEMBERS", "nokey"}) == "*0\r\n");
  CHECK(h.Run({"SADD", "i", "30", "-5", "7"}) == Int(3));
  CHECK(h.Run({"SMEMBERS", "i"}) == "*3\r\n$2\r\n-5\r\n$1\r\n7\r\n$2\r\n30\r\n");
  CHECK(h.Run({"SADD", "w", "b", "a", "c"}) == Int(3));
  CHECK(h.Run({"SMEMBERS", "w"}) == "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n");
  h.client.resp = 3;
  CHECK(h.Run({"SMEMBERS", "i"}) == "~3\r\n$2\r\n-5\r\n$1\r\n7\r\n$2\r\n30\r\n");
  CHECK(h.Run({"SMEMBERS", "nokey"}) == "~0\r\n");
}

TEST_CASE("SREM removes members and deletes the emptied key") {
  Harness h;
  CHECK(h.Run({"SREM", "nokey", "a"}) == Int(0));
  CHECK(h.Run({"SADD", "s", "a", "b", "1"}) == Int(3));
  CHECK(h.Run({"SREM", "s", "a", "z", "a"}) == Int(1));
  CHECK(h.Run({"SREM", "s", "b", "1"}) == Int(2));
  CHECK(h.Run({"EXISTS", "s"}) == Int(0));
}

TEST_CASE("set commands reply WRONGTYPE on a key of another type") {
  Harness h;
  CHECK(h.Run({"SET", "str", "v"}) == kOk);
  for (const std::vector<std::string_view>& cmd :
       std::vector<std::vector<std::string_view>>{{"SADD", "str", "a"},
                                                  {"SREM", "str", "a"},
                                                  {"SMEMBERS", "str"},
                                                  {"SISMEMBER", "str", "a"},
                                                  {"SMISMEMBER", "str", "a"},
                                                  {"SCARD", "str"},
                                                  {"SPOP", "str"},
                                                  {"SPOP", "str", "2"},
                                                  {"SRANDMEMBER", "str"},
                                                  {"SRANDMEMBER", "str", "2"},
                                                  {"SSCAN", "str", "0"},
                                                  {"SINTER", "str"},
                                                  {"SUNION", "str"},
                                                  {"SDIFF", "str"},
                                                  {"SINTERCARD", "1", "str"}}) {
    CAPTURE(cmd[0]);
    CHECK(h.Run(cmd) == kWrongType);
  }
  CHECK(h.Run({"SADD", "s", "a"}) == Int(1));
  CHECK(h.Run({"GET", "s"}) == kWrongType);
  CHECK(h.Run({"HGET", "s", "a"}) == kWrongType);
}

TEST_CASE("SMOVE moves a member between sets") {
  Harness h;
  CHECK(h.Run({"SADD", "a", "x", "y"}) == Int(2));
  CHECK(h.Run({"SMOVE", "a", "b", "x"}) == Int(1));
  CHECK(h.Run({"SMEMBERS", "a"}) == "*1\r\n$1\r\ny\r\n");
  CHECK(h.Run({"SMEMBERS", "b"}) == "*1\r\n$1\r\nx\r\n");
  CHECK(h.Run({"SMOVE", "a", "b", "nope"}) == Int(0));
  // Moving a member the destination already has still removes it from the source.
  CHECK(h.Run({"SADD", "b", "y"}) == Int(1));
  CHECK(h.Run({"SMOVE", "a", "b", "y"}) == Int(1));
  CHECK(h.Run({"EXISTS", "a"}) == Int(0));
  CHECK(h.Run({"SCARD", "b"}) == Int(2));
  // Source and destination the same: 1 when the member is there, nothing changes.
  CHECK(h.Run({"SMOVE", "b", "b", "x"}) == Int(1));
  CHECK(h.Run({"SMOVE", "b", "b", "q"}) == Int(0));
  CHECK(h.Run({"SCARD", "b"}) == Int(2));
}

TEST_CASE("SMOVE type checks: a missing source wins over a bad destination") {
  Harness h;
  CHECK(h.Run({"SET", "str", "v"}) == kOk);
  CHECK(h.Run({"SADD", "s", "1"}) == Int(1));
  CHECK(h.Run({"SMOVE", "nokey", "str", "1"}) == Int(0));
  CHECK(h.Run({"SMOVE", "s", "str", "1"}) == kWrongType);
  CHECK(h.Run({"SMOVE", "str", "s", "1"}) == kWrongType);
  CHECK(h.Run({"SISMEMBER", "s", "1"}) == Int(1));
}

TEST_CASE("set encodings: intset, then listpack, then hashtable, as Redis 7.2") {
  Harness h;
  CHECK(h.Run({"SADD", "s", "1", "2", "3"}) == Int(3));
  CHECK(h.Run({"OBJECT", "ENCODING", "s"}) == Bulk("intset"));
  CHECK(h.Run({"SADD", "s", "abc"}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "s"}) == Bulk("listpack"));
  CHECK(h.Run({"SADD", "s", std::string(65, 'x')}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "s"}) == Bulk("hashtable"));
  CHECK(h.Run({"SISMEMBER", "s", "2"}) == Int(1));

  for (int i = 0; i < 512; ++i) CHECK(h.Run({"SADD", "ints", std::to_string(i)}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "ints"}) == Bulk("intset"));
  CHECK(h.Run({"SADD", "ints", "512"}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "ints"}) == Bulk("hashtable"));
  CHECK(h.Run({"SCARD", "ints"}) == Int(513));
  CHECK(h.Run({"SISMEMBER", "ints", "300"}) == Int(1));

  for (int i = 0; i < 128; ++i) CHECK(h.Run({"SADD", "words", KeyName("w", i)}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "words"}) == Bulk("listpack"));
  CHECK(h.Run({"SADD", "words", "w128"}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "words"}) == Bulk("hashtable"));
  CHECK(SortedStrings(h.Run({"SMEMBERS", "words"})).size() == 129);
}

TEST_CASE("set writes count as changes and set reads as keyspace hits or misses") {
  Harness h;
  const uint64_t dirty = h.server.stats.dirty;
  CHECK(h.Run({"SADD", "s", "a", "b", "a"}) == Int(2));
  CHECK(h.server.stats.dirty == dirty + 2);
  CHECK(h.Run({"SMOVE", "s", "t", "a"}) == Int(1));
  CHECK(h.server.stats.dirty == dirty + 4);
  const uint64_t hits = h.server.stats.keyspace_hits;
  const uint64_t misses = h.server.stats.keyspace_misses;
  CHECK(h.Run({"SISMEMBER", "s", "b"}) == Int(1));
  CHECK(h.Run({"SCARD", "nokey"}) == Int(0));
  CHECK(h.Run({"SINTER", "s", "nokey"}) == "*0\r\n");
  CHECK(h.server.stats.keyspace_hits == hits + 2);
  CHECK(h.server.stats.keyspace_misses == misses + 2);
  // The *STORE commands read their sources as SINTER does, as Redis 7 does.
  CHECK(h.Run({"SINTERSTORE", "d", "s", "nokey"}) == Int(0));
  CHECK(h.Run({"SUNIONSTORE", "d", "nokey", "s"}) == Int(1));
  CHECK(h.Run({"SDIFFSTORE", "d", "nokey"}) == Int(0));
  CHECK(h.server.stats.keyspace_hits == hits + 4);
  CHECK(h.server.stats.keyspace_misses == misses + 5);
}

}  // namespace
}  // namespace kvd::testing
