#pragma once
// A TCP connection used synchronously, each wait bounded by a timeout: MIGRATE talks to its
// target this way and holds the store meanwhile, as Redis's syncWrite and syncReadLine do.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kvd {

enum class IoStatus { kOk, kError, kTimeout };

// Waits until the descriptor is ready for `events` (POLLIN, POLLOUT); a negative timeout_ms
// waits as long as it takes.
IoStatus WaitReady(int fd, short events, int64_t timeout_ms);
// Writes all of `data` to a socket without blocking in send, each wait for room bounded by
// timeout_ms (the Lua debugger writes to a client's socket this way too).
IoStatus WriteAll(int fd, std::string_view data, int64_t timeout_ms);

class BlockingSocket {
 public:
  // Resolves `host` (a name or an address) and starts a non-blocking connect to the first
  // address that accepts one; null when none does. Whether the connection succeeds shows at
  // the first write, as with Redis's connBlockingConnect.
  static std::unique_ptr<BlockingSocket> Connect(const std::string& host, uint16_t port);
  ~BlockingSocket();
  BlockingSocket(const BlockingSocket&) = delete;
  BlockingSocket& operator=(const BlockingSocket&) = delete;

  // Writes all of `data`; each wait for the socket lasts at most timeout_ms.
  IoStatus Write(std::string_view data, int64_t timeout_ms);
  // Reads one line, without its "\r\n", into `line`; each wait lasts at most timeout_ms. A
  // line longer than kMaxLine is an error.
  IoStatus ReadLine(std::string& line, int64_t timeout_ms);

  static constexpr size_t kMaxLine = 64 * 1024;

 private:
  explicit BlockingSocket(int fd) : fd_(fd) {}

  int fd_;
  std::string in_;  // received, not yet returned as a line
};

}  // namespace kvd
