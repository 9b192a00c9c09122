// ACL SETUSER's rules as ACL GETUSER, ACL LIST and ACL USERS show them (Redis 7.2 forms).
#include <doctest/doctest.h>

#include <algorithm>

#include "server/acl/acl.h"
#include "server/acl/acl_user.h"
#include "unit/commands/acl_test_util.h"

namespace kvd::testing {
namespace {

constexpr std::string_view kPwHash =
    "30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4";  // SHA-256 of "pw"

TEST_CASE("the default user: on, nopass, every command, key and channel") {
  Harness h;
  CHECK(Strings(h.Run({"ACL", "LIST"})) ==
        std::vector<std::string>{"user default on nopass sanitize-payload ~* &* +@all"});
  CHECK(Strings(h.Run({"ACL", "USERS"})) == std::vector<std::string>{"default"});
  CHECK(h.Run({"ACL", "WHOAMI"}) == Bulk("default"));
  auto m = Parse(h.Run({"ACL", "GETUSER", "default"})).AsMap();
  CHECK(m["flags"].elems.size() == 3);
  CHECK(m["flags"].elems[0].str == "on");
  CHECK(m["flags"].elems[1].str == "nopass");
  CHECK(m["passwords"].elems.empty());
  CHECK(m["commands"].str == "+@all");
  CHECK(m["keys"].str == "~*");
  CHECK(m["channels"].str == "&*");
  CHECK(m["selectors"].elems.empty());
}

TEST_CASE("only a user with every command, key and channel skips the checks") {
  Harness h;
  AclUser& d = *h.server.acl->default_user();
  CHECK(d.unrestricted());  // the dispatcher's hot path: one flag
  REQUIRE(h.Run({"ACL", "SETUSER", "default", "-flushall"}) == "+OK\r\n");
  CHECK_FALSE(d.unrestricted());
  REQUIRE(h.Run({"ACL", "SETUSER", "default", "+@all", "resetkeys"}) == "+OK\r\n");
  CHECK_FALSE(d.unrestricted());
  REQUIRE(h.Run({"ACL", "SETUSER", "default", "allkeys", "resetchannels"}) == "+OK\r\n");
  CHECK_FALSE(d.unrestricted());
  REQUIRE(h.Run({"ACL", "SETUSER", "default", "allchannels"}) == "+OK\r\n");
  CHECK(d.unrestricted());
}

TEST_CASE("passwords are stored as SHA-256 hex") {
  CHECK(AclHashPassword("pw") == kPwHash);
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "alice", ">pw", ">pw", ">other"}) == "+OK\r\n");
  auto m = Parse(h.Run({"ACL", "GETUSER", "alice"})).AsMap();
  REQUIRE(m["passwords"].elems.size() == 2);  // the same password once
  CHECK(m["passwords"].elems[0].str == kPwHash);
  CHECK(h.Run({"ACL", "SETUSER", "alice", "<other"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "alice", "<other"}) ==
        "-ERR Error in ACL SETUSER modifier '<other': The password you are trying to remove "
        "from the user does not exist\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "alice", "!" + std::string(kPwHash)}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "alice", "#" + std::string(kPwHash)}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "alice", "#abc"}) ==
        "-ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 "
        "characters and contain only lowercase hexadecimal characters\r\n");
  CHECK(Strings(h.Run({"ACL", "LIST"}))[0] ==
        "user alice off sanitize-payload #" + std::string(kPwHash) + " resetchannels -@all");
  REQUIRE(h.Run({"ACL", "SETUSER", "alice", "nopass"}) == "+OK\r\n");
  CHECK(Strings(h.Run({"ACL", "LIST"}))[0] ==
        "user alice off nopass sanitize-payload resetchannels -@all");
  REQUIRE(h.Run({"ACL", "SETUSER", "alice", "resetpass", "on"}) == "+OK\r\n");
  CHECK(Strings(h.Run({"ACL", "LIST"}))[0] == "user alice on sanitize-payload resetchannels -@all");
}

