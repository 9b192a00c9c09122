// A server that is a replica, without sockets: a stand-in link (the real one is
// server/net/master_link.h) lets the dispatcher's checks and the store's expiry be driven
// directly. READONLY, MASTERDOWN, the master's client that is never refused and sees expired
// keys, REPLICAOF's replies and what REPLICAOF NO ONE leaves.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "core/rdb_reader.h"
#include "core/rdb_writer.h"
#include "server/replication/replication.h"
#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

struct FakeLink final : MasterLink {
  FakeLink(std::string h, int p, bool* up) : host(std::move(h)), port(p), up(up) {}
  MasterLinkStatus Status() const override {
    MasterLinkStatus s;
    s.host = host;
    s.port = port;
    s.link_up = *up;
    return s;
  }
  bool link_up() const override { return *up; }
  size_t stream_db() const override { return db; }
  std::string host;
  int port;
  bool* up;
  size_t db = 0;
};

struct ReplicaHarness : Harness {
  ReplicaHarness() : replication(server) {
    server.replication = &replication;
    replication.make_master_link = [this](const std::string& host, int port) {
      ++links_made;
      auto link = std::make_unique<FakeLink>(host, port, &up);
      link->db = stream_db;
      return link;
    };
    master.authenticated = true;
    master.master = true;
  }
  ~ReplicaHarness() { server.replication = nullptr; }
  std::string AsMaster(std::initializer_list<std::string_view> args) {
    std::string out;
    dispatcher.Execute(master, std::vector<std::string_view>(args), out);
    return out;
  }
  Replication replication;
  ClientState master;
  bool up = true;
  size_t stream_db = 0;  // what the links made report
  int links_made = 0;
};

constexpr std::string_view kReadOnly = "-READONLY You can't write against a read only replica.\r\n";
constexpr std::string_view kMasterDown =
    "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n";

TEST_CASE("a replica refuses its clients' writes, never its master's") {
  ReplicaHarness h;
  CHECK(h.Run({"REPLICAOF", "10.0.0.1", "6379"}) == "+OK\r\n");
  CHECK(h.Run({"REPLICAOF", "10.0.0.1", "6379"}) ==
        "+OK Already connected to specified master\r\n");
  CHECK(h.links_made == 1);
  CHECK(h.Run({"SET", "k", "v"}) == kReadOnly);
  CHECK(h.Run({"MULTI"}) == "+OK\r\n");
  CHECK(h.Run({"INCR", "k"}) == "-READONLY You can't write against a read only replica.\r\n");
  CHECK(h.Run({"EXEC"}).starts_with("-EXECABORT"));
  CHECK(h.AsMaster({"SET", "k", "v"}).empty() == false);
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"CONFIG", "SET", "replica-read-only", "no"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "w"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "GET", "replicaof"}) ==
        "*2\r\n$9\r\nreplicaof\r\n$13\r\n10.0.0.1 6379\r\n");
}

