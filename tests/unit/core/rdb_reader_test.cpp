// LoadRdb on hand-made files: every opcode and encoding the reader accepts, and the
// messages for what it refuses.
#include "core/rdb_reader.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rdb_test_util.h"

namespace kvd {
namespace {

using namespace std::string_literals;
using rdb_test::Craft;
using rdb_test::Dump;
using rdb_test::kNow;
using rdb_test::LoadError;

std::string Line(size_t db, std::string_view key, std::string_view value,
                 int64_t expire = kNoExpiry) {
  return std::to_string(db) + "|" + std::string(key) + "|" + std::string(value) + "|" +
         std::to_string(expire);
}

// Loads a file that must load; returns the dump.
std::vector<std::string> Load(std::string_view file, RdbLoadInfo* info = nullptr) {
  Store s;
  const std::string err = LoadRdb(file, kNow, s, info);
  REQUIRE(err == "");
  return Dump(s, kNow);
}

TEST_CASE("rdb reader: versions 9 to 11 load; others are refused by number") {
  for (const char* v : {"0009", "0010", "0011"}) {
    CAPTURE(v);
    RdbLoadInfo info;
    CHECK(Load(Craft("\x00\x01k\x01v"s, v), &info) == std::vector{Line(0, "k", "v")});
    CHECK(info.version == std::stoi(v));
  }
  CHECK(LoadError(Craft("", "0008")) ==
        "RDB: can't handle RDB format version 8 (kvd reads versions 9 to 11: Redis 5.0 to 7.2)");
  CHECK(LoadError(Craft("", "0012")).starts_with("RDB: can't handle RDB format version 12 "));
  CHECK(LoadError(Craft("", "00x9")) == "RDB: bad version field '00x9'");
  CHECK(LoadError("REDIT0009") == "RDB: not an RDB file (it does not start with \"REDIS\")");
  CHECK(LoadError("KVDSNAP") == "RDB: not an RDB file (it does not start with \"REDIS\")");
  CHECK(LoadError("") == "RDB: unexpected end of file at offset 0 reading the header");
  CHECK(LoadError("REDIS001") == "RDB: unexpected end of file at offset 8 reading the header");
  CHECK(IsRdb("REDIS0009"));
  CHECK_FALSE(IsRdb("KVDSNAP\x01"));
}

TEST_CASE("rdb reader: AUX, SELECTDB, RESIZEDB, IDLE, FREQ and both expire opcodes") {
  const std::string body =
      "\xfa\x09redis-ver\x06" "7.0.15"
      "\xfa\x05" "ctime\xc2\x00\xf1\x53\x65"
      "\xfa\x03" "lua\x05" "x=1;y"  // old Lua scripts AUX: ignored
      "\x00\x01" "a\x01" "0"        // no SELECTDB yet: database 0
      "\xfe\x07\xfb\x02\x01"
      "\xf8\x81\x00\x00\x00\x00\x00\x00\x00\x05"  // IDLE with a 64-bit length
      "\xf9\x07"                                  // FREQ
      "\xfc\x7b\xd8\xc3\x2c\xbb\x03\x00\x00"      // 4102444800123 ms
      "\x00\x01" "b\x01" "1"
      "\xfd\x00\x94\x35\x77"                      // 2000000000 s
      "\x00\x01" "c\x01" "2"
      "\x00\x01" "d\x01" "3"s;                    // the expiry applied to c only
  RdbLoadInfo info;
  CHECK(Load(Craft(body), &info) == std::vector{Line(0, "a", "0"),
                                                 Line(7, "b", "1", 4102444800123),
                                                 Line(7, "c", "2", 2'000'000'000'000),
                                                 Line(7, "d", "3")});
  CHECK(info.redis_version == "7.0.15");
  CHECK(info.keys_loaded == 4);
}

TEST_CASE("rdb reader: every length and string encoding") {
  const std::string s300(300, 's');
  std::string body =
      "\x00\x02k1\xc0\x80"s                   // INT8 -128
      "\x00\x02k2\xc1\x00\x80"                // INT16 -32768
      "\x00\x02k3\xc2\xff\xff\xff\x7f"        // INT32
      "\x00\x02k4\x41\x2c" + s300 +           // 14-bit length
      "\x00\x02k5\x80\x00\x00\x00\x03" "abc"  // 32-bit length
      "\x00\x02k6\x81\x00\x00\x00\x00\x00\x00\x00\x02" "de"  // 64-bit length
      "\x00\x02k7\xc3\x06\x15\x01\x61\x61\xe0\x0a\x00"       // LZF
      "\x00\xc1\x39\x30\x01v"s;                              // integer key 12345
  CHECK(Load(Craft(body)) == std::vector{Line(0, "12345", "v"), Line(0, "k1", "-128"),
                                         Line(0, "k2", "-32768"), Line(0, "k3", "2147483647"),
                                         Line(0, "k4", s300), Line(0, "k5", "abc"),
                                         Line(0, "k6", "de"), Line(0, "k7", std::string(21, 'a'))});
}

TEST_CASE("rdb reader: zipmaps and modules stop the load naming type and key") {
  struct Case {
    uint8_t type;
    std::string message;
  };
  const std::vector<Case> cases = {
      {9, "value type 'hash' (encoding zipmap)"},
  };
  for (const Case& c : cases) {
    CAPTURE(int{c.type});
    const std::string body = "\x00\x01k\x01v"s + static_cast<char>(c.type) + "\x04my\xffk";
    CHECK(LoadError(Craft(body)) ==
          "RDB: " + c.message + " of key 'my\\xffk' is not supported yet");
  }
  // Modules: the module's name comes from its type id (Redis's moduleTypeNameByID).
  // "ReJSON-RL" = R e J S O N - R L in Redis's 64-character set, version 3.
  uint64_t id = 0;
  const std::string charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (char c : "ReJSON-RL"s) id = (id << 6) | charset.find(c);
  id = (id << 10) | 3;
  std::string id_bytes = "\x81"s;
  for (int i = 7; i >= 0; --i) id_bytes.push_back(static_cast<char>(id >> (8 * i)));
  CHECK(LoadError(Craft("\x07\x03" "doc" + id_bytes)) ==
        "RDB: value type 'module' (module 'ReJSON-RL') of key 'doc' is not supported yet");
  CHECK(LoadError(Craft("\xf7" + id_bytes)) ==
        "RDB: the file holds data of module 'ReJSON-RL' (MODULE_AUX at offset 9): modules are "
        "not supported");
  CHECK(LoadError(Craft("\xf6\x05" "#!lua"s)) ==
        "RDB: the file holds functions in Redis 7.0's pre-release format (at offset 9): not "
        "supported");
}

TEST_CASE("rdb reader: function libraries come back in file order, beside the keys") {
  RdbLoadInfo info;
  CHECK(Load(Craft("\xf5\x05" "#!lua" "\xf5\x03" "two" "\x00\x01k\x01v"s), &info) ==
        std::vector{Line(0, "k", "v")});
  CHECK(info.functions == std::vector<std::string>{"#!lua", "two"});
  // Cut inside the code: an error with the offset, as for any string.
  CHECK(LoadError(Craft("\xf5\x3f" "#!lua"s)).find("a function library's code") !=
        std::string::npos);
}

TEST_CASE("rdb reader: malformed files get a message with the offset") {
  struct Case {
    const char* name;
    std::string body, message;
  };
  const std::vector<Case> cases = {
      {"unknown opcode", "\x00\x01k\x01v\x08"s, "unknown opcode or value type 8 at offset 14"},
      {"unknown opcode 22", "\x16"s, "unknown opcode or value type 22 at offset 9"},
      {"bad length encoding", "\x00\x82"s,
       "unknown length encoding 0x82 at offset 10 reading a key"},
      {"unknown string encoding", "\x00\xc4"s,
       "unknown string encoding 4 at offset 10 reading a key"},
      {"encoded database index", "\xfe\xc0\x01"s,
       "a string encoding where a length belongs at offset 10 reading a database index"},
      {"database out of range", "\xfe\x10"s,
       "database index 16 at offset 9 is out of range (this server has 16 databases)"},
      {"LZF claims too much", "\x00\x01k\xc3\x01\x40\x59\x00"s,
       "bad LZF string lengths (1 compressed, 89 uncompressed) at offset 12 reading a string "
       "value"},
      {"LZF of length zero", "\x00\x01k\xc3\x00\x00"s,
       "bad LZF string lengths (0 compressed, 0 uncompressed) at offset 12 reading a string "
       "value"},
      {"LZF data decodes short", "\x00\x01k\xc3\x02\x03\x00x"s,
       "invalid LZF compressed string at offset 12 reading a string value"},
      {"LZF data is garbage", "\x00\x01k\xc3\x02\x03\x20\x00"s,
       "invalid LZF compressed string at offset 12 reading a string value"},
      {"duplicate key", "\xfe\x02\x00\x01k\x01v\x00\x01k\x01w"s,
       "duplicate key 'k' in database 2 at offset 16"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(LoadError(Craft(c.body)) == "RDB: " + c.message);
  }
  // A string longer than the file: refused without allocating it.
  CHECK(LoadError(Craft("\x00\x01k\x81\x00\x00\x10\x00\x00\x00\x00\x00"s)) ==
        "RDB: unexpected end of file at offset 21 reading a string value (17592186044416 bytes "
        "needed, the file has 30)");
  CHECK(LoadError(Craft("\x00\x01k\xc3\x80\xff\xff\xff\xff\x80\xff\xff\xff\xff"s))
            .starts_with("RDB: unexpected end of file at offset 23 reading a string value"));
}

TEST_CASE("rdb reader: a checksum of 0 means none was computed") {
  std::string file = Craft("\x00\x01k\x01v"s);
  file.replace(file.size() - 8, 8, std::string(8, '\0'));
  RdbLoadInfo info;
  CHECK(Load(file, &info) == std::vector{Line(0, "k", "v")});
  CHECK_FALSE(info.checksum_verified);
}

}  // namespace
}  // namespace kvd
