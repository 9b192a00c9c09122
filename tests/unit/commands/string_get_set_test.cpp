// GET, SET and its options, SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"

namespace kvd::testing {
namespace {

// ManualClock starts at 1'700'000'000'000 ms.
constexpr int64_t kStartSec = 1'700'000'000;

TEST_CASE("GET and SET store and return a value") {
  Harness h;
  CHECK(h.Run({"GET", "k"}) == kNil);
  CHECK(h.Run({"SET", "k", "hello"}) == kOk);
  CHECK(h.Run({"GET", "k"}) == "$5\r\nhello\r\n");
  CHECK(h.Run({"set", "k", "bye"}) == kOk);
  CHECK(h.Run({"get", "k"}) == "$3\r\nbye\r\n");
  CHECK(h.Run({"SET", "k", ""}) == kOk);
  CHECK(h.Run({"GET", "k"}) == kEmpty);
}

TEST_CASE("SET keeps binary keys and values exactly") {
  Harness h;
  const std::string key("k\0\r\n", 4);
  const std::string value("a\0b\r\nc", 6);
  CHECK(h.Run({"SET", key, value}) == kOk);
  CHECK(h.Run({"GET", key}) == Bulk(value));
  CHECK(h.Run({"GET", "k"}) == kNil);
}

TEST_CASE("SET PX: the key lives through the deadline's millisecond and not after it") {
  Harness h;
  CHECK(h.Run({"SET", "k", "v", "PX", "100"}) == kOk);
  h.clock.Advance(99);
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  h.clock.Advance(1);
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  CHECK(h.Run({"PTTL", "k"}) == Int(0));
  h.clock.Advance(1);
  CHECK(h.Run({"GET", "k"}) == kNil);
}

TEST_CASE("SET EX, EXAT and PXAT set the expiry they name") {
  Harness h;
  CHECK(h.Run({"SET", "a", "v", "EX", "10"}) == kOk);
  CHECK(h.Run({"PTTL", "a"}) == Int(10'000));
  CHECK(h.Run({"SET", "b", "v", "exat", std::to_string(kStartSec + 5)}) == kOk);
  CHECK(h.Run({"PEXPIRETIME", "b"}) == Int((kStartSec + 5) * 1000));
  CHECK(h.Run({"SET", "c", "v", "PxAt", "1700000000123"}) == kOk);
  CHECK(h.Run({"PEXPIRETIME", "c"}) == Int(1'700'000'000'123));
  h.clock.Advance(124);
  CHECK(h.Run({"GET", "c"}) == kNil);
  CHECK(h.Run({"GET", "b"}) == Bulk("v"));
  // The last of repeated expiry options wins, as in Redis.
  CHECK(h.Run({"SET", "d", "v", "EX", "10", "EX", "20"}) == kOk);
  CHECK(h.Run({"TTL", "d"}) == Int(20));
  // The largest times that do not overflow are accepted.
  CHECK(h.Run({"SET", "e", "v", "EXAT", "9223372036854775"}) == kOk);
  CHECK(h.Run({"PEXPIRETIME", "e"}) == Int(9'223'372'036'854'775'000));
  CHECK(h.Run({"SET", "e", "v", "PXAT", "9223372036854775807"}) == kOk);
  CHECK(h.Run({"PEXPIRETIME", "e"}) == Int(INT64_MAX));
}

TEST_CASE("SET with an absolute time in the past stores a key that is already gone") {
  Harness h;
  CHECK(h.Run({"SET", "k", "v", "PXAT", "1"}) == kOk);
  CHECK(h.Run({"GET", "k"}) == kNil);
  CHECK(h.Run({"EXISTS", "k"}) == Int(0));
  CHECK(h.Run({"SET", "k", "v", "EXAT", std::to_string(kStartSec - 1)}) == kOk);
  CHECK(h.Run({"GET", "k"}) == kNil);
  // SET stores the key with its expiry, as Redis 7.2's setGenericCommand (no check for an
  // expiry already passed): one that is now lives through this millisecond.
  CHECK(h.Run({"SET", "k", "v", "EXAT", std::to_string(kStartSec)}) == kOk);
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  CHECK(h.Run({"PTTL", "k"}) == Int(0));
  h.clock.Advance(1);
  CHECK(h.Run({"GET", "k"}) == kNil);
}

TEST_CASE("SET drops the TTL unless KEEPTTL") {
  Harness h;
  CHECK(h.Run({"SET", "k", "v", "EX", "100"}) == kOk);
  CHECK(h.Run({"SET", "k", "w"}) == kOk);
  CHECK(h.Run({"TTL", "k"}) == Int(-1));
  CHECK(h.Run({"SET", "k", "v", "EX", "100"}) == kOk);
  h.clock.Advance(1000);
  CHECK(h.Run({"SET", "k", "x", "KEEPTTL"}) == kOk);
  CHECK(h.Run({"PTTL", "k"}) == Int(99'000));
  CHECK(h.Run({"GET", "k"}) == Bulk("x"));
  CHECK(h.Run({"SET", "new", "x", "keepttl", "KEEPTTL"}) == kOk);
  CHECK(h.Run({"TTL", "new"}) == Int(-1));
}

TEST_CASE("SET NX and XX") {
  Harness h;
  CHECK(h.Run({"SET", "k", "v", "NX"}) == kOk);
  CHECK(h.Run({"SET", "k", "w", "NX"}) == kNil);
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  CHECK(h.Run({"SET", "m", "v", "XX"}) == kNil);
  CHECK(h.Run({"EXISTS", "m"}) == Int(0));
  CHECK(h.Run({"SET", "k", "w", "xx"}) == kOk);
  CHECK(h.Run({"GET", "k"}) == Bulk("w"));
  CHECK(h.Run({"SET", "k", "z", "NX", "NX"}) == kNil);  // a repeated flag is no conflict
  // An expired key counts as absent.
  CHECK(h.Run({"SET", "t", "v", "PX", "5"}) == kOk);
  h.clock.Advance(6);
  CHECK(h.Run({"SET", "t", "w", "XX"}) == kNil);
  CHECK(h.Run({"SET", "t", "w", "NX"}) == kOk);
}

TEST_CASE("SET GET replies with the old value") {
  Harness h;
  CHECK(h.Run({"SET", "k", "v", "GET"}) == kNil);
  CHECK(h.Run({"SET", "k", "w", "GET"}) == Bulk("v"));
  CHECK(h.Run({"GET", "k"}) == Bulk("w"));
  // With NX the old value comes back and nothing is written.
  CHECK(h.Run({"SET", "k", "x", "NX", "GET"}) == Bulk("w"));
  CHECK(h.Run({"GET", "k"}) == Bulk("w"));
  CHECK(h.Run({"SET", "m", "x", "XX", "GET"}) == kNil);
  CHECK(h.Run({"EXISTS", "m"}) == Int(0));
  CHECK(h.Run({"SET", "k", "y", "GET", "EX", "10"}) == Bulk("w"));
  CHECK(h.Run({"TTL", "k"}) == Int(10));
}

TEST_CASE("SET rejects conflicting or malformed options with Redis's errors") {
  Harness h;
  CHECK(h.Run({"SET", "k", "old"}) == kOk);
  const std::vector<std::vector<std::string_view>> syntax_errors = {
      {"SET", "k", "v", "NX", "XX"},
      {"SET", "k", "v", "XX", "NX"},
      {"SET", "k", "v", "EX", "1", "PX", "1"},
      {"SET", "k", "v", "EX", "1", "KEEPTTL"},
      {"SET", "k", "v", "KEEPTTL", "PXAT", "5"},
      {"SET", "k", "v", "EX", "1", "EXAT", "5"},
      {"SET", "k", "v", "PX", "1", "PXAT", "5"},
      {"SET", "k", "v", "EX"},
      {"SET", "k", "v", "FOO"},
      {"SET", "k", "v", "PERSIST"},
      {"SET", "k", "v", "EX", "abc", "NX", "XX"},  // syntax is checked before the number
  };
  for (const auto& args : syntax_errors) {
    std::string joined;
    for (std::string_view a : args) joined.append(a).append(" ");
    CAPTURE(joined);
    CHECK(h.Run(args) == kSyntax);
  }
  CHECK(h.Run({"SET", "k", "v", "EX", "abc"}) == kNotInt);
  CHECK(h.Run({"SET", "k", "v", "PX", "1.5"}) == kNotInt);
  const std::string invalid = "-ERR invalid expire time in 'set' command\r\n";
  CHECK(h.Run({"SET", "k", "v", "EX", "0"}) == invalid);
  CHECK(h.Run({"SET", "k", "v", "PX", "-1"}) == invalid);
  CHECK(h.Run({"SET", "k", "v", "EXAT", "0"}) == invalid);
  CHECK(h.Run({"SET", "k", "v", "PXAT", "-5"}) == invalid);
  CHECK(h.Run({"SET", "k", "v", "EX", "9223372036854776"}) == invalid);  // * 1000 overflows
  CHECK(h.Run({"SET", "k", "v", "EX", "9223372036854775"}) == invalid);  // + now overflows
  CHECK(h.Run({"SET", "k", "v", "PX", "9223372036854775807"}) == invalid);
  CHECK(h.Run({"SET", "k", "v", "EXAT", "9223372036854776"}) == invalid);
  // None of the failed commands wrote anything.
  CHECK(h.Run({"GET", "k"}) == Bulk("old"));
  CHECK(h.Run({"TTL", "k"}) == Int(-1));
}

TEST_CASE("SETNX sets only a missing key and answers 1 or 0") {
  Harness h;
  CHECK(h.Run({"SETNX", "k", "v"}) == Int(1));
  CHECK(h.Run({"SETNX", "k", "w"}) == Int(0));
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
}

TEST_CASE("SETEX and PSETEX set value and TTL") {
  Harness h;
  CHECK(h.Run({"SETEX", "k", "10", "v"}) == kOk);
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  CHECK(h.Run({"PTTL", "k"}) == Int(10'000));
  CHECK(h.Run({"PSETEX", "p", "1500", "w"}) == kOk);
  CHECK(h.Run({"PTTL", "p"}) == Int(1500));
  h.clock.Advance(1500);
  CHECK(h.Run({"GET", "p"}) == Bulk("w"));
  h.clock.Advance(1);
  CHECK(h.Run({"GET", "p"}) == kNil);

  CHECK(h.Run({"SETEX", "k", "0", "v"}) == "-ERR invalid expire time in 'setex' command\r\n");
  CHECK(h.Run({"SETEX", "k", "-5", "v"}) == "-ERR invalid expire time in 'setex' command\r\n");
  CHECK(h.Run({"PSETEX", "k", "0", "v"}) == "-ERR invalid expire time in 'psetex' command\r\n");
  CHECK(h.Run({"SETEX", "k", "ten", "v"}) == kNotInt);
  CHECK(h.Run({"SETEX", "k", "10"}) == "-ERR wrong number of arguments for 'setex' command\r\n");
}

TEST_CASE("GETSET returns the old value, sets the new one and drops the TTL") {
  Harness h;
  CHECK(h.Run({"GETSET", "k", "v"}) == kNil);
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  CHECK(h.Run({"SET", "k", "v", "EX", "100"}) == kOk);
  CHECK(h.Run({"GETSET", "k", "w"}) == Bulk("v"));
  CHECK(h.Run({"GET", "k"}) == Bulk("w"));
  CHECK(h.Run({"TTL", "k"}) == Int(-1));
}

TEST_CASE("GETDEL returns the value and deletes the key") {
  Harness h;
  CHECK(h.Run({"GETDEL", "k"}) == kNil);
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  const uint64_t dirty = h.server.stats.dirty;
  CHECK(h.Run({"GETDEL", "k"}) == Bulk("v"));
  CHECK(h.server.stats.dirty == dirty + 1);
  CHECK(h.Run({"EXISTS", "k"}) == Int(0));
  CHECK(h.Run({"GETDEL", "k"}) == kNil);
  CHECK(h.server.stats.dirty == dirty + 1);
}

TEST_CASE("GETEX reads the value and changes the TTL as told") {
  Harness h;
  CHECK(h.Run({"GETEX", "k"}) == kNil);
  CHECK(h.Run({"GETEX", "k", "EX", "-1"}) == kNil);  // a missing key wins over a bad time
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"GETEX", "k"}) == Bulk("v"));
  CHECK(h.Run({"TTL", "k"}) == Int(-1));
  CHECK(h.Run({"GETEX", "k", "EX", "100"}) == Bulk("v"));
  CHECK(h.Run({"PTTL", "k"}) == Int(100'000));
  CHECK(h.Run({"GETEX", "k", "px", "500"}) == Bulk("v"));
  CHECK(h.Run({"PTTL", "k"}) == Int(500));
  CHECK(h.Run({"GETEX", "k", "EXAT", std::to_string(kStartSec + 10)}) == Bulk("v"));
  CHECK(h.Run({"PEXPIRETIME", "k"}) == Int((kStartSec + 10) * 1000));
  CHECK(h.Run({"GETEX", "k", "PXAT", "1700000000777"}) == Bulk("v"));
  CHECK(h.Run({"PEXPIRETIME", "k"}) == Int(1'700'000'000'777));
  CHECK(h.Run({"GETEX", "k", "PERSIST"}) == Bulk("v"));
  CHECK(h.Run({"TTL", "k"}) == Int(-1));
  CHECK(h.Run({"GETEX", "k", "PERSIST", "PERSIST"}) == Bulk("v"));
  // A time in the past deletes the key after replying.
  CHECK(h.Run({"GETEX", "k", "EXAT", "1"}) == Bulk("v"));
  CHECK(h.Run({"EXISTS", "k"}) == Int(0));
}

TEST_CASE("GETEX errors") {
  Harness h;
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"GETEX", "k", "EX", "0"}) == "-ERR invalid expire time in 'getex' command\r\n");
  CHECK(h.Run({"GETEX", "k", "PX", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'getex' command\r\n");
  CHECK(h.Run({"GETEX", "k", "EX", "abc"}) == kNotInt);
  CHECK(h.Run({"GETEX", "k", "NX"}) == kSyntax);
  CHECK(h.Run({"GETEX", "k", "GET"}) == kSyntax);
  CHECK(h.Run({"GETEX", "k", "KEEPTTL"}) == kSyntax);
  CHECK(h.Run({"GETEX", "k", "PERSIST", "EX", "1"}) == kSyntax);
  CHECK(h.Run({"GETEX", "k", "EX", "1", "PX", "1"}) == kSyntax);
  CHECK(h.Run({"GETEX", "k", "EX"}) == kSyntax);
  CHECK(h.Run({"TTL", "k"}) == Int(-1));
}

TEST_CASE("MGET answers every key, nil for missing ones") {
  Harness h;
  CHECK(h.Run({"SET", "a", "1"}) == kOk);
  CHECK(h.Run({"SET", "c", "3"}) == kOk);
  CHECK(h.Run({"MGET", "a", "b", "c", "a"}) == "*4\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n$1\r\n1\r\n");
  CHECK(h.Run({"MGET", "x"}) == "*1\r\n$-1\r\n");
}

TEST_CASE("MSET sets every pair and drops TTLs; an odd count is an arity error") {
  Harness h;
  CHECK(h.Run({"SET", "a", "old", "EX", "100"}) == kOk);
  CHECK(h.Run({"MSET", "a", "1", "b", "2"}) == kOk);
  CHECK(h.Run({"MGET", "a", "b"}) == "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  CHECK(h.Run({"TTL", "a"}) == Int(-1));
  CHECK(h.Run({"MSET", "a", "1", "b"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
  CHECK(h.Run({"MSET", "a"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
  CHECK(h.Run({"MSET", "k", "1", "k", "2"}) == kOk);  // later pairs win
  CHECK(h.Run({"GET", "k"}) == Bulk("2"));
}

TEST_CASE("MSETNX sets all pairs only when no key exists") {
  Harness h;
  CHECK(h.Run({"MSETNX", "a", "1", "b", "2"}) == Int(1));
  CHECK(h.Run({"MSETNX", "c", "3", "b", "9"}) == Int(0));
  CHECK(h.Run({"EXISTS", "c"}) == Int(0));
  CHECK(h.Run({"GET", "b"}) == Bulk("2"));
  CHECK(h.Run({"MSETNX", "x", "1", "x", "2"}) == Int(1));
  CHECK(h.Run({"GET", "x"}) == Bulk("2"));
  CHECK(h.Run({"MSETNX", "a", "1", "b"}) ==
        "-ERR wrong number of arguments for 'msetnx' command\r\n");
}

TEST_CASE("MSET, MGET and DEL with many keys") {
  Harness h;
  constexpr int kKeys = 2000;
  std::vector<std::string> storage;
  for (int i = 0; i < kKeys; ++i) {
    storage.push_back(KeyName("key:", i));
    storage.push_back(KeyName("value:", i));
  }
  std::vector<std::string_view> mset = {"MSET"};
  for (const std::string& s : storage) mset.push_back(s);
  CHECK(h.Run(mset) == kOk);
  CHECK(h.store.Db(0).Count(h.clock.NowMs()) == kKeys);
  std::vector<std::string_view> mget = {"MGET"};
  std::string expected = "*" + std::to_string(kKeys) + "\r\n";
  for (int i = 0; i < kKeys; ++i) {
    mget.push_back(storage[2 * i]);
    expected += Bulk(storage[2 * i + 1]);
  }
  CHECK(h.Run(mget) == expected);
  mget[0] = "DEL";
  CHECK(h.Run(mget) == Int(kKeys));
  CHECK(h.store.Db(0).Count(h.clock.NowMs()) == 0);
}

TEST_CASE("read commands count keyspace hits and misses as Redis does") {
  Harness h;
  auto& stats = h.server.stats;
  CHECK(h.Run({"SET", "a", "1"}) == kOk);
  CHECK(stats.keyspace_hits == 0);
  CHECK(stats.keyspace_misses == 0);
  h.Run({"GET", "a"});
  h.Run({"GET", "b"});
  CHECK(stats.keyspace_hits == 1);
  CHECK(stats.keyspace_misses == 1);
  h.Run({"MGET", "a", "b", "b"});
  CHECK(stats.keyspace_hits == 2);
  CHECK(stats.keyspace_misses == 3);
  h.Run({"SET", "a", "2", "GET"});  // GET looks the key up for reading
  h.Run({"GETSET", "c", "1"});
  CHECK(stats.keyspace_hits == 3);
  CHECK(stats.keyspace_misses == 4);
  // Writes look keys up without counting.
  h.Run({"SET", "a", "3"});
  h.Run({"SETNX", "a", "3"});
  h.Run({"INCR", "n"});
  h.Run({"APPEND", "a", "x"});
  CHECK(stats.keyspace_hits == 3);
  CHECK(stats.keyspace_misses == 4);
}

TEST_CASE("writes count changes for rdb_changes_since_last_save") {
  Harness h;
  auto& dirty = h.server.stats.dirty;
  const uint64_t start = dirty;
  h.Run({"SET", "a", "1"});
  CHECK(dirty == start + 1);
  h.Run({"MSET", "a", "1", "b", "2", "c", "3"});
  CHECK(dirty == start + 4);
  h.Run({"SET", "a", "1", "NX"});  // refused: no change
  h.Run({"SETNX", "a", "1"});
  h.Run({"MSETNX", "a", "1", "z", "2"});
  h.Run({"GET", "a"});
  CHECK(dirty == start + 4);
  h.Run({"GETEX", "a", "EX", "10"});
  h.Run({"GETEX", "a", "PERSIST"});
  h.Run({"GETEX", "a", "PERSIST"});  // no TTL to remove
  CHECK(dirty == start + 6);
}

}  // namespace
}  // namespace kvd::testing
