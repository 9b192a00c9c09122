#include "protocol/reply_writer.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace kvd {
namespace {

using namespace std::string_literals;

// Runs `write` against a fresh buffer for the given protocol and returns the bytes.
template <class F>
std::string Out(int protocol, F write) {
  std::string buf;
  ReplyWriter w(buf, protocol);
  write(w);
  return buf;
}

TEST_CASE("types that look the same in RESP2 and RESP3") {
  for (int proto : {2, 3}) {
    CAPTURE(proto);
    CHECK(Out(proto, [](ReplyWriter& w) { w.Simple("OK"); }) == "+OK\r\n");
    CHECK(Out(proto, [](ReplyWriter& w) { w.Ok(); }) == "+OK\r\n");
    CHECK(Out(proto, [](ReplyWriter& w) { w.Error("ERR syntax error"); }) ==
          "-ERR syntax error\r\n");
    CHECK(Out(proto, [](ReplyWriter& w) { w.Integer(0); }) == ":0\r\n");
    CHECK(Out(proto, [](ReplyWriter& w) { w.Integer(-42); }) == ":-42\r\n");
    CHECK(Out(proto, [](ReplyWriter& w) { w.Integer(INT64_MIN); }) == ":-9223372036854775808\r\n");
    CHECK(Out(proto, [](ReplyWriter& w) { w.Integer(INT64_MAX); }) == ":9223372036854775807\r\n");
    CHECK(Out(proto, [](ReplyWriter& w) { w.Bulk("abc"); }) == "$3\r\nabc\r\n");
    CHECK(Out(proto, [](ReplyWriter& w) { w.Bulk(""); }) == "$0\r\n\r\n");
    CHECK(Out(proto, [](ReplyWriter& w) { w.Bulk("a\r\n\0b"s); }) == "$5\r\na\r\n\0b\r\n"s);
    CHECK(Out(proto, [](ReplyWriter& w) { w.BulkInteger(-17); }) == "$3\r\n-17\r\n");
    CHECK(Out(proto, [](ReplyWriter& w) { w.ArrayHeader(0); }) == "*0\r\n");
    CHECK(Out(proto, [](ReplyWriter& w) { w.ArrayHeader(12); }) == "*12\r\n");
  }
}

TEST_CASE("error messages become a single line") {
  CHECK(Out(2, [](ReplyWriter& w) { w.Error("ERR bad\r\nthing\n"); }) == "-ERR bad  thing \r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.Error("WRONGTYPE Operation"); }) ==
        "-WRONGTYPE Operation\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.Error("-ERR has its dash"); }) == "-ERR has its dash\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.Error("ERR Protocol error: expected '$', got '\r'"); }) ==
        "-ERR Protocol error: expected '$', got ' '\r\n");
}

TEST_CASE("RESP2 encodings of RESP3 types") {
  CHECK(Out(2, [](ReplyWriter& w) { w.Null(); }) == "$-1\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.NullArray(); }) == "*-1\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.MapHeader(3); }) == "*6\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.SetHeader(3); }) == "*3\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.PushHeader(3); }) == "*3\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.Double(1.5); }) == "$3\r\n1.5\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.Double(3.0); }) == "$1\r\n3\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.Double(INFINITY); }) == "$3\r\ninf\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.Double(-INFINITY); }) == "$4\r\n-inf\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.Double(NAN); }) == "$3\r\nnan\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.Bool(true); }) == ":1\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.Bool(false); }) == ":0\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.Verbatim("txt", "some text"); }) == "$9\r\nsome text\r\n");
  CHECK(Out(2, [](ReplyWriter& w) { w.BigNumber("12345678901234567890"); }) ==
        "$20\r\n12345678901234567890\r\n");
}

