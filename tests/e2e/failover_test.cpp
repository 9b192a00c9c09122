// FAILOVER end to end: a master hands its role to a replica (the one named, or the first to
// catch up) while writes wait, and continues as that replica's replica with a partial sync;
// ABORT, TIMEOUT and FORCE; either side may be redis-server. With KVD_E2E_SERVER=redis-server
// every server is redis-server, which checks the expectations.
#include <doctest/doctest.h>
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kRedisServer = "/usr/bin/redis-server";

std::string Repl(RawClient& c, std::string_view field) {
  return InfoField(c, "replication", field);
}

// A replica of `master`, started with `replicaof`, caught up and online (a master that sent a
// diskless snapshot counts its replica online from its first acknowledgement) before it is
// returned.
std::unique_ptr<ServerProcess> StartReplica(const ServerProcess& master, RawClient& m,
                                            const std::string& binary = {}) {
  auto replica = std::make_unique<ServerProcess>(
      std::vector<std::string>{"--replicaof", "127.0.0.1", std::to_string(master.port())},
      ServerOptions{.binary = binary});
  RawClient r(replica->port());
  const std::string online = "port=" + std::to_string(replica->port()) + ",state=online";
  REQUIRE(WaitFor([&] {
    return ReplicaCaughtUp(m, r) && Contains(m.Exec({"INFO", "replication"}).str, online);
  }));
  return replica;
}

// The client is held by a pause, on `command`.
bool HeldOn(RawClient& admin, int64_t id, std::string_view command) {
  const std::string line = admin.Exec({"CLIENT", "LIST", "ID", std::to_string(id)}).str;
  return Contains(line, " flags=b ") && Contains(line, " cmd=" + std::string(command) + " ");
}

// The old master `m` follows `target` now, caught up, with the whole history; `partial`:
// without a full sync (their streams ended at the same offset).
void CheckHandedOver(ServerProcess& old_master, RawClient& m, RawClient& t, bool partial = true) {
  REQUIRE(WaitFor([&] { return Repl(m, "role") == "slave" && ReplicaCaughtUp(t, m); }));
  CHECK(Repl(t, "role") == "master");
  CHECK(Repl(m, "master_failover_state") == "no-failover");
  if (partial) {
    CHECK(WaitFor([&] {
      return Contains(old_master.Log(), "Successful partial resynchronization with master.");
    }));
    CHECK(!Contains(old_master.Log(), "Full resync from master"));
  }
  CHECK(m.Call({"SET", "x", "1"}) == Err("READONLY You can't write against a read only replica."));
}

TEST_CASE("FAILOVER: argument and state errors, as Redis") {
  ServerProcess master;
  RawClient m(master.port());
  CHECK(m.Call({"FAILOVER"}) == Err("ERR FAILOVER requires connected replicas."));
  CHECK(m.Call({"FAILOVER", "ABORT"}) == Err("ERR No failover in progress."));
  CHECK(m.Call({"FAILOVER", "ABORT", "FORCE"}) == Err("ERR syntax error"));
  CHECK(m.Call({"FAILOVER", "BOGUS"}) == Err("ERR syntax error"));
  CHECK(m.Call({"FAILOVER", "TIMEOUT", "0"}) == Err("ERR FAILOVER timeout must be greater than 0"));
  CHECK(m.Call({"FAILOVER", "TIMEOUT", "x"}) == Err("ERR value is not an integer or out of range"));
  CHECK(m.Call({"FAILOVER", "TIMEOUT", "10", "TIMEOUT", "10"}) == Err("ERR syntax error"));
  CHECK(m.Call({"FAILOVER", "TO", "127.0.0.1", "x"}) ==
        Err("ERR value is not an integer or out of range"));

  auto replica = StartReplica(master, m);
  RawClient r(replica->port());
  const std::string port = std::to_string(replica->port());
  CHECK(m.Call({"FAILOVER", "FORCE"}) ==
        Err("ERR FAILOVER with force option requires both a timeout and target HOST and IP."));
  CHECK(m.Call({"FAILOVER", "TO", "127.0.0.1", port, "FORCE"}) ==
        Err("ERR FAILOVER with force option requires both a timeout and target HOST and IP."));
  CHECK(m.Call({"FAILOVER", "TO", "127.0.0.1", "1"}) ==
        Err("ERR FAILOVER target HOST and PORT is not a replica."));
  CHECK(r.Call({"FAILOVER"}) == Err("ERR FAILOVER is not valid when server is a replica."));
  CHECK(Repl(m, "master_failover_state") == "no-failover");
  CHECK(Repl(m, "role") == "master");
}

