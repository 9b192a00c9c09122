// Generic key commands end to end: DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, COPY, MOVE, SWAPDB...
#include <algorithm>
#include <set>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

std::vector<std::string> Strings(const Reply& array) {
  std::vector<std::string> out;
  for (const Reply& e : array.elements) out.push_back(e.str);
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Runs a full SCAN iteration with `options`; returns every key it produced (with repeats).
std::vector<std::string> ScanAll(RawClient& c, const std::vector<std::string>& options) {
  std::vector<std::string> keys;
  std::string cursor = "0";
  for (int rounds = 0; rounds < 100000; ++rounds) {
    std::vector<std::string> cmd = {"SCAN", cursor};
    cmd.insert(cmd.end(), options.begin(), options.end());
    Reply r = c.Exec(cmd);
    REQUIRE(r.type == '*');
    REQUIRE(r.elements.size() == 2);
    cursor = r.elements[0].str;
    for (const Reply& k : r.elements[1].elements) keys.push_back(k.str);
    if (cursor == "0") return keys;
  }
  FAIL("SCAN never returned cursor 0");
  return keys;
}

TEST_CASE("DEL, UNLINK, EXISTS, TYPE, TOUCH") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"MSET", "a", "1", "b", "2", "c", "3"}) == kOk);
  CHECK(c.Call({"EXISTS", "a", "a", "missing", "b"}) == Int(3));  // repeats count
  CHECK(c.Call({"TYPE", "a"}) == "+string\r\n");
  CHECK(c.Call({"TYPE", "missing"}) == "+none\r\n");
  CHECK(c.Call({"TOUCH", "a", "b", "missing"}) == Int(2));
  CHECK(c.Call({"DEL", "a", "missing", "a"}) == Int(1));
  CHECK(c.Call({"EXISTS", "a"}) == Int(0));
  CHECK(c.Call({"UNLINK", "b", "c", "missing"}) == Int(2));
  CHECK(c.Call({"DBSIZE"}) == Int(0));
  CHECK(c.Call({"DEL"}) == ArityErr("del"));
  CHECK(c.Call({"UNLINK"}) == ArityErr("unlink"));
  CHECK(c.Call({"EXISTS"}) == ArityErr("exists"));
  CHECK(c.Call({"TYPE"}) == ArityErr("type"));
  CHECK(c.Call({"TOUCH"}) == ArityErr("touch"));
}

TEST_CASE("KEYS with glob patterns") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"MSET", "hello", "1", "hallo", "2", "hxllo", "3", "hllo", "4", "heeeello", "5",
                "h*llo", "6", "other", "7"}) == kOk);
  using V = std::vector<std::string>;
  CHECK(Sorted(Strings(c.Exec({"KEYS", "*"}))) ==
        V{"h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo", "other"});
  CHECK(Sorted(Strings(c.Exec({"KEYS", "h?llo"}))) == V{"h*llo", "hallo", "hello", "hxllo"});
  CHECK(Sorted(Strings(c.Exec({"KEYS", "h*llo"}))) ==
        V{"h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo"});
  CHECK(Sorted(Strings(c.Exec({"KEYS", "h[ae]llo"}))) == V{"hallo", "hello"});
  CHECK(Sorted(Strings(c.Exec({"KEYS", "h[^e]llo"}))) == V{"h*llo", "hallo", "hxllo"});
  CHECK(Sorted(Strings(c.Exec({"KEYS", "h[a-b]llo"}))) == V{"hallo"});
  CHECK(Sorted(Strings(c.Exec({"KEYS", "h\\*llo"}))) == V{"h*llo"});
  CHECK(Sorted(Strings(c.Exec({"KEYS", "nomatch*"}))) == V{});
  CHECK(c.Call({"KEYS", "nomatch*"}) == "*0\r\n");
  CHECK(c.Call({"KEYS"}) == ArityErr("keys"));
}

