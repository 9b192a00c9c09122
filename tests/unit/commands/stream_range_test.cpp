// XRANGE, XREVRANGE and XLEN: inclusive and exclusive bounds, incomplete IDs, COUNT (0 and
// below reply a null array, as in Redis), deleted entries skipped, errors.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/stream_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("streams: XRANGE and XREVRANGE: bounds, incomplete IDs, exclusive bounds") {
  StreamHarness h;
  ExtraClient c(h);
  FillStream(c, "s", 5);  // 1-1 .. 5-1, values 0..4
  const std::string e1 = Entry("1-1", {"f", "0"}), e2 = Entry("2-1", {"f", "1"}),
                    e3 = Entry("3-1", {"f", "2"}), e4 = Entry("4-1", {"f", "3"}),
                    e5 = Entry("5-1", {"f", "4"});
  CHECK(c.Run("XRANGE s - +") == Array({e1, e2, e3, e4, e5}));
  CHECK(c.Run("XREVRANGE s + -") == Array({e5, e4, e3, e2, e1}));
  CHECK(c.Run("XRANGE s 2 4") == Array({e2, e3, e4}));  // start 2-0, end 4-<max>
  CHECK(c.Run("XRANGE s 2-2 4-0") == Array({e3}));
  CHECK(c.Run("XREVRANGE s 4 2") == Array({e4, e3, e2}));
  CHECK(c.Run("XRANGE s (2-1 (5-1") == Array({e3, e4}));
  CHECK(c.Run("XREVRANGE s (5-1 (2-1") == Array({e4, e3}));
  CHECK(c.Run("XRANGE s (1 3") == Array({e1, e2, e3}));  // (1 is after 1-0
  CHECK(c.Run("XRANGE s 4 2") == kEmptyArray);
  CHECK(c.Run("XRANGE s (3-1 (3-1") == kEmptyArray);
  CHECK(c.Run("XRANGE s 6 +") == kEmptyArray);
  CHECK(c.Run("XRANGE missing - +") == kEmptyArray);
  CHECK(c.Run("XDEL s 2-1 4-1") == Int(2));
  CHECK(c.Run("XRANGE s - +") == Array({e1, e3, e5}));
  CHECK(c.Run("XREVRANGE s + - COUNT 2") == Array({e5, e3}));
}

TEST_CASE("streams: XRANGE COUNT: a bound; 0 or negative replies a null array") {
  StreamHarness h;
  ExtraClient c(h);
  FillStream(c, "s", 3);
  CHECK(c.Run("XRANGE s - + COUNT 2") ==
        Array({Entry("1-1", {"f", "0"}), Entry("2-1", {"f", "1"})}));
  CHECK(c.Run("XRANGE s - + count 1 COUNT 5") ==
        Array({Entry("1-1", {"f", "0"}), Entry("2-1", {"f", "1"}), Entry("3-1", {"f", "2"})}));
  CHECK(c.Run("XREVRANGE s + - COUNT 1") == Array({Entry("3-1", {"f", "2"})}));
  CHECK(c.Run("XRANGE s - + COUNT 0") == kNullArray);
  CHECK(c.Run("XRANGE s - + COUNT -3") == kNullArray);
  CHECK(c.Run("XRANGE missing - + COUNT 0") == kEmptyArray);
  c.c.resp = 3;
  CHECK(c.Run("XRANGE s - + COUNT 0") == "_\r\n");
  CHECK(c.Run("XRANGE s 9 + COUNT 1") == kEmptyArray);
}

TEST_CASE("streams: XRANGE errors, in Redis's order") {
  StreamHarness h;
  ExtraClient c(h);
  const std::string bad_id = Err("ERR Invalid stream ID specified as stream command argument");
  CHECK(c.Run("XRANGE s x +") == bad_id);
  CHECK(c.Run("XRANGE s - x") == bad_id);
  CHECK(c.Run("XRANGE s (- +") == bad_id);  // an exclusive bound needs a real ID
  CHECK(c.Run("XRANGE s - (+") == bad_id);
  CHECK(c.Run("XRANGE s (18446744073709551615-18446744073709551615 +") ==
        Err("ERR invalid start ID for the interval"));
  CHECK(c.Run("XRANGE s - (0-0") == Err("ERR invalid end ID for the interval"));
  // XREVRANGE takes end then start, and checks the start first.
  CHECK(c.Run("XREVRANGE s x (18446744073709551615-18446744073709551615") ==
        Err("ERR invalid start ID for the interval"));
  CHECK(c.Run("XREVRANGE s (0-0 x") == bad_id);
  CHECK(c.Run("XREVRANGE s (0-0 -") == Err("ERR invalid end ID for the interval"));
  CHECK(c.Run("XRANGE s - + COUNT") == kSyntax);
  CHECK(c.Run("XRANGE s - + LIMIT 1") == kSyntax);
  CHECK(c.Run("XRANGE s - + COUNT x") == kNotInt);
  CHECK(c.Run("XRANGE s") == Err("ERR wrong number of arguments for 'xrange' command"));
  CHECK(c.Run("SET str x") == kOk);
  CHECK(c.Run("XRANGE str - +") == kWrongType);
  CHECK(c.Run("XRANGE str x +") == bad_id);  // the IDs are checked before the key
  CHECK(c.Run("XREVRANGE str + -") == kWrongType);
  CHECK(c.Run("XLEN str") == kWrongType);
}

TEST_CASE("streams: XLEN counts live entries; an emptied stream still exists") {
  StreamHarness h;
  ExtraClient c(h);
  CHECK(c.Run("XLEN s") == Int(0));
  FillStream(c, "s", 3);
  CHECK(c.Run("XLEN s") == Int(3));
  CHECK(c.Run("XDEL s 1-1") == Int(1));
  CHECK(c.Run("XLEN s") == Int(2));
  CHECK(c.Run("XTRIM s MAXLEN 0") == Int(2));
  CHECK(c.Run("XLEN s") == Int(0));
  CHECK(c.Run("TYPE s") == "+stream\r\n");
}

}  // namespace
}  // namespace kvd::testing
