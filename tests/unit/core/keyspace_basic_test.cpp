// The seed's store tests, ported, plus byte accounting after every kind of write.
#include <doctest/doctest.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/keyspace.h"
#include "keyspace_test_util.h"

namespace kvd {
namespace {

using namespace std::string_view_literals;
using testing::CheckAccounting;
using testing::kT0;
using testing::SortedKeys;

TEST_CASE("put and get") {
  Keyspace ks;
  ks.Put("hello", "world");
  ks.Put("foo", "bar");
  CHECK(ks.Get("hello", kT0) == "world");
  CHECK(ks.Get("foo", kT0) == "bar");
  CHECK(ks.Get("missing", kT0) == std::nullopt);
  CHECK(ks.Count(kT0) == 2);
  CHECK(ks.Contains("foo", kT0));
  CHECK_FALSE(ks.Contains("missing", kT0));
}

TEST_CASE("put overwrites and keeps the count") {
  Keyspace ks;
  ks.Put("key", "value1");
  CHECK(ks.Get("key", kT0) == "value1");
  ks.Put("key", "value2");
  CHECK(ks.Get("key", kT0) == "value2");
  CHECK(ks.Count(kT0) == 1);
}

TEST_CASE("overwrite that fits does not move the record or copy the key") {
  Keyspace ks;
  ks.Put("key:00000001", "0123456789abcdef");
  const Record* before = ks.Peek("key:00000001");
  const char* key_bytes = before->key().data();
  ks.Put("key:00000001", "fedcba98765");
  const Record* after = ks.Peek("key:00000001");
  CHECK(after == before);
  CHECK(after->key().data() == key_bytes);
  CHECK(ks.Get("key:00000001", kT0) == "fedcba98765");
}

TEST_CASE("delete removes; deleting a missing key returns false") {
  Keyspace ks;
  ks.Put("key", "value");
  CHECK(ks.Delete("key", kT0));
  CHECK(ks.Get("key", kT0) == std::nullopt);
  CHECK(ks.Count(kT0) == 0);
  CHECK_FALSE(ks.Delete("nope", kT0));
  CHECK_FALSE(ks.Delete("key", kT0));
}

TEST_CASE("byte tracking follows the seed's semantics") {
  Keyspace ks;
  ks.Put("abc", "12345");
  CHECK(ks.DataBytes() == 8);
  ks.Put("abc", "1");
  CHECK(ks.DataBytes() == 4);
  ks.Put("xyz", "99");
  CHECK(ks.DataBytes() == 9);
  ks.Delete("abc", kT0);
  CHECK(ks.DataBytes() == 5);
  CheckAccounting(ks, kT0);
}

TEST_CASE("byte tracking is exact after every kind of write") {
  Keyspace ks;
  Keyspace other;
  int64_t now = kT0;
  ks.Put("a", "12345");
  CHECK(ks.DataBytes() == 6);
  CheckAccounting(ks, now);

  ks.PutWithTtl("t", "xy", 100, now);  // +3
  CHECK(ks.DataBytes() == 9);
  CheckAccounting(ks, now);

  CHECK(ks.Append("a", "678", now) == 8);  // +3
  CHECK(ks.DataBytes() == 12);
  CheckAccounting(ks, now);

  CHECK(ks.Append("new", "abc", now) == 3);  // +6
  CHECK(ks.DataBytes() == 18);
  CheckAccounting(ks, now);

  CHECK(ks.SetRange("new", 5, "Z", now) == 6);  // "abc\0\0Z": +3
  CHECK(ks.Get("new", now) == "abc\0\0Z"sv);
  CHECK(ks.DataBytes() == 21);
  CheckAccounting(ks, now);

  CHECK(ks.SetRange("new", 1, "BC", now) == 6);  // same length
  CHECK(ks.Get("new", now) == "aBC\0\0Z"sv);
  CHECK(ks.DataBytes() == 21);

  CHECK(ks.Rename("new", "renamed!", now));  // key 3 -> 8 bytes: +5
  CHECK(ks.DataBytes() == 26);
  CheckAccounting(ks, now);

  CHECK(ks.SetExpire("a", now + 50, now));  // TTLs do not count as data
  CHECK(ks.DataBytes() == 26);
  CheckAccounting(ks, now);

  CHECK(ks.CopyTo("a", other, "a2", false, now));
  CHECK(other.DataBytes() == 10);
  CheckAccounting(other, now);

  CHECK(ks.MoveTo("renamed!", other, now));  // -14 here, +14 there
  CHECK(ks.DataBytes() == 12);
  CHECK(other.DataBytes() == 24);
  CheckAccounting(ks, now);
  CheckAccounting(other, now);

  now += 60;  // "a" (TTL 50) expires; "t" (TTL 100) lives
  CHECK(ks.Get("a", now) == std::nullopt);
  CHECK(ks.DataBytes() == 3);
  CHECK(ks.ExpiredCount() == 1);
  CheckAccounting(ks, now);

  now += 41;  // past "t"'s expiry (TTL 100): reclaimed by Count
  CHECK(ks.Count(now) == 0);
  CHECK(ks.DataBytes() == 0);
  CheckAccounting(ks, now);

  other.Clear();
  CHECK(other.DataBytes() == 0);
  CHECK(other.AllocatedBytes() == 0);
  CHECK(other.Count(now) == 0);
}

TEST_CASE("TTL: a key lives through its deadline's millisecond and not after it") {
  Keyspace ks;
  ks.PutWithTtl("temp", "data", 1000, kT0);
  CHECK(ks.Get("temp", kT0 + 999) == "data");
  CHECK(ks.Get("temp", kT0 + 1000) == "data");
  CHECK(ks.Get("temp", kT0 + 1001) == std::nullopt);
  CHECK(ks.Count(kT0 + 1001) == 0);  // the lazy delete reclaimed it
  CHECK(ks.ExpiredCount() == 1);
  CHECK(ks.DataBytes() == 0);
}

TEST_CASE("TTL of zero expires after the current millisecond; a negative one already has") {
  Keyspace ks;
  ks.PutWithTtl("zero", "data", 0, kT0);
  ks.PutWithTtl("past", "data", -1, kT0);
  ks.PutWithTtl("hour", "data", 3'600'000, kT0);
  CHECK_FALSE(ks.Contains("past", kT0));
  CHECK(ks.Contains("zero", kT0));
  CHECK(ks.Count(kT0) == 2);
  CHECK_FALSE(ks.Contains("zero", kT0 + 1));
  CHECK(ks.Get("hour", kT0 + 1) == "data");
  CHECK(ks.Count(kT0 + 1) == 1);
}

TEST_CASE("put clears a TTL; SetString with kKeep keeps it") {
  Keyspace ks;
  ks.PutWithTtl("k", "v", 1000, kT0);
  ks.SetString("k", "w", kNoExpiry, TtlMode::kKeep, kT0);
  CHECK(ks.GetExpire("k", kT0) == kT0 + 1000);
  CHECK(ks.KeysWithExpiry() == 1);
  ks.Put("k", "x");
  CHECK(ks.GetExpire("k", kT0) == kNoExpiry);
  CHECK(ks.KeysWithExpiry() == 0);
  CHECK(ks.SetString("k", "y", kT0 + 5, TtlMode::kClear, kT0) == false);  // not created
  CHECK(ks.GetExpire("k", kT0) == kT0 + 5);
  CHECK(ks.SetString("fresh", "y", kT0 + 5, TtlMode::kKeep, kT0) == true);
  CHECK(ks.GetExpire("fresh", kT0) == kNoExpiry);  // kKeep on a new key: no TTL
}

TEST_CASE("multi-get fills results in order") {
  Keyspace ks;
  ks.Put("a", "1");
  ks.Put("b", "2");
  ks.Put("c", "3");
  const std::array<std::string_view, 3> keys = {"a", "missing", "c"};
  std::array<std::optional<std::string_view>, 3> results;
  CHECK(ks.MultiGet(keys, results, kT0) == 3);
  CHECK(results[0] == "1");
  CHECK(results[1] == std::nullopt);
  CHECK(results[2] == "3");
  // A shorter result buffer bounds the lookups.
  std::array<std::optional<std::string_view>, 2> two;
  CHECK(ks.MultiGet(keys, two, kT0) == 2);
}

TEST_CASE("multi-put inserts every pair") {
  Keyspace ks;
  const std::array<std::string_view, 3> keys = {"x", "y", "z"};
  const std::array<std::string_view, 3> values = {"10", "20", "30"};
  CHECK(ks.MultiPut(keys, values) == 3);
  CHECK(ks.Get("x", kT0) == "10");
  CHECK(ks.Get("y", kT0) == "20");
  CHECK(ks.Get("z", kT0) == "30");
  const std::array<std::string_view, 2> fewer = {"p", "q"};
  CHECK(ks.MultiPut(keys, fewer) == 2);  // min of the two lengths
  CHECK(ks.Get("x", kT0) == "p");
  CHECK(ks.Get("z", kT0) == "30");
}

TEST_CASE("list keys fills the caller's buffer, skips expired keys, respects its size") {
  Keyspace ks;
  ks.Put("a", "1");
  ks.Put("b", "2");
  ks.PutWithTtl("gone", "3", 10, kT0);
  ks.Put("c", "4");
  CHECK(SortedKeys(ks, kT0) == std::vector<std::string>{"a", "b", "c", "gone"});
  CHECK(SortedKeys(ks, kT0 + 11) == std::vector<std::string>{"a", "b", "c"});
  std::array<std::string_view, 2> small;
  CHECK(ks.ListKeys(small, kT0 + 11) == 2);
  CHECK(small[0] != small[1]);
}

TEST_CASE("stats report entries, bytes, capacity and load") {
  Keyspace ks;
  CHECK(ks.Stats().entries == 0);
  CHECK(ks.Stats().capacity == 0);
  CHECK(ks.Stats().load_factor == 0.0);
  for (int i = 0; i < 100; ++i) ks.Put("key" + std::to_string(i), "v");
  const KeyspaceStats s = ks.Stats();
  CHECK(s.entries == 100);
  CHECK(s.capacity >= 100);
  CHECK((s.capacity & (s.capacity - 1)) == 0);
  CHECK(s.load_factor == doctest::Approx(100.0 / s.capacity));
  CHECK(s.load_factor <= 7.0 / 8);
  CHECK(s.data_bytes == ks.DataBytes());
}

TEST_CASE("binary keys and values: NULs, empty key, empty value, 1 MB value") {
  Keyspace ks;
  const std::string nul_key("a\0b", 3);
  const std::string nul_value("\0\0x\0", 4);
  ks.Put(nul_key, nul_value);
  ks.Put("a", "other");  // a prefix of the NUL key must not alias it
  ks.Put("", "empty key");
  ks.Put("empty value", "");
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 + 7);
  ks.Put("big", big);

