// LMOVE and RPOPLPUSH.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/harness.h"
#include "unit/commands/list_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("LMOVE moves between every pair of ends") {
  Harness h;
  CHECK(h.Run({"RPUSH", "src", "a", "b", "c", "d"}) == Int(4));
  CHECK(h.Run({"RPUSH", "dst", "x"}) == Int(1));
  CHECK(h.Run({"LMOVE", "src", "dst", "LEFT", "LEFT"}) == Bulk("a"));
  CHECK(h.Run({"LMOVE", "src", "dst", "left", "right"}) == Bulk("b"));
  CHECK(h.Run({"LMOVE", "src", "dst", "RIGHT", "LEFT"}) == Bulk("d"));
  CHECK(h.Run({"LMOVE", "src", "dst", "Right", "Right"}) == Bulk("c"));
  CHECK(Range(h, "dst") == Arr({"d", "a", "x", "b", "c"}));
  CHECK(h.Run({"EXISTS", "src"}) == Int(0));  // emptied: deleted
  CHECK(h.Run({"LMOVE", "src", "dst", "LEFT", "LEFT"}) == kNil);
  CHECK(h.server.stats.dirty == 5 + 4);
}

TEST_CASE("LMOVE creates the destination; a missing source creates nothing") {
  Harness h;
  CHECK(h.Run({"LMOVE", "src", "dst", "LEFT", "LEFT"}) == kNil);
  CHECK(h.Run({"EXISTS", "dst"}) == Int(0));
  CHECK(h.Run({"RPUSH", "src", "1"}) == Int(1));
  CHECK(h.Run({"LMOVE", "src", "dst", "LEFT", "LEFT"}) == Bulk("1"));
  CHECK(h.Run({"TYPE", "dst"}) == "+list\r\n");
  CHECK(Range(h, "dst") == Arr({"1"}));
  h.client.resp = 3;
  CHECK(h.Run({"LMOVE", "src", "dst", "LEFT", "LEFT"}) == "_\r\n");
}

TEST_CASE("LMOVE onto the same key rotates the list") {
  Harness h;
  CHECK(h.Run({"RPUSH", "l", "a", "b", "c"}) == Int(3));
  CHECK(h.Run({"LMOVE", "l", "l", "LEFT", "RIGHT"}) == Bulk("a"));
  CHECK(Range(h, "l") == Arr({"b", "c", "a"}));
  CHECK(h.Run({"LMOVE", "l", "l", "RIGHT", "LEFT"}) == Bulk("a"));
  CHECK(Range(h, "l") == Arr({"a", "b", "c"}));
  CHECK(h.Run({"LMOVE", "l", "l", "LEFT", "LEFT"}) == Bulk("a"));
  CHECK(Range(h, "l") == Arr({"a", "b", "c"}));
  CHECK(h.Run({"RPOPLPUSH", "l", "l"}) == Bulk("c"));
  CHECK(Range(h, "l") == Arr({"c", "a", "b"}));
  // A one-element list survives its own rotation.
  CHECK(h.Run({"RPUSH", "one", "x"}) == Int(1));
  CHECK(h.Run({"RPOPLPUSH", "one", "one"}) == Bulk("x"));
  CHECK(h.Run({"LMOVE", "one", "one", "LEFT", "RIGHT"}) == Bulk("x"));
  CHECK(Range(h, "one") == Arr({"x"}));
}

TEST_CASE("LMOVE refuses a destination of another type before popping") {
  Harness h;
  CHECK(h.Run({"RPUSH", "src", "a"}) == Int(1));
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  CHECK(h.Run({"LMOVE", "src", "s", "LEFT", "LEFT"}) == kWrongType);
  CHECK(h.Run({"RPOPLPUSH", "src", "s"}) == kWrongType);
  CHECK(Range(h, "src") == Arr({"a"}));
  CHECK(h.Run({"LMOVE", "s", "src", "LEFT", "LEFT"}) == kWrongType);
  CHECK(h.Run({"RPOPLPUSH", "s", "s"}) == kWrongType);
  CHECK(h.Run({"GET", "s"}) == Bulk("v"));
  // A missing source wins over a wrong-type destination (nothing to move).
  CHECK(h.Run({"LMOVE", "missing", "s", "LEFT", "LEFT"}) == kNil);
}

TEST_CASE("LMOVE checks LEFT/RIGHT before anything else") {
  Harness h;
  CHECK(h.Run({"RPUSH", "src", "a"}) == Int(1));
  CHECK(h.Run({"LMOVE", "src", "dst", "UP", "LEFT"}) == kSyntax);
  CHECK(h.Run({"LMOVE", "src", "dst", "LEFT", "DOWN"}) == kSyntax);
  CHECK(h.Run({"LMOVE", "missing", "dst", "LEFT", "DOWN"}) == kSyntax);
  CHECK(Range(h, "src") == Arr({"a"}));
  CHECK(h.Run({"EXISTS", "dst"}) == Int(0));
}

TEST_CASE("RPOPLPUSH moves the tail of one list to the head of another") {
  Harness h;
  CHECK(h.Run({"RPOPLPUSH", "src", "dst"}) == kNil);
  CHECK(h.Run({"RPUSH", "src", "a", "b"}) == Int(2));
  CHECK(h.Run({"RPUSH", "dst", "x"}) == Int(1));
  CHECK(h.Run({"RPOPLPUSH", "src", "dst"}) == Bulk("b"));
  CHECK(h.Run({"RPOPLPUSH", "src", "dst"}) == Bulk("a"));
  CHECK(Range(h, "dst") == Arr({"a", "b", "x"}));
  CHECK(h.Run({"EXISTS", "src"}) == Int(0));
}

TEST_CASE("LMOVE keeps the destination's TTL and drops the emptied source's") {
  Harness h;
  CHECK(h.Run({"RPUSH", "src", "a"}) == Int(1));
  CHECK(h.Run({"EXPIRE", "src", "100"}) == Int(1));
  CHECK(h.Run({"RPUSH", "dst", "x"}) == Int(1));
  CHECK(h.Run({"EXPIRE", "dst", "50"}) == Int(1));
  CHECK(h.Run({"LMOVE", "src", "dst", "LEFT", "RIGHT"}) == Bulk("a"));
  CHECK(h.Run({"TTL", "dst"}) == Int(50));
  CHECK(h.Run({"TTL", "src"}) == Int(-2));
}

}  // namespace
}  // namespace kvd::testing
