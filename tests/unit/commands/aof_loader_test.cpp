#include "server/aof/aof_loader.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "server/aof/aof_manifest.h"
#include "server/persistence.h"
#include "unit/commands/aof_test_util.h"

namespace kvd {
namespace {

using testing::AofCommands;
using testing::TempDir;
using testing::Harness;
using testing::ReadFileBytes;
using testing::WriteFileBytes;

constexpr std::string_view kIncr1 = "appendonly.aof.1.incr.aof";
constexpr std::string_view kIncr2 = "appendonly.aof.2.incr.aof";
constexpr std::string_view kBase = "appendonly.aof.1.base.rdb";

// A manifest naming an RDB base with `base_keys` and the given incr files.
AofManifest MakeLog(const TempDir& dir, std::vector<std::pair<std::string, std::string>> keys,
                    const std::vector<std::string>& incr_files) {
  Harness source;
  for (const auto& [k, v] : keys) source.Run({"SET", k, v});
  REQUIRE(SaveSnapshotFile(source.store, dir.path(), std::string(kBase), source.clock.NowMs())
          == "");
  AofManifest m;
  m.NewBase("appendonly.aof", true);
  for (size_t i = 0; i < incr_files.size(); ++i) {
    m.NewIncr("appendonly.aof");
    WriteFileBytes(dir.File(m.incr.back().name), incr_files[i]);
  }
  return m;
}

TEST_CASE("the base and then every incr file load, in order, into the right databases") {
  TempDir dir;
  AofManifest m = MakeLog(
      dir, {{"base", "1"}, {"k", "from-base"}},
      {AofCommands({{"SELECT", "0"}, {"SET", "k", "from-incr"}, {"SELECT", "3"},
                    {"RPUSH", "list", "a", "b"}}),
       AofCommands({{"SELECT", "0"}, {"DEL", "base"}, {"INCR", "n"}})});
  Harness h;
  AofLoadResult r = LoadAofFiles(h.server, dir.path(), m, true);
  REQUIRE(r.error == "");
  CHECK_FALSE(r.truncated);
  CHECK(h.Run({"GET", "k"}) == "$9\r\nfrom-incr\r\n");
  CHECK(h.Run({"EXISTS", "base"}) == ":0\r\n");
  CHECK(h.Run({"GET", "n"}) == "$1\r\n1\r\n");
  CHECK(h.Run({"SELECT", "3"}) == "+OK\r\n");
  CHECK(h.Run({"LRANGE", "list", "0", "-1"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(r.base_size == ReadFileBytes(dir.File(kBase)).size());
  CHECK(r.last_incr_size == ReadFileBytes(dir.File(kIncr2)).size());
  CHECK(r.total_size == r.base_size + ReadFileBytes(dir.File(kIncr1)).size() + r.last_incr_size);
  CHECK_FALSE(h.server.loading);
}

TEST_CASE("replayed commands are not logged again") {
  TempDir dir;
  AofManifest m = MakeLog(dir, {}, {AofCommands({{"SET", "a", "1"}, {"PEXPIREAT", "a", "4102444800000"}})});
  Harness h;
  int logged = 0;
  h.server.propagate = [&](size_t, std::span<const std::string_view>) { ++logged; };
  REQUIRE(LoadAofFiles(h.server, dir.path(), m, true).error == "");
  CHECK(h.Run({"GET", "a"}) == "$1\r\n1\r\n");
  CHECK(logged == 0);
}

TEST_CASE("a last file cut short loads up to its last whole command and is truncated there") {
  TempDir dir;
  const std::string whole = AofCommands({{"SET", "a", "1"}, {"SET", "b", "2"}});
  const std::string partial = AofCommands({{"SET", "c", "3"}}).substr(0, 11);
  AofManifest m = MakeLog(dir, {}, {whole + partial});
  Harness h;
  AofLoadResult r = LoadAofFiles(h.server, dir.path(), m, /*load_truncated=*/true);
  REQUIRE(r.error == "");
  CHECK(r.truncated);
  CHECK(h.Run({"GET", "b"}) == "$1\r\n2\r\n");
  CHECK(h.Run({"EXISTS", "c"}) == ":0\r\n");
  CHECK(ReadFileBytes(dir.File(kIncr1)) == whole);  // Redis truncates it, so should we
  CHECK(r.last_incr_size == whole.size());
}

TEST_CASE("with aof-load-truncated no a cut-short file stops the load and stays as it was") {
  TempDir dir;
  const std::string whole = AofCommands({{"SET", "a", "1"}});
  const std::string bytes = whole + "*3\r\n$3\r\nSET\r\n$1\r\nc";
  AofManifest m = MakeLog(dir, {}, {bytes});
  Harness h;
  AofLoadResult r = LoadAofFiles(h.server, dir.path(), m, /*load_truncated=*/false);
  CHECK(r.error.find("appendonly.aof.1.incr.aof at offset " + std::to_string(whole.size())) !=
        std::string::npos);
  CHECK(r.error.find("aof-load-truncated") != std::string::npos);
  CHECK(ReadFileBytes(dir.File(kIncr1)) == bytes);
}

TEST_CASE("a cut-short file that is not the last one is damage") {
  TempDir dir;
  const std::string first = AofCommands({{"SET", "a", "1"}}) + "*2\r\n$3\r\nDEL";
  AofManifest m = MakeLog(dir, {}, {first, AofCommands({{"SET", "b", "2"}})});
  Harness h;
  AofLoadResult r = LoadAofFiles(h.server, dir.path(), m, true);
  CHECK(r.error.find("appendonly.aof.1.incr.aof") != std::string::npos);
  CHECK(r.error.find("not the last file") != std::string::npos);
  CHECK(ReadFileBytes(dir.File(kIncr1)) == first);
}

TEST_CASE("a flipped byte in the middle stops the load, naming file and offset") {
  TempDir dir;
  const std::string a = AofCommands({{"SET", "a", "1"}});
  std::string bytes = a + AofCommands({{"SET", "b", "2"}}) + a;
  bytes[a.size()] = '+';
  AofManifest m = MakeLog(dir, {}, {bytes});
  Harness h;
  AofLoadResult r = LoadAofFiles(h.server, dir.path(), m, true);
  CHECK(r.error ==
        "Bad file format reading the append only file appendonly.aof.1.incr.aof at offset " +
            std::to_string(a.size()) + ": expected '*' at the start of a command, got '+'");
  CHECK(ReadFileBytes(dir.File(kIncr1)) == bytes);
  CHECK_FALSE(h.server.loading);
}

TEST_CASE("an unknown command stops the load, naming it, the file and the offset") {
  TempDir dir;
  const std::string a = AofCommands({{"SET", "a", "1"}});
  AofManifest m = MakeLog(dir, {}, {a + AofCommands({{"FROB", "x"}})});
  Harness h;
  AofLoadResult r = LoadAofFiles(h.server, dir.path(), m, true);
  CHECK(r.error == "Unknown command 'FROB' reading the append only file "
                   "appendonly.aof.1.incr.aof at offset " + std::to_string(a.size()));
}

TEST_CASE("MULTI/EXEC from a Redis log applies; an unfinished one at the end is dropped") {
  TempDir dir;
  const std::string done =
      AofCommands({{"MULTI"}, {"SET", "a", "1"}, {"SET", "b", "2"}, {"EXEC"}});
  const std::string unfinished = AofCommands({{"MULTI"}, {"SET", "c", "3"}});
  AofManifest m = MakeLog(dir, {}, {done + unfinished});
  Harness h;
  AofLoadResult r = LoadAofFiles(h.server, dir.path(), m, true);
  REQUIRE(r.error == "");
  CHECK(h.Run({"MGET", "a", "b", "c"}) == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n");
  CHECK(r.truncated);
  CHECK(ReadFileBytes(dir.File(kIncr1)) == done);
}

TEST_CASE("a base in command form (aof-use-rdb-preamble no) replays") {
  TempDir dir;
  AofManifest m;
  m.NewBase("appendonly.aof", false);
  WriteFileBytes(dir.File(m.base->name),
                 AofCommands({{"SELECT", "1"}, {"HMSET", "h", "f", "v"}}));
  Harness h;
  REQUIRE(LoadAofFiles(h.server, dir.path(), m, true).error == "");
  h.Run({"SELECT", "1"});
  CHECK(h.Run({"HGET", "h", "f"}) == "$1\r\nv\r\n");
}

TEST_CASE("a file the manifest names must exist") {
  TempDir dir;
  AofManifest m = MakeLog(dir, {{"k", "v"}}, {});
  m.NewIncr("appendonly.aof");  // never written
  Harness h;
  AofLoadResult r = LoadAofFiles(h.server, dir.path(), m, true);
  CHECK(r.error.find(std::string(kIncr1)) != std::string::npos);
  CHECK(h.Run({"EXISTS", "k"}) == ":0\r\n");  // nothing loaded
}

TEST_CASE("a damaged RDB base stops the load") {
  TempDir dir;
  AofManifest m = MakeLog(dir, {{"k", "v"}}, {});
  std::string base = ReadFileBytes(dir.File(kBase));
  base[base.size() - 3] ^= 0x55;  // inside the checksum
  WriteFileBytes(dir.File(kBase), base);
  Harness h;
  AofLoadResult r = LoadAofFiles(h.server, dir.path(), m, true);
  CHECK(r.error.find("RDB base file " + std::string(kBase)) != std::string::npos);
}

}  // namespace
}  // namespace kvd
