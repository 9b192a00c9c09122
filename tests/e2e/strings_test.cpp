// String commands end to end: exact replies and errors, as Redis gives them.
#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

// The server's clock in Unix seconds (tests compute EXAT/PXAT from it, not from ours).
int64_t ServerTimeSec(RawClient& c) { return std::stoll(c.Exec({"TIME"}).elements.at(0).str); }

TEST_CASE("GET and SET without options") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"GET", "k"}) == kNil);
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"GET", "k"}) == Bulk("v"));
  CHECK(c.Call({"SET", "k", ""}) == kOk);
  CHECK(c.Call({"GET", "k"}) == Bulk(""));
  CHECK(c.Call({"GET"}) == ArityErr("get"));
  CHECK(c.Call({"GET", "a", "b"}) == ArityErr("get"));
  CHECK(c.Call({"SET", "k"}) == ArityErr("set"));
  // Command names are case-insensitive; the arity error names the command in lower case.
  CHECK(c.Call({"gEt", "k"}) == Bulk(""));
  CHECK(c.Call({"sEt", "k"}) == ArityErr("set"));
}

TEST_CASE("SET NX, XX and GET") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "k", "1", "XX"}) == kNil);
  CHECK(c.Call({"EXISTS", "k"}) == Int(0));
  CHECK(c.Call({"SET", "k", "1", "NX"}) == kOk);
  CHECK(c.Call({"SET", "k", "2", "NX"}) == kNil);
  CHECK(c.Call({"GET", "k"}) == Bulk("1"));
  CHECK(c.Call({"SET", "k", "3", "xx"}) == kOk);
  CHECK(c.Call({"GET", "k"}) == Bulk("3"));
  CHECK(c.Call({"SET", "k", "4", "NX", "XX"}) == kSyntaxErr);
  CHECK(c.Call({"SET", "k", "4", "NX", "NX"}) == kNil);  // a repeated flag is fine
  CHECK(c.Call({"SET", "k", "4", "BOGUS"}) == kSyntaxErr);

  CHECK(c.Call({"SET", "k", "5", "GET"}) == Bulk("3"));
  CHECK(c.Call({"GET", "k"}) == Bulk("5"));
  CHECK(c.Call({"SET", "new", "x", "GET"}) == kNil);
  CHECK(c.Call({"GET", "new"}) == Bulk("x"));
  // GET with NX: replies the old value and does not set (Redis 7.0+).
  CHECK(c.Call({"SET", "k", "6", "NX", "GET"}) == Bulk("5"));
  CHECK(c.Call({"GET", "k"}) == Bulk("5"));
  CHECK(c.Call({"SET", "k", "7", "XX", "GET"}) == Bulk("5"));
  CHECK(c.Call({"GET", "k"}) == Bulk("7"));
}

TEST_CASE("SET expiry options: EX, PX, EXAT, PXAT, KEEPTTL") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "k", "v", "EX", "100"}) == kOk);
  int64_t ttl = c.Exec({"TTL", "k"}).integer;
  CHECK((ttl >= 99 && ttl <= 100));

  CHECK(c.Call({"SET", "k", "v", "PX", "100000"}) == kOk);
  int64_t pttl = c.Exec({"PTTL", "k"}).integer;
  CHECK((pttl > 90000 && pttl <= 100000));

  const int64_t now = ServerTimeSec(c);
  CHECK(c.Call({"SET", "k", "v", "EXAT", std::to_string(now + 200)}) == kOk);
  CHECK(c.Call({"EXPIRETIME", "k"}) == Int(now + 200));
  CHECK(c.Call({"SET", "k", "v", "PXAT", std::to_string((now + 300) * 1000 + 123)}) == kOk);
  CHECK(c.Call({"PEXPIRETIME", "k"}) == Int((now + 300) * 1000 + 123));

  // KEEPTTL keeps the deadline; a plain SET drops it.
  CHECK(c.Call({"SET", "k", "v2", "KEEPTTL"}) == kOk);
  CHECK(c.Call({"PEXPIRETIME", "k"}) == Int((now + 300) * 1000 + 123));
  CHECK(c.Call({"GET", "k"}) == Bulk("v2"));
  CHECK(c.Call({"SET", "k", "v3"}) == kOk);
  CHECK(c.Call({"TTL", "k"}) == Int(-1));

  // An EXAT in the past stores nothing visible.
  CHECK(c.Call({"SET", "past", "v", "EXAT", std::to_string(now - 10)}) == kOk);
  CHECK(c.Call({"GET", "past"}) == kNil);
  CHECK(c.Call({"EXISTS", "past"}) == Int(0));
}

