// The append-only file end to end: restarts, kill -9 under each appendfsync, damaged logs,
// BGREWRITEAOF, and moving an appendonlydir between kvd and redis-server.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRedisServer = "/usr/bin/redis-server";

void Spit(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  REQUIRE(out.good());
}

// Every file of the directory tree, by relative path, with its bytes.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = Slurp(e.path());
  }
  return files;
}

std::vector<std::string> AofArgs(const TempDir& dir, const std::string& fsync = "everysec") {
  return {"--appendonly", "yes", "--appendfsync", fsync, "--dir", dir.path()};
}

std::string Info(RawClient& c, std::string_view field) {
  return InfoField(c.Exec({"INFO", "persistence"}).str, field).value_or("<missing>");
}

bool RewriteFinished(RawClient& c) {
  return Info(c, "aof_rewrite_in_progress") == "0" && Info(c, "aof_rewrite_scheduled") == "0";
}

std::string IncrFile(const TempDir& dir, int seq = 1) {
  return dir.path() + "/appendonlydir/appendonly.aof." + std::to_string(seq) + ".incr.aof";
}

// A client that writes SET w:<i> <i> in a loop and records which writes were acknowledged,
// and when, until the connection breaks or it is stopped.
class Writer {
 public:
  explicit Writer(int port) : thread_([this, port] { Run(port); }) {}
  ~Writer() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  size_t acked() const { return acked_.load(); }
  // When write i was acknowledged.
  Clock::time_point acked_at(size_t i) const {
    std::lock_guard lk(mu_);
    return times_.at(i);
  }

