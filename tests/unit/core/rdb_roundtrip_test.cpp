// Round trips through EncodeRdb and LoadRdb, and refusal of every damaged copy of a file.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "rdb_test_util.h"

namespace kvd {
namespace {

using namespace std::string_literals;
using rdb_test::CheckUntouched;
using rdb_test::Dump;
using rdb_test::kNow;
using rdb_test::Sentinel;
using rdb_test::Set;

// A bit of everything: several databases, binary keys and values, integers of every
// width, long compressible and incompressible strings, TTLs.
Store Mixed() {
  Store s;
  std::mt19937 rng(5);
  Set(s, 0, "plain", "value");
  Set(s, 0, "", "empty key");
  Set(s, 0, "empty value", "");
  Set(s, 0, "bin\0key\xff"s, "\0\r\n\xff\x80"s, kNow + 60'000);
  for (const char* n : {"0", "-1", "127", "-128", "128", "32767", "-32768", "65536",
                        "2147483647", "-2147483648", "2147483648", "9223372036854775807",
                        "-9223372036854775808", "007", "+1", "-0", "1.5"}) {
    Set(s, 1, std::string("n:") + n, n);
    Set(s, 1, n, "number as key");
  }
  Set(s, 2, "compressible", std::string(10000, 'c'), kNow + 1);
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "row " + std::to_string(i % 50) + ", ";
  Set(s, 2, std::string(300, 'K'), text);
  std::string noise(5000, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  Set(s, 15, "noise", noise, kNow + 3'600'000);
  return s;
}

TEST_CASE("rdb round trip: empty store") {
  Store loaded = Sentinel();
  RdbLoadInfo info;
  REQUIRE(LoadRdb(EncodeRdb(Store(), kNow, {}), kNow, loaded, &info) == "");
  CHECK(Dump(loaded, kNow).empty());
  CHECK(info.version == 9);
  CHECK(info.keys_loaded == 0);
  CHECK(info.checksum_verified);
}

TEST_CASE("rdb round trip: every kind of key and value, with and without compression") {
  const Store s = Mixed();
  for (bool compression : {true, false}) {
    for (bool checksum : {true, false}) {
      CAPTURE(compression);
      CAPTURE(checksum);
      RdbOptions o;
      o.compression = compression;
      o.checksum = checksum;
      const std::string file = EncodeRdb(s, kNow, o);
      Store loaded;
      RdbLoadInfo info;
      REQUIRE(LoadRdb(file, kNow, loaded, &info) == "");
      CHECK(Dump(loaded, kNow) == Dump(s, kNow));
      CHECK(info.keys_loaded == Dump(s, kNow).size());
      CHECK(info.keys_expired == 0);
      CHECK(info.checksum_verified == checksum);
    }
  }
  // Compression makes a difference here.
  RdbOptions off;
  off.compression = false;
  CHECK(EncodeRdb(s, kNow, {}).size() + 10000 < EncodeRdb(s, kNow, off).size());
}

TEST_CASE("rdb round trip: many keys over all 16 databases") {
  Store s;
  for (int i = 0; i < 20000; ++i) {
    Set(s, static_cast<size_t>(i % 16), "key:" + std::to_string(i), "value:" + std::to_string(i),
        i % 3 == 0 ? kNow + 1000 + i : kNoExpiry);
  }
  Store loaded;
  REQUIRE(LoadRdb(EncodeRdb(s, kNow, {}), kNow, loaded) == "");
  CHECK(Dump(loaded, kNow) == Dump(s, kNow));
  for (size_t db = 0; db < 16; ++db) CHECK(loaded.Db(db).Count(kNow) == s.Db(db).Stats().entries);
}

TEST_CASE("rdb round trip: keys that expire before the load are dropped, not counted") {
  Store s;
  Set(s, 0, "soon", "1", kNow + 100);
  Set(s, 0, "later", "2", kNow + 200);
  Set(s, 4, "never", "3");
  const std::string file = EncodeRdb(s, kNow, {});
  Store loaded;
  RdbLoadInfo info;
  // One millisecond past its deadline a key is dropped.
  REQUIRE(LoadRdb(file, kNow + 101, loaded, &info) == "");
  CHECK(Dump(loaded, kNow + 101) ==
        std::vector<std::string>{"0|later|2|" + std::to_string(kNow + 200),
                                 "4|never|3|" + std::to_string(kNoExpiry)});
  CHECK(info.keys_loaded == 2);
  CHECK(info.keys_expired == 1);
  CHECK(loaded.ExpiredKeys() == 0);
  CHECK(loaded.Db(0).Stats().entries == 1);
}

TEST_CASE("rdb round trip: a key whose expiry is the load time is loaded, one before it not") {
  Store s;
  Set(s, 0, "at", "1", kNow + 100);
  Set(s, 0, "before", "2", kNow + 99);
  rdb_test::SetOf(s, 1, "set at", {"a", "b"}, kNow + 100);
  rdb_test::SetOf(s, 1, "set before", {"a", "b"}, kNow + 99);
  Store loaded;
  RdbLoadInfo info;
  // As Redis's loader, which drops a key when its expiry < now.
  REQUIRE(LoadRdb(EncodeRdb(s, kNow, {}), kNow + 100, loaded, &info) == "");
  CHECK(info.keys_loaded == 2);
  CHECK(info.keys_expired == 2);
  CHECK(loaded.Db(0).Stats().entries == 1);
  CHECK(loaded.Db(1).Stats().entries == 1);
  CHECK(loaded.Db(0).Get("at", kNow + 100) == "1");
  CHECK(loaded.Db(0).GetExpire("at", kNow + 100) == kNow + 100);
  CHECK(loaded.Db(1).Read<SetValue>("set at", kNow + 100)->size() == 2);
  // The writer keeps a key at its expiry too.
  const std::string at_expiry = EncodeRdb(s, kNow + 100, {});
  CHECK(at_expiry.find("before") == std::string::npos);
  Store again;
  REQUIRE(LoadRdb(at_expiry, kNow + 100, again, &info) == "");
  CHECK(Dump(again, kNow + 100) == Dump(loaded, kNow + 100));
  CHECK(loaded.Db(0).Get("at", kNow + 101) == std::nullopt);
}

TEST_CASE("rdb round trip: a load replaces the whole store") {
  Store s;
  Set(s, 1, "new", "x");
  Store loaded = Sentinel();
  REQUIRE(LoadRdb(EncodeRdb(s, kNow, {}), kNow, loaded) == "");
  CHECK(Dump(loaded, kNow) == Dump(s, kNow));
}

// A small file with every structure in it, for the exhaustive damage tests.
std::string SmallFile() {
  Store s;
  Set(s, 0, "int", "12345");
  Set(s, 0, "str", "hello", kNow + 5000);
  Set(s, 3, "lzf", std::string(40, 'z') + "tail");
  Set(s, 3, "bin\0"s, "\xff\0"s);
  return EncodeRdb(s, kNow, {});
}

TEST_CASE("rdb damage: every truncation is refused with the offset, store untouched") {
  const std::string file = SmallFile();
  for (size_t n = 0; n < file.size(); ++n) {
    CAPTURE(n);
    const std::string err = rdb_test::LoadError(file.substr(0, n));
    CAPTURE(err);
    CHECK(err.starts_with("RDB: unexpected end of file at offset "));
  }
}

TEST_CASE("rdb damage: every single-byte change is refused, store untouched") {
  const std::string file = SmallFile();
  for (size_t i = 0; i < file.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      CAPTURE(i);
      CAPTURE(mask);
      std::string bad = file;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      CHECK(rdb_test::LoadError(bad).starts_with("RDB: "));
    }
  }
}

TEST_CASE("rdb damage: a changed value byte is caught by the checksum") {
  std::string file = SmallFile();
  file[file.find("hello")] = 'j';
  const std::string err = rdb_test::LoadError(file);
  CHECK(err.starts_with("RDB: checksum mismatch: the file says 0x"));
  // Without a checksum (rdbchecksum no) nothing can tell: the changed value loads.
  RdbOptions o;
  o.checksum = false;
  Store s;
  Set(s, 0, "str", "hello");
  std::string unchecked = EncodeRdb(s, kNow, o);
  unchecked[unchecked.find("hello")] = 'j';
  Store loaded;
  RdbLoadInfo info;
  REQUIRE(LoadRdb(unchecked, kNow, loaded, &info) == "");
  CHECK_FALSE(info.checksum_verified);
  CHECK(loaded.Db(0).Get("str", kNow) == "jello");
}

TEST_CASE("rdb damage: data after the checksum is refused") {
  const std::string file = SmallFile();
  CHECK(rdb_test::LoadError(file + "x") ==
        "RDB: unexpected data at offset " + std::to_string(file.size()) + " after the checksum");
}

}  // namespace
}  // namespace kvd
