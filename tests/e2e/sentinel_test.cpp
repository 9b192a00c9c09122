// Redis Sentinel (redis-server --sentinel, 7.0) watches a kvd master: it finds the master's
// replicas through INFO replication, talks to it over pub/sub, and when the master dies it
// promotes a replica and points the others at it.
#include <csignal>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kRedisServer = "/usr/bin/redis-server";

// SENTINEL GET-MASTER-ADDR-BY-NAME's port.
std::string MasterPort(RawClient& sentinel) {
  const Reply addr = sentinel.Exec({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "kvd"});
  return addr.elements.size() == 2 ? addr.elements[1].Text() : "";
}

ServerProcess StartSentinel(const TempDir& dir, int master_port) {
  const std::string conf = dir.Write(
      "sentinel.conf", "sentinel monitor kvd 127.0.0.1 " + std::to_string(master_port) +
                           " 1\n"
                           "sentinel down-after-milliseconds kvd 500\n"
                           "sentinel failover-timeout kvd 10000\n");
  return ServerProcess({conf, "--sentinel"}, {.binary = kRedisServer, .ready_line = "+monitor"});
}

TEST_CASE("Sentinel finds a kvd master's replicas and fails over when it dies") {
  if (!TestingKvd()) return;
  ServerProcess master;
  RawClient m(master.port());
  REQUIRE(m.Call({"SET", "k", "v"}) == kOk);
  ServerProcess replica({"--replicaof", "127.0.0.1", std::to_string(master.port())},
                        {.binary = kRedisServer});
  RawClient r(replica.port());
  REQUIRE(WaitFor([&] { return InfoField(r, "replication", "master_link_status") == "up"; }));

  TempDir dir;
  ServerProcess sentinel = StartSentinel(dir, master.port());
  RawClient s(sentinel.port());
  CHECK(MasterPort(s) == std::to_string(master.port()));
  // Sentinel learns of the replica from the master's INFO.
  REQUIRE(WaitFor([&] {
    const Reply replicas = s.Exec({"SENTINEL", "REPLICAS", "kvd"});
    return replicas.elements.size() == 1 &&
           replicas.elements[0].Field("port") != nullptr &&
           replicas.elements[0].Field("port")->Text() == std::to_string(replica.port());
  }));
  CHECK(s.Exec({"SENTINEL", "MASTER", "kvd"}).Field("flags")->Text() == "master");

  master.Stop(SIGKILL);
  REQUIRE(WaitFor([&] { return MasterPort(s) == std::to_string(replica.port()); }));
  // The promotion closed the replica's clients (CLIENT KILL TYPE normal): a new one.
  RawClient promoted(replica.port());
  REQUIRE(WaitFor([&] { return InfoField(promoted, "replication", "role") == "master"; }));
  CHECK(promoted.Call({"GET", "k"}) == Bulk("v"));
  CHECK(promoted.Call({"SET", "k", "w"}) == kOk);
}

}  // namespace
}  // namespace kvd::e2e
