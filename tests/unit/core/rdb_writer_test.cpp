#include "core/rdb_writer.h"

#include <doctest/doctest.h>

#include <string>

#include "core/crc64.h"
#include "rdb_test_util.h"

namespace kvd {
namespace {

using namespace std::string_literals;
using rdb_test::kNow;
using rdb_test::Set;

RdbOptions Fixed(bool compression = true, bool checksum = true) {
  RdbOptions o;
  o.compression = compression;
  o.checksum = checksum;
  o.used_memory = 1234567;
  return o;
}

// What follows the header for one string entry, as RdbWriter encodes it.
std::string Entry(std::string_view key, std::string_view value, int64_t expire_at_ms = kNoExpiry,
                  bool compression = true) {
  RdbWriter w(Fixed(compression));
  w.WriteString(key, value, expire_at_ms);
  std::string out;
  w.TakePending(out);
  return out;
}

// The encoding of a value alone: Entry() minus the type byte and the one-byte key "k".
std::string ValueBytes(std::string_view value, bool compression = true) {
  return Entry("k", value, kNoExpiry, compression).substr(3);
}

const std::string kHeader =
    "REDIS0009"
    "\xfa\x09redis-ver\x05" "7.2.4"
    "\xfa\x0aredis-bits\xc0\x40"
    "\xfa\x05" "ctime\xc2\x00\xf1\x53\x65"  // 1700000000
    "\xfa\x08used-mem\xc2\x87\xd6\x12\x00"  // 1234567
    "\xfa\x08" "aof-base\xc0\x00"s;

std::string WithChecksum(std::string body) {
  const uint64_t crc = Crc64(0, body);
  for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>(crc >> (8 * i)));
  return body;
}

TEST_CASE("rdb writer: an empty store is the header, the AUX fields, EOF and the checksum") {
  CHECK(EncodeRdb(Store(), kNow, Fixed()) == WithChecksum(kHeader + "\xff"));
  // rdbchecksum no: Redis writes eight zero bytes.
  CHECK(EncodeRdb(Store(), kNow, Fixed(true, false)) == kHeader + "\xff" + std::string(8, '\0'));
}

TEST_CASE("rdb writer: function libraries follow the AUX fields, and load back") {
  RdbOptions o = Fixed();
  o.functions = {"#!lua name=a", "b"};  // short: stored verbatim (no LZF)
  const std::string file = EncodeRdb(Store(), kNow, o);
  CHECK(file == WithChecksum(kHeader + "\xf5\x0c" + o.functions[0] + "\xf5\x01" "b" "\xff"));
  RdbLoadInfo info;
  Store back;
  REQUIRE(LoadRdb(file, kNow, back, &info) == "");
  CHECK(info.functions == o.functions);
}

TEST_CASE("rdb writer: the replication info goes between used-mem and aof-base, and loads back") {
  RdbOptions o = Fixed(/*compression=*/false);  // an id of one letter repeated would compress
  const std::string id(40, 'a');
  o.replication = RdbReplicationInfo{.stream_db = 3, .replid = id, .offset = 123456};
  const std::string file = EncodeRdb(Store(), kNow, o);
  const size_t aof_base = kHeader.find("\xfa\x08" "aof-base"s);
  const std::string expected = kHeader.substr(0, aof_base) +
                               "\xfa\x0erepl-stream-db\xc0\x03"
                               "\xfa\x07repl-id\x28" + id +
                               "\xfa\x0brepl-offset\xc2\x40\xe2\x01\x00"s +  // 123456
                               kHeader.substr(aof_base) + "\xff";
  CHECK(file == WithChecksum(expected));
  RdbLoadInfo info;
  Store back;
  REQUIRE(LoadRdb(file, kNow, back, &info) == "");
  CHECK(info.repl_stream_db == 3);
  CHECK(info.repl_id == id);
  CHECK(info.repl_offset == 123456);
}

TEST_CASE("rdb reader: a file without replication info, or with a malformed id, says so") {
  RdbLoadInfo info;
  Store back;
  REQUIRE(LoadRdb(EncodeRdb(Store(), kNow, Fixed()), kNow, back, &info) == "");
  CHECK(info.repl_stream_db == -1);
  CHECK(info.repl_id.empty());
  CHECK(info.repl_offset == -1);
  // Redis takes an id only at its exact length.
  RdbOptions o = Fixed();
  o.replication = RdbReplicationInfo{.stream_db = 0, .replid = "short", .offset = 7};
  REQUIRE(LoadRdb(EncodeRdb(Store(), kNow, o), kNow, back, &info) == "");
  CHECK(info.repl_id.empty());
  CHECK(info.repl_offset == 7);
}

TEST_CASE("rdb writer: databases, RESIZEDB sizes and expiry in milliseconds") {
  Store s;
  Set(s, 0, "a", "1");
  Set(s, 3, "t", "x", 0x0102030405060708);
  const std::string expected = kHeader +
                               "\xfe\x00\xfb\x01\x00"             // SELECTDB 0, RESIZEDB 1 0
                               "\x00\x01" "a\xc0\x01"             // string a = 1
                               "\xfe\x03\xfb\x01\x01"             // SELECTDB 3, RESIZEDB 1 1
                               "\xfc\x08\x07\x06\x05\x04\x03\x02\x01"  // EXPIRETIME_MS
                               "\x00\x01t\x01x"                   // string t = x
                               "\xff"s;
  CHECK(EncodeRdb(s, kNow, Fixed()) == WithChecksum(expected));
}

TEST_CASE("rdb writer: expired keys are left out") {
  Store s;
  Set(s, 0, "live", "1", kNow + 10);
  Set(s, 0, "dead", "2", kNow + 1);
  const std::string before = EncodeRdb(s, kNow, Fixed());
  CHECK(before.find("live") != std::string::npos);
  CHECK(before.find("dead") != std::string::npos);
  const std::string after = EncodeRdb(s, kNow + 2, Fixed());  // past "dead"'s expiry
  CHECK(after.find("live") != std::string::npos);
  CHECK(after.find("dead") == std::string::npos);
  Store loaded;
  REQUIRE(LoadRdb(after, kNow + 2, loaded) == "");
  CHECK(rdb_test::Dump(loaded, kNow + 2) ==
        std::vector<std::string>{"0|live|1|" + std::to_string(kNow + 10)});
}

TEST_CASE("rdb writer: integer encodings for canonical integers that fit 32 bits") {
  struct Case {
    std::string value, bytes;
  };
  const std::vector<Case> cases = {
      {"0", "\xc0\x00"s},
      {"127", "\xc0\x7f"s},
      {"-128", "\xc0\x80"s},
      {"128", "\xc1\x80\x00"s},
      {"-129", "\xc1\x7f\xff"s},
      {"32767", "\xc1\xff\x7f"s},
      {"-32768", "\xc1\x00\x80"s},
      {"32768", "\xc2\x00\x80\x00\x00"s},
      {"2147483647", "\xc2\xff\xff\xff\x7f"s},
      {"-2147483648", "\xc2\x00\x00\x00\x80"s},
      // Too big for 32 bits, or not the canonical text of their value: verbatim.
      {"2147483648", "\x0a" "2147483648"s},
      {"-2147483649", "\x0b" "-2147483649"s},
      {"9223372036854775807", "\x13" "9223372036854775807"s},
      {"007", "\x03" "007"s},
      {"+5", "\x02+5"s},
      {"-0", "\x02-0"s},
      {" 1", "\x02 1"s},
      {"1 ", "\x02" "1 "s},
      {"", "\x00"s},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(ValueBytes(c.value) == c.bytes);
  }
  // Keys get the same treatment.
  CHECK(Entry("12", "v") == "\x00\xc0\x0c\x01v"s);
}

TEST_CASE("rdb writer: 6, 14, 32-bit lengths") {
  // Distinct bytes, so compression never applies.
  std::string s = "v:";
  for (int i = 0; s.size() < 20000; ++i) s += std::to_string(i * 7919) + ",";
  const auto raw = [&](size_t n) { return ValueBytes(s.substr(0, n), false); };
  CHECK(raw(1).substr(0, 1) == "\x01");
  CHECK(raw(63).substr(0, 1) == "\x3f");
  CHECK(raw(64).substr(0, 2) == "\x40\x40");
  CHECK(raw(16383).substr(0, 2) == "\x7f\xff");
  CHECK(raw(16384).substr(0, 5) == "\x80\x00\x00\x40\x00"s);
  CHECK(raw(16384).substr(5) == s.substr(0, 16384));
  // 8 characters of distinct digits: no integer (leading zero) and not compressible.
  CHECK(ValueBytes("01234567") == "\x08" "01234567");
}

TEST_CASE("rdb writer: LZF only above 20 bytes, when on, and when it saves 4 bytes") {
  const std::string twenty(20, 'a');
  const std::string long_run(21, 'a');
  CHECK(ValueBytes(twenty) == "\x14" + twenty);
  CHECK(ValueBytes(long_run) == "\xc3\x06\x15\x01\x61\x61\xe0\x0a\x00"s);
  CHECK(ValueBytes(long_run, false) == "\x15" + long_run);
  // Incompressible: verbatim even with compression on.
  std::string noise;
  for (int i = 0; i < 60; ++i) noise.push_back(static_cast<char>((i * 7919 + 13) % 251));
  CHECK(ValueBytes(noise) == "\x3c" + noise);
  // A long compressible key is compressed too.
  const std::string key(50, 'k');
  CHECK(Entry(key, "v").substr(0, 2) == "\x00\xc3"s);
}

TEST_CASE("rdb writer: taking the output in pieces gives the same file") {
  Store s;
  for (int i = 0; i < 300; ++i) {
    Set(s, static_cast<size_t>(i % 3), "key:" + std::to_string(i), std::string(i, 'v'),
        i % 2 ? kNow + i : kNoExpiry);
  }
  for (bool checksum : {true, false}) {
    CAPTURE(checksum);
    const RdbOptions o = Fixed(true, checksum);
    RdbWriter w(o);
    std::string streamed;
    w.WriteHeader(kNow, *o.used_memory);
    w.TakePending(streamed);
    for (size_t db = 0; db < s.DatabaseCount(); ++db) {
      if (s.Db(db).Stats().entries == 0) continue;
      w.WriteSelectDb(db, s.Db(db).Stats().entries, s.Db(db).KeysWithExpiry());
      s.Db(db).ForEach(kNow, [&](const Record& r) {
        CHECK(w.WriteRecord(r) == "");
        if (w.pending() > 100) w.TakePending(streamed);
      });
    }
    w.WriteEof();
    w.TakePending(streamed);
    CHECK(w.pending() == 0);
    CHECK(streamed == EncodeRdb(s, kNow, o));
  }
}

TEST_CASE("rdb writer: used-mem defaults to the store's allocated bytes") {
  Store s;
  Set(s, 0, "k", std::string(100000, 'x'));  // over 32767 bytes: an INT32
  RdbOptions o;
  const std::string out = EncodeRdb(s, kNow, o);
  Store loaded;
  RdbLoadInfo info;
  REQUIRE(LoadRdb(out, kNow, loaded, &info) == "");
  CHECK(info.redis_version == "7.2.4");
  std::string used = "\xfa\x08used-mem"s;
  const size_t at = out.find(used);
  REQUIRE(at != std::string::npos);
  // The AUX value: INT32 encoding of the byte count (well under 2^31 here).
  const std::string v = out.substr(at + used.size(), 5);
  REQUIRE(v[0] == '\xc2');
  uint64_t n = 0;
  for (int i = 4; i >= 1; --i) n = (n << 8) | static_cast<uint8_t>(v[static_cast<size_t>(i)]);
  CHECK(n == s.AllocatedBytes());
}

}  // namespace
}  // namespace kvd

namespace kvd {
namespace {

TEST_CASE("rdb writer: WriteRdb streams the same file in blocks, and stops when the sink fails") {
  Store s;
  for (int i = 0; i < 2000; ++i) {
    rdb_test::Set(s, static_cast<size_t>(i % 5), "k" + std::to_string(i), std::to_string(i * 31));
  }
  const std::string whole = EncodeRdb(s, rdb_test::kNow, {});
  std::vector<std::string> blocks;
  CHECK(WriteRdb(s, rdb_test::kNow, {},
                 [&](std::string_view b) {
                   blocks.emplace_back(b);
                   return true;
                 },
                 4096) == "");
  REQUIRE(blocks.size() > 2);
  std::string joined;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (i + 1 < blocks.size()) CHECK(blocks[i].size() >= 4096);
    CHECK(blocks[i].size() < 4096 + 100);  // a block ends right after the key that filled it
    joined += blocks[i];
  }
  CHECK(joined == whole);

  int calls = 0;
  CHECK(WriteRdb(s, rdb_test::kNow, {},
                 [&](std::string_view) {
                   ++calls;
                   return calls < 2;
                 },
                 4096) == "RDB: the write failed");
  CHECK(calls == 2);
}

}  // namespace
}  // namespace kvd
