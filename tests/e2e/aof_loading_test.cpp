// Loading the append-only file at startup end to end: kvd accepts connections at once and
// answers -LOADING while the log replays, INFO shows the progress, new writes go after what
// was loaded; and the single-file log of Redis 6 (commands, or an RDB preamble followed by
// commands) is loaded and moved into Redis 7's directory layout, as redis-server 7 does.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRedisServer = "/usr/bin/redis-server";
const std::string kLoadingErr = Err("LOADING Redis is loading the dataset in memory");
constexpr std::string_view kUpgradedManifest =
    "file appendonly.aof seq 1 type b\n"
    "file appendonly.aof.1.incr.aof seq 1 type i\n";

std::vector<std::string> AofArgs(const TempDir& dir) {
  return {"--appendonly", "yes", "--dir", dir.path()};
}

// Sends the commands in one pipeline and checks every reply is `expected`.
void Pipeline(RawClient& c, const std::vector<std::vector<std::string>>& commands,
              const std::string& expected) {
  std::string out;
  for (const auto& cmd : commands) out += Command(cmd);
  c.Send(out);
  for (size_t i = 0; i < commands.size(); ++i) REQUIRE(c.ReadReply().raw == expected);
}

// The single-file log Redis 6 writes with aof-use-rdb-preamble no: every type, a TTL as an
// absolute time, two databases.
std::string OldStyleCommands() {
  std::string out;
  for (const auto& cmd : std::vector<std::vector<std::string>>{
           {"SELECT", "0"},
           {"SET", "s", "v"},
           {"SET", "t", "x"},
           {"PEXPIREAT", "t", "4102444800000"},
           {"RPUSH", "l", "a", "b", "c"},
           {"HSET", "h", "f1", "1", "f2", "2"},
           {"SADD", "set", "m1", "m2"},
           {"ZADD", "z", "1.5", "a", "2", "b"},
           {"INCR", "n"},
           {"INCR", "n"},
           {"MULTI"},
           {"SET", "in-multi", "1"},
           {"EXEC"},
           {"SELECT", "3"},
           {"SET", "db3", "yes"}}) {
    out += Command(cmd);
  }
  return out;
}

void CheckOldStyleData(RawClient& c) {
  CHECK(c.Call({"GET", "s"}) == Bulk("v"));
  CHECK(c.Call({"PEXPIRETIME", "t"}) == Int(4102444800000));
  CHECK(c.Call({"LRANGE", "l", "0", "-1"}) == Arr({Bulk("a"), Bulk("b"), Bulk("c")}));
  CHECK(c.Call({"HGET", "h", "f2"}) == Bulk("2"));
  CHECK(c.Call({"SISMEMBER", "set", "m2"}) == Int(1));
  CHECK(c.Call({"ZSCORE", "z", "a"}) == Bulk("1.5"));
  CHECK(c.Call({"GET", "n"}) == Bulk("2"));
  CHECK(c.Call({"GET", "in-multi"}) == Bulk("1"));
  CHECK(c.Call({"SELECT", "3"}) == kOk);
  CHECK(c.Call({"GET", "db3"}) == Bulk("yes"));
  CHECK(c.Call({"SELECT", "0"}) == kOk);
}

