// LLEN, LRANGE, LINDEX, LPOS.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/harness.h"
#include "unit/commands/list_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("LLEN counts elements; a missing key has none") {
  Harness h;
  CHECK(h.Run({"LLEN", "l"}) == Int(0));
  CHECK(h.Run({"RPUSH", "l", "a", "b", "c"}) == Int(3));
  CHECK(h.Run({"LLEN", "l"}) == Int(3));
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  CHECK(h.Run({"LLEN", "s"}) == kWrongType);
}

TEST_CASE("LRANGE normalises indexes as Redis") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "0", "1", "2", "3", "4"}) == Int(5));
  CHECK(h.Run({"LRANGE", "l", "0", "-1"}) == Arr({"0", "1", "2", "3", "4"}));
  CHECK(h.Run({"LRANGE", "l", "1", "2"}) == Arr({"1", "2"}));
  CHECK(h.Run({"LRANGE", "l", "-2", "-1"}) == Arr({"3", "4"}));
  CHECK(h.Run({"LRANGE", "l", "-100", "1"}) == Arr({"0", "1"}));
  CHECK(h.Run({"LRANGE", "l", "3", "100"}) == Arr({"3", "4"}));
  CHECK(h.Run({"LRANGE", "l", "3", "2"}) == kEmptyArray);
  CHECK(h.Run({"LRANGE", "l", "5", "10"}) == kEmptyArray);
  CHECK(h.Run({"LRANGE", "l", "0", "-6"}) == kEmptyArray);
  CHECK(h.Run({"LRANGE", "l", "-9223372036854775808", "9223372036854775807"}) ==
        Arr({"0", "1", "2", "3", "4"}));
  CHECK(h.Run({"LRANGE", "missing", "0", "-1"}) == kEmptyArray);
  h.client.resp = 3;
  CHECK(h.Run({"LRANGE", "missing", "0", "-1"}) == kEmptyArray);
}

TEST_CASE("LRANGE parses the indexes before it looks at the key") {
  Harness h;
  CHECK(h.Run({"LRANGE", "missing", "a", "1"}) == kNotInt);
  CHECK(h.Run({"LRANGE", "missing", "0", "1.5"}) == kNotInt);
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  CHECK(h.Run({"LRANGE", "s", "x", "1"}) == kNotInt);
  CHECK(h.Run({"LRANGE", "s", "0", "1"}) == kWrongType);
}

TEST_CASE("LINDEX: both ends, negative indexes, out of range") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "a", "b", "c"}) == Int(3));
  CHECK(h.Run({"LINDEX", "l", "0"}) == Bulk("a"));
  CHECK(h.Run({"LINDEX", "l", "2"}) == Bulk("c"));
  CHECK(h.Run({"LINDEX", "l", "-1"}) == Bulk("c"));
  CHECK(h.Run({"LINDEX", "l", "-3"}) == Bulk("a"));
  CHECK(h.Run({"LINDEX", "l", "3"}) == kNil);
  CHECK(h.Run({"LINDEX", "l", "-4"}) == kNil);
  CHECK(h.Run({"LINDEX", "l", "x"}) == kNotInt);
  // The key comes first: a missing key is a null even for a bad index.
  CHECK(h.Run({"LINDEX", "missing", "x"}) == kNil);
  h.client.resp = 3;
  CHECK(h.Run({"LINDEX", "l", "5"}) == "_\r\n");
}

TEST_CASE("list reads count keyspace hits and misses") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  const uint64_t hits = h.server.stats.keyspace_hits;
  const uint64_t misses = h.server.stats.keyspace_misses;
  CHECK(h.Run({"LLEN", "l"}) == Int(1));
  CHECK(h.Run({"LRANGE", "l", "0", "0"}) == Arr({"a"}));
  CHECK(h.Run({"LINDEX", "nope", "0"}) == kNil);
  CHECK(h.Run({"LPOS", "nope", "a"}) == kNil);
  CHECK(h.server.stats.keyspace_hits == hits + 2);
  CHECK(h.server.stats.keyspace_misses == misses + 2);
}

