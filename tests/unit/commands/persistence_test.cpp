#include "server/persistence.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/crc64.h"
#include "core/snapshot.h"
#include "unit/commands/harness.h"
#include "unit/commands/temp_dir.h"

namespace kvd {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using namespace std::string_view_literals;

constexpr int64_t kNow = 1'700'000'000'000;

using testing::TempDir;
using testing::ReadFileBytes;
using testing::WriteFileBytes;

void Set(Store& s, size_t db, std::string_view k, std::string_view v,
         int64_t expire_at_ms = kNoExpiry) {
  s.Db(db).SetString(k, v, expire_at_ms, TtlMode::kClear, kNow);
}

Store Sample() {
  Store s;
  Set(s, 0, "greeting", "hello");
  Set(s, 0, "bin\0key"sv, "\0\xff\0"sv, kNow + 60'000);
  Set(s, 5, "greeting", "in five");
  return s;
}

void CheckSample(Store& s) {
  CHECK(s.Db(0).Get("greeting", kNow) == "hello");
  CHECK(s.Db(0).Get("bin\0key"sv, kNow) == "\0\xff\0"sv);
  CHECK(s.Db(0).GetExpire("bin\0key"sv, kNow) == kNow + 60'000);
  CHECK(s.Db(5).Get("greeting", kNow) == "in five");
  CHECK(s.Db(0).Count(kNow) == 2);
  CHECK(s.Db(5).Count(kNow) == 1);
}

TEST_CASE("snapshot file: save then load round trip, nothing else left in the directory") {
  TempDir dir;
  REQUIRE(SaveSnapshotFile(Sample(), dir.path(), "dump.rdb", kNow) == "");
  CHECK(dir.List() == std::vector<std::string>{"dump.rdb"});
  const std::string file = ReadFileBytes(dir.File("dump.rdb"));
  CHECK(file.starts_with("REDIS0009"));
  CHECK(file == EncodeRdb(Sample(), kNow, {}));

  Store loaded;
  bool found = false;
  RdbLoadInfo info;
  REQUIRE(LoadSnapshotFile(loaded, dir.path(), "dump.rdb", kNow, &found, &info) == "");
  CHECK(found);
  CheckSample(loaded);
  CHECK(info.version == 9);
  CHECK(info.keys_loaded == 3);
  CHECK(info.checksum_verified);
}

TEST_CASE("snapshot file: rdbcompression and rdbchecksum are honoured") {
  TempDir dir;
  Store s;
  Set(s, 0, "long", std::string(1000, 'x'));
  RdbOptions options;
  options.compression = false;
  options.checksum = false;
  REQUIRE(SaveSnapshotFile(s, dir.path(), "dump.rdb", kNow, options) == "");
  const std::string plain = ReadFileBytes(dir.File("dump.rdb"));
  CHECK(plain.find(std::string(1000, 'x')) != std::string::npos);
  CHECK(plain.ends_with(std::string(8, '\0')));

  REQUIRE(SaveSnapshotFile(s, dir.path(), "dump.rdb", kNow) == "");
  const std::string packed = ReadFileBytes(dir.File("dump.rdb"));
  CHECK(packed.size() + 900 < plain.size());
  CHECK_FALSE(packed.ends_with(std::string(8, '\0')));

  for (const std::string& file : {plain, packed}) {
    WriteFileBytes(dir.File("dump.rdb"), file);
    Store loaded;
    bool found = false;
    REQUIRE(LoadSnapshotFile(loaded, dir.path(), "dump.rdb", kNow, &found) == "");
    CHECK(loaded.Db(0).Get("long", kNow) == std::string(1000, 'x'));
  }
}

TEST_CASE("snapshot file: keys that expired while the server was down are dropped") {
  TempDir dir;
  REQUIRE(SaveSnapshotFile(Sample(), dir.path(), "dump.rdb", kNow) == "");
  Store loaded;
  bool found = false;
  RdbLoadInfo info;
  const int64_t later = kNow + 60'001;  // just past bin\0key's expiry
  REQUIRE(LoadSnapshotFile(loaded, dir.path(), "dump.rdb", later, &found, &info) == "");
  CHECK(loaded.Db(0).Count(later) == 1);
  CHECK_FALSE(loaded.Db(0).Contains("bin\0key"sv, later));
  CHECK(info.keys_expired == 1);
  CHECK(loaded.ExpiredKeys() == 0);
}

TEST_CASE("snapshot file: a second save replaces the first whole") {
  TempDir dir;
  REQUIRE(SaveSnapshotFile(Sample(), dir.path(), "dump.rdb", kNow) == "");
  Store other;
  Set(other, 1, "only", "this");
  REQUIRE(SaveSnapshotFile(other, dir.path(), "dump.rdb", kNow) == "");
  CHECK(dir.List() == std::vector<std::string>{"dump.rdb"});
  CHECK(ReadFileBytes(dir.File("dump.rdb")) == EncodeRdb(other, kNow, {}));

  Store loaded;
  bool found = false;
  REQUIRE(LoadSnapshotFile(loaded, dir.path() + "/", "dump.rdb", kNow, &found) == "");
  CHECK(loaded.Db(1).Get("only", kNow) == "this");
  CHECK(loaded.Db(0).Count(kNow) == 0);
}

TEST_CASE("snapshot file: a missing file is not an error") {
  TempDir dir;
  Store store;
  Set(store, 0, "kept", "1");
  bool found = true;
  CHECK(LoadSnapshotFile(store, dir.path(), "dump.rdb", kNow, &found) == "");
  CHECK_FALSE(found);
  CHECK(store.Db(0).Get("kept", kNow) == "1");
  CHECK(dir.List().empty());
}

TEST_CASE("snapshot file: damaged files are refused with the file named, store untouched") {
  TempDir dir;
  REQUIRE(SaveSnapshotFile(Sample(), dir.path(), "dump.rdb", kNow) == "");
  const std::string good = ReadFileBytes(dir.File("dump.rdb"));
  const std::string path = dir.File("dump.rdb");

  struct Case {
    std::string name, data, message;
  };
  std::string flipped = good;
  flipped[good.find("hello")] = 'j';  // a value byte: only the checksum can tell
  const std::vector<Case> cases = {
      {"truncated", good.substr(0, good.size() - 3), "RDB: unexpected end of file at offset"},
      {"flipped", flipped, "RDB: checksum mismatch"},
      {"empty", "", "RDB: unexpected end of file at offset 0 reading the header"},
      {"garbage", "hello world, not a snapshot", "RDB: not an RDB file"},
      {"unsupported type", "REDIS0009\x09\x01s\x00\xff"s,
       "RDB: value type 'hash' (encoding zipmap) of key 's' is not supported yet"},
      {"damaged interim file", EncodeSnapshot(Sample(), kNow).substr(0, 20),
       "snapshot truncated at offset"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    WriteFileBytes(path, c.data);
    Store store;
    Set(store, 0, "kept", "1");
    bool found = false;
    const std::string err = LoadSnapshotFile(store, dir.path(), "dump.rdb", kNow, &found);
    CAPTURE(err);
    CHECK(found);
    CHECK(err.starts_with("Bad snapshot file '" + path + "': " + c.message));
    CHECK(store.Db(0).Get("kept", kNow) == "1");
    CHECK(store.Db(0).Count(kNow) == 1);
  }
}

// A file as redis-server 7.0 writes it (RDB 10, its AUX fields), built by hand.
std::string RedisFile() {
  std::string f =
      "REDIS0010"
      "\xfa\x09redis-ver\x06" "7.0.15"
      "\xfa\x0aredis-bits\xc0\x40"
      "\xfa\x05" "ctime\xc2\x00\xf1\x53\x65"
      "\xfa\x08used-mem\xc2\x30\xb9\x11\x00"
      "\xfa\x08" "aof-base\xc0\x00"
      "\xfe\x00\xfb\x02\x01"
      "\x00\x05plain\x01v"
      "\xfc\x00\x7c\xfc\x95\xf4\x01\x00\x00"  // 2150000000000 ms
      "\x00\x03num\xc1\xe8\x03"
      "\xff"s;
  const uint64_t crc = Crc64(0, f);
  for (int i = 0; i < 8; ++i) f.push_back(static_cast<char>(crc >> (8 * i)));
  return f;
}

TEST_CASE("snapshot file: a file written by Redis loads") {
  TempDir dir;
  WriteFileBytes(dir.File("dump.rdb"), RedisFile());
  Store store;
  bool found = false;
  RdbLoadInfo info;
  REQUIRE(LoadSnapshotFile(store, dir.path(), "dump.rdb", kNow, &found, &info) == "");
  CHECK(found);
  CHECK(store.Db(0).Get("plain", kNow) == "v");
  CHECK(store.Db(0).Get("num", kNow) == "1000");
  CHECK(store.Db(0).GetExpire("num", kNow) == 2'150'000'000'000);
  CHECK(info.version == 10);
  CHECK(info.redis_version == "7.0.15");
}

TEST_CASE("snapshot file: a file in kvd's interim format still loads") {
  TempDir dir;
  WriteFileBytes(dir.File("dump.rdb"), EncodeSnapshot(Sample(), kNow));
  Store store;
  bool found = false;
  REQUIRE(LoadSnapshotFile(store, dir.path(), "dump.rdb", kNow, &found) == "");
  CheckSample(store);
  // The next save writes RDB.
  REQUIRE(SaveSnapshotFile(store, dir.path(), "dump.rdb", kNow) == "");
  CHECK(ReadFileBytes(dir.File("dump.rdb")).starts_with("REDIS0009"));
}

TEST_CASE("snapshot file: unreadable paths are errors, not 'missing'") {
  TempDir dir;
  fs::create_directory(dir.File("dump.rdb"));
  Store store;
  bool found = false;
  const std::string err = LoadSnapshotFile(store, dir.path(), "dump.rdb", kNow, &found);
  CHECK(found);
  CHECK(err.starts_with("Failed reading the snapshot file '" + dir.File("dump.rdb") + "': "));
}

TEST_CASE("snapshot file: a failed save leaves the old state and no temporary file") {
  TempDir dir;
  // The target is a non-empty directory: everything works up to the rename, which fails.
  fs::create_directory(dir.File("dump.rdb"));
  WriteFileBytes(dir.File("dump.rdb") + "/inside", "x");
  const std::string err = SaveSnapshotFile(Sample(), dir.path(), "dump.rdb", kNow);
  CHECK(err.starts_with("Failed renaming the temporary snapshot file to '" + dir.File("dump.rdb") +
                        "': "));
  CHECK(dir.List() == std::vector<std::string>{"dump.rdb"});
  CHECK(ReadFileBytes(dir.File("dump.rdb/inside")) == "x");

  // A directory that does not exist: nothing can be created.
  const std::string missing = dir.File("no/such/dir");
  CHECK(SaveSnapshotFile(Sample(), missing, "dump.rdb", kNow)
            .starts_with("Failed opening the temporary snapshot file '" + missing + "/temp-"));
  CHECK_FALSE(fs::exists(missing));
}

// INFO persistence as name -> value.
std::map<std::string, std::string> InfoPersistence(testing::Harness& h) {
  const std::string text = h.Run({"INFO", "persistence"});
  std::map<std::string, std::string> fields;
  size_t pos = text.find("\r\n") + 2;  // past the bulk header
  while (pos < text.size()) {
    const size_t end = text.find("\r\n", pos);
    const std::string line = text.substr(pos, end - pos);
    pos = end + 2;
    const size_t colon = line.find(':');
    if (colon != std::string::npos) fields[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return fields;
}

void UseDir(testing::Harness& h, const TempDir& dir) {
  const std::string_view path = dir.path();
  REQUIRE(h.config.ApplyStartup("dir", std::span(&path, 1)) == "");
}

TEST_CASE("SAVE writes the configured file, resets the change count, sets LASTSAVE") {
  TempDir dir;
  testing::Harness h;
  UseDir(h, dir);
  h.server.last_save_time = h.clock.NowMs() / 1000;
  const int64_t started = h.server.last_save_time;
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"SELECT", "3"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "long", std::string(100, 'a')}) == "+OK\r\n");
  CHECK(InfoPersistence(h)["rdb_changes_since_last_save"] == "2");
  CHECK(InfoPersistence(h)["rdb_saves"] == "0");

  h.clock.Advance(5'000);
  CHECK(h.Run({"SAVE"}) == "+OK\r\n");
  CHECK(dir.List() == std::vector<std::string>{"dump.rdb"});
  const std::string file = ReadFileBytes(dir.File("dump.rdb"));
  CHECK(file == EncodeRdb(h.store, h.clock.NowMs(), {}));
  CHECK(h.Run({"LASTSAVE"}) == ":" + std::to_string(started + 5) + "\r\n");
  auto info = InfoPersistence(h);
  CHECK(info["rdb_changes_since_last_save"] == "0");
  CHECK(info["rdb_last_save_time"] == std::to_string(started + 5));
  CHECK(info["rdb_saves"] == "1");
  CHECK(info["rdb_last_bgsave_status"] == "ok");
  CHECK(info["rdb_bgsave_in_progress"] == "0");

  // The saved file loads back with both databases.
  Store loaded;
  bool found = false;
  REQUIRE(LoadSnapshotFile(loaded, dir.path(), "dump.rdb", h.clock.NowMs(), &found) == "");
  CHECK(loaded.Db(0).Get("k", h.clock.NowMs()) == "v");
  CHECK(loaded.Db(3).Get("long", h.clock.NowMs()) == std::string(100, 'a'));
}

TEST_CASE("SAVE follows rdbcompression and rdbchecksum as CONFIG SET changes them") {
  TempDir dir;
  testing::Harness h;
  UseDir(h, dir);
  CHECK(h.Run({"SET", "long", std::string(1000, 'x')}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "SET", "rdbcompression", "no", "rdbchecksum", "no"}) == "+OK\r\n");
  CHECK(h.Run({"SAVE"}) == "+OK\r\n");
  const std::string plain = ReadFileBytes(dir.File("dump.rdb"));
  CHECK(plain.find(std::string(1000, 'x')) != std::string::npos);
  CHECK(plain.ends_with(std::string(8, '\0')));

  CHECK(h.Run({"CONFIG", "SET", "rdbcompression", "yes", "rdbchecksum", "yes"}) == "+OK\r\n");
  CHECK(h.Run({"SAVE"}) == "+OK\r\n");
  const std::string packed = ReadFileBytes(dir.File("dump.rdb"));
  CHECK(packed.size() + 900 < plain.size());
  CHECK(packed == EncodeRdb(h.store, h.clock.NowMs(), {}));
}

TEST_CASE("a failed SAVE replies -ERR and changes neither LASTSAVE nor the change count") {
  TempDir dir;
  testing::Harness h;
  UseDir(h, dir);
  h.server.last_save_time = 1234;
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  // The target is a non-empty directory: the rename fails.
  fs::create_directory(dir.File("dump.rdb"));
  WriteFileBytes(dir.File("dump.rdb") + "/inside", "x");
  CHECK(h.Run({"SAVE"}) == "-ERR\r\n");
  CHECK(h.Run({"LASTSAVE"}) == ":1234\r\n");
  auto info = InfoPersistence(h);
  CHECK(info["rdb_changes_since_last_save"] == "1");
  CHECK(info["rdb_saves"] == "0");
  CHECK(dir.List() == std::vector<std::string>{"dump.rdb"});
}

TEST_CASE("SAVE and LASTSAVE take no arguments") {
  testing::Harness h;
  CHECK(h.Run({"SAVE", "now"}) == "-ERR wrong number of arguments for 'save' command\r\n");
  CHECK(h.Run({"LASTSAVE", "x"}) ==
        "-ERR wrong number of arguments for 'lastsave' command\r\n");
}

TEST_CASE("loading at startup records keys loaded and expired for INFO persistence") {
  TempDir dir;
  testing::Harness h;
  UseDir(h, dir);
  Store s = Sample();
  Set(s, 2, "short-lived", "x", kNow + 1'000);
  REQUIRE(SaveSnapshotFile(s, dir.path(), "dump.rdb", kNow) == "");
  h.clock.SetMs(kNow + 1'001);  // short-lived has expired while the server was down
  REQUIRE(LoadServerSnapshot(h.server) == "");
  CHECK_FALSE(h.server.loading);
  CHECK(h.store.Db(0).Get("greeting", kNow + 1'001) == "hello");
  CHECK(h.store.Db(2).Count(kNow + 1'001) == 0);
  auto info = InfoPersistence(h);
  CHECK(info["rdb_last_load_keys_loaded"] == "3");
  CHECK(info["rdb_last_load_keys_expired"] == "1");

  // A missing file loads nothing and is no error; a damaged one is an error naming it.
  testing::Harness empty;
  TempDir other;
  UseDir(empty, other);
  CHECK(LoadServerSnapshot(empty.server) == "");
  CHECK(empty.store.Db(0).Count(kNow) == 0);
  WriteFileBytes(other.File("dump.rdb"), "REDIS0009\xff");
  CHECK(LoadServerSnapshot(empty.server).find(other.File("dump.rdb")) != std::string::npos);
}

}  // namespace
}  // namespace kvd
