// PING, ECHO, QUIT, SELECT, HELLO, RESET, AUTH.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

// A second connection that has not authenticated yet, as the network layer creates it.
struct Connection {
  explicit Connection(Harness& h) : h(h) {
    state.authenticated = h.config.values().requirepass.empty();
    h.server.AddClient(state);
  }
  ~Connection() { h.server.RemoveClient(state); }
  std::string Run(std::vector<std::string_view> args) {
    std::string out;
    h.dispatcher.Execute(state, args, out);
    return out;
  }
  Harness& h;
  ClientState state;
};

TEST_CASE("PING and ECHO") {
  Harness h;
  CHECK(h.Run({"PING"}) == "+PONG\r\n");
  CHECK(h.Run({"ping", "hello world"}) == "$11\r\nhello world\r\n");
  CHECK(h.Run({"PING", "a", "b"}) == "-ERR wrong number of arguments for 'ping' command\r\n");
  CHECK(h.Run({"ECHO", "x\r\ny"}) == "$4\r\nx\r\ny\r\n");
  CHECK(h.Run({"ECHO"}) == "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST_CASE("QUIT replies OK and asks the connection to close after the reply") {
  Harness h;
  CHECK_FALSE(h.client.close_after_reply);
  CHECK(h.Run({"QUIT"}) == "+OK\r\n");
  CHECK(h.client.close_after_reply);
}

TEST_CASE("SELECT switches database within range") {
  Harness h;
  CHECK(h.Run({"SELECT", "3"}) == "+OK\r\n");
  CHECK(h.client.db == 3);
  CHECK(h.Run({"SELECT", "15"}) == "+OK\r\n");
  CHECK(h.Run({"SELECT", "16"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"SELECT", "-1"}) == "-ERR DB index is out of range\r\n");
  CHECK(h.Run({"SELECT", "x"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.Run({"SELECT", "4294967296"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.client.db == 15);
}

TEST_CASE("HELLO without a version reports the server in the current protocol") {
  Harness h;
  const std::string id = std::to_string(h.client.id);
  CHECK(h.Run({"HELLO"}) ==
        "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.4\r\n"
        "$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:" +
            id +
            "\r\n"
            "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
            "$7\r\nmodules\r\n*0\r\n");
  CHECK(h.client.resp == 2);
}

TEST_CASE("HELLO 3 answers in RESP3 and switches later replies to RESP3") {
  Harness h;
  CHECK(h.Run({"CLIENT", "GETNAME"}) == "$-1\r\n");
  std::string reply = h.Run({"HELLO", "3"});
  CHECK(reply.rfind("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n", 0) == 0);
  CHECK(reply.find("$5\r\nproto\r\n:3\r\n") != std::string::npos);
  CHECK(h.client.resp == 3);
  CHECK(h.Run({"CLIENT", "GETNAME"}) == "_\r\n");
  CHECK(h.Run({"CONFIG", "GET", "maxmemory"}) == "%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  CHECK(h.Run({"HELLO", "2"}).rfind("*14\r\n", 0) == 0);
  CHECK(h.Run({"CLIENT", "GETNAME"}) == "$-1\r\n");
}

TEST_CASE("HELLO errors") {
  Harness h;
  CHECK(h.Run({"HELLO", "4"}) == "-NOPROTO unsupported protocol version\r\n");
  CHECK(h.Run({"HELLO", "1"}) == "-NOPROTO unsupported protocol version\r\n");
  CHECK(h.Run({"HELLO", "x"}) == "-ERR Protocol version is not an integer or out of range\r\n");
  CHECK(h.Run({"HELLO", "3", "auth", "default"}) == "-ERR Syntax error in HELLO option 'auth'\r\n");
  CHECK(h.Run({"HELLO", "3", "SETNAME"}) == "-ERR Syntax error in HELLO option 'SETNAME'\r\n");
  CHECK(h.Run({"HELLO", "3", "foo"}) == "-ERR Syntax error in HELLO option 'foo'\r\n");
  CHECK(h.Run({"HELLO", "3", "SETNAME", "a b"}) ==
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  CHECK(h.client.resp == 2);  // a failed HELLO changes nothing
}

TEST_CASE("HELLO SETNAME names the connection") {
  Harness h;
  CHECK(h.Run({"HELLO", "2", "SETNAME", "worker-1"}).rfind("*14\r\n", 0) == 0);
  CHECK(h.Run({"CLIENT", "GETNAME"}) == "$8\r\nworker-1\r\n");
}

TEST_CASE("AUTH without requirepass") {
  Harness h;
  CHECK(h.Run({"AUTH", "x"}) ==
        "-ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?\r\n");
  CHECK(h.Run({"AUTH", "default", "anything"}) == "+OK\r\n");  // the default user is nopass
  CHECK(h.Run({"AUTH", "alice", "x"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(h.Run({"AUTH", "a", "b", "c"}) == "-ERR syntax error\r\n");
}

TEST_CASE("AUTH with requirepass set through CONFIG SET") {
  Harness h;
  REQUIRE(h.Run({"CONFIG", "SET", "requirepass", "s3cret"}) == "+OK\r\n");
  CHECK(h.Run({"PING"}) == "+PONG\r\n");  // already authenticated before the password was set

  Connection c(h);
  CHECK_FALSE(c.state.authenticated);
  CHECK(c.Run({"PING"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(c.Run({"AUTH", "wrong"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(c.Run({"AUTH", "s3cre"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(c.Run({"AUTH", "alice", "s3cret"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(c.Run({"PING"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(c.Run({"AUTH", "s3cret"}) == "+OK\r\n");
  CHECK(c.Run({"PING"}) == "+PONG\r\n");

  Connection d(h);
  CHECK(d.Run({"AUTH", "default", "s3cret"}) == "+OK\r\n");
  CHECK(d.Run({"PING"}) == "+PONG\r\n");
}

TEST_CASE("HELLO with requirepass: NOAUTH, or authenticate and switch in one go") {
  Harness h;
  REQUIRE(h.Run({"CONFIG", "SET", "requirepass", "pw"}) == "+OK\r\n");
  Connection c(h);
  CHECK(c.Run({"HELLO", "3"}) ==
        "-NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
        "select the RESP protocol version at the same time\r\n");
  CHECK(c.Run({"HELLO", "3", "AUTH", "default", "nope"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(c.state.resp == 2);
  CHECK(c.Run({"HELLO", "3", "AUTH", "default", "pw", "SETNAME", "app"}).rfind("%7\r\n", 0) == 0);
  CHECK(c.state.authenticated);
  CHECK(c.state.resp == 3);
  CHECK(c.state.name() == "app");
}

TEST_CASE("RESET restores a fresh connection's state") {
  Harness h;
  REQUIRE(h.Run({"SELECT", "5"}) == "+OK\r\n");
  REQUIRE(h.Run({"HELLO", "3", "SETNAME", "n1"}).rfind("%7", 0) == 0);
  REQUIRE(h.Run({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}) == "+OK\r\n");
  CHECK(h.Run({"RESET"}) == "+RESET\r\n");
  CHECK(h.client.db == 0);
  CHECK(h.client.resp == 2);
  CHECK(h.client.name().empty());
  CHECK(h.client.lib_name() == "redis-py");  // Redis keeps the library attributes
  CHECK(h.Run({"CLIENT", "GETNAME"}) == "$-1\r\n");
  CHECK(h.client.authenticated);  // no password: everyone is authenticated
}

TEST_CASE("RESET deauthenticates when a password is set") {
  Harness h;
  REQUIRE(h.Run({"CONFIG", "SET", "requirepass", "pw"}) == "+OK\r\n");
  CHECK(h.Run({"RESET"}) == "+RESET\r\n");
  CHECK_FALSE(h.client.authenticated);
  CHECK(h.Run({"PING"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(h.Run({"AUTH", "pw"}) == "+OK\r\n");
  CHECK(h.Run({"PING"}) == "+PONG\r\n");
}

}  // namespace
}  // namespace kvd::testing
