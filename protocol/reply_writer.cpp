#include "protocol/reply_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace kvd {
namespace {

// "<prefix><v>\r\n" in one append.
template <class N>
void AppendHeader(std::string& out, char prefix, N v) {
  char buf[32];
  buf[0] = prefix;
  char* end = std::to_chars(buf + 1, buf + sizeof(buf) - 2, v).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out.append(buf, static_cast<size_t>(end - buf));
}

void AppendBulk(std::string& out, std::string_view s) {
  // Small values (most replies) go out in one append: header, bytes and CRLF together.
  constexpr size_t kSmall = 128;
  if (s.size() <= kSmall) {
    char buf[kSmall + 32];
    buf[0] = '$';
    char* end = std::to_chars(buf + 1, buf + 24, s.size()).ptr;
    *end++ = '\r';
    *end++ = '\n';
    if (!s.empty()) std::memcpy(end, s.data(), s.size());  // data() may be null when empty
    end += s.size();
    *end++ = '\r';
    *end++ = '\n';
    out.append(buf, static_cast<size_t>(end - buf));
    return;
  }
  AppendHeader(out, '$', s.size());
  out.append(s).append("\r\n");
}

size_t CopyText(char* buf, std::string_view s) {
  std::memcpy(buf, s.data(), s.size());
  return s.size();
}

// Lays out shortest round-trip digits like Redis 7.2's fpconv_dtoa (grisu): plain digits
// for moderate exponents, otherwise "d.ddde+XX" with no exponent zero padding.
// `digits` holds the significant digits, the value is digits * 10^k.
size_t EmitDigits(const char* digits, int ndigits, int k, char* dest) {
  const int exp = std::abs(k + ndigits - 1);
  if (k >= 0 && exp < ndigits + 7) {  // integer
    std::memcpy(dest, digits, static_cast<size_t>(ndigits));
    std::memset(dest + ndigits, '0', static_cast<size_t>(k));
    return static_cast<size_t>(ndigits + k);
  }
  if (k < 0 && (k > -7 || exp < 4)) {  // decimal without exponent
    const int offset = ndigits + k;
    if (offset <= 0) {  // below 1: leading "0." and zeros
      dest[0] = '0';
      dest[1] = '.';
      std::memset(dest + 2, '0', static_cast<size_t>(-offset));
      std::memcpy(dest + 2 - offset, digits, static_cast<size_t>(ndigits));
      return static_cast<size_t>(ndigits + 2 - offset);
    }
    std::memcpy(dest, digits, static_cast<size_t>(offset));
    dest[offset] = '.';
    std::memcpy(dest + offset + 1, digits + offset, static_cast<size_t>(ndigits - offset));
    return static_cast<size_t>(ndigits + 1);
  }
  size_t i = 0;
  dest[i++] = digits[0];
  if (ndigits > 1) {
    dest[i++] = '.';
    std::memcpy(dest + i, digits + 1, static_cast<size_t>(ndigits - 1));
    i += static_cast<size_t>(ndigits - 1);
  }
  dest[i++] = 'e';
  dest[i++] = k + ndigits - 1 < 0 ? '-' : '+';
  return i + static_cast<size_t>(std::to_chars(dest + i, dest + 8 + i, exp).ptr - (dest + i));
}

}  // namespace

size_t FormatDouble(double v, char* buf) {
  if (std::isnan(v)) return CopyText(buf, "nan");
  if (std::isinf(v)) return CopyText(buf, v < 0 ? "-inf" : "inf");
  if (v == 0) return CopyText(buf, std::signbit(v) ? "-0" : "0");
  // Integral values in a range where the cast is exact print as integers, as Redis does.
  constexpr double kIntegralLimit = static_cast<double>(std::numeric_limits<int64_t>::max() / 2);
  if (v >= -kIntegralLimit && v <= kIntegralLimit) {
    const auto ll = static_cast<int64_t>(v);
    if (static_cast<double>(ll) == v) {
      return static_cast<size_t>(std::to_chars(buf, buf + kMaxDoubleChars, ll).ptr - buf);
    }
  }
  // Shortest round-trip digits, as "d.ddde±x", then Redis's layout.
  char sci[kMaxDoubleChars];
  const char* end = std::to_chars(sci, sci + sizeof(sci), v, std::chars_format::scientific).ptr;
  const char* p = sci;
  size_t n = 0;
  if (*p == '-') {
    buf[n++] = '-';
    ++p;
  }
  char digits[20];
  int ndigits = 0;
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits[ndigits++] = *p;
  }
  int exp10 = 0;
  std::from_chars(p + 1 + (p[1] == '+'), end, exp10);
  return n + EmitDigits(digits, ndigits, exp10 - (ndigits - 1), buf + n);
}