TEST_CASE("command rules keep their order; a later rule replaces the same command's") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "+@read", "-@dangerous", "+client|list", "-GET", "+set",
                 "+get"}) == "+OK\r\n");
  auto m = Parse(h.Run({"ACL", "GETUSER", "u"})).AsMap();
  CHECK(m["commands"].str == "-@all +@read -@dangerous +client|list +set +get");
  // A whole command replaces its subcommands' rules.
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "-client"}) == "+OK\r\n");
  m = Parse(h.Run({"ACL", "GETUSER", "u"})).AsMap();
  CHECK(m["commands"].str == "-@all +@read -@dangerous +set +get -client");
  // +@all and -@all start over.
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "allcommands", "-flushall"}) == "+OK\r\n");
  m = Parse(h.Run({"ACL", "GETUSER", "u"})).AsMap();
  CHECK(m["commands"].str == "+@all -flushall");
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "nocommands"}) == "+OK\r\n");
  m = Parse(h.Run({"ACL", "GETUSER", "u"})).AsMap();
  CHECK(m["commands"].str == "-@all");
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "+select|0"}) == "+OK\r\n");
  m = Parse(h.Run({"ACL", "GETUSER", "u"})).AsMap();
  CHECK(m["commands"].str == "-@all +select|0");
}

TEST_CASE("key and channel patterns") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "~cache:*", "%R~r*", "%W~w*", "%RW~b*", "%R~w*", "&ch*",
                 "&ch*", "&news"}) == "+OK\r\n");
  auto m = Parse(h.Run({"ACL", "GETUSER", "u"})).AsMap();
  // %R~w* after %W~w* gives the one pattern both permissions.
  CHECK(m["keys"].str == "~cache:* %R~r* ~w* ~b*");
  CHECK(m["channels"].str == "&ch* &news");
  CHECK(Strings(h.Run({"ACL", "LIST"}))[1] ==
        "user u off sanitize-payload ~cache:* %R~r* ~w* ~b* resetchannels &ch* &news -@all");
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "resetkeys", "resetchannels"}) == "+OK\r\n");
  m = Parse(h.Run({"ACL", "GETUSER", "u"})).AsMap();
  CHECK(m["keys"].str.empty());
  CHECK(m["channels"].str.empty());
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "allkeys", "allchannels"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "u", "~x"}) ==
        "-ERR Error in ACL SETUSER modifier '~x': Adding a pattern after the * pattern (or the "
        "'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start "
        "with an empty list of patterns\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "u", "&x"}) ==
        "-ERR Error in ACL SETUSER modifier '&x': Adding a pattern after the * pattern (or the "
        "'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to "
        "start with an empty list of channels\r\n");
}

TEST_CASE("bad rules change nothing and say which rule was wrong") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", "+get"}) == "+OK\r\n");
  const std::string before = h.Run({"ACL", "LIST"});
  CHECK(h.Run({"ACL", "SETUSER", "u", "off", "+nosuch"}) ==
        "-ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in "
        "ACL\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "u", "+@nosuch"}) ==
        "-ERR Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in "
        "ACL\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "u", "bogus"}) ==
        "-ERR Error in ACL SETUSER modifier 'bogus': Syntax error\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "u", "%X~a"}) ==
        "-ERR Error in ACL SETUSER modifier '%X~a': Syntax error\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "u", "+client|list|x"}) ==
        "-ERR Error in ACL SETUSER modifier '+client|list|x': Allowing first-arg of a "
        "subcommand is not supported\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "u", "(+get"}) ==
        "-ERR Unmatched parenthesis in acl selector starting at '(+get'.\r\n");
  CHECK(h.Run({"ACL", "SETUSER", "a b"}) ==
        "-ERR Usernames can't contain spaces or null characters\r\n");
  CHECK(h.Run({"ACL", "LIST"}) == before);
  CHECK(Strings(h.Run({"ACL", "USERS"})) == std::vector<std::string>{"default", "u"});
}

TEST_CASE("reset returns a user to how it was created") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", ">pw", "~*", "&*", "+@all", "(+get ~k)"}) ==
          "+OK\r\n");
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "reset"}) == "+OK\r\n");
  CHECK(Strings(h.Run({"ACL", "LIST"}))[1] == "user u off sanitize-payload resetchannels -@all");
}

