#include "protocol/resp_parser.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace kvd {
namespace {

constexpr std::string_view kInvalidMultibulkLen = "ERR Protocol error: invalid multibulk length";
constexpr std::string_view kInvalidBulkLen = "ERR Protocol error: invalid bulk length";
constexpr std::string_view kUnauthMultibulkLen =
    "ERR Protocol error: unauthenticated multibulk length";
constexpr std::string_view kUnauthBulkLen = "ERR Protocol error: unauthenticated bulk length";
constexpr std::string_view kTooBigMbulkCount = "ERR Protocol error: too big mbulk count string";
constexpr std::string_view kTooBigBulkCount = "ERR Protocol error: too big bulk count string";
constexpr std::string_view kTooBigInline = "ERR Protocol error: too big inline request";
constexpr std::string_view kUnbalancedQuotes = "ERR Protocol error: unbalanced quotes in request";

// Redis's limits for clients that have not authenticated yet.
constexpr int64_t kUnauthMaxMultibulkLen = 10;
constexpr int64_t kUnauthMaxBulkLen = 16384;

// A huge announced element count must not allocate up front; grow as elements arrive.
constexpr size_t kMaxPreallocArgs = 1024;

// Marks a search that hit a NUL byte: it can never find its delimiter.
constexpr size_t kBlocked = std::numeric_limits<size_t>::max();

// Redis's string2ll: optional '-', then digits without leading zeros, no '+', no spaces,
// and the value must fit in int64.
bool ParseLength(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  if (s.size() == 1 && s[0] == '0') {
    out = 0;
    return true;
  }
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative && ++i == s.size()) return false;
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (v > kMax + 1) return false;
    out = v == kMax + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(v);
  } else {
    if (v > kMax) return false;
    out = static_cast<int64_t>(v);
  }
  return true;
}

inline unsigned DigitValue(char c) { return static_cast<unsigned char>(c) - unsigned{'0'}; }

// Whether p[0..1] is "\r\n" (the caller knows both bytes are there): one 16-bit compare.
inline bool IsCrlf(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  uint16_t crlf;
  std::memcpy(&crlf, "\r\n", sizeof crlf);
  return v == crlf;
}

// Reads a length written the usual way, "0" or [1-9][0-9]* (at most 18 digits, so no
// overflow), followed by "\r\n". Returns where the next line starts, or nullptr for anything
// else (signs, leading zeros, long or missing numbers, a missing or split line end): those
// are left to the incremental parser, which knows the exact errors.
inline const char* ReadPlainLength(const char* p, const char* end, int64_t& out) {
  constexpr ptrdiff_t kMaxDigits = 18;
  const char* const stop = end - p > kMaxDigits ? p + kMaxDigits : end;
  if (p == stop) return nullptr;
  uint64_t v = DigitValue(*p++);
  if (v > 9) return nullptr;
  if (v != 0) {
    for (unsigned d; p < stop && (d = DigitValue(*p)) <= 9; ++p) v = v * 10 + d;
  }
  if (end - p < 2 || !IsCrlf(p)) return nullptr;
  out = static_cast<int64_t>(v);
  return p + 2;
}

// The common case: a whole multibulk frame with well-formed headers and "\r\n" after every
// bulk. Reads each header's digits once, without searching for line ends. Returns the bytes
// the frame takes, with its arguments in `args`; or 0, with `args` partly filled, when the
// frame is incomplete or anything is unusual. Then the incremental parser starts over; it
// accepts every frame accepted here, with the same arguments, and owns the error texts.
size_t ParseWholeMultibulk(std::string_view in, const RespLimits& limits,
                           std::vector<std::string_view>& args) {
  const char* const begin = in.data();
  const char* const end = begin + in.size();
  int64_t count = 0;
  const char* p = ReadPlainLength(begin + 1, end, count);
  if (p == nullptr || count == 0 || count > limits.max_multibulk_len ||
      (limits.auth_required && count > kUnauthMaxMultibulkLen)) {
    return 0;
  }
  const int64_t max_bulk_len =
      limits.auth_required ? std::min(limits.max_bulk_len, kUnauthMaxBulkLen) : limits.max_bulk_len;
  args.reserve(std::min(static_cast<size_t>(count), kMaxPreallocArgs));
  for (int64_t i = 0; i < count; ++i) {
    if (p == end || *p != '$') return 0;
    int64_t len = 0;
    p = ReadPlainLength(p + 1, end, len);
    if (p == nullptr || len > max_bulk_len) return 0;
    const auto size = static_cast<size_t>(len);
    if (static_cast<size_t>(end - p) < size + 2 || !IsCrlf(p + size)) {
      return 0;
    }
    args.emplace_back(p, size);
    p += size + 2;
  }
  return static_cast<size_t>(p - begin);
}

}  // namespace

RespParser::RespParser(RespLimits limits) : limits_(limits) {}

void RespParser::Reset() {
  multibulk_len_ = 0;
  bulk_len_ = -1;
  pos_ = 0;
  scan_ = 0;
  arg_spans_.clear();
}

size_t RespParser::BytesWanted() const {
  if (multibulk_len_ == 0 || bulk_len_ < 0) return 0;
  return pos_ + static_cast<size_t>(bulk_len_) + 2;
}

ParseResult RespParser::Fail(std::string_view error) {
  Reset();  // leaves error_, which `error` may point into
  return {ParseStatus::kError, 0, error};
}

