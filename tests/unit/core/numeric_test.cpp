#include "core/numeric.h"

#include <doctest/doctest.h>

#include <limits>
#include <string>

using kvd::AppendInt64;
using kvd::FormatLongDouble;
using kvd::ParseDouble;
using kvd::ParseInt64;
using kvd::ParseLongDouble;

using namespace std::string_view_literals;

TEST_CASE("ParseInt64 accepts what string2ll accepts") {
  CHECK(ParseInt64("0") == 0);
  CHECK(ParseInt64("1") == 1);
  CHECK(ParseInt64("-1") == -1);
  CHECK(ParseInt64("1234567890") == 1234567890);
  CHECK(ParseInt64("9223372036854775807") == std::numeric_limits<int64_t>::max());
  CHECK(ParseInt64("-9223372036854775808") == std::numeric_limits<int64_t>::min());
}

TEST_CASE("ParseInt64 refuses what string2ll refuses") {
  for (std::string_view s : {""sv,
                             "-"sv,
                             "-0"sv,
                             "+1"sv,
                             "01"sv,
                             "00"sv,
                             " 1"sv,
                             "1 "sv,
                             "1a"sv,
                             "a1"sv,
                             "1.0"sv,
                             "1e3"sv,
                             "9223372036854775808"sv,
                             "-9223372036854775809"sv,
                             "18446744073709551616"sv,
                             "99999999999999999999"sv,
                             "123456789012345678901"sv,
                             "0x10"sv,
                             "1\0"sv,
                             "--1"sv}) {
    CAPTURE(s);
    CHECK_FALSE(ParseInt64(s).has_value());
  }
}

TEST_CASE("ParseDouble follows string2d") {
  CHECK(ParseDouble("1.5") == 1.5);
  CHECK(ParseDouble("-0.25") == -0.25);
  CHECK(ParseDouble("1e3") == 1000.0);
  CHECK(ParseDouble(".5") == 0.5);
  CHECK(ParseDouble("5.") == 5.0);
  CHECK(ParseDouble("+1") == 1.0);
  CHECK(ParseDouble("0x10") == 16.0);  // strtod reads hex; so does Redis
  CHECK(ParseDouble("inf") == std::numeric_limits<double>::infinity());
  CHECK(ParseDouble("+inf") == std::numeric_limits<double>::infinity());
  CHECK(ParseDouble("-inf") == -std::numeric_limits<double>::infinity());
  CHECK(ParseDouble("infinity") == std::numeric_limits<double>::infinity());
  for (std::string_view s : {""sv, " 1"sv, "1 "sv, "\t1"sv, "1e"sv, "abc"sv, "nan"sv, "-nan"sv,
                             "1e400"sv, "-1e400"sv, "1e-400"sv, "1\0"sv, "1.0.0"sv}) {
    CAPTURE(s);
    CHECK_FALSE(ParseDouble(s).has_value());
  }
}

TEST_CASE("ParseLongDouble follows string2ld") {
  CHECK(ParseLongDouble("10.50") == 10.5L);
  CHECK(ParseLongDouble("1e4000").has_value());  // in range for an x87 long double
  CHECK(ParseLongDouble("1e-400").has_value());
  CHECK(ParseLongDouble("inf") == std::numeric_limits<long double>::infinity());
  for (std::string_view s :
       {""sv, " 1"sv, "1 "sv, "nan"sv, "1e"sv, "1e99999"sv, "1e-99999"sv, "1\0"sv}) {
    CAPTURE(s);
    CHECK_FALSE(ParseLongDouble(s).has_value());
  }
  CHECK_FALSE(ParseLongDouble(std::string(5 * 1024, '1')).has_value());
  CHECK(ParseLongDouble(std::string(5 * 1024 - 1, '0')) == 0.0L);
}

TEST_CASE("AppendInt64 appends decimal text") {
  std::string out = "x";
  CHECK(AppendInt64(out, 0) == 1);
  CHECK(AppendInt64(out, -42) == 3);
  CHECK(AppendInt64(out, std::numeric_limits<int64_t>::min()) == 20);
  CHECK(out == "x0-42-9223372036854775808");
}

long double Ld(std::string_view s) { return *ParseLongDouble(s); }

TEST_CASE("FormatLongDouble matches INCRBYFLOAT's replies") {
  // Each expected text is what redis-server gives for INCRBYFLOAT on the same operands.
  CHECK(FormatLongDouble(Ld("10.50") + Ld("0.1")) == "10.6");
  CHECK(FormatLongDouble(Ld("5.0e3") + Ld("2.0e2")) == "5200");
  CHECK(FormatLongDouble(Ld("5.0e3") + Ld("2.0e-3")) == "5000.00199999999999978");
  CHECK(FormatLongDouble(Ld("3.0e3")) == "3000");
  CHECK(FormatLongDouble(Ld("1") + Ld("-1.1")) == "-0.1");
  CHECK(FormatLongDouble(Ld("0.1") + Ld("0.2")) == "0.3");
  CHECK(FormatLongDouble(Ld("17179869184") + Ld("1.5")) == "17179869185.5");
  CHECK(FormatLongDouble(Ld("123456789.123456789")) == "123456789.12345678899873747");
  CHECK(FormatLongDouble(Ld("1.23e-5")) == "0.0000123");
  CHECK(FormatLongDouble(Ld("1e20") + Ld("1")) == "100000000000000000000");
  CHECK(FormatLongDouble(Ld("1") + Ld("1e-20")) == "1");
  CHECK(FormatLongDouble(Ld("4.9e-324")) == "0");
  CHECK(FormatLongDouble(-0.0L) == "0");  // no negative zero
  CHECK(FormatLongDouble(-1e-30L) == "0");
  CHECK(FormatLongDouble(std::numeric_limits<long double>::infinity()) == "inf");
  CHECK(FormatLongDouble(-std::numeric_limits<long double>::infinity()) == "-inf");
  // The largest long double still fits Redis's buffer.
  const std::string max = FormatLongDouble(std::numeric_limits<long double>::max());
  CHECK(max.size() == 4933);
  CHECK(max.substr(0, 6) == "118973");
}
