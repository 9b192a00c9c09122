// What an ACL user may run: commands, categories, subcommands, first arguments, key patterns
// with read/write permissions, channels, selectors; in MULTI/EXEC and scripts too.
#include <doctest/doctest.h>

#include "server/acl/acl.h"
#include "server/pubsub.h"
#include "unit/commands/acl_test_util.h"

namespace kvd::testing {
namespace {

constexpr std::string_view kNoKey = "-NOPERM No permissions to access a key\r\n";
constexpr std::string_view kNoChannel = "-NOPERM No permissions to access a channel\r\n";

std::string NoCommand(std::string_view user, std::string_view cmd) {
  return "-NOPERM User " + std::string(user) + " has no permissions to run the '" +
         std::string(cmd) + "' command\r\n";
}

TEST_CASE("commands and categories") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "alice", "on", ">pw", "~*", "+@read", "-@dangerous", "+set"}) ==
          "+OK\r\n");
  UserClient alice(h, "alice");
  CHECK(alice.Run("ACL WHOAMI") == NoCommand("alice", "acl|whoami"));
  CHECK(alice.Run("SET k v") == "+OK\r\n");
  CHECK(alice.Run("GET k") == "$1\r\nv\r\n");
  CHECK(alice.Run("DEL k") == NoCommand("alice", "del"));
  CHECK(alice.Run("KEYS *") == NoCommand("alice", "keys"));  // @read but @dangerous
  CHECK(alice.Run("FLUSHALL") == NoCommand("alice", "flushall"));
  // No-auth commands are always allowed; CLIENT LIST shows the user.
  CHECK(alice.Run("AUTH alice pw") == "+OK\r\n");
  CHECK(h.Run({"CLIENT", "LIST"}).find("user=alice") != std::string::npos);
  // A change applies to the connected client at once.
  REQUIRE(h.Run({"ACL", "SETUSER", "alice", "+del", "-get"}) == "+OK\r\n");
  CHECK(alice.Run("DEL k") == ":1\r\n");
  CHECK(alice.Run("GET k") == NoCommand("alice", "get"));
  CHECK(alice.Run("nosuch") ==
        "-ERR unknown command 'nosuch', with args beginning with: \r\n");  // lookup first
}

TEST_CASE("subcommands and first arguments") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", ">pw", "+client|id", "+select|1", "+config",
                 "-config|set"}) == "+OK\r\n");
  UserClient u(h, "u");
  CHECK(u.Run("CLIENT ID").front() == ':');
  CHECK(u.Run("CLIENT LIST") == NoCommand("u", "client|list"));
  CHECK(u.Run("SELECT 1") == "+OK\r\n");
  CHECK(u.Run("SELECT 2") == NoCommand("u", "select"));
  CHECK(u.Run("CONFIG GET hz").front() == '*');
  CHECK(u.Run("CONFIG SET hz 11") == NoCommand("u", "config|set"));
}

TEST_CASE("key patterns: ~ for both, %R~ for reads, %W~ for writes") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", ">pw", "+@all", "~cache:*", "%R~ro:*", "%W~wo:*"}) ==
          "+OK\r\n");
  REQUIRE(h.Run({"SET", "ro:1", "a"}) == "+OK\r\n");
  UserClient u(h, "u");
  CHECK(u.Run("SET cache:1 x") == "+OK\r\n");
  CHECK(u.Run("GET cache:1") == "$1\r\nx\r\n");
  CHECK(u.Run("GET other") == kNoKey);
  CHECK(u.Run("GET ro:1") == "$1\r\na\r\n");
  CHECK(u.Run("SET ro:1 b") == kNoKey);
  CHECK(u.Run("SET wo:1 b") == "+OK\r\n");   // SET without GET only writes
  CHECK(u.Run("SET wo:1 b GET") == kNoKey);  // with GET it reads too
  CHECK(u.Run("GET wo:1") == kNoKey);
  CHECK(u.Run("APPEND wo:1 c") == ":2\r\n");  // inserts without reading
  CHECK(u.Run("DEL wo:1") == ":1\r\n");
  CHECK(u.Run("EXISTS ro:1 wo:1 cache:1") == ":2\r\n");  // no read of the value: any pattern
  CHECK(u.Run("MSET cache:2 a other b") == kNoKey);
  CHECK(u.Run("COPY ro:1 wo:2") == ":1\r\n");  // source read, destination written
  CHECK(u.Run("COPY wo:2 ro:2") == kNoKey);
  CHECK(u.Run("LMOVE ro:1 cache:1 LEFT LEFT") == kNoKey);         // the source is written too
  CHECK(u.Run("ZUNIONSTORE cache:z 2 cache:a other") == kNoKey);  // numkeys specs
  CHECK(u.Run("ZUNIONSTORE cache:z 2 cache:a ro:2") == ":0\r\n");
}

