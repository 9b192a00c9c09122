// Upgrading the single-file append-only log of Redis 6 and earlier into Redis 7's directory
// layout, as Redis 7 does at startup (aofUpgradePrepare).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "server/aof/aof.h"
#include "server/aof/aof_manifest.h"
#include "server/aof/aof_upgrade.h"
#include "server/persistence.h"
#include "unit/commands/aof_test_util.h"

namespace kvd {
namespace {

using testing::AofCommands;
using testing::AofHarness;
using testing::Harness;
using testing::ListDir;
using testing::ReadFileBytes;
using testing::TempDir;
using testing::WriteFileBytes;

// The manifest Redis 7 writes for an upgraded log once its first incr file exists.
constexpr std::string_view kUpgradedManifest =
    "file appendonly.aof seq 1 type b\n"
    "file appendonly.aof.1.incr.aof seq 1 type i\n";

// An old-style log as Redis 6 writes it with aof-use-rdb-preamble no.
std::string OldLog() {
  return AofCommands({{"SELECT", "0"},
                      {"SET", "s", "v"},
                      {"RPUSH", "l", "a", "b"},
                      {"SET", "t", "x"},
                      {"PEXPIREAT", "t", "4102444800000"},
                      {"SELECT", "2"},
                      {"HSET", "h", "f", "1"}});
}

TEST_CASE("AOF upgrade: a single-file log becomes the base of the directory layout") {
  TempDir dir;
  const std::string old = OldLog();
  WriteFileBytes(dir.File("appendonly.aof"), old);
  AofHarness a(dir.path());
  REQUIRE(a.aof->LoadAndOpen() == "");
  CHECK(a.Run({"GET", "s"}) == "$1\r\nv\r\n");
  CHECK(a.Run({"LRANGE", "l", "0", "-1"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(a.Run({"PEXPIRETIME", "t"}) == ":4102444800000\r\n");
  CHECK(a.Run({"SELECT", "2"}) == "+OK\r\n");
  CHECK(a.Run({"HGET", "h", "f"}) == "$1\r\n1\r\n");

  // Moved, unchanged, under its own name; the manifest names it as the base.
  CHECK(ListDir(dir.path()) == std::vector<std::string>{"appendonlydir"});
  const std::string aof_dir = dir.File("appendonlydir");
  CHECK(ListDir(aof_dir) == std::vector<std::string>{"appendonly.aof", "appendonly.aof.1.incr.aof",
                                                     "appendonly.aof.manifest"});
  CHECK(ReadFileBytes(aof_dir + "/appendonly.aof") == old);
  CHECK(ReadFileBytes(aof_dir + "/appendonly.aof.manifest") == kUpgradedManifest);

  // New writes go to the incr file.
  CHECK(a.Run({"SET", "new", "1"}) == "+OK\r\n");
  a.Settle();
  CHECK(ReadFileBytes(aof_dir + "/appendonly.aof.1.incr.aof") ==
        AofCommands({{"SELECT", "2"}, {"SET", "new", "1"}}));
}

TEST_CASE("AOF upgrade: a single file with an RDB preamble loads both parts") {
  TempDir dir;
  Harness source;
  source.Run({"SET", "in-rdb", "1"});
  source.Run({"SADD", "set", "m1", "m2"});
  REQUIRE(SaveSnapshotFile(source.store, dir.path(), "dump.rdb", source.clock.NowMs()) == "");
  const std::string file = ReadFileBytes(dir.File("dump.rdb")) +
                           AofCommands({{"SELECT", "0"}, {"SET", "tail", "2"}, {"DEL", "in-rdb"}});
  std::filesystem::remove(dir.File("dump.rdb"));
  WriteFileBytes(dir.File("appendonly.aof"), file);
  AofHarness a(dir.path());
  REQUIRE(a.aof->LoadAndOpen() == "");
  CHECK(a.Run({"EXISTS", "in-rdb"}) == ":0\r\n");
  CHECK(a.Run({"GET", "tail"}) == "$1\r\n2\r\n");
  CHECK(a.Run({"SCARD", "set"}) == ":2\r\n");
  CHECK(ReadFileBytes(dir.File("appendonlydir/appendonly.aof")) == file);
  CHECK(ReadFileBytes(dir.File("appendonlydir/appendonly.aof.manifest")) == kUpgradedManifest);
}

TEST_CASE("AOF upgrade: an upgrade cut short after the manifest was written is finished") {
  TempDir dir;
  WriteFileBytes(dir.File("appendonly.aof"), OldLog());
  std::filesystem::create_directory(dir.File("appendonlydir"));
  WriteFileBytes(dir.File("appendonlydir/appendonly.aof.manifest"),
                 "file appendonly.aof seq 1 type b\n");
  AofHarness a(dir.path());
  REQUIRE(a.aof->LoadAndOpen() == "");
  CHECK(a.Run({"GET", "s"}) == "$1\r\nv\r\n");
  CHECK_FALSE(std::filesystem::exists(dir.File("appendonly.aof")));
  CHECK(ReadFileBytes(dir.File("appendonlydir/appendonly.aof")) == OldLog());
}

TEST_CASE("AOF upgrade: a directory whose manifest describes a log leaves an old file alone") {
  TempDir dir;
  {
    AofHarness first(dir.path());
    REQUIRE(first.aof->LoadAndOpen() == "");
    first.Run({"SET", "current", "1"});
    first.Settle();
  }
  WriteFileBytes(dir.File("appendonly.aof"), OldLog());
  AofHarness a(dir.path());
  REQUIRE(a.aof->LoadAndOpen() == "");
  CHECK(a.Run({"GET", "current"}) == "$1\r\n1\r\n");
  CHECK(a.Run({"EXISTS", "s"}) == ":0\r\n");
  CHECK(ReadFileBytes(dir.File("appendonly.aof")) == OldLog());
}

TEST_CASE("AOF upgrade: a damaged old file is moved but never changed; the load fails") {
  TempDir dir;
  std::string old = OldLog();
  const size_t second = AofCommands({{"SELECT", "0"}}).size();
  old[second] = 'x';
  WriteFileBytes(dir.File("appendonly.aof"), old);
  AofHarness a(dir.path());
  const std::string err = a.aof->LoadAndOpen();
  CHECK(err.find("appendonly.aof at offset " + std::to_string(second)) != std::string::npos);
  CHECK(ReadFileBytes(dir.File("appendonlydir/appendonly.aof")) == old);
  CHECK(ListDir(dir.File("appendonlydir")) ==
        std::vector<std::string>{"appendonly.aof", "appendonly.aof.manifest"});
}

TEST_CASE("AOF upgrade: appendfilename names the old file") {
  TempDir dir;
  WriteFileBytes(dir.File("my.aof"), OldLog());
  AofManifest m;
  bool upgraded = false;
  REQUIRE(UpgradeOldStyleAof(dir.path(), dir.File("log"), "my.aof", m, &upgraded) == "");
  CHECK(upgraded);
  CHECK(m.base == AofFileInfo{"my.aof", 1, AofFileInfo::Type::kBase});
  CHECK(ReadFileBytes(dir.File("log/my.aof.manifest")) == "file my.aof seq 1 type b\n");
  CHECK(ReadFileBytes(dir.File("log/my.aof")) == OldLog());
  // Nothing left to upgrade: a second call changes nothing.
  REQUIRE(UpgradeOldStyleAof(dir.path(), dir.File("log"), "my.aof", m, &upgraded) == "");
  CHECK_FALSE(upgraded);
}

}  // namespace
}  // namespace kvd
