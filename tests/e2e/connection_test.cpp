// Connection commands end to end: PING, ECHO, QUIT, SELECT, HELLO and RESP3, RESET, AUTH.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

TEST_CASE("PING, ECHO, QUIT") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"PING"}) == "+PONG\r\n");
  CHECK(c.Call({"PING", "hello world"}) == Bulk("hello world"));
  CHECK(c.Call({"ping", "a", "b"}) == ArityErr("ping"));
  CHECK(c.Call({"ECHO", "x\r\ny"}) == Bulk("x\r\ny"));
  CHECK(c.Call({"ECHO"}) == ArityErr("echo"));
  CHECK(c.Call({"ECHO", "a", "b"}) == ArityErr("echo"));
  c.Send(Command({"QUIT"}));
  CHECK(c.ReadUntilClosed() == kOk);
  // The server is still there for others.
  RawClient other(server.port());
  CHECK(other.Call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("SELECT switches the database of this connection only") {
  ServerProcess server;
  RawClient c(server.port());
  RawClient other(server.port());
  CHECK(c.Call({"SELECT", "15"}) == kOk);
  CHECK(c.Call({"SET", "k", "in15"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(1));
  CHECK(other.Call({"GET", "k"}) == kNil);
  CHECK(other.Call({"DBSIZE"}) == Int(0));
  CHECK(c.Call({"SELECT", "0"}) == kOk);
  CHECK(c.Call({"GET", "k"}) == kNil);
  CHECK(c.Call({"SELECT", "16"}) == Err("ERR DB index is out of range"));
  CHECK(c.Call({"SELECT", "-1"}) == Err("ERR DB index is out of range"));
  CHECK(c.Call({"SELECT", "abc"}) == kNotIntErr);
  CHECK(c.Call({"SELECT"}) == ArityErr("select"));
  CHECK(Contains(c.Exec({"CLIENT", "INFO"}).str, " db=0 "));  // unchanged by the errors
}

TEST_CASE("HELLO replies with the server map in RESP2 and RESP3") {
  ServerProcess server;
  RawClient c(server.port());
  const int64_t id = c.Exec({"CLIENT", "ID"}).integer;

  Reply hello = c.Exec({"HELLO"});
  REQUIRE(hello.type == '*');
  REQUIRE(hello.elements.size() == 14);
  CHECK(hello.Field("server")->str == "redis");
  CHECK(hello.Field("proto")->raw == Int(2));
  CHECK(hello.Field("id")->raw == Int(id));
  CHECK(hello.Field("mode")->str == "standalone");
  CHECK(hello.Field("role")->str == "master");
  CHECK(hello.Field("modules")->raw == "*0\r\n");
  if (TestingKvd()) CHECK(hello.Field("version")->str.rfind("7.2.", 0) == 0);

  hello = c.Exec({"HELLO", "3"});
  REQUIRE(hello.type == '%');
  REQUIRE(hello.elements.size() == 14);
  CHECK(hello.raw.rfind("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n", 0) == 0);
  CHECK(hello.Field("proto")->raw == Int(3));
  CHECK(hello.Field("modules")->raw == "*0\r\n");

  CHECK(c.Call({"HELLO", "4"}) == Err("NOPROTO unsupported protocol version"));
  CHECK(c.Call({"HELLO", "1"}) == Err("NOPROTO unsupported protocol version"));
  CHECK(c.Call({"HELLO", "abc"}) ==
        Err("ERR Protocol version is not an integer or out of range"));
  CHECK(c.Call({"HELLO", "3", "BOGUS"}) == Err("ERR Syntax error in HELLO option 'BOGUS'"));
  CHECK(c.Call({"HELLO", "3", "SETNAME", "a b"}) ==
        Err("ERR Client names cannot contain spaces, newlines or special characters."));
  // A failed HELLO changes nothing: still RESP3.
  CHECK(c.Call({"GET", "missing"}) == "_\r\n");

  hello = c.Exec({"HELLO", "2", "SETNAME", "conn-a"});
  CHECK(hello.type == '*');
  CHECK(c.Call({"CLIENT", "GETNAME"}) == Bulk("conn-a"));
  CHECK(c.Call({"GET", "missing"}) == kNil);
}

TEST_CASE("RESP3 reply types after HELLO 3, RESP2 again after HELLO 2") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "a", "1"}) == kOk);
  c.Exec({"HELLO", "3"});
  CHECK(c.Call({"GET", "missing"}) == "_\r\n");
  CHECK(c.Call({"GET", "a"}) == Bulk("1"));
  CHECK(c.Call({"MGET", "a", "missing"}) == "*2\r\n$1\r\n1\r\n_\r\n");
  CHECK(c.Call({"SET", "b", "2", "GET"}) == "_\r\n");
  CHECK(c.Call({"EXISTS", "a", "b"}) == Int(2));
  CHECK(c.Call({"CONFIG", "GET", "hz"}) == "%1\r\n$2\r\nhz\r\n$2\r\n10\r\n");
  CHECK(c.Call({"INCRBYFLOAT", "f", "1.5"}) == Bulk("1.5"));  // a bulk string, even in RESP3
  CHECK(c.Call({"RANDOMKEY", "x"}) == ArityErr("randomkey"));

  Reply info = c.Exec({"CLIENT", "INFO"});
  CHECK(info.type == '=');
  CHECK(info.str.rfind("txt:id=", 0) == 0);
  CHECK(Contains(info.Text(), " resp=3"));
  info = c.Exec({"INFO", "server"});
  CHECK(info.type == '=');
  CHECK(Contains(info.Text(), "# Server"));

  Reply docs = c.Exec({"COMMAND", "DOCS", "get"});
  REQUIRE(docs.type == '%');
  REQUIRE(docs.Field("get") != nullptr);
  CHECK(docs.Field("get")->type == '%');

  c.Exec({"HELLO", "2"});
  CHECK(c.Call({"GET", "missing"}) == kNil);
  CHECK(c.Call({"CONFIG", "GET", "hz"}) == Arr({Bulk("hz"), Bulk("10")}));
  CHECK(c.Exec({"CLIENT", "INFO"}).type == '$');
}

