// The process end to end: startup, configuration from file and flags, bad options, signals.
#include <signal.h>

#include <algorithm>
#include <cctype>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

TEST_CASE("startup logs the port it bound, the pid, and readiness") {
  ServerProcess server;
  const std::string log = server.Log();
  CHECK(Contains(log, "port=" + std::to_string(server.port())));
  CHECK(Contains(log, std::to_string(server.pid())));
  CHECK(Contains(log, "Ready to accept connections"));
  RawClient c(server.port());
  CHECK(c.Call({"PING"}) == "+PONG\r\n");
  if (TestingKvd()) {
    // --port 0 picks a free port each time.
    ServerProcess second;
    CHECK(second.port() != server.port());
    RawClient c2(second.port());
    CHECK(c2.Call({"PING"}) == "+PONG\r\n");
  }
}

TEST_CASE("SIGTERM with connected clients: clean exit 0, clients see the close") {
  ServerProcess server;
  RawClient idle(server.port());
  RawClient resp3(server.port());
  RawClient partial(server.port());
  RawClient bulk_writer(server.port());
  CHECK(idle.Call({"PING"}) == "+PONG\r\n");
  CHECK(resp3.Exec({"HELLO", "3"}).type == '%');
  CHECK(bulk_writer.Call({"SET", "big", std::string(1 << 20, 'x')}) == kOk);
  partial.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nonly");  // half a command in flight
  ExitResult r = server.Stop(SIGTERM);
  INFO("server log:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code == 0);
  CHECK(idle.ReadUntilClosed() == "");
  CHECK(resp3.ReadUntilClosed() == "");
  CHECK(partial.ReadUntilClosed() == "");
  CHECK(bulk_writer.ReadUntilClosed() == "");
}

TEST_CASE("SIGINT: clean exit 0") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  ExitResult r = server.Stop(SIGINT);
  INFO("server log:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code == 0);
}

TEST_CASE("a config file sets parameters; command-line flags override it") {
  TempDir conf_dir;
  const std::string conf = conf_dir.Write("test.conf",
                                          "# comment line\n"
                                          "hz 25\n"
                                          "databases 4\n"
                                          "maxmemory-policy noeviction\n"
                                          "requirepass \"from file\"\n");
  ServerProcess server({conf, "--hz", "30"});
  RawClient c(server.port());
  CHECK(c.Call({"GET", "k"}) == Err("NOAUTH Authentication required."));
  CHECK(c.Call({"AUTH", "from file"}) == kOk);
  CHECK(c.Call({"CONFIG", "GET", "hz"}) == Arr({Bulk("hz"), Bulk("30")}));
  CHECK(c.Call({"CONFIG", "GET", "databases"}) == Arr({Bulk("databases"), Bulk("4")}));
  CHECK(c.Call({"SELECT", "3"}) == kOk);
  CHECK(c.Call({"SELECT", "4"}) == Err("ERR DB index is out of range"));
}

TEST_CASE("Redis 7's enable-debug-command and enable-module-command load; DEBUG follows its gate") {
  TempDir conf_dir;
  const std::string conf = conf_dir.Write("redis7.conf",
                                          "enable-debug-command local\n"
                                          "enable-module-command yes\n");
  ServerProcess server({conf});
  RawClient c(server.port());
  CHECK(c.Call({"CONFIG", "GET", "enable-*-command"}) ==
        Arr({Bulk("enable-debug-command"), Bulk("local"), Bulk("enable-module-command"),
             Bulk("yes")}));
  // DEBUG from 127.0.0.1 is local (kvd has no MODULE command, whatever its gate says).
  CHECK(c.Call({"DEBUG", "SLEEP", "0"}) == kOk);
  CHECK(c.Call({"CONFIG", "SET", "enable-debug-command", "yes"}) ==
        Err("ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - "
            "can't set immutable config"));

  ExitResult r = RunServerToExit({"--port", "0", "--enable-debug-command", "always"});
  INFO("output:\n", r.output);
  CHECK(r.code != 0);
  CHECK(Contains(r.output, "enable-debug-command"));
}

TEST_CASE("bad options stop startup with a message naming them") {
  // --port 0 too, so that a server that wrongly starts does not take the default port.
  ExitResult r = RunServerToExit({"--port", "0", "--hz", "abc"});
  INFO("output:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code != 0);
  CHECK(Contains(r.output, "hz"));

  r = RunServerToExit({"--port", "0", "--nonexistent-option", "1"});
  INFO("output:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code != 0);
  CHECK(Contains(r.output, "nonexistent-option"));

  r = RunServerToExit({"--port", "0", "--databases", "-5"});
  INFO("output:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code != 0);
  CHECK(Contains(r.output, "databases"));

  TempDir dir;
  const std::string conf = dir.Write("bad.conf", "hz 10\nbogus-directive yes\n");
  r = RunServerToExit({conf, "--port", "0"});
  INFO("output:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code != 0);
  CHECK(Contains(r.output, "bogus-directive"));

  r = RunServerToExit({dir.path() + "/missing.conf", "--port", "0"});
  INFO("output:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code != 0);
  CHECK(Contains(r.output, "missing.conf"));
}

TEST_CASE("--version and --help") {
  ExitResult r = RunServerToExit({"--version"});
  INFO("output:\n", r.output);
  CHECK(r.exited);
  CHECK(r.code == 0);
  CHECK(!r.output.empty());
  r = RunServerToExit({"--help"});
  INFO("output:\n", r.output);
  CHECK(r.exited);
  CHECK(Contains(Lower(r.output), "usage"));
  if (TestingKvd()) CHECK(r.code == 0);
}

}  // namespace
}  // namespace kvd::e2e
