// kvd in a Redis setup: Debian's stock redis.conf starts it, a setting of a subsystem kvd
// does not have is logged as having no effect, and the process settings work as in
// redis-server: daemonize, supervised systemd, shutdown-on-sigterm, oom-score-adj,
// disable-thp.
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "e2e/free_port.h"
#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

// A line of /proc/<pid>/status, e.g. "THP_enabled:\t1".
std::string StatusLine(pid_t pid, std::string_view field) {
  for (const std::string& line : Lines(Slurp("/proc/" + std::to_string(pid) + "/status"))) {
    if (line.rfind(field, 0) == 0) return line;
  }
  return "";
}

int OomScoreAdj(pid_t pid) {
  return std::stoi(Slurp("/proc/" + std::to_string(pid) + "/oom_score_adj"));
}

// The directives of Debian's redis-server 7.0 /etc/redis/redis.conf, comments left out.
constexpr std::string_view kDisklessWhy = "kvd sends replicas a snapshot written to a file";

const std::string kStockRedisConf =
    std::string(KVD_SOURCE_DIR) + "/tests/fuzz/corpus/config/redis7_debian_directives.conf";

TEST_CASE("Debian's stock redis.conf starts kvd; a Redis-only setting is logged as inert") {
  if (!TestingKvd()) return;
  // As Debian's unit runs redis-server, with the paths of the test's own directory.
  ServerProcess server({kStockRedisConf, "--daemonize", "no", "--pidfile", "", "--logfile", "",
                        "--repl-diskless-sync-delay", "3"});
  RawClient c(server.port());
  CHECK(c.Call({"PING"}) == "+PONG\r\n");
  CHECK(c.Exec({"CONFIG", "GET", "hash-max-listpack-entries"}).elements[1].str == "512");
  CHECK(c.Exec({"CONFIG", "GET", "repl-diskless-sync-delay"}).elements[1].str == "3");
  CHECK(Contains(server.Log(), "'repl-diskless-sync-delay 3' has no effect: " +
                                   std::string(kDisklessWhy)));
}

TEST_CASE("a setting that asks for a missing feature stops startup, naming it") {
  if (!TestingKvd()) return;
  ExitResult r = RunServerToExit({"--port", "0", "--save", "", "--cluster-enabled", "yes"});
  CHECK(r.exited);
  CHECK(r.code == 1);
  CHECK(Contains(r.output,
                 "Bad config option 'cluster-enabled yes': cluster mode is not "
                 "supported"));
}

TEST_CASE("unixsocket: clients connect through the file, with unixsocketperm's mode") {
  TempDir dir;
  const std::string path = dir.path() + "/kvd.sock";
  dir.Write("kvd.sock", "a stale file from a crash");  // replaced, as Redis does
  {
    ServerProcess server({"--unixsocket", path, "--unixsocketperm", "700"});
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 0777) == 0700);
    ExitResult r = RunToExit({"redis-cli", "-s", path, "SET", "via", "unix"});
    CHECK(r.code == 0);
    CHECK(r.output == "OK\n");
    RawClient tcp(server.port());
    CHECK(tcp.Call({"GET", "via"}) == Bulk("unix"));
    r = RunToExit({"redis-cli", "-s", path, "CLIENT", "INFO"});
    CHECK(Contains(r.output, "addr=/unixsocket:0 laddr=/unixsocket:0"));
    if (TestingKvd()) CHECK(Contains(server.Log(), "Ready to accept connections unix"));
  }
  CHECK_FALSE(Exists(path));  // removed at shutdown
}

TEST_CASE("daemonize yes: the command returns, the daemon serves and writes its pidfile") {
  if (!TestingKvd()) return;
  TempDir dir;
  const std::string pidfile = dir.path() + "/kvd.pid";
  const std::string logfile = dir.path() + "/kvd.log";
  const int port = FreePort();
  ExitResult r =
      RunServerToExit({"--port", std::to_string(port), "--save", "", "--dir", dir.path(),
                       "--daemonize", "yes", "--pidfile", pidfile, "--logfile", logfile});
  CHECK(r.exited);
  CHECK(r.code == 0);
  REQUIRE(WaitFor([&] { return Contains(Slurp(logfile), "Ready to accept connections"); }));
  const pid_t pid = std::stoi(Slurp(pidfile));
  CHECK(pid != getpid());
  // In a session of its own, away from the terminal that started it.
  CHECK(getsid(pid) == pid);
  RawClient c(port);
  CHECK(c.Call({"PING"}) == "+PONG\r\n");
  REQUIRE(kill(pid, SIGTERM) == 0);
  CHECK(WaitFor([&] { return kill(pid, 0) != 0; }));
  CHECK_FALSE(Exists(pidfile));
}