// Redis looks for line ends with strchr() on its NUL-terminated query buffer, so a NUL
// byte hides any delimiter after it: the line then only ends by growing past the size
// limit. Doing the same keeps the same replies (e.g. Redis's protocol desync tests).
size_t RespParser::FindDelimiter(std::string_view in, size_t from, char delim) {
  if (scan_ == kBlocked) return std::string_view::npos;
  const size_t start = std::max(from, scan_);
  if (start >= in.size()) return std::string_view::npos;
  const char* base = in.data();
  const auto* hit = static_cast<const char*>(std::memchr(base + start, delim, in.size() - start));
  const size_t end = hit ? static_cast<size_t>(hit - base) : in.size();
  if (std::memchr(base + start, '\0', end - start) != nullptr) {
    scan_ = kBlocked;
    return std::string_view::npos;
  }
  if (hit == nullptr) {
    scan_ = in.size();
    return std::string_view::npos;
  }
  return end;
}

ParseResult RespParser::Parse(std::string_view in, std::vector<std::string_view>& args) {
  args.clear();
  error_.clear();
  // A fresh frame (no partial state) that is already complete in `in`: no offsets to keep.
  if (multibulk_len_ == 0 && scan_ == 0 && !in.empty() && in[0] == '*') {
    if (const size_t consumed = ParseWholeMultibulk(in, limits_, args); consumed > 0) {
      return {ParseStatus::kComplete, consumed};
    }
    args.clear();
  }
  // A caller that dropped or replaced the partial frame gets a fresh start rather than
  // offsets past the end of its buffer.
  if (pos_ > in.size() || (scan_ != kBlocked && scan_ > in.size()) ||
      (multibulk_len_ > 0 && in[0] != '*')) {
    Reset();
  }
  if (in.empty()) return {};
  return in[0] == '*' ? ParseMultibulk(in, args) : ParseInline(in, args);
}

ParseResult RespParser::ParseMultibulk(std::string_view in, std::vector<std::string_view>& args) {
  if (multibulk_len_ == 0) {
    const size_t nl = FindDelimiter(in, 0, '\r');
    if (nl == std::string_view::npos) {
      if (in.size() > limits_.max_inline_len) return Fail(kTooBigMbulkCount);
      return {};
    }
    if (nl + 1 >= in.size()) {  // the byte after '\r' (not checked, as in Redis) is missing
      scan_ = nl;
      return {};
    }
    int64_t count = 0;
    if (!ParseLength(in.substr(1, nl - 1), count) || count > limits_.max_multibulk_len) {
      return Fail(kInvalidMultibulkLen);
    }
    if (limits_.auth_required && count > kUnauthMaxMultibulkLen) {
      return Fail(kUnauthMultibulkLen);
    }
    const size_t header_end = nl + 2;
    if (count <= 0) {  // *0 and *-1: an empty command, skipped by the caller
      Reset();
      return {ParseStatus::kComplete, header_end};
    }
    multibulk_len_ = count;
    pos_ = scan_ = header_end;
    arg_spans_.clear();
    arg_spans_.reserve(std::min(static_cast<size_t>(count), kMaxPreallocArgs));
  }

  while (arg_spans_.size() < static_cast<size_t>(multibulk_len_)) {
    if (bulk_len_ < 0) {
      const size_t nl = FindDelimiter(in, pos_, '\r');
      if (nl == std::string_view::npos) {
        if (in.size() - pos_ > limits_.max_inline_len) return Fail(kTooBigBulkCount);
        return {};
      }
      if (nl + 1 >= in.size()) {
        scan_ = nl;
        return {};
      }
      if (in[pos_] != '$') {
        error_ = "ERR Protocol error: expected '$', got '";
        error_ += in[pos_];
        error_ += '\'';
        return Fail(error_);
      }
      int64_t len = 0;
      if (!ParseLength(in.substr(pos_ + 1, nl - pos_ - 1), len) || len < 0 ||
          len > limits_.max_bulk_len) {
        return Fail(kInvalidBulkLen);
      }
      if (limits_.auth_required && len > kUnauthMaxBulkLen) return Fail(kUnauthBulkLen);
      pos_ = nl + 2;
      bulk_len_ = len;
    }
    // The two bytes after the data are skipped unchecked, as Redis does.
    if (in.size() - pos_ < static_cast<uint64_t>(bulk_len_) + 2) return {};
    arg_spans_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ += static_cast<size_t>(bulk_len_) + 2;
    scan_ = pos_;
    bulk_len_ = -1;
  }

  args.reserve(arg_spans_.size());
  for (const auto& [offset, len] : arg_spans_) args.push_back(in.substr(offset, len));
  const size_t consumed = pos_;
  Reset();
  return {ParseStatus::kComplete, consumed};
}

ParseResult RespParser::ParseInline(std::string_view in, std::vector<std::string_view>& args) {
  const size_t nl = FindDelimiter(in, 0, '\n');
  if (nl == std::string_view::npos) {
    if (in.size() > limits_.max_inline_len) return Fail(kTooBigInline);
    return {};
  }
  size_t line_len = nl;
  if (line_len > 0 && in[line_len - 1] == '\r') --line_len;
  if (!SplitInlineArgs(in.substr(0, line_len), args, inline_storage_)) {
    return Fail(kUnbalancedQuotes);
  }
  Reset();
  return {ParseStatus::kComplete, nl + 1};
}

}  // namespace kvd
