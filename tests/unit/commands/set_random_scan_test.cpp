// SPOP, SRANDMEMBER and SSCAN.
#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

RespValue Parse(const std::string& reply) {
  std::optional<RespValue> v = RespReader::ParseOne(reply);
  REQUIRE(v);
  return *v;
}

std::set<std::string> Members(Harness& h, std::string_view key) {
  std::vector<std::string> all = SortedStrings(h.Run({"SMEMBERS", key}));
  return {all.begin(), all.end()};
}

// Adds n members: integers ("0".."n-1") or words ("m0"...).
void FillSet(Harness& h, std::string_view key, int n, bool words) {
  for (int i = 0; i < n; ++i) {
    REQUIRE(h.Run({"SADD", key, words ? KeyName("m", i) : std::to_string(i)}) == Int(1));
  }
}

TEST_CASE("SPOP removes and returns one member; the last pop deletes the key") {
  Harness h;
  CHECK(h.Run({"SPOP", "nokey"}) == kNil);
  CHECK(h.Run({"SADD", "s", "a", "b"}) == Int(2));
  RespValue first = Parse(h.Run({"SPOP", "s"}));
  RespValue second = Parse(h.Run({"SPOP", "s"}));
  CHECK(std::set<std::string>{first.str, second.str} == std::set<std::string>{"a", "b"});
  CHECK(h.Run({"EXISTS", "s"}) == Int(0));
  CHECK(h.Run({"SPOP", "s"}) == kNil);
}

TEST_CASE("SPOP with a count, in every encoding") {
  for (const auto& shape : {std::pair{5, false}, std::pair{600, false}, std::pair{50, true},
                            std::pair{300, true}}) {
    const int n = shape.first;
    const bool words = shape.second;
    CAPTURE(n);
    CAPTURE(words);
    Harness h;
    FillSet(h, "s", n, words);
    const std::set<std::string> before = Members(h, "s");
    RespValue popped = Parse(h.Run({"SPOP", "s", "3"}));
    REQUIRE(popped.elems.size() == 3);
    std::set<std::string> got;
    for (const RespValue& e : popped.elems) got.insert(e.str);
    CHECK(got.size() == 3);
    const std::set<std::string> after = Members(h, "s");
    CHECK(after.size() == before.size() - 3);
    for (const std::string& m : got) {
      CHECK(before.count(m) == 1);
      CHECK(after.count(m) == 0);
    }
    // Asking for at least what is left pops everything and deletes the key; as Redis
    // replies through SUNION then, that counts a keyspace hit (a smaller count none).
    const uint64_t hits = h.server.stats.keyspace_hits;
    RespValue rest = Parse(h.Run({"SPOP", "s", std::to_string(n)}));
    CHECK(rest.elems.size() == after.size());
    CHECK(h.server.stats.keyspace_hits == hits + 1);
    CHECK(h.Run({"EXISTS", "s"}) == Int(0));
  }
}

