#include "server/aof/aof_format.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/numeric.h"

namespace kvd {
namespace {

// A header line ("*3", "$5") longer than this without its CRLF is damage, not a cut.
constexpr size_t kMaxHeaderLine = 32;
// Redis skips annotation lines up to AOF_ANNOTATION_LINE_MAX_LEN (1024) bytes.
constexpr size_t kMaxAnnotationLine = 1024;
constexpr size_t kReadChunk = 64 * 1024;

void AppendHeader(std::string& out, char type, uint64_t n) {
  out += type;
  AppendInt64(out, static_cast<int64_t>(n));
  out += "\r\n";
}

std::string Printable(char c) {
  if (c >= 0x20 && c < 0x7f) return std::string(1, c);
  static constexpr char kHex[] = "0123456789abcdef";
  const auto u = static_cast<unsigned char>(c);
  return std::string("\\x") + kHex[u >> 4] + kHex[u & 15];
}

}  // namespace

void AppendAofCommand(std::string& out, std::span<const std::string_view> args) {
  AppendHeader(out, '*', args.size());
  for (std::string_view a : args) {
    AppendHeader(out, '$', a.size());
    out.append(a);
    out += "\r\n";
  }
}

void AppendAofSelect(std::string& out, size_t db) {
  const std::string n = std::to_string(db);
  const std::string_view args[] = {"SELECT", n};
  AppendAofCommand(out, args);
}

void AppendAofTimestamp(std::string& out, int64_t unix_seconds) {
  out += "#TS:";
  AppendInt64(out, unix_seconds);
  out += "\r\n";
}

AofRecordReader::Parse AofRecordReader::Bad(size_t at, std::string what) {
  damage_offset_ = base_offset_ + at;
  error_ = std::move(what);
  return Parse::kBad;
}

AofRecordReader::Parse AofRecordReader::ParseAt(std::vector<std::string_view>& args,
                                                size_t* end, bool* annotation) {
  const std::string_view buf = buf_;
  size_t p = pos_;
  if (p >= buf.size()) return Parse::kNeedMore;
  *annotation = false;
  if (buf[p] == '#') {
    const size_t nl = buf.find('\n', p);
    if (nl == std::string_view::npos) {
      if (buf.size() - p > kMaxAnnotationLine) return Bad(p, "annotation line too long");
      return Parse::kNeedMore;
    }
    *end = nl + 1;
    *annotation = true;
    return Parse::kOk;
  }
  // "<type><digits>\r\n" at p: the number, or kNeedMore / kBad.
  int64_t number = 0;
  auto header = [&](char type, std::string_view what) -> Parse {
    if (p >= buf.size()) return Parse::kNeedMore;
    if (buf[p] != type) {
      return Bad(p, "expected '" + std::string(1, type) + "' " + std::string(what) +
                        ", got '" + Printable(buf[p]) + "'");
    }
    // Look for the CR only within a header's length: past it this is no header.
    const size_t window = std::min(buf.size(), p + 1 + kMaxHeaderLine);
    const size_t cr = buf.substr(0, window).find('\r', p + 1);
    if (cr == std::string_view::npos || cr + 1 >= buf.size()) {
      if (cr == std::string_view::npos && window == p + 1 + kMaxHeaderLine) {
        return Bad(p, "header line too long");
      }
      return Parse::kNeedMore;
    }
    const std::string_view digits = buf.substr(p + 1, cr - p - 1);
    auto n = ParseInt64(digits);
    if (buf[cr + 1] != '\n' || digits.empty() || !n || *n < 0 || digits[0] == '-' ||
        digits[0] == '+') {
      return Bad(p, "invalid " + std::string(type == '*' ? "multibulk" : "bulk") + " length '" +
                        std::string(digits.substr(0, kMaxHeaderLine)) + "'");
    }
    number = *n;
    p = cr + 2;
    return Parse::kOk;
  };
  if (Parse r = header('*', "at the start of a command"); r != Parse::kOk) return r;
  if (number < 1) return Bad(pos_, "a command with no arguments");
  const int64_t argc = number;
  args.clear();
  for (int64_t i = 0; i < argc; ++i) {
    if (Parse r = header('$', "before an argument"); r != Parse::kOk) return r;
    const auto len = static_cast<uint64_t>(number);
    if (buf.size() - p < len + 2) return Parse::kNeedMore;
    if (buf[p + len] != '\r' || buf[p + len + 1] != '\n') {
      return Bad(p + len, "expected CRLF after an argument of " + std::to_string(len) +
                              " bytes");
    }
    args.push_back(buf.substr(p, len));
    p += len + 2;
  }
  *end = p;
  return Parse::kOk;
}

bool AofRecordReader::Fill() {
  const size_t want = std::max(kReadChunk, buf_.size());
  const size_t old = buf_.size();
  buf_.resize(old + want);
  for (;;) {
    const ssize_t n = ::read(fd_, buf_.data() + old, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      io_failed_ = true;
      error_ = std::strerror(errno);
      buf_.resize(old);
      return false;
    }
    buf_.resize(old + static_cast<size_t>(n));
    if (n == 0) eof_ = true;
    return n > 0;
  }
}

AofRecordReader::Status AofRecordReader::Next(std::vector<std::string_view>& args) {
  for (;;) {
    record_offset_ = base_offset_ + pos_;
    size_t end = 0;
    bool annotation = false;
    const Parse r = ParseAt(args, &end, &annotation);
    if (r == Parse::kBad) return Status::kDamaged;
    if (r == Parse::kOk) {
      pos_ = end;
      if (annotation) continue;
      return Status::kRecord;
    }
    if (eof_) return pos_ == buf_.size() ? Status::kEnd : Status::kTruncated;
    // Keep only the partial record, then read more.
    buf_.erase(0, pos_);
    base_offset_ += pos_;
    pos_ = 0;
    if (!Fill() && io_failed_) return Status::kIoError;
  }
}

}  // namespace kvd