TEST_CASE("LPOS finds the first match, or the RANK-th, from either end") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"}) == Int(8));
  CHECK(h.Run({"LPOS", "l", "c"}) == Int(2));
  CHECK(h.Run({"LPOS", "l", "3"}) == Int(5));
  CHECK(h.Run({"LPOS", "l", "x"}) == kNil);
  CHECK(h.Run({"LPOS", "l", "c", "RANK", "2"}) == Int(6));
  CHECK(h.Run({"LPOS", "l", "c", "RANK", "4"}) == kNil);
  CHECK(h.Run({"LPOS", "l", "c", "RANK", "-1"}) == Int(7));  // indexes stay head-based
  CHECK(h.Run({"LPOS", "l", "c", "RANK", "-3"}) == Int(2));
  CHECK(h.Run({"LPOS", "l", "c", "RANK", "-9223372036854775807"}) == kNil);
  CHECK(h.Run({"LPOS", "missing", "c"}) == kNil);
}

TEST_CASE("LPOS COUNT replies an array; COUNT 0 means every match") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"}) == Int(8));
  CHECK(h.Run({"LPOS", "l", "c", "COUNT", "2"}) == IntArr({2, 6}));
  CHECK(h.Run({"LPOS", "l", "c", "COUNT", "0"}) == IntArr({2, 6, 7}));
  CHECK(h.Run({"LPOS", "l", "c", "COUNT", "0", "RANK", "2"}) == IntArr({6, 7}));
  CHECK(h.Run({"LPOS", "l", "c", "COUNT", "0", "RANK", "-1"}) == IntArr({7, 6, 2}));
  CHECK(h.Run({"LPOS", "l", "c", "COUNT", "2", "RANK", "-2"}) == IntArr({6, 2}));
  CHECK(h.Run({"LPOS", "l", "x", "COUNT", "1"}) == kEmptyArray);
  CHECK(h.Run({"LPOS", "missing", "x", "COUNT", "1"}) == kEmptyArray);
  h.client.resp = 3;
  CHECK(h.Run({"LPOS", "missing", "x"}) == "_\r\n");
  CHECK(h.Run({"LPOS", "missing", "x", "COUNT", "0"}) == kEmptyArray);
}

TEST_CASE("LPOS MAXLEN limits the comparisons, counted from where the search starts") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"}) == Int(8));
  CHECK(h.Run({"LPOS", "l", "c", "MAXLEN", "2"}) == kNil);
  CHECK(h.Run({"LPOS", "l", "c", "MAXLEN", "3"}) == Int(2));
  CHECK(h.Run({"LPOS", "l", "c", "COUNT", "0", "MAXLEN", "7"}) == IntArr({2, 6}));
  CHECK(h.Run({"LPOS", "l", "a", "RANK", "-1", "MAXLEN", "7"}) == kNil);
  CHECK(h.Run({"LPOS", "l", "a", "RANK", "-1", "MAXLEN", "8"}) == Int(0));
  CHECK(h.Run({"LPOS", "l", "c", "MAXLEN", "0"}) == Int(2));  // 0: no limit
}

TEST_CASE("LPOS option errors, first bad option wins") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"LPOS", "l", "a", "RANK", "0"}) ==
        "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
        "or use negative to start from the end of the list\r\n");
  CHECK(h.Run({"LPOS", "l", "a", "RANK", "-9223372036854775808"}) ==
        "-ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807\r\n");
  CHECK(h.Run({"LPOS", "l", "a", "RANK", "x"}) == kNotInt);
  CHECK(h.Run({"LPOS", "l", "a", "COUNT", "-1"}) == "-ERR COUNT can't be negative\r\n");
  CHECK(h.Run({"LPOS", "l", "a", "COUNT", "x"}) == "-ERR COUNT can't be negative\r\n");
  CHECK(h.Run({"LPOS", "l", "a", "MAXLEN", "-1"}) == "-ERR MAXLEN can't be negative\r\n");
  CHECK(h.Run({"LPOS", "l", "a", "COUNT"}) == kSyntax);
  CHECK(h.Run({"LPOS", "l", "a", "FOO", "1"}) == kSyntax);
  CHECK(h.Run({"LPOS", "l", "a", "FOO", "1", "RANK", "0"}) == kSyntax);
  CHECK(h.Run({"LPOS", "missing", "a", "RANK", "0"}) ==
        "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
        "or use negative to start from the end of the list\r\n");
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  CHECK(h.Run({"LPOS", "s", "a"}) == kWrongType);
}

}  // namespace
}  // namespace kvd::testing
