// The background startup load: -LOADING until the data is swapped in on the store strand
// (here: a queue the test runs), INFO's loading fields, a damaged file, a cancelled load.
#include "server/startup_load.h"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "server/persistence.h"
#include "unit/commands/harness.h"
#include "unit/commands/post_queue.h"
#include "unit/commands/temp_dir.h"

namespace kvd::testing {
namespace {

constexpr std::string_view kLoadingErr = "-LOADING Redis is loading the dataset in memory\r\n";

void Configure(Harness& h, std::string_view name, std::string_view value) {
  REQUIRE(h.config.ApplyStartup(name, std::span(&value, 1)) == "");
}

// Saves n keys k0..k<n-1> (and one in database 3) to dir/dump.rdb.
void WriteDump(const TempDir& dir, int n) {
  Store store;
  const int64_t now = 1'700'000'000'000;
  for (int i = 0; i < n; ++i) {
    store.Db(0).SetString("k" + std::to_string(i), "v" + std::to_string(i), kNoExpiry,
                          TtlMode::kClear, now);
  }
  store.Db(3).SetString("three", "3", kNoExpiry, TtlMode::kClear, now);
  store.Db(0).SetString("ttl", "t", now + 1000, TtlMode::kClear, now);
  store.Db(0).SetString("expired", "x", now + 1000, TtlMode::kClear, now);
  REQUIRE(SaveSnapshotFile(store, dir.path(), "dump.rdb", now) == "");
}

std::string InfoField(Harness& h, std::string_view field) {
  std::string reply = h.Run({"INFO", "persistence"});
  const std::string name = "\n" + std::string(field) + ":";
  size_t at = reply.find(name);
  if (at == std::string::npos) return "<absent>";
  at += name.size();
  return reply.substr(at, reply.find('\r', at) - at);
}

TEST_CASE("startup load: -LOADING until the loaded store is swapped in") {
  TempDir dir;
  WriteDump(dir, 100);
  Harness h;
  Configure(h, "dir", dir.path());
  PostQueue strand;
  strand.Attach(h.server);
  std::optional<std::string> done;
  StartupLoad load(h.server);
  REQUIRE(load.Start([&](const std::string& err) { done = err; }));
  CHECK(h.server.loading);
  CHECK(h.Run({"GET", "k1"}) == kLoadingErr);
  CHECK(h.Run({"DBSIZE"}) == kLoadingErr);
  CHECK(h.Run({"ECHO", "x"}) == "$1\r\nx\r\n");  // flagged "loading"
  CHECK(InfoField(h, "loading") == "1");
  CHECK(InfoField(h, "loading_total_bytes") != "<absent>");
  CHECK(InfoField(h, "loading_eta_seconds") != "<absent>");
  CHECK_FALSE(done.has_value());

  REQUIRE(strand.RunOne());  // the loader's completion
  REQUIRE(done.has_value());
  CHECK(*done == "");
  CHECK_FALSE(h.server.loading);
  CHECK(h.Run({"DBSIZE"}) == ":102\r\n");
  CHECK(h.Run({"GET", "k99"}) == "$3\r\nv99\r\n");
  CHECK(h.Run({"PTTL", "ttl"}) == ":1000\r\n");
  CHECK(h.store.Db(3).Count(0) == 1);
  CHECK(h.server.rdb_last_load_keys_loaded == 103);
  CHECK(InfoField(h, "loading") == "0");
  CHECK(InfoField(h, "loading_total_bytes") == "<absent>");

  // The loaded databases took the server's hooks along: an expiry is still propagated.
  std::vector<std::string> logged;
  h.server.propagate = [&](size_t, std::span<const std::string_view> cmd) {
    for (std::string_view a : cmd) logged.emplace_back(a);
  };
  h.clock.Advance(1001);
  CHECK(h.Run({"GET", "expired"}) == "$-1\r\n");
  CHECK(logged == std::vector<std::string>{"DEL", "expired"});
}

TEST_CASE("startup load: no file, nothing to do") {
  TempDir dir;
  Harness h;
  Configure(h, "dir", dir.path());
  PostQueue strand;
  strand.Attach(h.server);
  StartupLoad load(h.server);
  CHECK_FALSE(load.Start([](const std::string&) { FAIL("no load ran"); }));
  CHECK_FALSE(h.server.loading);
  CHECK(h.Run({"PING"}) == "+PONG\r\n");
}

TEST_CASE("startup load: a damaged file reports the error and leaves the store alone") {
  TempDir dir;
  WriteDump(dir, 100);
  {
    std::fstream f(dir.File("dump.rdb"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x7f');
  }
  Harness h;
  Configure(h, "dir", dir.path());
  REQUIRE(h.Run({"SELECT", "0"}) == "+OK\r\n");
  h.store.Db(0).SetString("before", "x", kNoExpiry, TtlMode::kClear, 0);
  PostQueue strand;
  strand.Attach(h.server);
  std::optional<std::string> done;
  StartupLoad load(h.server);
  REQUIRE(load.Start([&](const std::string& err) { done = err; }));
  REQUIRE(strand.RunOne());
  REQUIRE(done.has_value());
  CHECK(done->find(dir.File("dump.rdb")) != std::string::npos);
  CHECK(h.server.loading);  // the server must stop, not serve
  CHECK(h.store.Db(0).Get("before", 0) == "x");
  CHECK(h.store.Db(0).Count(0) == 1);
}

TEST_CASE("startup load: a cancelled load never completes") {
  TempDir dir;
  WriteDump(dir, 2000);
  Harness h;
  Configure(h, "dir", dir.path());
  Configure(h, "key-load-delay", "5000");  // 10 s in all: cancelled long before the end
  PostQueue strand;
  strand.Attach(h.server);
  bool done = false;
  {
    StartupLoad load(h.server);
    REQUIRE(load.Start([&](const std::string&) { done = true; }));
    load.Cancel();
  }  // joins the thread
  CHECK(strand.Pending() == 0);
  CHECK_FALSE(done);
  CHECK(h.store.Db(0).Count(0) == 0);
}

}  // namespace
}  // namespace kvd::testing
