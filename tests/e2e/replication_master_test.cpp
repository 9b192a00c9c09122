// kvd as a master: the real redis-server syncs from it as a replica (full sync, the stream,
// partial resync from the backlog) and raw clients speak the replica protocol to it (PSYNC,
// REPLCONF); WAIT and min-replicas-to-write count the replicas' acknowledgements.
#include <signal.h>

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kRedisServer = "/usr/bin/redis-server";

// A redis-server replica of `master`, synced (its link up).
struct RedisReplica {
  explicit RedisReplica(int master_port)
      : server({"--replicaof", "127.0.0.1", std::to_string(master_port)},
               {.binary = kRedisServer}),
        client(server.port()) {
    REQUIRE(WaitFor([&] { return InfoField(client, "replication", "master_link_status") == "up"; }));
  }
  ServerProcess server;
  RawClient client;
};

// Waits until the replica has applied everything the master sent so far.
void WaitCaughtUp(RawClient& master, RawClient& replica) {
  REQUIRE(WaitFor([&] { return ReplicaCaughtUp(master, replica); }));
}

// Reads the payload of a full sync: "$<n>\r\n" and n bytes (newlines before it are the
// master's keepalives).
std::string ReadSnapshot(RawClient& c) {
  std::string header;
  while (header.empty() || header.back() != '\n' || header == "\n") {
    if (header == "\n") header.clear();
    header += c.ReadExact(1);
  }
  REQUIRE(header[0] == '$');
  return c.ReadExact(std::stoul(header.substr(1)));
}

TEST_CASE("a redis-server replica syncs every type from kvd and follows its writes") {
  if (!TestingKvd()) return;
  ServerProcess master;
  RawClient m(master.port());
  REQUIRE(m.Call({"SET", "s", "v"}) == kOk);
  REQUIRE(m.Call({"SET", "ttl", "v", "EX", "1000"}) == kOk);
  REQUIRE(m.Call({"HSET", "h", "f", "1", "g", "2"}) == Int(2));
  REQUIRE(m.Call({"RPUSH", "l", "a", "b", "c"}) == Int(3));
  REQUIRE(m.Call({"SADD", "set", "x", "y"}) == Int(2));
  REQUIRE(m.Call({"ZADD", "z", "1", "one", "2", "two"}) == Int(2));
  REQUIRE_FALSE(m.Exec({"XADD", "st", "1-1", "f", "v"}).IsError());
  REQUIRE(m.Call({"SELECT", "3"}) == kOk);
  REQUIRE(m.Call({"SET", "in3", "yes"}) == kOk);
  REQUIRE(m.Call({"SELECT", "0"}) == kOk);

  RedisReplica replica(master.port());
  RawClient& r = replica.client;
  CHECK(r.Call({"DBSIZE"}) == Int(7));
  CHECK(r.Call({"GET", "s"}) == Bulk("v"));
  CHECK(r.Exec({"TTL", "ttl"}).integer > 900);
  CHECK(r.Call({"HGET", "h", "g"}) == Bulk("2"));
  CHECK(r.Call({"LRANGE", "l", "0", "-1"}) == Arr({Bulk("a"), Bulk("b"), Bulk("c")}));
  CHECK(r.Call({"ZSCORE", "z", "two"}) == Bulk("2"));
  CHECK(r.Call({"XLEN", "st"}) == Int(1));
  CHECK(r.Call({"SELECT", "3"}) == kOk);
  CHECK(r.Call({"GET", "in3"}) == Bulk("yes"));
  CHECK(r.Call({"SELECT", "0"}) == kOk);

  // The stream: writes in several databases, a transaction, an expiry.
  REQUIRE(m.Call({"INCR", "counter"}) == Int(1));
  REQUIRE(m.Call({"SELECT", "5"}) == kOk);
  REQUIRE(m.Call({"LPUSH", "in5", "a"}) == Int(1));
  REQUIRE(m.Call({"SELECT", "0"}) == kOk);
  REQUIRE(m.Call({"MULTI"}) == kOk);
  REQUIRE(m.Call({"INCR", "counter"}) == "+QUEUED\r\n");
  REQUIRE(m.Call({"DEL", "s"}) == "+QUEUED\r\n");
  REQUIRE(m.Call({"EXEC"}) == Arr({Int(2), Int(1)}));
  REQUIRE(m.Call({"SET", "short", "v", "PX", "1"}) == kOk);
  REQUIRE(WaitFor([&] { return m.Call({"EXISTS", "short"}) == Int(0); }));
  WaitCaughtUp(m, r);
  CHECK(r.Call({"GET", "counter"}) == Bulk("2"));
  CHECK(r.Call({"EXISTS", "s"}) == Int(0));
  CHECK(r.Call({"EXISTS", "short"}) == Int(0));
  CHECK(r.Call({"SELECT", "5"}) == kOk);
  CHECK(r.Call({"LLEN", "in5"}) == Int(1));

  // What the master reports of its replica.
  CHECK(InfoField(m, "replication", "connected_slaves") == "1");
  const std::string line = InfoField(m, "replication", "slave0");
  CHECK(line.find("ip=127.0.0.1,port=" + std::to_string(replica.server.port()) +
                  ",state=online,offset=") == 0);
  const Reply role = m.Exec({"ROLE"});
  REQUIRE(role.elements.size() == 3);
  CHECK(role.elements[0].Text() == "master");
  REQUIRE(role.elements[2].elements.size() == 1);
  CHECK(role.elements[2].elements[0].elements[1].Text() == std::to_string(replica.server.port()));
  CHECK(m.Exec({"CLIENT", "LIST", "TYPE", "replica"}).Text().find("flags=S") !=
        std::string::npos);
  CHECK(m.Call({"WAIT", "1", "5000"}) == Int(1));
  // What went to the replica (snapshot and stream) counts apart from the clients' output.
  const long long offset = std::stoll(InfoField(m, "replication", "master_repl_offset"));
  CHECK(std::stoll(InfoField(m, "stats", "total_net_repl_output_bytes")) > offset);
  CHECK(std::stoll(InfoField(r, "stats", "total_net_repl_input_bytes")) > offset);

  // Messages reach the replica's subscribers.
  RawClient sub(replica.server.port());
  REQUIRE(sub.Call({"SUBSCRIBE", "news"}) == Arr({Bulk("subscribe"), Bulk("news"), Int(1)}));
  CHECK(m.Call({"PUBLISH", "news", "hello"}) == Int(0));
  CHECK(sub.ReadReply().raw == Arr({Bulk("message"), Bulk("news"), Bulk("hello")}));
}

