// INFO stats counts ACL refusals by kind, as Redis 7.2; CONFIG RESETSTAT clears them.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

std::map<std::string, std::string> Stats(Harness& h) {
  auto v = RespReader::ParseOne(h.Run({"INFO", "stats"}));
  REQUIRE(v.has_value());
  return InfoFields(v->str);
}

TEST_CASE("INFO stats acl_access_denied_* count refused AUTHs, commands, keys and channels") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "eve", "on", ">pw", "+get", "+publish", "~allowed"}) ==
          "+OK\r\n");
  CHECK(h.Run({"AUTH", "eve", "wrong"}).starts_with("-WRONGPASS"));
  REQUIRE(h.Run({"AUTH", "eve", "pw"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "allowed", "v"}).starts_with("-NOPERM"));
  CHECK(h.Run({"GET", "secret"}).starts_with("-NOPERM"));
  CHECK(h.Run({"PUBLISH", "news", "m"}).starts_with("-NOPERM"));
  REQUIRE(h.Run({"AUTH", "default", "any"}) == "+OK\r\n");
  auto stats = Stats(h);
  CHECK(stats.at("acl_access_denied_auth") == "1");
  CHECK(stats.at("acl_access_denied_cmd") == "1");
  CHECK(stats.at("acl_access_denied_key") == "1");
  CHECK(stats.at("acl_access_denied_channel") == "1");
  REQUIRE(h.Run({"CONFIG", "RESETSTAT"}) == "+OK\r\n");
  CHECK(Stats(h).at("acl_access_denied_auth") == "0");
}

}  // namespace
}  // namespace kvd::testing
