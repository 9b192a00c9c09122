// OBJECT IDLETIME / FREQ against the real binary, switching maxmemory-policy at run time,
// and CLIENT NO-TOUCH. Real time passes here: lfu-decay-time 0 keeps a minute boundary from
// decaying the counters, and idle times are checked loosely; the exact arithmetic is in the
// unit tests (ManualClock).
#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

// The full texts are checked by the unit tests (object_command_test.cpp).
bool LfuSelectedError(const std::string& reply) {
  return reply.rfind("-ERR An LFU maxmemory policy is selected, idle time not tracked.", 0) == 0;
}
bool LfuNotSelectedError(const std::string& reply) {
  return reply.rfind("-ERR An LFU maxmemory policy is not selected, access frequency not "
                     "tracked.", 0) == 0;
}

TEST_CASE("OBJECT REFCOUNT of a small integer's COPY: a private object until rewritten") {
  ServerProcess server;
  RawClient c(server.port());
  const std::string shared = Int(2147483647);
  REQUIRE(c.Call({"SET", "a", "5"}) == kOk);
  CHECK(c.Call({"OBJECT", "REFCOUNT", "a"}) == shared);
  REQUIRE(c.Call({"COPY", "a", "b"}) == Int(1));
  CHECK(c.Call({"OBJECT", "REFCOUNT", "b"}) == Int(1));
  CHECK(c.Call({"OBJECT", "ENCODING", "b"}) == Bulk("int"));
  CHECK(c.Call({"OBJECT", "REFCOUNT", "a"}) == shared);
  // Renaming, moving or expiring keeps the object; a new value is shared again.
  REQUIRE(c.Call({"RENAME", "b", "c"}) == kOk);
  REQUIRE(c.Call({"EXPIRE", "c", "100"}) == Int(1));
  CHECK(c.Call({"OBJECT", "REFCOUNT", "c"}) == Int(1));
  REQUIRE(c.Call({"COPY", "a", "m"}) == Int(1));
  REQUIRE(c.Call({"MOVE", "m", "1"}) == Int(1));
  REQUIRE(c.Call({"SELECT", "1"}) == kOk);
  CHECK(c.Call({"OBJECT", "REFCOUNT", "m"}) == Int(1));
  REQUIRE(c.Call({"SELECT", "0"}) == kOk);
  CHECK(c.Call({"INCR", "c"}) == Int(6));
  CHECK(c.Call({"OBJECT", "REFCOUNT", "c"}) == shared);
  REQUIRE(c.Call({"COPY", "a", "d"}) == Int(1));
  REQUIRE(c.Call({"SET", "d", "7"}) == kOk);
  CHECK(c.Call({"OBJECT", "REFCOUNT", "d"}) == shared);
}

TEST_CASE("OBJECT ENCODING of a string: int, embstr or raw as written; raw once edited in place") {
  ServerProcess server;
  RawClient c(server.port());
  const auto encoding = [&](const std::string& key) {
    return c.Exec({"OBJECT", "ENCODING", key}).str;
  };
  REQUIRE(c.Call({"SET", "n", "12345"}) == kOk);
  CHECK(encoding("n") == "int");
  REQUIRE(c.Call({"SET", "s", "hello"}) == kOk);
  CHECK(encoding("s") == "embstr");
  REQUIRE(c.Call({"SET", "long", std::string(45, 'x')}) == kOk);
  CHECK(encoding("long") == "raw");

  // Edited in place: raw, however short or numeric.
  CHECK(c.Call({"APPEND", "n", "6"}) == Int(6));
  CHECK(encoding("n") == "raw");
  CHECK(c.Call({"OBJECT", "REFCOUNT", "n"}) == Int(1));
  CHECK(c.Call({"APPEND", "s", "!"}) == Int(6));
  CHECK(encoding("s") == "raw");
  CHECK(c.Call({"SETRANGE", "r", "0", "ab"}) == Int(2));
  CHECK(encoding("r") == "raw");
  CHECK(c.Call({"SETBIT", "b", "0", "1"}) == Int(0));
  CHECK(encoding("b") == "raw");
  CHECK(c.Call({"PFADD", "h", "a"}) == Int(1));
  CHECK(encoding("h") == "raw");
  CHECK(c.Call({"BITOP", "OR", "d", "b"}) == Int(1));
  CHECK(encoding("d") == "raw");
  // Kept by what moves or copies the value, or only touches its TTL.
  CHECK(c.Call({"EXPIRE", "s", "100"}) == Int(1));
  CHECK(c.Call({"RENAME", "s", "s2"}) == kOk);
  CHECK(c.Call({"COPY", "s2", "s3"}) == Int(1));
  CHECK(encoding("s2") == "raw");
  CHECK(encoding("s3") == "raw");

  // Written whole again: as SET encodes it.
  CHECK(c.Call({"APPEND", "fresh", "abc"}) == Int(3));  // created by APPEND
  CHECK(encoding("fresh") == "embstr");
  CHECK(c.Call({"INCR", "n"}) == Int(123457));
  CHECK(encoding("n") == "int");
  REQUIRE(c.Call({"SET", "s2", "hi"}) == kOk);
  CHECK(encoding("s2") == "embstr");
}