TEST_CASE("a replica that lost its link continues from the backlog, or syncs anew past it") {
  if (!TestingKvd()) return;
  ServerProcess master;
  RawClient m(master.port());
  REQUIRE(m.Call({"SET", "before", "1"}) == kOk);
  RedisReplica replica(master.port());
  RawClient& r = replica.client;

  // Writes while the link is down are in the backlog: the replica continues.
  REQUIRE(m.Call({"CLIENT", "KILL", "TYPE", "replica"}) == Int(1));
  for (int i = 0; i < 20; ++i) REQUIRE(m.Call({"RPUSH", "during", std::to_string(i)}) == Int(i + 1));
  REQUIRE(WaitFor([&] { return Contains(master.Log(), "Partial resynchronization request"); }));
  WaitCaughtUp(m, r);
  CHECK(r.Call({"LLEN", "during"}) == Int(20));
  CHECK(r.Call({"GET", "before"}) == Bulk("1"));

  // Past a small backlog it takes a full sync, and still ends up with everything. The replica
  // is stopped meanwhile, so that it cannot come back before the backlog has moved on.
  REQUIRE(m.Call({"CONFIG", "SET", "repl-backlog-size", "1024"}) == kOk);
  CHECK(InfoField(m, "replication", "repl_backlog_size") == "1024");
  REQUIRE(::kill(replica.server.pid(), SIGSTOP) == 0);
  REQUIRE(m.Call({"CLIENT", "KILL", "TYPE", "replica"}) == Int(1));
  const std::string big(4096, 'x');
  REQUIRE(m.Call({"SET", "big", big}) == kOk);
  REQUIRE(::kill(replica.server.pid(), SIGCONT) == 0);
  REQUIRE(WaitFor([&] { return Contains(master.Log(), "for lack of backlog"); }));
  REQUIRE(WaitFor([&] { return InfoField(r, "replication", "master_link_status") == "up"; }));
  WaitCaughtUp(m, r);
  CHECK(r.Call({"STRLEN", "big"}) == Int(4096));
  CHECK(r.Call({"LLEN", "during"}) == Int(20));
}