  CHECK(ks.Get(nul_key, kT0) == nul_value);
  CHECK(ks.Get("a", kT0) == "other");
  CHECK(ks.Get("", kT0) == "empty key");
  CHECK(ks.Get("empty value", kT0) == "");
  CHECK(ks.Contains("empty value", kT0));
  CHECK(ks.Get("big", kT0) == big);
  CHECK(ks.Count(kT0) == 5);
  CheckAccounting(ks, kT0);

  CHECK(ks.Append("big", "tail", kT0) == big.size() + 4);
  CHECK(ks.Get("big", kT0)->substr(big.size()) == "tail");
  ks.Put("big", "small now");
  CHECK(ks.Get("big", kT0) == "small now");
  CheckAccounting(ks, kT0);
  CHECK(ks.AllocatedBytes() < 4096);  // the megabyte went back

  CHECK(ks.Delete("", kT0));
  CHECK_FALSE(ks.Contains("", kT0));
  CheckAccounting(ks, kT0);
}

TEST_CASE("allocated bytes return to the empty baseline after deleting everything") {
  Keyspace ks;
  const size_t baseline = ks.AllocatedBytes();
  CHECK(baseline == 0);
  for (int i = 0; i < 5000; ++i) {
    const std::string k = "key:" + std::to_string(i);
    if (i % 3 == 0) {
      ks.PutWithTtl(k, std::string(i % 200, 'v'), 1'000'000, kT0);
    } else {
      ks.Put(k, std::string(i % 200, 'v'));
    }
  }
  CHECK(ks.AllocatedBytes() > 5000 * 8);
  CheckAccounting(ks, kT0);
  for (int i = 0; i < 5000; ++i) CHECK(ks.Delete("key:" + std::to_string(i), kT0));
  CHECK(ks.AllocatedBytes() == baseline);
  CHECK(ks.DataBytes() == 0);
  CHECK(ks.Stats().capacity == 0);
}

TEST_CASE("append keeps the TTL and amortises growth") {
  Keyspace ks;
  ks.PutWithTtl("log", "", 5000, kT0);
  std::string expect;
  int moves = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string piece = std::to_string(i) + ",";
    expect += piece;
    const Record* before = ks.Peek("log");
    CHECK(ks.Append("log", piece, kT0) == expect.size());
    moves += ks.Peek("log") != before;
  }
  CHECK(moves <= 20);  // geometric growth: a handful of reallocations for ~9 KB
  CHECK(ks.Get("log", kT0) == expect);
  CHECK(ks.GetExpire("log", kT0) == kT0 + 5000);
  CheckAccounting(ks, kT0);
}