TEST_CASE("SCAN with MATCH, COUNT and TYPE") {
  ServerProcess server;
  RawClient c(server.port());
  std::set<std::string> users, all;
  for (int i = 0; i < 300; ++i) {
    std::string user = "user:" + std::to_string(i), other = "item:" + std::to_string(i);
    CHECK(c.Call({"MSET", user, "u", other, "i"}) == kOk);
    users.insert(user);
    all.insert(user);
    all.insert(other);
  }
  // Every key exactly once (nothing changes during the iteration), whatever the COUNT.
  for (std::string count : {"1", "10", "1000"}) {
    CAPTURE(count);
    std::vector<std::string> got = ScanAll(c, {"COUNT", count});
    CHECK(std::set<std::string>(got.begin(), got.end()) == all);
  }
  std::vector<std::string> got = ScanAll(c, {"MATCH", "user:*"});
  CHECK(std::set<std::string>(got.begin(), got.end()) == users);
  got = ScanAll(c, {"MATCH", "user:1?", "COUNT", "50"});
  CHECK(Sorted(got) == Sorted({"user:10", "user:11", "user:12", "user:13", "user:14", "user:15",
                               "user:16", "user:17", "user:18", "user:19"}));
  got = ScanAll(c, {"TYPE", "string", "MATCH", "item:29?"});
  CHECK(got.size() == 10);
  CHECK(ScanAll(c, {"TYPE", "hash"}).empty());

  CHECK(c.Call({"SCAN", "abc"}) == Err("ERR invalid cursor"));
  CHECK(c.Call({"SCAN", "0", "COUNT", "0"}) == kSyntaxErr);
  CHECK(c.Call({"SCAN", "0", "COUNT", "x"}) == kNotIntErr);
  CHECK(c.Call({"SCAN", "0", "BOGUS"}) == kSyntaxErr);
  CHECK(c.Call({"SCAN", "0", "MATCH"}) == kSyntaxErr);
  CHECK(c.Call({"SCAN"}) == ArityErr("scan"));
  CHECK(c.Call({"FLUSHALL"}) == kOk);
  CHECK(c.Call({"SCAN", "0"}) == Arr({Bulk("0"), "*0\r\n"}));
}

TEST_CASE("RANDOMKEY") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"RANDOMKEY"}) == kNil);
  CHECK(c.Call({"MSET", "a", "1", "b", "2"}) == kOk);
  for (int i = 0; i < 10; ++i) {
    std::string key = c.Exec({"RANDOMKEY"}).str;
    CHECK((key == "a" || key == "b"));
  }
  CHECK(c.Call({"RANDOMKEY", "x"}) == ArityErr("randomkey"));
}

TEST_CASE("RENAME and RENAMENX") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "a", "1", "EX", "100"}) == kOk);
  CHECK(c.Call({"RENAME", "a", "b"}) == kOk);
  CHECK(c.Call({"EXISTS", "a"}) == Int(0));
  CHECK(c.Call({"GET", "b"}) == Bulk("1"));
  CHECK(c.Exec({"TTL", "b"}).integer > 0);  // the TTL moves along
  CHECK(c.Call({"SET", "c", "3"}) == kOk);
  CHECK(c.Call({"RENAME", "b", "c"}) == kOk);  // overwrites
  CHECK(c.Call({"GET", "c"}) == Bulk("1"));
  CHECK(c.Call({"RENAME", "c", "c"}) == kOk);
  CHECK(c.Call({"RENAME", "missing", "x"}) == Err("ERR no such key"));
  CHECK(c.Call({"RENAME", "a"}) == ArityErr("rename"));

  CHECK(c.Call({"SET", "d", "4"}) == kOk);
  CHECK(c.Call({"RENAMENX", "c", "d"}) == Int(0));
  CHECK(c.Call({"GET", "d"}) == Bulk("4"));
  CHECK(c.Call({"RENAMENX", "c", "e"}) == Int(1));
  CHECK(c.Call({"GET", "e"}) == Bulk("1"));
  CHECK(c.Call({"RENAMENX", "e", "e"}) == Int(0));
  CHECK(c.Call({"RENAMENX", "missing", "x"}) == Err("ERR no such key"));
}

