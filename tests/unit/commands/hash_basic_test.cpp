// HSET, HMSET, HSETNX, HGET, HMGET, HDEL, HEXISTS, HLEN, HSTRLEN, HKEYS, HVALS, HGETALL,
// HINCRBY, HINCRBYFLOAT.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"

namespace kvd::testing {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

TEST_CASE("HSET adds and updates fields; HGET and HMGET read them") {
  Harness h;
  CHECK(h.Run({"HSET", "h", "a", "1", "b", "2"}) == Int(2));
  CHECK(h.Run({"HSET", "h", "a", "10", "c", "3"}) == Int(1));
  CHECK(h.Run({"HGET", "h", "a"}) == Bulk("10"));
  CHECK(h.Run({"HGET", "h", "zz"}) == kNil);
  CHECK(h.Run({"HGET", "nokey", "a"}) == kNil);
  CHECK(h.Run({"HMGET", "h", "a", "zz", "c"}) == "*3\r\n$2\r\n10\r\n$-1\r\n$1\r\n3\r\n");
  CHECK(h.Run({"HMGET", "nokey", "a", "b"}) == "*2\r\n$-1\r\n$-1\r\n");
  CHECK(h.Run({"HLEN", "h"}) == Int(3));
  CHECK(h.Run({"HLEN", "nokey"}) == Int(0));
  CHECK(h.Run({"TYPE", "h"}) == "+hash\r\n");
}

TEST_CASE("HSET and HMSET reject an odd number of field/value arguments") {
  Harness h;
  CHECK(h.Run({"HSET", "h", "a"}) == Err("ERR wrong number of arguments for 'hset' command"));
  CHECK(h.Run({"HSET", "h", "a", "1", "b"}) ==
        Err("ERR wrong number of arguments for 'hset' command"));
  CHECK(h.Run({"hmset", "h", "a", "1", "b"}) ==
        Err("ERR wrong number of arguments for 'hmset' command"));
  CHECK(h.Run({"EXISTS", "h"}) == Int(0));
  CHECK(h.Run({"HMSET", "h", "a", "1", "b", "2"}) == kOk);
  CHECK(h.Run({"HGET", "h", "b"}) == Bulk("2"));
}

TEST_CASE("HSETNX sets only a missing field") {
  Harness h;
  CHECK(h.Run({"HSETNX", "h", "a", "1"}) == Int(1));
  CHECK(h.Run({"HSETNX", "h", "a", "2"}) == Int(0));
  CHECK(h.Run({"HGET", "h", "a"}) == Bulk("1"));
}

TEST_CASE("HDEL removes fields and deletes the emptied key") {
  Harness h;
  CHECK(h.Run({"HDEL", "nokey", "a"}) == Int(0));
  CHECK(h.Run({"HSET", "h", "a", "1", "b", "2", "c", "3"}) == Int(3));
  CHECK(h.Run({"HDEL", "h", "a", "zz", "a"}) == Int(1));
  CHECK(h.Run({"HEXISTS", "h", "a"}) == Int(0));
  CHECK(h.Run({"HEXISTS", "h", "b"}) == Int(1));
  CHECK(h.Run({"HEXISTS", "nokey", "b"}) == Int(0));
  CHECK(h.Run({"HDEL", "h", "b", "c"}) == Int(2));
  CHECK(h.Run({"EXISTS", "h"}) == Int(0));
  CHECK(h.Run({"TYPE", "h"}) == "+none\r\n");
}

TEST_CASE("HSTRLEN measures a field's value") {
  Harness h;
  CHECK(h.Run({"HSET", "h", "a", "hello", "n", "-123"}) == Int(2));
  CHECK(h.Run({"HSTRLEN", "h", "a"}) == Int(5));
  CHECK(h.Run({"HSTRLEN", "h", "n"}) == Int(4));
  CHECK(h.Run({"HSTRLEN", "h", "zz"}) == Int(0));
  CHECK(h.Run({"HSTRLEN", "nokey", "a"}) == Int(0));
}

TEST_CASE("HKEYS, HVALS and HGETALL in insertion order for a small hash") {
  Harness h;
  CHECK(h.Run({"HKEYS", "nokey"}) == "*0\r\n");
  CHECK(h.Run({"HVALS", "nokey"}) == "*0\r\n");
  CHECK(h.Run({"HGETALL", "nokey"}) == "*0\r\n");
  CHECK(h.Run({"HSET", "h", "x", "1", "y", "22"}) == Int(2));
  CHECK(h.Run({"HKEYS", "h"}) == "*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
  CHECK(h.Run({"HVALS", "h"}) == "*2\r\n$1\r\n1\r\n$2\r\n22\r\n");
  CHECK(h.Run({"HGETALL", "h"}) == "*4\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n22\r\n");
}

TEST_CASE("HGETALL is a map and HMGET's missing fields are nulls in RESP3") {
  Harness h;
  h.client.resp = 3;
  CHECK(h.Run({"HGETALL", "nokey"}) == "%0\r\n");
  CHECK(h.Run({"HSET", "h", "x", "1"}) == Int(1));
  CHECK(h.Run({"HGETALL", "h"}) == "%1\r\n$1\r\nx\r\n$1\r\n1\r\n");
  CHECK(h.Run({"HMGET", "h", "x", "y"}) == "*2\r\n$1\r\n1\r\n_\r\n");
  CHECK(h.Run({"HGET", "h", "y"}) == "_\r\n");
}

TEST_CASE("hash commands reply WRONGTYPE on a key of another type") {
  Harness h;
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  for (const std::vector<std::string_view>& cmd :
       std::vector<std::vector<std::string_view>>{{"HSET", "s", "a", "1"},
                                                  {"HSETNX", "s", "a", "1"},
                                                  {"HMSET", "s", "a", "1"},
                                                  {"HGET", "s", "a"},
                                                  {"HMGET", "s", "a"},
                                                  {"HDEL", "s", "a"},
                                                  {"HEXISTS", "s", "a"},
                                                  {"HLEN", "s"},
                                                  {"HSTRLEN", "s", "a"},
                                                  {"HKEYS", "s"},
                                                  {"HVALS", "s"},
                                                  {"HGETALL", "s"},
                                                  {"HINCRBY", "s", "a", "1"},
                                                  {"HINCRBYFLOAT", "s", "a", "1"},
                                                  {"HRANDFIELD", "s"},
                                                  {"HRANDFIELD", "s", "2"},
                                                  {"HSCAN", "s", "0"}}) {
    CAPTURE(cmd[0]);
    CHECK(h.Run(cmd) == kWrongType);
  }
  CHECK(h.Run({"GET", "s"}) == Bulk("v"));
  CHECK(h.Run({"HSET", "h", "a", "1"}) == Int(1));
  CHECK(h.Run({"GET", "h"}) == kWrongType);
}

TEST_CASE("HINCRBY adds to a field, starting from 0") {
  Harness h;
  CHECK(h.Run({"HINCRBY", "h", "n", "5"}) == Int(5));
  CHECK(h.Run({"HINCRBY", "h", "n", "-7"}) == Int(-2));
  CHECK(h.Run({"HGET", "h", "n"}) == Bulk("-2"));
  CHECK(h.Run({"HINCRBY", "h", "n", "x"}) == kNotInt);
  CHECK(h.Run({"HINCRBY", "h", "big", "9223372036854775807"}) == Int(INT64_MAX));
  CHECK(h.Run({"HINCRBY", "h", "big", "1"}) ==
        Err("ERR increment or decrement would overflow"));
  CHECK(h.Run({"HINCRBY", "h", "n", "-9223372036854775807"}) ==
        Err("ERR increment or decrement would overflow"));
  CHECK(h.Run({"HSET", "h", "s", "abc", "sp", " 1"}) == Int(2));
  CHECK(h.Run({"HINCRBY", "h", "s", "1"}) == Err("ERR hash value is not an integer"));
  CHECK(h.Run({"HINCRBY", "h", "sp", "1"}) == Err("ERR hash value is not an integer"));
  // A bad increment fails before the key is created.
  CHECK(h.Run({"HINCRBY", "new", "n", "1.5"}) == kNotInt);
  CHECK(h.Run({"EXISTS", "new"}) == Int(0));
}

TEST_CASE("HINCRBYFLOAT adds with INCRBYFLOAT's precision and formatting") {
  Harness h;
  CHECK(h.Run({"HINCRBYFLOAT", "h", "f", "10.5"}) == Bulk("10.5"));
  CHECK(h.Run({"HINCRBYFLOAT", "h", "f", "0.1"}) == Bulk("10.6"));
  CHECK(h.Run({"HINCRBYFLOAT", "h", "f", "-5.6"}) == Bulk("5"));
  CHECK(h.Run({"HGET", "h", "f"}) == Bulk("5"));
  CHECK(h.Run({"HINCRBYFLOAT", "h", "f", "5.0e3"}) == Bulk("5005"));
  CHECK(h.Run({"HINCRBYFLOAT", "h", "f", "abc"}) == Err("ERR value is not a valid float"));
  CHECK(h.Run({"HINCRBYFLOAT", "h", "f", "inf"}) == Err("ERR value is NaN or Infinity"));
  CHECK(h.Run({"HSET", "h", "s", "abc", "big", "1e4932"}) == Int(2));
  CHECK(h.Run({"HINCRBYFLOAT", "h", "s", "1"}) == Err("ERR hash value is not a float"));
  CHECK(h.Run({"HINCRBYFLOAT", "h", "big", "1e4932"}) ==
        Err("ERR increment would produce NaN or Infinity"));
  CHECK(h.Run({"HGET", "h", "big"}) == Bulk("1e4932"));
  CHECK(h.Run({"HINCRBYFLOAT", "new", "f", "x"}) == Err("ERR value is not a valid float"));
  CHECK(h.Run({"EXISTS", "new"}) == Int(0));
}

TEST_CASE("a hash converts from listpack to hashtable past 512 fields or 64-byte values") {
  Harness h;
  for (int i = 0; i < 512; ++i) {
    CHECK(h.Run({"HSET", "h", KeyName("f", i), "v"}) == Int(1));
  }
  CHECK(h.Run({"OBJECT", "ENCODING", "h"}) == Bulk("listpack"));
  CHECK(h.Run({"HSET", "h", "f512", "v"}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "h"}) == Bulk("hashtable"));
  CHECK(h.Run({"HLEN", "h"}) == Int(513));
  CHECK(h.Run({"HGET", "h", "f77"}) == Bulk("v"));
  // Removing fields does not convert back, as in Redis.
  for (int i = 0; i < 500; ++i) CHECK(h.Run({"HDEL", "h", KeyName("f", i)}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "h"}) == Bulk("hashtable"));

