// RDB files cross between kvd and the real Redis tools, for every type and encoding:
// a file kvd writes passes redis-check-rdb and loads into redis-server with every key, value
// and TTL intact; a file redis-server writes loads into kvd with everything intact.
//
// "Intact" is checked by reading the whole dataset back through commands on both servers
// (type, full value, absolute expiry time) and comparing the two readings.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kRedisServer = "/usr/bin/redis-server";
constexpr int64_t kFarFutureMs = 4'102'444'800'000;  // 2100-01-01: never expires in a test

using Commands = std::vector<std::vector<std::string>>;
// key -> "type value... expire=<ms>", for every key of every database, "db:key" keys.
using Dataset = std::map<std::string, std::string>;

std::vector<std::string> Range(const std::string& prefix, int n, int from = 0) {
  std::vector<std::string> out;
  for (int i = from; i < from + n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// field/value or score/member pairs: prefix<i> with value f(i).
template <class F>
std::vector<std::string> Pairs(int n, F&& pair_of) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    auto [a, b] = pair_of(i);
    out.push_back(a);
    out.push_back(b);
  }
  return out;
}

// Bytes that LZF cannot shrink (a fixed pseudo-random sequence).
std::string Incompressible(size_t n) {
  std::string s(n, '\0');
  uint64_t x = 88172645463325252ULL;
  for (char& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

// Every type, in the small and large forms that Redis encodes differently (listpack or
// intset vs hashtable, skiplist, quicklist), with TTLs, in two databases.
Commands EveryTypeDataset() {
  const std::string ttl = std::to_string(kFarFutureMs);
  Commands c;
  // Strings: integer encodings (Redis writes them as 8/16/32-bit integers), short, empty,
  // binary, long and compressible (LZF), long and incompressible, with a TTL.
  c.push_back({"SET", "s:int8", "-100"});
  c.push_back({"SET", "s:int16", "30000"});
  c.push_back({"SET", "s:int32", "-2000000000"});
  c.push_back({"SET", "s:int64", "-9223372036854775808"});
  c.push_back({"SET", "s:not-int", "007"});
  c.push_back({"SET", "s:float", "3.14"});
  c.push_back({"SET", "s:short", "hello"});
  c.push_back({"SET", "s:empty", ""});
  c.push_back({"SET", "s:binary", std::string("a\0b\xff\r\n", 6)});
  c.push_back({"SET", "s:long-compressible", std::string(10000, 'a') + "tail"});
  c.push_back({"SET", "s:long-random", Incompressible(3000)});
  c.push_back({"SET", "s:ttl", "expiring", "PXAT", ttl});
  c.push_back({"SET", std::string("key\0with\nodd bytes", 18), "v"});
  // Hashes.
  c.push_back({"HSET", "h:small", "name", "kvd", "n", "42", "neg", "-7", "empty", ""});
  c.push_back(Concat({"HSET", "h:large"},
                     Pairs(1000, [](int i) {
                       return std::pair{"field" + std::to_string(i), "value" + std::to_string(i)};
                     })));
  c.push_back({"HSET", "h:long-value", "f", std::string(100, 'x')});
  c.push_back({"HSET", "h:ttl", "a", "1"});
  c.push_back({"PEXPIREAT", "h:ttl", ttl});
  // Lists, including an element larger than a quicklist node.
  c.push_back({"RPUSH", "l:small", "a", "b", "1", "-2", ""});
  c.push_back(Concat({"RPUSH", "l:large"}, Range("item", 10000)));
  c.push_back({"RPUSH", "l:huge-element", "before", std::string(20000, 'h'), "after"});
  c.push_back({"RPUSH", "l:ttl", "x"});
  c.push_back({"PEXPIREAT", "l:ttl", ttl});
  // Sets: intsets (16, 32 and 64-bit members), small and large string sets.
  c.push_back({"SADD", "set:int16", "1", "2", "3", "-5", "300"});
  c.push_back({"SADD", "set:int64", "1", "9223372036854775807", "-9223372036854775808"});
  c.push_back(Concat({"SADD", "set:int-large"}, Range("", 1000, 70000)));
  c.push_back({"SADD", "set:small", "apple", "banana", "cherry"});
  c.push_back(Concat({"SADD", "set:large"}, Range("member", 1000)));
  c.push_back({"SADD", "set:ttl", "x", "y"});
  c.push_back({"PEXPIREAT", "set:ttl", ttl});
  // Sorted sets: small (listpack) with integer, fractional and infinite scores; large
  // (skiplist); a long member.
  c.push_back({"ZADD", "z:small", "1", "one", "2.5", "two.five", "-inf", "min", "+inf", "max",
               "-3", "neg", "0.1", "tenth"});
  c.push_back(Concat({"ZADD", "z:large"}, Pairs(1000, [](int i) {
                       return std::pair{std::to_string(i * 7 % 1000) + "." + std::to_string(i % 10),
                                        "m" + std::to_string(i)};
                     })));
  c.push_back({"ZADD", "z:long-member", "1", std::string(100, 'z')});
  c.push_back({"ZADD", "z:ttl", "1", "a"});
  c.push_back({"PEXPIREAT", "z:ttl", ttl});
  // Another database.
  c.push_back({"SELECT", "3"});
  c.push_back({"SET", "s:in-db3", "three"});
  c.push_back({"HSET", "h:in-db3", "f", "v"});
  c.push_back({"SET", "s:ttl-db3", "x", "PXAT", ttl});
  c.push_back({"SELECT", "0"});
  return c;
}

void Apply(RawClient& c, const Commands& commands) {
  std::string pipeline;
  for (const auto& cmd : commands) pipeline += Command(cmd);
  c.Send(pipeline);
  for (const auto& cmd : commands) {
    Reply r = c.ReadReply();
    CAPTURE(cmd[0]);
    CAPTURE(cmd.size() > 1 ? cmd[1] : "");
    REQUIRE_FALSE(r.IsError());
  }
}

std::string Quote(const std::string& s) { return std::to_string(s.size()) + ":" + s; }

std::string Elements(const Reply& r, bool sorted) {
  std::vector<std::string> items;
  for (const Reply& e : r.elements) items.push_back(Quote(e.str));
  if (sorted) std::sort(items.begin(), items.end());
  std::string out;
  for (const std::string& i : items) out += i + ",";
  return out;
}

// Reads every key of databases 0..3 through commands.
Dataset Read(RawClient& c) {
  Dataset out;
  for (int db = 0; db <= 3; ++db) {
    REQUIRE(c.Call({"SELECT", std::to_string(db)}) == kOk);
    Reply keys = c.Exec({"KEYS", "*"});
    REQUIRE(keys.type == '*');
    for (const Reply& k : keys.elements) {
      const std::string& key = k.str;
      const std::string type = c.Exec({"TYPE", key}).str;
      std::string value;
      if (type == "string") {
        value = Quote(c.Exec({"GET", key}).str);
      } else if (type == "hash") {
        // Field/value pairs, sorted by field.
        Reply all = c.Exec({"HGETALL", key});
        std::vector<std::string> pairs;
        for (size_t i = 0; i + 1 < all.elements.size(); i += 2) {
          pairs.push_back(Quote(all.elements[i].str) + "=" + Quote(all.elements[i + 1].str));
        }
        std::sort(pairs.begin(), pairs.end());
        for (const std::string& p : pairs) value += p + ",";
      } else if (type == "list") {
        value = Elements(c.Exec({"LRANGE", key, "0", "-1"}), false);
      } else if (type == "set") {
        value = Elements(c.Exec({"SMEMBERS", key}), true);
      } else if (type == "zset") {
        // Scores as exact values: Redis 7.0 prints 17 digits where 7.2 and kvd print the
        // shortest text that reads back the same.
        Reply all = c.Exec({"ZRANGE", key, "0", "-1", "WITHSCORES"});
        for (size_t i = 0; i + 1 < all.elements.size(); i += 2) {
          char score[64];
          std::snprintf(score, sizeof score, "%.17g",
                        std::strtod(all.elements[i + 1].str.c_str(), nullptr));
          value += Quote(all.elements[i].str) + "=" + score + ",";
        }
      }
      const int64_t expire = c.Exec({"PEXPIRETIME", key}).integer;
      out[std::to_string(db) + ":" + key] =
          type + " " + value + " expire=" + std::to_string(expire);
    }
  }
  REQUIRE(c.Call({"SELECT", "0"}) == kOk);
  return out;
}

std::string Short(const std::string& s) { return s.size() <= 200 ? s : s.substr(0, 200) + "..."; }

void CheckSame(const Dataset& expected, const Dataset& actual) {
  CHECK(expected.size() == actual.size());
  for (const auto& entry : expected) {
    const std::string& key = entry.first;
    const std::string& value = entry.second;
    CAPTURE(key);
    auto it = actual.find(key);
    const bool present = it != actual.end();
    CHECK(present);
    if (!present) continue;
    const bool same = it->second == value;
    INFO("expected: ", Short(value));
    INFO("actual:   ", Short(it->second));
    CHECK(same);
  }
}

std::string Encoding(RawClient& c, const std::string& key) {
  return c.Exec({"OBJECT", "ENCODING", key}).str;
}

TEST_CASE("a file kvd writes passes redis-check-rdb and loads into redis-server intact") {
  TempDir copy;
  Dataset written;
  {
    ServerProcess kvd;
    RawClient c(kvd.port());
    Apply(c, EveryTypeDataset());
    written = Read(c);
    REQUIRE(written.size() == 34);
    REQUIRE(c.Call({"SAVE"}) == kOk);
    std::filesystem::copy_file(kvd.dir() + "/dump.rdb", copy.path() + "/dump.rdb");
  }
  const std::string file = copy.path() + "/dump.rdb";

  ExitResult check = RunToExit({"redis-check-rdb", file});
  INFO("redis-check-rdb:\n", check.output);
  CHECK(check.exited);
  CHECK(check.code == 0);
  CHECK(Contains(check.output, "RDB looks OK"));
  CHECK(Contains(check.output, "Checksum OK"));
  CHECK(Contains(check.output, "[info] 34 keys read"));
  CHECK(Contains(check.output, "[info] 6 expires"));

  ServerProcess redis({"--dir", copy.path(), "--dbfilename", "dump.rdb"},
                      {.binary = kRedisServer});
  RawClient r(redis.port());
  const Dataset loaded = Read(r);
  CheckSame(written, loaded);
  CHECK(InfoField(r.Exec({"INFO", "persistence"}).str, "rdb_last_load_keys_loaded") == "34");
}

TEST_CASE("a file redis-server writes, every encoding, loads into kvd intact") {
  TempDir copy;
  Dataset written;
  {
    ServerProcess redis({}, {.binary = kRedisServer});
    RawClient c(redis.port());
    Apply(c, EveryTypeDataset());
    written = Read(c);
    REQUIRE(written.size() == 34);
    // The dataset covers Redis's compact and large encodings of every type.
    CHECK(Encoding(c, "s:int64") == "int");
    CHECK(Encoding(c, "s:long-compressible") == "raw");
    CHECK(Encoding(c, "h:small") == "listpack");
    CHECK(Encoding(c, "h:large") == "hashtable");
    CHECK(Encoding(c, "h:long-value") == "hashtable");
    CHECK(Encoding(c, "l:large") == "quicklist");
    CHECK(Encoding(c, "set:int16") == "intset");
    CHECK(Encoding(c, "set:int64") == "intset");
    CHECK(Encoding(c, "set:int-large") == "hashtable");
    CHECK(Encoding(c, "set:large") == "hashtable");
    CHECK(Encoding(c, "z:small") == "listpack");
    CHECK(Encoding(c, "z:large") == "skiplist");
    CHECK(Encoding(c, "z:long-member") == "skiplist");
    REQUIRE(c.Call({"SAVE"}) == kOk);
    std::filesystem::copy_file(redis.dir() + "/dump.rdb", copy.path() + "/dump.rdb");
  }

  ServerProcess kvd({"--dir", copy.path()});
  RawClient c(kvd.port());
  REQUIRE(WaitLoaded(c));
  const Dataset loaded = Read(c);
  CheckSame(written, loaded);
  Reply info = c.Exec({"INFO", "persistence"});
  CHECK(InfoField(info.str, "rdb_last_load_keys_loaded") == "34");
  CHECK(InfoField(info.str, "rdb_last_load_keys_expired") == "0");
  if (TestingKvd()) CHECK(Contains(kvd.Log(), "Loading RDB produced by version 7."));
}

TEST_CASE("kvd -> redis-server -> kvd: a round trip through both keeps everything") {
  TempDir first, second;
  Dataset original;
  {
    ServerProcess kvd({"--dir", first.path()});
    RawClient c(kvd.port());
    Apply(c, EveryTypeDataset());
    original = Read(c);
    REQUIRE(c.Call({"SAVE"}) == kOk);
  }
  {
    ServerProcess redis({"--dir", first.path()}, {.binary = kRedisServer});
    RawClient r(redis.port());
    // Changes made in Redis travel back too.
    REQUIRE(r.Call({"SET", "added-by-redis", "1"}) == kOk);
    REQUIRE(r.Call({"SAVE"}) == kOk);
    std::filesystem::copy_file(first.path() + "/dump.rdb", second.path() + "/dump.rdb");
  }
  ServerProcess kvd({"--dir", second.path()});
  RawClient c(kvd.port());
  Dataset loaded = Read(c);
  CHECK(loaded.erase("0:added-by-redis") == 1);
  CheckSame(original, loaded);
}

}  // namespace
}  // namespace kvd::e2e