 private:
  void Run(int port) {
    try {
      RawClient c(port, 5s);
      for (size_t i = 0; !stop_; ++i) {
        const std::string n = std::to_string(i);
        if (c.Call({"SET", "w:" + n, n}) != kOk) return;
        std::lock_guard lk(mu_);
        times_.push_back(Clock::now());
        acked_ = i + 1;
      }
    } catch (const std::exception&) {
      // The server went away: the writes acknowledged so far are the record.
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<size_t> acked_{0};
  mutable std::mutex mu_;
  std::vector<Clock::time_point> times_;
  std::thread thread_;
};

// How many of w:0, w:1, ... are present. They must form a prefix (a log has no holes), and
// each holds its own number.
size_t PresentPrefix(RawClient& c, size_t upto) {
  constexpr size_t kChunk = 1000;
  size_t present = 0;
  bool gap = false;
  for (size_t start = 0; start < upto + 50; start += kChunk) {
    std::vector<std::string> mget = {"MGET"};
    for (size_t i = start; i < start + kChunk; ++i) mget.push_back("w:" + std::to_string(i));
    const Reply r = c.Exec(mget);
    REQUIRE(r.elements.size() == kChunk);
    for (size_t i = 0; i < kChunk; ++i) {
      const Reply& e = r.elements[i];
      if (e.null) {
        gap = true;
        continue;
      }
      CHECK_MESSAGE(!gap, "write ", start + i, " is there but ", present, " is not");
      CHECK(e.str == std::to_string(start + i));
      present = start + i + 1;
    }
  }
  return present;
}

TEST_CASE("AOF: a restart recovers the data, including writes made after a kill -9") {
  TempDir dir;
  {
    ServerProcess server(AofArgs(dir));
    RawClient c(server.port());
    CHECK(c.Call({"SET", "k", "v"}) == kOk);
    CHECK(c.Call({"RPUSH", "l", "a", "b"}) == Int(2));
    CHECK(c.Call({"SELECT", "5"}) == kOk);
    CHECK(c.Call({"HSET", "h", "f", "1"}) == Int(1));
    CHECK(Info(c, "aof_enabled") == "1");
  }  // SIGTERM
  {
    ServerProcess server(AofArgs(dir));
    RawClient c(server.port());
    CHECK(c.Call({"GET", "k"}) == Bulk("v"));
    CHECK(c.Call({"SET", "after-restart", "1"}) == kOk);
    CHECK(c.Call({"SELECT", "5"}) == kOk);
    CHECK(c.Call({"HGET", "h", "f"}) == Bulk("1"));
    // With everysec, kill -9 still keeps what reached the file (the OS holds it).
    CHECK(c.Call({"PING"}) == "+PONG\r\n");
    CHECK(WaitFor([&] { return Info(c, "aof_buffer_length") == "0"; }));
    server.Stop(SIGKILL);
  }
  ServerProcess server(AofArgs(dir));
  RawClient c(server.port());
  CHECK(c.Call({"LRANGE", "l", "0", "-1"}) == Arr({Bulk("a"), Bulk("b")}));
  CHECK(c.Call({"GET", "after-restart"}) == Bulk("1"));
}

TEST_CASE("AOF: with appendonly yes and no log yet, dump.rdb is not loaded (as Redis 7)") {
  TempDir dir;
  {
    ServerProcess server({"--dir", dir.path()});
    RawClient c(server.port());
    CHECK(c.Call({"SET", "from-rdb", "1"}) == kOk);
    CHECK(c.Call({"SAVE"}) == kOk);
  }
  ServerProcess server(AofArgs(dir));
  RawClient c(server.port());
  CHECK(c.Call({"DBSIZE"}) == Int(0));
  CHECK(fs::exists(dir.path() + "/appendonlydir/appendonly.aof.1.base.rdb"));
  CHECK(fs::exists(dir.path() + "/appendonlydir/appendonly.aof.manifest"));
}

TEST_CASE("AOF: appendfsync always keeps every acknowledged write through a kill -9") {
  TempDir dir;
  std::mt19937 rng(std::random_device{}());
  size_t acked = 0;
  {
    ServerProcess server(AofArgs(dir, "always"));
    Writer w1(server.port());
    // A random moment: after somewhere between 50 and 600 acknowledged writes.
    const size_t target = 50 + rng() % 550;
    REQUIRE(WaitFor([&] { return w1.acked() >= target; }));
    server.Stop(SIGKILL);
    w1.Stop();
    acked = w1.acked();
  }
  ServerProcess server(AofArgs(dir, "always"));
  RawClient c(server.port());
  const size_t present = PresentPrefix(c, acked);
  CHECK(present >= acked);  // at most the one in flight at the kill is extra
  CHECK(present <= acked + 1);
}

TEST_CASE("AOF: appendfsync everysec loses at most about the last second through a kill -9") {
  TempDir dir;
  size_t acked = 0;
  size_t acked_a_second_before = 0;
  {
    ServerProcess server(AofArgs(dir, "everysec"));
    Writer w(server.port());
    REQUIRE(WaitFor([&] { return w.acked() >= 200; }));
    const auto started = w.acked_at(0);
    REQUIRE(WaitFor([&] { return Clock::now() - started > 1200ms; }));
    const auto kill_time = Clock::now();
    server.Stop(SIGKILL);
    w.Stop();
    acked = w.acked();
    while (acked_a_second_before < acked &&
           w.acked_at(acked_a_second_before) < kill_time - 1s) {
      ++acked_a_second_before;
    }
  }
  ServerProcess server(AofArgs(dir, "everysec"));
  RawClient c(server.port());
  const size_t present = PresentPrefix(c, acked);
  CHECK(present >= acked_a_second_before);
  CHECK(present <= acked + 1);
}

TEST_CASE("AOF: a log cut short loads up to its last whole command, with a warning") {
  TempDir dir;
  {
    ServerProcess server(AofArgs(dir));
    RawClient c(server.port());
    CHECK(c.Call({"SET", "a", "1"}) == kOk);
    CHECK(c.Call({"SET", "b", "2"}) == kOk);
  }
  const std::string incr = IncrFile(dir);
  const size_t whole = fs::file_size(incr);
  {
    std::ofstream out(incr, std::ios::binary | std::ios::app);
    out << "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1";  // a crash mid-write
  }
  ServerProcess server(AofArgs(dir));
  RawClient c(server.port());
  CHECK(c.Call({"MGET", "a", "b", "c"}) == Arr({Bulk("1"), Bulk("2"), kNil}));
  const std::string log = server.Log();
  CHECK(Contains(log, "Truncating the AOF appendonly.aof.1.incr.aof at offset " +
                          std::to_string(whole)));
  CHECK(fs::file_size(incr) == whole);  // cut back to the last whole command, as Redis does
}

TEST_CASE("AOF: a log cut short with aof-load-truncated no refuses to start") {
  TempDir dir;
  {
    ServerProcess server(AofArgs(dir));
    CHECK(RawClient(server.port()).Call({"SET", "a", "1"}) == kOk);
  }
  const std::string incr = IncrFile(dir);
  {
    std::ofstream out(incr, std::ios::binary | std::ios::app);
    out << "*2\r\n$3\r\nDEL";
  }
  const auto before = Snapshot(dir.path() + "/appendonlydir");
  std::vector<std::string> args = AofArgs(dir);
  args.insert(args.end(), {"--port", "0", "--aof-load-truncated", "no"});
  ExitResult r = RunServerToExit(args);
  CHECK(r.exited);
  CHECK(r.code == 1);
  if (TestingKvd()) CHECK(Contains(r.output, "appendonly.aof.1.incr.aof"));
  CHECK(Snapshot(dir.path() + "/appendonlydir") == before);
}

TEST_CASE("AOF: a flipped byte in the middle refuses to start, naming file and offset") {
  TempDir dir;
  size_t second_record = 0;
  {
    ServerProcess server(AofArgs(dir));
    RawClient c(server.port());
    CHECK(c.Call({"SET", "a", "1"}) == kOk);
    CHECK(WaitFor([&] { return Info(c, "aof_buffer_length") == "0"; }));
    second_record = fs::file_size(IncrFile(dir));
    CHECK(c.Call({"SET", "b", "2"}) == kOk);
    CHECK(c.Call({"SET", "c", "3"}) == kOk);
  }
  std::string bytes = Slurp(IncrFile(dir));
  REQUIRE(bytes.size() > second_record);
  REQUIRE(bytes[second_record] == '*');
  bytes[second_record] = '+';
  Spit(IncrFile(dir), bytes);
  const auto before = Snapshot(dir.path() + "/appendonlydir");
  std::vector<std::string> args = AofArgs(dir);
  args.insert(args.end(), {"--port", "0"});
  ExitResult r = RunServerToExit(args);
  CHECK(r.exited);
  CHECK(r.code == 1);
  if (TestingKvd()) {
    CHECK(Contains(r.output, "appendonly.aof.1.incr.aof at offset " +
                                 std::to_string(second_record)));
  }
  CHECK(Snapshot(dir.path() + "/appendonlydir") == before);  // untouched
}

TEST_CASE("AOF: BGREWRITEAOF compacts the log and keeps the writes made during it") {
  TempDir dir;
  const std::string aof_dir = dir.path() + "/appendonlydir";
  {
    ServerProcess server(AofArgs(dir));
    RawClient c(server.port());
    std::string pipeline;
    for (int i = 0; i < 5000; ++i) {
      pipeline += Command({"INCR", "counter:" + std::to_string(i % 10)});
    }
    c.Send(pipeline);
    for (int i = 0; i < 5000; ++i) c.ReadReply();
    CHECK(WaitFor([&] { return Info(c, "aof_buffer_length") == "0"; }));
    const uint64_t before = std::stoull(Info(c, "aof_current_size"));

    Writer during(server.port());
    REQUIRE(WaitFor([&] { return during.acked() >= 20; }));
    CHECK(c.Call({"BGREWRITEAOF"}) == "+Background append only file rewriting started\r\n");
    REQUIRE(WaitFor([&] { return RewriteFinished(c); }));
    const size_t mark = during.acked();
    REQUIRE(WaitFor([&] { return during.acked() >= mark + 20; }));
    during.Stop();
    CHECK(Info(c, "aof_last_bgrewrite_status") == "ok");
    CHECK(Slurp(aof_dir + "/appendonly.aof.manifest") ==
          "file appendonly.aof.2.base.rdb seq 2 type b\n"
          "file appendonly.aof.2.incr.aof seq 2 type i\n");
    CHECK_FALSE(fs::exists(aof_dir + "/appendonly.aof.1.incr.aof"));
    CHECK_FALSE(fs::exists(aof_dir + "/appendonly.aof.1.base.rdb"));
    CHECK(std::stoull(Info(c, "aof_base_size")) < before);
    const size_t acked = during.acked();
    server.Stop(SIGTERM);
    ServerProcess again(AofArgs(dir));
    RawClient c2(again.port());
    CHECK(c2.Call({"GET", "counter:3"}) == Bulk("500"));
    CHECK(PresentPrefix(c2, acked) == acked);
  }
}

TEST_CASE("AOF: kill -9 during a rewrite, then restart: the state is complete") {
  TempDir dir;
  std::mt19937 rng(std::random_device{}());
  size_t acked = 0;
  {
    ServerProcess server(AofArgs(dir, "always"));
    RawClient c(server.port());
    // Enough data that the base takes a moment to write.
    std::string pipeline;
    for (int i = 0; i < 200; ++i) {
      std::vector<std::string> mset = {"MSET"};
      for (int j = 0; j < 100; ++j) {
        mset.push_back("bulk:" + std::to_string(i * 100 + j));
        mset.push_back(std::string(200, 'a' + j % 26));
      }
      pipeline += Command(mset);
    }
    c.Send(pipeline);
    for (int i = 0; i < 200; ++i) CHECK(c.ReadReply().raw == kOk);
    Writer w(server.port());
    REQUIRE(WaitFor([&] { return w.acked() >= 10; }));
    CHECK(c.Call({"BGREWRITEAOF"}) == "+Background append only file rewriting started\r\n");
    // Right away or a few writes later: the base takes longer than that to write.
    const size_t at = w.acked() + rng() % 5;
    REQUIRE(WaitFor([&] { return w.acked() >= at || RewriteFinished(c); }));
    const bool in_progress = !RewriteFinished(c);
    server.Stop(SIGKILL);
    MESSAGE("killed ", std::string(in_progress ? "during" : "after"), " the rewrite");
    w.Stop();
    acked = w.acked();
  }
  ServerProcess server(AofArgs(dir, "always"));
  RawClient c(server.port());
  CHECK(c.Call({"DBSIZE"}).size() > 0);
  CHECK(c.Call({"GET", "bulk:19999"}) == Bulk(std::string(200, 'a' + 99 % 26)));
  CHECK(c.Call({"GET", "bulk:0"}) == Bulk(std::string(200, 'a')));
  const size_t present = PresentPrefix(c, acked);
  CHECK(present >= acked);
  CHECK(present <= acked + 1);
}

// ---- Moving an appendonlydir between kvd and redis-server ---------------------------------

// redis-server on a free port in `dir`, with its log in a file of its own.
class RedisServer {
 public:
  explicit RedisServer(const std::string& dir) : log_(log_dir_.path() + "/redis.log") {
    // A port that was free a moment ago (redis-server's --port 0 means "no TCP").
    int attempts = 0;
    for (;;) {
      port_ = 20000 + static_cast<int>(std::random_device{}() % 30000);
      pid_ = ::fork();
      REQUIRE(pid_ >= 0);
      if (pid_ == 0) {
        const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        const std::string port = std::to_string(port_);
        ::execl(kRedisServer, kRedisServer, "--port", port.c_str(), "--dir", dir.c_str(),
                "--appendonly", "yes", "--save", "", "--bind", "127.0.0.1",
                static_cast<char*>(nullptr));
        ::_exit(127);
      }
      bool exited = false;
      const bool ready = WaitFor([&] {
        if (Contains(Slurp(log_), "Ready to accept connections")) return true;
        int status = 0;
        exited = ::waitpid(pid_, &status, WNOHANG) == pid_;
        return exited;
      });
      if (ready && !exited) return;
      INFO("redis-server log:\n", Slurp(log_));
      REQUIRE(exited);  // not ready in time: fail
      REQUIRE(++attempts < 5);  // the port was taken meanwhile: try another
    }
  }
  ~RedisServer() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  int port() const { return port_; }

 private:
  TempDir log_dir_;
  std::string log_;
  int port_ = 0;
  pid_t pid_ = -1;
};

TEST_CASE("AOF: an appendonlydir written by kvd loads in redis-server, and the reverse") {
  if (!fs::exists(kRedisServer)) {
    MESSAGE("skipped: ", kRedisServer, " is not installed");
    return;
  }
  if (!TestingKvd()) return;  // the suite runs against redis-server itself
  SUBCASE("kvd to redis-server") {
    TempDir dir;
    {
      ServerProcess kvd(AofArgs(dir));
      RawClient c(kvd.port());
      CHECK(c.Call({"SET", "in-base", "1"}) == kOk);
      CHECK(c.Call({"RPUSH", "list", "a", "b", "c"}) == Int(3));
      CHECK(c.Call({"BGREWRITEAOF"}) == "+Background append only file rewriting started\r\n");
      REQUIRE(WaitFor([&] { return RewriteFinished(c); }));
      CHECK(c.Call({"SET", "in-incr", "2"}) == kOk);
      CHECK(c.Call({"ZADD", "z", "1.5", "m"}) == Int(1));
      CHECK(c.Call({"HSET", "h", "f", "v"}) == Int(1));
      CHECK(c.Call({"SADD", "s", "x"}) == Int(1));
      CHECK(c.Call({"SET", "ttl", "v", "EX", "1000"}) == kOk);
      CHECK(c.Call({"SELECT", "3"}) == kOk);
      CHECK(c.Call({"SET", "db3", "x"}) == kOk);
    }
    RedisServer redis(dir.path());
    RawClient c(redis.port());
    CHECK(c.Call({"GET", "in-base"}) == Bulk("1"));
    CHECK(c.Call({"LRANGE", "list", "0", "-1"}) == Arr({Bulk("a"), Bulk("b"), Bulk("c")}));
    CHECK(c.Call({"GET", "in-incr"}) == Bulk("2"));
    CHECK(c.Call({"ZSCORE", "z", "m"}) == Bulk("1.5"));
    CHECK(c.Call({"HGET", "h", "f"}) == Bulk("v"));
    CHECK(c.Call({"SISMEMBER", "s", "x"}) == Int(1));
    const int64_t ttl = c.Exec({"TTL", "ttl"}).integer;
    CHECK(ttl > 900);
    CHECK(ttl <= 1000);
    CHECK(c.Call({"SELECT", "3"}) == kOk);
    CHECK(c.Call({"GET", "db3"}) == Bulk("x"));
  }
  SUBCASE("redis-server to kvd") {
    TempDir dir;
    {
      RedisServer redis(dir.path());
      RawClient c(redis.port());
      CHECK(c.Call({"SET", "in-base", "1"}) == kOk);
      CHECK(c.Call({"HSET", "h", "f", "v", "g", "w"}) == Int(2));
      CHECK(c.Call({"BGREWRITEAOF"}) == "+Background append only file rewriting started\r\n");
      REQUIRE(WaitFor([&] { return RewriteFinished(c); }));
      CHECK(c.Call({"SET", "in-incr", "2"}) == kOk);
      CHECK(c.Call({"RPUSH", "list", "a", "b"}) == Int(2));
      CHECK(c.Call({"EXPIRE", "in-incr", "1000"}) == Int(1));
      CHECK(c.Call({"SELECT", "2"}) == kOk);
      CHECK(c.Call({"ZADD", "z", "2", "m"}) == Int(1));
    }
    ServerProcess kvd(AofArgs(dir));
    RawClient c(kvd.port());
    CHECK(c.Call({"GET", "in-base"}) == Bulk("1"));
    CHECK(c.Call({"HGET", "h", "g"}) == Bulk("w"));
    CHECK(c.Call({"GET", "in-incr"}) == Bulk("2"));
    const int64_t ttl = c.Exec({"TTL", "in-incr"}).integer;
    CHECK(ttl > 900);
    CHECK(ttl <= 1000);
    CHECK(c.Call({"LRANGE", "list", "0", "-1"}) == Arr({Bulk("a"), Bulk("b")}));
    CHECK(c.Call({"SELECT", "2"}) == kOk);
    CHECK(c.Call({"ZSCORE", "z", "m"}) == Bulk("2"));
  }
}

}  // namespace
}  // namespace kvd::e2e
