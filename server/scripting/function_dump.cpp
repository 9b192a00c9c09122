#include "server/scripting/function_dump.h"

#include <optional>
#include <vector>

#include "core/crc64.h"
#include "core/lzf.h"
#include "core/rdb_format.h"

namespace kvd {
namespace {

// Redis 7.0's RDB version, the newest a Redis 7 server accepts in a payload's trailer.
constexpr int kDumpRdbVersion = 10;
constexpr std::string_view kBadPayloadErr = "ERR DUMP payload version or checksum are wrong";

void PutLength(std::string& out, uint64_t len) {
  if (len < (1 << 6)) {
    out.push_back(static_cast<char>(len));
  } else if (len < (1 << 14)) {
    out.push_back(static_cast<char>(0x40 | (len >> 8)));
    out.push_back(static_cast<char>(len & 0xff));
  } else {
    out.push_back(static_cast<char>(rdb::kLen32Bit));
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(len >> (8 * i)));
  }
}

// Reads RDB lengths and strings (verbatim, integer or LZF encoded) from a payload.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Done() const { return pos_ >= in_.size(); }
  std::optional<uint8_t> Byte() {
    if (pos_ >= in_.size()) return std::nullopt;
    return static_cast<uint8_t>(in_[pos_++]);
  }
  // A length, or the special encoding (with *encoded set).
  std::optional<uint64_t> Length(bool* encoded) {
    std::optional<uint8_t> b = Byte();
    if (!b) return std::nullopt;
    *encoded = false;
    switch (*b >> 6) {
      case 0:
        return *b & 0x3f;
      case 1: {
        std::optional<uint8_t> lo = Byte();
        if (!lo) return std::nullopt;
        return (static_cast<uint64_t>(*b & 0x3f) << 8) | *lo;
      }
      case 3:
        *encoded = true;
        return *b & 0x3f;
      default: {
        int n = *b == rdb::kLen32Bit ? 4 : *b == rdb::kLen64Bit ? 8 : 0;
        if (n == 0 || pos_ + n > in_.size()) return std::nullopt;
        uint64_t v = 0;
        for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(in_[pos_++]);
        return v;
      }
    }
  }
  std::optional<std::string> String() {
    bool encoded = false;
    std::optional<uint64_t> len = Length(&encoded);
    if (!len) return std::nullopt;
    if (!encoded) return Take(*len);
    if (*len <= rdb::kEncInt32) {
      const int n = 1 << *len;  // 1, 2 or 4 bytes, little-endian
      std::optional<std::string> raw = Take(n);
      if (!raw) return std::nullopt;
      uint32_t v = 0;
      for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>((*raw)[i]);
      int64_t value = n == 1 ? static_cast<int8_t>(v) : n == 2 ? static_cast<int16_t>(v)
                                                               : static_cast<int32_t>(v);
      return std::to_string(value);
    }
    if (*len != rdb::kEncLzf) return std::nullopt;
    std::optional<uint64_t> clen = Length(&encoded);
    std::optional<uint64_t> ulen = Length(&encoded);
    if (!clen || !ulen) return std::nullopt;
    std::optional<std::string> packed = Take(*clen);
    if (!packed) return std::nullopt;
    std::string out(*ulen, '\0');
    std::optional<size_t> n = LzfDecompress(*packed, out.data(), out.size());
    if (!n || *n != *ulen) return std::nullopt;
    return out;
  }

 private:
  std::optional<std::string> Take(uint64_t n) {
    if (n > in_.size() - pos_) return std::nullopt;
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

std::string DumpFunctions(const FunctionLibraries& libraries) {
  std::string out;
  for (const auto& [name, lib] : libraries.libraries()) {
    out.push_back(static_cast<char>(rdb::kOpFunction2));
    PutLength(out, lib.code.size());
    out.append(lib.code);
  }
  out.push_back(static_cast<char>(kDumpRdbVersion & 0xff));
  out.push_back(static_cast<char>(kDumpRdbVersion >> 8));
  const uint64_t crc = Crc64(0, out);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(crc >> (8 * i)));
  return out;
}

std::string RestoreFunctions(FunctionLibraries& libraries, std::string_view payload,
                             RestorePolicy policy) {
  if (payload.size() < 10) return std::string(kBadPayloadErr);
  const std::string_view body = payload.substr(0, payload.size() - 10);
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(payload[i]); };
  const int version = byte(payload.size() - 10) | (byte(payload.size() - 9) << 8);
  uint64_t crc = 0;
  for (int i = 7; i >= 0; --i) crc = (crc << 8) | byte(payload.size() - 8 + i);
  if (version > rdb::kMaxReadVersion ||
      Crc64(0, payload.substr(0, payload.size() - 8)) != crc) {
    return std::string(kBadPayloadErr);
  }
  std::vector<std::string> codes;
  Reader in(body);
  while (!in.Done()) {
    std::optional<uint8_t> type = in.Byte();
    if (*type == rdb::kOpFunctionPreGa) return "ERR Pre-GA function format not supported";
    if (*type != rdb::kOpFunction2) return "ERR given type is not a function";
    std::optional<std::string> code = in.String();
    if (!code) return "ERR can not read function code";
    codes.push_back(std::move(*code));
  }
  // All or none: on any failure the libraries go back to what they were.
  std::vector<std::string> before;
  for (const auto& [name, lib] : libraries.libraries()) before.push_back(lib.code);
  if (policy == RestorePolicy::kFlush) libraries.Flush();
  std::string err;
  for (const std::string& code : codes) {
    if (policy == RestorePolicy::kAppend) {
      std::string check;
      // APPEND refuses a library that exists with Redis's own text.
      if (libraries.Load(code, false, &check).empty()) {
        err = check;
        break;
      }
      continue;
    }
    if (libraries.Load(code, true, &err).empty()) break;
    err.clear();
  }
  if (!err.empty()) {
    libraries.Flush();
    std::string ignored;
    for (const std::string& code : before) libraries.Load(code, false, &ignored);
  }
  return err;
}

}  // namespace kvd