TEST_CASE("AOF load: -LOADING while the log replays, INFO progress, then new writes after it") {
  if (!TestingKvd()) return;  // redis-server loads before it accepts connections
  TempDir dir;
  constexpr int kKeys = 1500;
  {
    ServerProcess writer(AofArgs(dir));
    RawClient c(writer.port());
    std::vector<std::vector<std::string>> sets;
    for (int i = 0; i < kKeys; ++i) {
      sets.push_back({"SET", "k" + std::to_string(i), "v" + std::to_string(i)});
    }
    Pipeline(c, sets, kOk);
  }
  const std::string aof_dir = dir.path() + "/appendonlydir";
  const std::string incr_path = aof_dir + "/appendonly.aof.1.incr.aof";
  const std::string incr = Slurp(incr_path);
  REQUIRE(incr.size() > 0);
  const uint64_t total = incr.size() + fs::file_size(aof_dir + "/appendonly.aof.1.base.rdb");

  // 2 ms per replayed command, as Redis applies key-load-delay: 3 seconds of loading.
  std::vector<std::string> args = AofArgs(dir);
  args.insert(args.end(), {"--key-load-delay", "2000"});
  ServerProcess server(args, {.binary = "", .wait = ServerWait::kReady});
  RawClient c(server.port());
  CHECK(c.Call({"GET", "k1"}) == kLoadingErr);
  CHECK(c.Call({"PING"}) == kLoadingErr);
  CHECK(c.Call({"SET", "new", "x"}) == kLoadingErr);
  CHECK(c.Call({"BGREWRITEAOF"}) == kLoadingErr);
  CHECK(c.Call({"ECHO", "hi"}) == Bulk("hi"));
  Reply info = c.Exec({"INFO", "persistence"});
  CHECK(InfoField(info.str, "loading") == "1");
  CHECK(InfoField(info.str, "loading_total_bytes") == std::to_string(total));
  const int64_t loaded = std::stoll(InfoField(info.str, "loading_loaded_bytes").value_or("-1"));
  CHECK(loaded >= 0);
  CHECK(loaded < static_cast<int64_t>(total));
  CHECK(InfoField(info.str, "loading_eta_seconds").has_value());

  REQUIRE(WaitLoaded(c));
  CHECK(c.Call({"DBSIZE"}) == Int(kKeys));
  CHECK(c.Call({"GET", "k1499"}) == Bulk("v1499"));
  CHECK(c.Call({"SET", "after", "load"}) == kOk);
  info = c.Exec({"INFO", "persistence"});
  CHECK(InfoField(info.str, "aof_enabled") == "1");
  CHECK(InfoField(info.str, "loading") == "0");
  ExitResult r = server.Stop(SIGTERM);
  CHECK(r.code == 0);

  // Nothing loaded was rewritten; the new write follows it.
  const std::string after = Slurp(incr_path);
  CHECK(after.starts_with(incr));
  CHECK(after.substr(incr.size()) ==
        Command({"SELECT", "0"}) + Command({"SET", "after", "load"}));
  CHECK(Contains(r.output, "Loading the dataset from the append only file"));
  CHECK(Contains(r.output, "Loading the append only file: "));  // progress, every 2 seconds
  CHECK(Contains(r.output, "commands replayed"));
  CHECK(r.output.find("Ready to accept connections") <
        r.output.find("DB loaded from append only file"));
}

TEST_CASE("AOF load: SIGTERM while the log loads exits at once and changes no file") {
  if (!TestingKvd()) return;
  TempDir dir;
  {
    ServerProcess writer(AofArgs(dir));
    RawClient c(writer.port());
    std::vector<std::vector<std::string>> sets;
    for (int i = 0; i < 500; ++i) sets.push_back({"SET", "k" + std::to_string(i), "v"});
    Pipeline(c, sets, kOk);
  }
  const std::string aof_dir = dir.path() + "/appendonlydir";
  std::map<std::string, std::string> before;
  for (const auto& e : fs::directory_iterator(aof_dir)) before[e.path()] = Slurp(e.path());
  std::vector<std::string> args = AofArgs(dir);
  // 20 ms per command: 10 seconds of loading; save rules set, and never used while loading.
  args.insert(args.end(), {"--key-load-delay", "20000", "--save", "900", "1"});
  ServerProcess server(args, {.binary = "", .wait = ServerWait::kReady});
  RawClient c(server.port());
  CHECK(c.Call({"GET", "k1"}) == kLoadingErr);
  const auto start = Clock::now();
  ExitResult r = server.Stop(SIGTERM);
  CHECK(r.code == 0);
  CHECK(Clock::now() - start < 5s);
  std::map<std::string, std::string> now;
  for (const auto& e : fs::directory_iterator(aof_dir)) now[e.path()] = Slurp(e.path());
  CHECK(now == before);
  CHECK(!fs::exists(dir.path() + "/dump.rdb"));
}

