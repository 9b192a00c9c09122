// The aclfile (ACL SAVE / ACL LOAD / startup) and `user` lines of the config file.
#include <doctest/doctest.h>

#include "server/acl/acl.h"
#include "unit/commands/acl_test_util.h"
#include "unit/commands/temp_dir.h"

namespace kvd::testing {
namespace {

void SetAclFile(Harness& h, const std::string& path) {
  const std::string_view v[] = {path};
  REQUIRE(h.config.ApplyStartup("aclfile", v) == "");
}

TEST_CASE("ACL SAVE writes ACL LIST; ACL LOAD reads it back") {
  TempDir dir;
  const std::string path = dir.File("users.acl");
  Harness h;
  SetAclFile(h, path);
  REQUIRE(h.Run({"ACL", "SETUSER", "alice", "on", ">pw", "~cache:*", "%R~r*", "&ch", "+@read",
                 "-keys", "(+set ~w*)"}) == "+OK\r\n");
  const std::string list = h.Run({"ACL", "LIST"});
  REQUIRE(h.Run({"ACL", "SAVE"}) == "+OK\r\n");
  CHECK(ReadFileBytes(path) ==
        "user alice on sanitize-payload "
        "#30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~cache:* %R~r* "
        "resetchannels &ch -@all +@read -keys (~w* resetchannels -@all +set)\n"
        "user default on nopass sanitize-payload ~* &* +@all\n");
  REQUIRE(h.Run({"ACL", "DELUSER", "alice"}) == ":1\r\n");
  REQUIRE(h.Run({"ACL", "SETUSER", "bob", "on"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "LOAD"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "LIST"}) == list);  // bob is gone, alice is back

  // A client of a user the load replaces is disconnected.
  UserClient a(h, "alice");
  CHECK(h.Run({"ACL", "LOAD"}) == "+OK\r\n");
  CHECK(a.killed);
}

TEST_CASE("ACL LOAD of a bad file changes nothing and says why") {
  TempDir dir;
  const std::string path = dir.File("users.acl");
  WriteFileBytes(path,
                 "user alice on +get\n"
                 "\n"
                 "bogus line\n"
                 "user bob on +nosuch\n"
                 "user carol on %X~a\n"
                 "user alice off\n");
  Harness h;
  SetAclFile(h, path);
  REQUIRE(h.Run({"ACL", "SETUSER", "keep", "on"}) == "+OK\r\n");
  const std::string before = h.Run({"ACL", "LIST"});
  CHECK(h.Run({"ACL", "LOAD"}) ==
        "-ERR " + path + ":3 should start with user keyword followed by the username. " + path +
            ":4: Error in applying operation '+nosuch': Unknown command or category name in "
            "ACL. " +
            path +
            ":5: Syntax error. WARNING: Duplicate user 'alice' found on line 6. "
            "WARNING: ACL errors detected, no change to the previously active ACL rules was "
            "performed\r\n");
  CHECK(h.Run({"ACL", "LIST"}) == before);
  WriteFileBytes(path, "user default on >pw ~* &* +@all\n");
  CHECK(h.Run({"ACL", "LOAD"}) == "+OK\r\n");
  CHECK(Strings(h.Run({"ACL", "USERS"})) == std::vector<std::string>{"default"});
  ExtraClient c(h);
  CHECK(c.Run("PING") == "-NOAUTH Authentication required.\r\n");
}

TEST_CASE("startup: config `user` lines, the aclfile, not both") {
  TempDir dir;
  const std::string path = dir.File("users.acl");
  {
    Harness h;
    const std::string_view alice[] = {"alice", "on", ">pw", "~*", "+@all"};
    REQUIRE(h.config.ApplyStartup("user", alice) == "");
    const std::string_view def[] = {"default", "on", ">secret", "~*", "+@all"};
    REQUIRE(h.config.ApplyStartup("user", def) == "");
    REQUIRE(h.server.acl->LoadAtStartup(h.config.values()) == "");
    CHECK(Strings(h.Run({"ACL", "LIST"})) ==
          std::vector<std::string>{
              "user alice on sanitize-payload "
              "#30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~* "
              "resetchannels +@all",
              "user default on sanitize-payload "
              "#2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* "
              "resetchannels +@all"});
    SetAclFile(h, path);
    CHECK(h.server.acl->LoadAtStartup(h.config.values())
              .find("users defined in redis.conf and at the same setting an ACL file path is "
                    "invalid") != std::string::npos);
  }
  {
    Harness h;
    const std::string_view bad[] = {"bob", "on", "+nosuch"};
    REQUIRE(h.config.ApplyStartup("user", bad) == "");
    CHECK(h.server.acl->LoadAtStartup(h.config.values()) ==
          "Error in user declaration '+nosuch': Unknown command or category name in ACL");
  }
  {
    Harness h;
    SetAclFile(h, path);
    CHECK(
        h.server.acl->LoadAtStartup(h.config.values())
            .rfind(
                "Aborting Redis startup because of ACL errors: Error loading ACLs, opening file '" +
                    path + "'",
                0) == 0);
    WriteFileBytes(path, "user alice on >pw +@all ~*\n");
    REQUIRE(h.server.acl->LoadAtStartup(h.config.values()) == "");
    UserClient a(h, "alice");
    CHECK(a.Run("SET k v") == "+OK\r\n");
  }
  // CONFIG GET does not show `user` lines.
  Harness h;
  const std::string_view alice[] = {"alice", "on", ">pw"};
  REQUIRE(h.config.ApplyStartup("user", alice) == "");
  CHECK(h.Run({"CONFIG", "GET", "user"}) == "*0\r\n");
}

}  // namespace
}  // namespace kvd::testing
