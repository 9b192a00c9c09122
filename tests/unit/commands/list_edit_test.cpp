// LSET, LINSERT, LREM, LTRIM.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/harness.h"
#include "unit/commands/list_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("LSET replaces by index, negative from the tail") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "a", "b", "c"}) == Int(3));
  CHECK(h.Run({"LSET", "l", "0", "A"}) == kOk);
  CHECK(h.Run({"LSET", "l", "-1", "C"}) == kOk);
  CHECK(h.Run({"LSET", "l", "1", "12345"}) == kOk);
  CHECK(Range(h, "l") == Arr({"A", "12345", "C"}));
  CHECK(h.server.stats.dirty == 6);
}

TEST_CASE("LSET errors: missing key first, then the index") {
  Harness h;
  CHECK(h.Run({"LSET", "missing", "0", "x"}) == "-ERR no such key\r\n");
  CHECK(h.Run({"LSET", "missing", "abc", "x"}) == "-ERR no such key\r\n");
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"LSET", "l", "abc", "x"}) == kNotInt);
  CHECK(h.Run({"LSET", "l", "1", "x"}) == "-ERR index out of range\r\n");
  CHECK(h.Run({"LSET", "l", "-2", "x"}) == "-ERR index out of range\r\n");
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  CHECK(h.Run({"LSET", "s", "0", "x"}) == kWrongType);
  CHECK(Range(h, "l") == Arr({"a"}));
}

TEST_CASE("LSET with a large element in a list spread over many chunks") {
  Harness h;
  for (int i = 0; i < 2000; ++i) h.Run({"RPUSH", "l", "element-" + std::to_string(i)});
  const std::string big(9000, 'b');
  CHECK(h.Run({"LSET", "l", "1000", big}) == kOk);
  CHECK(h.Run({"LINDEX", "l", "1000"}) == Bulk(big));
  CHECK(h.Run({"LINDEX", "l", "999"}) == Bulk("element-999"));
  CHECK(h.Run({"LINDEX", "l", "1001"}) == Bulk("element-1001"));
  CHECK(h.Run({"LSET", "l", "1000", "small"}) == kOk);
  CHECK(h.Run({"LRANGE", "l", "999", "1001"}) ==
        Arr({"element-999", "small", "element-1001"}));
  CHECK(h.Run({"LLEN", "l"}) == Int(2000));
}

TEST_CASE("LINSERT before and after the first match of the pivot") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "a", "p", "b", "p"}) == Int(4));
  CHECK(h.Run({"LINSERT", "l", "BEFORE", "p", "x"}) == Int(5));
  CHECK(h.Run({"LINSERT", "l", "after", "p", "y"}) == Int(6));
  CHECK(Range(h, "l") == Arr({"a", "x", "p", "y", "b", "p"}));
  CHECK(h.Run({"LINSERT", "l", "AFTER", "b", "z"}) == Int(7));
  CHECK(h.Run({"LINSERT", "l", "after", "p", "end"}) == Int(8));
  CHECK(Range(h, "l") == Arr({"a", "x", "p", "end", "y", "b", "z", "p"}));
  CHECK(h.Run({"LINSERT", "l", "BEFORE", "nope", "q"}) == Int(-1));
  CHECK(h.Run({"LINSERT", "missing", "BEFORE", "p", "q"}) == Int(0));
  CHECK(h.Run({"EXISTS", "missing"}) == Int(0));
  CHECK(h.Run({"LINSERT", "missing", "MIDDLE", "p", "q"}) == kSyntax);
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  CHECK(h.Run({"LINSERT", "s", "BEFORE", "p", "q"}) == kWrongType);
  CHECK(h.Run({"LINSERT", "s", "MIDDLE", "p", "q"}) == kSyntax);  // checked first
}

TEST_CASE("LREM from the head, from the tail, or all") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "x", "a", "x", "b", "x", "c", "x"}) == Int(7));
  CHECK(h.Run({"LREM", "l", "2", "x"}) == Int(2));
  CHECK(Range(h, "l") == Arr({"a", "b", "x", "c", "x"}));
  CHECK(h.Run({"LREM", "l", "-1", "x"}) == Int(1));
  CHECK(Range(h, "l") == Arr({"a", "b", "x", "c"}));
  CHECK(h.Run({"LREM", "l", "0", "x"}) == Int(1));
  CHECK(h.Run({"LREM", "l", "0", "nope"}) == Int(0));
  CHECK(Range(h, "l") == Arr({"a", "b", "c"}));
  CHECK(h.Run({"RPUSH", "n", "7", "7"}) == Int(2));
  CHECK(h.Run({"LREM", "n", "-9223372036854775808", "7"}) == Int(2));
  CHECK(h.Run({"EXISTS", "n"}) == Int(0));  // emptied: deleted
  CHECK(h.Run({"LREM", "missing", "0", "x"}) == Int(0));
  CHECK(h.Run({"LREM", "missing", "x", "x"}) == kNotInt);
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  CHECK(h.Run({"LREM", "s", "0", "x"}) == kWrongType);
}

TEST_CASE("LTRIM keeps a range; an empty range deletes the key") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "0", "1", "2", "3", "4", "5"}) == Int(6));
  CHECK(h.Run({"LTRIM", "l", "1", "-2"}) == kOk);
  CHECK(Range(h, "l") == Arr({"1", "2", "3", "4"}));
  CHECK(h.Run({"LTRIM", "l", "-100", "100"}) == kOk);
  CHECK(Range(h, "l") == Arr({"1", "2", "3", "4"}));
  CHECK(h.Run({"LTRIM", "l", "2", "2"}) == kOk);
  CHECK(Range(h, "l") == Arr({"3"}));
  CHECK(h.server.stats.dirty == 6 + 2 + 3);
  CHECK(h.Run({"LTRIM", "l", "1", "0"}) == kOk);
  CHECK(h.Run({"EXISTS", "l"}) == Int(0));
  CHECK(h.Run({"LTRIM", "missing", "0", "1"}) == kOk);
  CHECK(h.Run({"LTRIM", "missing", "a", "1"}) == kNotInt);
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  CHECK(h.Run({"LTRIM", "s", "0", "1"}) == kWrongType);
}

TEST_CASE("LTRIM on a list of many chunks") {
  Harness h;
  for (int i = 0; i < 5000; ++i) h.Run({"RPUSH", "l", std::to_string(i) + "-element"});
  CHECK(h.Run({"LTRIM", "l", "1234", "-1235"}) == kOk);
  CHECK(h.Run({"LLEN", "l"}) == Int(5000 - 2 * 1234));
  CHECK(h.Run({"LINDEX", "l", "0"}) == Bulk("1234-element"));
  CHECK(h.Run({"LINDEX", "l", "-1"}) == Bulk("3765-element"));
}

}  // namespace
}  // namespace kvd::testing