  CHECK(h.Run({"HSET", "g", "a", std::string(64, 'x')}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "g"}) == Bulk("listpack"));
  CHECK(h.Run({"HSET", "g", "b", std::string(65, 'x')}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "g"}) == Bulk("hashtable"));
  CHECK(h.Run({"HSTRLEN", "g", "b"}) == Int(65));
  CHECK(h.Run({"HSET", "k", std::string(65, 'f'), "v"}) == Int(1));
  CHECK(h.Run({"OBJECT", "ENCODING", "k"}) == Bulk("hashtable"));
}

TEST_CASE("a large hash answers every read the same way as a small one") {
  Harness h;
  for (int i = 0; i < 300; ++i) {
    CHECK(h.Run({"HSET", "h", KeyName("f", i), KeyName("v", i)}) == Int(1));
  }
  CHECK(h.Run({"HLEN", "h"}) == Int(300));
  CHECK(h.Run({"HGET", "h", "f299"}) == Bulk("v299"));
  CHECK(h.Run({"HINCRBY", "h", "n", "3"}) == Int(3));
  CHECK(SortedStrings(h.Run({"HKEYS", "h"})).size() == 301);
  std::vector<std::string> vals = SortedStrings(h.Run({"HVALS", "h"}));
  CHECK(vals.front() == "3");
  CHECK(vals.back() == "v99");
  CHECK(h.Run({"HDEL", "h", "f0", "f1"}) == Int(2));
  CHECK(h.Run({"HLEN", "h"}) == Int(299));
}

