// 10,000 concurrent connections: kvd raises its open-files limit to what maxclients needs
// (logging it, as Redis), serves every connection, and refuses the one past maxclients.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

constexpr int kConnections = 10000;

// A blocking socket connected to 127.0.0.1:port with a receive timeout, or -1.
int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval tv{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Reads exactly `n` bytes (or fewer when the peer closes or the timeout passes).
std::string ReadN(int fd, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, out.data() + got, n - got);
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  out.resize(got);
  return out;
}

TEST_CASE("10,000 connections are served, after the open-files limit is raised") {
  if (!TestingKvd()) return;
  rlimit original{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &original) == 0);
  if (original.rlim_max != RLIM_INFINITY && original.rlim_max < kConnections + 200) {
    MESSAGE("skipped: the hard open-files limit is below ", kConnections + 200);
    return;
  }
  // The server starts with a low limit (inherited) that it must raise itself.
  rlimit low = original;
  low.rlim_cur = 4096;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  ServerProcess server;
  rlimit mine = original;
  mine.rlim_cur = original.rlim_max == RLIM_INFINITY
                      ? kConnections + 200
                      : std::max<rlim_t>(original.rlim_cur, kConnections + 200);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &mine) == 0);
  CHECK(Contains(server.Log(),
                 "Increased maximum number of open files to 10032 (it was originally set to "
                 "4096)."));

  std::vector<int> fds;
  fds.reserve(kConnections);
  const std::string ping = "*1\r\n$4\r\nPING\r\n";
  size_t answered = 0;
  // In waves, so that the accept queue never overflows into SYN retries.
  for (int i = 0; i < kConnections; ++i) {
    int fd = Connect(server.port());
    REQUIRE_MESSAGE(fd >= 0, "connection ", i);
    fds.push_back(fd);
    REQUIRE(write(fd, ping.data(), ping.size()) == static_cast<ssize_t>(ping.size()));
    if (fds.size() % 250 == 0) {
      for (; answered < fds.size(); ++answered) {
        REQUIRE_MESSAGE(ReadN(fds[answered], 7) == "+PONG\r\n", "connection ", answered);
      }
    }
  }
  for (; answered < fds.size(); ++answered) CHECK(ReadN(fds[answered], 7) == "+PONG\r\n");

  RawClient admin(server.port());  // client 10,001 of maxclients 10,000: refused
  CHECK(admin.ReadUntilClosed() == "-ERR max number of clients reached\r\n");
  // Every connection still works: a command on the last and the first.
  const std::string get = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  for (int fd : {fds.back(), fds.front()}) {
    REQUIRE(write(fd, get.data(), get.size()) == static_cast<ssize_t>(get.size()));
    CHECK(ReadN(fd, 5) == "$-1\r\n");
  }
  const std::string info = "*2\r\n$4\r\nINFO\r\n$7\r\nclients\r\n";
  REQUIRE(write(fds[0], info.data(), info.size()) == static_cast<ssize_t>(info.size()));
  std::string header;
  for (char ch = 0; ch != '\n';) {
    std::string one = ReadN(fds[0], 1);
    REQUIRE(one.size() == 1);
    ch = one[0];
    header += ch;
  }
  const std::string body = ReadN(fds[0], std::stoul(header.substr(1)) + 2);
  CHECK(InfoField(body, "connected_clients") == std::to_string(kConnections));
  CHECK(InfoField(body, "maxclients") == std::to_string(kConnections));
  for (int fd : fds) close(fd);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &original) == 0);
}

}  // namespace
}  // namespace kvd::e2e