std::string FormatDouble(double v) {
  char buf[kMaxDoubleChars];
  return std::string(buf, FormatDouble(v, buf));
}

void ReplyWriter::Simple(std::string_view s) { (out_ += '+').append(s).append("\r\n"); }

void ReplyWriter::Error(std::string_view s) {
  // Callers pass the text with its code ("ERR ...", "WRONGTYPE ..."); one with its own '-'
  // keeps it, as Redis's addReplyErrorLength does.
  if (s.empty() || s[0] != '-') out_ += '-';
  const size_t start = out_.size();
  out_.append(s);
  // An error reply is a single line: Redis turns \r and \n into spaces.
  for (size_t i = start; i < out_.size(); ++i) {
    if (out_[i] == '\r' || out_[i] == '\n') out_[i] = ' ';
  }
  out_.append("\r\n");
}

void ReplyWriter::Integer(int64_t v) { AppendHeader(out_, ':', v); }

void ReplyWriter::Bulk(std::string_view s) { AppendBulk(out_, s); }

void ReplyWriter::BulkInteger(int64_t v) {
  char buf[24];
  const char* end = std::to_chars(buf, buf + sizeof(buf), v).ptr;
  AppendBulk(out_, {buf, static_cast<size_t>(end - buf)});
}

void ReplyWriter::Null() { out_.append(protocol_ >= 3 ? "_\r\n" : "$-1\r\n"); }

void ReplyWriter::NullArray() { out_.append(protocol_ >= 3 ? "_\r\n" : "*-1\r\n"); }

void ReplyWriter::ArrayHeader(size_t n) { AppendHeader(out_, '*', n); }

void ReplyWriter::MapHeader(size_t pairs) {
  if (protocol_ >= 3) {
    AppendHeader(out_, '%', pairs);
  } else {
    AppendHeader(out_, '*', pairs * 2);
  }
}

void ReplyWriter::SetHeader(size_t n) { AppendHeader(out_, protocol_ >= 3 ? '~' : '*', n); }

void ReplyWriter::PushHeader(size_t n) { AppendHeader(out_, protocol_ >= 3 ? '>' : '*', n); }

void ReplyWriter::AttributeHeader(size_t pairs) { AppendHeader(out_, '|', pairs); }

void ReplyWriter::Double(double v) {
  char buf[kMaxDoubleChars + 3];
  if (protocol_ >= 3) {
    buf[0] = ',';
    size_t n = 1 + FormatDouble(v, buf + 1);
    buf[n++] = '\r';
    buf[n++] = '\n';
    out_.append(buf, n);
  } else {
    AppendBulk(out_, {buf, FormatDouble(v, buf)});
  }
}

void ReplyWriter::Bool(bool v) {
  if (protocol_ >= 3) {
    out_.append(v ? "#t\r\n" : "#f\r\n");
  } else {
    out_.append(v ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyWriter::Verbatim(std::string_view format, std::string_view s) {
  if (protocol_ < 3) return AppendBulk(out_, s);
  AppendHeader(out_, '=', format.size() + 1 + s.size());
  (out_.append(format) += ':').append(s).append("\r\n");
}

void ReplyWriter::BigNumber(std::string_view digits) {
  if (protocol_ < 3) return AppendBulk(out_, digits);
  (out_ += '(').append(digits).append("\r\n");
}

}  // namespace kvd
