#include "server/blocking_socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace kvd {
namespace {

// A non-blocking socket connecting to `ai`, or -1.
int StartConnect(const addrinfo& ai, uint16_t port) {
  const int fd =
      ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0) return -1;
  sockaddr_storage addr{};
  std::copy_n(reinterpret_cast<const char*>(ai.ai_addr), ai.ai_addrlen,
              reinterpret_cast<char*>(&addr));
  if (ai.ai_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&addr)->sin_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port = htons(port);
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), ai.ai_addrlen) == 0 ||
      errno == EINPROGRESS) {
    return fd;
  }
  ::close(fd);
  return -1;
}

}  // namespace

std::unique_ptr<BlockingSocket> BlockingSocket::Connect(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (host.empty() || ::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return nullptr;
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6) fd = StartConnect(*ai, port);
  }
  ::freeaddrinfo(found);
  if (fd < 0) return nullptr;
  return std::unique_ptr<BlockingSocket>(new BlockingSocket(fd));
}

BlockingSocket::~BlockingSocket() { ::close(fd_); }

IoStatus WaitReady(int fd, short events, int64_t timeout_ms) {
  pollfd p{.fd = fd, .events = events, .revents = 0};
  for (;;) {
    const int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(timeout_ms, INT_MAX)));
    if (n > 0) return IoStatus::kOk;  // an error or hang-up shows in the read or write
    if (n == 0) return IoStatus::kTimeout;
    if (errno != EINTR) return IoStatus::kError;
  }
}

IoStatus WriteAll(int fd, std::string_view data, int64_t timeout_ms) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    // ENOTCONN: a connect has not completed yet.
    if (n < 0 && errno != EAGAIN && errno != EINTR && errno != ENOTCONN) return IoStatus::kError;
    if (const IoStatus s = WaitReady(fd, POLLOUT, timeout_ms); s != IoStatus::kOk) return s;
  }
  return IoStatus::kOk;
}

IoStatus BlockingSocket::Write(std::string_view data, int64_t timeout_ms) {
  return WriteAll(fd_, data, timeout_ms);
}

IoStatus BlockingSocket::ReadLine(std::string& line, int64_t timeout_ms) {
  for (;;) {
    const size_t end = in_.find("\r\n");
    if (end != std::string::npos) {
      line.assign(in_, 0, end);
      in_.erase(0, end + 2);
      return IoStatus::kOk;
    }
    if (in_.size() > kMaxLine) return IoStatus::kError;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) return IoStatus::kError;
    if (const IoStatus s = WaitReady(fd_, POLLIN, timeout_ms); s != IoStatus::kOk) return s;
  }
}

}  // namespace kvd