TEST_CASE("SET option errors") {
  ServerProcess server;
  RawClient c(server.port());
  const std::string invalid = Err("ERR invalid expire time in 'set' command");
  CHECK(c.Call({"SET", "k", "v", "EX", "0"}) == invalid);
  CHECK(c.Call({"SET", "k", "v", "EX", "-5"}) == invalid);
  CHECK(c.Call({"SET", "k", "v", "PX", "0"}) == invalid);
  CHECK(c.Call({"SET", "k", "v", "EXAT", "0"}) == invalid);
  CHECK(c.Call({"SET", "k", "v", "EX", "9999999999999999"}) == invalid);  // overflows in ms
  CHECK(c.Call({"SET", "k", "v", "PX", "9223372036854775807"}) == invalid);
  CHECK(c.Call({"SET", "k", "v", "EX", "abc"}) == kNotIntErr);
  CHECK(c.Call({"SET", "k", "v", "EX", "1.5"}) == kNotIntErr);
  CHECK(c.Call({"SET", "k", "v", "EX"}) == kSyntaxErr);  // missing value
  CHECK(c.Call({"SET", "k", "v", "EX", "10", "PX", "10"}) == kSyntaxErr);
  CHECK(c.Call({"SET", "k", "v", "EX", "10", "KEEPTTL"}) == kSyntaxErr);
  CHECK(c.Call({"SET", "k", "v", "KEEPTTL", "PXAT", "10"}) == kSyntaxErr);
  // Nothing above stored anything.
  CHECK(c.Call({"EXISTS", "k"}) == Int(0));
}

TEST_CASE("SETNX, SETEX, PSETEX, GETSET, GETDEL") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SETNX", "k", "1"}) == Int(1));
  CHECK(c.Call({"SETNX", "k", "2"}) == Int(0));
  CHECK(c.Call({"GET", "k"}) == Bulk("1"));
  CHECK(c.Call({"SETNX", "k"}) == ArityErr("setnx"));

  CHECK(c.Call({"SETEX", "e", "100", "v"}) == kOk);
  CHECK(c.Call({"GET", "e"}) == Bulk("v"));
  int64_t ttl = c.Exec({"TTL", "e"}).integer;
  CHECK((ttl >= 99 && ttl <= 100));
  CHECK(c.Call({"SETEX", "e", "0", "v"}) == Err("ERR invalid expire time in 'setex' command"));
  CHECK(c.Call({"SETEX", "e", "-1", "v"}) == Err("ERR invalid expire time in 'setex' command"));
  CHECK(c.Call({"SETEX", "e", "abc", "v"}) == kNotIntErr);
  CHECK(c.Call({"SETEX", "e", "10"}) == ArityErr("setex"));

  CHECK(c.Call({"PSETEX", "p", "100000", "v"}) == kOk);
  int64_t pttl = c.Exec({"PTTL", "p"}).integer;
  CHECK((pttl > 90000 && pttl <= 100000));
  CHECK(c.Call({"PSETEX", "p", "0", "v"}) == Err("ERR invalid expire time in 'psetex' command"));

  CHECK(c.Call({"GETSET", "g", "1"}) == kNil);
  CHECK(c.Call({"GETSET", "g", "2"}) == Bulk("1"));
  CHECK(c.Call({"GET", "g"}) == Bulk("2"));
  // GETSET drops the TTL, as SET does.
  CHECK(c.Call({"GETSET", "e", "w"}) == Bulk("v"));
  CHECK(c.Call({"TTL", "e"}) == Int(-1));

  CHECK(c.Call({"GETDEL", "g"}) == Bulk("2"));
  CHECK(c.Call({"GETDEL", "g"}) == kNil);
  CHECK(c.Call({"EXISTS", "g"}) == Int(0));
  CHECK(c.Call({"GETDEL"}) == ArityErr("getdel"));
}

