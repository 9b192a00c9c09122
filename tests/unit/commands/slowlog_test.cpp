// SLOWLOG GET|LEN|RESET and the slowlog-* parameters.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

std::vector<std::string> Args(const RespValue& entry) {
  std::vector<std::string> out;
  for (const RespValue& a : entry.elems[3].elems) out.push_back(a.str);
  return out;
}

TEST_CASE("the slow log keeps commands past the threshold, newest first") {
  Harness h;
  h.clock.SetMs(1'700'000'000'000);
  h.client.addr = "127.0.0.1:5000";
  h.client.SetNames().name = "worker";
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":0\r\n");  // the default threshold is 10 ms
  CHECK(h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(h.Run({"GET", "k"}) == "$1\r\nv\r\n");
  RespValue got = ParseReply(h.Run({"SLOWLOG", "GET", "2"}));
  REQUIRE(got.elems.size() == 2);
  CHECK(Args(got.elems[0]) == std::vector<std::string>{"GET", "k"});
  CHECK(Args(got.elems[1]) == std::vector<std::string>{"SET", "k", "v"});
  CHECK(got.elems[0].elems[0].integer == got.elems[1].elems[0].integer + 1);
  CHECK(got.elems[0].elems[1].integer == 1'700'000'000);
  CHECK(got.elems[0].elems[2].integer >= 0);
  CHECK(got.elems[0].elems[4].str == "127.0.0.1:5000");
  CHECK(got.elems[0].elems[5].str == "worker");
  // CONFIG SET, SET, GET and SLOWLOG GET itself.
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":4\r\n");
  CHECK(ParseReply(h.Run({"SLOWLOG", "GET", "-1"})).elems.size() == 5);
  CHECK(h.Run({"SLOWLOG", "RESET"}) == "+OK\r\n");
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":1\r\n");  // the RESET
  CHECK(h.Run({"SLOWLOG", "GET", "-2"}) == "-ERR count should be greater than or equal to -1\r\n");
  CHECK(h.Run({"SLOWLOG", "GET", "x"}) == "-ERR count should be greater than or equal to -1\r\n");
}

TEST_CASE("the slow log is bounded, cuts long commands and hides passwords") {
  Harness h;
  CHECK(h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "SET", "slowlog-max-len", "3"}) == "+OK\r\n");
  for (int i = 0; i < 5; ++i) h.Run({"PING"});
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":3\r\n");

  std::vector<std::string> many = {"DEL"};
  for (int i = 0; i < 40; ++i) many.push_back("k" + std::to_string(i));
  many.push_back(std::string(200, 'x'));
  h.Run(std::vector<std::string_view>(many.begin(), many.end()));
  h.Run({"SET", std::string(130, 'a'), "v"});
  h.Run({"AUTH", "user", "secret"});
  h.Run({"HELLO", "2", "AUTH", "user", "secret", "SETNAME", "n"});
  RespValue got = ParseReply(h.Run({"SLOWLOG", "GET", "3"}));
  REQUIRE(got.elems.size() == 3);
  CHECK(Args(got.elems[0]) ==
        std::vector<std::string>{"HELLO", "2", "AUTH", "(redacted)", "(redacted)", "SETNAME", "n"});
  CHECK(Args(got.elems[1]) == std::vector<std::string>{"AUTH", "(redacted)", "(redacted)"});
  CHECK(Args(got.elems[2])[1] == std::string(128, 'a') + "... (2 more bytes)");
  CHECK(h.Run({"CONFIG", "SET", "slowlog-max-len", "10"}) == "+OK\r\n");
  h.Run({"SLOWLOG", "RESET"});
  h.Run(std::vector<std::string_view>(many.begin(), many.end()));
  RespValue del = ParseReply(h.Run({"SLOWLOG", "GET", "1"}));
  std::vector<std::string> args = Args(del.elems[0]);
  REQUIRE(args.size() == 32);
  CHECK(args[30] == "k29");
  CHECK(args[31] == "... (11 more arguments)");

  CHECK(h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "-1"}) == "+OK\r\n");
  h.Run({"SLOWLOG", "RESET"});
  h.Run({"PING"});
  CHECK(h.Run({"SLOWLOG", "LEN"}) == ":0\r\n");
  CHECK(h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "-2"}).rfind("-ERR", 0) == 0);
  CHECK(h.Run({"CONFIG", "GET", "slowlog-max-len"}) ==
        "*2\r\n$15\r\nslowlog-max-len\r\n$2\r\n10\r\n");
}

}  // namespace
}  // namespace kvd::testing
