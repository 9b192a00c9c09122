#include "core/snapshot.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/byte_io.h"
#include "core/crc64.h"
#include "core/record.h"
#include "core/set_value.h"

namespace kvd {
namespace {

using namespace std::literals;

constexpr int64_t kNow = 1'700'000'000'000;

void Set(Store& s, size_t db, std::string_view k, std::string_view v,
         int64_t expire_at_ms = kNoExpiry) {
  s.Db(db).SetString(k, v, expire_at_ms, TtlMode::kClear, kNow);
}

// Every live entry of every database as "db|key|value|expiry" lines, sorted.
std::vector<std::string> Dump(const Store& s, int64_t now_ms) {
  std::vector<std::string> out;
  for (size_t db = 0; db < s.DatabaseCount(); ++db) {
    s.Db(db).ForEach(now_ms, [&](const Record& r) {
      out.push_back(std::to_string(db) + "|" + std::string(r.key()) + "|" +
                    std::string(r.string_value()) + "|" + std::to_string(r.expire_at_ms()));
    });
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A store whose contents a failed decode must leave alone.
Store Sentinel() {
  Store s;
  Set(s, 2, "sentinel", "still here");
  return s;
}

void CheckUntouched(Store& s) {
  CHECK(s.Db(2).Get("sentinel", kNow) == "still here");
  for (size_t db = 0; db < s.DatabaseCount(); ++db) {
    CHECK(s.Db(db).Count(kNow) == (db == 2 ? 1u : 0u));
  }
}

std::string RoundTripEncoding() {
  Store s;
  Set(s, 0, "a", "1");
  Set(s, 0, "b\0c"sv, "x\0y\0"sv, kNow + 5000);
  Set(s, 3, "", "empty key");
  Set(s, 15, "k", "");
  return EncodeSnapshot(s, kNow);
}

// Builds snapshots by hand, for inputs the encoder never writes.
struct Crafted {
  std::string bytes;
  ByteWriter w{bytes};
  explicit Crafted(uint8_t version = kSnapshotVersion) {
    w.Bytes(kSnapshotMagic);
    w.U8(version);
  }
  Crafted& Section(uint32_t db, uint64_t count) {
    w.U32(db);
    w.U64(count);
    return *this;
  }
  Crafted& Entry(uint8_t type, std::string_view key, std::string_view value,
                 int64_t expire = kNoExpiry) {
    w.U8(type);
    w.I64(expire);
    w.U32(static_cast<uint32_t>(key.size()));
    w.Bytes(key);
    w.U32(static_cast<uint32_t>(value.size()));
    w.Bytes(value);
    return *this;
  }
  std::string Sealed() {
    std::string out = bytes;
    ByteWriter(out).U64(Crc64(0, out));
    return out;
  }
};

TEST_CASE("snapshot: empty store round trip replaces the target's contents") {
  Store empty;
  const std::string data = EncodeSnapshot(empty, kNow);
  CHECK(data.size() == 8 + 4 + 8);
  CHECK(data.substr(0, 8) == "KVDSNAP\x01"sv);
  Store into = Sentinel();
  REQUIRE_FALSE(DecodeSnapshot(data, kNow, into));
  CHECK(Dump(into, kNow).empty());
  CHECK(into.DataBytes() == 0);
}

TEST_CASE("snapshot: many keys over several databases, binary-safe, TTLs kept") {
  Store s;
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    std::string key = "key:" + std::to_string(i);
    std::string value(static_cast<size_t>(rng() % 40), '\0');
    for (char& c : value) c = static_cast<char>(rng());
    const int64_t expiry = (i % 3 == 0) ? kNow + 1 + i : kNoExpiry;
    Set(s, static_cast<size_t>(i % 16), key, value, expiry);
  }
  Set(s, 0, "\0\0\0"sv, "\0"sv);
  Set(s, 0, "\xff\xfe\r\n"sv, std::string(100'000, 'z'));
  Set(s, 7, "", "");  // empty key and empty value
  Set(s, 9, "same", "in 9");
  Set(s, 10, "same", "in 10", kNow + 1);

  const std::string data = EncodeSnapshot(s, kNow);
  Store into;
  const SnapshotError err = DecodeSnapshot(data, kNow, into);
  CHECK_MESSAGE(!err, err.message);
  CHECK(Dump(into, kNow) == Dump(s, kNow));
  CHECK(into.DataBytes() == s.DataBytes());
  CHECK(into.Db(0).Get("\0\0\0"sv, kNow) == "\0"sv);
  CHECK(into.Db(0).GetExpire("key:0", kNow) == kNow + 1);
  CHECK(into.Db(1).GetExpire("key:1", kNow) == kNoExpiry);
  CHECK(into.Db(10).GetExpire("same", kNow) == kNow + 1);
  CHECK(into.Db(9).Get("same", kNow) == "in 9");
  // Decoding is deterministic given the bytes: encoding the loaded store again and loading
  // that gives the same contents.
  Store again;
  REQUIRE_FALSE(DecodeSnapshot(EncodeSnapshot(into, kNow), kNow, again));
  CHECK(Dump(again, kNow) == Dump(s, kNow));
}

TEST_CASE("snapshot: expired entries are skipped and the counts match what is written") {
  Store s;
  Set(s, 0, "live1", "a");
  Set(s, 0, "live2", "b", kNow + 10);
  Set(s, 0, "dead1", "c", kNow + 4);
  Set(s, 4, "dead2", "d", kNow + 4);  // db 4 holds only keys dead at encode time
  Set(s, 6, "live3", "e");
  const std::string data = EncodeSnapshot(s, kNow + 5);

  ByteReader in(data, 8, data.size() - 8);
  CHECK(in.U32() == 2);  // sections: db 0 and db 6; db 4 is left out
  CHECK(in.U32() == 0);
  CHECK(in.U64() == 2);
  for (int i = 0; i < 2; ++i) {  // skip db 0's two entries
    in.U8();
    in.I64();
    in.Bytes(in.U32());
    in.Bytes(in.U32());
  }
  CHECK(in.U32() == 6);
  CHECK(in.U64() == 1);

  Store into;
  REQUIRE_FALSE(DecodeSnapshot(data, kNow + 5, into));
  CHECK(Dump(into, kNow + 5) == std::vector<std::string>{"0|live1|a|" + std::to_string(kNoExpiry),
                                                         "0|live2|b|" + std::to_string(kNow + 10),
                                                         "6|live3|e|" + std::to_string(kNoExpiry)});
}

TEST_CASE("snapshot: keys that expired between save and load are dropped at load") {
  Store s;
  Set(s, 0, "soon", "x", kNow + 100);
  Set(s, 0, "later", "y", kNow + 1000);
  Set(s, 0, "never", "z");
  const std::string data = EncodeSnapshot(s, kNow);
  Store into;
  REQUIRE_FALSE(DecodeSnapshot(data, kNow + 101, into));
  CHECK(into.Db(0).Stats().entries == 2);  // not even held for lazy expiry
  CHECK_FALSE(into.Db(0).Contains("soon", kNow + 101));
  CHECK(into.Db(0).Get("later", kNow + 101) == "y");
  CHECK(into.Db(0).Get("never", kNow + 101) == "z");
  CHECK(into.ExpiredKeys() == 0);
}

TEST_CASE("snapshot: a key whose expiry is the load time is loaded, one before it not") {
  Store s;
  Set(s, 0, "at", "x", kNow + 100);
  Set(s, 0, "before", "y", kNow + 99);
  {
    auto set = SetValue::Create();
    set->Add("m");
    s.Db(1).StoreCollection("set at", std::move(set), kNow + 100, kNow);
    set = SetValue::Create();
    set->Add("m");
    s.Db(1).StoreCollection("set before", std::move(set), kNow + 99, kNow);
  }
  // As Redis's loader, which drops a key when its expiry < now.
  for (const int64_t saved_at : {kNow, kNow + 100}) {  // the encoder keeps it at its expiry too
    CAPTURE(saved_at);
    Store into;
    REQUIRE_FALSE(DecodeSnapshot(EncodeSnapshot(s, saved_at), kNow + 100, into));
    CHECK(into.Db(0).Stats().entries == 1);
    CHECK(into.Db(1).Stats().entries == 1);
    CHECK(into.Db(0).Get("at", kNow + 100) == "x");
    CHECK(into.Db(0).GetExpire("at", kNow + 100) == kNow + 100);
    const SetValue* set = into.Db(1).Read<SetValue>("set at", kNow + 100);
    REQUIRE(set != nullptr);
    CHECK(set->size() == 1);
    CHECK(into.Db(0).Get("at", kNow + 101) == std::nullopt);
  }
}

TEST_CASE("snapshot: every truncation is refused and leaves the store untouched") {
  const std::string data = RoundTripEncoding();
  for (size_t len = 0; len < data.size(); ++len) {
    CAPTURE(len);
    Store into = Sentinel();
    const SnapshotError err = DecodeSnapshot(std::string_view(data).substr(0, len), kNow, into);
    REQUIRE(err);
    CHECK(err.message.starts_with("snapshot truncated at offset "));
    CheckUntouched(into);
  }
  Store into = Sentinel();
  CHECK(DecodeSnapshot(RoundTripEncoding().substr(0, 3), kNow, into).message ==
        "snapshot truncated at offset 3");
  CHECK(DecodeSnapshot("KVDSNAP\x01"sv, kNow, into).message == "snapshot truncated at offset 8");
  CheckUntouched(into);
}

TEST_CASE("snapshot: every single-byte change is refused") {
  const std::string data = RoundTripEncoding();
  for (size_t pos = 0; pos < data.size(); ++pos) {
    for (int mask : {0x01, 0x80, 0xff}) {
      CAPTURE(pos);
      CAPTURE(mask);
      std::string bad = data;
      bad[pos] = static_cast<char>(bad[pos] ^ mask);
      Store into = Sentinel();
      REQUIRE(DecodeSnapshot(bad, kNow, into));
      CheckUntouched(into);
    }
  }
  // A change in the checksum itself or in a value is caught by the checksum.
  std::string bad = data;
  bad.back() = static_cast<char>(bad.back() ^ 1);
  Store into = Sentinel();
  CHECK(DecodeSnapshot(bad, kNow, into).message == "checksum mismatch");
  bad = data;
  bad[data.find("empty key")] = 'E';
  CHECK(DecodeSnapshot(bad, kNow, into).message == "checksum mismatch");
  CheckUntouched(into);
}

TEST_CASE("snapshot: garbage, wrong magic, other versions") {
  Store into = Sentinel();
  CHECK(DecodeSnapshot("REDIS0011\xfa\x09redis-ver"sv, kNow, into).message == "bad magic");
  CHECK(DecodeSnapshot("KVDSNAq\x01" + std::string(20, '\0'), kNow, into).message == "bad magic");
  CHECK(DecodeSnapshot("X", kNow, into).message == "bad magic");
  CHECK(DecodeSnapshot("", kNow, into).message == "snapshot truncated at offset 0");
  CHECK(DecodeSnapshot(Crafted(2).Section(0, 0).Sealed(), kNow, into).message ==
        "unsupported version 2 (this build reads 1)");
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string garbage(rng() % 300, '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    if (i % 2 == 0) garbage = "KVDSNAP\x01"s + garbage;  // past the magic, into the parser
    CAPTURE(i);
    REQUIRE(DecodeSnapshot(garbage, kNow, into));
  }
  // Huge counts and lengths fail on the bounds checks, without allocating for them.
  Crafted huge;
  huge.w.U32(0xffffffff);
  huge.Section(0, UINT64_MAX);
  huge.w.U8(0);
  huge.w.I64(kNoExpiry);
  huge.w.U32(0xffffffff);
  CHECK(DecodeSnapshot(huge.Sealed(), kNow, into).message == "snapshot truncated at offset 37");
  CheckUntouched(into);
}

TEST_CASE("snapshot: well-formed but invalid content is refused") {
  Store into = Sentinel();
  Crafted missing;  // one section announced, none there
  missing.w.U32(1);
  CHECK(DecodeSnapshot(missing.Sealed(), kNow, into).message == "snapshot truncated at offset 12");
  Crafted unknown;
  unknown.w.U32(1);
  unknown.Section(0, 1).Entry(9, "k", "v");
  CHECK(DecodeSnapshot(unknown.Sealed(), kNow, into).message ==
        "unknown value type 9 for key 'k' in db 0");
  Crafted list;
  list.w.U32(1);
  list.Section(3, 1).Entry(7, "a\nb\\'", "v");
  CHECK(DecodeSnapshot(list.Sealed(), kNow, into).message ==
        "unknown value type 7 for key 'a\\x0ab\\\\\\'' in db 3");
  Crafted dup;
  dup.w.U32(1);
  dup.Section(0, 2).Entry(0, "k", "1").Entry(0, "k", "2");
  CHECK(DecodeSnapshot(dup.Sealed(), kNow, into).message == "duplicate key 'k' in db 0");
  Crafted twice;
  twice.w.U32(2);
  twice.Section(5, 1).Entry(0, "a", "1").Section(5, 1).Entry(0, "b", "1");
  CHECK(DecodeSnapshot(twice.Sealed(), kNow, into).message == "database 5 appears twice");
  Crafted range;
  range.w.U32(1);
  range.Section(16, 1).Entry(0, "a", "1");
  CHECK(DecodeSnapshot(range.Sealed(), kNow, into).message ==
        "database index 16 at offset 12 is out of range (16 databases)");
  Crafted extra;
  extra.w.U32(1);
  extra.Section(0, 1).Entry(0, "a", "1");
  extra.w.U8(0);
  CHECK(DecodeSnapshot(extra.Sealed(), kNow, into).message ==
        "unexpected data at offset 43 after the last entry");
  CheckUntouched(into);

  Crafted ok;
  ok.w.U32(1);
  ok.Section(0, 1).Entry(0, "a", "1");
  REQUIRE_FALSE(DecodeSnapshot(ok.Sealed(), kNow, into));
  CHECK(Dump(into, kNow) == std::vector<std::string>{"0|a|1|" + std::to_string(kNoExpiry)});
}

TEST_CASE("snapshot: a store with fewer databases than the snapshot names refuses it") {
  Store s;
  Set(s, 12, "k", "v");
  const std::string data = EncodeSnapshot(s, kNow);
  Store small(4);
  small.Db(1).SetString("mine", "1", kNoExpiry, TtlMode::kClear, kNow);
  CHECK(DecodeSnapshot(data, kNow, small).message ==
        "database index 12 at offset 12 is out of range (4 databases)");
  CHECK(small.Db(1).Get("mine", kNow) == "1");
  Store big(32);
  REQUIRE_FALSE(DecodeSnapshot(data, kNow, big));
  CHECK(big.DatabaseCount() == 32);
  CHECK(big.Db(12).Get("k", kNow) == "v");
}

}  // namespace
}  // namespace kvd