TEST_CASE("setrange: zero padding, overwrite inside, empty write creates nothing") {
  Keyspace ks;
  CHECK(ks.SetRange("missing", 10, "", kT0) == 0);
  CHECK_FALSE(ks.Contains("missing", kT0));
  CHECK(ks.SetRange("k", 3, "abc", kT0) == 6);
  CHECK(ks.Get("k", kT0) == "\0\0\0abc"sv);
  CHECK(ks.SetRange("k", 0, "XY", kT0) == 6);
  CHECK(ks.Get("k", kT0) == "XY\0abc"sv);
  CHECK(ks.SetRange("k", 5, "123", kT0) == 8);
  CHECK(ks.Get("k", kT0) == "XY\0ab123"sv);
  CHECK(ks.SetRange("k", 2, "", kT0) == 8);
  CHECK(ks.SetRange("k", 200, "!", kT0) == 201);
  const std::string v(*ks.Get("k", kT0));
  CHECK(v.substr(0, 8) == "XY\0ab123"sv);
  CHECK(v.substr(8, 192) == std::string(192, '\0'));
  CHECK(v.back() == '!');
  CheckAccounting(ks, kT0);
}

TEST_CASE("writes whose input views the stored value itself") {
  Keyspace ks;
  ks.Put("k", "abcdef");
  const std::string_view own = *ks.Get("k", kT0);
  CHECK(ks.Append("k", own, kT0) == 12);
  CHECK(ks.Get("k", kT0) == "abcdefabcdef");
  const std::string_view again = *ks.Get("k", kT0);
  CHECK(ks.SetRange("k", 3, again.substr(0, 4), kT0) == 12);
  CHECK(ks.Get("k", kT0) == "abcabcdbcdef");
  ks.Put("k", ks.Get("k", kT0)->substr(6));
  CHECK(ks.Get("k", kT0) == "dbcdef");
}

TEST_CASE("memory usage of a key: its allocation plus its table slots") {
  Keyspace ks;
  ks.Put("p", "value");
  ks.PutWithTtl("t", "value", 1000, kT0);
  const Record* p = ks.Find("p", kT0);
  const Record* t = ks.Find("t", kT0);
  CHECK(ks.MemoryUsage(*p) == p->AllocSize() + 8);
  CHECK(ks.MemoryUsage(*t) == t->AllocSize() + 2 * 8);
}

TEST_CASE("move construction and assignment hand over every key") {
  Keyspace a;
  a.Put("x", "1");
  a.PutWithTtl("y", "2", 100, kT0);
  Keyspace b(std::move(a));
  CHECK(b.Get("x", kT0) == "1");
  CHECK(b.KeysWithExpiry() == 1);
  CHECK(a.Count(kT0) == 0);  // NOLINT(bugprone-use-after-move): moved-from is empty
  CHECK(a.AllocatedBytes() == 0);
  Keyspace c;
  c.Put("old", "gone");
  c = std::move(b);
  CHECK(c.Get("old", kT0) == std::nullopt);
  CHECK(c.Get("y", kT0) == "2");
  CheckAccounting(c, kT0);
}

}  // namespace
}  // namespace kvd
