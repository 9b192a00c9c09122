// SLOWLOG end to end: what a slow command leaves in the log, as redis-cli and tools read it.
#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

TEST_CASE("SLOWLOG records commands past slowlog-log-slower-than with the client's address") {
  ServerProcess server({"--slowlog-log-slower-than", "0", "--slowlog-max-len", "2"});
  RawClient c(server.port());
  CHECK(c.Call({"CLIENT", "SETNAME", "reporter"}) == kOk);
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  Reply got = c.Exec({"SLOWLOG", "GET"});
  REQUIRE(got.type == '*');
  REQUIRE(got.elements.size() == 2);  // slowlog-max-len
  const Reply& set = got.elements[0];
  REQUIRE(set.elements.size() == 6);
  REQUIRE(set.elements[3].elements.size() == 3);
  CHECK(set.elements[3].elements[0].Text() == "SET");
  CHECK(set.elements[3].elements[2].Text() == "v");
  CHECK(set.elements[2].integer >= 0);
  CHECK(set.elements[5].Text() == "reporter");
  // The address is the client's own, as CLIENT INFO shows it.
  const std::string info = c.Exec({"CLIENT", "INFO"}).Text();
  CHECK(Contains(info, "addr=" + set.elements[4].Text() + " "));
  CHECK(got.elements[0].elements[0].integer == got.elements[1].elements[0].integer + 1);

  CHECK(c.Call({"CONFIG", "SET", "slowlog-log-slower-than", "1000000"}) == kOk);
  CHECK(c.Call({"SLOWLOG", "RESET"}) == kOk);
  CHECK(c.Call({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(c.Exec({"SLOWLOG", "LEN"}).integer == 0);
}

}  // namespace
}  // namespace kvd::e2e