TEST_CASE("COPY, MOVE, SWAPDB across databases") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "src", "v", "EX", "100"}) == kOk);
  CHECK(c.Call({"COPY", "src", "dst"}) == Int(1));
  CHECK(c.Call({"GET", "dst"}) == Bulk("v"));
  CHECK(c.Exec({"TTL", "dst"}).integer > 0);  // COPY keeps the TTL
  CHECK(c.Call({"SET", "src", "w"}) == kOk);
  CHECK(c.Call({"COPY", "src", "dst"}) == Int(0));
  CHECK(c.Call({"GET", "dst"}) == Bulk("v"));
  CHECK(c.Call({"COPY", "src", "dst", "REPLACE"}) == Int(1));
  CHECK(c.Call({"GET", "dst"}) == Bulk("w"));
  CHECK(c.Call({"COPY", "missing", "x"}) == Int(0));
  CHECK(c.Call({"COPY", "src", "src"}) == Err("ERR source and destination objects are the same"));
  CHECK(c.Call({"COPY", "src", "x", "DB", "99"}) == Err("ERR DB index is out of range"));
  CHECK(c.Call({"COPY", "src", "x", "DB", "abc"}) == kNotIntErr);
  CHECK(c.Call({"COPY", "src", "x", "BOGUS"}) == kSyntaxErr);
  CHECK(c.Call({"COPY", "src", "src", "DB", "1"}) == Int(1));
  CHECK(c.Call({"SELECT", "1"}) == kOk);
  CHECK(c.Call({"GET", "src"}) == Bulk("w"));
  CHECK(c.Call({"DEL", "src"}) == Int(1));
  CHECK(c.Call({"SELECT", "0"}) == kOk);

  CHECK(c.Call({"MOVE", "src", "1"}) == Int(1));
  CHECK(c.Call({"EXISTS", "src"}) == Int(0));
  CHECK(c.Call({"MOVE", "missing", "1"}) == Int(0));
  CHECK(c.Call({"SET", "src", "again"}) == kOk);
  CHECK(c.Call({"MOVE", "src", "1"}) == Int(0));  // exists there already
  CHECK(c.Call({"GET", "src"}) == Bulk("again"));
  CHECK(c.Call({"MOVE", "src", "0"}) == Err("ERR source and destination objects are the same"));
  CHECK(c.Call({"MOVE", "src", "99"}) == Err("ERR DB index is out of range"));
  CHECK(c.Call({"MOVE", "src", "abc"}) == kNotIntErr);

  // db0: src=again, dst=w; db1: src=w.
  CHECK(c.Call({"SWAPDB", "0", "1"}) == kOk);
  CHECK(c.Call({"GET", "src"}) == Bulk("w"));
  CHECK(c.Call({"EXISTS", "dst"}) == Int(0));
  CHECK(c.Call({"DBSIZE"}) == Int(1));
  CHECK(c.Call({"SELECT", "1"}) == kOk);
  CHECK(c.Call({"GET", "src"}) == Bulk("again"));
  CHECK(c.Call({"SELECT", "0"}) == kOk);
  CHECK(c.Call({"SWAPDB", "0", "99"}) == Err("ERR DB index is out of range"));
  CHECK(c.Call({"SWAPDB", "a", "1"}) == Err("ERR invalid first DB index"));
  CHECK(c.Call({"SWAPDB", "0", "b"}) == Err("ERR invalid second DB index"));
  CHECK(c.Call({"SWAPDB", "0"}) == ArityErr("swapdb"));

  // Another connection sees the swap too: it is the databases that swap, not the clients.
  RawClient other(server.port());
  CHECK(other.Call({"GET", "src"}) == Bulk("w"));
}

