// kvd as a replica (server/net/master_link.h) of a redis-server 7 master: the full sync (the
// diskless, EOF-marked payload Redis 7 sends by default), the stream applied as it comes,
// writes refused with READONLY, expired keys kept until the master deletes them, a lost link
// continued with +CONTINUE, REPLICAOF NO ONE, and `replicaof` in the config. Every wait polls
// for the condition (INFO, a key), never a fixed sleep. With KVD_E2E_SERVER=redis-server the
// replica is redis-server too, which checks the expectations.
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <string>
#include <vector>

#include "e2e/free_port.h"
#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kRedisServer = "/usr/bin/redis-server";

// A redis-server master; `extra` are more of its options.
// Diskless (the EOF-marked payload), with no delay before the transfer.
ServerProcess StartMaster(std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--appendonly", "no", "--repl-diskless-sync-delay", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return ServerProcess(args, ServerOptions{.binary = kRedisServer});
}

// The value of `field` in INFO replication ("" when absent).
std::string InfoField(RawClient& c, std::string_view field) {
  return InfoField(c, "replication", field);
}

bool LinkUp(RawClient& replica) { return InfoField(replica, "master_link_status") == "up"; }

bool CaughtUp(RawClient& master, RawClient& replica) { return ReplicaCaughtUp(master, replica); }

std::vector<std::string> Sorted(const Reply& r) {
  std::vector<std::string> out;
  for (const Reply& e : r.elements) out.push_back(e.str);
  std::sort(out.begin(), out.end());
  return out;
}

// One key of every type, two of them with a TTL, in databases 0 and 3.
void WriteDataset(RawClient& m) {
  REQUIRE(m.Call({"SET", "str", "hello"}) == kOk);
  REQUIRE(m.Call({"SET", "ttl", "v", "PX", "3600000"}) == kOk);
  REQUIRE(m.Call({"RPUSH", "list", "a", "b", "c"}) == Int(3));
  REQUIRE(m.Call({"HSET", "hash", "f1", "v1", "f2", "v2"}) == Int(2));
  REQUIRE(m.Call({"SADD", "set", "x", "y", "z"}) == Int(3));
  REQUIRE(m.Call({"ZADD", "zset", "1", "one", "2", "two"}) == Int(2));
  REQUIRE(m.Call({"XADD", "stream", "1-1", "f", "v"}) == Bulk("1-1"));
  REQUIRE(m.Call({"PFADD", "hll", "a", "b"}) == Int(1));
  REQUIRE(m.Call({"EXPIRE", "hash", "3600"}) == Int(1));
  REQUIRE(m.Call({"SELECT", "3"}) == kOk);
  REQUIRE(m.Call({"SET", "in3", "three"}) == kOk);
  REQUIRE(m.Call({"SELECT", "0"}) == kOk);
}

void CheckDataset(RawClient& r) {
  CHECK(r.Call({"GET", "str"}) == Bulk("hello"));
  const Reply ttl = r.Exec({"PTTL", "ttl"});
  CHECK(ttl.integer > 3'000'000);
  CHECK(r.Call({"LRANGE", "list", "0", "-1"}) == Arr({Bulk("a"), Bulk("b"), Bulk("c")}));
  CHECK(r.Call({"HGET", "hash", "f2"}) == Bulk("v2"));
  CHECK(r.Exec({"TTL", "hash"}).integer > 3000);
  CHECK(Sorted(r.Exec({"SMEMBERS", "set"})) == std::vector<std::string>{"x", "y", "z"});
  CHECK(r.Call({"ZRANGE", "zset", "0", "-1", "WITHSCORES"}) ==
        Arr({Bulk("one"), Bulk("1"), Bulk("two"), Bulk("2")}));
  CHECK(r.Call({"XLEN", "stream"}) == Int(1));
  CHECK(r.Call({"PFCOUNT", "hll"}) == Int(2));
  CHECK(r.Call({"SELECT", "3"}) == kOk);
  CHECK(r.Call({"GET", "in3"}) == Bulk("three"));
  CHECK(r.Call({"SELECT", "0"}) == kOk);
}

