// SORT and SORT_RO: numeric and ALPHA order, BY and GET patterns (strings, hash fields, '#'),
// LIMIT, BY without '*', STORE, and Redis's errors. Expected replies were taken from
// redis-server 7.0.
#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"

namespace kvd::testing {
namespace {

std::string Bulks(std::initializer_list<std::string_view> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (std::string_view s : items) out += s == "(nil)" ? kNil : Bulk(s);
  return out;
}

void Fill(Harness& h) {
  REQUIRE(h.Run({"RPUSH", "l", "3", "1", "2", "10"}) == Int(4));
  REQUIRE(h.Run({"MSET", "w_3", "30", "w_1", "10", "w_2", "20", "w_10", "5", "o_3", "c", "o_1",
                 "a", "o_2", "b"}) == kOk);
  REQUIRE(h.Run({"HSET", "h_1", "f", "x"}) == Int(1));
}

TEST_CASE("SORT orders numerically, or by bytes with ALPHA, ascending or descending") {
  Harness h;
  Fill(h);
  CHECK(h.Run({"SORT", "l"}) == Bulks({"1", "2", "3", "10"}));
  CHECK(h.Run({"SORT", "l", "DESC"}) == Bulks({"10", "3", "2", "1"}));
  CHECK(h.Run({"SORT", "l", "ALPHA"}) == Bulks({"1", "10", "2", "3"}));
  CHECK(h.Run({"SORT_RO", "l", "alpha", "desc"}) == Bulks({"3", "2", "10", "1"}));
  CHECK(h.Run({"SORT", "l", "LIMIT", "1", "2"}) == Bulks({"2", "3"}));
  CHECK(h.Run({"SORT", "l", "LIMIT", "-5", "-1"}) == Bulks({"1", "2", "3", "10"}));
  CHECK(h.Run({"SORT", "l", "LIMIT", "10", "1"}) == "*0\r\n");
  CHECK(h.Run({"SORT", "missing"}) == "*0\r\n");
  // strtod's view of numbers: empty is 0, leading spaces and "inf" are numbers.
  CHECK(h.Run({"RPUSH", "e", "", "1.5", " 2", "inf"}) == Int(4));
  CHECK(h.Run({"SORT", "e"}) == Bulks({"", "1.5", " 2", "inf"}));
  CHECK(h.Run({"ZADD", "z", "1", "c", "2", "a", "3", "b"}) == Int(3));
  CHECK(h.Run({"SORT", "z", "ALPHA", "DESC"}) == Bulks({"c", "b", "a"}));
  CHECK(h.Run({"SADD", "s", "5", "-1", "3"}) == Int(3));
  CHECK(h.Run({"SORT", "s"}) == Bulks({"-1", "3", "5"}));
}

TEST_CASE("SORT BY and GET look up keys and hash fields named after each element") {
  Harness h;
  Fill(h);
  CHECK(h.Run({"SORT", "l", "BY", "w_*"}) == Bulks({"10", "1", "2", "3"}));
  CHECK(h.Run({"SORT", "l", "BY", "w_*", "GET", "o_*", "GET", "#"}) ==
        Bulks({"(nil)", "10", "a", "1", "b", "2", "c", "3"}));
  CHECK(h.Run({"SORT", "l", "BY", "nosort", "GET", "h_*->f"}) ==
        Bulks({"(nil)", "x", "(nil)", "(nil)"}));
  // ALPHA by a missing value sorts first; equal ones keep the collection's order.
  CHECK(h.Run({"SORT", "l", "BY", "h_*->f", "ALPHA"}) == Bulks({"3", "2", "10", "1"}));
  // A GET pattern without '*' finds nothing; a key of another type is no value.
  CHECK(h.Run({"SORT", "l", "GET", "fixed"}) == Bulks({"(nil)", "(nil)", "(nil)", "(nil)"}));
  CHECK(h.Run({"SORT", "l", "BY", "w_*", "GET", "h_*"}) ==
        Bulks({"(nil)", "(nil)", "(nil)", "(nil)"}));
}

TEST_CASE("SORT BY without '*' keeps the collection's order, reversed by DESC, cut by LIMIT") {
  Harness h;
  Fill(h);
  CHECK(h.Run({"SORT", "l", "BY", "nosort"}) == Bulks({"3", "1", "2", "10"}));
  CHECK(h.Run({"SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"}) == Bulks({"2", "1"}));
  CHECK(h.Run({"ZADD", "z", "1", "c", "2", "a", "3", "b"}) == Int(3));
  CHECK(h.Run({"SORT", "z", "BY", "nosort"}) == Bulks({"c", "a", "b"}));
  CHECK(h.Run({"SORT", "z", "BY", "nosort", "DESC", "LIMIT", "0", "2"}) == Bulks({"b", "a"}));
  CHECK(h.Run({"SORT", "z", "BY", "nosort", "LIMIT", "1", "5"}) == Bulks({"a", "b"}));
}

TEST_CASE("SORT STORE writes a list, replacing any value; an empty result deletes") {
  Harness h;
  Fill(h);
  CHECK(h.Run({"SET", "dst", "old", "EX", "100"}) == kOk);
  CHECK(h.Run({"SORT", "l", "STORE", "dst"}) == Int(4));
  CHECK(h.Run({"LRANGE", "dst", "0", "-1"}) == Bulks({"1", "2", "3", "10"}));
  CHECK(h.Run({"TTL", "dst"}) == Int(-1));
  // Missing GET values are stored as empty strings.
  CHECK(h.Run({"SORT", "l", "BY", "w_*", "GET", "h_*->f", "STORE", "d2"}) == Int(4));
  CHECK(h.Run({"LRANGE", "d2", "0", "-1"}) == Bulks({"", "x", "", ""}));
  CHECK(h.Run({"SORT", "missing", "STORE", "dst"}) == Int(0));
  CHECK(h.Run({"EXISTS", "dst"}) == Int(0));
  // A set stored without sorting is sorted anyway (ALPHA), so the result is reproducible.
  CHECK(h.Run({"SADD", "s", "b", "c", "a"}) == Int(3));
  CHECK(h.Run({"SORT", "s", "BY", "nosort", "STORE", "d3"}) == Int(3));
  CHECK(h.Run({"LRANGE", "d3", "0", "-1"}) == Bulks({"a", "b", "c"}));
}

TEST_CASE("SORT's errors") {
  Harness h;
  Fill(h);
  CHECK(h.Run({"RPUSH", "bad", "a", "1"}) == Int(2));
  CHECK(h.Run({"SORT", "bad"}) == Err("ERR One or more scores can't be converted into double"));
  CHECK(h.Run({"SORT", "bad", "STORE", "d"}) ==
        Err("ERR One or more scores can't be converted into double"));
  CHECK(h.Run({"EXISTS", "d"}) == Int(0));
  CHECK(h.Run({"SORT", "l", "LIMIT", "0", "x"}) == kNotInt);
  CHECK(h.Run({"SORT", "l", "LIMIT", "0"}) == kSyntax);
  CHECK(h.Run({"SORT", "l", "STORE"}) == kSyntax);
  CHECK(h.Run({"SORT", "l", "FOO"}) == kSyntax);
  CHECK(h.Run({"SORT_RO", "l", "STORE", "d"}) == kSyntax);
  CHECK(h.Run({"SET", "str", "x"}) == kOk);
  CHECK(h.Run({"SORT", "str"}) ==
        Err("WRONGTYPE Operation against a key holding the wrong kind of value"));
  CHECK(h.Run({"SORT"}) == Err("ERR wrong number of arguments for 'sort' command"));
}

TEST_CASE("SORT BY and GET need read access to every key") {
  Harness h;
  Fill(h);
  CHECK(h.Run({"ACL", "SETUSER", "u", "on", "nopass", "+@all", "~l", "~o_*"}) == kOk);
  CHECK(h.Run({"ACL", "SETUSER", "r", "on", "nopass", "+@all", "%R~*"}) == kOk);
  CHECK(h.Run({"AUTH", "u", "x"}) == kOk);
  CHECK(h.Run({"SORT", "l"}) == Bulks({"1", "2", "3", "10"}));
  CHECK(h.Run({"SORT", "l", "BY", "w_*"}) ==
        Err("ERR BY option of SORT denied due to insufficient ACL permissions."));
  CHECK(h.Run({"SORT", "l", "GET", "o_*"}) ==
        Err("ERR GET option of SORT denied due to insufficient ACL permissions."));
  // BY without '*' reads no other key; GET is refused whatever its pattern.
  CHECK(h.Run({"SORT", "l", "BY", "nosort"}) == Bulks({"3", "1", "2", "10"}));
  CHECK(h.Run({"SORT", "l", "GET", "#"}) ==
        Err("ERR GET option of SORT denied due to insufficient ACL permissions."));
  CHECK(h.Run({"AUTH", "r", "x"}) == kOk);
  CHECK(h.Run({"SORT_RO", "l", "BY", "w_*", "GET", "o_*"}) == Bulks({"(nil)", "a", "b", "c"}));
  CHECK(h.Run({"SORT", "l", "BY", "w_*", "GET", "o_*"}) == Bulks({"(nil)", "a", "b", "c"}));
}

}  // namespace
}  // namespace kvd::testing