TEST_CASE("EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PERSIST") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"TTL", "missing"}) == Int(-2));
  CHECK(c.Call({"PTTL", "missing"}) == Int(-2));
  CHECK(c.Call({"EXPIRETIME", "missing"}) == Int(-2));
  CHECK(c.Call({"PEXPIRETIME", "missing"}) == Int(-2));
  CHECK(c.Call({"EXPIRE", "missing", "10"}) == Int(0));
  CHECK(c.Call({"PERSIST", "missing"}) == Int(0));

  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"TTL", "k"}) == Int(-1));
  CHECK(c.Call({"PTTL", "k"}) == Int(-1));
  CHECK(c.Call({"EXPIRETIME", "k"}) == Int(-1));
  CHECK(c.Call({"PEXPIRETIME", "k"}) == Int(-1));
  CHECK(c.Call({"PERSIST", "k"}) == Int(0));

  CHECK(c.Call({"EXPIRE", "k", "100"}) == Int(1));
  int64_t ttl = c.Exec({"TTL", "k"}).integer;
  CHECK((ttl >= 99 && ttl <= 100));
  CHECK(c.Call({"PEXPIRE", "k", "200000"}) == Int(1));
  int64_t pttl = c.Exec({"PTTL", "k"}).integer;
  CHECK((pttl > 190000 && pttl <= 200000));
  const int64_t now = std::stoll(c.Exec({"TIME"}).elements.at(0).str);
  CHECK(c.Call({"EXPIREAT", "k", std::to_string(now + 1000)}) == Int(1));
  CHECK(c.Call({"EXPIRETIME", "k"}) == Int(now + 1000));
  CHECK(c.Call({"PEXPIRETIME", "k"}) == Int((now + 1000) * 1000));
  CHECK(c.Call({"PEXPIREAT", "k", std::to_string(now * 1000 + 2000500)}) == Int(1));
  CHECK(c.Call({"PEXPIRETIME", "k"}) == Int(now * 1000 + 2000500));
  CHECK(c.Call({"EXPIRETIME", "k"}) == Int(now + 2001));  // rounded to the nearest second
  CHECK(c.Call({"PEXPIREAT", "k", std::to_string(now * 1000 + 2000499)}) == Int(1));
  CHECK(c.Call({"EXPIRETIME", "k"}) == Int(now + 2000));
  CHECK(c.Call({"PERSIST", "k"}) == Int(1));
  CHECK(c.Call({"TTL", "k"}) == Int(-1));

  // A deadline in the past deletes the key.
  CHECK(c.Call({"EXPIRE", "k", "0"}) == Int(1));
  CHECK(c.Call({"EXISTS", "k"}) == Int(0));
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"PEXPIRE", "k", "-1"}) == Int(1));
  CHECK(c.Call({"EXISTS", "k"}) == Int(0));
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"EXPIREAT", "k", std::to_string(now - 100)}) == Int(1));
  CHECK(c.Call({"EXISTS", "k"}) == Int(0));

  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"EXPIRE", "k", "abc"}) == kNotIntErr);
  CHECK(c.Call({"EXPIRE", "k", "9223372036854775807"}) ==
        Err("ERR invalid expire time in 'expire' command"));
  CHECK(c.Call({"PEXPIRE", "k", "9223372036854775807"}) ==
        Err("ERR invalid expire time in 'pexpire' command"));
  CHECK(c.Call({"EXPIREAT", "k", "9223372036854775807"}) ==
        Err("ERR invalid expire time in 'expireat' command"));
  CHECK(c.Call({"TTL", "k"}) == Int(-1));
  CHECK(c.Call({"EXPIRE", "k"}) == ArityErr("expire"));
  CHECK(c.Call({"TTL"}) == ArityErr("ttl"));
  CHECK(c.Call({"PERSIST"}) == ArityErr("persist"));
}