TEST_CASE("FAILOVER TO a replica: it takes over, the old master follows it partially") {
  ServerProcess master;
  RawClient m(master.port());
  REQUIRE(m.Call({"SET", "before", "1"}) == kOk);
  REQUIRE(m.Call({"SELECT", "2"}) == kOk);
  REQUIRE(m.Call({"RPUSH", "list", "a", "b"}) == Int(2));
  REQUIRE(m.Call({"SELECT", "0"}) == kOk);
  auto target = StartReplica(master, m);
  auto other = StartReplica(master, m);
  RawClient t(target->port()), o(other->port());

  CHECK(m.Call({"FAILOVER", "TO", "127.0.0.1", std::to_string(target->port())}) == kOk);
  CHECK(m.Call({"FAILOVER"}) == Err("ERR FAILOVER already in progress."));
  CheckHandedOver(master, m, t);
  CHECK(
      Contains(master.Log(), "FAILOVER requested to 127.0.0.1:" + std::to_string(target->port())));
  CHECK(Contains(master.Log(), "Failover target 127.0.0.1:" + std::to_string(target->port()) +
                                   " is synced, failing over."));
  CHECK(WaitFor([&] { return Contains(target->Log(), "MASTER MODE enabled (failover request"); }));

  // Writes on the new master reach the old one and, through it, the other replica.
  REQUIRE(t.Call({"SELECT", "2"}) == kOk);
  CHECK(t.Call({"RPUSH", "list", "c"}) == Int(3));
  REQUIRE(WaitFor([&] { return ReplicaCaughtUp(t, m) && ReplicaCaughtUp(m, o); }));
  for (RawClient* c : {&m, &o}) {
    CHECK(c->Call({"GET", "before"}) == Bulk("1"));
    REQUIRE(c->Call({"SELECT", "2"}) == kOk);
    CHECK(c->Call({"LRANGE", "list", "0", "-1"}) == Arr({Bulk("a"), Bulk("b"), Bulk("c")}));
    REQUIRE(c->Call({"SELECT", "0"}) == kOk);
  }
}

TEST_CASE("FAILOVER to any replica; a write sent meanwhile waits, then gets READONLY") {
  ServerProcess master;
  RawClient m(master.port()), writer(master.port());
  const int64_t writer_id = writer.Exec({"CLIENT", "ID"}).integer;
  auto replica = StartReplica(master, m);
  RawClient r(replica->port());
  // Stopped, the replica cannot acknowledge the write that follows: the failover waits, and
  // so does the next write.
  REQUIRE(::kill(replica->pid(), SIGSTOP) == 0);
  REQUIRE(m.Call({"SET", "lag", "1"}) == kOk);
  CHECK(m.Call({"FAILOVER"}) == kOk);
  CHECK(Repl(m, "master_failover_state") == "waiting-for-sync");
  writer.Send(Command({"SET", "k", "v"}));
  CHECK(WaitFor([&] { return HeldOn(m, writer_id, "set"); }));
  CHECK(m.Call({"GET", "k"}) == kNil);  // reads go on
  REQUIRE(::kill(replica->pid(), SIGCONT) == 0);
  CheckHandedOver(master, m, r);
  CHECK(writer.ReadReply().raw == Err("READONLY You can't write against a read only replica."));
}

