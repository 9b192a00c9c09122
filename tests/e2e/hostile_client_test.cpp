// One server against hostile clients: random bytes, half frames then a disconnect, a 600 MB
// bulk length, a 2^31 array length, deep pipelines whose replies are never read, and
// thousands of connect/disconnect cycles. Meanwhile a well-behaved client's writes and reads
// must keep succeeding, the server's RSS must stay bounded during each attack, and it must
// come back near its baseline afterwards (no leak, no buffer kept).
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

constexpr int64_t kMb = 1024;  // in kB, as /proc reports

int64_t RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmRSS:")) return std::stoll(line.substr(6));
  }
  return -1;
}

// A client that misbehaves: raw socket, no reply parsing, send errors (the server hung up)
// are expected and only reported.
class Hostile {
 public:
  explicit Hostile(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    // Bounds every blocking send: a server that stops reading cannot stall the test.
    timeval tv{static_cast<time_t>(kTimeout.count() / 1000), 0};
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Hostile() { Close(); }
  Hostile(const Hostile&) = delete;
  Hostile& operator=(const Hostile&) = delete;

  // Sends all of `bytes`; false when the server stopped taking them (closed, or no room
  // within the send timeout). `sent` counts what went out.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n =
          send(fd_, bytes.data(), std::min<size_t>(bytes.size(), 1 << 16), MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent_ += static_cast<size_t>(n);
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // What arrives until the server closes the connection; nullopt if it is still open at
  // the deadline.
  std::optional<std::string> ReadUntilClosed(std::chrono::milliseconds timeout = kTimeout) {
    const auto deadline = Clock::now() + timeout;
    std::string got;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[65536];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return got;  // EOF, or a reset after unread input
      got.append(buf, static_cast<size_t>(n));
    }
  }
  // Stops any send blocked in another thread (it fails with EPIPE).
  void Shutdown() { shutdown(fd_, SHUT_RDWR); }
  // Closes with a reset (RST) instead of a FIN, as a crashed client would.
  void Abort() {
    linger l{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    Close();
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  size_t sent() const { return sent_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::atomic<size_t> sent_ = 0;
};

// The well-behaved client: SET then GET of its own keys in a loop on its own thread, each
// reply checked, until stopped. ops() counts round trips that succeeded; the first failure
// ends the loop and is kept.
class PoliteClient {
 public:
  explicit PoliteClient(int port) : client_(port) {
    thread_ = std::thread([this] { Run(); });
  }
  ~PoliteClient() { Stop(); }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int64_t ops() const { return ops_; }
  bool failed() const { return failed_; }
  std::string failure() {
    std::lock_guard lock(mu_);
    return failure_;
  }
  // Waits for `n` more successful round trips: the server is serving others right now.
  bool MakesProgress(int64_t n = 50) {
    const int64_t target = ops_ + n;
    return WaitFor([&] { return ops_ >= target || failed_; }) && !failed_;
  }

 private:
  void Run() {
    try {
      for (int64_t i = 0; !stop_; ++i) {
        const std::string key = "polite:" + std::to_string(i % 1000);
        const std::string value = "value-" + std::to_string(i);
        const std::string set = client_.Call({"SET", key, value});
        if (set != kOk) return Fail("SET " + key + " got " + set);
        const std::string get = client_.Call({"GET", key});
        if (get != Bulk(value)) return Fail("GET " + key + " got " + get);
        ++ops_;
      }
    } catch (const std::exception& e) {
      Fail(e.what());
    }
  }
  void Fail(std::string what) {
    std::lock_guard lock(mu_);
    failure_ = std::move(what);
    failed_ = true;
  }

  RawClient client_;
  std::thread thread_;
  std::atomic<bool> stop_ = false;
  std::atomic<bool> failed_ = false;
  std::atomic<int64_t> ops_ = 0;
  std::mutex mu_;
  std::string failure_;
};

int64_t InfoInt(RawClient& c, std::string_view section, std::string_view field) {
  const Reply r = c.Exec({"INFO", std::string(section)});
  REQUIRE(r.type == '$');
  return std::stoll(InfoField(r.str, field).value_or("-1"));
}

// Waits until only the `expected` known clients are connected (the server noticed every
// hostile client's disconnect).
bool OnlyClients(RawClient& observer, int64_t expected) {
  return WaitFor([&] { return InfoInt(observer, "clients", "connected_clients") == expected; });
}

// The largest qbuf (bytes received and not yet executed) in CLIENT LIST.
int64_t LargestQueryBuffer(RawClient& observer) {
  int64_t largest = 0;
  for (const std::string& line : Lines(observer.Exec({"CLIENT", "LIST"}).str)) {
    const size_t at = line.find(" qbuf=");
    if (at == std::string::npos) continue;
    largest = std::max<int64_t>(largest, std::stoll(line.substr(at + 6)));
  }
  return largest;
}

// Starts the server under test; under AddressSanitizer without a quarantine, so freed memory
// is reused and returned as a normal build would.
std::unique_ptr<ServerProcess> StartServer() {
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string saved = asan ? asan : "";
  setenv("ASAN_OPTIONS", (saved + ":quarantine_size_mb=0").c_str(), 1);
  auto server = std::make_unique<ServerProcess>();
  setenv("ASAN_OPTIONS", saved.c_str(), 1);
  if (!asan) unsetenv("ASAN_OPTIONS");
  return server;
}

// The peak RSS seen while `polite` makes `ops` round trips (the attack going on meanwhile).
int64_t PeakRssWhile(pid_t pid, PoliteClient& polite, int64_t ops) {
  int64_t peak = RssKb(pid);
  const int64_t target = polite.ops() + ops;
  WaitFor([&] {
    peak = std::max(peak, RssKb(pid));
    return polite.ops() >= target || polite.failed();
  });
  return peak;
}

void RandomBytes(int port, std::mt19937& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<size_t> length(1, 64 * 1024);
  for (int i = 0; i < 200; ++i) {
    std::string junk(length(rng), '\0');
    for (char& c : junk) c = static_cast<char>(byte(rng));
    // A quarter start as a multibulk frame would, to get past the first byte's check.
    if (i % 4 == 0) junk.insert(0, "*" + std::to_string(byte(rng) % 8) + "\r\n$");
    Hostile h(port);
    h.Send(junk);
    if (i % 2 == 0) h.Abort();
  }
}

void HalfFrames(int port) {
  const std::vector<std::string> halves = {
      "*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$5\r\nval",
      "*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$1000000\r\n" + std::string(300 * 1024, 'h'),
      "*2\r\n$3\r\nGE",
      "*2\r\n",
      "*",
      "SET half inline-without-newline",
      "*1\r\n$4\r\nPING\r",
  };
  std::vector<std::unique_ptr<Hostile>> open;
  for (int i = 0; i < 300; ++i) {
    open.push_back(std::make_unique<Hostile>(port));
    open.back()->Send(halves[i % halves.size()]);
  }
  for (size_t i = 0; i < open.size(); ++i) {
    if (i % 2) open[i]->Abort();
  }
  open.clear();
}

// A third close at once, a third after a PING and its reply, a third reset right after
// sending a PING.
void ConnectCycles(int port, int n) {
  for (int i = 0; i < n; ++i) {
    Hostile h(port);
    if (i % 3 == 1) {
      h.Send("PING\r\n");
      char buf[7];
      REQUIRE(recv(h.fd(), buf, sizeof buf, MSG_WAITALL) == 7);
      REQUIRE(std::string_view(buf, 7) == "+PONG\r\n");
    } else if (i % 3 == 2) {
      h.Send("PING\r\n");
      h.Abort();
    }
  }
}

TEST_CASE("hostile clients: the server survives, keeps serving and returns to its RSS") {
  auto server = StartServer();
  const int port = server->port();
  const pid_t pid = server->pid();
  RawClient observer(port);
  PoliteClient polite(port);
  REQUIRE(polite.MakesProgress(200));
  const int64_t baseline = RssKb(pid);
  REQUIRE(baseline > 0);
  MESSAGE("RSS baseline: ", baseline, " kB");
  std::mt19937 rng(20261126);

  // Random bytes, 1 byte to 64 kB per connection, closed or reset without reading.
  RandomBytes(port, rng);
  CHECK(polite.MakesProgress());
  CHECK(OnlyClients(observer, 2));

  // Half frames, 300 at once, then disconnects: nothing of them runs.
  HalfFrames(port);
  CHECK(OnlyClients(observer, 2));
  CHECK(observer.Call({"EXISTS", "half"}) == Int(0));
  CHECK(polite.MakesProgress());

  // A 600 MB bulk length over proto-max-bulk-len (512 MB): Redis's error, then the close.
  {
    Hostile h(port);
    h.Send("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$629145600\r\n");
    CHECK(h.ReadUntilClosed() == "-ERR Protocol error: invalid bulk length\r\n");
  }
  // Under the limit it is accepted, but memory follows the bytes that arrive, not the
  // announced length.
  CHECK(observer.Call({"CONFIG", "SET", "proto-max-bulk-len", "1gb"}) == kOk);
  {
    Hostile h(port);
    CHECK(h.Send("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$629145600\r\n" + std::string(8 << 20, 'b')));
    CHECK(WaitFor([&] { return LargestQueryBuffer(observer) >= (8 << 20); }));
    const int64_t peak = PeakRssWhile(pid, polite, 100);
    MESSAGE("RSS with 8 MB of a 600 MB bulk received: ", peak, " kB");
    CHECK(peak - baseline < 100 * kMb);
    CHECK(h.ReadUntilClosed(100ms) == std::nullopt);  // still waiting for the rest
  }
  CHECK(observer.Call({"CONFIG", "SET", "proto-max-bulk-len", "512mb"}) == kOk);
  CHECK(observer.Call({"EXISTS", "big"}) == Int(0));
  CHECK(polite.MakesProgress());

  // A 2^31 array length.
  {
    Hostile h(port);
    h.Send("*2147483648\r\n");
    CHECK(h.ReadUntilClosed() == "-ERR Protocol error: invalid multibulk length\r\n");
  }
  CHECK(polite.MakesProgress());

  // 200k small commands (100k SET, 100k PING, in database 1) in one pipeline whose replies
  // are never read: the server runs them in order as long as it has room for the replies,
  // its memory stays bounded, and the client vanishes with its replies unread.
  {
    std::string flood = Command({"SELECT", "1"});
    for (int i = 0; i < 100000; ++i) {
      flood += Command({"SET", "flood:" + std::to_string(i), "v"});
      flood += "*1\r\n$4\r\nPING\r\n";
    }
    Hostile h(port);
    std::thread writer([&] { h.Send(flood); });
    CHECK(WaitFor([&] { return Contains(observer.Call({"INFO", "keyspace"}), "db1:keys="); }));
    const int64_t peak = PeakRssWhile(pid, polite, 300);
    MESSAGE("RSS with a 200k-command pipeline unread: ", peak, " kB; ", h.sent(), " of ",
            flood.size(), " bytes sent");
    CHECK(peak - baseline < 100 * kMb);
    h.Shutdown();
    writer.join();
    h.Close();
    CHECK(observer.Call({"SELECT", "1"}) == kOk);
    const int64_t ran = observer.Exec({"DBSIZE"}).integer;
    CHECK(ran > 0);
    // In order: the last key written is there, so is every one before it.
    CHECK(observer.Call({"EXISTS", "flood:0", "flood:" + std::to_string(ran - 1)}) == Int(2));
    CHECK(observer.Call({"FLUSHDB"}) == kOk);
    CHECK(observer.Call({"SELECT", "0"}) == kOk);
  }
  CHECK(OnlyClients(observer, 2));
  CHECK(polite.MakesProgress());

  // 20k GETs of a 64 kB value (1.3 GB of replies) never read: the server stops reading from
  // that client (kvd's backpressure) or drops it at its output buffer limit (Redis), and its
  // memory stays bounded either way.
  CHECK(observer.Call({"CONFIG", "SET", "client-output-buffer-limit", "normal 64mb 32mb 10"}) ==
        kOk);
  CHECK(observer.Call({"SET", "big64k", std::string(64 * 1024, 'x')}) == kOk);
  {
    std::string flood;
    for (int i = 0; i < 20000; ++i) flood += "*2\r\n$3\r\nGET\r\n$6\r\nbig64k\r\n";
    Hostile h(port);
    std::thread writer([&] { h.Send(flood); });
    const int64_t peak = PeakRssWhile(pid, polite, 500);
    MESSAGE("RSS with 1.3 GB of replies unread: ", peak, " kB");
    CHECK(peak - baseline < 150 * kMb);
    h.Shutdown();
    writer.join();
  }
  CHECK(observer.Call({"CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0"}) == kOk);
  CHECK(OnlyClients(observer, 2));
  CHECK(polite.MakesProgress());

  // 3000 connect/disconnect cycles, twice: the second round must not add to what the first
  // left (a per-connection leak would: even 1.5 kB each shows).
  const int64_t connections_before = InfoInt(observer, "stats", "total_connections_received");
  ConnectCycles(port, 3000);
  CHECK(OnlyClients(observer, 2));
  CHECK(polite.MakesProgress());
  const int64_t after_first = RssKb(pid);
  ConnectCycles(port, 3000);
  CHECK(OnlyClients(observer, 2));
  CHECK(polite.MakesProgress());
  const int64_t after_second = RssKb(pid);
  MESSAGE("RSS after 3000 connections: ", after_first, " kB, after 3000 more: ", after_second,
          " kB");
  CHECK(after_second - after_first < 4 * kMb);
  // Redis does not count a connection closed before it was accepted.
  CHECK(InfoInt(observer, "stats", "total_connections_received") - connections_before >= 4000);

  // Afterwards: everything the attacks took is given back.
  int64_t rss = 0;
  const bool settled = WaitFor([&] {
    rss = RssKb(pid);
    return rss - baseline < 24 * kMb;
  });
  MESSAGE("RSS after the attacks: ", rss, " kB (baseline ", baseline, " kB)");
  CHECK(settled);
  polite.Stop();
  CHECK_MESSAGE(!polite.failed(), polite.failure());
  CHECK(observer.Call({"PING"}) == "+PONG\r\n");
}

}  // namespace
}  // namespace kvd::e2e
