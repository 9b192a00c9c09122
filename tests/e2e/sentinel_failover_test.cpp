// Redis Sentinel (redis-server --sentinel, 7.0) over a kvd master and kvd replicas, as deployed:
// three sentinels that must agree (quorum 2) fail a crashed master over, repoint the other
// replica, and turn the old master into a replica when it comes back; SENTINEL FAILOVER moves
// the role on request without losing acknowledged writes; replica-priority 0 is never
// promoted. Under KVD_E2E_SERVER=/usr/bin/redis-server the same expectations hold for Redis.
#include <doctest/doctest.h>

#include <csignal>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kRedisServer = "/usr/bin/redis-server";
// Covers a failover with a failed election (a new one starts after 2 * failover-timeout).
constexpr auto kSentinelTimeout = 40s;

// Polled through a fresh connection each time: Sentinel closes the clients of an instance it
// reconfigures (CLIENT KILL TYPE normal), and the instance may be down.
std::string InfoOf(int port, std::string_view field) {
  try {
    RawClient c(port, 2s);
    return InfoField(c, "replication", field);
  } catch (const std::exception&) {
    return "";
  }
}

// The instance is a replica of `master_port` with its link up.
bool FollowsMaster(int port, int master_port) {
  return InfoOf(port, "role") == "slave" &&
         InfoOf(port, "master_port") == std::to_string(master_port) &&
         InfoOf(port, "master_link_status") == "up";
}

std::string GetOn(int port, const std::string& key) {
  try {
    RawClient c(port, 2s);
    return c.Call({"GET", key});
  } catch (const std::exception&) {
    return "";
  }
}

std::string Field(const Reply& map, std::string_view key) {
  const Reply* value = map.Field(key);
  return value ? value->Text() : "";
}

ServerProcess StartReplica(int master_port, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--replicaof", "127.0.0.1", std::to_string(master_port)};
  args.insert(args.end(), extra.begin(), extra.end());
  return ServerProcess(args);
}

// Sentinels watching master "kvd". The periods Sentinel uses between INFO requests (10 s) and
// hello messages (2 s) are shortened with SENTINEL DEBUG so that discovery and the wait
// before it reconfigures a returning old master (4 hello periods) take a second or two.
class Sentinels {
 public:
  Sentinels(int count, int master_port, int quorum) {
    for (int i = 0; i < count; ++i) {
      const std::string conf =
          dir_.Write("sentinel" + std::to_string(i) + ".conf",
                     "sentinel monitor kvd 127.0.0.1 " + std::to_string(master_port) + " " +
                         std::to_string(quorum) +
                         "\n"
                         "sentinel down-after-milliseconds kvd 1000\n"
                         "sentinel failover-timeout kvd 3000\n");
      processes_.push_back(std::make_unique<ServerProcess>(
          std::vector<std::string>{conf, "--sentinel"},
          ServerOptions{.binary = kRedisServer, .ready_line = "+monitor"}));
      clients_.push_back(std::make_unique<RawClient>(processes_.back()->port()));
      REQUIRE(clients_.back()->Call(
                  {"SENTINEL", "DEBUG", "info-period", "500", "publish-period", "500"}) == kOk);
    }
  }

  size_t size() const { return clients_.size(); }
  RawClient& operator[](size_t i) { return *clients_[i]; }

  // SENTINEL GET-MASTER-ADDR-BY-NAME's port on sentinel i.
  std::string MasterPort(size_t i) {
    const Reply addr = clients_[i]->Exec({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "kvd"});
    return addr.elements.size() == 2 ? addr.elements[1].Text() : "";
  }
  // Every sentinel names `port` as the master.
  bool AllSayMaster(int port) {
    for (size_t i = 0; i < size(); ++i) {
      if (MasterPort(i) != std::to_string(port)) return false;
    }
    return true;
  }
  // Sentinel i's view of the replica at `port` (SENTINEL REPLICAS), empty when it has none.
  Reply Replica(size_t i, int port) {
    Reply replicas = clients_[i]->Exec({"SENTINEL", "REPLICAS", "kvd"});
    for (Reply& r : replicas.elements) {
      if (Field(r, "port") == std::to_string(port)) return r;
    }
    return Reply{};
  }

 private:
  TempDir dir_;
  std::vector<std::unique_ptr<ServerProcess>> processes_;
  std::vector<std::unique_ptr<RawClient>> clients_;
};

