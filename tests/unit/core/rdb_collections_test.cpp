// Collections in RDB files: kvd's own encodings round trip, and every encoding Redis 5 to
// 7.2 writes (hand-made here; see rdb_redis_fixture_test.cpp for files from redis-server)
// loads, with damaged blobs refused.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "collection_test_util.h"
#include "core/encoding_limits.h"
#include "core/rdb_packed.h"
#include "rdb_test_util.h"

namespace kvd {
namespace {

using namespace std::string_literals;
using rdb_test::Craft;
using rdb_test::Dump;
using rdb_test::kNow;
using rdb_test::LoadError;

const std::string kPersistent = std::to_string(kNoExpiry);

// An RDB string: the length (6, 14 or 32 bits) and the bytes.
std::string Str(std::string_view s) {
  std::string out;
  if (s.size() < 64) {
    out.push_back(static_cast<char>(s.size()));
  } else if (s.size() < 16384) {
    out.push_back(static_cast<char>(0x40 | (s.size() >> 8)));
    out.push_back(static_cast<char>(s.size() & 0xff));
  } else {
    out.push_back('\x80');
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(s.size() >> (8 * i)));
  }
  return out + std::string(s);
}

std::string Le(uint64_t v, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}

std::string Ziplist(const std::vector<std::string>& elems) {
  rdb::ZiplistBuilder b;
  for (const std::string& e : elems) b.Push(e);
  return b.Finish();
}

// A listpack of raw entries (encoding and data); the backlens and header are added here.
std::string Listpack(const std::vector<std::string>& entries) {
  std::string body;
  for (const std::string& e : entries) {
    body += e;
    const size_t n = e.size();
    if (n < 128) {
      body.push_back(static_cast<char>(n));
    } else {
      body.push_back(static_cast<char>(n >> 7));
      body.push_back(static_cast<char>(0x80 | (n & 0x7f)));
    }
  }
  return Le(6 + body.size() + 1, 4) + Le(entries.size(), 2) + body + "\xff";
}
// Listpack entries.
std::string LpStr(std::string_view s) {
  if (s.size() < 64) return static_cast<char>(0x80 | s.size()) + std::string(s);
  return std::string{static_cast<char>(0xe0 | (s.size() >> 8)), static_cast<char>(s.size())} +
         std::string(s);
}
std::string LpUint7(uint8_t v) { return std::string(1, static_cast<char>(v)); }
std::string LpInt13(int v) {
  const auto u = static_cast<uint32_t>(v) & 0x1fff;
  return {static_cast<char>(0xc0 | (u >> 8)), static_cast<char>(u & 0xff)};
}
std::string LpInt(int64_t v, int bytes) {
  const char tag = bytes == 2 ? '\xf1' : bytes == 3 ? '\xf2' : bytes == 4 ? '\xf3' : '\xf4';
  return tag + Le(static_cast<uint64_t>(v), bytes);
}

// One key of the given type byte with the given encoded value, in database 0.
std::string Entry(uint8_t type, std::string_view key, std::string_view value) {
  return "\xfe\x00"s + static_cast<char>(type) + Str(key) + std::string(value);
}

std::vector<std::string> Load(std::string_view file, RdbLoadInfo* info = nullptr) {
  Store s;
  const std::string err = LoadRdb(file, kNow, s, info);
  REQUIRE(err == "");
  return Dump(s, kNow);
}

std::string Line(std::string_view key, std::string_view value) {
  return "0|" + std::string(key) + "|" + std::string(value) + "|" + kPersistent;
}

// Small and large collections of every type, with binary and integer elements and TTLs.
Store Collections() {
  Store s;
  std::mt19937 rng(11);
  rdb_test::List(s, 0, "list", {"a", "1", "-5", "", "bin\0\xff"s, "9223372036854775807"});
  std::vector<std::string> big;
  for (int i = 0; i < 20000; ++i) {
    big.push_back(i % 2 ? std::to_string(i * 7919 - 50000) : "element " + std::to_string(i));
  }
  big.push_back(std::string(20000, 'L'));  // over a ziplist node's 8 KB on its own
  big.push_back(std::string(300, 'M'));
  rdb_test::List(s, 1, "big list", big, kNow + 5'000);
  rdb_test::SetOf(s, 0, "ints", {"1", "-2", "300", "70000", "5000000000"});
  rdb_test::SetOf(s, 0, "strs", {"a", "", "bin\0"s});
  std::vector<std::string> members;
  for (int i = 0; i < 3000; ++i) members.push_back("member:" + std::to_string(rng()));
  rdb_test::SetOf(s, 2, "big set", members);
  rdb_test::ZSet(s, 0, "zset", {{"a", 1.5}, {"b", -INFINITY}, {"c", INFINITY}, {"d", -0.0},
                                {"e", 1e300}, {"f", 5e-324}});
  std::vector<std::pair<std::string, double>> scored;
  for (int i = 0; i < 2000; ++i) scored.emplace_back("z" + std::to_string(i), (i % 97) * 0.25);
  rdb_test::ZSet(s, 3, "big zset", scored, kNow + 1'000);
  rdb_test::Hash(s, 0, "hash", {{"f", "v"}, {"n", "42"}, {"", "empty field"}, {"e", ""}});
  std::vector<std::pair<std::string, std::string>> fields;
  for (int i = 0; i < 1000; ++i) {
    fields.emplace_back("field" + std::to_string(i), std::string(i % 50, 'v'));
  }
  rdb_test::Hash(s, 15, "big hash", fields);
  return s;
}

TEST_CASE("rdb collections: every type round trips, small and large, any options") {
  const Store s = Collections();
  for (bool compression : {true, false}) {
    CAPTURE(compression);
    RdbOptions o;
    o.compression = compression;
    Store loaded;
    RdbLoadInfo info;
    REQUIRE(LoadRdb(EncodeRdb(s, kNow, o), kNow, loaded, &info) == "");
    CHECK(Dump(loaded, kNow) == Dump(s, kNow));
    CHECK(info.keys_loaded == 9);
  }
  // The TTLs came along: the ones that have passed drop the keys at a later load.
  Store later;
  RdbLoadInfo info;
  REQUIRE(LoadRdb(EncodeRdb(s, kNow, {}), kNow + 1'001, later, &info) == "");
  CHECK(info.keys_expired == 1);  // big zset
  CHECK(later.Db(3).Count(kNow + 1'001) == 0);
  CHECK(later.Db(1).GetExpire("big list", kNow + 1'001) == kNow + 5'000);
}

TEST_CASE("rdb collections: written in the plain encodings, lists as ziplist quicklists") {
  Store s;
  rdb_test::SetOf(s, 0, "s", {"7"});
  CHECK(EncodeRdb(s, kNow, {}).find("\x02\x01s\x01\xc0\x07"s) != std::string::npos);
  Store h;
  rdb_test::Hash(h, 0, "h", {{"f", "v"}});
  CHECK(EncodeRdb(h, kNow, {}).find("\x04\x01h\x01\x01" "f\x01v"s) != std::string::npos);
  Store z;
  rdb_test::ZSet(z, 0, "z", {{"m", 2.5}});
  double score = 2.5;
  uint64_t bits;
  std::memcpy(&bits, &score, 8);
  CHECK(EncodeRdb(z, kNow, {}).find("\x05\x01z\x01\x01m"s + Le(bits, 8)) != std::string::npos);

  // A list: QUICKLIST (14), its nodes ziplists of at most 8 KB, Redis's integer encodings.
  Store l;
  rdb_test::List(l, 0, "l", {"a", "12", "-1"});
  const std::string zl = "\x13\x00\x00\x00\x0f\x00\x00\x00\x03\x00"  // zlbytes, zltail, zllen
                         "\x00\x01" "a"                                // "a"
                         "\x03\xfd"                                    // 12: immediate
                         "\x02\xfe\xff"                                // -1: int8
                         "\xff"s;
  CHECK(EncodeRdb(l, kNow, {}).find("\x0e\x01l\x01"s + Str(zl)) != std::string::npos);

  RdbOptions plain;
  plain.compression = false;
  std::vector<std::string> items;
  for (int i = 0; i < 5000; ++i) items.push_back("item number " + std::to_string(i));
  Store many;
  rdb_test::List(many, 0, "many", items);
  const std::string file = EncodeRdb(many, kNow, plain);
  size_t pos = file.find("\x0e\x04many"s);
  REQUIRE(pos != std::string::npos);
  pos += 6;
  const auto len = [&]() -> size_t {  // a 6- or 14-bit length
    const auto b = static_cast<uint8_t>(file[pos++]);
    if (b < 0x40) return b;
    return (size_t{b & 0x3fu} << 8) | static_cast<uint8_t>(file[pos++]);
  };
  const size_t nodes = len();
  CHECK(nodes > 1);
  std::vector<std::string> seen;
  for (size_t i = 0; i < nodes; ++i) {
    const size_t n = len();
    CHECK(n <= 8192);
    CHECK(rdb::WalkZiplist(file.substr(pos, n), [&](std::string_view e) {
      seen.emplace_back(e);
      return true;
    }) == "");
    pos += n;
  }
  CHECK(seen == items);
}

TEST_CASE("rdb collections: the ziplist encodings Redis 5 and 6 write load") {
  // A list as a ziplist (10) and as a quicklist of ziplists (14), integers of every width.
  const std::vector<std::string> items = {"x", "0", "12", "13", "-128", "200", "-30000", "8000000",
                                          "-2000000000", "9000000000", "-9223372036854775808",
                                          std::string(70, 'y'), std::string(17000, 'z')};
  const std::string expected_list = [&] {
    std::string out = "list[";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
    return out + "]";
  }();
  CHECK(Load(Craft(Entry(10, "zl", Str(Ziplist(items))))) ==
        std::vector<std::string>{Line("zl", expected_list)});
  const std::vector<std::string> half1(items.begin(), items.begin() + 5);
  const std::vector<std::string> half2(items.begin() + 5, items.end());
  CHECK(Load(Craft(Entry(14, "ql", "\x03" + Str(Ziplist(half1)) + Str(Ziplist({})) +
                                       Str(Ziplist(half2))))) ==
        std::vector<std::string>{Line("ql", expected_list)});
  // Hash (13) and sorted set (12) ziplists: pairs.
  CHECK(Load(Craft(Entry(13, "h", Str(Ziplist({"f", "v", "n", "7"}))))) ==
        std::vector<std::string>{Line("h", "hash[f=v,n=7]")});
  CHECK(Load(Craft(Entry(12, "z", Str(Ziplist({"a", "1.5", "b", "-inf", "c", "3"}))))) ==
        std::vector<std::string>{Line("z", "zset[b=-inf,a=1.5,c=3]")});
}

TEST_CASE("rdb collections: the listpack and intset encodings Redis 7 writes load") {
  // Hash (16), sorted set (17) and set (20) listpacks with every integer width.
  CHECK(Load(Craft(Entry(16, "h", Str(Listpack({LpStr("f"), LpStr("v"), LpUint7(127),
                                                LpInt13(-4096), LpStr(std::string(100, 'k')),
                                                LpInt(-70000, 3)}))))) ==
        std::vector<std::string>{
            Line("h", "hash[127=-4096,f=v," + std::string(100, 'k') + "=-70000]")});
  CHECK(Load(Craft(Entry(17, "z", Str(Listpack({LpStr("a"), LpStr("2.5"), LpStr("b"),
                                                LpInt(-3, 2)}))))) ==
        std::vector<std::string>{Line("z", "zset[b=-3,a=2.5]")});
  CHECK(Load(Craft(Entry(20, "s", Str(Listpack({LpStr("m"), LpInt(5000000000, 8),
                                                LpInt(-2147483648, 4), LpUint7(0)}))))) ==
        std::vector<std::string>{Line("s", "set[-2147483648,0,5000000000,m]")});
  // Intsets (11) of 2, 4 and 8 bytes per integer.
  CHECK(Load(Craft(Entry(11, "i2", Str(Le(2, 4) + Le(3, 4) + Le(uint16_t(-5), 2) + Le(1, 2) +
                                        Le(300, 2))))) ==
        std::vector<std::string>{Line("i2", "set[-5,1,300]")});
  CHECK(Load(Craft(Entry(11, "i4", Str(Le(4, 4) + Le(1, 4) + Le(uint32_t(-70000), 4))))) ==
        std::vector<std::string>{Line("i4", "set[-70000]")});
  CHECK(Load(Craft(Entry(11, "i8", Str(Le(8, 4) + Le(1, 4) + Le(5000000000, 8))))) ==
        std::vector<std::string>{Line("i8", "set[5000000000]")});
  // Quicklist 2 (18): listpack nodes (container 2) and plain nodes (container 1).
  CHECK(Load(Craft(Entry(18, "l", "\x03\x02" + Str(Listpack({LpStr("a"), LpUint7(1)})) +
                                      "\x01" + Str("big plain element") + "\x02" +
                                      Str(Listpack({LpInt13(-1)}))))) ==
        std::vector<std::string>{Line("l", "list[a,1,big plain element,-1]")});
}

TEST_CASE("rdb collections: the plain encodings, including old ones, load") {
  CHECK(Load(Craft(Entry(1, "l", "\x02\x01" "a\xc0\x05"s))) ==
        std::vector<std::string>{Line("l", "list[a,5]")});
  CHECK(Load(Craft(Entry(2, "s", "\x02\x01" "a\x01" "b"s))) ==
        std::vector<std::string>{Line("s", "set[a,b]")});
  CHECK(Load(Craft(Entry(4, "h", "\x01\x01" "f\x01v"s))) ==
        std::vector<std::string>{Line("h", "hash[f=v]")});
  // Old sorted sets (3): scores as text, 254 = +inf, 255 = -inf.
  CHECK(Load(Craft(Entry(3, "z", "\x03\x01" "a\x03" "1.5\x01" "b\xfe\x01" "c\xff"s))) ==
        std::vector<std::string>{Line("z", "zset[c=-inf,a=1.5,b=inf]")});
  double score = -2;
  uint64_t bits;
  std::memcpy(&bits, &score, 8);
  CHECK(Load(Craft(Entry(5, "z", "\x01\x01m"s + Le(bits, 8)))) ==
        std::vector<std::string>{Line("z", "zset[m=-2]")});
}

// A plain collection's value: its count (< 64), then each string.
std::string Plain(size_t count, const std::vector<std::string>& strings) {
  std::string out(1, static_cast<char>(count));
  for (const std::string& e : strings) out += Str(e);
  return out;
}

// OBJECT ENCODING of `key` after loading `file`.
template <class T>
std::string EncodingAfterLoad(std::string_view file, std::string_view key) {
  Store s;
  REQUIRE(LoadRdb(file, kNow, s, nullptr) == "");
  const T* v = s.Db(0).Read<T>(key, kNow);
  REQUIRE(v != nullptr);
  return std::string(v->EncodingName());
}

TEST_CASE("rdb collections: loading follows the encoding limits, as Redis's rdbLoadObject") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.hash_max_listpack_entries = 2;
  encoding_limits.set_max_intset_entries = 2;
  encoding_limits.set_max_listpack_entries = 3;
  encoding_limits.zset_max_listpack_entries = 2;
  encoding_limits.hash_max_listpack_value = 4;
  encoding_limits.set_max_listpack_value = 4;
  encoding_limits.zset_max_listpack_value = 4;
  encoding_limits.list_max_listpack_size = 2;
  // Plain encodings: built under every limit.
  CHECK(EncodingAfterLoad<HashValue>(Craft(Entry(4, "h", Plain(2, {"a", "1", "b", "2"}))), "h") ==
        "listpack");
  CHECK(EncodingAfterLoad<HashValue>(Craft(Entry(4, "h", Plain(3, {"a", "1", "b", "2", "c", "3"}))),
                                     "h") == "hashtable");
  CHECK(EncodingAfterLoad<HashValue>(Craft(Entry(4, "h", Plain(1, {"field", "1"}))), "h") ==
        "hashtable");
  CHECK(EncodingAfterLoad<SetValue>(Craft(Entry(2, "s", Plain(2, {"1", "2"}))), "s") == "intset");
  // More members than an intset may hold: a table from the start, whatever they are.
  CHECK(EncodingAfterLoad<SetValue>(Craft(Entry(2, "s", Plain(3, {"a", "b", "c"}))), "s") ==
        "hashtable");
  CHECK(EncodingAfterLoad<SetValue>(Craft(Entry(2, "s", Plain(2, {"a", "b"}))), "s") == "listpack");
  CHECK(EncodingAfterLoad<SetValue>(Craft(Entry(2, "s", Plain(2, {"a", "bbbbb"}))), "s") ==
        "hashtable");
  // Old sorted sets (3): a score is a length byte and text, as a short string.
  CHECK(EncodingAfterLoad<ZSetValue>(Craft(Entry(3, "z", Plain(2, {"a", "1", "b", "2"}))), "z") ==
        "listpack");
  CHECK(EncodingAfterLoad<ZSetValue>(Craft(Entry(3, "z", Plain(3, {"a", "1", "b", "2", "c", "3"}))),
                                     "z") == "skiplist");
  CHECK(EncodingAfterLoad<ListValue>(Craft(Entry(1, "l", Plain(2, {"a", "b"}))), "l") ==
        "listpack");
  CHECK(EncodingAfterLoad<ListValue>(Craft(Entry(1, "l", Plain(3, {"a", "b", "c"}))), "l") ==
        "quicklist");
  // Listpack blobs convert on their entry count only: long elements stay packed.
  CHECK(EncodingAfterLoad<HashValue>(
            Craft(Entry(16, "h", Str(Listpack({LpStr("field"), LpStr("value")})))), "h") ==
        "listpack");
  CHECK(EncodingAfterLoad<HashValue>(
            Craft(Entry(16, "h",
                        Str(Listpack({LpStr("a"), LpStr("1"), LpStr("b"), LpStr("2"), LpStr("c"),
                                      LpStr("3")})))),
            "h") == "hashtable");
  CHECK(EncodingAfterLoad<ZSetValue>(
            Craft(Entry(17, "z", Str(Listpack({LpStr("member"), LpStr("1")})))), "z") ==
        "listpack");
  // A set listpack stays one even when every member is an integer.
  CHECK(EncodingAfterLoad<SetValue>(
            Craft(Entry(20, "s", Str(Listpack({LpUint7(1), LpStr("longer"), LpUint7(2)})))), "s") ==
        "listpack");
  CHECK(EncodingAfterLoad<SetValue>(Craft(Entry(20, "s", Str(Listpack({LpUint7(1), LpUint7(2)})))),
                                    "s") == "listpack");
  CHECK(EncodingAfterLoad<SetValue>(
            Craft(Entry(20, "s", Str(Listpack({LpUint7(1), LpUint7(2), LpUint7(3), LpUint7(4)})))),
            "s") == "hashtable");
  CHECK(EncodingAfterLoad<SetValue>(
            Craft(Entry(11, "i", Str(Le(2, 4) + Le(3, 4) + Le(1, 2) + Le(2, 2) + Le(3, 2)))),
            "i") == "hashtable");
}

TEST_CASE("rdb collections: empty ones are skipped; expired ones dropped and counted") {
  RdbLoadInfo info;
  CHECK(Load(Craft(Entry(2, "empty", "\x00"s) + Entry(14, "q", "\x01" + Str(Ziplist({})))),
             &info)
            .empty());
  CHECK(info.keys_loaded == 0);
  const std::string expired = "\xfc"s + Le(kNow - 1, 8) + "\x02\x01s\x01\x01" "a"s;
  CHECK(Load(Craft("\xfe\x00"s + expired), &info).empty());
  CHECK(info.keys_expired == 1);
}

TEST_CASE("rdb collections: damaged values are refused naming the key and the fault") {
  const auto err = [](uint8_t type, std::string_view value) {
    return LoadError(Craft(Entry(type, "key", value)));
  };
  CHECK(err(2, "\x02\x01" "a\x01" "a"s) ==
        "RDB: bad set (hashtable) value of key 'key' at offset 16: duplicate member 'a'");
  CHECK(err(16, Str(Listpack({LpStr("f"), LpStr("1"), LpStr("f"), LpStr("2")}))) ==
        "RDB: bad hash (listpack) value of key 'key' at offset 16: duplicate field 'f'");
  CHECK(err(13, Str(Ziplist({"f", "v", "g"}))) ==
        "RDB: bad hash (ziplist) value of key 'key' at offset 16: an odd number of elements");
  CHECK(err(17, Str(Listpack({LpStr("m"), LpStr("x")}))) ==
        "RDB: bad zset (listpack) value of key 'key' at offset 16: bad score 'x' of member 'm'");
  const uint64_t nan_bits = 0x7ff8000000000000;
  CHECK(err(5, "\x01\x01m"s + Le(nan_bits, 8)) ==
        "RDB: bad zset (skiplist) value of key 'key' at offset 16: NaN score of member 'm'");
  CHECK(err(18, "\x01\x03" + Str("x")) ==
        "RDB: bad list (quicklist) value of key 'key' at offset 16: unknown quicklist "
        "container 3");
  CHECK(err(11, Str(Le(2, 4) + Le(2, 4) + Le(5, 2) + Le(5, 2))) ==
        "RDB: bad set (intset) value of key 'key' at offset 16: intset not sorted or with "
        "duplicates");
  CHECK(err(11, Str(Le(3, 4) + Le(1, 4) + "abc")).ends_with("bad intset encoding"));
  // Blob headers and entries that do not add up.
  std::string zl = Ziplist({"a", "b"});
  std::string bad = zl;
  bad[0] = static_cast<char>(bad[0] + 1);
  CHECK(err(10, Str(bad)).ends_with("ziplist size field does not match its length"));
  bad = zl;
  bad[8] = 3;
  CHECK(err(10, Str(bad)).ends_with("ziplist count field does not match its entries"));
  bad = zl;
  bad[bad.size() - 1] = 0;
  CHECK(err(10, Str(bad)).ends_with("ziplist does not end with 0xff"));
  bad = zl;
  bad[10 + 1] = 60;  // "a"'s length runs past the end
  CHECK(err(10, Str(bad)).ends_with("ziplist string runs past the end at byte 10"));
  std::string lp = Listpack({LpStr("a")});
  bad = lp;
  bad[8] = 7;  // the backlen
  CHECK(err(20, Str(bad)).ends_with("listpack backlen does not match its entry at byte 6"));
  // A stream's node key must be a 16-byte ID; zipmaps stay unsupported.
  CHECK(err(15, "\x01\x03" "abc") ==
        "RDB: bad stream value of key 'key' at offset 16: a node key is not the size of a "
        "stream ID");
  CHECK(err(9, "") == "RDB: value type 'hash' (encoding zipmap) of key 'key' is not "
                      "supported yet");
}

// Every prefix and every single-byte change of a file with every collection type is
// refused, never crashes and never half-loads.
TEST_CASE("rdb collections: truncated and damaged files are refused") {
  Store s;
  rdb_test::List(s, 0, "l", {"a", "12", std::string(40, 'x')});
  rdb_test::SetOf(s, 0, "s", {"m", "7"});
  rdb_test::ZSet(s, 0, "z", {{"m", 1.5}});
  rdb_test::Hash(s, 0, "h", {{"f", "v"}});
  const std::string file = EncodeRdb(s, kNow, {});
  for (size_t n = 0; n < file.size(); ++n) {
    CAPTURE(n);
    CHECK(LoadError(file.substr(0, n)).starts_with("RDB: "));
  }
  for (size_t i = 0; i < file.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      CAPTURE(i);
      CAPTURE(mask);
      std::string bad = file;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      CHECK(LoadError(bad).starts_with("RDB: "));
    }
  }
}

}  // namespace
}  // namespace kvd