TEST_CASE("SPOP count replies and errors") {
  Harness h;
  CHECK(h.Run({"SPOP", "nokey", "2"}) == "*0\r\n");
  CHECK(h.Run({"SADD", "s", "1", "2"}) == Int(2));
  CHECK(h.Run({"SPOP", "s", "0"}) == "*0\r\n");
  CHECK(h.Run({"SPOP", "s", "-1"}) == Err("ERR value is out of range, must be positive"));
  CHECK(h.Run({"SPOP", "s", "x"}) == Err("ERR value is out of range, must be positive"));
  CHECK(h.Run({"SPOP", "s", "1", "2"}) == kSyntax);
  CHECK(h.Run({"SCARD", "s"}) == Int(2));
  h.client.resp = 3;  // a set in RESP3
  CHECK(h.Run({"SPOP", "s", "5"}) == "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  CHECK(h.Run({"SPOP", "nokey", "5"}) == "~0\r\n");
  CHECK(h.Run({"SPOP", "nokey"}) == "_\r\n");
}

TEST_CASE("SRANDMEMBER without a count returns a member without removing it") {
  Harness h;
  CHECK(h.Run({"SRANDMEMBER", "nokey"}) == kNil);
  CHECK(h.Run({"SADD", "s", "only"}) == Int(1));
  CHECK(h.Run({"SRANDMEMBER", "s"}) == Bulk("only"));
  CHECK(h.Run({"SCARD", "s"}) == Int(1));
}

TEST_CASE("SRANDMEMBER with a positive count returns distinct members") {
  for (const auto& shape : {std::pair{10, false}, std::pair{600, false}, std::pair{100, true},
                            std::pair{300, true}}) {
    const int n = shape.first;
    const bool words = shape.second;
    CAPTURE(n);
    Harness h;
    FillSet(h, "s", n, words);
    const std::set<std::string> all = Members(h, "s");
    for (int count : {1, 2, n / 2, n - 1, n, n + 5}) {
      CAPTURE(count);
      RespValue v = Parse(h.Run({"SRANDMEMBER", "s", std::to_string(count)}));
      REQUIRE(v.type == '*');
      const size_t expect = static_cast<size_t>(count < n ? count : n);
      CHECK(v.elems.size() == expect);
      std::set<std::string> got;
      for (const RespValue& e : v.elems) {
        got.insert(e.str);
        CHECK(all.count(e.str) == 1);
      }
      CHECK(got.size() == expect);
    }
    CHECK(h.Run({"SCARD", "s"}) == Int(n));
  }
}

TEST_CASE("SRANDMEMBER with a negative count may repeat members") {
  Harness h;
  CHECK(h.Run({"SADD", "s", "a"}) == Int(1));
  CHECK(h.Run({"SRANDMEMBER", "s", "-3"}) == "*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n");
  CHECK(h.Run({"SRANDMEMBER", "s", "0"}) == "*0\r\n");
  CHECK(h.Run({"SRANDMEMBER", "nokey", "3"}) == "*0\r\n");
  CHECK(h.Run({"SRANDMEMBER", "s", "x"}) == kNotInt);
  CHECK(h.Run({"SRANDMEMBER", "s", "1", "2"}) == kSyntax);
  CHECK(h.Run({"SRANDMEMBER", "s", "-9223372036854775808"}) ==
        Err("ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807"));
  h.client.resp = 3;  // an array even in RESP3 (it may repeat)
  CHECK(h.Run({"SRANDMEMBER", "s", "2"}) == "*1\r\n$1\r\na\r\n");
}

// Runs SSCAN to the end; returns every member returned, repeats included.
std::vector<std::string> SScanAll(Harness& h, std::vector<std::string> extra) {
  std::vector<std::string> all;
  std::string cursor = "0";
  size_t calls = 0;
  do {
    std::vector<std::string_view> args = {"SSCAN", "s", cursor};
    for (const std::string& e : extra) args.push_back(e);
    ScanPage page = ParseScan(h.Run(args));
    all.insert(all.end(), page.keys.begin(), page.keys.end());
    cursor = page.cursor;
    REQUIRE(++calls < 100000);
  } while (cursor != "0");
  return all;
}

TEST_CASE("SSCAN returns a compact set whole and walks a large one") {
  Harness h;
  CHECK(h.Run({"SSCAN", "nokey", "0"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(h.Run({"SADD", "s", "3", "1", "2"}) == Int(3));
  CHECK(h.Run({"SSCAN", "s", "0", "COUNT", "1"}) ==
        "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  CHECK(h.Run({"SSCAN", "s", "0", "MATCH", "2"}) == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n2\r\n");
  for (int i = 0; i < 400; ++i) REQUIRE(h.Run({"SADD", "s", KeyName("m", i)}) == Int(1));
  std::vector<std::string> all = SScanAll(h, {"COUNT", "20"});
  CHECK(all.size() == 403);
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == 403);
  std::vector<std::string> matched = SScanAll(h, {"MATCH", "m3?"});
  CHECK(std::set<std::string>(matched.begin(), matched.end()).size() == 10);
  ScanPage page = ParseScan(h.Run({"SSCAN", "s", "0", "COUNT", "5"}));
  CHECK(page.cursor != "0");
  CHECK(page.keys.size() >= 5);
  CHECK(page.keys.size() < 100);
}

TEST_CASE("SSCAN errors") {
  Harness h;
  CHECK(h.Run({"SADD", "s", "a"}) == Int(1));
  CHECK(h.Run({"SSCAN", "s", "x"}) == Err("ERR invalid cursor"));
  CHECK(h.Run({"SSCAN", "s", "0", "COUNT", "0"}) == kSyntax);
  CHECK(h.Run({"SSCAN", "s", "0", "COUNT", "-3"}) == kSyntax);
  CHECK(h.Run({"SSCAN", "s", "0", "COUNT", "y"}) == kNotInt);
  CHECK(h.Run({"SSCAN", "s", "0", "MATCH"}) == kSyntax);
  CHECK(h.Run({"SSCAN", "s", "0", "NOVALUES"}) == kSyntax);
}

}  // namespace
}  // namespace kvd::testing