TEST_CASE("supervised systemd: READY=1 once it accepts connections, STOPPING=1 at the end") {
  if (!TestingKvd()) return;
  TempDir dir;
  const std::string path = dir.path() + "/notify";
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  auto receive = [&] {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(kTimeout.count())) != 1) return std::string();
    char buf[512];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  };
  // The server inherits the variable, as from systemd; `daemonize yes` is then ignored.
  setenv("NOTIFY_SOCKET", path.c_str(), 1);
  {
    ServerProcess server({"--supervised", "systemd", "--daemonize", "yes"});
    unsetenv("NOTIFY_SOCKET");
    CHECK(Contains(receive(), "READY=1"));
    RawClient c(server.port());
    CHECK(c.Call({"PING"}) == "+PONG\r\n");
    ExitResult r = server.Stop(SIGTERM);
    CHECK(r.code == 0);
    CHECK(Contains(receive(), "STOPPING=1"));
  }
  unsetenv("NOTIFY_SOCKET");
  close(fd);
}

TEST_CASE("shutdown-on-sigterm nosave: SIGTERM skips the save the rules would make") {
  auto stop_with_key = [](std::vector<std::string> args) {
    args.insert(args.end(), {"--save", "3600 1"});
    ServerProcess server(args);
    RawClient c(server.port());
    CHECK(c.Call({"SET", "k", "v"}) == kOk);
    const std::string dump = server.dir() + "/dump.rdb";
    ExitResult r = server.Stop(SIGTERM);
    CHECK(r.code == 0);
    return Exists(dump);
  };
  CHECK(stop_with_key({}));
  CHECK_FALSE(stop_with_key({"--shutdown-on-sigterm", "nosave"}));
}

TEST_CASE("oom-score-adj: absolute or relative to the start, at startup and on CONFIG SET") {
  if (!TestingKvd()) return;
  const int base = OomScoreAdj(getpid());  // the server inherits it
  // Raising the score needs no privilege; lowering it does, so the values only go up.
  ServerProcess server({"--oom-score-adj", "absolute", "--oom-score-adj-values",
                        std::to_string(base + 100) + " 200 800"});
  CHECK(OomScoreAdj(server.pid()) == base + 100);
  RawClient c(server.port());
  const std::string up300 = std::to_string(base + 300) + " 400 800";
  CHECK(c.Call({"CONFIG", "SET", "oom-score-adj-values", up300}) == kOk);
  CHECK(OomScoreAdj(server.pid()) == std::min(base + 300, 1000));
  // relative: added to the score kvd started with.
  CHECK(c.Call({"CONFIG", "SET", "oom-score-adj", "relative"}) == kOk);
  CHECK(c.Call({"CONFIG", "SET", "oom-score-adj-values", "310 400 800"}) == kOk);
  CHECK(OomScoreAdj(server.pid()) == std::min(base + 310, 1000));
  if (geteuid() == 0) {  // back to the score it started with: lower, so privileged
    CHECK(c.Call({"CONFIG", "SET", "oom-score-adj", "no"}) == kOk);
    CHECK(OomScoreAdj(server.pid()) == base);
  }
}

TEST_CASE("disable-thp: transparent huge pages are off for kvd unless it is no") {
  if (!TestingKvd()) return;
  {
    ServerProcess server;
    CHECK(StatusLine(server.pid(), "THP_enabled:") == "THP_enabled:\t0");
  }
  {
    // As the process that started it.
    ServerProcess server({"--disable-thp", "no"});
    CHECK(StatusLine(server.pid(), "THP_enabled:") == StatusLine(getpid(), "THP_enabled:"));
  }
}

}  // namespace
}  // namespace kvd::e2e
