#pragma once
// Bounds-checked reading of an RDB file, shared by the reader's parts (rdb_reader.cpp for
// the file structure and strings, rdb_collection_reader.cpp for the collection types).
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/lzf.h"
#include "core/numeric.h"
#include "core/rdb_format.h"

namespace kvd::rdb {

inline std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// The file being read: every read checks the bounds and the first error is latched, so the
// decoder can read a whole entry and test once. Error texts start "RDB: ".
class Input {
 public:
  explicit Input(std::string_view data) : data_(data) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t offset() const { return pos_; }
  bool AtEnd() const { return pos_ == data_.size(); }

  void Fail(std::string message) {
    if (error_.empty()) error_ = "RDB: " + std::move(message);
  }

  uint8_t U8(std::string_view what) {
    if (!Need(1, what)) return 0;
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint64_t Le(int n, std::string_view what) {
    if (!Need(static_cast<uint64_t>(n), what)) return 0;
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  uint64_t Be(int n, std::string_view what) {
    if (!Need(static_cast<uint64_t>(n), what)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  std::string_view Bytes(uint64_t n, std::string_view what) {
    if (!Need(n, what)) return {};
    std::string_view s = data_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }

  // rdbLoadLenByRef: a length, or (*encoded set) the special string encoding that follows
  // the 11 marker.
  uint64_t LengthOrEncoding(bool* encoded, std::string_view what) {
    *encoded = false;
    const size_t at = pos_;
    const uint8_t b = U8(what);
    if (!ok()) return 0;
    switch (b >> 6) {
      case rdb::kLen6Bit: return b & 0x3f;
      case rdb::kLen14Bit: return (uint64_t{b & 0x3fu} << 8) | U8(what);
      case rdb::kEncoded: *encoded = true; return b & 0x3f;
      default: break;
    }
    if (b == rdb::kLen32Bit) return Be(4, what);
    if (b == rdb::kLen64Bit) return Be(8, what);
    Fail("unknown length encoding " + Hex(b) + " at offset " + std::to_string(at) +
         " reading " + std::string(what));
    return 0;
  }
  uint64_t Length(std::string_view what) {
    const size_t at = pos_;
    bool encoded;
    const uint64_t len = LengthOrEncoding(&encoded, what);
    if (encoded) {
      Fail("a string encoding where a length belongs at offset " + std::to_string(at) +
           " reading " + std::string(what));
    }
    return ok() ? len : 0;
  }

  // rdbGenericLoadStringObject: the string's bytes, pointing into the file or, for the
  // integer and LZF encodings, into `scratch`.
  std::string_view String(std::string& scratch, std::string_view what) {
    const size_t at = pos_;
    bool encoded;
    const uint64_t len = LengthOrEncoding(&encoded, what);
    if (!ok()) return {};
    if (!encoded) return Bytes(len, what);
    scratch.clear();
    switch (len) {
      case rdb::kEncInt8:
        AppendInt64(scratch, static_cast<int8_t>(Le(1, what)));
        break;
      case rdb::kEncInt16:
        AppendInt64(scratch, static_cast<int16_t>(Le(2, what)));
        break;
      case rdb::kEncInt32:
        AppendInt64(scratch, static_cast<int32_t>(Le(4, what)));
        break;
      case rdb::kEncLzf:
        Lzf(scratch, at, what);
        break;
      default:
        Fail("unknown string encoding " + std::to_string(len) + " at offset " +
             std::to_string(at) + " reading " + std::string(what));
    }
    if (!ok()) return {};
    return scratch;
  }

 private:
  bool Need(uint64_t n, std::string_view what) {
    if (!ok()) return false;
    if (n > data_.size() - pos_) {
      Fail("unexpected end of file at offset " + std::to_string(pos_) + " reading " +
           std::string(what) + " (" + std::to_string(n) + " bytes needed, the file has " +
           std::to_string(data_.size()) + ")");
      return false;
    }
    return true;
  }

  void Lzf(std::string& out, size_t at, std::string_view what) {
    const uint64_t compressed_len = Length(what);
    const uint64_t len = Length(what);
    const std::string_view compressed = Bytes(compressed_len, what);
    if (!ok()) return;
    // Checked before allocating: a damaged length must not ask for gigabytes.
    if (compressed_len == 0 || len == 0 || len > LzfMaxExpansion(compressed_len)) {
      Fail("bad LZF string lengths (" + std::to_string(compressed_len) + " compressed, " +
           std::to_string(len) + " uncompressed) at offset " + std::to_string(at) +
           " reading " + std::string(what));
      return;
    }
    out.resize(static_cast<size_t>(len));
    const std::optional<size_t> n = LzfDecompress(compressed, out.data(), out.size());
    if (!n || *n != len) {
      Fail("invalid LZF compressed string at offset " + std::to_string(at) + " reading " +
           std::string(what));
    }
  }

  std::string_view data_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace kvd::rdb
