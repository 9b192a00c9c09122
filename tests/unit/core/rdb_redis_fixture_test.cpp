// Files written by the real redis-server 7.0 (Debian's 7.0.15), committed under fixtures/:
//   redis7_strings.rdb: strings in every encoding Redis uses (INT8/16/32, raw, LZF; integer
//     and compressed keys), with and without TTL, in databases 0 and 3;
//   redis7_hash.rdb: a string and a hash (listpack);
//   redis7_collections.rdb: lists (quicklist 2, with listpack and PLAIN nodes), sets (intset,
//     hashtable), sorted sets (listpack, skiplist), hashes (listpack, hashtable), with TTLs.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/rdb_format.h"
#include "core/text.h"
#include "rdb_test_util.h"

namespace kvd {
namespace {

using namespace std::string_literals;
using rdb_test::Dump;
using rdb_test::kNow;
using rdb_test::LoadError;
using rdb_test::ReadFixture;

std::string LongLines() {
  std::string s;
  char line[64];
  for (int i = 0; i < 600; ++i) {
    std::snprintf(line, sizeof line, "line %05d of a long compressible value\n", i);
    s += line;
  }
  return s;
}

std::string Incompressible() {
  std::string s;
  for (int i = 0; i < 60; ++i) s.push_back(static_cast<char>((i * 7919 + 13) % 251));
  return s;
}

std::string Repeat(std::string_view part, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += part;
  return s;
}

// What the fixture holds: (db, key, value, expiry).
struct Key {
  size_t db;
  std::string key, value;
  int64_t expire = kNoExpiry;
};
std::vector<Key> Expected() {
  return {
      {0, "i8_pos", "127"},
      {0, "i8_neg", "-128"},
      {0, "i8_zero", "0"},
      {0, "i16_pos", "32767"},
      {0, "i16_neg", "-32768"},
      {0, "i16_small", "128"},
      {0, "i32_pos", "2147483647"},
      {0, "i32_neg", "-2147483648"},
      {0, "i64", "9223372036854775807"},
      {0, "i32_over", "2147483648"},
      {0, "lead_zero", "007"},
      {0, "plus", "+5"},
      {0, "neg_zero", "-0"},
      {0, "space", " 1"},
      {0, "empty", ""},
      {0, "short", "hello"},
      {0, "bin\0key"s, "\x00\xff\x01\x80" "binary\r\n"s},
      {0, "lzf_21", std::string(21, 'a')},
      {0, "lzf_pattern", Repeat("abc", 100)},
      {0, "lzf_long", LongLines()},
      {0, "incompressible", Incompressible()},
      {0, "12345", "integer key"},
      {0, std::string(50, 'k'), "long compressible key"},
      {0, "ttl_int", "42", 4102444800123},
      {0, "ttl_raw", "hello ttl", 4000000000000},
      {0, "ttl_lzf", Repeat("xyz", 50), 4102444800000},
      {3, "db3key", "three"},
      {3, "db3ttl", "x", 4102444800000},
  };
}

std::vector<std::string> Lines(const std::vector<Key>& keys) {
  std::vector<std::string> out;
  for (const Key& k : keys) {
    out.push_back(std::to_string(k.db) + "|" + k.key + "|" + k.value + "|" +
                  std::to_string(k.expire));
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("redis fixture: every string key, value and TTL loads intact") {
  const std::string file = ReadFixture("redis7_strings.rdb");
  Store s;
  RdbLoadInfo info;
  REQUIRE(LoadRdb(file, kNow, s, &info) == "");
  CHECK(Dump(s, kNow) == Lines(Expected()));
  CHECK(info.version == 10);
  CHECK(info.redis_version == "7.0.15");
  CHECK(info.keys_loaded == 28);
  CHECK(info.keys_expired == 0);
  CHECK(info.checksum_verified);
}

TEST_CASE("redis fixture: keys whose TTL passed while down are dropped") {
  const std::string file = ReadFixture("redis7_strings.rdb");
  Store s;
  RdbLoadInfo info;
  const int64_t later = 4050000000000;  // after ttl_raw's expiry, before the others'
  REQUIRE(LoadRdb(file, later, s, &info) == "");
  std::vector<Key> expected = Expected();
  std::erase_if(expected, [](const Key& k) { return k.key == "ttl_raw"; });
  CHECK(Dump(s, later) == Lines(expected));
  CHECK(info.keys_expired == 1);
  CHECK(info.keys_loaded == 27);
}

TEST_CASE("redis fixture: kvd encodes each entry with the very bytes redis-server wrote") {
  // Integer encodings, verbatim strings and LZF output (liblzf's) all match, so a value
  // loaded from Redis and saved by kvd is the same entry, byte for byte.
  const std::string file = ReadFixture("redis7_strings.rdb");
  for (const Key& k : Expected()) {
    CAPTURE(PrintableKey(k.key));
    RdbWriter w(RdbOptions{});
    w.WriteString(k.key, k.value, k.expire);
    std::string entry;
    w.TakePending(entry);
    CHECK(file.find(entry) != std::string::npos);
  }
}

TEST_CASE("redis fixture: a hash in a listpack loads beside a string") {
  const std::string file = ReadFixture("redis7_hash.rdb");
  Store s;
  REQUIRE(LoadRdb(file, kNow, s) == "");
  CHECK(rdb_test::Dump(s, kNow) ==
        std::vector<std::string>{"0|h|hash[field=value]|" + std::to_string(kNoExpiry),
                                 "0|plain|v|" + std::to_string(kNoExpiry)});
}

// What redis7_collections.rdb holds (make_redis_fixtures.py, collections()).
Store ExpectedCollections() {
  Store s;
  rdb_test::List(s, 0, "list_small", {"a", "1", "-5", "hello world", "3.14", ""});
  std::vector<std::string> big;
  for (int i = 0; i < 1000; ++i) {
    big.push_back(i % 3 == 0 ? std::to_string(i) : "item-" + std::to_string(i));
  }
  big.push_back(std::string(300, 'x'));
  rdb_test::List(s, 0, "list_big", big);
  rdb_test::List(s, 0, "list_plain", {"small", std::string(150, 'p'), "tail"});
  rdb_test::SetOf(s, 0, "set_int", {"1", "2", "3", "-7", "100000", "5000000000"});
  std::vector<std::string> members;
  for (int i = 0; i < 200; ++i) members.push_back("m" + std::to_string(i));
  rdb_test::SetOf(s, 0, "set_big", members);
  rdb_test::ZSet(s, 0, "zset_small",
                 {{"a", 1}, {"b", 2.5}, {"c", -INFINITY}, {"d", INFINITY}, {"e", 0}},
                 4102444800000);
  std::vector<std::pair<std::string, double>> scored;
  for (int i = 0; i < 200; ++i) scored.emplace_back("z" + std::to_string(i), i * 0.5);
  rdb_test::ZSet(s, 0, "zset_big", scored);
  rdb_test::Hash(s, 0, "hash_small", {{"f1", "v1"}, {"n", "42"}, {"empty", ""}});
  std::vector<std::pair<std::string, std::string>> fields;
  for (int i = 0; i < 200; ++i) {
    fields.emplace_back("f" + std::to_string(i), "value " + std::to_string(i));
  }
  fields.emplace_back("long", std::string(100, 'v'));
  rdb_test::Hash(s, 0, "hash_big", fields, 4102444800123);
  rdb_test::SetOf(s, 2, "set_small_str", {"x", "y"});
  return s;
}

TEST_CASE("redis fixture: every collection encoding Redis 7.0 writes loads intact") {
  const std::string file = ReadFixture("redis7_collections.rdb");
  // The fixture does hold each encoding: the type byte before the key.
  const auto has = [&](uint8_t type, std::string_view key) {
    const std::string entry = std::string{static_cast<char>(type), static_cast<char>(key.size())};
    return file.find(entry + std::string(key)) != std::string::npos;
  };
  CHECK(has(18, "list_small"));   // quicklist of listpacks
  CHECK(has(18, "list_big"));
  CHECK(has(18, "list_plain"));   // with a PLAIN node
  CHECK(has(11, "set_int"));      // intset
  CHECK(has(2, "set_big"));       // hashtable
  CHECK(has(2, "set_small_str"));
  CHECK(has(17, "zset_small"));   // listpack
  CHECK(has(5, "zset_big"));      // skiplist: ZSET_2
  CHECK(has(16, "hash_small"));   // listpack
  CHECK(has(4, "hash_big"));      // hashtable
  Store s;
  RdbLoadInfo info;
  REQUIRE(LoadRdb(file, kNow, s, &info) == "");
  CHECK(rdb_test::Dump(s, kNow) == rdb_test::Dump(ExpectedCollections(), kNow));
  CHECK(info.keys_loaded == 10);
  CHECK(info.checksum_verified);
}

TEST_CASE("redis fixture: collections saved by kvd load back the same") {
  Store s;
  REQUIRE(LoadRdb(ReadFixture("redis7_collections.rdb"), kNow, s) == "");
  Store again;
  REQUIRE(LoadRdb(EncodeRdb(s, kNow, {}), kNow, again) == "");
  CHECK(rdb_test::Dump(again, kNow) == rdb_test::Dump(ExpectedCollections(), kNow));
}

}  // namespace
}  // namespace kvd