TEST_CASE("EXPIRE options NX, XX, GT, LT") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"EXPIRE", "k", "100", "XX"}) == Int(0));  // no TTL yet
  CHECK(c.Call({"EXPIRE", "k", "100", "GT"}) == Int(0));  // no TTL counts as infinite
  CHECK(c.Call({"TTL", "k"}) == Int(-1));
  CHECK(c.Call({"EXPIRE", "k", "100", "NX"}) == Int(1));
  CHECK(c.Call({"EXPIRE", "k", "200", "NX"}) == Int(0));
  CHECK(c.Call({"EXPIRE", "k", "200", "XX"}) == Int(1));
  CHECK(c.Call({"EXPIRE", "k", "100", "GT"}) == Int(0));
  CHECK(c.Call({"EXPIRE", "k", "300", "GT"}) == Int(1));
  CHECK(c.Call({"EXPIRE", "k", "400", "LT"}) == Int(0));
  CHECK(c.Call({"PEXPIRE", "k", "50000", "lt"}) == Int(1));
  int64_t ttl = c.Exec({"TTL", "k"}).integer;
  CHECK((ttl >= 49 && ttl <= 50));
  CHECK(c.Call({"PERSIST", "k"}) == Int(1));
  CHECK(c.Call({"EXPIRE", "k", "100", "LT"}) == Int(1));  // anything is less than infinite
  const int64_t now = std::stoll(c.Exec({"TIME"}).elements.at(0).str);
  CHECK(c.Call({"EXPIREAT", "k", std::to_string(now + 50), "GT"}) == Int(0));
  CHECK(c.Call({"PEXPIREAT", "k", std::to_string((now + 500) * 1000), "GT"}) == Int(1));

  CHECK(c.Call({"EXPIRE", "k", "10", "NX", "XX"}) ==
        Err("ERR NX and XX, GT or LT options at the same time are not compatible"));
  CHECK(c.Call({"EXPIRE", "k", "10", "NX", "GT"}) ==
        Err("ERR NX and XX, GT or LT options at the same time are not compatible"));
  CHECK(c.Call({"EXPIRE", "k", "10", "GT", "LT"}) ==
        Err("ERR GT and LT options at the same time are not compatible"));
  CHECK(c.Call({"EXPIRE", "k", "10", "abc"}) == Err("ERR Unsupported option abc"));
  CHECK(c.Call({"PEXPIREAT", "k", "10", "abc"}) == Err("ERR Unsupported option abc"));
  CHECK(c.Call({"EXPIRETIME", "k"}) == Int(now + 500));
}

}  // namespace
}  // namespace kvd::e2e

namespace kvd::e2e {
namespace {

TEST_CASE("SORT with BY, GET and STORE through redis-cli; the stored list survives a restart") {
  TempDir dir;
  {
    ServerProcess kvd({"--dir", dir.path(), "--appendonly", "yes"});
    RawClient c(kvd.port());
    CHECK(c.Exec({"RPUSH", "ids", "3", "1", "2"}).integer == 3);
    CHECK(c.Call({"MSET", "w_1", "30", "w_2", "10", "w_3", "20"}) == kOk);
    CHECK(c.Exec({"HSET", "user_1", "name", "ann"}).integer == 1);
    CHECK(c.Exec({"HSET", "user_2", "name", "bob"}).integer == 1);
    const CliResult sorted =
        RunCli(kvd.port(), {"SORT", "ids", "BY", "w_*", "GET", "#", "GET", "user_*->name"});
    CHECK(sorted.code == 0);
    CHECK(sorted.out == "2\nbob\n3\n\n1\nann\n");
    CHECK(c.Exec({"SORT", "ids", "DESC", "STORE", "sorted"}).integer == 3);
    CHECK(c.Exec({"SORT_RO", "ids", "ALPHA", "LIMIT", "0", "1"}).elements.at(0).str == "1");
  }
  ServerProcess kvd({"--dir", dir.path(), "--appendonly", "yes"});
  RawClient c(kvd.port());
  CHECK(Strings(c.Exec({"LRANGE", "sorted", "0", "-1"})) ==
        std::vector<std::string>{"3", "2", "1"});
}

}  // namespace
}  // namespace kvd::e2e
