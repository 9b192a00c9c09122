// Loading the snapshot at startup: kvd accepts connections at once and answers -LOADING
// until the dataset is in memory; INFO reports the progress; a shutdown while loading never
// saves over the file; damaged files stop startup and stay untouched; keys that expired
// while the server was down are dropped and counted.
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kLoadingErr = Err("LOADING Redis is loading the dataset in memory");

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

// Sends the commands in one pipeline and checks every reply is `expected`.
void Pipeline(RawClient& c, const std::vector<std::vector<std::string>>& commands,
              const std::string& expected) {
  std::string out;
  for (const auto& cmd : commands) out += Command(cmd);
  c.Send(out);
  for (size_t i = 0; i < commands.size(); ++i) REQUIRE(c.ReadReply().raw == expected);
}

// A dump.rdb of `keys` string keys k0..k<n-1> (value v<i>), written by the server under test
// into `dir`; returns its path.
std::string WriteDataset(const TempDir& dir, int keys) {
  ServerProcess writer({"--dir", dir.path()});
  RawClient c(writer.port());
  std::vector<std::vector<std::string>> sets;
  for (int i = 0; i < keys; ++i) {
    sets.push_back({"SET", "k" + std::to_string(i), "v" + std::to_string(i)});
  }
  Pipeline(c, sets, kOk);
  REQUIRE(c.Call({"SAVE"}) == kOk);
  return dir.path() + "/dump.rdb";
}

TEST_CASE("startup load: -LOADING while loading, INFO progress, then the data") {
  if (!TestingKvd()) return;  // redis-server loads before it accepts connections
  TempDir dir;
  const std::string file = WriteDataset(dir, 1100);
  // 2 ms per key: the load takes over 2 seconds, long enough to watch and to log progress.
  ServerProcess server({"--dir", dir.path(), "--key-load-delay", "2000"},
                       {.wait = ServerWait::kReady});
  RawClient c(server.port());
  CHECK(c.Call({"GET", "k1"}) == kLoadingErr);
  CHECK(c.Call({"PING"}) == kLoadingErr);  // PING has no "loading" flag, as in Redis
  CHECK(c.Call({"DBSIZE"}) == kLoadingErr);
  CHECK(c.Call({"SET", "new", "x"}) == kLoadingErr);
  CHECK(c.Call({"FLUSHALL"}) == kLoadingErr);
  CHECK(c.Call({"SAVE"}) == kLoadingErr);
  // Commands flagged "loading" run.
  CHECK(c.Call({"ECHO", "hi"}) == Bulk("hi"));
  CHECK(c.Call({"SELECT", "0"}) == kOk);
  CHECK(c.Exec({"CONFIG", "GET", "port"}).type == '*');
  CHECK(c.Exec({"TIME"}).type == '*');

  Reply info = c.Exec({"INFO", "persistence"});
  REQUIRE(info.type == '$');
  CHECK(InfoField(info.str, "loading") == "1");
  const int64_t size = static_cast<int64_t>(std::filesystem::file_size(file));
  CHECK(InfoField(info.str, "loading_total_bytes") == std::to_string(size));
  const int64_t start = std::stoll(InfoField(info.str, "loading_start_time").value_or("0"));
  CHECK(std::abs(start - NowMs() / 1000) <= 5);
  const int64_t loaded = std::stoll(InfoField(info.str, "loading_loaded_bytes").value_or("-1"));
  CHECK(loaded >= 0);
  CHECK(loaded < size);
  const double perc = std::stod(InfoField(info.str, "loading_loaded_perc").value_or("-1"));
  CHECK(perc >= 0);
  CHECK(perc < 100);
  CHECK(std::stoll(InfoField(info.str, "loading_eta_seconds").value_or("-1")) >= 0);
  CHECK(InfoField(info.str, "loading_rdb_used_mem").has_value());

  // The rejected commands count as Redis counts them.
  Reply errors = c.Exec({"INFO", "errorstats"});
  CHECK(InfoField(errors.str, "errorstat_LOADING") == "count=6");

  REQUIRE(WaitLoaded(c));
  CHECK(c.Call({"DBSIZE"}) == Int(1100));
  CHECK(c.Call({"GET", "k1099"}) == Bulk("v1099"));
  CHECK(c.Call({"PING"}) == "+PONG\r\n");
  info = c.Exec({"INFO", "persistence"});
  CHECK(InfoField(info.str, "rdb_last_load_keys_loaded") == "1100");
  CHECK(!InfoField(info.str, "loading_total_bytes").has_value());  // only while loading

  const std::string log = server.Log();
  CHECK(Contains(log, std::string(kBackgroundLoadLog)));
  CHECK(Contains(log, "Loading the dataset: "));  // progress, logged every 2 seconds
  CHECK(Contains(log, "keys loaded"));
  CHECK(Contains(log, "Done loading RDB, keys loaded: 1100, keys expired: 0."));
  CHECK(Contains(log, "DB loaded from disk: "));
  // Readiness comes first: connections are accepted during the load.
  CHECK(log.find("Ready to accept connections") < log.find("DB loaded from disk"));
}

TEST_CASE("startup load: the harness waits for the data by default") {
  TempDir dir;
  WriteDataset(dir, 50);
  ServerProcess server({"--dir", dir.path()});
  RawClient c(server.port());
  CHECK(c.Call({"DBSIZE"}) == Int(50));
  CHECK(c.Call({"GET", "k7"}) == Bulk("v7"));
}