TEST_CASE("RESET restores the connection's defaults") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SELECT", "3"}) == kOk);
  CHECK(c.Call({"CLIENT", "SETNAME", "before"}) == kOk);
  c.Exec({"HELLO", "3"});
  CHECK(c.Call({"RESET"}) == "+RESET\r\n");
  CHECK(c.Call({"CLIENT", "GETNAME"}) == kNil);
  CHECK(c.Call({"GET", "missing"}) == kNil);  // RESP2 again
  std::string info = c.Exec({"CLIENT", "INFO"}).str;
  CHECK(Contains(info, " db=0 "));
  CHECK(Contains(info, " resp=2"));
  CHECK(c.Call({"RESET", "x"}) == ArityErr("reset"));
}

TEST_CASE("AUTH with requirepass") {
  ServerProcess server({"--requirepass", "s3cret"});
  RawClient c(server.port());
  const std::string noauth = Err("NOAUTH Authentication required.");
  const std::string wrongpass =
      Err("WRONGPASS invalid username-password pair or user is disabled.");
  CHECK(c.Call({"PING"}) == noauth);
  CHECK(c.Call({"GET", "k"}) == noauth);
  // Unknown commands are reported as such even before AUTH.
  CHECK(c.Call({"NOSUCHCOMMAND"}) ==
        Err("ERR unknown command 'NOSUCHCOMMAND', with args beginning with: "));
  CHECK(c.Call({"AUTH", "wrong"}) == wrongpass);
  CHECK(c.Call({"AUTH", "default", "wrong"}) == wrongpass);
  CHECK(c.Call({"AUTH", "a", "b", "c"}) == kSyntaxErr);
  // Redis 7.2 text ("HELLO <proto> AUTH"); 7.0 said "HELLO AUTH".
  CHECK(c.Call({"HELLO", "3"}) ==
        Err(std::string("NOAUTH HELLO must be called with the client already authenticated, "
                        "otherwise the HELLO ") +
            (Expects72() ? "<proto> " : "") +
            "AUTH <user> <pass> option can be used to authenticate the client and select the "
            "RESP protocol version at the same time"));
  CHECK(c.Call({"HELLO", "3", "AUTH", "default", "wrong"}) == wrongpass);
  CHECK(c.Call({"GET", "k"}) == noauth);
  CHECK(c.Call({"AUTH", "s3cret"}) == kOk);
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CHECK(c.Call({"GET", "k"}) == Bulk("v"));
  // RESET logs the connection out again.
  CHECK(c.Call({"RESET"}) == "+RESET\r\n");
  CHECK(c.Call({"GET", "k"}) == noauth);
  CHECK(c.Call({"AUTH", "default", "s3cret"}) == kOk);
  CHECK(c.Call({"GET", "k"}) == Bulk("v"));

  RawClient d(server.port());
  Reply hello = d.Exec({"HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "d"});
  CHECK(hello.type == '%');
  CHECK(d.Call({"CLIENT", "GETNAME"}) == Bulk("d"));
  CHECK(d.Call({"GET", "k"}) == Bulk("v"));

  // QUIT needs no authentication.
  RawClient e(server.port());
  e.Send(Command({"QUIT"}));
  CHECK(e.ReadUntilClosed() == kOk);
}

TEST_CASE("until it authenticates, a client gets Redis's smaller request limits") {
  ServerProcess server({"--requirepass", "s3cret"});
  // More than 10 elements, or a bulk over 16 KB: a protocol error, then the close.
  RawClient many(server.port());
  many.Send(Command(std::vector<std::string>(11, "a")));
  CHECK(many.ReadUntilClosed() == Err("ERR Protocol error: unauthenticated multibulk length"));
  RawClient big(server.port());
  big.Send(Command({"ECHO", std::string(16385, 'x')}));
  CHECK(big.ReadUntilClosed() == Err("ERR Protocol error: unauthenticated bulk length"));

  // An AUTH earlier in the same pipeline lifts them for what follows it, as in Redis.
  std::vector<std::string> mset{"MSET"};
  for (int i = 0; i < 10; ++i) {
    mset.push_back("k" + std::to_string(i));
    mset.push_back("v");
  }
  const std::string big_value(20000, 'y');
  RawClient c(server.port());
  c.SendOnly(Command({"AUTH", "s3cret"}) + Command(mset) + Command({"ECHO", big_value}));
  CHECK(c.ReadReply().raw == kOk);
  CHECK(c.ReadReply().raw == kOk);
  CHECK(c.ReadReply().raw == Bulk(big_value));
  // RESET logs the client out: the limits are back.
  CHECK(c.Call({"RESET"}) == "+RESET\r\n");
  c.Send(Command(mset));
  CHECK(c.ReadUntilClosed() == Err("ERR Protocol error: unauthenticated multibulk length"));

  // A failed AUTH leaves them in place.
  RawClient d(server.port());
  d.Send(Command({"AUTH", "wrong"}) + Command(mset));
  CHECK(d.ReadUntilClosed() ==
        Err("WRONGPASS invalid username-password pair or user is disabled.") +
            Err("ERR Protocol error: unauthenticated multibulk length"));
  RawClient e(server.port());
  CHECK(e.Call({"AUTH", "s3cret"}) == kOk);
  CHECK(e.Call({"GET", "k9"}) == Bulk("v"));
}

TEST_CASE("AUTH without requirepass") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"AUTH", "x"}) ==
        Err("ERR AUTH <password> called without any password configured for the default "
            "user. Are you sure your configuration is correct?"));
  CHECK(c.Call({"AUTH"}) == ArityErr("auth"));
  CHECK(c.Call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("a pipeline bigger than the read buffer gets every reply, in order") {
  // About 200 KB of input (several reads) and 100 KB of replies: they go out in pieces
  // while reading goes on, and the rest once the input is done.
  ServerProcess server;
  RawClient c(server.port());
  const std::string value(100, 'x');
  std::string pipeline;
  for (int i = 0; i < 1000; ++i) {
    pipeline += Command({"SET", "k" + std::to_string(i), value});
    pipeline += Command({"GET", "k" + std::to_string(i)});
  }
  c.SendOnly(pipeline);
  for (int i = 0; i < 1000; ++i) {
    CAPTURE(i);
    REQUIRE(c.ReadReply().raw == kOk);
    REQUIRE(c.ReadReply().raw == Bulk(value));
  }
  CHECK(c.Call({"DBSIZE"}) == Int(1000));
}

TEST_CASE("a big pipeline is answered as it runs, and others are served meanwhile") {
  // Scripts that each spin a while and count: ~110 KB of them reach the socket long before
  // the first 32 KB read has run. The connection reads the rest a piece at a time, in turn
  // with the others, so its first replies and another client's reply come while most of
  // its pipeline is still waiting.
  ServerProcess server;
  RawClient bulk(server.port());
  RawClient other(server.port());
  constexpr int kCommands = 1000;
  const std::string script =
      "local i = 0 while i < 20000 do i = i + 1 end return redis.call('INCR', KEYS[1])";
  std::string pipeline;
  for (int i = 0; i < kCommands; ++i) pipeline += Command({"EVAL", script, "1", "n"});
  bulk.SendOnly(pipeline);
  REQUIRE(bulk.ReadReply().raw == Int(1));
  const Reply seen = other.Exec({"GET", "n"});
  CHECK(std::stoi(seen.str) < kCommands);
  for (int i = 2; i <= kCommands; ++i) {
    CAPTURE(i);
    REQUIRE(bulk.ReadReply().raw == Int(i));
  }
  CHECK(other.Call({"GET", "n"}) == Bulk(std::to_string(kCommands)));
}

TEST_CASE("with several I/O threads, clients on every thread are served in order") {
  // Each connection then runs on a strand of its own: its replies, and the messages pushed
  // to a subscriber from other threads, stay whole and in order.
  ServerProcess server({"--io-threads", "4"});
  RawClient subscriber(server.port());
  subscriber.Send(Command({"SUBSCRIBE", "ch"}));
  REQUIRE(subscriber.ReadReply().elements.size() == 3);
  constexpr int kClients = 8;
  constexpr int kRounds = 200;
  std::vector<std::thread> threads;
  std::vector<std::string> failures(kClients);
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      RawClient c(server.port());
      const std::string key = "k" + std::to_string(t);
      for (int i = 1; i <= kRounds; ++i) {
        // A pipeline of three: the per-client counter, the shared one, a message.
        c.SendOnly(Command({"INCR", key}) + Command({"INCR", "shared"}) +
                   Command({"PUBLISH", "ch", key + ":" + std::to_string(i)}));
        const Reply own = c.ReadReply();
        const Reply shared = c.ReadReply();
        const Reply published = c.ReadReply();
        if (own.raw != Int(i) || shared.type != ':' || published.raw != Int(1)) {
          failures[t] = "round " + std::to_string(i) + ": " + own.raw + shared.raw + published.raw;
          return;
        }
      }
    });
  }
  // Every message arrives whole; each client's arrive in the order it published them.
  std::vector<int> last(kClients, 0);
  for (int n = 0; n < kClients * kRounds; ++n) {
    const Reply m = subscriber.ReadReply();
    REQUIRE(m.elements.size() == 3);
    const std::string text = m.elements[2].str;
    const size_t colon = text.find(':');
    REQUIRE(colon != std::string::npos);
    const int client = std::stoi(text.substr(1, colon - 1));
    const int round = std::stoi(text.substr(colon + 1));
    REQUIRE(round == last[client] + 1);
    last[client] = round;
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& f : failures) CHECK(f == "");
  RawClient c(server.port());
  CHECK(c.Call({"GET", "shared"}) == Bulk(std::to_string(kClients * kRounds)));
}

}  // namespace
}  // namespace kvd::e2e