TEST_CASE("allkeys and the default user never look at keys") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", ">pw", "+@all", "allkeys", "resetchannels"}) ==
          "+OK\r\n");
  UserClient u(h, "u");
  CHECK(u.Run("SET any v") == "+OK\r\n");
  CHECK(u.Run("PUBLISH ch m") == kNoChannel);
  CHECK(h.Run({"PUBLISH", "ch", "m"}) == ":0\r\n");
}

TEST_CASE("channels: PUBLISH and SUBSCRIBE match patterns, PSUBSCRIBE literally") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", ">pw", "+@all", "~*", "resetchannels", "&news.*",
                 "&chat"}) == "+OK\r\n");
  UserClient u(h, "u");
  CHECK(u.Run("PUBLISH news.sport m") == ":0\r\n");
  CHECK(u.Run("PUBLISH weather m") == kNoChannel);
  CHECK(u.Run("SPUBLISH chat m") == ":0\r\n");
  CHECK(u.Run("SUBSCRIBE chat weather") == kNoChannel);  // all or nothing
  CHECK(ClientSubscriptions(u.c, PubSubKind::kChannel).empty());
  CHECK(u.Run("PSUBSCRIBE news.s*") == kNoChannel);  // matches, but is not the pattern
  CHECK(u.Run("PSUBSCRIBE news.*").find("psubscribe") != std::string::npos);
  CHECK(u.Run("UNSUBSCRIBE weather").find("unsubscribe") != std::string::npos);
  // Taking away a channel a subscriber uses disconnects it.
  CHECK_FALSE(u.killed);
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "resetchannels", "&chat"}) == "+OK\r\n");
  CHECK(u.killed);
}

TEST_CASE("selectors: any one of them may allow the command") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", ">pw", "+get", "~r*", "(+set ~w*)"}) == "+OK\r\n");
  UserClient u(h, "u");
  CHECK(u.Run("GET r1") == "$-1\r\n");
  CHECK(u.Run("SET w1 v") == "+OK\r\n");
  CHECK(u.Run("SET r1 v") == kNoKey);  // the selector that allows SET does not allow r1
  CHECK(u.Run("GET w1") == kNoKey);
  CHECK(u.Run("DEL w1") == NoCommand("u", "del"));
}

TEST_CASE("AUTH: users, disabled users, WRONGPASS; DELUSER disconnects") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "alice", "on", ">pw", "+@all", "~*"}) == "+OK\r\n");
  REQUIRE(h.Run({"ACL", "SETUSER", "bob", "off", ">pw", "+@all"}) == "+OK\r\n");
  ExtraClient c(h);
  CHECK(c.Run("AUTH alice nope") ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(c.Run("AUTH bob pw") ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(c.Run("AUTH nobody pw") ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(c.Run("ACL WHOAMI") == Bulk("default"));
  CHECK(c.Run("HELLO 2 AUTH alice pw").find("proto") != std::string::npos);
  CHECK(c.Run("ACL WHOAMI") == Bulk("alice"));
  bool killed = false;
  c.link.kill = [&] { killed = true; };
  CHECK(h.Run({"CLIENT", "KILL", "USER", "nobody"}) == "-ERR No such user 'nobody'\r\n");
  CHECK(h.Run({"ACL", "DELUSER", "alice"}) == ":1\r\n");
  CHECK(killed);
  CHECK(ClientUserName(c.c) == "default");
  CHECK_FALSE(c.c.authenticated);
}

TEST_CASE("CLIENT KILL USER disconnects that user's clients") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "alice", "on", ">pw", "+@all", "~*"}) == "+OK\r\n");
  UserClient a(h, "alice");
  ExtraClient d(h);
  bool d_killed = false;
  d.link.kill = [&] { d_killed = true; };
  CHECK(h.Run({"CLIENT", "KILL", "USER", "alice"}) == ":1\r\n");
  CHECK(a.killed);
  CHECK_FALSE(d_killed);
}