TEST_CASE("GETEX with EX, PX, EXAT, PXAT and PERSIST") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"GETEX", "missing"}) == kNil);
  CHECK(c.Call({"GETEX", "missing", "EX", "10"}) == kNil);
  CHECK(c.Call({"EXISTS", "missing"}) == Int(0));
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"GETEX", "k"}) == Bulk("v"));
  CHECK(c.Call({"TTL", "k"}) == Int(-1));
  CHECK(c.Call({"GETEX", "k", "EX", "100"}) == Bulk("v"));
  int64_t ttl = c.Exec({"TTL", "k"}).integer;
  CHECK((ttl >= 99 && ttl <= 100));
  CHECK(c.Call({"GETEX", "k", "PX", "200000"}) == Bulk("v"));
  int64_t pttl = c.Exec({"PTTL", "k"}).integer;
  CHECK((pttl > 190000 && pttl <= 200000));
  const int64_t now = ServerTimeSec(c);
  CHECK(c.Call({"GETEX", "k", "EXAT", std::to_string(now + 500)}) == Bulk("v"));
  CHECK(c.Call({"EXPIRETIME", "k"}) == Int(now + 500));
  CHECK(c.Call({"GETEX", "k", "PXAT", std::to_string(now * 1000 + 600000)}) == Bulk("v"));
  CHECK(c.Call({"PEXPIRETIME", "k"}) == Int(now * 1000 + 600000));
  CHECK(c.Call({"GETEX", "k", "PERSIST"}) == Bulk("v"));
  CHECK(c.Call({"TTL", "k"}) == Int(-1));

  CHECK(c.Call({"GETEX", "k", "EX", "0"}) == Err("ERR invalid expire time in 'getex' command"));
  CHECK(c.Call({"GETEX", "k", "EX", "abc"}) == kNotIntErr);
  CHECK(c.Call({"GETEX", "k", "EX", "10", "PX", "10"}) == kSyntaxErr);
  CHECK(c.Call({"GETEX", "k", "PERSIST", "EX", "10"}) == kSyntaxErr);
  CHECK(c.Call({"GETEX", "k", "KEEPTTL"}) == kSyntaxErr);
  CHECK(c.Call({"TTL", "k"}) == Int(-1));
  // An expiry in the past deletes the key (and still returns the value).
  CHECK(c.Call({"GETEX", "k", "EXAT", std::to_string(now - 10)}) == Bulk("v"));
  CHECK(c.Call({"EXISTS", "k"}) == Int(0));
}

TEST_CASE("MGET, MSET, MSETNX") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"MSET", "a", "1", "b", "2"}) == kOk);
  CHECK(c.Call({"MGET", "a", "missing", "b"}) == Arr({Bulk("1"), kNil, Bulk("2")}));
  CHECK(c.Call({"MSET", "a", "3", "a", "4"}) == kOk);  // the last one wins
  CHECK(c.Call({"GET", "a"}) == Bulk("4"));
  CHECK(c.Call({"MSET", "a", "1", "b"}) == ArityErr("mset"));
  CHECK(c.Call({"MSET", "a"}) == ArityErr("mset"));
  CHECK(c.Call({"MGET"}) == ArityErr("mget"));

  CHECK(c.Call({"MSETNX", "x", "1", "y", "2"}) == Int(1));
  CHECK(c.Call({"MSETNX", "y", "3", "z", "4"}) == Int(0));  // y exists: nothing is set
  CHECK(c.Call({"MGET", "x", "y", "z"}) == Arr({Bulk("1"), Bulk("2"), kNil}));
  CHECK(c.Call({"MSETNX", "a", "1", "b"}) == ArityErr("msetnx"));
}

TEST_CASE("INCR, DECR, INCRBY, DECRBY") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"INCR", "n"}) == Int(1));
  CHECK(c.Call({"INCR", "n"}) == Int(2));
  CHECK(c.Call({"INCRBY", "n", "10"}) == Int(12));
  CHECK(c.Call({"INCRBY", "n", "-20"}) == Int(-8));
  CHECK(c.Call({"DECR", "n"}) == Int(-9));
  CHECK(c.Call({"DECRBY", "n", "-9"}) == Int(0));
  CHECK(c.Call({"DECR", "fresh"}) == Int(-1));
  CHECK(c.Call({"GET", "n"}) == Bulk("0"));

  CHECK(c.Call({"SET", "s", "abc"}) == kOk);
  CHECK(c.Call({"INCR", "s"}) == kNotIntErr);
  CHECK(c.Call({"SET", "s", "01"}) == kOk);  // not canonical
  CHECK(c.Call({"INCR", "s"}) == kNotIntErr);
  CHECK(c.Call({"SET", "s", " 1"}) == kOk);
  CHECK(c.Call({"INCR", "s"}) == kNotIntErr);
  CHECK(c.Call({"SET", "s", "1.5"}) == kOk);
  CHECK(c.Call({"INCR", "s"}) == kNotIntErr);
  CHECK(c.Call({"INCRBY", "n", "abc"}) == kNotIntErr);
  CHECK(c.Call({"INCRBY", "n", "99999999999999999999"}) == kNotIntErr);

  CHECK(c.Call({"SET", "big", "9223372036854775807"}) == kOk);
  CHECK(c.Call({"INCR", "big"}) == Err("ERR increment or decrement would overflow"));
  CHECK(c.Call({"SET", "small", "-9223372036854775808"}) == kOk);
  CHECK(c.Call({"DECR", "small"}) == Err("ERR increment or decrement would overflow"));
  CHECK(c.Call({"DECRBY", "x", "-9223372036854775808"}) == Err("ERR decrement would overflow"));
  CHECK(c.Call({"GET", "big"}) == Bulk("9223372036854775807"));

  // INCR keeps the TTL.
  CHECK(c.Call({"SET", "t", "5", "EX", "100"}) == kOk);
  CHECK(c.Call({"INCR", "t"}) == Int(6));
  CHECK(c.Exec({"TTL", "t"}).integer > 0);
  CHECK(c.Call({"INCR"}) == ArityErr("incr"));
  CHECK(c.Call({"INCRBY", "n"}) == ArityErr("incrby"));
}

