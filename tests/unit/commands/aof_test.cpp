#include "server/aof/aof.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "server/aof/aof_manifest.h"
#include "unit/commands/aof_test_util.h"

namespace kvd {
namespace {

using testing::AofCommands;
using testing::AofHarness;
using testing::TempDir;
using testing::ListDir;
using testing::ReadFileBytes;
using testing::WriteFileBytes;

using testing::PersistenceInfo;

bool RewriteDone(AofHarness& a) { return !a.aof->Info().rewrite_in_progress; }

TEST_CASE("startup on an empty directory creates Redis 7's layout") {
  TempDir dir;
  AofHarness a(dir.path());
  REQUIRE(a.aof->LoadAndOpen() == "");
  const std::string aof_dir = dir.File("appendonlydir");
  CHECK(ListDir(aof_dir) == std::vector<std::string>{"appendonly.aof.1.base.rdb",
                                                     "appendonly.aof.1.incr.aof",
                                                     "appendonly.aof.manifest"});
  CHECK(ReadFileBytes(aof_dir + "/appendonly.aof.manifest") ==
        "file appendonly.aof.1.base.rdb seq 1 type b\n"
        "file appendonly.aof.1.incr.aof seq 1 type i\n");
  CHECK(ReadFileBytes(aof_dir + "/appendonly.aof.1.base.rdb").starts_with("REDIS0009"));
  CHECK(a.aof->state() == Aof::State::kOn);
  CHECK(PersistenceInfo(a, "aof_enabled") == "1");
}

TEST_CASE("appenddirname and appendfilename name the directory and the files") {
  TempDir dir;
  AofHarness a(dir.path(), {{"appenddirname", "log"}, {"appendfilename", "my.aof"},
                            {"aof-use-rdb-preamble", "no"}});
  REQUIRE(a.aof->LoadAndOpen() == "");
  CHECK(ListDir(dir.File("log")) ==
        std::vector<std::string>{"my.aof.1.base.aof", "my.aof.1.incr.aof", "my.aof.manifest"});
}

TEST_CASE("writes are logged in RESP, with SELECT when the database changes; reads are not") {
  TempDir dir;
  {
    AofHarness a(dir.path());
    REQUIRE(a.aof->LoadAndOpen() == "");
    a.Run({"SET", "a", "1"});
    a.Run({"GET", "a"});
    a.Run({"SET", "a", "2", "NX"});  // changes nothing: not logged
    a.Run({"SELECT", "2"});
    a.Run({"RPUSH", "l", "x", "y"});
    a.Run({"SELECT", "0"});
    a.Run({"DEL", "a"});
    a.Settle();
    CHECK(ReadFileBytes(dir.File("appendonlydir/appendonly.aof.1.incr.aof")) ==
          AofCommands({{"SELECT", "0"}, {"SET", "a", "1"}, {"SELECT", "2"},
                       {"RPUSH", "l", "x", "y"}, {"SELECT", "0"}, {"DEL", "a"}}));
  }
  // And it all comes back.
  AofHarness b(dir.path());
  REQUIRE(b.aof->LoadAndOpen() == "");
  CHECK(b.Run({"EXISTS", "a"}) == ":0\r\n");
  b.Run({"SELECT", "2"});
  CHECK(b.Run({"LRANGE", "l", "0", "-1"}) == "*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
  // Logging goes on in the same incr file, starting with a SELECT of its own.
  b.Run({"SET", "z", "1"});
  b.Settle();
  CHECK(ReadFileBytes(dir.File("appendonlydir/appendonly.aof.1.incr.aof"))
            .ends_with(AofCommands({{"SELECT", "2"}, {"SET", "z", "1"}})));
}

TEST_CASE("aof-timestamp-enabled annotates the log, and the annotations load") {
  TempDir dir;
  {
    AofHarness a(dir.path(), {{"aof-timestamp-enabled", "yes"}});
    REQUIRE(a.aof->LoadAndOpen() == "");
    a.Run({"SET", "a", "1"});
    a.Settle();
    const std::string ts = "#TS:" + std::to_string(a.h.clock.NowMs() / 1000) + "\r\n";
    CHECK(ReadFileBytes(dir.File("appendonlydir/appendonly.aof.1.incr.aof"))
              .starts_with(ts));
  }
  AofHarness b(dir.path());
  REQUIRE(b.aof->LoadAndOpen() == "");
  CHECK(b.Run({"GET", "a"}) == "$1\r\n1\r\n");
}

TEST_CASE("appendfsync always: a write is reported durable once it is on disk") {
  TempDir dir;
  AofHarness a(dir.path(), {{"appendfsync", "always"}});
  REQUIRE(a.aof->LoadAndOpen() == "");
  CHECK_FALSE(a.aof->WhenDurable([] {}));  // nothing logged yet
  a.Run({"SET", "k", "v"});
  std::mutex mu;
  std::condition_variable cv;
  bool durable = false;
  REQUIRE(a.aof->WhenDurable([&] {
    std::lock_guard lk(mu);
    durable = true;
    cv.notify_one();
  }));
  std::unique_lock lk(mu);
  REQUIRE(cv.wait_for(lk, std::chrono::seconds(20), [&] { return durable; }));
  CHECK(ReadFileBytes(dir.File("appendonlydir/appendonly.aof.1.incr.aof"))
            .ends_with(AofCommands({{"SET", "k", "v"}})));
  CHECK_FALSE(a.aof->WhenDurable([] {}));  // nothing left to wait for
}

TEST_CASE("under everysec and no, replies never wait for the disk") {
  TempDir dir;
  AofHarness a(dir.path(), {{"appendfsync", "no"}});
  REQUIRE(a.aof->LoadAndOpen() == "");
  a.Run({"SET", "k", "v"});
  CHECK_FALSE(a.aof->WhenDurable([] {}));
}

TEST_CASE("BGREWRITEAOF compacts the log and keeps the writes made during it") {
  TempDir dir;
  const std::string aof_dir = dir.File("appendonlydir");
  {
    AofHarness a(dir.path());
    REQUIRE(a.aof->LoadAndOpen() == "");
    for (int i = 0; i < 200; ++i) a.Run({"INCR", "counter"});
    a.Run({"SET", "keep", "v"});
    CHECK(a.Run({"BGREWRITEAOF"}) == "+Background append only file rewriting started\r\n");
    CHECK(a.Run({"BGREWRITEAOF"}) ==
          "-ERR Background append only file rewriting already in progress\r\n");
    CHECK(PersistenceInfo(a, "aof_rewrite_in_progress") == "1");
    // Writes while the base is being written go to the new incr file.
    a.Run({"SET", "during", "1"});
    a.Run({"INCR", "counter"});
    REQUIRE(a.queue.RunUntil([&] { return RewriteDone(a); }));
    CHECK(PersistenceInfo(a, "aof_last_bgrewrite_status") == "ok");
    CHECK(PersistenceInfo(a, "aof_rewrites") == "1");
    CHECK(ListDir(aof_dir) == std::vector<std::string>{"appendonly.aof.2.base.rdb",
                                                       "appendonly.aof.2.incr.aof",
                                                       "appendonly.aof.manifest"});
    CHECK(ReadFileBytes(aof_dir + "/appendonly.aof.manifest") ==
          "file appendonly.aof.2.base.rdb seq 2 type b\n"
          "file appendonly.aof.2.incr.aof seq 2 type i\n");
    a.Run({"SET", "after", "1"});
    a.Settle();
    CHECK(ReadFileBytes(aof_dir + "/appendonly.aof.2.incr.aof") ==
          AofCommands({{"SELECT", "0"}, {"SET", "during", "1"}, {"INCR", "counter"},
                       {"SET", "after", "1"}}));
    CHECK(std::stoull(PersistenceInfo(a, "aof_base_size")) > 0);
  }
  AofHarness b(dir.path());
  REQUIRE(b.aof->LoadAndOpen() == "");
  CHECK(b.Run({"MGET", "counter", "keep", "during", "after"}) ==
        "*4\r\n$3\r\n201\r\n$1\r\nv\r\n$1\r\n1\r\n$1\r\n1\r\n");
}

TEST_CASE("a rewrite with aof-use-rdb-preamble no writes its base as commands") {
  TempDir dir;
  const std::string aof_dir = dir.File("appendonlydir");
  {
    AofHarness a(dir.path(), {{"aof-use-rdb-preamble", "no"}});
    REQUIRE(a.aof->LoadAndOpen() == "");
    a.Run({"SET", "s", "v"});
    a.Run({"PEXPIREAT", "s", std::to_string(a.h.clock.NowMs() + 100000)});
    a.Run({"SELECT", "1"});
    a.Run({"ZADD", "z", "1.5", "m"});
    REQUIRE(a.Run({"BGREWRITEAOF"}) == "+Background append only file rewriting started\r\n");
    REQUIRE(a.queue.RunUntil([&] { return RewriteDone(a); }));
    CHECK(PersistenceInfo(a, "aof_last_bgrewrite_status") == "ok");
    CHECK(ListDir(aof_dir) == std::vector<std::string>{"appendonly.aof.2.base.aof",
                                                       "appendonly.aof.2.incr.aof",
                                                       "appendonly.aof.manifest"});
    CHECK(ReadFileBytes(aof_dir + "/appendonly.aof.2.base.aof") ==
          AofCommands({{"SELECT", "0"}, {"SET", "s", "v"},
                       {"PEXPIREAT", "s", std::to_string(a.h.clock.NowMs() + 100000)},
                       {"SELECT", "1"}, {"ZADD", "z", "1.5", "m"}}));
  }
  AofHarness b(dir.path());
  REQUIRE(b.aof->LoadAndOpen() == "");
  CHECK(b.Run({"GET", "s"}) == "$1\r\nv\r\n");
  b.Run({"SELECT", "1"});
  CHECK(b.Run({"ZSCORE", "z", "m"}) == "$3\r\n1.5\r\n");
}

TEST_CASE("a rewrite asked for while a BGSAVE runs is scheduled and starts after it") {
  TempDir dir;
  AofHarness a(dir.path());
  REQUIRE(a.aof->LoadAndOpen() == "");
  a.Run({"SET", "k", "v"});
  bool saved = false;
  REQUIRE(a.h.server.background_snapshot->Start(dir.path(), "dump.rdb", {},
                                                [&](const std::string&) { saved = true; }) ==
          "");
  CHECK(a.Run({"BGREWRITEAOF"}) == "+Background append only file rewriting scheduled\r\n");
  CHECK(PersistenceInfo(a, "aof_rewrite_scheduled") == "1");
  CHECK(PersistenceInfo(a, "aof_pending_rewrite") == "1");
  REQUIRE(a.queue.RunUntil([&] { return saved; }));
  a.aof->Cron(a.h.clock.NowMs());
  CHECK(PersistenceInfo(a, "aof_rewrite_scheduled") == "0");
  CHECK(PersistenceInfo(a, "aof_rewrite_in_progress") == "1");
  REQUIRE(a.queue.RunUntil([&] { return RewriteDone(a); }));
  CHECK(PersistenceInfo(a, "aof_last_bgrewrite_status") == "ok");
}

TEST_CASE("the log rewrites itself once it grows past the percentage and the minimum size") {
  TempDir dir;
  AofHarness a(dir.path(), {{"auto-aof-rewrite-percentage", "100"},
                            {"auto-aof-rewrite-min-size", "1kb"}});
  REQUIRE(a.aof->LoadAndOpen() == "");
  a.aof->Cron(a.h.clock.NowMs());
  CHECK_FALSE(a.aof->Info().rewrite_in_progress);  // below the minimum size
  const std::string value(100, 'x');
  for (int i = 0; i < 20; ++i) a.Run({"SET", "k" + std::to_string(i % 3), value});
  a.Settle();
  a.aof->Cron(a.h.clock.NowMs());
  CHECK(a.aof->Info().rewrite_in_progress);
  REQUIRE(a.queue.RunUntil([&] { return RewriteDone(a); }));
  // The new base counts as the size to grow from.
  const AofInfo info = a.aof->Info();
  CHECK(info.base_size == info.current_size);
  a.aof->Cron(a.h.clock.NowMs());
  CHECK_FALSE(a.aof->Info().rewrite_in_progress);
}

TEST_CASE("SHUTDOWN FORCE may exit while the first base is still being written") {
  TempDir dir;
  AofHarness a(dir.path(), {{"appendonly", "no"}});
  a.h.config.OnChange([&](std::string_view name) { a.aof->OnConfigChange(name); });
  a.Run({"SET", "before", "1"});
  CHECK(a.Run({"CONFIG", "SET", "appendonly", "yes"}) == "+OK\r\n");
  CHECK_FALSE(a.aof->PrepareShutdown());
  CHECK(a.aof->PrepareShutdown(/*force=*/true));  // the rewrite stops; nothing is left behind
  CHECK_FALSE(a.aof->Info().rewrite_in_progress);
}

TEST_CASE("CONFIG SET appendonly yes writes a base from the dataset; no turns it off") {
  TempDir dir;
  const std::string aof_dir = dir.File("appendonlydir");
  {
    AofHarness a(dir.path(), {{"appendonly", "no"}});
    a.h.config.OnChange([&](std::string_view name) { a.aof->OnConfigChange(name); });
    a.Run({"SET", "before", "1"});
    CHECK(PersistenceInfo(a, "aof_enabled") == "0");
    CHECK(a.Run({"CONFIG", "SET", "appendonly", "yes"}) == "+OK\r\n");
    CHECK(PersistenceInfo(a, "aof_enabled") == "1");
    a.Run({"SET", "during", "1"});
    // No exit until the log holds the dataset.
    CHECK_FALSE(a.aof->PrepareShutdown());
    REQUIRE(a.queue.RunUntil([&] { return a.aof->state() == Aof::State::kOn; }));
    CHECK(a.aof->PrepareShutdown());
    a.Run({"SET", "after", "1"});
    a.Settle();
    CHECK(ListDir(aof_dir) == std::vector<std::string>{"appendonly.aof.1.base.rdb",
                                                       "appendonly.aof.1.incr.aof",
                                                       "appendonly.aof.manifest"});
    CHECK(a.Run({"CONFIG", "SET", "appendonly", "no"}) == "+OK\r\n");
    CHECK(PersistenceInfo(a, "aof_enabled") == "0");
    a.Run({"SET", "off", "1"});  // not logged
  }
  AofHarness b(dir.path());
  REQUIRE(b.aof->LoadAndOpen() == "");
  CHECK(b.Run({"MGET", "before", "during", "after", "off"}) ==
        "*4\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n1\r\n$-1\r\n");
}

TEST_CASE("BGREWRITEAOF with the log off writes a base and a manifest") {
  TempDir dir;
  AofHarness a(dir.path(), {{"appendonly", "no"}});
  a.Run({"SET", "k", "v"});
  CHECK(a.Run({"BGREWRITEAOF"}) == "+Background append only file rewriting started\r\n");
  REQUIRE(a.queue.RunUntil([&] { return RewriteDone(a); }));
  CHECK(ReadFileBytes(dir.File("appendonlydir/appendonly.aof.manifest")) ==
        "file appendonly.aof.1.base.rdb seq 1 type b\n");
  CHECK(PersistenceInfo(a, "aof_enabled") == "0");
}

TEST_CASE("a log that cannot be written refuses writes with MISCONF") {
  TempDir dir;
  {
    AofHarness a(dir.path());
    REQUIRE(a.aof->LoadAndOpen() == "");
  }
  // The incr file now leads to a device that is always full.
  const std::string incr = dir.File("appendonlydir/appendonly.aof.1.incr.aof");
  REQUIRE(::unlink(incr.c_str()) == 0);
  REQUIRE(::symlink("/dev/full", incr.c_str()) == 0);
  AofHarness a(dir.path());
  REQUIRE(a.aof->LoadAndOpen() == "");
  CHECK(PersistenceInfo(a, "aof_last_write_status") == "ok");
  CHECK(a.Run({"SET", "k", "v"}) == "+OK\r\n");  // everysec: acknowledged before the write
  REQUIRE(a.queue.RunUntil([&] { return !a.aof->WriteError().empty(); }));
  CHECK(PersistenceInfo(a, "aof_last_write_status") == "err");
  CHECK(a.Run({"SET", "k2", "v"}) ==
        "-MISCONF Errors writing to the AOF file: No space left on device\r\n");
  CHECK(a.Run({"PING"}) ==
        "-MISCONF Errors writing to the AOF file: No space left on device\r\n");
  CHECK(a.Run({"GET", "k"}) == "$1\r\nv\r\n");  // reads go on
  // Turning the log off lifts the refusal.
  a.h.config.OnChange([&](std::string_view name) { a.aof->OnConfigChange(name); });
  CHECK(a.Run({"CONFIG", "SET", "appendonly", "no"}) == "+OK\r\n");
  CHECK(a.Run({"SET", "k2", "v"}) == "+OK\r\n");
}

TEST_CASE("INFO persistence shows the log's state as Redis names it") {
  TempDir dir;
  AofHarness a(dir.path(), {{"appendonly", "no"}});
  CHECK(PersistenceInfo(a, "aof_enabled") == "0");
  CHECK(PersistenceInfo(a, "aof_rewrite_in_progress") == "0");
  CHECK(PersistenceInfo(a, "aof_last_rewrite_time_sec") == "-1");
  CHECK(PersistenceInfo(a, "aof_current_rewrite_time_sec") == "-1");
  CHECK(PersistenceInfo(a, "aof_last_bgrewrite_status") == "ok");
  CHECK(PersistenceInfo(a, "aof_last_write_status") == "ok");
  CHECK(PersistenceInfo(a, "aof_current_size") == "<missing>");  // only while enabled
  AofHarness b(dir.path());
  REQUIRE(b.aof->LoadAndOpen() == "");
  b.Run({"SET", "k", "v"});
  b.Settle();
  const auto size = [&](std::string_view name) {
    return std::filesystem::file_size(dir.File("appendonlydir/" + std::string(name)));
  };
  const uint64_t base = size("appendonly.aof.1.base.rdb");
  const uint64_t incr = size("appendonly.aof.1.incr.aof");
  CHECK(PersistenceInfo(b, "aof_current_size") == std::to_string(base + incr));
  CHECK(PersistenceInfo(b, "aof_base_size") == std::to_string(base));
  CHECK(PersistenceInfo(b, "aof_buffer_length") == "0");
}

TEST_CASE("the AOF parameters take Redis's values and errors") {
  testing::Harness h;
  const std::string all = h.Run({"CONFIG", "GET", "*aof*"}) + h.Run({"CONFIG", "GET", "append*"});
  for (std::string_view expected :
       {"$10\r\nappendonly\r\n$2\r\nno\r\n", "$11\r\nappendfsync\r\n$8\r\neverysec\r\n",
        "$13\r\nappenddirname\r\n$13\r\nappendonlydir\r\n",
        "$14\r\nappendfilename\r\n$14\r\nappendonly.aof\r\n",
        "$27\r\nauto-aof-rewrite-percentage\r\n$3\r\n100\r\n",
        "$25\r\nauto-aof-rewrite-min-size\r\n$8\r\n67108864\r\n",
        "$18\r\naof-load-truncated\r\n$3\r\nyes\r\n",
        "$20\r\naof-use-rdb-preamble\r\n$3\r\nyes\r\n",
        "$21\r\naof-timestamp-enabled\r\n$2\r\nno\r\n"}) {
    CAPTURE(expected);
    CHECK(all.find(expected) != std::string::npos);
  }
  CHECK(h.Run({"CONFIG", "SET", "appendfsync", "sometimes"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must "
        "be one of the following: always, everysec, no\r\n");
  CHECK(h.Run({"CONFIG", "SET", "appendfsync", "ALWAYS"}) == "+OK\r\n");
  CHECK(h.config.values().appendfsync == "always");
  CHECK(h.Run({"CONFIG", "SET", "appenddirname", "x"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'appenddirname') - can't set "
        "immutable config\r\n");
  CHECK(h.Run({"CONFIG", "SET", "auto-aof-rewrite-min-size", "1mb"}) == "+OK\r\n");
  CHECK(h.config.values().auto_aof_rewrite_min_size == 1024 * 1024);
  Config c;
  const std::string_view path[] = {"a/b"};
  const std::string_view empty[] = {""};
  CHECK(c.ApplyStartup("appendfilename", path).find("appendfilename can't be a path, just a "
                                                    "filename") != std::string::npos);
  CHECK(c.ApplyStartup("appenddirname", path).find("appenddirname can't be a path, just a "
                                                   "dirname") != std::string::npos);
  CHECK(c.ApplyStartup("appenddirname", empty).find("appenddirname can't be empty") !=
        std::string::npos);
}

}  // namespace
}  // namespace kvd