TEST_CASE("a user whose password is required: NOAUTH, then AUTH") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "default", "resetpass", ">pw"}) == "+OK\r\n");
  ExtraClient c(h);
  CHECK_FALSE(c.c.authenticated);
  CHECK(c.Run("PING") == "-NOAUTH Authentication required.\r\n");
  CHECK(c.Run("AUTH pw") == "+OK\r\n");
  CHECK(c.Run("PING") == "+PONG\r\n");
  CHECK(c.Run("RESET") == "+RESET\r\n");
  CHECK(c.Run("PING") == "-NOAUTH Authentication required.\r\n");
  // A disabled default user needs AUTH as someone else.
  REQUIRE(h.Run({"ACL", "SETUSER", "default", "nopass", "off"}) == "+OK\r\n");
  ExtraClient d(h);
  CHECK(d.Run("PING") == "-NOAUTH Authentication required.\r\n");
  CHECK(d.Run("AUTH x") ==
        "-ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?\r\n");
}

TEST_CASE("MULTI: a refused command aborts EXEC; changes before EXEC are checked again") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", ">pw", "+@all", "-flushall", "~k*"}) == "+OK\r\n");
  UserClient u(h, "u");
  CHECK(u.Run("MULTI") == "+OK\r\n");
  CHECK(u.Run("FLUSHALL") == NoCommand("u", "flushall"));
  CHECK(u.Run("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n");
  CHECK(u.Run("MULTI") == "+OK\r\n");
  CHECK(u.Run("SET k1 a") == "+QUEUED\r\n");
  CHECK(u.Run("GET k1") == "+QUEUED\r\n");
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "-get"}) == "+OK\r\n");
  CHECK(u.Run("EXEC") ==
        "*2\r\n+OK\r\n-NOPERM ACLs rules changed between the moment the transaction was "
        "accumulated and the EXEC call. This command is no longer allowed for the following "
        "reason: no permission to execute the command or subcommand\r\n");
  auto log = Parse(h.Run({"ACL", "LOG", "1"}));
  auto e = log.elems[0].AsMap();
  CHECK(e["context"].str == "multi");
  CHECK(e["object"].str == "get");
}

TEST_CASE("scripts run with the caller's permissions") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", ">pw", "+@all", "-set", "~k*"}) == "+OK\r\n");
  UserClient u(h, "u");
  std::string out;
  std::vector<std::string_view> set = {"EVAL", "return redis.call('set','k1','v')", "0"};
  h.dispatcher.Execute(u.c, set, out);
  CHECK(out.rfind("-ERR ACL failure in script: User u has no permissions to run the 'set' "
                  "command",
                  0) == 0);
  out.clear();
  std::vector<std::string_view> get = {"EVAL", "return redis.call('get','other')", "0"};
  h.dispatcher.Execute(u.c, get, out);
  CHECK(out.rfind("-ERR ACL failure in script: No permissions to access a key", 0) == 0);
  auto e = Parse(h.Run({"ACL", "LOG", "1"})).elems[0].AsMap();
  CHECK(e["context"].str == "lua");
  CHECK(e["reason"].str == "key");
  CHECK(e["object"].str == "other");
}

TEST_CASE("ACL DRYRUN says what a user may run, without running it") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "+get", "~k*", "resetchannels", "+publish"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "DRYRUN", "u", "get", "k1"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "DRYRUN", "u", "get", "x"}) ==
        Bulk("User u has no permissions to access the 'x' key"));
  CHECK(h.Run({"ACL", "DRYRUN", "u", "set", "k1", "v"}) ==
        Bulk("User u has no permissions to run the 'set' command"));
  CHECK(h.Run({"ACL", "DRYRUN", "u", "publish", "c", "m"}) ==
        Bulk("User u has no permissions to access the 'c' channel"));
  CHECK(h.Run({"ACL", "DRYRUN", "nobody", "get", "x"}) == "-ERR User 'nobody' not found\r\n");
  CHECK(h.Run({"ACL", "DRYRUN", "u", "nosuch"}) == "-ERR Command 'nosuch' not found\r\n");
  CHECK(h.Run({"ACL", "DRYRUN", "u", "get"}) ==
        "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(h.Run({"EXISTS", "k1"}) == ":0\r\n");
}

}  // namespace
}  // namespace kvd::testing
