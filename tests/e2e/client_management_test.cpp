// CLIENT PAUSE/UNPAUSE, CLIENT REPLY, `timeout`, MONITOR and CLIENT KILL filters, end to end.
#include <regex>
#include <string>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

// The value of `field` ("flags") in a CLIENT INFO / LIST line.
std::string FieldOf(const std::string& line, const std::string& field) {
  const size_t at = line.find(" " + field + "=");
  if (at == std::string::npos) return "";
  const size_t start = at + field.size() + 2;
  return line.substr(start, line.find_first_of(" \n", start) - start);
}

// Client `id`'s line of CLIENT LIST, as `admin` sees it.
std::string ListLine(RawClient& admin, int64_t id) {
  return admin.Exec({"CLIENT", "LIST", "ID", std::to_string(id)}).str;
}

TEST_CASE("CLIENT PAUSE WRITE holds a writer until CLIENT UNPAUSE; readers go on") {
  ServerProcess server;
  RawClient admin(server.port()), writer(server.port()), reader(server.port());
  const int64_t writer_id = writer.Exec({"CLIENT", "ID"}).integer;
  REQUIRE(writer.Call({"SET", "k", "old"}) == kOk);
  REQUIRE(admin.Call({"CLIENT", "PAUSE", "60000", "WRITE"}) == kOk);

  writer.Send(Command({"SET", "k", "new"}));
  writer.Send(Command({"GET", "k"}));  // waits behind the held write
  // The write is held: the writer shows as blocked, on SET.
  CHECK(WaitFor([&] {
    const std::string line = ListLine(admin, writer_id);
    return FieldOf(line, "flags") == "b" && FieldOf(line, "cmd") == "set";
  }));
  CHECK(reader.Call({"GET", "k"}) == Bulk("old"));
  CHECK(admin.Call({"GET", "k"}) == Bulk("old"));

  CHECK(admin.Call({"CLIENT", "UNPAUSE"}) == kOk);
  CHECK(writer.ReadReply().raw == kOk);
  CHECK(writer.ReadReply().raw == Bulk("new"));
  CHECK(reader.Call({"GET", "k"}) == Bulk("new"));
}

TEST_CASE("during CLIENT PAUSE WRITE an expired key reads as absent but stays until the end") {
  ServerProcess server;
  RawClient c(server.port());
  REQUIRE(c.Call({"SET", "k", "v", "PX", "20"}) == kOk);
  REQUIRE(c.Call({"CLIENT", "PAUSE", "60000", "WRITE"}) == kOk);
  REQUIRE(WaitFor([&] { return c.Exec({"GET", "k"}).null; }));
  CHECK(c.Call({"EXISTS", "k"}) == Int(0));
  // Still in the dataset, and not counted as expired.
  CHECK(c.Call({"DBSIZE"}) == Int(1));
  CHECK(InfoField(c, "stats", "expired_keys") == "0");

  REQUIRE(c.Call({"CLIENT", "UNPAUSE"}) == kOk);
  CHECK(c.Exec({"GET", "k"}).null);  // the read deletes it now
  CHECK(c.Call({"DBSIZE"}) == Int(0));
  CHECK(InfoField(c, "stats", "expired_keys") == "1");
}

TEST_CASE("a paused client's commands run when the pause times out") {
  ServerProcess server;
  RawClient admin(server.port()), client(server.port());
  REQUIRE(admin.Call({"CLIENT", "PAUSE", "300"}) == kOk);  // ALL
  client.Send(Command({"INCR", "n"}));
  client.Send(Command({"PING"}));
  CHECK(client.ReadReply().raw == Int(1));
  CHECK(client.ReadReply().raw == "+PONG\r\n");
}

TEST_CASE("CLIENT REPLY OFF, ON and SKIP") {
  ServerProcess server;
  RawClient c(server.port());
  std::string pipeline;
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"CLIENT", "REPLY", "SKIP"},
                                             {"PING"},
                                             {"ECHO", "a"},
                                             {"CLIENT", "REPLY", "OFF"},
                                             {"SET", "k", "v"},
                                             {"NOSUCHCOMMAND"},
                                             {"CLIENT", "REPLY", "SKIP"},
                                             {"CLIENT", "REPLY", "ON"},
                                             {"GET", "k"},
                                             {"CLIENT", "REPLY", "SKIP"},
                                             {"BLPOP", "nolist", "0.05"},
                                             {"ECHO", "c"}}) {
    pipeline += Command(cmd);
  }
  c.Send(pipeline);
  CHECK(c.ReadReply().raw == Bulk("a"));
  CHECK(c.ReadReply().raw == kOk);
  CHECK(c.ReadReply().raw == Bulk("v"));
  // The BLPOP that timed out replied nothing.
  CHECK(c.ReadReply().raw == Bulk("c"));
  CHECK(c.Call({"CLIENT", "REPLY", "maybe"}) == kSyntaxErr);
}

