// The server under less polite use: many clients, a client that never reads, limits from the
// configuration, SCAN while the table grows and shrinks, close-after-reply cases.
#include <memory>
#include <set>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

int64_t GetCalls(RawClient& c) {
  std::string info = c.Exec({"INFO", "commandstats"}).str;
  std::string line = InfoField(info, "cmdstat_get").value_or("calls=0,");
  return std::stoll(line.substr(6, line.find(',') - 6));
}

TEST_CASE("replies before a protocol error are sent; nothing after it runs") {
  ServerProcess server;
  RawClient c(server.port());
  c.Send("PING\r\n*1\r\n$4\r\nINCR\r\n*abc\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n");
  CHECK(c.ReadUntilClosed() ==
        "+PONG\r\n" + ArityErr("incr") + "-ERR Protocol error: invalid multibulk length\r\n");
  RawClient d(server.port());
  CHECK(d.Call({"EXISTS", "n"}) == Int(0));

  // QUIT: +OK, then the close; what was pipelined behind it does not run.
  RawClient e(server.port());
  e.Send(Command({"SET", "a", "1"}) + Command({"QUIT"}) + Command({"SET", "b", "2"}));
  CHECK(e.ReadUntilClosed() == kOk + kOk);
  CHECK(d.Call({"MGET", "a", "b"}) == Arr({Bulk("1"), kNil}));
}

TEST_CASE("64 clients interleaving pipelines on one counter") {
  ServerProcess server;
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 64; ++i) clients.push_back(std::make_unique<RawClient>(server.port()));
  std::string burst;
  for (int i = 0; i < 100; ++i) burst += Command({"INCR", "counter"});
  for (auto& c : clients) c->Send(burst);
  for (auto& c : clients) {
    int64_t last = 0;
    for (int i = 0; i < 100; ++i) {
      Reply r = c->ReadReply();
      REQUIRE(r.type == ':');
      CHECK(r.integer > last);  // each client sees its own increments in order
      last = r.integer;
    }
  }
  CHECK(clients[0]->Call({"GET", "counter"}) == Bulk("6400"));
  std::string info = clients[0]->Exec({"INFO", "clients"}).str;
  CHECK(InfoField(info, "connected_clients") == "64");
}

TEST_CASE("maxclients: one too many gets an error and a close") {
  ServerProcess server({"--maxclients", "2"});
  auto a = std::make_unique<RawClient>(server.port());
  RawClient b(server.port());
  CHECK(a->Call({"PING"}) == "+PONG\r\n");
  CHECK(b.Call({"PING"}) == "+PONG\r\n");
  RawClient third(server.port());
  CHECK(third.ReadUntilClosed() == "-ERR max number of clients reached\r\n");
  CHECK(InfoField(b.Exec({"INFO", "stats"}).str, "rejected_connections") == "1");
  a.reset();  // frees a slot, once the server has noticed
  CHECK(WaitFor([&] {
    return InfoField(b.Exec({"INFO", "clients"}).str, "connected_clients") == "1";
  }));
  RawClient fourth(server.port());
  CHECK(fourth.Call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("timeout closes idle clients") {
  ServerProcess server({"--timeout", "1"});
  RawClient idle(server.port());
  CHECK(idle.Call({"PING"}) == "+PONG\r\n");
  CHECK(idle.ReadUntilClosed() == "");  // within the read timeout, so within ~1-2 s
  RawClient fresh(server.port());
  CHECK(fresh.Call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("proto-max-bulk-len set at run time limits bulk lengths") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}) == kOk);
  CHECK(c.Call({"SET", "k", std::string(1 << 20, 'x')}) == kOk);  // exactly at the limit
  CHECK(c.Call({"STRLEN", "k"}) == Int(1 << 20));
  RawClient offender(server.port(), 5s);
  offender.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n");
  CHECK(offender.ReadUntilClosed() == "-ERR Protocol error: invalid bulk length\r\n");
  CHECK(c.Call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("SCAN returns every key that stays, while the table grows and shrinks") {
  ServerProcess server;
  RawClient c(server.port());
  std::set<std::string> stable;
  std::string batch;
  for (int i = 0; i < 1000; ++i) {
    stable.insert("stable:" + std::to_string(i));
    batch += Command({"SET", "stable:" + std::to_string(i), "v"});
  }
  c.Send(batch);
  for (int i = 0; i < 1000; ++i) REQUIRE(c.ReadReply().raw == kOk);

  std::set<std::string> seen;
  std::string cursor = "0";
  int round = 0, added = 0, deleted = 0;
  do {
    Reply r = c.Exec({"SCAN", cursor, "COUNT", "20"});
    REQUIRE(r.elements.size() == 2);
    cursor = r.elements[0].str;
    for (const Reply& k : r.elements[1].elements) seen.insert(k.str);
    // First grow the table to 8x, then shrink it back, between SCAN calls.
    std::string change;
    int changes = 0;
    if (round++ < 70) {
      for (int j = 0; j < 100; ++j, ++changes) {
        change += Command({"SET", "temp:" + std::to_string(added++), "v"});
      }
    } else {
      for (int j = 0; j < 200 && deleted < added; ++j, ++changes) {
        change += Command({"DEL", "temp:" + std::to_string(deleted++)});
      }
    }
    c.Send(change);
    for (int j = 0; j < changes; ++j) c.ReadReply();
    REQUIRE(round < 100000);
  } while (cursor != "0");
  CAPTURE(round);
  CAPTURE(added);
  CAPTURE(deleted);
  size_t missing = 0;
  for (const std::string& key : stable) missing += seen.count(key) == 0;
  CHECK(missing == 0);
}

TEST_CASE("a client that never reads is throttled, then gets every reply") {
  // kvd's backpressure: it stops reading from a client whose unsent replies pass a high-water
  // mark. Redis instead buffers without limit (client-output-buffer-limit normal 0 0 0).
  if (!TestingKvd()) return;
  ServerProcess server;
  RawClient c(server.port());
  RawClient observer(server.port());
  const std::string big(256 * 1024, 'b');
  CHECK(c.Call({"SET", "big", big}) == kOk);
  CHECK(observer.Call({"CONFIG", "RESETSTAT"}) == kOk);
  constexpr int kRequests = 200;  // 50 MB of replies
  std::string flood;
  for (int i = 0; i < kRequests; ++i) flood += Command({"GET", "big"});
  c.SendOnly(flood);
  CHECK(WaitFor([&] { return GetCalls(observer) > 0; }));
  // The kernel's socket buffers hold a few MB; the rest must wait for the client to read.
  CHECK(observer.Call({"PING"}) == "+PONG\r\n");
  CHECK(GetCalls(observer) < kRequests / 2);
  for (int i = 0; i < kRequests; ++i) {
    Reply r = c.ReadReply();
    REQUIRE(r.str.size() == big.size());
  }
  CHECK(GetCalls(observer) == kRequests);
  CHECK(c.Call({"PING"}) == "+PONG\r\n");
}

}  // namespace
}  // namespace kvd::e2e