TEST_CASE("replica: full sync from a redis-server master, then its stream; READONLY; NO ONE") {
  ServerProcess master = StartMaster();
  RawClient m(master.port());
  WriteDataset(m);

  ServerProcess replica;
  RawClient r(replica.port());
  CHECK(r.Call({"SET", "mine", "goes"}) == kOk);  // replaced by the master's data
  CHECK(r.Call({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) == kOk);
  CHECK(r.Call({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) ==
        "+OK Already connected to specified master\r\n");
  REQUIRE(WaitFor([&] { return LinkUp(r); }));
  CheckDataset(r);
  CHECK(r.Call({"EXISTS", "mine"}) == Int(0));
  const std::string log = replica.Log();
  CHECK(Contains(log, "Connecting to MASTER 127.0.0.1:" + std::to_string(master.port())));
  CHECK(Contains(log, "MASTER <-> REPLICA sync started"));
  CHECK(Contains(log, "Full resync from master: "));
  CHECK(Contains(log, "MASTER <-> REPLICA sync: Finished with success"));
  CHECK(InfoField(r, "role") == "slave");

  // The stream: plain writes, a transaction, another database, a deletion.
  CHECK(m.Call({"INCR", "counter"}) == Int(1));
  CHECK(m.Call({"LPUSH", "list", "z"}) == Int(4));
  CHECK(m.Call({"DEL", "str"}) == Int(1));
  CHECK(m.Call({"MULTI"}) == kOk);
  CHECK(m.Call({"SET", "tx1", "a"}) == "+QUEUED\r\n");
  CHECK(m.Call({"SET", "tx2", "b"}) == "+QUEUED\r\n");
  CHECK(m.Exec({"EXEC"}).elements.size() == 2);
  CHECK(m.Call({"SELECT", "5"}) == kOk);
  CHECK(m.Call({"SET", "in5", "five"}) == kOk);
  REQUIRE(WaitFor([&] { return CaughtUp(m, r); }));
  CHECK(r.Call({"GET", "counter"}) == Bulk("1"));
  CHECK(r.Call({"LINDEX", "list", "0"}) == Bulk("z"));
  CHECK(r.Call({"EXISTS", "str"}) == Int(0));
  CHECK(r.Call({"MGET", "tx1", "tx2"}) == Arr({Bulk("a"), Bulk("b")}));
  CHECK(r.Call({"SELECT", "5"}) == kOk);
  CHECK(r.Call({"GET", "in5"}) == Bulk("five"));
  // The master's bytes (snapshot and stream) count apart from the clients' input.
  const long long applied = std::stoll(InfoField(r, "slave_repl_offset"));
  const long long repl_in = std::stoll(e2e::InfoField(r, "stats", "total_net_repl_input_bytes"));
  CHECK(repl_in > applied);

  // A read-only replica: clients' writes are refused, reads served.
  CHECK(r.Call({"SET", "x", "1"}) == Err("READONLY You can't write against a read only replica."));
  CHECK(r.Call({"CONFIG", "SET", "replica-read-only", "no"}) == kOk);
  CHECK(r.Call({"SET", "x", "1"}) == kOk);
  CHECK(r.Call({"CONFIG", "SET", "replica-read-only", "yes"}) == kOk);
  // The master's client is listed with flag M.
  CHECK(Contains(r.Exec({"CLIENT", "LIST"}).str, "flags=M"));

  // REPLICAOF NO ONE: the data stays, writes are accepted, the old replid is replid2.
  const std::string replid = InfoField(r, "master_replid");
  CHECK(r.Call({"REPLICAOF", "NO", "ONE"}) == kOk);
  CHECK(InfoField(r, "role") == "master");
  CHECK(InfoField(r, "master_replid2") == replid);
  CHECK(r.Call({"SET", "x", "2"}) == kOk);
  CHECK(r.Call({"GET", "in5"}) == Bulk("five"));
  CHECK(r.Call({"REPLICAOF", "NO", "ONE"}) == kOk);
  CHECK(r.Call({"REPLICAOF", "127.0.0.1", "70000"}) == Err("ERR Invalid master port"));
}

TEST_CASE("replica: keys expire when the master says so; reads hide them meanwhile") {
  // The master expires keys only when they are read there, so the test decides when.
  ServerProcess master = StartMaster({"--enable-debug-command", "yes"});
  RawClient m(master.port());
  CHECK(m.Call({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}) == kOk);
  ServerProcess replica;
  RawClient r(replica.port());
  CHECK(r.Call({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) == kOk);
  REQUIRE(WaitFor([&] { return LinkUp(r); }));
  CHECK(m.Call({"SET", "short", "v", "PX", "1500"}) == kOk);
  CHECK(m.Call({"SET", "keep", "v"}) == kOk);
  REQUIRE(WaitFor([&] { return CaughtUp(m, r); }));
  CHECK(r.Call({"GET", "short"}) == Bulk("v"));
  // Past its time the replica's clients no longer see it, but it is still there.
  REQUIRE(WaitFor([&] { return r.Call({"GET", "short"}) == kNil; }));
  CHECK(r.Call({"EXISTS", "short"}) == Int(0));
  CHECK(r.Call({"DBSIZE"}) == Int(2));
  // A read on the master expires it there: its DEL reaches the replica. (Redis counts a key
  // expired once its time has passed, kvd from that very millisecond: ask until it has.)
  CHECK(WaitFor([&] { return m.Call({"GET", "short"}) == kNil; }));
  REQUIRE(WaitFor([&] { return r.Call({"DBSIZE"}) == Int(1); }));
  CHECK(r.Call({"GET", "keep"}) == Bulk("v"));
}

TEST_CASE("replica: a writable replica expires the keys its own clients gave a TTL") {
  ServerProcess master = StartMaster({"--enable-debug-command", "yes"});
  RawClient m(master.port());
  CHECK(m.Call({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}) == kOk);  // the master's keys stay
  ServerProcess replica;
  RawClient r(replica.port());
  CHECK(r.Call({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) == kOk);
  REQUIRE(WaitFor([&] { return LinkUp(r); }));
  CHECK(m.Call({"SET", "master:short", "v", "PX", "100"}) == kOk);
  REQUIRE(WaitFor([&] { return CaughtUp(m, r); }));
  CHECK(r.Call({"CONFIG", "SET", "replica-read-only", "no"}) == kOk);
  CHECK(r.Call({"SET", "own:short", "v", "PX", "100"}) == kOk);
  CHECK(r.Call({"SET", "own:long", "v", "EX", "1000"}) == kOk);
  CHECK(r.Call({"SET", "own:persisted", "v", "EX", "1000"}) == kOk);
  CHECK(r.Call({"SET", "own:plain", "v"}) == kOk);
  CHECK(r.Call({"MULTI"}) == kOk);
  CHECK(r.Call({"SET", "own:tx", "v", "PX", "100"}) == "+QUEUED\r\n");
  CHECK(r.Exec({"EXEC"}).elements.size() == 1);
  CHECK(e2e::InfoField(r, "stats", "slave_expires_tracked_keys") == "4");
  CHECK(r.Call({"PERSIST", "own:persisted"}) == Int(1));
  // The replica deletes its own keys once their time is up (as expiries); its master's key
  // waits for the master's DEL.
  REQUIRE(WaitFor([&] { return e2e::InfoField(r, "stats", "expired_keys") == "2"; }));
  REQUIRE(WaitFor([&] { return e2e::InfoField(r, "stats", "slave_expires_tracked_keys") == "1"; }));
  CHECK(r.Call({"DBSIZE"}) == Int(4));  // master:short, own:long, own:persisted, own:plain
  CHECK(r.Call({"TTL", "own:long"}).rfind(":", 0) == 0);
}

TEST_CASE("replica: a lost link continues with a partial resync, and the data stays") {
  ServerProcess master = StartMaster();
  RawClient m(master.port());
  WriteDataset(m);
  ServerProcess replica;
  RawClient r(replica.port());
  CHECK(r.Call({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) == kOk);
  REQUIRE(WaitFor([&] { return CaughtUp(m, r); }));

  // The master drops its replica, and gets writes before it comes back.
  CHECK(m.Exec({"CLIENT", "KILL", "TYPE", "replica"}).integer == 1);
  CHECK(m.Call({"SET", "while-away", "1"}) == kOk);
  REQUIRE(WaitFor([&] { return Contains(replica.Log(), "Successful partial resynchronization"); }));
  REQUIRE(WaitFor([&] { return CaughtUp(m, r); }));
  CHECK(r.Call({"GET", "while-away"}) == Bulk("1"));
  CheckDataset(r);
  CHECK(!Contains(replica.Log().substr(replica.Log().find("Successful partial")),
                  "Full resync from master"));

  // The replica drops its master's client: it reconnects and continues too.
  std::string list = r.Exec({"CLIENT", "LIST"}).str;
  const size_t at = list.rfind("id=", list.find("flags=M"));
  REQUIRE(at != std::string::npos);
  const std::string id = list.substr(at + 3, list.find(' ', at) - at - 3);
  CHECK(r.Call({"CLIENT", "KILL", "ID", id}) == Int(1));
  CHECK(m.Call({"SET", "after-kill", "2"}) == kOk);
  REQUIRE(WaitFor([&] { return CaughtUp(m, r) && r.Call({"GET", "after-kill"}) == Bulk("2"); }));
  const std::string log = replica.Log();
  size_t continued = 0;
  for (size_t p = log.find("Successful partial resynchronization"); p != std::string::npos;
       p = log.find("Successful partial resynchronization", p + 1)) {
    ++continued;
  }
  CHECK(continued == 2);
}

TEST_CASE("replica: a master silent for repl-timeout is dropped, then continued with") {
  ServerProcess master = StartMaster();
  RawClient m(master.port());
  CHECK(m.Call({"SET", "k", "v"}) == kOk);
  ServerProcess replica({"--repl-timeout", "1"});
  RawClient r(replica.port());
  CHECK(r.Call({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) == kOk);
  REQUIRE(WaitFor([&] { return CaughtUp(m, r); }));
  // A stopped master sends nothing, not even its pings.
  REQUIRE(::kill(master.pid(), SIGSTOP) == 0);
  const bool timed_out = WaitFor([&] { return Contains(replica.Log(), "MASTER timeout"); });
  REQUIRE(::kill(master.pid(), SIGCONT) == 0);
  REQUIRE(timed_out);
  CHECK(r.Call({"GET", "k"}) == Bulk("v"));  // stale data is served by default
  REQUIRE(WaitFor([&] { return Contains(replica.Log(), "Successful partial resynchronization"); }));
  CHECK(m.Call({"SET", "k", "w"}) == kOk);
  REQUIRE(WaitFor([&] { return CaughtUp(m, r) && r.Call({"GET", "k"}) == Bulk("w"); }));
}

TEST_CASE("replica: replica-serve-stale-data no refuses commands while the link is down") {
  ServerProcess replica({"--replica-serve-stale-data", "no"});
  RawClient r(replica.port());
  // A client blocked for data that writes will no longer bring gets an error.
  RawClient blocked(replica.port());
  blocked.Send(Command({"BLPOP", "q", "0"}));
  REQUIRE(WaitFor([&] { return Contains(r.Exec({"INFO", "clients"}).str, "blocked_clients:1"); }));
  // A port nobody listens on: the link stays down.
  const int port = FreePort();
  CHECK(r.Call({"REPLICAOF", "127.0.0.1", std::to_string(port)}) == kOk);
  CHECK(blocked.ReadReply().raw ==
        Err("UNBLOCKED force unblock from blocking operation, instance state changed (master -> "
            "replica?)"));
  const std::string masterdown =
      Err("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
  CHECK(r.Call({"GET", "k"}) == masterdown);
  CHECK(InfoField(r, "master_link_status") == "down");  // INFO is a "stale" command
  CHECK(r.Call({"REPLICAOF", "NO", "ONE"}) == kOk);
  CHECK(r.Call({"GET", "k"}) == kNil);
}

TEST_CASE("replica: `replicaof` in the config syncs at startup, with masterauth") {
  ServerProcess master = StartMaster({"--requirepass", "s3cret"});
  RawClient m(master.port());
  REQUIRE(m.Call({"AUTH", "s3cret"}) == kOk);
  WriteDataset(m);
  ServerProcess replica(
      {"--replicaof", "127.0.0.1", std::to_string(master.port()), "--masterauth", "s3cret"});
  RawClient r(replica.port());
  REQUIRE(WaitFor([&] { return CaughtUp(m, r); }));
  CheckDataset(r);
  CHECK(Contains(replica.Log(), "Partial resynchronization not possible (no cached master)"));
  CHECK(r.Exec({"CONFIG", "GET", "replicaof"}).elements[1].str ==
        "127.0.0.1 " + std::to_string(master.port()));
}

// A replica that saved its snapshot (SHUTDOWN SAVE) and starts again from it with
// `replicaof`: the file recorded where the master's stream stood (repl-id, repl-offset,
// repl-stream-db), so it continues partially, in the database the stream had selected.
// `first` writes the file, `second` starts from it (either may be redis-server).
void RestartedReplicaContinues(const std::string& master_binary, const std::string& first,
                               const std::string& second) {
  ServerProcess master({"--appendonly", "no", "--repl-diskless-sync-delay", "0"},
                       ServerOptions{.binary = master_binary});
  RawClient m(master.port());
  WriteDataset(m);
  CHECK(m.Call({"SELECT", "3"}) == kOk);
  CHECK(m.Call({"SET", "before", "1"}) == kOk);  // the stream selects database 3

  TempDir dir;
  const std::vector<std::string> args = {"--dir", dir.path(), "--replicaof", "127.0.0.1",
                                         std::to_string(master.port())};
  {
    ServerProcess replica(args, ServerOptions{.binary = first});
    RawClient r(replica.port());
    REQUIRE(WaitFor([&] { return CaughtUp(m, r); }));
    r.Send(Command({"SHUTDOWN", "SAVE"}));
    CHECK(replica.WaitExit().code == 0);
  }
  // Written while the replica is away, with no SELECT: the stream is still in database 3.
  CHECK(m.Call({"SET", "while-down", "2"}) == kOk);

  ServerProcess replica(args, ServerOptions{.binary = second});
  RawClient r(replica.port());
  REQUIRE(WaitFor([&] { return CaughtUp(m, r); }));
  CHECK(WaitFor([&] {
    return Contains(replica.Log(), "Successful partial resynchronization with master.");
  }));
  CHECK(!Contains(replica.Log(), "Full resync from master"));
  CHECK(InfoField(m, "stats", "sync_full") == "1");
  CHECK(InfoField(m, "stats", "sync_partial_ok") == "1");
  CHECK(InfoField(m, "stats", "sync_partial_err") == "0");
  CheckDataset(r);
  CHECK(r.Call({"SELECT", "3"}) == kOk);
  CHECK(r.Call({"MGET", "before", "while-down"}) == Arr({Bulk("1"), Bulk("2")}));
  CHECK(r.Call({"SELECT", "0"}) == kOk);
  CHECK(r.Call({"EXISTS", "while-down"}) == Int(0));
}

TEST_CASE("replica: restarted from its own snapshot, it continues partially where it stopped") {
  RestartedReplicaContinues(kRedisServer, ServerBinary(), ServerBinary());
  RestartedReplicaContinues(ServerBinary(), ServerBinary(), ServerBinary());
}

TEST_CASE("replica: a redis-server replica's snapshot lets kvd take its place without a full sync") {
  if (!TestingKvd()) return;
  RestartedReplicaContinues(kRedisServer, kRedisServer, ServerBinary());
}

TEST_CASE("replica: kvd of kvd, a redis-server below it, then a failover continues partially") {
  if (!TestingKvd()) return;
  // No periodic PING after the first: one the replica has not received yet when it is
  // promoted would leave the old master ahead of it, and a full sync would follow (a slow run
  // lasts past the 10 s period; Redis's FAILOVER pauses writes for the same reason).
  ServerProcess master({"--repl-ping-replica-period", "3600"});
  RawClient m(master.port());
  WriteDataset(m);
  ServerProcess replica;
  RawClient r(replica.port());
  CHECK(r.Call({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) == kOk);
  REQUIRE(WaitFor([&] { return CaughtUp(m, r); }));
  CheckDataset(r);

  // A replica of the replica gets the master's stream, passed on as it came.
  ServerProcess below({"--replicaof", "127.0.0.1", std::to_string(replica.port())},
                      ServerOptions{.binary = kRedisServer});
  RawClient b(below.port());
  REQUIRE(WaitFor([&] { return LinkUp(b); }));
  CHECK(m.Call({"SET", "chained", "yes"}) == kOk);
  REQUIRE(WaitFor([&] { return CaughtUp(m, r) && CaughtUp(r, b); }));
  CHECK(b.Call({"GET", "chained"}) == Bulk("yes"));
  CheckDataset(b);

  // Failover: the replica becomes the master, the old master its replica. Their histories
  // agree up to the promotion, so the old master continues without a full sync.
  CHECK(r.Call({"REPLICAOF", "NO", "ONE"}) == kOk);
  CHECK(r.Call({"SET", "after-failover", "1"}) == kOk);
  CHECK(m.Call({"REPLICAOF", "127.0.0.1", std::to_string(replica.port())}) == kOk);
  REQUIRE(WaitFor([&] { return CaughtUp(r, m); }));
  // The log reaches its file a moment after the link is up: wait for the lines.
  CHECK(WaitFor([&] {
    return Contains(master.Log(), "Successful partial resynchronization with master.");
  }));
  CHECK(WaitFor([&] { return Contains(master.Log(), "Master replication ID changed to"); }));
  CHECK(m.Call({"GET", "after-failover"}) == Bulk("1"));
  CHECK(m.Call({"SET", "x", "1"}) == Err("READONLY You can't write against a read only replica."));
  // The replica below followed the promoted replica (it reconnected, and continued too).
  REQUIRE(WaitFor([&] {
    return CaughtUp(r, b) && b.Call({"GET", "after-failover"}) == Bulk("1");
  }));
}

}  // namespace
}  // namespace kvd::e2e