TEST_CASE("the replica protocol spoken by hand: PSYNC, the stream, REPLCONF, CONTINUE") {
  if (!TestingKvd()) return;
  ServerProcess master;
  RawClient m(master.port());
  REQUIRE(m.Call({"SET", "k", "v"}) == kOk);

  RawClient rep(master.port());
  CHECK(rep.Call({"REPLCONF", "listening-port", "7777"}) == kOk);
  CHECK(rep.Call({"REPLCONF", "capa", "eof", "capa", "psync2"}) == kOk);
  CHECK(rep.Call({"REPLCONF", "nosuch", "1"}) ==
        Err("ERR Unrecognized REPLCONF option: nosuch"));
  CHECK(rep.Call({"REPLCONF", "listening-port"}) == kSyntaxErr);
  CHECK(rep.Call({"PSYNC", "?", "notanumber"}) == kNotIntErr);
  rep.Send(Command({"PSYNC", "?", "-1"}));
  const Reply full = rep.ReadReply();
  REQUIRE(full.type == '+');
  REQUIRE(full.str.rfind("FULLRESYNC ", 0) == 0);
  const std::string replid = full.str.substr(11, 40);
  const int64_t start = std::stoll(full.str.substr(52));
  const std::string rdb = ReadSnapshot(rep);
  CHECK(rdb.rfind("REDIS", 0) == 0);
  CHECK(rdb.find("k") != std::string::npos);

  // The stream starts with the database, then the write as sent.
  REQUIRE(m.Call({"SET", "k2", "v2"}) == kOk);
  const std::string expected =
      Command({"SELECT", "0"}) + Command({"SET", "k2", "v2"});
  std::string got;
  while (got.size() < expected.size() || got.find(expected) == std::string::npos) {
    got += rep.ReadExact(1);
    REQUIRE(got.size() < 4096);
  }
  // Anything before it is the master's PING.
  CHECK((got == expected || got == Command({"PING"}) + expected));
  const int64_t end = start + static_cast<int64_t>(got.size());
  rep.Send(Command({"REPLCONF", "ACK", std::to_string(end)}));
  REQUIRE(WaitFor([&] {
    return InfoField(m, "replication", "slave0").find("offset=" + std::to_string(end)) !=
           std::string::npos;
  }));
  CHECK(InfoField(m, "replication", "slave0").find("port=7777,state=online") != std::string::npos);

  // A second connection continues from the first one's offset with the backlog.
  RawClient again(master.port());
  CHECK(again.Call({"REPLCONF", "capa", "psync2"}) == kOk);
  REQUIRE(m.Call({"DEL", "k"}) == Int(1));
  again.Send(Command({"PSYNC", replid, std::to_string(end + 1)}));
  const Reply cont = again.ReadReply();
  CHECK(cont.str == "CONTINUE " + replid);
  const std::string del = Command({"DEL", "k"});
  std::string rest;
  while (rest.find(del) == std::string::npos) {
    rest += again.ReadExact(1);
    REQUIRE(rest.size() < 4096);
  }
  // An unknown history gets a full sync.
  RawClient other(master.port());
  other.Send(Command({"PSYNC", std::string(40, 'a'), "1"}));
  CHECK(other.ReadReply().str.rfind("FULLRESYNC " + replid, 0) == 0);
}

TEST_CASE("WAIT and min-replicas-to-write count replicas that acknowledged") {
  if (!TestingKvd()) return;
  ServerProcess master;
  RawClient m(master.port());
  REQUIRE(m.Call({"SET", "k", "v"}) == kOk);
  CHECK(m.Call({"WAIT", "1", "50"}) == Int(0));
  REQUIRE(m.Call({"CONFIG", "SET", "min-replicas-to-write", "1"}) == kOk);
  CHECK(m.Call({"SET", "k", "v"}) == Err("NOREPLICAS Not enough good replicas to write."));
  RedisReplica replica(master.port());
  // Good once it has acknowledged (each second).
  REQUIRE(WaitFor([&] { return m.Call({"SET", "k", "v2"}) == kOk; }));
  CHECK(m.Call({"WAIT", "1", "0"}) == Int(1));
  CHECK(m.Call({"WAIT", "2", "100"}) == Int(1));
  WaitCaughtUp(m, replica.client);
  CHECK(replica.client.Call({"GET", "k"}) == Bulk("v2"));
}

}  // namespace
}  // namespace kvd::e2e

