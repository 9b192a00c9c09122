// INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"

namespace kvd::testing {
namespace {

const std::string kOverflow = "-ERR increment or decrement would overflow\r\n";
const std::string kNotFloat = "-ERR value is not a valid float\r\n";
const std::string kTooLong = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";

TEST_CASE("INCR, DECR, INCRBY and DECRBY count from 0") {
  Harness h;
  CHECK(h.Run({"INCR", "n"}) == Int(1));
  CHECK(h.Run({"INCR", "n"}) == Int(2));
  CHECK(h.Run({"DECR", "n"}) == Int(1));
  CHECK(h.Run({"DECR", "m"}) == Int(-1));
  CHECK(h.Run({"INCRBY", "n", "10"}) == Int(11));
  CHECK(h.Run({"DECRBY", "n", "5"}) == Int(6));
  CHECK(h.Run({"INCRBY", "n", "-6"}) == Int(0));
  CHECK(h.Run({"DECRBY", "n", "-3"}) == Int(3));
  CHECK(h.Run({"GET", "n"}) == Bulk("3"));
  CHECK(h.Run({"SET", "s", "-42"}) == kOk);
  CHECK(h.Run({"INCRBY", "s", "2"}) == Int(-40));
  CHECK(h.Run({"GET", "s"}) == Bulk("-40"));
}

TEST_CASE("INCR refuses values that are not canonical integers") {
  Harness h;
  for (const char* bad : {"abc", " 1", "1 ", "+1", "01", "1.5", "", "-0", "9223372036854775808"}) {
    CAPTURE(bad);
    CHECK(h.Run({"SET", "s", bad}) == kOk);
    CHECK(h.Run({"INCR", "s"}) == kNotInt);
    CHECK(h.Run({"GET", "s"}) == Bulk(bad));
  }
  CHECK(h.Run({"INCRBY", "n", "abc"}) == kNotInt);
  CHECK(h.Run({"INCRBY", "n", "1.5"}) == kNotInt);
  CHECK(h.Run({"DECRBY", "n", ""}) == kNotInt);
  CHECK(h.Run({"EXISTS", "n"}) == Int(0));
}

TEST_CASE("INCR and DECR refuse to overflow") {
  Harness h;
  CHECK(h.Run({"SET", "m", "9223372036854775807"}) == kOk);
  CHECK(h.Run({"INCR", "m"}) == kOverflow);
  CHECK(h.Run({"INCRBY", "m", "9223372036854775807"}) == kOverflow);
  CHECK(h.Run({"DECRBY", "m", "-1"}) == kOverflow);
  CHECK(h.Run({"GET", "m"}) == Bulk("9223372036854775807"));
  CHECK(h.Run({"SET", "m", "-9223372036854775808"}) == kOk);
  CHECK(h.Run({"DECR", "m"}) == kOverflow);
  CHECK(h.Run({"INCRBY", "m", "-1"}) == kOverflow);
  CHECK(h.Run({"INCRBY", "m", "9223372036854775807"}) == Int(-1));
  // -(-2^63) does not exist, so DECRBY refuses it whatever the value.
  CHECK(h.Run({"DECRBY", "z", "-9223372036854775808"}) == "-ERR decrement would overflow\r\n");
  CHECK(h.Run({"EXISTS", "z"}) == Int(0));
  CHECK(h.Run({"INCRBY", "z", "-9223372036854775808"}) == Int(INT64_MIN));
}

TEST_CASE("INCR keeps the TTL; an expired key starts again from 0") {
  Harness h;
  CHECK(h.Run({"SET", "n", "5", "EX", "100"}) == kOk);
  CHECK(h.Run({"INCR", "n"}) == Int(6));
  CHECK(h.Run({"PTTL", "n"}) == Int(100'000));
  CHECK(h.Run({"INCRBYFLOAT", "n", "0.5"}) == Bulk("6.5"));
  CHECK(h.Run({"PTTL", "n"}) == Int(100'000));
  h.clock.Advance(100'001);
  CHECK(h.Run({"INCR", "n"}) == Int(1));
  CHECK(h.Run({"TTL", "n"}) == Int(-1));
}

TEST_CASE("INCRBYFLOAT formats as Redis (17 digits, trailing zeros dropped)") {
  Harness h;
  CHECK(h.Run({"SET", "f", "10.50"}) == kOk);
  CHECK(h.Run({"INCRBYFLOAT", "f", "0.1"}) == Bulk("10.6"));
  CHECK(h.Run({"INCRBYFLOAT", "f", "5.0e3"}) == Bulk("5010.60000000000000009"));
  CHECK(h.Run({"INCRBYFLOAT", "f", "-5050.6"}) == Bulk("-40"));
  CHECK(h.Run({"GET", "f"}) == Bulk("-40"));
  CHECK(h.Run({"INCRBYFLOAT", "i", "0.1"}) == Bulk("0.1"));
  CHECK(h.Run({"INCRBYFLOAT", "i", "0.2"}) == Bulk("0.3"));
  CHECK(h.Run({"SET", "e", "3.0e3"}) == kOk);
  CHECK(h.Run({"INCRBYFLOAT", "e", "1.5"}) == Bulk("3001.5"));
  CHECK(h.Run({"INCRBYFLOAT", "tiny", "1e-20"}) == Bulk("0"));
  CHECK(h.Run({"INCRBYFLOAT", "big", "1e30"}) == Bulk("1000000000000000000024696061952"));
  CHECK(h.Run({"INCRBYFLOAT", "negzero", "-0.0"}) == Bulk("0"));
  CHECK(h.Run({"SET", "int", "5"}) == kOk);
  CHECK(h.Run({"INCRBYFLOAT", "int", "1"}) == Bulk("6"));
  CHECK(h.Run({"INCRBYFLOAT", "int", "-7.25"}) == Bulk("-1.25"));
}

TEST_CASE("INCRBYFLOAT errors") {
  Harness h;
  CHECK(h.Run({"INCRBYFLOAT", "g", "abc"}) == kNotFloat);
  CHECK(h.Run({"INCRBYFLOAT", "g", "nan"}) == kNotFloat);
  CHECK(h.Run({"INCRBYFLOAT", "g", ""}) == kNotFloat);
  CHECK(h.Run({"INCRBYFLOAT", "g", " 1"}) == kNotFloat);
  CHECK(h.Run({"INCRBYFLOAT", "g", "inf"}) == "-ERR increment would produce NaN or Infinity\r\n");
  CHECK(h.Run({"EXISTS", "g"}) == Int(0));
  CHECK(h.Run({"SET", "s", " 1"}) == kOk);
  CHECK(h.Run({"INCRBYFLOAT", "s", "1"}) == kNotFloat);
  CHECK(h.Run({"SET", "s", "1e4932"}) == kOk);
  CHECK(h.Run({"INCRBYFLOAT", "s", "1e4932"}) ==
        "-ERR increment would produce NaN or Infinity\r\n");
  CHECK(h.Run({"GET", "s"}) == Bulk("1e4932"));
}

TEST_CASE("APPEND creates or extends the string and keeps the TTL") {
  Harness h;
  CHECK(h.Run({"APPEND", "a", "Hello"}) == Int(5));
  CHECK(h.Run({"APPEND", "a", " World"}) == Int(11));
  CHECK(h.Run({"GET", "a"}) == Bulk("Hello World"));
  CHECK(h.Run({"APPEND", "a", ""}) == Int(11));
  CHECK(h.Run({"APPEND", "e", ""}) == Int(0));
  CHECK(h.Run({"EXISTS", "e"}) == Int(1));  // as Redis: APPEND creates the key even so
  CHECK(h.Run({"SET", "n", "5", "PX", "1000"}) == kOk);
  CHECK(h.Run({"APPEND", "n", std::string("x\0y", 3)}) == Int(4));
  CHECK(h.Run({"GET", "n"}) == Bulk(std::string("5x\0y", 4)));
  CHECK(h.Run({"PTTL", "n"}) == Int(1000));
  h.clock.Advance(1001);
  CHECK(h.Run({"APPEND", "n", "z"}) == Int(1));
}

TEST_CASE("APPEND and SETRANGE respect proto-max-bulk-len") {
  Harness h;
  const std::vector<std::string_view> set_limit = {"proto-max-bulk-len", "1048576"};
  REQUIRE(h.config.Set(set_limit).empty());
  const std::string full(1024 * 1024, 'x');
  CHECK(h.Run({"SET", "a", full}) == kOk);
  CHECK(h.Run({"APPEND", "a", "y"}) == kTooLong);
  CHECK(h.Run({"STRLEN", "a"}) == Int(1024 * 1024));
  CHECK(h.Run({"SETRANGE", "a", "1048575", "z"}) == Int(1024 * 1024));
  CHECK(h.Run({"SETRANGE", "a", "1048576", "z"}) == kTooLong);
  CHECK(h.Run({"SETRANGE", "new", "1048575", "z"}) == Int(1024 * 1024));
  CHECK(h.Run({"SETRANGE", "other", "1048575", "zz"}) == kTooLong);
  CHECK(h.Run({"EXISTS", "other"}) == Int(0));
  // With the default limit (512 MB) the offset overflows only past it; nothing is allocated.
  Harness d;
  CHECK(d.Run({"SETRANGE", "s", "536870912", "x"}) == kTooLong);
  CHECK(d.Run({"SETRANGE", "s", "9223372036854775807", "x"}) == kTooLong);
  CHECK(d.Run({"EXISTS", "s"}) == Int(0));
}

TEST_CASE("STRLEN") {
  Harness h;
  CHECK(h.Run({"STRLEN", "k"}) == Int(0));
  CHECK(h.Run({"SET", "k", "Hello world"}) == kOk);
  CHECK(h.Run({"STRLEN", "k"}) == Int(11));
  CHECK(h.Run({"SET", "b", std::string("\0\0\0", 3)}) == kOk);
  CHECK(h.Run({"STRLEN", "b"}) == Int(3));
}

TEST_CASE("GETRANGE and SUBSTR take inclusive, possibly negative, indexes") {
  Harness h;
  CHECK(h.Run({"SET", "s", "Hello"}) == kOk);
  for (const char* cmd : {"GETRANGE", "SUBSTR"}) {
    CAPTURE(cmd);
    CHECK(h.Run({cmd, "s", "0", "-1"}) == Bulk("Hello"));
    CHECK(h.Run({cmd, "s", "0", "3"}) == Bulk("Hell"));
    CHECK(h.Run({cmd, "s", "-3", "-1"}) == Bulk("llo"));
    CHECK(h.Run({cmd, "s", "-1", "-3"}) == kEmpty);
    CHECK(h.Run({cmd, "s", "3", "1"}) == kEmpty);
    CHECK(h.Run({cmd, "s", "10", "20"}) == kEmpty);
    CHECK(h.Run({cmd, "s", "-100", "100"}) == Bulk("Hello"));
    CHECK(h.Run({cmd, "s", "0", "-100"}) == Bulk("H"));  // Redis 7.2 clamps end to 0
    CHECK(h.Run({cmd, "s", "4", "4"}) == Bulk("o"));
    CHECK(h.Run({cmd, "missing", "0", "1"}) == kEmpty);
    CHECK(h.Run({cmd, "s", "a", "1"}) == kNotInt);
    CHECK(h.Run({cmd, "s", "0", "1.0"}) == kNotInt);
  }
  CHECK(h.Run({"SET", "e", ""}) == kOk);
  CHECK(h.Run({"GETRANGE", "e", "0", "-1"}) == kEmpty);
  CHECK(h.Run({"GETRANGE", "s", "0"}) ==
        "-ERR wrong number of arguments for 'getrange' command\r\n");
}

TEST_CASE("SETRANGE overwrites and zero-pads") {
  Harness h;
  CHECK(h.Run({"SET", "s", "Hello World"}) == kOk);
  CHECK(h.Run({"SETRANGE", "s", "6", "Redis"}) == Int(11));
  CHECK(h.Run({"GET", "s"}) == Bulk("Hello Redis"));
  CHECK(h.Run({"SETRANGE", "s", "11", "!"}) == Int(12));
  CHECK(h.Run({"GET", "s"}) == Bulk("Hello Redis!"));
  CHECK(h.Run({"SETRANGE", "s", "14", "x"}) == Int(15));
  CHECK(h.Run({"GET", "s"}) == Bulk(std::string("Hello Redis!\0\0x", 15)));
  CHECK(h.Run({"SETRANGE", "new", "5", "x"}) == Int(6));
  CHECK(h.Run({"GET", "new"}) == Bulk(std::string("\0\0\0\0\0x", 6)));
  // Writing nothing neither creates nor changes.
  CHECK(h.Run({"SETRANGE", "none", "5", ""}) == Int(0));
  CHECK(h.Run({"EXISTS", "none"}) == Int(0));
  CHECK(h.Run({"SETRANGE", "s", "100", ""}) == Int(15));
  CHECK(h.Run({"STRLEN", "s"}) == Int(15));
  CHECK(h.Run({"SETRANGE", "s", "-1", "x"}) == "-ERR offset is out of range\r\n");
  CHECK(h.Run({"SETRANGE", "s", "a", "x"}) == kNotInt);
  // The TTL stays.
  CHECK(h.Run({"SET", "t", "abc", "EX", "50"}) == kOk);
  CHECK(h.Run({"SETRANGE", "t", "1", "X"}) == Int(3));
  CHECK(h.Run({"GET", "t"}) == Bulk("aXc"));
  CHECK(h.Run({"TTL", "t"}) == Int(50));
}

TEST_CASE("edits count as changes only when they change something") {
  Harness h;
  auto& dirty = h.server.stats.dirty;
  const uint64_t start = dirty;
  h.Run({"INCR", "n"});
  h.Run({"INCRBYFLOAT", "n", "1"});
  h.Run({"APPEND", "n", "0"});
  h.Run({"SETRANGE", "n", "0", "9"});
  CHECK(dirty == start + 4);
  h.Run({"SETRANGE", "n", "0", ""});
  h.Run({"INCR", "n"});  // "90" + 1: changes
  h.Run({"SET", "s", "x"});
  h.Run({"INCR", "s"});  // error: no change
  CHECK(dirty == start + 6);
  CHECK(h.Run({"GET", "n"}) == Bulk("91"));
}

}  // namespace
}  // namespace kvd::testing