TEST_CASE("timeout closes idle clients, not subscribers nor blocked clients") {
  ServerProcess server;
  RawClient admin(server.port());
  RawClient subscriber(server.port()), blocked(server.port());
  REQUIRE(subscriber.Exec({"SUBSCRIBE", "ch"}).type == '*');
  blocked.Send(Command({"BLPOP", "q", "0"}));
  RawClient idle(server.port());
  REQUIRE(idle.Call({"PING"}) == "+PONG\r\n");
  REQUIRE(admin.Call({"CONFIG", "SET", "timeout", "1"}) == kOk);
  CHECK(admin.Call({"CONFIG", "GET", "timeout"}) == Arr({Bulk("timeout"), Bulk("1")}));

  // Closed by the server once idle for more than a second (bounded by RawClient's deadline).
  CHECK(idle.ReadUntilClosed() == "");
  // The subscriber and the blocked client, idle longer still, are there.
  RawClient fresh(server.port());  // the admin, idle as well, may be gone too
  REQUIRE(fresh.Call({"CONFIG", "SET", "timeout", "0"}) == kOk);
  CHECK(fresh.Call({"PUBLISH", "ch", "hi"}) == Int(1));
  Reply message = subscriber.ReadReply();
  REQUIRE(message.elements.size() == 3);
  CHECK(message.elements[2].str == "hi");
  CHECK(fresh.Call({"RPUSH", "q", "x"}) == Int(1));
  CHECK(blocked.ReadReply().raw == Arr({Bulk("q"), Bulk("x")}));
}

TEST_CASE("MONITOR streams every command as Redis formats it") {
  ServerProcess server;
  RawClient monitor(server.port()), c(server.port());
  REQUIRE(monitor.Call({"MONITOR"}) == kOk);
  const std::string info = c.Exec({"CLIENT", "INFO"}).str;  // admin-free, so shown
  const std::string addr = FieldOf(info, "addr");
  REQUIRE(c.Call({"SET", "k", "a \"b\"\n"}) == kOk);
  REQUIRE(c.Call({"AUTH", "nobody", "secret"}).rfind("-WRONGPASS", 0) == 0);
  REQUIRE(c.Call({"CONFIG", "GET", "hz"}).rfind("*2", 0) == 0);  // admin: not shown
  REQUIRE(c.Call({"SELECT", "2"}) == kOk);

  // "<sec>.<usec> [<db> <addr>] <args>"
  auto expect = [&](const std::string& db, const std::string& args) {
    Reply line = monitor.ReadReply();
    CHECK(line.type == '+');
    const size_t close = line.str.find("] ");
    REQUIRE(close != std::string::npos);
    CHECK(line.str.substr(close + 2) == args);
    const std::string head = line.str.substr(0, close + 1);
    CHECK_MESSAGE(std::regex_match(head, std::regex("[0-9]+\\.[0-9]{6} \\[.*\\]")), head);
    CHECK(head.substr(head.find('[')) == "[" + db + " " + addr + "]");
  };
  expect("0", "\"CLIENT\" \"INFO\"");
  expect("0", "\"SET\" \"k\" \"a \\\"b\\\"\\n\"");
  expect("0", "\"AUTH\" \"(redacted)\" \"(redacted)\"");
  expect("2", "\"SELECT\" \"2\"");
  // A monitor may not touch the keyspace (RESP2), but PING works.
  CHECK(monitor.Call({"GET", "k"}) == Err("ERR Replica can't interact with the keyspace"));
  CHECK(monitor.Call({"PING"}) == "+PONG\r\n");
  CHECK(Contains(monitor.ReadReply().str, "\"PING\""));  // its own command, after the reply
}

TEST_CASE("CLIENT KILL by LADDR, USER, TYPE and MAXAGE") {
  ServerProcess server;
  RawClient admin(server.port()), a(server.port()), sub(server.port());
  REQUIRE(sub.Exec({"SUBSCRIBE", "ch"}).type == '*');
  const std::string laddr = "127.0.0.1:" + std::to_string(server.port());

  auto clients = [&] { return Lines(admin.Exec({"CLIENT", "LIST"}).str).size(); };
  CHECK(admin.Call({"CLIENT", "KILL", "TYPE", "pubsub"}) == Int(1));
  CHECK(sub.ReadUntilClosed() == "");
  CHECK(WaitFor([&] { return clients() == 2; }));  // the close is registered
  CHECK(admin.Call({"CLIENT", "KILL", "LADDR", "127.0.0.1:1"}) == Int(0));
  CHECK(admin.Call({"CLIENT", "KILL", "USER", "nobody"}) == Err("ERR No such user 'nobody'"));
  CHECK(admin.Call({"CLIENT", "KILL", "LADDR", laddr, "USER", "default"}) == Int(1));
  CHECK(a.ReadUntilClosed() == "");
  if (Expects72()) {
    RawClient b(server.port());
    REQUIRE(b.Call({"PING"}) == "+PONG\r\n");
    CHECK(WaitFor([&] { return clients() == 2; }));
    CHECK(admin.Call({"CLIENT", "KILL", "MAXAGE", "1000"}) == Int(0));
    CHECK(WaitFor([&] { return admin.Call({"CLIENT", "KILL", "MAXAGE", "1"}) == Int(1); }));
    CHECK(b.ReadUntilClosed() == "");
  }
}

TEST_CASE("CLIENT NO-EVICT shows as flag e") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"CLIENT", "NO-EVICT", "on"}) == kOk);
  CHECK(FieldOf(c.Exec({"CLIENT", "INFO"}).str, "flags") == "e");
  CHECK(c.Call({"CLIENT", "NO-EVICT", "off"}) == kOk);
  CHECK(FieldOf(c.Exec({"CLIENT", "INFO"}).str, "flags") == "N");
}

}  // namespace
}  // namespace kvd::e2e
