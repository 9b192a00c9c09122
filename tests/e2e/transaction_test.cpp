// MULTI/EXEC and WATCH over TCP against the real binary: a pipelined transaction, a WATCH
// conflict between two connections, EXECABORT, a blocked client woken by a transaction, and
// what another connection sees of a client in MULTI. Runs against redis-server too
// (KVD_E2E_SERVER) to check the expectations.
#include <doctest/doctest.h>

#include <string>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kQueued = "+QUEUED\r\n";

// The value of `field` in the CLIENT LIST line of client `id`.
std::string ClientField(RawClient& observer, int64_t id, const std::string& field) {
  const std::string line = observer.Exec({"CLIENT", "LIST", "ID", std::to_string(id)}).str;
  const size_t at = line.find(" " + field + "=");
  if (at == std::string::npos) return "<missing>";
  const size_t start = at + field.size() + 2;
  return line.substr(start, line.find_first_of(" \n", start) - start);
}

TEST_CASE("a pipelined MULTI ... EXEC replies QUEUED for each command, then their replies") {
  ServerProcess server;
  RawClient c(server.port());
  c.Send(Command({"MULTI"}) + Command({"SET", "k", "10"}) + Command({"INCR", "k"}) +
         Command({"INCR", "nokey", "extra"}) + Command({"GET", "k"}) + Command({"EXEC"}) +
         Command({"GET", "k"}));
  CHECK(c.ReadReply().raw == kOk);
  CHECK(c.ReadReply().raw == kQueued);
  CHECK(c.ReadReply().raw == kQueued);
  CHECK(c.ReadReply().raw == ArityErr("incr"));
  CHECK(c.ReadReply().raw == kQueued);
  CHECK(c.ReadReply().raw ==
        Err("EXECABORT Transaction discarded because of previous errors."));
  CHECK(c.ReadReply().raw == kNil);

  c.Send(Command({"MULTI"}) + Command({"SET", "k", "10"}) + Command({"INCR", "k"}) +
         Command({"LPUSH", "k", "x"}) + Command({"GET", "k"}) + Command({"EXEC"}));
  for (int i = 0; i < 5; ++i) c.ReadReply();
  CHECK(c.ReadReply().raw ==
        Arr({kOk, Int(11),
             Err("WRONGTYPE Operation against a key holding the wrong kind of value"),
             Bulk("11")}));
}

TEST_CASE("WATCH: a write from another connection makes EXEC reply a null array") {
  ServerProcess server;
  RawClient a(server.port());
  RawClient b(server.port());
  CHECK(a.Call({"SET", "balance", "100"}) == kOk);
  CHECK(a.Call({"WATCH", "balance"}) == kOk);
  CHECK(a.Call({"GET", "balance"}) == Bulk("100"));
  CHECK(b.Call({"INCRBY", "balance", "5"}) == Int(105));
  CHECK(a.Call({"MULTI"}) == kOk);
  CHECK(a.Call({"SET", "balance", "90"}) == kQueued);
  CHECK(a.Call({"EXEC"}) == kNilArray);
  CHECK(a.Call({"GET", "balance"}) == Bulk("105"));

  // Retried without interference, the transaction runs.
  CHECK(a.Call({"WATCH", "balance"}) == kOk);
  CHECK(a.Call({"MULTI"}) == kOk);
  CHECK(a.Call({"SET", "balance", "95"}) == kQueued);
  CHECK(b.Call({"GET", "balance"}) == Bulk("105"));  // a read changes nothing
  CHECK(a.Call({"EXEC"}) == Arr({kOk}));
  CHECK(b.Call({"GET", "balance"}) == Bulk("95"));
}

TEST_CASE("a client blocked on a list is served once the transaction pushing to it ends") {
  ServerProcess server;
  RawClient a(server.port());
  RawClient waiter(server.port());
  waiter.SendOnly(Command({"BLPOP", "jobs", "0"}));
  REQUIRE(WaitFor([&] { return BlockedClients(a) == 1; }));
  a.Send(Command({"MULTI"}) + Command({"RPUSH", "jobs", "j1"}) + Command({"LLEN", "jobs"}) +
         Command({"RPUSH", "jobs", "j2"}) + Command({"EXEC"}));
  for (int i = 0; i < 4; ++i) a.ReadReply();
  CHECK(a.ReadReply().raw == Arr({Int(1), Int(1), Int(2)}));
  CHECK(waiter.ReadReply().raw == Arr({Bulk("jobs"), Bulk("j1")}));
  CHECK(a.Call({"LRANGE", "jobs", "0", "-1"}) == Arr({Bulk("j2")}));
}

TEST_CASE("CLIENT LIST shows a client in MULTI with its queued commands") {
  ServerProcess server;
  RawClient a(server.port());
  RawClient observer(server.port());
  const int64_t id = a.Exec({"CLIENT", "ID"}).integer;
  CHECK(ClientField(observer, id, "multi") == "-1");
  CHECK(a.Call({"MULTI"}) == kOk);
  CHECK(a.Call({"SET", "x", "1"}) == kQueued);
  CHECK(a.Call({"GET", "x"}) == kQueued);
  CHECK(ClientField(observer, id, "flags") == "x");
  CHECK(ClientField(observer, id, "multi") == "2");
  CHECK(a.Call({"DISCARD"}) == kOk);
  CHECK(ClientField(observer, id, "flags") == "N");
  CHECK(ClientField(observer, id, "multi") == "-1");
}

TEST_CASE("a disconnect in the middle of MULTI runs nothing and forgets the watches") {
  ServerProcess server;
  RawClient b(server.port());
  {
    RawClient a(server.port());
    CHECK(a.Call({"WATCH", "k"}) == kOk);
    CHECK(a.Call({"MULTI"}) == kOk);
    CHECK(a.Call({"SET", "k", "from-a"}) == kQueued);
  }
  CHECK(WaitFor([&] { return Contains(b.Call({"INFO", "clients"}), "connected_clients:1"); }));
  CHECK(b.Call({"SET", "k", "from-b"}) == kOk);
  CHECK(b.Call({"GET", "k"}) == Bulk("from-b"));
}

}  // namespace
}  // namespace kvd::e2e
