#pragma once
// Number parsing and formatting with Redis's exact rules (string2ll, string2ld, ld2string).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvd {

// Redis's string2ll: optional '-', decimal digits, no leading '+', spaces or zeros
// ("0" itself is fine), must fit int64. "-0" is rejected as Redis does.
std::optional<int64_t> ParseInt64(std::string_view s);
// A double as Redis accepts it (strtod on the whole string, no leading/trailing space,
// not NaN; "inf"/"-inf"/"+inf" accepted).
std::optional<double> ParseDouble(std::string_view s);
// A long double as INCRBYFLOAT accepts it (as ParseDouble, and not NaN).
std::optional<long double> ParseLongDouble(std::string_view s);

// Decimal text of v, appended to out; returns the number of characters written.
size_t AppendInt64(std::string& out, int64_t v);
// INCRBYFLOAT's text for a long double: Redis's ld2string(LD_STR_HUMAN), i.e. "%.17Lf"
// with trailing zeros (and a trailing '.') removed.
std::string FormatLongDouble(long double v);

}  // namespace kvd
