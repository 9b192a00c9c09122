#include "core/numeric.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace kvd {
namespace {

// Redis's LONG_STR_SIZE: 20 characters hold any int64; 21 or more can't be one.
constexpr size_t kLongStrSize = 21;
// Redis's MAX_LONG_DOUBLE_CHARS: longer input is refused, and the human form of the
// largest long double ("%.17Lf", ~4950 characters) always fits.
constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// The checks string2d/string2ld apply after strto*: the whole string was consumed, it did
// not start with a space, the result did not overflow or underflow to zero, and is a number.
template <class F>
bool AcceptFloat(const char* buf, size_t len, const char* end, int err, F value) {
  if (len == 0 || std::isspace(static_cast<unsigned char>(buf[0]))) return false;
  if (static_cast<size_t>(end - buf) != len) return false;  // trailing junk or an inner NUL
  if (err == ERANGE && (std::isinf(value) || value == 0)) return false;
  if (err == EINVAL) return false;
  return !std::isnan(value);
}

}  // namespace

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty() || s.size() >= kLongStrSize) return std::nullopt;
  if (s.size() == 1 && s[0] == '0') return 0;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    if (++i == s.size()) return std::nullopt;
  }
  // The first digit is 1-9: no leading zeros, so "-0" and "007" are refused.
  if (s[i] < '1' || s[i] > '9') return std::nullopt;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  if (negative) {
    constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;
    if (v > kMinMagnitude) return std::nullopt;
    return static_cast<int64_t>(0 - v);  // two's complement: -2^63 included
  }
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<double> ParseDouble(std::string_view s) {
  if (s.empty()) return std::nullopt;
  // strtod needs a terminated string; a copy also makes an inner NUL end the parse early,
  // which the length check then refuses.
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(buf.c_str(), &end);
  if (!AcceptFloat(buf.c_str(), buf.size(), end, errno, v)) return std::nullopt;
  return v;
}

std::optional<long double> ParseLongDouble(std::string_view s) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return std::nullopt;
  char buf[kMaxLongDoubleChars];
  s.copy(buf, s.size());
  buf[s.size()] = '\0';
  char* end = nullptr;
  errno = 0;
  const long double v = std::strtold(buf, &end);
  if (!AcceptFloat(buf, s.size(), end, errno, v)) return std::nullopt;
  return v;
}

size_t AppendInt64(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  const size_t n = static_cast<size_t>(r.ptr - buf);
  out.append(buf, n);
  return n;
}

std::string FormatLongDouble(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  char buf[kMaxLongDoubleChars];
  // 17 digits after the point: with x87's 64-bit mantissa most short decimals that a user
  // typed come back exactly as typed once the trailing zeros go.
  int n = std::snprintf(buf, sizeof buf, "%.17Lf", v);
  if (n < 0 || static_cast<size_t>(n) >= sizeof buf) return std::string();
  size_t len = static_cast<size_t>(n);
  if (std::string_view(buf, len).find('.') != std::string_view::npos) {
    while (buf[len - 1] == '0') --len;
    if (buf[len - 1] == '.') --len;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, len);
}

}  // namespace kvd