TEST_CASE("hash writes count as changes and hash reads as keyspace hits or misses") {
  Harness h;
  const uint64_t dirty = h.server.stats.dirty;
  CHECK(h.Run({"HSET", "h", "a", "1", "b", "2"}) == Int(2));
  CHECK(h.server.stats.dirty == dirty + 2);
  CHECK(h.Run({"HDEL", "h", "zz"}) == Int(0));
  CHECK(h.server.stats.dirty == dirty + 2);
  const uint64_t hits = h.server.stats.keyspace_hits;
  const uint64_t misses = h.server.stats.keyspace_misses;
  CHECK(h.Run({"HGET", "h", "a"}) == Bulk("1"));
  CHECK(h.Run({"HGET", "nokey", "a"}) == kNil);
  CHECK(h.server.stats.keyspace_hits == hits + 1);
  CHECK(h.server.stats.keyspace_misses == misses + 1);
}

TEST_CASE("a hash with a TTL expires like any key") {
  Harness h;
  CHECK(h.Run({"HSET", "h", "a", "1"}) == Int(1));
  CHECK(h.Run({"PEXPIRE", "h", "100"}) == Int(1));
  CHECK(h.Run({"HSET", "h", "b", "2"}) == Int(1));
  CHECK(h.Run({"PTTL", "h"}) == Int(100));  // writing fields keeps the TTL
  h.clock.Advance(101);
  CHECK(h.Run({"HGET", "h", "a"}) == kNil);
  CHECK(h.Run({"HLEN", "h"}) == Int(0));
  CHECK(h.Run({"HSET", "h", "c", "3"}) == Int(1));
  CHECK(h.Run({"TTL", "h"}) == Int(-1));
}

}  // namespace
}  // namespace kvd::testing
