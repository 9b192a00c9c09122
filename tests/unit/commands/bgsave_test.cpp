// BGSAVE through the real dispatcher: the file holds the store as it was when the save
// started while writes go on, and the server's persistence state follows Redis.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

#include "server/background_save.h"
#include "server/persistence.h"
#include "server/replication/replication.h"
#include "unit/commands/lambda_link.h"
#include "unit/commands/harness.h"
#include "unit/commands/post_queue.h"
#include "unit/commands/resp_reader.h"
#include "unit/commands/temp_dir.h"

namespace kvd {
namespace {

using testing::Harness;
using testing::PostQueue;
using testing::TempDir;

struct SaveHarness {
  SaveHarness() {
    std::string_view d = dir.path();
    REQUIRE(h.config.ApplyStartup("dir", {&d, 1}) == "");
    posts.Attach(h.server);
  }
  // Runs queued work (calling `between` after each piece) until the BGSAVE has ended.
  void RunSave(const std::function<void()>& between = [] {}) {
    while (h.server.rdb_bgsave_in_progress) {
      REQUIRE(posts.RunOne());
      between();
    }
  }
  Store Loaded() {
    Store s;
    bool found = false;
    REQUIRE(LoadSnapshotFile(s, dir.path(), "dump.rdb", h.clock.NowMs(), &found) == "");
    REQUIRE(found);
    return s;
  }

