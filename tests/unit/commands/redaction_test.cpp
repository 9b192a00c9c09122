// Secrets in arguments, hidden from MONITOR and SLOWLOG as Redis hides them.
#include "server/redaction.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace kvd::testing {
namespace {

// The command with its secret arguments replaced, as one string.
std::string Shown(std::vector<std::string_view> args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += IsSecretArgument(args, i) ? kRedactedArgument : args[i];
  }
  return out;
}

TEST_CASE("secret arguments: AUTH, HELLO AUTH, ACL SETUSER rules, CONFIG SET requirepass") {
  CHECK(Shown({"AUTH", "pw"}) == "AUTH (redacted)");
  CHECK(Shown({"auth", "alice", "pw"}) == "auth (redacted) (redacted)");
  CHECK(Shown({"HELLO", "3", "AUTH", "alice", "pw", "SETNAME", "n"}) ==
        "HELLO 3 AUTH (redacted) (redacted) SETNAME n");
  CHECK(Shown({"HELLO", "3", "SETNAME", "auth", "AUTH", "u", "p"}) ==
        "HELLO 3 SETNAME auth AUTH (redacted) (redacted)");
  CHECK(Shown({"ACL", "SETUSER", "alice", "on", ">s3cret", "+@all"}) ==
        "ACL SETUSER alice (redacted) (redacted) (redacted)");
  CHECK(Shown({"acl", "getuser", "alice"}) == "acl getuser alice");
  CHECK(Shown({"CONFIG", "SET", "maxmemory", "1mb", "requirepass", "pw"}) ==
        "CONFIG SET maxmemory 1mb requirepass (redacted)");
  CHECK(Shown({"CONFIG", "GET", "requirepass"}) == "CONFIG GET requirepass");
  CHECK(Shown({"SET", "auth", "pw"}) == "SET auth pw");
  CHECK(Shown({"MIGRATE", "h", "1", "k", "0", "0", "AUTH", "pw"}) ==
        "MIGRATE h 1 k 0 0 AUTH (redacted)");
}

}  // namespace
}  // namespace kvd::testing