TEST_CASE("startup load: SIGTERM while loading exits at once and never saves over the file") {
  if (!TestingKvd()) return;
  TempDir dir;
  const std::string file = WriteDataset(dir, 500);
  const std::string before = ReadBytes(file);
  // 20 ms per key: 10 seconds of loading, so the signal surely comes in the middle. Save
  // rules are set, so a shutdown that saved would overwrite the file with what was loaded.
  ServerProcess server({"--dir", dir.path(), "--key-load-delay", "20000", "--save", "900", "1"},
                       {.wait = ServerWait::kReady});
  RawClient c(server.port());
  CHECK(c.Call({"GET", "k1"}) == kLoadingErr);
  const auto start = Clock::now();
  ExitResult r = server.Stop(SIGTERM);
  INFO("server log:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code == 0);
  CHECK(Clock::now() - start < 5s);
  CHECK(!Contains(r.output, "DB saved on disk"));
  CHECK(ReadBytes(file) == before);
}

TEST_CASE("startup load: SHUTDOWN while loading does not save either") {
  if (!TestingKvd()) return;
  TempDir dir;
  const std::string file = WriteDataset(dir, 500);
  const std::string before = ReadBytes(file);
  ServerProcess server({"--dir", dir.path(), "--key-load-delay", "20000", "--save", "900", "1"},
                       {.wait = ServerWait::kReady});
  RawClient c(server.port());
  c.Send(Command({"SHUTDOWN", "SAVE"}));
  ExitResult r = server.WaitExit();
  INFO("server log:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code == 0);
  CHECK(!Contains(r.output, "DB saved on disk"));
  CHECK(ReadBytes(file) == before);
}

// Starts the server on `dir` expecting it to refuse the file: exit code != 0, a message
// naming the file, and the file left exactly as it was.
void ExpectRefused(const TempDir& dir, const std::string& file) {
  const std::string before = ReadBytes(file);
  ExitResult r = RunServerToExit({"--port", "0", "--dir", dir.path(), "--save", "900", "1"});
  INFO("output:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code != 0);
  if (TestingKvd()) {
    CHECK(Contains(r.output, "Fatal error loading the DB"));
    CHECK(Contains(r.output, file));
  }
  CHECK(ReadBytes(file) == before);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path(), ec)) {
    CAPTURE(entry.path().string());
    CHECK(entry.path().filename() == "dump.rdb");  // no temporary file left, nothing new
  }
}

TEST_CASE("a truncated snapshot stops startup, naming the file, and is left untouched") {
  TempDir dir;
  const std::string file = WriteDataset(dir, 200);
  const std::string whole = ReadBytes(file);
  for (size_t cut : {whole.size() - 1, whole.size() - 9, whole.size() / 2, size_t{12}}) {
    CAPTURE(cut);
    dir.Write("dump.rdb", std::string_view(whole).substr(0, cut));
    ExpectRefused(dir, file);
  }
}

TEST_CASE("a snapshot with a flipped byte stops startup, naming the file") {
  TempDir dir;
  const std::string file = WriteDataset(dir, 200);
  std::string damaged = ReadBytes(file);
  damaged[damaged.size() / 2] ^= 0x20;
  dir.Write("dump.rdb", damaged);
  ExpectRefused(dir, file);
}

TEST_CASE("keys that expired while the server was down are gone and counted") {
  TempDir dir;
  int64_t expire_at = 0;
  {
    ServerProcess writer({"--dir", dir.path()});
    RawClient c(writer.port());
    expire_at = NowMs() + 1500;
    for (int i = 0; i < 5; ++i) {
      CHECK(c.Call({"SET", "gone" + std::to_string(i), "v", "PXAT", std::to_string(expire_at)}) ==
            kOk);
    }
    CHECK(c.Call({"HSET", "gone-hash", "f", "v"}) == Int(1));
    CHECK(c.Call({"PEXPIREAT", "gone-hash", std::to_string(expire_at)}) == Int(1));
    CHECK(c.Call({"SET", "stays", "v", "PXAT", std::to_string(expire_at + 3600000)}) == kOk);
    CHECK(c.Call({"SET", "forever", "v"}) == kOk);
    CHECK(c.Call({"SAVE"}) == kOk);
  }
  // The server is down until the keys have expired.
  REQUIRE(WaitFor([&] { return NowMs() > expire_at + 50; }, 10s));
  ServerProcess server({"--dir", dir.path()});
  RawClient c(server.port());
  CHECK(c.Call({"DBSIZE"}) == Int(2));
  CHECK(c.Call({"EXISTS", "gone0", "gone4", "gone-hash"}) == Int(0));
  CHECK(c.Call({"GET", "stays"}) == Bulk("v"));
  CHECK(c.Call({"PEXPIRETIME", "stays"}) == Int(expire_at + 3600000));
  Reply info = c.Exec({"INFO", "persistence"});
  CHECK(InfoField(info.str, "rdb_last_load_keys_expired") == "6");
  CHECK(InfoField(info.str, "rdb_last_load_keys_loaded") == "2");
  // Dropped at load, not expired in memory: expired_keys does not count them.
  CHECK(InfoField(c.Exec({"INFO", "stats"}).str, "expired_keys") == "0");
}

}  // namespace
}  // namespace kvd::e2e
