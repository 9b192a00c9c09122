// CONFIG REWRITE end to end: settings changed at run time are in the config file after the
// rewrite, and a restart from that file brings them back.
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

TEST_CASE("CONFIG REWRITE persists CONFIG SET changes across a restart") {
  TempDir dir;
  const std::string conf = dir.Write("kvd.conf", "# a comment that stays\nmaxmemory 1mb\n");
  {
    ServerProcess kvd({conf});
    RawClient c(kvd.port());
    CHECK(c.Call({"CONFIG", "SET", "maxmemory", "5mb", "maxmemory-policy", "allkeys-lru"}) ==
          kOk);
    CHECK(c.Call({"ACL", "SETUSER", "app", "on", ">secret", "~app:*", "+get"}) == kOk);
    CHECK(c.Call({"CONFIG", "REWRITE"}) == kOk);
    CHECK(kvd.Log().find("CONFIG REWRITE executed with success.") != std::string::npos);
  }
  const std::string text = Slurp(conf);
  CHECK(text.starts_with("# a comment that stays\nmaxmemory 5242880\n"));
  CHECK(text.find("maxmemory-policy allkeys-lru\n") != std::string::npos);
  // The rewrite recorded the running server's working directory, which the test harness
  // removed with that server: made again for the restart.
  const size_t at = text.find("\ndir ");
  REQUIRE(at != std::string::npos);
  const std::string old_dir = text.substr(at + 5, text.find('\n', at + 1) - at - 5);
  std::filesystem::create_directories(old_dir);
  ServerProcess kvd({conf});
  RawClient c(kvd.port());
  std::filesystem::remove_all(old_dir);
  CHECK(c.Exec({"CONFIG", "GET", "maxmemory"}).elements.at(1).str == "5242880");
  CHECK(c.Exec({"CONFIG", "GET", "maxmemory-policy"}).elements.at(1).str == "allkeys-lru");
  CHECK(c.Call({"AUTH", "app", "secret"}) == kOk);
}

TEST_CASE("CONFIG REWRITE without a config file is refused") {
  ServerProcess kvd;
  RawClient c(kvd.port());
  CHECK(c.Call({"CONFIG", "REWRITE"}) == Err("ERR The server is running without a config file"));
}

}  // namespace
}  // namespace kvd::e2e
