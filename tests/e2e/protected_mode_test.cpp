// Protected mode over real sockets: with no password, a client from the machine's own
// non-loopback address gets Redis's -DENIED text and a close; loopback clients get in; a
// password or `protected-mode no` lets the outsider in.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

// An IPv4 address of this machine that is not loopback, if it has one.
std::optional<std::string> NonLoopbackAddress() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::string> found;
  for (ifaddrs* i = list; i != nullptr && !found; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    if (std::string(text).rfind("127.", 0) != 0) found = text;
  }
  freeifaddrs(list);
  return found;
}

// Connects to ip:port, sends `request` and returns everything read until the server closes
// or, for a server that keeps the connection, the first `want` bytes.
std::string Exchange(const std::string& ip, int port, const std::string& request, size_t want) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  timeval tv{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  REQUIRE(inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) == 1);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  std::string out;
  char buf[4096];
  while (out.size() < want) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (out.size() > want) out.resize(want);
  return out;
}

TEST_CASE("protected mode: outsiders are denied until a password is set or it is off") {
  const std::optional<std::string> ip = NonLoopbackAddress();
  if (!ip) {
    MESSAGE("skipped: this machine has no non-loopback IPv4 address");
    return;
  }
  ServerProcess server({"--bind", "0.0.0.0"});
  const std::string ping = Command({"PING"});
  const std::string denied = Exchange(*ip, server.port(), ping, SIZE_MAX);
  CHECK(denied.rfind("-DENIED Redis is running in protected mode because protected mode is "
                     "enabled and no password is set for the default user.",
                     0) == 0);
  CHECK(
      denied.ends_with("in order for the server to start accepting connections from the "
                       "outside.\r\n"));
  CHECK(Exchange("127.0.0.1", server.port(), ping, 7) == "+PONG\r\n");

  RawClient local(server.port());
  REQUIRE(local.Call({"CONFIG", "SET", "requirepass", "s3cret"}) == kOk);
  CHECK(Exchange(*ip, server.port(), ping, 7) == "-NOAUTH");
  CHECK(Exchange(*ip, server.port(), Command({"AUTH", "s3cret"}) + ping, 12) == "+OK\r\n+PONG\r\n");
  REQUIRE(local.Call({"AUTH", "s3cret"}) == kOk);
  REQUIRE(local.Call({"CONFIG", "SET", "requirepass", ""}) == kOk);
  CHECK(Exchange(*ip, server.port(), ping, SIZE_MAX).rfind("-DENIED", 0) == 0);
  REQUIRE(local.Call({"CONFIG", "SET", "protected-mode", "no"}) == kOk);
  CHECK(Exchange(*ip, server.port(), ping, 7) == "+PONG\r\n");
  CHECK(InfoField(local.Exec({"INFO", "stats"}).str, "rejected_connections") == "2");
}

}  // namespace
}  // namespace kvd::e2e
