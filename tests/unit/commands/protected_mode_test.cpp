// Protected mode: who counts as local, and when outsiders are refused.
#include "server/protected_mode.h"

#include <doctest/doctest.h>

#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

TEST_CASE("protected mode: the loopback interface is local, in IPv4, IPv6 and mapped form") {
  for (std::string_view ip : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    CAPTURE(ip);
    CHECK(IsLoopbackAddress(ip));
  }
  for (std::string_view ip : {"192.0.2.2", "10.0.0.1", "::ffff:10.0.0.1", "fd00::2", "::", ""}) {
    CAPTURE(ip);
    CHECK_FALSE(IsLoopbackAddress(ip));
  }
}

TEST_CASE("protected mode refuses outsiders only while on and without a password") {
  Harness h;
  CHECK(h.server.config.values().protected_mode);  // Redis's default
  CHECK(ProtectedModeRefuses(h.server, "192.0.2.2"));
  CHECK_FALSE(ProtectedModeRefuses(h.server, "127.0.0.1"));
  REQUIRE(h.Run({"CONFIG", "SET", "requirepass", "secret"}) == "+OK\r\n");
  CHECK_FALSE(ProtectedModeRefuses(h.server, "192.0.2.2"));
  REQUIRE(h.Run({"AUTH", "secret"}) == "+OK\r\n");
  REQUIRE(h.Run({"CONFIG", "SET", "requirepass", ""}) == "+OK\r\n");
  CHECK(ProtectedModeRefuses(h.server, "192.0.2.2"));
  // A password given through ACL counts the same.
  REQUIRE(h.Run({"ACL", "SETUSER", "default", ">pw"}) == "+OK\r\n");
  CHECK_FALSE(ProtectedModeRefuses(h.server, "192.0.2.2"));
  REQUIRE(h.Run({"ACL", "SETUSER", "default", "nopass"}) == "+OK\r\n");
  CHECK(ProtectedModeRefuses(h.server, "192.0.2.2"));
  REQUIRE(h.Run({"CONFIG", "SET", "protected-mode", "no"}) == "+OK\r\n");
  CHECK_FALSE(ProtectedModeRefuses(h.server, "192.0.2.2"));
}

}  // namespace
}  // namespace kvd::testing

namespace kvd::testing {
namespace {

TEST_CASE("a protected action: allowed by yes, by local for loopback and Unix socket clients") {
  ClientState c;
  for (const char* addr : {"127.0.0.1:5000", "[::1]:5000", "/unixsocket:0"}) {
    CAPTURE(addr);
    c.addr = addr;
    CHECK(IsLocalClient(c));
    CHECK(ProtectedActionAllowed("local", c));
    CHECK(ProtectedActionAllowed("yes", c));
    CHECK_FALSE(ProtectedActionAllowed("no", c));
  }
  c.addr = "192.0.2.2:5000";
  CHECK_FALSE(IsLocalClient(c));
  CHECK_FALSE(ProtectedActionAllowed("local", c));
  CHECK(ProtectedActionAllowed("yes", c));
}

TEST_CASE("DEBUG is refused unless enable-debug-command allows it") {
  Harness h;
  CHECK(h.Run({"DEBUG", "SLEEP", "0"}) == "-" + std::string(kDebugCommandNotAllowedErr) + "\r\n");
}

}  // namespace
}  // namespace kvd::testing
