// RawClient (blocking POSIX TCP with poll deadlines) and a RESP2/RESP3 reply reader.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error(what + (errno ? std::string(": ") + std::strerror(errno) : ""));
}

int64_t ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    throw std::runtime_error("bad number in reply: '" + std::string(s) + "'");
  }
  return v;
}

size_t ParseBody(std::string_view in, size_t pos, Reply& out, int depth);

// Parses one reply starting at in[pos]; returns the position after it, or npos if incomplete.
size_t ParseAt(std::string_view in, size_t pos, Reply& out, int depth) {
  if (depth > 64) throw std::runtime_error("reply nested too deep");
  if (pos >= in.size()) return std::string_view::npos;
  const size_t end = ParseBody(in, pos, out, depth);
  if (end != std::string_view::npos) out.raw = std::string(in.substr(pos, end - pos));
  return end;
}

size_t ParseBody(std::string_view in, size_t pos, Reply& out, int depth) {
  size_t eol = in.find("\r\n", pos);
  if (eol == std::string_view::npos) return std::string_view::npos;
  out.type = in[pos];
  std::string_view line = in.substr(pos + 1, eol - pos - 1);
  size_t next = eol + 2;
  switch (out.type) {
    case '+': case '-': case ',': case '(':
      out.str = std::string(line);
      return next;
    case ':':
      out.str = std::string(line);
      out.integer = ParseInt(line);
      return next;
    case '#':
      out.str = std::string(line);
      return next;
    case '_':
      out.null = true;
      return next;
    case '$': case '=': case '!': {
      int64_t len = ParseInt(line);
      if (len < 0) {
        out.null = true;
        return next;
      }
      if (in.size() < next + static_cast<size_t>(len) + 2) return std::string_view::npos;
      if (in.substr(next + len, 2) != "\r\n") throw std::runtime_error("bulk not ended by CRLF");
      out.str = std::string(in.substr(next, static_cast<size_t>(len)));
      return next + static_cast<size_t>(len) + 2;
    }
    case '*': case '~': case '>': case '%': case '|': {
      int64_t count = ParseInt(line);
      if (count < 0) {
        out.null = true;
        return next;
      }
      if (out.type == '%' || out.type == '|') count *= 2;
      out.elements.reserve(static_cast<size_t>(std::min<int64_t>(count, 4096)));
      for (int64_t i = 0; i < count; ++i) {
        Reply element;
        next = ParseAt(in, next, element, depth + 1);
        if (next == std::string_view::npos) return next;
        out.elements.push_back(std::move(element));
      }
      return next;
    }
    default:
      throw std::runtime_error("unknown reply type byte: '" + std::string(1, out.type) + "'");
  }
}

}  // namespace

std::string Reply::Text() const {
  if (type == '=' && str.size() >= 4 && str[3] == ':') return str.substr(4);
  return str;
}

const Reply* Reply::Field(std::string_view key) const {
  for (size_t i = 0; i + 1 < elements.size(); i += 2) {
    if (elements[i].str == key) return &elements[i + 1];
  }
  return nullptr;
}

size_t ParseReply(std::string_view in, Reply& out) {
  out = Reply{};
  size_t end = ParseAt(in, 0, out, 0);
  return end == std::string_view::npos ? 0 : end;
}

RawClient::RawClient(int port, std::chrono::milliseconds timeout) : timeout_(timeout) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) Fail("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int saved = errno;
    close(fd_);
    errno = saved;
    Fail("connect to port " + std::to_string(port));
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

RawClient::~RawClient() {
  if (fd_ >= 0) close(fd_);
}

void RawClient::Send(std::string_view bytes) {
  const auto deadline = Deadline();
  while (!bytes.empty()) {
    pollfd p{fd_, static_cast<short>(POLLOUT | (eof_ ? 0 : POLLIN)), 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) throw std::runtime_error("timed out sending to the server");
    if (poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) Fail("poll");
    if ((p.revents & POLLIN) && !eof_) {
      char buf[65536];
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n > 0) buffer_.append(buf, static_cast<size_t>(n));
      if (n == 0) eof_ = true;
    }
    if (p.revents & (POLLOUT | POLLERR | POLLHUP)) {
      ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(static_cast<size_t>(n));
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        Fail("send");
      }
    }
  }
}

void RawClient::SendOnly(std::string_view bytes) {
  const auto deadline = Deadline();
  while (!bytes.empty()) {
    pollfd p{fd_, POLLOUT, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) throw std::runtime_error("timed out sending to the server");
    if (poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) Fail("poll");
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      Fail("send");
    }
  }
}

bool RawClient::Fill() {
  if (eof_) return false;
  pollfd p{fd_, POLLIN, 0};
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(timeout_);
  int ready;
  do {
    ready = poll(&p, 1, static_cast<int>(left.count()));
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    throw std::runtime_error("timed out waiting for the server; unparsed input: '" +
                             buffer_.substr(0, 200) + "'");
  }
  char buf[65536];
  ssize_t n = recv(fd_, buf, sizeof buf, 0);
  if (n > 0) {
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  eof_ = true;  // orderly close, or a reset: either way the server is gone
  return false;
}

std::string RawClient::ReadExact(size_t n) {
  const auto deadline = Deadline();
  while (buffer_.size() < n) {
    if (!Fill()) {
      throw std::runtime_error("connection closed after " + std::to_string(buffer_.size()) +
                               " of " + std::to_string(n) + " bytes: '" +
                               buffer_.substr(0, 200) + "'");
    }
    if (Clock::now() > deadline) throw std::runtime_error("timed out reading");
  }
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return out;
}

Reply RawClient::ReadReply() {
  const auto deadline = Deadline();
  Reply reply;
  for (;;) {
    size_t used = ParseReply(buffer_, reply);
    if (used > 0) {
      buffer_.erase(0, used);
      return reply;
    }
    if (!Fill()) {
      throw std::runtime_error("connection closed before a full reply; got: '" +
                               buffer_.substr(0, 200) + "'");
    }
    if (Clock::now() > deadline) throw std::runtime_error("timed out reading a reply");
  }
}

std::string RawClient::ReadUntilClosed() {
  const auto deadline = Deadline();
  while (Fill()) {
    if (Clock::now() > deadline) throw std::runtime_error("the server kept the connection open");
  }
  std::string out = std::move(buffer_);
  buffer_.clear();
  return out;
}

std::string RawClient::Call(const std::vector<std::string>& args) { return Exec(args).raw; }

Reply RawClient::Exec(const std::vector<std::string>& args) {
  Send(Command(args));
  return ReadReply();
}

}  // namespace kvd::e2e