TEST_CASE("Three sentinels fail a crashed kvd master over to one replica and repoint the rest") {
  ServerProcess master;
  const int old_master_port = master.port();
  // The replicas start from config files, which Sentinel has them rewrite (CONFIG REWRITE)
  // as it reconfigures them.
  TempDir conf_dir;
  const std::string replicaof = "replicaof 127.0.0.1 " + std::to_string(master.port()) + "\n";
  ServerProcess replica1({conf_dir.Write("replica1.conf", replicaof)});
  ServerProcess replica2({conf_dir.Write("replica2.conf", replicaof)});
  const std::set<int> replica_ports = {replica1.port(), replica2.port()};
  const auto conf_of = [&](int port) {
    return conf_dir.path() + (port == replica1.port() ? "/replica1.conf" : "/replica2.conf");
  };
  for (int port : replica_ports) {
    REQUIRE(WaitFor([&] { return FollowsMaster(port, master.port()); }));
  }
  {
    RawClient m(master.port());
    REQUIRE(m.Call({"SET", "before", "1"}) == kOk);
    REQUIRE(m.Call({"WAIT", "2", "5000"}) == Int(2));
  }

  Sentinels sentinels(3, master.port(), 2);
  // Each sentinel finds both replicas through the master's INFO, then reads their offsets
  // from their own INFO, and hears the other two sentinels on __sentinel__:hello.
  for (size_t i = 0; i < sentinels.size(); ++i) {
    CAPTURE(i);
    for (int port : replica_ports) {
      CAPTURE(port);
      REQUIRE(WaitFor(
          [&] {
            const Reply r = sentinels.Replica(i, port);
            return Field(r, "flags") == "slave" && Field(r, "master-link-status") == "ok" &&
                   Field(r, "master-port") == std::to_string(old_master_port) &&
                   std::stoll("0" + Field(r, "slave-repl-offset")) > 0;
          },
          kSentinelTimeout));
    }
    REQUIRE(WaitFor(
        [&] {
          return sentinels[i].Exec({"SENTINEL", "SENTINELS", "kvd"}).elements.size() == 2;
        },
        kSentinelTimeout));
    CHECK(Field(sentinels[i].Exec({"SENTINEL", "MASTER", "kvd"}), "flags") == "master");
  }

  master.Stop(SIGKILL);
  // The sentinels agree on the master's failure, elect a leader, and it promotes a replica.
  int promoted = 0;
  REQUIRE(WaitFor(
      [&] {
        for (int port : replica_ports) {
          if (sentinels.AllSayMaster(port)) promoted = port;
        }
        return promoted != 0;
      },
      kSentinelTimeout));
  const int other =
      *replica_ports.begin() == promoted ? *replica_ports.rbegin() : *replica_ports.begin();
  CAPTURE(promoted);
  CAPTURE(other);
  REQUIRE(WaitFor([&] { return InfoOf(promoted, "role") == "master"; }, kSentinelTimeout));
  // The other replica now follows the promoted one, and gets its writes.
  REQUIRE(WaitFor([&] { return FollowsMaster(other, promoted); }, kSentinelTimeout));
  {
    RawClient p(promoted);
    CHECK(p.Call({"GET", "before"}) == Bulk("1"));
    REQUIRE(p.Call({"SET", "during", "2"}) == kOk);
  }
  CHECK(WaitFor([&] { return GetOn(other, "during") == Bulk("2"); }));
  CHECK(GetOn(other, "before") == Bulk("1"));
  // Restarted from their config files, they would keep these roles: the promoted one has no
  // replicaof line left.
  const std::string promoted_conf = Slurp(conf_of(promoted));
  CHECK_MESSAGE(!Contains(promoted_conf, "replicaof"), promoted_conf);
  CHECK(Contains(Slurp(conf_of(other)), "replicaof 127.0.0.1 " + std::to_string(promoted) + "\n"));
  // Sentinel lists the old master as a (down) replica of the new one.
  CHECK(WaitFor(
      [&] { return Contains(Field(sentinels.Replica(0, old_master_port), "flags"), "s_down"); },
      kSentinelTimeout));

  // The old master restarted comes back empty, as a master: the sentinels make it a replica of
  // the new one, and it gets what was written meanwhile.
  {
    ServerProcess restarted({}, {.port = old_master_port});
    REQUIRE(WaitFor([&] { return FollowsMaster(old_master_port, promoted); }, kSentinelTimeout));
    CHECK(WaitFor([&] { return GetOn(old_master_port, "during") == Bulk("2"); }));
    CHECK(GetOn(old_master_port, "before") == Bulk("1"));
    {
      RawClient p(promoted);
      REQUIRE(p.Call({"SET", "after", "3"}) == kOk);
      CHECK(p.Call({"WAIT", "2", "5000"}) == Int(2));
    }
    CHECK(GetOn(old_master_port, "after") == Bulk("3"));
    CHECK(GetOn(other, "after") == Bulk("3"));
    for (size_t i = 0; i < sentinels.size(); ++i) {
      CAPTURE(i);
      CHECK(
          WaitFor([&] { return Field(sentinels.Replica(i, old_master_port), "flags") == "slave"; },
                  kSentinelTimeout));
      CHECK(sentinels.MasterPort(i) == std::to_string(promoted));
    }
  }
}