TEST_CASE("replica-serve-stale-data no: only stale commands while the link is down") {
  ReplicaHarness h;
  CHECK(h.Run({"CONFIG", "SET", "replica-serve-stale-data", "no"}) == "+OK\r\n");
  CHECK(h.Run({"REPLICAOF", "10.0.0.1", "6379"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");  // up: served
  h.up = false;
  CHECK(h.Run({"GET", "k"}) == kMasterDown);
  CHECK(h.Run({"PING"}) == kMasterDown);
  CHECK(h.Run({"INFO", "server"}).starts_with("$"));  // stale
  CHECK(h.Run({"MULTI"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == kMasterDown);
  CHECK(h.Run({"DISCARD"}) == "+OK\r\n");
  CHECK(h.AsMaster({"SET", "k", "v"}) == "+OK\r\n");  // the master's stream still applies
  CHECK(h.Run({"CONFIG", "SET", "replica-serve-stale-data", "yes"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
}

TEST_CASE("on a replica keys expire only when the master deletes them") {
  ReplicaHarness h;
  CHECK(h.Run({"REPLICAOF", "10.0.0.1", "6379"}) == "+OK\r\n");
  const int64_t at = h.clock.NowMs() + 1000;
  CHECK(h.AsMaster({"SET", "k", "v", "PXAT", std::to_string(at)}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  h.clock.Advance(2000);
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
  CHECK(h.Run({"EXISTS", "k"}) == ":0\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":1\r\n");  // still held, as on Redis's replicas
  // The master's commands see it: it may still change the key before it expires there.
  CHECK(h.AsMaster({"PERSIST", "k"}) == ":1\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(h.AsMaster({"PEXPIREAT", "k", std::to_string(at)}) == ":1\r\n");
  CHECK(h.AsMaster({"DEL", "k"}) == ":1\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
}

TEST_CASE("REPLICAOF NO ONE keeps the data and starts a new history") {
  ReplicaHarness h;
  const std::string first = h.replication.replid();
  CHECK(h.Run({"REPLICAOF", "10.0.0.1", "6379"}) == "+OK\r\n");
  CHECK(h.replication.can_continue());  // it was a master: it may continue its own history
  h.replication.OnFullSync(std::string(40, 'a'), 100);
  CHECK(h.replication.replid() == std::string(40, 'a'));
  CHECK(h.replication.offset() == 100);
  h.replication.OnContinue(std::string(40, 'b'));  // the master was promoted
  CHECK(h.replication.replid() == std::string(40, 'b'));
  CHECK(h.replication.replid2() == std::string(40, 'a'));
  CHECK(h.replication.second_replid_offset() == 101);
  CHECK(h.AsMaster({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"REPLICAOF", "no", "one"}) == "+OK\r\n");
  CHECK_FALSE(h.replication.is_replica());
  CHECK(h.replication.replid2() == std::string(40, 'b'));
  CHECK(h.replication.replid() != first);
  CHECK(h.Run({"SET", "k2", "v"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(h.Run({"CONFIG", "GET", "replicaof"}) == "*2\r\n$9\r\nreplicaof\r\n$0\r\n\r\n");
  CHECK(h.Run({"REPLICAOF", "10.0.0.1", "x"}) == "-ERR Invalid master port\r\n");
  CHECK(h.Run({"REPLICAOF", "10.0.0.1", "65536"}) == "-ERR Invalid master port\r\n");
  // Expiry is the server's own again.
  CHECK_FALSE(h.store.keep_expired());
}

TEST_CASE("a snapshot records where the stream stands once there is one to continue") {
  ReplicaHarness h;
  RdbReplicationInfo info;
  CHECK_FALSE(h.replication.SaveInfo(info));  // a master that never had replicas
  h.stream_db = 4;
  CHECK(h.Run({"REPLICAOF", "10.0.0.1", "6379"}) == "+OK\r\n");
  h.replication.OnFullSync(std::string(40, 'a'), 100);
  REQUIRE(h.replication.SaveInfo(info));
  CHECK(info.replid == std::string(40, 'a'));
  CHECK(info.offset == 100);
  CHECK(info.stream_db == 4);  // the master's stream's database, from the link
}

TEST_CASE("a replica restored from a snapshot continues from what it recorded; a master not") {
  ReplicaHarness h;
  RdbLoadInfo loaded;
  loaded.repl_id = std::string(40, 'c');
  loaded.repl_offset = 500;
  loaded.repl_stream_db = 2;
  const std::string own = h.replication.replid();
  h.replication.RestoreFromSnapshot(loaded);  // a master: Redis ignores it too
  CHECK(h.replication.replid() == own);
  CHECK_FALSE(h.replication.can_continue());

  CHECK(h.Run({"REPLICAOF", "10.0.0.1", "6379"}) == "+OK\r\n");
  RdbLoadInfo bad = loaded;
  bad.repl_stream_db = 99;  // past the databases this server has
  h.replication.set_master_stream_db(0);
  h.replication.RestoreFromSnapshot(bad);
  CHECK(h.replication.replid() == own);
  bad = loaded;
  bad.repl_offset = -1;  // not recorded
  h.replication.RestoreFromSnapshot(bad);
  CHECK(h.replication.replid() == own);

  h.replication.RestoreFromSnapshot(loaded);
  CHECK(h.replication.replid() == std::string(40, 'c'));
  CHECK(h.replication.offset() == 500);
  CHECK(h.replication.master_stream_db() == 2);
  CHECK(h.replication.can_continue());
}

}  // namespace
}  // namespace kvd::testing