TEST_CASE("FAILOVER ABORT, and a TIMEOUT without FORCE, give up; the held writes then run") {
  ServerProcess master;
  RawClient m(master.port()), writer(master.port());
  const int64_t writer_id = writer.Exec({"CLIENT", "ID"}).integer;
  auto replica = StartReplica(master, m);
  const std::string port = std::to_string(replica->port());
  REQUIRE(::kill(replica->pid(), SIGSTOP) == 0);
  REQUIRE(m.Call({"SET", "lag", "1"}) == kOk);  // what the stopped replica cannot acknowledge

  CHECK(m.Call({"FAILOVER", "TO", "127.0.0.1", port}) == kOk);
  writer.Send(Command({"SET", "k", "1"}));
  CHECK(WaitFor([&] { return HeldOn(m, writer_id, "set"); }));
  CHECK(m.Call({"CLIENT", "UNPAUSE"}) == kOk);  // not the failover's pause
  CHECK(HeldOn(m, writer_id, "set"));
  CHECK(m.Call({"REPLICAOF", "NO", "ONE"}) == Err("ERR REPLICAOF not allowed while failing over."));
  CHECK(m.Call({"FAILOVER", "ABORT"}) == kOk);
  CHECK(writer.ReadReply().raw == kOk);
  CHECK(Repl(m, "master_failover_state") == "no-failover");
  CHECK(Contains(master.Log(),
                 "FAILOVER to 127.0.0.1:" + port + " aborted: Failover manually aborted"));

  CHECK(m.Call({"FAILOVER", "TO", "127.0.0.1", port, "TIMEOUT", "200"}) == kOk);
  writer.Send(Command({"SET", "k", "2"}));
  CHECK(WaitFor(
      [&] { return Contains(master.Log(), "aborted: Replica never caught up before timeout"); }));
  CHECK(writer.ReadReply().raw == kOk);
  CHECK(m.Call({"GET", "k"}) == Bulk("2"));
  CHECK(Repl(m, "role") == "master");
  REQUIRE(::kill(replica->pid(), SIGCONT) == 0);
}

TEST_CASE("FAILOVER FORCE hands over at the timeout even to a lagging replica") {
  ServerProcess master;
  RawClient m(master.port());
  auto replica = StartReplica(master, m);
  RawClient r(replica->port());
  const std::string port = std::to_string(replica->port());
  REQUIRE(::kill(replica->pid(), SIGSTOP) == 0);
  REQUIRE(m.Call({"SET", "lag", "1"}) == kOk);  // the replica will never have it
  CHECK(m.Call({"FAILOVER", "TO", "127.0.0.1", port, "TIMEOUT", "200", "FORCE"}) == kOk);
  CHECK(WaitFor([&] {
    return Contains(master.Log(),
                    "FAILOVER to 127.0.0.1:" + port + " time out exceeded, failing over.");
  }));
  CHECK(Repl(m, "master_failover_state") == "failover-in-progress");
  REQUIRE(::kill(replica->pid(), SIGCONT) == 0);
  // Whether the replica read the last write before its link was cut depends on its socket
  // buffer: the old master continues partially or syncs in full, and ends with its data.
  CheckHandedOver(master, m, r, /*partial=*/false);
  CHECK(m.Call({"EXISTS", "lag"}) == r.Call({"EXISTS", "lag"}));
}

TEST_CASE("FAILOVER between kvd and redis-server, both ways") {
  if (!TestingKvd()) return;
  {  // A kvd master hands over to a redis-server replica.
    ServerProcess master;
    RawClient m(master.port());
    REQUIRE(m.Call({"SET", "k", "kvd"}) == kOk);
    auto replica = StartReplica(master, m, kRedisServer);
    RawClient r(replica->port());
    CHECK(m.Call({"FAILOVER"}) == kOk);
    CheckHandedOver(master, m, r);
    CHECK(r.Call({"SET", "k2", "redis"}) == kOk);
    REQUIRE(WaitFor([&] { return ReplicaCaughtUp(r, m); }));
    CHECK(m.Call({"MGET", "k", "k2"}) == Arr({Bulk("kvd"), Bulk("redis")}));
  }
  {  // A redis-server master hands over to a kvd replica.
    ServerProcess master({"--repl-diskless-sync-delay", "0"},
                         ServerOptions{.binary = kRedisServer});
    RawClient m(master.port());
    REQUIRE(m.Call({"SET", "k", "redis"}) == kOk);
    auto replica = StartReplica(master, m);
    RawClient r(replica->port());
    CHECK(m.Call({"FAILOVER"}) == kOk);
    CheckHandedOver(master, m, r);
    CHECK(Contains(replica->Log(), "MASTER MODE enabled (failover request"));
    CHECK(r.Call({"SET", "k2", "kvd"}) == kOk);
    REQUIRE(WaitFor([&] { return ReplicaCaughtUp(r, m); }));
    CHECK(m.Call({"MGET", "k", "k2"}) == Arr({Bulk("redis"), Bulk("kvd")}));
  }
}

}  // namespace
}  // namespace kvd::e2e
