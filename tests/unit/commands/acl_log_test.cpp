// ACL LOG: refused AUTH, commands, keys and channels; grouping of repeats; RESET; the limit.
#include <doctest/doctest.h>

#include "server/acl/acl.h"
#include "unit/commands/acl_test_util.h"

namespace kvd::testing {
namespace {

std::map<std::string, RespValue> Entry(Harness& h, size_t i) {
  RespValue log = Parse(h.Run({"ACL", "LOG"}));
  REQUIRE(log.elems.size() > i);
  return log.elems[i].AsMap();
}

TEST_CASE("a failed AUTH is logged with reason auth, object AUTH, the attempted user") {
  Harness h;
  h.clock.SetMs(1'700'000'000'000);
  ExtraClient c(h);
  REQUIRE(c.Run("AUTH mallory guess") ==
          "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  auto e = Entry(h, 0);
  CHECK(e["count"].integer == 1);
  CHECK(e["reason"].str == "auth");
  CHECK(e["context"].str == "toplevel");
  CHECK(e["object"].str == "AUTH");
  CHECK(e["username"].str == "mallory");
  CHECK(e["client-info"].str.find("id=" + std::to_string(c.c.id) + " ") == 0);
  CHECK(e["client-info"].str.find("cmd=auth") != std::string::npos);
  CHECK(e["entry-id"].integer == 0);
  CHECK(e["timestamp-created"].integer == 1'700'000'000'000);
  CHECK(e["timestamp-last-updated"].integer == 1'700'000'000'000);
  h.clock.Advance(1500);
  CHECK(Entry(h, 0)["age-seconds"].str == "1.5");
}

TEST_CASE("repeats within a minute add to one entry; later ones make a new entry") {
  Harness h;
  h.clock.SetMs(1'700'000'000'000);
  REQUIRE(h.Run({"ACL", "SETUSER", "u", "on", ">pw", "+get", "~k*", "resetchannels", "+publish"}) ==
          "+OK\r\n");
  UserClient u(h, "u");
  REQUIRE(u.Run("SET k v").rfind("-NOPERM", 0) == 0);
  h.clock.Advance(30'000);
  REQUIRE(u.Run("SET k v").rfind("-NOPERM", 0) == 0);
  auto e = Entry(h, 0);
  CHECK(e["count"].integer == 2);
  CHECK(e["reason"].str == "command");
  CHECK(e["object"].str == "set");
  CHECK(e["username"].str == "u");
  CHECK(e["timestamp-created"].integer == 1'700'000'000'000);
  CHECK(e["timestamp-last-updated"].integer == 1'700'000'030'000);
  h.clock.Advance(60'001);
  REQUIRE(u.Run("SET k v").rfind("-NOPERM", 0) == 0);
  CHECK(Parse(h.Run({"ACL", "LOG"})).elems.size() == 2);
  CHECK(Entry(h, 0)["count"].integer == 1);
  CHECK(Entry(h, 0)["entry-id"].integer == 1);
  // Keys and channels name the refused one.
  REQUIRE(u.Run("GET other") == "-NOPERM No permissions to access a key\r\n");
  REQUIRE(u.Run("PUBLISH ch m") == "-NOPERM No permissions to access a channel\r\n");
  CHECK(Entry(h, 0)["reason"].str == "channel");
  CHECK(Entry(h, 0)["object"].str == "ch");
  CHECK(Entry(h, 1)["reason"].str == "key");
  CHECK(Entry(h, 1)["object"].str == "other");
  // INFO's acl_access_denied_* counters count every refusal, grouped or not.
  CHECK(h.server.acl->denied().cmd == 3);
  CHECK(h.server.acl->denied().key == 1);
  CHECK(h.server.acl->denied().channel == 1);
  CHECK(h.server.acl->denied().auth == 0);
}

TEST_CASE("ACL LOG count, RESET and acllog-max-len") {
  Harness h;
  ExtraClient c(h);
  for (int i = 0; i < 12; ++i) {
    REQUIRE(c.Run("AUTH user" + std::to_string(i) + " x").rfind("-WRONGPASS", 0) == 0);
  }
  CHECK(Parse(h.Run({"ACL", "LOG"})).elems.size() == 10);  // ten by default
  CHECK(Parse(h.Run({"ACL", "LOG", "3"})).elems.size() == 3);
  CHECK(Parse(h.Run({"ACL", "LOG", "100"})).elems.size() == 12);
  CHECK(h.Run({"ACL", "LOG", "-1"}) == "*0\r\n");
  CHECK(h.Run({"ACL", "LOG", "x"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(Entry(h, 0)["username"].str == "user11");  // newest first
  REQUIRE(h.Run({"CONFIG", "SET", "acllog-max-len", "2"}) == "+OK\r\n");
  REQUIRE(c.Run("AUTH another x").rfind("-WRONGPASS", 0) == 0);
  CHECK(Parse(h.Run({"ACL", "LOG"})).elems.size() == 2);
  CHECK(h.Run({"ACL", "LOG", "RESET"}) == "+OK\r\n");
  CHECK(h.Run({"ACL", "LOG"}) == "*0\r\n");
  REQUIRE(c.Run("AUTH again x").rfind("-WRONGPASS", 0) == 0);
  CHECK(Entry(h, 0)["entry-id"].integer == 13);  // ids go on after a reset, as in Redis
}

}  // namespace
}  // namespace kvd::testing