TEST_CASE("AOF upgrade: a Redis 6 single-file log of commands loads and moves into the dir") {
  TempDir dir;
  const std::string old = OldStyleCommands();
  dir.Write("appendonly.aof", old);
  {
    ServerProcess server(AofArgs(dir));
    RawClient c(server.port());
    CheckOldStyleData(c);
    CHECK(c.Call({"SET", "new", "1"}) == kOk);
    ExitResult r = server.Stop(SIGTERM);
    CHECK(r.code == 0);
    CHECK(Contains(r.output,
                   "Successfully migrated an old-style AOF file (appendonly.aof) into the AOF "
                   "directory"));
  }
  // As redis-server 7 leaves it: the file moved unchanged, named as the base.
  CHECK(!fs::exists(dir.path() + "/appendonly.aof"));
  const std::string aof_dir = dir.path() + "/appendonlydir";
  CHECK(Slurp(aof_dir + "/appendonly.aof") == old);
  CHECK(Slurp(aof_dir + "/appendonly.aof.manifest") == kUpgradedManifest);
  CHECK(Slurp(aof_dir + "/appendonly.aof.1.incr.aof") ==
        Command({"SELECT", "0"}) + Command({"SET", "new", "1"}));

  // The upgraded directory loads again, in kvd and in redis-server 7.
  for (const std::string& binary : {std::string(), std::string(kRedisServer)}) {
    if (!binary.empty() && !fs::exists(binary)) continue;
    CAPTURE(binary);
    ServerProcess server(AofArgs(dir), {.binary = binary});
    RawClient c(server.port());
    CheckOldStyleData(c);
    CHECK(c.Call({"GET", "new"}) == Bulk("1"));
  }
}

TEST_CASE("AOF upgrade: a single-file log with an RDB preamble (written by redis-server)") {
  TempDir dir;
  {
    // redis-server writes the preamble: its dump.rdb of the same data.
    ServerProcess redis({"--dir", dir.path()}, {.binary = kRedisServer});
    RawClient c(redis.port());
    CHECK(c.Call({"SET", "rdb-string", "1"}) == kOk);
    CHECK(c.Call({"SET", "rdb-ttl", "2", "PXAT", "4102444800000"}) == kOk);
    CHECK(c.Call({"RPUSH", "rdb-list", "a", "b"}) == Int(2));
    CHECK(c.Call({"HSET", "rdb-hash", "f", "v"}) == Int(1));
    CHECK(c.Call({"SAVE"}) == kOk);
  }
  const std::string rdb = Slurp(dir.path() + "/dump.rdb");
  REQUIRE(rdb.starts_with("REDIS"));
  fs::remove(dir.path() + "/dump.rdb");
  const std::string file = rdb + Command({"SELECT", "0"}) + Command({"SET", "tail", "3"}) +
                           Command({"DEL", "rdb-string"}) + Command({"RPUSH", "rdb-list", "c"});
  dir.Write("appendonly.aof", file);
  for (const std::string& binary : {std::string(), std::string(kRedisServer)}) {
    CAPTURE(binary);
    ServerProcess server(AofArgs(dir), {.binary = binary});
    RawClient c(server.port());
    CHECK(c.Call({"EXISTS", "rdb-string"}) == Int(0));
    CHECK(c.Call({"GET", "rdb-ttl"}) == Bulk("2"));
    CHECK(c.Call({"PEXPIRETIME", "rdb-ttl"}) == Int(4102444800000));
    CHECK(c.Call({"LRANGE", "rdb-list", "0", "-1"}) == Arr({Bulk("a"), Bulk("b"), Bulk("c")}));
    CHECK(c.Call({"HGET", "rdb-hash", "f"}) == Bulk("v"));
    CHECK(c.Call({"GET", "tail"}) == Bulk("3"));
    CHECK(c.Call({"DBSIZE"}) == Int(4));
    ExitResult r = server.Stop(SIGTERM);
    CHECK(r.code == 0);
    // The first start upgrades; the second (redis-server) loads the upgraded directory.
    CHECK(Slurp(dir.path() + "/appendonlydir/appendonly.aof") == file);
    CHECK(Slurp(dir.path() + "/appendonlydir/appendonly.aof.manifest") == kUpgradedManifest);
  }
}

TEST_CASE("AOF upgrade: a damaged single-file log refuses to start, naming file and offset") {
  if (!TestingKvd()) return;
  TempDir dir;
  std::string old = OldStyleCommands();
  const size_t second = Command({"SELECT", "0"}).size();
  old[second] = '!';
  dir.Write("appendonly.aof", old);
  std::vector<std::string> args = {"--port", "0"};
  for (const std::string& a : AofArgs(dir)) args.push_back(a);
  ExitResult r = RunServerToExit(args);
  CHECK(r.exited);
  CHECK(r.code == 1);
  CHECK(Contains(r.output, "appendonly.aof at offset " + std::to_string(second)));
  // Moved as Redis 7 moves it, never changed.
  CHECK(Slurp(dir.path() + "/appendonlydir/appendonly.aof") == old);
}

}  // namespace
}  // namespace kvd::e2e