TEST_CASE(
    "SENTINEL FAILOVER moves a kvd master's role with every acknowledged write, never to "
    "a replica-priority 0 replica") {
  ServerProcess master;
  const int old_master_port = master.port();
  // Sentinel prefers the lowest priority: were the 0 not honoured, this one would win.
  ServerProcess never = StartReplica(master.port(), {"--replica-priority", "0"});
  ServerProcess candidate = StartReplica(master.port(), {"--replica-priority", "200"});
  for (int port : {never.port(), candidate.port()}) {
    REQUIRE(WaitFor([&] { return FollowsMaster(port, master.port()); }));
  }
  Sentinels sentinel(1, master.port(), 1);
  for (const ServerProcess* replica : {&never, &candidate}) {
    const int port = replica->port();
    const std::string priority = replica == &never ? "0" : "200";
    CAPTURE(port);
    REQUIRE(WaitFor(
        [&] {
          const Reply r = sentinel.Replica(0, port);
          return Field(r, "flags") == "slave" && Field(r, "slave-priority") == priority;
        },
        kSentinelTimeout));
  }

  constexpr int kKeys = 200;
  {
    RawClient m(master.port());
    for (int i = 0; i < kKeys; ++i) {
      m.Send(Command({"SET", "key:" + std::to_string(i), std::to_string(i)}));
    }
    for (int i = 0; i < kKeys; ++i) REQUIRE(m.ReadReply().raw == kOk);
    REQUIRE(m.Call({"WAIT", "2", "5000"}) == Int(2));
  }
  REQUIRE(sentinel[0].Call({"SENTINEL", "FAILOVER", "kvd"}) == kOk);
  REQUIRE(WaitFor([&] { return sentinel.AllSayMaster(candidate.port()); }, kSentinelTimeout));
  REQUIRE(WaitFor([&] { return InfoOf(candidate.port(), "role") == "master"; }));
  {
    RawClient c(candidate.port());
    for (int i = 0; i < kKeys; ++i) c.Send(Command({"GET", "key:" + std::to_string(i)}));
    for (int i = 0; i < kKeys; ++i) {
      CAPTURE(i);
      CHECK(c.ReadReply().raw == Bulk(std::to_string(i)));
    }
    REQUIRE(c.Call({"SET", "after", "1"}) == kOk);
  }
  // The other replica and the old master (still alive, a master until Sentinel sees it) both
  // end up following the new master.
  REQUIRE(WaitFor([&] { return FollowsMaster(never.port(), candidate.port()); }, kSentinelTimeout));
  REQUIRE(
      WaitFor([&] { return FollowsMaster(old_master_port, candidate.port()); }, kSentinelTimeout));
  CHECK(WaitFor([&] { return GetOn(never.port(), "after") == Bulk("1"); }));
  CHECK(WaitFor([&] { return GetOn(old_master_port, "after") == Bulk("1"); }));

  // A second failover has the old master and the priority 0 replica to choose from: the old
  // master it is.
  REQUIRE(WaitFor(
      [&] {
        return Field(sentinel.Replica(0, old_master_port), "flags") == "slave" &&
               Field(sentinel.Replica(0, never.port()), "flags") == "slave";
      },
      kSentinelTimeout));
  REQUIRE(WaitFor(
      [&] {
        return sentinel[0].Call({"SENTINEL", "FAILOVER", "kvd"}) == kOk;
      },
      kSentinelTimeout));
  REQUIRE(WaitFor([&] { return sentinel.AllSayMaster(old_master_port); }, kSentinelTimeout));
  CHECK(WaitFor([&] { return FollowsMaster(never.port(), old_master_port); }, kSentinelTimeout));
  CHECK(InfoOf(never.port(), "role") == "slave");
  CHECK(GetOn(old_master_port, "key:" + std::to_string(kKeys - 1)) ==
        Bulk(std::to_string(kKeys - 1)));
}

}  // namespace
}  // namespace kvd::e2e