TEST_CASE("OBJECT ENCODING after edits that change nothing, INCRBYFLOAT and SORT, as Redis") {
  ServerProcess server;
  RawClient c(server.port());
  const auto encoding = [&](const std::string& key) {
    return c.Exec({"OBJECT", "ENCODING", key}).str;
  };
  // The bit commands take the value for editing even when the bits already are so.
  REQUIRE(c.Call({"SET", "bit", "12"}) == kOk);
  CHECK(c.Call({"SETBIT", "bit", "0", "0"}) == Int(0));
  CHECK(encoding("bit") == "raw");
  REQUIRE(c.Call({"SET", "field", "12"}) == kOk);
  CHECK(c.Call({"BITFIELD", "field", "SET", "u8", "0", "49"}) == "*1\r\n:49\r\n");
  CHECK(encoding("field") == "raw");
  // APPEND of nothing edits the value, and counts as a change for WATCH.
  REQUIRE(c.Call({"SET", "app", "12"}) == kOk);
  REQUIRE(c.Call({"WATCH", "app"}) == kOk);
  CHECK(c.Call({"APPEND", "app", ""}) == Int(2));
  CHECK(encoding("app") == "raw");
  REQUIRE(c.Call({"MULTI"}) == kOk);
  REQUIRE(c.Call({"PING"}) == "+QUEUED\r\n");
  CHECK(c.Call({"EXEC"}) == "*-1\r\n");
  // INCRBYFLOAT's result is text, never an integer encoding.
  CHECK(c.Exec({"INCRBYFLOAT", "f", "3"}).str == "3");
  CHECK(encoding("f") == "embstr");
  CHECK(c.Call({"INCR", "f"}) == Int(4));
  CHECK(encoding("f") == "int");
  // SORT converts a small sorted set to the skiplist encoding for good.
  REQUIRE(c.Call({"ZADD", "z", "1", "a", "2", "b"}) == Int(2));
  CHECK(encoding("z") == "listpack");
  CHECK(c.Call({"SORT", "z", "ALPHA"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(encoding("z") == "skiplist");
  CHECK(c.Call({"ZADD", "z", "3", "c"}) == Int(1));
  CHECK(encoding("z") == "skiplist");
}

TEST_CASE("OBJECT IDLETIME and FREQ follow maxmemory-policy set at run time") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "k", "some text"}) == kOk);
  const Reply idle = c.Exec({"OBJECT", "IDLETIME", "k"});
  REQUIRE(idle.type == ':');
  CHECK(idle.integer >= 0);
  CHECK(idle.integer <= 2);
  CHECK(LfuNotSelectedError(c.Call({"OBJECT", "FREQ", "k"})));
  CHECK(c.Call({"OBJECT", "IDLETIME", "missing"}) == kNil);

  CHECK(c.Call({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu", "lfu-decay-time", "0"}) ==
        kOk);
  CHECK(LfuSelectedError(c.Call({"OBJECT", "IDLETIME", "k"})));
  CHECK(c.Call({"OBJECT", "FREQ", "missing"}) == kNil);
  CHECK(c.Call({"SET", "n", "some text"}) == kOk);
  CHECK(c.Call({"OBJECT", "FREQ", "n"}) == Int(5));  // LFU_INIT_VAL
  CHECK(c.Call({"OBJECT", "FREQ", "n"}) == Int(5));  // OBJECT is no access
  CHECK(c.Call({"GET", "n"}) == Bulk("some text"));  // at 5 an access always counts
  CHECK(c.Call({"OBJECT", "FREQ", "n"}) == Int(6));

  CHECK(c.Call({"CONFIG", "SET", "maxmemory-policy", "volatile-lru"}) == kOk);
  CHECK(LfuNotSelectedError(c.Call({"OBJECT", "FREQ", "n"})));
  CHECK(c.Exec({"OBJECT", "IDLETIME", "n"}).type == ':');
  CHECK(c.Exec({"CONFIG", "GET", "lfu-log-factor"}).Field("lfu-log-factor")->Text() == "10");
}

TEST_CASE("CLIENT NO-TOUCH leaves the LFU counter alone, except for TOUCH") {
  if (!Expects72()) return;  // Redis 7.2
  ServerProcess server;
  RawClient c(server.port());
  // Factor 0: every access counts, so a missing count is the no-touch mode, not chance.
  CHECK(c.Call({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu", "lfu-decay-time", "0",
                "lfu-log-factor", "0"}) == kOk);
  CHECK(c.Call({"SET", "k", "some text"}) == kOk);
  CHECK(c.Call({"CLIENT", "NO-TOUCH", "ON"}) == kOk);
  CHECK(c.Call({"GET", "k"}) == Bulk("some text"));
  CHECK(c.Call({"OBJECT", "FREQ", "k"}) == Int(5));  // not counted
  CHECK(c.Call({"TOUCH", "k"}) == Int(1));
  CHECK(c.Call({"OBJECT", "FREQ", "k"}) == Int(6));
  CHECK(c.Call({"CLIENT", "NO-TOUCH", "OFF"}) == kOk);
  CHECK(c.Call({"GET", "k"}) == Bulk("some text"));
  CHECK(c.Call({"OBJECT", "FREQ", "k"}) == Int(7));
}

}  // namespace
}  // namespace kvd::e2e
