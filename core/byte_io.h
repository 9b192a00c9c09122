#pragma once
// Little-endian integers to and from byte buffers, written out byte by byte so the encoding
// never depends on the host. ByteReader checks every read against the end of its input and
// latches the first failure, so a decoder can read a whole record and test once.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kvd {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) { Le(v, 4); }
  void U64(uint64_t v) { Le(v, 8); }
  void I64(int64_t v) { Le(static_cast<uint64_t>(v), 8); }
  void Bytes(std::string_view s) { out_.append(s); }
  // Overwrite bytes written earlier (a count known only after what follows was written).
  void PatchU32(size_t offset, uint32_t v) { Patch(offset, v, 4); }
  void PatchU64(size_t offset, uint64_t v) { Patch(offset, v, 8); }
  size_t size() const { return out_.size(); }

 private:
  void Le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  void Patch(size_t offset, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_[offset + i] = static_cast<char>(v >> (8 * i));
  }
  std::string& out_;
};

class ByteReader {
 public:
  // Reads data[offset, limit): `limit` may stop short of data's end to reserve a trailer.
  ByteReader(std::string_view data, size_t offset, size_t limit)
      : data_(data), pos_(offset), limit_(limit < data.size() ? limit : data.size()) {
    if (limit_ < pos_) limit_ = pos_;  // nothing to read, and remaining() stays sane
  }

  uint8_t U8() { return static_cast<uint8_t>(Le(1)); }
  uint32_t U32() { return static_cast<uint32_t>(Le(4)); }
  uint64_t U64() { return Le(8); }
  int64_t I64() { return static_cast<int64_t>(Le(8)); }
  // A view of the next n bytes (into the input), or empty after a failure.
  std::string_view Bytes(uint64_t n) {
    if (!Need(n)) return {};
    std::string_view s = data_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }

  bool failed() const { return failed_; }
  // Where the first read that ran past the limit started.
  size_t fail_offset() const { return fail_offset_; }
  size_t offset() const { return pos_; }
  size_t remaining() const { return limit_ - pos_; }

 private:
  bool Need(uint64_t n) {
    if (failed_) return false;
    if (n > limit_ - pos_) {
      failed_ = true;
      fail_offset_ = pos_;
      return false;
    }
    return true;
  }
  uint64_t Le(int n) {
    if (!Need(static_cast<uint64_t>(n))) return 0;
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(data_[pos_ + i]);
    pos_ += static_cast<size_t>(n);
    return v;
  }

  std::string_view data_;
  size_t pos_;
  size_t limit_;
  bool failed_ = false;
  size_t fail_offset_ = 0;
};

}  // namespace kvd
