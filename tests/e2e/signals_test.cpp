// Signals and shutdown: SIGHUP reopens the log file (log rotation), a second SIGINT exits at
// once, and a shutdown that a busy script holds up goes ahead once shutdown-timeout passes
// (saving, unless the script has written).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

// Starts a script that loops until stopped and waits until the server says it is slow.
void StartLoopingScript(ServerProcess& server, RawClient& client, const std::string& body) {
  client.SendOnly(Command({"EVAL", body, "0"}));
  REQUIRE(WaitFor([&] { return Contains(server.Log(), "Slow script detected"); }));
}

// A server that saves at shutdown and waits at most 1 s for a busy script to end.
const std::vector<std::string> kShortShutdownTimeout = {
    "--busy-reply-threshold", "50", "--shutdown-timeout", "1", "--save", "3600 1"};

// Runs `body` as a looping script, sends SIGTERM and returns how the server ended.
ExitResult SigtermDuringScript(ServerProcess& server, const std::string& body) {
  RawClient looping(server.port());
  StartLoopingScript(server, looping, body);
  REQUIRE(kill(server.pid(), SIGTERM) == 0);
  return server.WaitExit();
}

TEST_CASE("SIGHUP reopens the log file, so a rotated log goes on in a new file") {
  if (!TestingKvd()) return;
  // The harness reads server.log in the server's directory: log there, by name.
  ServerProcess server({"--logfile", "server.log"});
  const std::string log = server.dir() + "/server.log";
  const std::string rotated = server.dir() + "/server.log.1";
  REQUIRE(std::rename(log.c_str(), rotated.c_str()) == 0);
  REQUIRE(kill(server.pid(), SIGHUP) == 0);
  REQUIRE(WaitFor([&] { return Contains(Slurp(log), "Received SIGHUP, log file reopened"); }));
  RawClient c(server.port());
  REQUIRE(c.Call({"SAVE"}) == kOk);
  REQUIRE(WaitFor([&] { return Contains(Slurp(log), "DB saved on disk"); }));
  const std::string old_lines = Slurp(rotated);
  CHECK(Contains(old_lines, "Ready to accept connections"));
  CHECK_FALSE(Contains(old_lines, "DB saved on disk"));
  CHECK_FALSE(Contains(Slurp(log), "Ready to accept connections"));
}

TEST_CASE("a second SIGINT during a held-up shutdown exits at once") {
  if (!TestingKvd()) return;
  ServerProcess server({"--busy-reply-threshold", "50", "--shutdown-timeout", "600"});
  RawClient looping(server.port());
  StartLoopingScript(server, looping, "while true do end");
  REQUIRE(kill(server.pid(), SIGINT) == 0);
  REQUIRE(WaitFor([&] { return Contains(server.Log(), "Received SIGINT scheduling shutdown"); }));
  REQUIRE(kill(server.pid(), SIGINT) == 0);
  ExitResult exit = server.WaitExit();
  CHECK(exit.exited);
  CHECK(exit.code == 1);
  CHECK(Contains(exit.output, "You insist... exiting now."));
}

TEST_CASE("shutdown-timeout: a read-only script is killed and the shutdown saves") {
  if (!TestingKvd()) return;
  ServerProcess server(kShortShutdownTimeout);
  RawClient c(server.port());
  REQUIRE(c.Call({"SET", "kept", "1"}) == kOk);
  ExitResult exit = SigtermDuringScript(server, "while true do end");
  CHECK(exit.exited);
  CHECK(exit.code == 0);
  CHECK(Contains(exit.output, "still running past shutdown-timeout"));
  CHECK(Contains(exit.output, "DB saved on disk"));
  CHECK(Exists(server.dir() + "/dump.rdb"));
}

TEST_CASE("shutdown-timeout: a script that has written ends the server without a save") {
  if (!TestingKvd()) return;
  ServerProcess server(kShortShutdownTimeout);
  ExitResult exit =
      SigtermDuringScript(server, "redis.call('set', 'half', 'done') while true do end");
  CHECK(exit.exited);
  CHECK(exit.code == 0);
  CHECK(Contains(exit.output, "still running past shutdown-timeout"));
  CHECK_FALSE(Contains(exit.output, "DB saved on disk"));
  // Its half-done write never reached the disk.
  CHECK_FALSE(Exists(server.dir() + "/dump.rdb"));
}

}  // namespace
}  // namespace kvd::e2e