TEST_CASE("INCRBYFLOAT") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "f", "10.5"}) == kOk);
  CHECK(c.Call({"INCRBYFLOAT", "f", "0.1"}) == Bulk("10.6"));
  CHECK(c.Call({"INCRBYFLOAT", "f", "-5"}) == Bulk("5.6"));
  CHECK(c.Call({"SET", "f", "5.0e3"}) == kOk);
  CHECK(c.Call({"INCRBYFLOAT", "f", "2.0e2"}) == Bulk("5200"));
  CHECK(c.Call({"GET", "f"}) == Bulk("5200"));
  CHECK(c.Call({"INCRBYFLOAT", "new", "3"}) == Bulk("3"));
  CHECK(c.Call({"INCRBYFLOAT", "f", "abc"}) == Err("ERR value is not a valid float"));
  CHECK(c.Call({"SET", "s", "abc"}) == kOk);
  CHECK(c.Call({"INCRBYFLOAT", "s", "1"}) == Err("ERR value is not a valid float"));
  CHECK(c.Call({"INCRBYFLOAT", "f", "inf"}) ==
        Err("ERR increment would produce NaN or Infinity"));
  CHECK(c.Call({"GET", "f"}) == Bulk("5200"));
}

TEST_CASE("APPEND and STRLEN") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"STRLEN", "k"}) == Int(0));
  CHECK(c.Call({"APPEND", "k", "Hello"}) == Int(5));
  CHECK(c.Call({"APPEND", "k", " World"}) == Int(11));
  CHECK(c.Call({"GET", "k"}) == Bulk("Hello World"));
  CHECK(c.Call({"STRLEN", "k"}) == Int(11));
  CHECK(c.Call({"APPEND", "k", ""}) == Int(11));
  CHECK(c.Call({"SET", "n", "12"}) == kOk);
  CHECK(c.Call({"APPEND", "n", "34"}) == Int(4));
  CHECK(c.Call({"INCR", "n"}) == Int(1235));
  CHECK(c.Call({"STRLEN", "n"}) == Int(4));
  CHECK(c.Call({"APPEND", "k"}) == ArityErr("append"));
  CHECK(c.Call({"STRLEN"}) == ArityErr("strlen"));
}

TEST_CASE("GETRANGE, SUBSTR, SETRANGE") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "k", "This is a string"}) == kOk);
  for (std::string cmd : {"GETRANGE", "SUBSTR"}) {
    CAPTURE(cmd);
    CHECK(c.Call({cmd, "k", "0", "3"}) == Bulk("This"));
    CHECK(c.Call({cmd, "k", "-3", "-1"}) == Bulk("ing"));
    CHECK(c.Call({cmd, "k", "0", "-1"}) == Bulk("This is a string"));
    CHECK(c.Call({cmd, "k", "10", "100"}) == Bulk("string"));
    CHECK(c.Call({cmd, "k", "5", "3"}) == Bulk(""));
    CHECK(c.Call({cmd, "k", "-100", "2"}) == Bulk("Thi"));
    CHECK(c.Call({cmd, "missing", "0", "-1"}) == Bulk(""));
    CHECK(c.Call({cmd, "k", "a", "1"}) == kNotIntErr);
  }
  CHECK(c.Call({"GETRANGE", "k", "0"}) == ArityErr("getrange"));

  CHECK(c.Call({"SETRANGE", "k", "10", "STRING"}) == Int(16));
  CHECK(c.Call({"GET", "k"}) == Bulk("This is a STRING"));
  CHECK(c.Call({"SETRANGE", "pad", "5", "x"}) == Int(6));  // zero padded
  CHECK(c.Call({"GET", "pad"}) == Bulk(std::string("\0\0\0\0\0x", 6)));
  CHECK(c.Call({"SETRANGE", "none", "0", ""}) == Int(0));  // creates nothing
  CHECK(c.Call({"EXISTS", "none"}) == Int(0));
  CHECK(c.Call({"SETRANGE", "k", "-1", "v"}) == Err("ERR offset is out of range"));
  CHECK(c.Call({"SETRANGE", "k", "abc", "v"}) == kNotIntErr);
  CHECK(c.Call({"SETRANGE", "k", "536870912", "x"}) ==
        Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  CHECK(c.Call({"SETRANGE", "k", "1"}) == ArityErr("setrange"));
}

}  // namespace
}  // namespace kvd::e2e