namespace kvd::e2e {
namespace {

// A replica spoken by hand that acknowledges only when told to: full sync, then it counts
// the stream's bytes.
struct HandReplica {
  explicit HandReplica(int master_port) : c(master_port) {
    c.Send(Command({"PSYNC", "?", "-1"}));
    const Reply full = c.ReadReply();
    REQUIRE(full.str.rfind("FULLRESYNC ", 0) == 0);
    offset = std::stoll(full.str.substr(52));
    ReadSnapshot(c);
  }
  // Reads the stream until `frame` arrived (keepalive newlines before the stream excepted).
  void ReadThrough(const std::string& frame) {
    std::string got;
    while (got.find(frame) == std::string::npos) {
      got += c.ReadExact(1);
      REQUIRE(got.size() < 65536);
    }
    offset += static_cast<int64_t>(got.size());
  }
  void Ack() { c.Send(Command({"REPLCONF", "ACK", std::to_string(offset)})); }
  RawClient c;
  int64_t offset = 0;
};

const std::string kGetAck = Command({"REPLCONF", "GETACK", "*"});

TEST_CASE("SHUTDOWN waits for replicas to acknowledge the whole stream, unless aborted") {
  if (!TestingKvd()) return;
  ServerProcess master;
  RawClient m(master.port());
  HandReplica replica(master.port());
  REQUIRE(m.Call({"SET", "k", "v"}) == kOk);
  replica.ReadThrough(Command({"SET", "k", "v"}));

  // Aborted: the SHUTDOWN client gets the error and writes go on.
  RawClient stopper(master.port());
  stopper.Send(Command({"SHUTDOWN"}));
  REQUIRE(WaitFor([&] { return Contains(master.Log(), "Waiting for replicas before shutting down."); }));
  CHECK(m.Call({"SHUTDOWN", "ABORT"}) == kOk);
  CHECK(stopper.ReadReply().raw == Err("ERR Errors trying to SHUTDOWN. Check logs."));
  CHECK(m.Call({"SHUTDOWN", "ABORT"}) == Err("ERR No shutdown in progress."));
  CHECK(m.Call({"SET", "k", "after"}) == kOk);

  // Once the replica has everything (it answers the GETACK the shutdown sends), it exits.
  replica.ReadThrough(kGetAck);
  replica.ReadThrough(Command({"SET", "k", "after"}));
  stopper.Send(Command({"SHUTDOWN"}));
  replica.ReadThrough(kGetAck);
  replica.Ack();
  const ExitResult exit = master.WaitExit();
  CHECK(exit.exited);
  CHECK(exit.code == 0);
}

TEST_CASE("SHUTDOWN gives up on a silent replica after shutdown-timeout; NOW does not wait") {
  if (!TestingKvd()) return;
  {
    ServerProcess master({"--shutdown-timeout", "1"});
    RawClient m(master.port());
    HandReplica replica(master.port());
    REQUIRE(m.Call({"SET", "k", "v"}) == kOk);
    m.Send(Command({"SHUTDOWN"}));
    const ExitResult exit = master.WaitExit();
    CHECK(exit.code == 0);
    CHECK(Contains(exit.output, "Lagging replica"));
  }
  ServerProcess master;
  RawClient m(master.port());
  HandReplica replica(master.port());
  REQUIRE(m.Call({"SET", "k", "v"}) == kOk);
  m.Send(Command({"SHUTDOWN", "NOW"}));
  const ExitResult exit = master.WaitExit();
  CHECK(exit.code == 0);
  CHECK_FALSE(Contains(exit.output, "Waiting for replicas"));
}

}  // namespace
}  // namespace kvd::e2e