TEST_CASE("selectors: given in one word or several, shown after the root rules") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "+get", "(+set ~w*)", "(", "+del", "~d*", ")"}) ==
          "+OK\r\n");
  CHECK(Strings(h.Run({"ACL", "LIST"}))[1] ==
        "user u off sanitize-payload resetchannels -@all +get (~w* resetchannels -@all +set) "
        "(~d* resetchannels -@all +del)");
  auto m = Parse(h.Run({"ACL", "GETUSER", "u"})).AsMap();
  REQUIRE(m["selectors"].elems.size() == 2);
  auto s0 = m["selectors"].elems[0].AsMap();
  CHECK(s0["commands"].str == "-@all +set");
  CHECK(s0["keys"].str == "~w*");
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "clearselectors"}) == "+OK\r\n");
  CHECK(Strings(h.Run({"ACL", "LIST"}))[1] ==
        "user u off sanitize-payload resetchannels -@all +get");
}

TEST_CASE("ACL GETUSER of nobody, DELUSER counts, default cannot go") {
  Harness h;
  CHECK(h.Run({"ACL", "GETUSER", "nobody"}) == "$-1\r\n");
  REQUIRE(h.Run({"ACL", "SETUSER", "a"}) == "+OK\r\n");
  REQUIRE(h.Run({"ACL", "SETUSER", "b"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "DELUSER", "a", "b", "c"}) == ":2\r\n");
  CHECK(h.Run({"ACL", "DELUSER", "x", "default"}) ==
        "-ERR The 'default' user cannot be removed\r\n");
  CHECK(Strings(h.Run({"ACL", "USERS"})) == std::vector<std::string>{"default"});
}

TEST_CASE("ACL CAT lists categories and a category's commands") {
  Harness h;
  std::vector<std::string> cats = Strings(h.Run({"ACL", "CAT"}));
  REQUIRE(cats.size() == 21);
  CHECK(cats.front() == "keyspace");
  CHECK(cats.back() == "scripting");
  std::vector<std::string> read = Strings(h.Run({"ACL", "CAT", "read"}));
  CHECK(std::find(read.begin(), read.end(), "get") != read.end());
  CHECK(std::find(read.begin(), read.end(), "set") == read.end());
  std::vector<std::string> admin = Strings(h.Run({"ACL", "CAT", "ADMIN"}));
  CHECK(std::find(admin.begin(), admin.end(), "acl|setuser") != admin.end());
  CHECK(h.Run({"ACL", "CAT", "nosuch"}) == "-ERR Unknown category 'nosuch'\r\n");
  CHECK(h.Run({"ACL", "CAT", "a", "b"}) ==
        "-ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.\r\n");
}

TEST_CASE("ACL GENPASS gives random hex of the bits asked for") {
  Harness h;
  RespValue a = Parse(h.Run({"ACL", "GENPASS"}));
  RespValue b = Parse(h.Run({"ACL", "GENPASS"}));
  CHECK(a.str.size() == 64);
  CHECK(a.str != b.str);
  CHECK(a.str.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(Parse(h.Run({"ACL", "GENPASS", "5"})).str.size() == 2);
  CHECK(Parse(h.Run({"ACL", "GENPASS", "4096"})).str.size() == 1024);
  CHECK(h.Run({"ACL", "GENPASS", "0"}) ==
        "-ERR ACL GENPASS argument must be the number of bits for the output password, a "
        "positive number up to 4096\r\n");
  CHECK(h.Run({"ACL", "GENPASS", "x"}) == "-ERR value is not an integer or out of range\r\n");
}

TEST_CASE("ACL SAVE and LOAD need an aclfile") {
  Harness h;
  const std::string err =
      "-ERR This Redis instance is not configured to use an ACL file. You may want to specify "
      "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
      "Redis configuration file set) in order to store users in the Redis configuration.\r\n";
  CHECK(h.Run({"ACL", "SAVE"}) == err);
  CHECK(h.Run({"ACL", "LOAD"}) == err);
}

TEST_CASE("requirepass is the default user's password") {
  Harness h;
  REQUIRE(h.Run({"CONFIG", "SET", "requirepass", "pw"}) == "+OK\r\n");
  auto m = Parse(h.Run({"ACL", "GETUSER", "default"})).AsMap();
  REQUIRE(m["passwords"].elems.size() == 1);
  CHECK(m["passwords"].elems[0].str == kPwHash);
  CHECK(m["flags"].elems.size() == 2);  // on, sanitize-payload: no nopass
  REQUIRE(h.Run({"CONFIG", "SET", "requirepass", ""}) == "+OK\r\n");
  CHECK(Strings(h.Run({"ACL", "LIST"}))[0] ==
        "user default on nopass sanitize-payload ~* &* +@all");
}

}  // namespace
}  // namespace kvd::testing
