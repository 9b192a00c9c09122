// BGSAVE with the real binary: the store keeps serving while the file is written, the file
// holds the data of the moment the save started (Redis's tools read it), and a kill -9 in
// the middle leaves the previous file whole.
#include <signal.h>

#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

constexpr int kKeys = 30'000;

// SETs k<i> = <prefix><i> for every i (in db `db`), pipelined.
void Fill(RawClient& c, const std::string& prefix, int db = 0) {
  std::string batch = Command({"SELECT", std::to_string(db)});
  for (int i = 0; i < kKeys; ++i) {
    batch += Command({"SET", "k" + std::to_string(i), prefix + std::to_string(i)});
  }
  c.Send(batch);
  for (int i = 0; i <= kKeys; ++i) REQUIRE_FALSE(c.ReadReply().IsError());
  REQUIRE(c.Call({"SELECT", "0"}) == kOk);
}

std::string Persistence(RawClient& c, std::string_view field) {
  return InfoField(c.Exec({"INFO", "persistence"}).str, field).value_or("?");
}

// Every key holds <prefix><i>, and nothing else is there (checked through DBSIZE and a
// sample of values in every stride).
void CheckHolds(RawClient& c, const std::string& prefix, int db = 0) {
  REQUIRE(c.Call({"SELECT", std::to_string(db)}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(kKeys));
  for (int i = 0; i < kKeys; i += 499) {
    CHECK(c.Call({"GET", "k" + std::to_string(i)}) == Bulk(prefix + std::to_string(i)));
  }
}

TEST_CASE("BGSAVE under writes: serves meanwhile, and the file is the starting moment's") {
  TempDir copy;
  {
    ServerProcess kvd;
    RawClient c(kvd.port());
    Fill(c, "before-");
    Fill(c, "db3-", 3);
    REQUIRE(c.Call({"BGSAVE"}) == "+Background saving started\r\n");
    // Writes in two databases while the save runs: overwrites, deletes, new keys.
    RawClient w(kvd.port());
    int round = 0;
    do {
      const std::string k = "k" + std::to_string(round * 13 % kKeys);
      REQUIRE(w.Call({"SET", k, "during"}) == kOk);
      w.Call({"DEL", "k" + std::to_string(round * 7 % kKeys)});
      REQUIRE(w.Call({"SELECT", "3"}) == kOk);
      REQUIRE(w.Call({"SET", "new" + std::to_string(round), "x"}) == kOk);
      REQUIRE(w.Call({"SELECT", "0"}) == kOk);
      ++round;
    } while (Persistence(c, "rdb_bgsave_in_progress") == "1");
    CHECK(Persistence(c, "rdb_last_bgsave_status") == "ok");
    CHECK(Contains(kvd.Log(), "Background saving terminated with success"));
    std::filesystem::copy_file(kvd.dir() + "/dump.rdb", copy.path() + "/dump.rdb");
  }
  const std::string file = copy.path() + "/dump.rdb";
  ExitResult check = RunToExit({"redis-check-rdb", file});
  if (check.exited && check.code == 127) {
    MESSAGE("redis-check-rdb not installed: file check skipped");
  } else {
    INFO("redis-check-rdb:\n", check.output);
    CHECK(check.code == 0);
    CHECK(Contains(check.output, "Checksum OK"));
    CHECK(Contains(check.output, "[info] " + std::to_string(2 * kKeys) + " keys read"));
  }
  ServerProcess restarted({"--dir", copy.path()});
  RawClient c(restarted.port());
  CheckHolds(c, "before-");
  CheckHolds(c, "db3-", 3);
}

TEST_CASE("kill -9 during BGSAVE: the restart finds one whole snapshot, the old or the new") {
  ServerProcess kvd;
  const std::string dir = kvd.dir();
  {
    RawClient c(kvd.port());
    Fill(c, "old-");
    REQUIRE(c.Call({"SAVE"}) == kOk);
    Fill(c, "new-");
    REQUIRE(c.Call({"BGSAVE"}) == "+Background saving started\r\n");
  }
  kvd.Stop(SIGKILL);
  ServerProcess restarted({"--dir", dir});
  RawClient c(restarted.port());
  const std::string first = c.Call({"GET", "k0"});
  REQUIRE((first == Bulk("old-0") || first == Bulk("new-0")));
  CheckHolds(c, first == Bulk("old-0") ? "old-" : "new-");
}

}  // namespace
}  // namespace kvd::e2e