TEST_CASE("RESP3 encodings") {
  CHECK(Out(3, [](ReplyWriter& w) { w.Null(); }) == "_\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.NullArray(); }) == "_\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.MapHeader(3); }) == "%3\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.SetHeader(3); }) == "~3\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.PushHeader(3); }) == ">3\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.Double(1.5); }) == ",1.5\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.Double(3.0); }) == ",3\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.Double(INFINITY); }) == ",inf\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.Double(-INFINITY); }) == ",-inf\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.Double(-NAN); }) == ",nan\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.Bool(true); }) == "#t\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.Bool(false); }) == "#f\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.Verbatim("txt", "some text"); }) ==
        "=13\r\ntxt:some text\r\n");
  CHECK(Out(3, [](ReplyWriter& w) { w.BigNumber("-12345678901234567890"); }) ==
        "(-12345678901234567890\r\n");
}

TEST_CASE("replies append to what is already buffered; protocol can switch") {
  std::string buf = "+PONG\r\n";
  ReplyWriter w(buf);
  CHECK(w.protocol() == 2);
  w.MapHeader(1);
  w.Bulk("k");
  w.Null();
  w.set_protocol(3);
  CHECK(w.protocol() == 3);
  w.MapHeader(1);
  w.Bulk("k");
  w.Null();
  CHECK(&w.buffer() == &buf);
  CHECK(buf == "+PONG\r\n*2\r\n$1\r\nk\r\n$-1\r\n%1\r\n$1\r\nk\r\n_\r\n");
}

TEST_CASE("FormatDouble matches Redis 7.2's d2string") {
  CHECK(FormatDouble(0.0) == "0");
  CHECK(FormatDouble(-0.0) == "-0");
  CHECK(FormatDouble(3.0) == "3");
  CHECK(FormatDouble(-3.0) == "-3");
  CHECK(FormatDouble(1.5) == "1.5");
  CHECK(FormatDouble(-1.5) == "-1.5");
  CHECK(FormatDouble(0.1) == "0.1");
  CHECK(FormatDouble(0.1 + 0.2) == "0.30000000000000004");
  CHECK(FormatDouble(3.14159) == "3.14159");
  CHECK(FormatDouble(10.5) == "10.5");
  CHECK(FormatDouble(123456789.123) == "123456789.123");
  CHECK(FormatDouble(0.0001) == "0.0001");
  CHECK(FormatDouble(0.00001) == "0.00001");
  CHECK(FormatDouble(0.000123) == "0.000123");
  CHECK(FormatDouble(1e-7) == "1e-7");
  CHECK(FormatDouble(1.5e-7) == "1.5e-7");
  CHECK(FormatDouble(1.2345e-6) == "1.2345e-6");
  CHECK(FormatDouble(-2.5e-10) == "-2.5e-10");
  CHECK(FormatDouble(0.0012345678) == "0.0012345678");
  CHECK(FormatDouble(5e-324) == "5e-324");
  CHECK(FormatDouble(1e18) == "1000000000000000000");
  CHECK(FormatDouble(4611686018427387904.0) == "4611686018427387904");  // 2^62: still integral
  CHECK(FormatDouble(-4611686018427387904.0) == "-4611686018427387904");
  CHECK(FormatDouble(9223372036854775808.0) == "9223372036854776000");  // 2^63: plain digits
  CHECK(FormatDouble(1e19) == "1e+19");
  CHECK(FormatDouble(1e21) == "1e+21");
  CHECK(FormatDouble(1.23e22) == "1.23e+22");
  CHECK(FormatDouble(1e100) == "1e+100");
  CHECK(FormatDouble(1e300) == "1e+300");
  CHECK(FormatDouble(-1.7976931348623157e308) == "-1.7976931348623157e+308");
  CHECK(FormatDouble(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(FormatDouble(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(FormatDouble(std::numeric_limits<double>::quiet_NaN()) == "nan");
}

TEST_CASE("FormatDouble round-trips") {
  uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double d;
    std::memcpy(&d, &x, sizeof d);
    if (!std::isfinite(d)) continue;
    char buf[kMaxDoubleChars];
    const size_t n = FormatDouble(d, buf);
    REQUIRE(n <= kMaxDoubleChars);
    const std::string s(buf, n);
    CAPTURE(s);
    CHECK(std::strtod(s.c_str(), nullptr) == d);
  }
}

}  // namespace
}  // namespace kvd
