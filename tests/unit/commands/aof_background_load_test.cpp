// Loading the append-only file in the background: commands get -LOADING while the log
// replays a slice at a time on the (simulated) store strand, INFO shows the progress, the
// log opens for writing only once everything is loaded, and new writes go after it.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "server/aof/aof.h"
#include "server/aof/aof_manifest.h"
#include "server/persistence.h"
#include "unit/commands/aof_test_util.h"

namespace kvd {
namespace {

using testing::AofCommands;
using testing::AofHarness;
using testing::Harness;
using testing::ReadFileBytes;
using testing::TempDir;
using testing::WriteFileBytes;

const std::string kLoadingErr = "-LOADING Redis is loading the dataset in memory\r\n";
constexpr std::string_view kBase = "appendonly.aof.1.base.rdb";
constexpr std::string_view kIncr = "appendonly.aof.1.incr.aof";

using testing::PersistenceInfo;

// dir/appendonlydir with an RDB base holding `base` (key -> value) and one incr file.
std::string WriteLog(const TempDir& dir, const std::vector<std::pair<std::string, std::string>>& base,
                     const std::string& incr) {
  const std::string aof_dir = dir.File("appendonlydir");
  std::filesystem::create_directory(aof_dir);
  Harness source;
  for (const auto& [k, v] : base) source.Run({"SET", k, v});
  REQUIRE(SaveSnapshotFile(source.store, aof_dir, std::string(kBase), source.clock.NowMs()) ==
          "");
  AofManifest m;
  m.NewBase("appendonly.aof", true);
  m.NewIncr("appendonly.aof");
  WriteFileBytes(aof_dir + "/" + m.incr.back().name, incr);
  WriteFileBytes(aof_dir + "/appendonly.aof.manifest", FormatAofManifest(m));
  return aof_dir;
}

TEST_CASE("AOF background load: -LOADING between slices, then the data, then logging") {
  TempDir dir;
  const std::string incr = AofCommands(
      {{"SET", "a", "1"}, {"SET", "b", "2"}, {"INCR", "a"}, {"RPUSH", "l", "x", "y"}});
  const std::string aof_dir = WriteLog(dir, {{"base", "v"}}, incr);
  // 2 ms per command: every slice replays exactly one.
  AofHarness a(dir.path(), {{"key-load-delay", "2000"}});
  std::optional<std::string> done;
  REQUIRE(a.aof->StartLoad([&](const std::string& err) { done = err; }) == "");
  CHECK(a.h.server.loading);
  CHECK(a.aof->state() == Aof::State::kOff);  // nothing is logged before the load ends
  CHECK(a.Run({"GET", "base"}) == kLoadingErr);
  CHECK(a.Run({"PING"}) == kLoadingErr);
  CHECK(a.Run({"SET", "new", "x"}) == kLoadingErr);
  CHECK(a.Run({"ECHO", "hi"}) == "$2\r\nhi\r\n");
  CHECK(PersistenceInfo(a, "loading") == "1");
  const uint64_t total = ReadFileBytes(aof_dir + "/" + std::string(kBase)).size() + incr.size();
  CHECK(PersistenceInfo(a, "loading_total_bytes") == std::to_string(total));

  // The RDB base loads on a thread; then the commands, one per slice here.
  REQUIRE(a.queue.RunUntil([&] {
    return a.h.server.loading_progress.loaded_bytes.load() > total - incr.size();
  }));
  CHECK_FALSE(done.has_value());
  CHECK(a.Run({"GET", "a"}) == kLoadingErr);
  const uint64_t loaded = std::stoull(PersistenceInfo(a, "loading_loaded_bytes"));
  CHECK(loaded < total);

  REQUIRE(a.queue.RunUntil([&] { return done.has_value(); }));
  CHECK(*done == "");
  CHECK_FALSE(a.h.server.loading);
  CHECK(a.aof->state() == Aof::State::kOn);
  CHECK(a.Run({"GET", "base"}) == "$1\r\nv\r\n");
  CHECK(a.Run({"GET", "a"}) == "$1\r\n2\r\n");
  CHECK(a.Run({"LRANGE", "l", "0", "-1"}) == "*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
  CHECK(PersistenceInfo(a, "loading") == "0");
  // The replay is not the clients': commandstats and the command count leave it out.
  CHECK(a.Run({"INFO", "commandstats"}).find("cmdstat_incr") == std::string::npos);
  CHECK(a.Run({"INFO", "errorstats"}).find("errorstat_LOADING:count=4") != std::string::npos);

  // New writes go after everything that was loaded.
  CHECK(a.Run({"SET", "after", "1"}) == "+OK\r\n");
  a.Settle();
  CHECK(ReadFileBytes(aof_dir + "/" + std::string(kIncr)) ==
        incr + AofCommands({{"SELECT", "0"}, {"SET", "after", "1"}}));
}

TEST_CASE("AOF background load: a base in command form and an RDB preamble replay too") {
  TempDir dir;
  const std::string aof_dir = dir.File("appendonlydir");
  std::filesystem::create_directory(aof_dir);
  // A base holding an RDB file followed by commands (a Redis 4-6 style file with a preamble).
  Harness source;
  source.Run({"SET", "in-rdb", "1"});
  REQUIRE(SaveSnapshotFile(source.store, aof_dir, "appendonly.aof.1.base.rdb",
                           source.clock.NowMs()) == "");
  const std::string base_path = aof_dir + "/appendonly.aof.1.base.rdb";
  WriteFileBytes(base_path, ReadFileBytes(base_path) +
                                AofCommands({{"SELECT", "0"}, {"SET", "after-rdb", "2"}}));
  WriteFileBytes(aof_dir + "/appendonly.aof.1.incr.aof", AofCommands({{"SET", "incr", "3"}}));
  WriteFileBytes(aof_dir + "/appendonly.aof.manifest",
                 "file appendonly.aof.1.base.rdb seq 1 type b\n"
                 "file appendonly.aof.1.incr.aof seq 1 type i\n");
  AofHarness a(dir.path());
  std::optional<std::string> done;
  REQUIRE(a.aof->StartLoad([&](const std::string& err) { done = err; }) == "");
  REQUIRE(a.queue.RunUntil([&] { return done.has_value(); }));
  CHECK(*done == "");
  CHECK(a.Run({"MGET", "in-rdb", "after-rdb", "incr"}) ==
        "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
}

TEST_CASE("AOF background load: damage stops it, naming file and offset; no file changes") {
  TempDir dir;
  std::string incr = AofCommands({{"SET", "a", "1"}, {"SET", "b", "2"}});
  const size_t second = AofCommands({{"SET", "a", "1"}}).size();
  incr[second] = '?';  // the second record no longer starts with '*'
  const std::string aof_dir = WriteLog(dir, {{"base", "v"}}, incr);
  const std::string manifest = ReadFileBytes(aof_dir + "/appendonly.aof.manifest");
  AofHarness a(dir.path());
  std::optional<std::string> done;
  REQUIRE(a.aof->StartLoad([&](const std::string& err) { done = err; }) == "");
  REQUIRE(a.queue.RunUntil([&] { return done.has_value(); }));
  CHECK(done->find("appendonly.aof.1.incr.aof at offset " + std::to_string(second)) !=
        std::string::npos);
  CHECK(a.h.server.loading);  // the server must stop, not serve a partial dataset
  CHECK(a.aof->state() == Aof::State::kOff);
  CHECK(ReadFileBytes(aof_dir + "/" + std::string(kIncr)) == incr);
  CHECK(ReadFileBytes(aof_dir + "/appendonly.aof.manifest") == manifest);
  CHECK(testing::ListDir(aof_dir).size() == 3);
}

TEST_CASE("AOF background load: a file the manifest names but is missing fails at once") {
  TempDir dir;
  const std::string aof_dir = WriteLog(dir, {}, AofCommands({{"SET", "a", "1"}}));
  std::filesystem::remove(aof_dir + "/" + std::string(kIncr));
  AofHarness a(dir.path());
  const std::string err = a.aof->StartLoad([](const std::string&) { FAIL("no load ran"); });
  CHECK(err.find("appendonly.aof.1.incr.aof") != std::string::npos);
}

TEST_CASE("AOF background load: a cancelled load never completes") {
  TempDir dir;
  WriteLog(dir, {{"k", "v"}}, AofCommands({{"SET", "a", "1"}, {"SET", "b", "2"}}));
  AofHarness a(dir.path(), {{"key-load-delay", "2000"}});
  bool done = false;
  REQUIRE(a.aof->StartLoad([&](const std::string&) { done = true; }) == "");
  a.aof->CancelLoad();
  while (a.queue.RunOne(std::chrono::milliseconds(200))) {
  }
  CHECK_FALSE(done);
  CHECK(a.aof->state() == Aof::State::kOff);
}

TEST_CASE("AOF background load: CONFIG SET appendonly no while loading applies at the end") {
  TempDir dir;
  WriteLog(dir, {}, AofCommands({{"SET", "a", "1"}}));
  AofHarness a(dir.path());
  a.h.config.OnChange([&](std::string_view name) { a.aof->OnConfigChange(name); });
  std::optional<std::string> done;
  REQUIRE(a.aof->StartLoad([&](const std::string& err) { done = err; }) == "");
  CHECK(a.Run({"CONFIG", "SET", "appendonly", "no"}) == "+OK\r\n");
  REQUIRE(a.queue.RunUntil([&] { return done.has_value(); }));
  CHECK(*done == "");
  CHECK(a.Run({"GET", "a"}) == "$1\r\n1\r\n");
  CHECK(a.aof->state() == Aof::State::kOff);
}

}  // namespace
}  // namespace kvd
