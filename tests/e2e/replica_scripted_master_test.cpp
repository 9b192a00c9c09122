// A replica of a scripted master: the test plays the master over a socket, so it decides
// exactly which bytes arrive together (stream commands in the same packet as +CONTINUE or
// right behind the snapshot), which a real master only does by chance. With
// KVD_E2E_SERVER=redis-server the replica is redis-server, which checks the expectations.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

// An empty RDB file: header, EOF opcode, a zero checksum (not checked).
const std::string kEmptyRdb = std::string("REDIS0010\xff", 10) + std::string(8, '\0');
const std::string kReplid = std::string(40, 'a');

// Waits up to kTimeout for fd to be readable; false on timeout.
bool WaitReadable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(kTimeout.count())) == 1;
}

// One connection from the replica, spoken to as its master.
class MasterSide {
 public:
  explicit MasterSide(int fd) : fd_(fd) {}
  ~MasterSide() { ::close(fd_); }
  MasterSide(const MasterSide&) = delete;
  MasterSide& operator=(const MasterSide&) = delete;

  // The replica's next command, as its arguments.
  std::vector<std::string> NextCommand() {
    for (;;) {
      Reply r;
      if (const size_t n = ParseReply(in_, r); n > 0) {
        in_.erase(0, n);
        std::vector<std::string> args;
        for (const Reply& e : r.elements) args.push_back(e.str);
        return args;
      }
      REQUIRE(WaitReadable(fd_));
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      REQUIRE(n > 0);
      in_.append(buf, static_cast<size_t>(n));
    }
  }
  // Answers the handshake (PING, AUTH, REPLCONF) until PSYNC; returns PSYNC's arguments.
  std::vector<std::string> Handshake() {
    for (;;) {
      std::vector<std::string> cmd = NextCommand();
      REQUIRE(!cmd.empty());
      if (cmd[0] == "PSYNC" || cmd[0] == "psync") return cmd;
      Send(cmd[0] == "PING" || cmd[0] == "ping" ? "+PONG\r\n" : "+OK\r\n");
    }
  }
  // Waits for a REPLCONF ACK: the replica is online and has applied what came before.
  void WaitAck() {
    for (;;) {
      std::vector<std::string> cmd = NextCommand();
      if (cmd.size() >= 2 && cmd[1] == "ACK") return;
    }
  }
  // Writes `bytes` with one system call, so that they arrive together.
  void Send(const std::string& bytes) {
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
  }

 private:
  int fd_;
  std::string in_;
};

// A listening loopback socket that replicas connect to.
class ScriptedMaster {
 public:
  ScriptedMaster() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  ~ScriptedMaster() { ::close(fd_); }
  ScriptedMaster(const ScriptedMaster&) = delete;
  ScriptedMaster& operator=(const ScriptedMaster&) = delete;

  int port() const { return port_; }
  // The replica's next connection.
  std::unique_ptr<MasterSide> Accept() {
    REQUIRE(WaitReadable(fd_));
    const int c = ::accept(fd_, nullptr, nullptr);
    REQUIRE(c >= 0);
    return std::make_unique<MasterSide>(c);
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

std::string ReplInfo(RawClient& c, std::string_view field) {
  return InfoField(c, "replication", field);
}

TEST_CASE(
    "replica: stream bytes that arrive with the snapshot or with +CONTINUE are counted read") {
  ScriptedMaster master;
  ServerProcess replica({"--replicaof", "127.0.0.1", std::to_string(master.port())});
  RawClient r(replica.port());

  const std::string set1 = Command({"SET", "k1", "v1"});
  {
    std::unique_ptr<MasterSide> link = master.Accept();
    const std::vector<std::string> psync = link->Handshake();
    CHECK(psync == std::vector<std::string>{"PSYNC", "?", "-1"});
    link->Send("+FULLRESYNC " + kReplid + " 100\r\n$" + std::to_string(kEmptyRdb.size()) + "\r\n" +
               kEmptyRdb + set1);
    link->WaitAck();
    REQUIRE(WaitFor([&] { return r.Call({"GET", "k1"}) == Bulk("v1"); }));
    const std::string after_full = std::to_string(100 + set1.size());
    CHECK(ReplInfo(r, "master_repl_offset") == after_full);
    CHECK(ReplInfo(r, "slave_read_repl_offset") == after_full);
  }  // the link drops: the replica continues where it was

  const std::string set2 = Command({"SET", "k2", "v2"});
  std::unique_ptr<MasterSide> link = master.Accept();
  const std::vector<std::string> psync = link->Handshake();
  CHECK(psync == std::vector<std::string>{"PSYNC", kReplid, std::to_string(101 + set1.size())});
  link->Send("+CONTINUE\r\n" + set2);
  REQUIRE(WaitFor([&] { return r.Call({"GET", "k2"}) == Bulk("v2"); }));
  const std::string after_continue = std::to_string(100 + set1.size() + set2.size());
  CHECK(ReplInfo(r, "master_repl_offset") == after_continue);
  CHECK(ReplInfo(r, "slave_read_repl_offset") == after_continue);
}

}  // namespace
}  // namespace kvd::e2e