  TempDir dir;
  PostQueue posts;
  Harness h;
};

TEST_CASE("BGSAVE writes the store as it was when it started, while writes go on") {
  SaveHarness t;
  for (int i = 0; i < 2000; ++i) {
    t.h.Run({"set", "k" + std::to_string(i), "v" + std::to_string(i)});
  }
  t.h.Run({"rpush", "list", "a", "b", "c"});
  CHECK(t.h.Run({"bgsave"}) == "+Background saving started\r\n");
  CHECK(t.h.server.rdb_bgsave_in_progress);
  CHECK(t.h.Run({"bgsave"}) == "-ERR Background save already in progress\r\n");
  CHECK(t.h.Run({"save"}) == "-ERR Background save already in progress\r\n");
  CHECK(t.h.Run({"info", "persistence"}).find("rdb_bgsave_in_progress:1") != std::string::npos);
  int n = 0;
  t.RunSave([&] {
    const std::string k = "k" + std::to_string(n++ % 2000);
    t.h.Run({"set", k, "changed"});
    t.h.Run({"del", "k" + std::to_string((n * 7) % 2000)});
    t.h.Run({"lpop", "list"});
    t.h.Run({"set", "new" + std::to_string(n), "x"});
  });
  REQUIRE(n > 0);
  Store saved = t.Loaded();
  CHECK(saved.Db(0).Count(t.h.clock.NowMs()) == 2001);
  for (int i = 0; i < 2000; i += 97) {
    const std::string k = "k" + std::to_string(i);
    CHECK(saved.Db(0).Get(k, t.h.clock.NowMs()) == "v" + std::to_string(i));
  }
  const std::string info = t.h.Run({"info", "persistence"});
  CHECK(info.find("rdb_bgsave_in_progress:0") != std::string::npos);
  CHECK(info.find("rdb_last_bgsave_status:ok") != std::string::npos);
  CHECK(info.find("rdb_saves:1") != std::string::npos);
  // Only the writes made during the save still count as unsaved.
  CHECK(t.h.server.stats.dirty > 0);
  CHECK(t.h.server.stats.dirty < 2001);
  CHECK(t.dir.List() == std::vector<std::string>{"dump.rdb"});
}

TEST_CASE("INFO persistence shows a running BGSAVE's progress in keys, as Redis's child") {
  SaveHarness t;
  for (int i = 0; i < 2000; ++i) t.h.Run({"set", "k" + std::to_string(i), "v"});
  const auto info = [&] { return testing::InfoFields(t.h.Run({"info", "persistence"})); };
  REQUIRE(t.h.Run({"bgsave"}) == "+Background saving started\r\n");
  auto f = info();
  CHECK(f["current_save_keys_total"] == "2000");
  CHECK(f["current_save_keys_processed"] == "0");
  CHECK(f["current_fork_perc"] == "0.00");
  CHECK(f["current_cow_size"] == "0");  // no fork, no copy-on-write
  REQUIRE(t.posts.RunOne());            // the first slice
  f = info();
  const long long processed = std::stoll(f["current_save_keys_processed"]);
  CHECK(processed > 0);
  CHECK(processed <= 2000);
  char perc[16];
  std::snprintf(perc, sizeof perc, "%.2f", processed / 20.0);
  CHECK(f["current_fork_perc"] == perc);
  t.RunSave();
  f = info();
  CHECK(f["current_save_keys_total"] == "0");
  CHECK(f["current_save_keys_processed"] == "0");
  CHECK(f["current_fork_perc"] == "0.00");
}

TEST_CASE("BGSAVE options, and SCHEDULE when nothing else runs starts at once") {
  SaveHarness t;
  CHECK(t.h.Run({"bgsave", "now"}) == "-ERR syntax error\r\n");
  CHECK(t.h.Run({"bgsave", "schedule", "x"}) == "-ERR syntax error\r\n");
  CHECK(t.h.Run({"bgsave", "SCHEDULE"}) == "+Background saving started\r\n");
  t.RunSave();
  CHECK(t.Loaded().Db(0).Count(t.h.clock.NowMs()) == 0);
}

TEST_CASE("BGSAVE SCHEDULE while another snapshot runs waits for it, then the cron starts it") {
  SaveHarness t;
  t.h.Run({"set", "a", "1"});
  // Another user of the snapshot slot (the AOF rewrite) writing elsewhere.
  bool other_done = false;
  REQUIRE(t.h.server.background_snapshot->Start(t.dir.path(), "other.rdb", {},
                                                [&](const std::string& err) {
                                                  CHECK(err == "");
                                                  other_done = true;
                                                }) == "");
  CHECK(t.h.Run({"bgsave"}).starts_with("-ERR Another child process is active (AOF?)"));
  CHECK(t.h.Run({"bgsave", "schedule"}) == "+Background saving scheduled\r\n");
  while (!other_done) REQUIRE(t.posts.RunOne());
  CHECK_FALSE(t.h.server.rdb_bgsave_in_progress);
  BackgroundSaveCron(t.h.server, t.h.clock.NowMs());
  CHECK(t.h.server.rdb_bgsave_in_progress);
  CHECK_FALSE(t.h.server.rdb_bgsave_scheduled);
  t.RunSave();
  CHECK(t.Loaded().Db(0).Get("a", t.h.clock.NowMs()) == "1");
}

TEST_CASE("save rules start a BGSAVE when enough changes are old enough") {
  SaveHarness t;
  std::string_view rule[] = {"10", "2"};
  REQUIRE(t.h.config.ApplyStartup("save", rule) == "");
  t.h.server.last_save_time = t.h.clock.NowMs() / 1000;
  t.h.Run({"set", "a", "1"});
  t.h.clock.Advance(11'000);
  BackgroundSaveCron(t.h.server, t.h.clock.NowMs());
  CHECK_FALSE(t.h.server.rdb_bgsave_in_progress);  // 1 change < 2
  t.h.Run({"set", "b", "2"});
  BackgroundSaveCron(t.h.server, t.h.clock.NowMs());
  CHECK(t.h.server.rdb_bgsave_in_progress);
  t.RunSave();
  CHECK(t.h.server.stats.dirty == 0);
  CHECK(t.h.server.last_save_time == t.h.clock.NowMs() / 1000);
  BackgroundSaveCron(t.h.server, t.h.clock.NowMs());
  CHECK_FALSE(t.h.server.rdb_bgsave_in_progress);  // nothing changed since
}

TEST_CASE("a failed BGSAVE is reported, refuses writes (MISCONF) and is retried after 5 s") {
  SaveHarness t;
  std::string_view rule[] = {"1", "1"};
  REQUIRE(t.h.config.ApplyStartup("save", rule) == "");
  t.h.Run({"set", "a", "1"});
  std::filesystem::remove_all(t.dir.path());  // the temporary file cannot be created
  CHECK(t.h.Run({"bgsave"}) == "-ERR\r\n");
  CHECK(t.h.Run({"info", "persistence"}).find("rdb_last_bgsave_status:err") !=
        std::string::npos);
  CHECK(t.h.Run({"set", "b", "2"}).starts_with("-MISCONF Redis is configured to save RDB"));
  CHECK(t.h.Run({"ping"}).starts_with("-MISCONF"));
  CHECK(t.h.Run({"get", "a"}) == "$1\r\n1\r\n");
  t.h.clock.Advance(2000);
  BackgroundSaveCron(t.h.server, t.h.clock.NowMs());
  CHECK(t.h.Run({"info", "persistence"}).find("rdb_last_bgsave_status:err") !=
        std::string::npos);  // within the retry delay: not tried again
  std::filesystem::create_directory(t.dir.path());
  t.h.clock.Advance(4000);
  BackgroundSaveCron(t.h.server, t.h.clock.NowMs());
  REQUIRE(t.h.server.rdb_bgsave_in_progress);
  t.RunSave();
  CHECK(t.h.Run({"set", "b", "2"}) == "+OK\r\n");
}

TEST_CASE("stop-writes-on-bgsave-error no keeps writes going after a failed save") {
  SaveHarness t;
  std::string_view no[] = {"no"};
  REQUIRE(t.h.config.ApplyStartup("stop-writes-on-bgsave-error", no) == "");
  std::filesystem::remove_all(t.dir.path());
  CHECK(t.h.Run({"bgsave"}) == "-ERR\r\n");
  CHECK(t.h.Run({"set", "b", "2"}) == "+OK\r\n");
}

}  // namespace
}  // namespace kvd

namespace kvd {
namespace {

// A replica's full sync replaces the dataset: whatever background snapshot of the old data
// runs stops, without touching the file it was writing, and the server can save again.
TEST_CASE("StopBackgroundSnapshot stops a BGSAVE of data about to be replaced") {
  SaveHarness t;
  for (int i = 0; i < 500; ++i) t.h.Run({"set", "k" + std::to_string(i), "v"});
  CHECK(t.h.Run({"bgsave"}) == "+Background saving started\r\n");
  REQUIRE(t.h.server.background_snapshot->running());
  StopBackgroundSnapshot(t.h.server);
  CHECK_FALSE(t.h.server.background_snapshot->running());
  CHECK_FALSE(t.h.server.rdb_bgsave_in_progress);
  while (t.posts.Pending() > 0) REQUIRE(t.posts.RunOne());
  CHECK_FALSE(std::filesystem::exists(t.dir.path() + "/dump.rdb"));
  CHECK(t.h.Run({"bgsave"}) == "+Background saving started\r\n");
  t.RunSave();
  CHECK(t.Loaded().Db(0).KeyCount() == 500);
  StopBackgroundSnapshot(t.h.server);  // nothing running: nothing happens
}

TEST_CASE("StopBackgroundSnapshot stops the snapshot for replicas and closes them") {
  SaveHarness t;
  Replication replication(t.h.server);
  t.h.server.replication = &replication;
  t.h.Run({"set", "k", "v"});
  ClientState replica;
  bool killed = false;
  testing::LambdaLink link;
  link.kill = [&] { killed = true; };
  replica.link = &link;
  t.h.server.AddClient(replica);
  CHECK(replication.Sync(replica, true, "?", -1) == "");
  REQUIRE(t.h.server.background_snapshot->running());
  StopBackgroundSnapshot(t.h.server);
  CHECK_FALSE(t.h.server.background_snapshot->running());
  CHECK(killed);
  CHECK_FALSE(replication.AbortSnapshot());  // none runs any more
  while (t.posts.Pending() > 0) REQUIRE(t.posts.RunOne());
  t.h.server.RemoveClient(replica);
  t.h.server.replication = nullptr;
}

}  // namespace
}  // namespace kvd
