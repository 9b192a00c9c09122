#pragma once
// The element encoding shared by the compact encodings (small hashes, sets and sorted sets,
// and the chunks of a list), and the growable byte buffer they live in.
//
// An element is one LEB128 varint `h`, then its payload:
//   h even: a string of h >> 1 bytes follows;
//   h odd:  an integer v with zigzag(v) == h >> 1, no payload. Used exactly for strings that
//           are the canonical decimal text of an integer (Redis's string2ll) in
//           [-2^62, 2^62), so every string has one encoding and equal strings have equal
//           bytes: a lookup compares bytes and never formats a number.
// Sizes: "12" is 1 byte, |v| < 4096 2 bytes, a string up to 63 bytes costs 1 byte more than
// its length. Redis's listpack spends the same plus a 1-5 byte back-length per element; the
// list chunks keep such a back-length (they are walked from both ends), nothing else does.
#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "core/varint.h"

#include "core/numeric.h"

namespace kvd {

// A string read out of a collection: a view of stored bytes, or the text of an integer a
// compact encoding keeps in binary (held inline, so an Elem can be copied freely). Views of
// stored bytes stay valid until the collection is next written.
class Elem {
 public:
  Elem() = default;
  static Elem View(std::string_view s) {
    Elem e;
    e.ptr_ = s.data();
    e.len_ = s.size();
    return e;
  }
  static Elem Int(int64_t v) {
    Elem e;
    e.inline_ = true;
    char* end = e.buf_ + sizeof e.buf_;
    char* p = end;
    uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    do {
      *--p = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0);
    if (v < 0) *--p = '-';
    e.len_ = static_cast<size_t>(end - p);
    std::memmove(e.buf_, p, e.len_);
    return e;
  }
  std::string_view view() const {
    return {inline_ ? buf_ : ptr_, len_};
  }
  operator std::string_view() const { return view(); }  // NOLINT: reads like a string
  size_t size() const { return len_; }
  std::string str() const { return std::string(view()); }
  friend bool operator==(const Elem& a, const Elem& b) { return a.view() == b.view(); }
  friend bool operator==(const Elem& a, std::string_view b) { return a.view() == b; }

 private:
  const char* ptr_ = nullptr;
  size_t len_ = 0;
  bool inline_ = false;
  char buf_[20];  // "-9223372036854775808"
};

namespace packed {

inline constexpr int64_t kMinInline = -(int64_t{1} << 62);
inline constexpr int64_t kMaxInline = (int64_t{1} << 62) - 1;

using varint::UnZigZag;
using varint::ZigZag;
inline size_t VarintSize(uint64_t v) { return varint::Size(v); }
inline size_t WriteVarint(uint8_t* p, uint64_t v) { return varint::Write(p, v); }
inline size_t ReadVarint(const uint8_t* p, uint64_t* v) { return varint::Read(p, v); }

// A string prepared for encoding or comparison: its header varint and payload.
struct Probe {
  explicit Probe(std::string_view s) : payload(s) {
    uint64_t h;
    std::optional<int64_t> v;
    if (!s.empty() && s.size() <= 20 && (v = ParseInt64(s)) && *v >= kMinInline &&
        *v <= kMaxInline) {
      h = (ZigZag(*v) << 1) | 1;
      payload = {};
    } else {
      h = static_cast<uint64_t>(s.size()) << 1;
    }
    header_len = WriteVarint(header, h);
  }
  size_t size() const { return header_len + payload.size(); }
  // Writes the element at p; returns size().
  size_t Write(uint8_t* p) const {
    std::memcpy(p, header, header_len);
    if (!payload.empty()) std::memcpy(p + header_len, payload.data(), payload.size());
    return size();
  }
  // Whether the element at p is this string.
  bool Matches(const uint8_t* p) const {
    // Byte by byte: varints of different lengths differ by the end of the shorter one, so
    // this never reads past the stored element.
    for (size_t i = 0; i < header_len; ++i) {
      if (p[i] != header[i]) return false;
    }
    return payload.empty() || std::memcmp(p + header_len, payload.data(), payload.size()) == 0;
  }

  uint8_t header[10];
  size_t header_len;
  std::string_view payload;
};

// Decodes the element at p into *out; returns its size in bytes.
inline size_t Decode(const uint8_t* p, Elem* out) {
  uint64_t h;
  const size_t n = ReadVarint(p, &h);
  if (h & 1) {
    *out = Elem::Int(UnZigZag(h >> 1));
    return n;
  }
  const size_t len = static_cast<size_t>(h >> 1);
  *out = Elem::View({reinterpret_cast<const char*>(p + n), len});
  return n + len;
}
inline Elem At(const uint8_t* p) {
  Elem e;
  Decode(p, &e);
  return e;
}
// Size of the element at p without decoding it.
inline size_t Skip(const uint8_t* p) {
  uint64_t h;
  const size_t n = ReadVarint(p, &h);
  return (h & 1) ? n : n + static_cast<size_t>(h >> 1);
}

}  // namespace packed

// A malloc'd byte buffer sized to its contents (the allocator's size classes give the only
// slack), as a listpack is. Splicing is O(size), which the compact encodings bound.
class ByteBuf {
 public:
  ByteBuf() = default;
  ~ByteBuf() { std::free(data_); }
  ByteBuf(const ByteBuf& other) {
    if (other.size_ == 0) return;
    Reallocate(other.size_);
    std::memcpy(data_, other.data_, other.size_);
    size_ = other.size_;
  }
  ByteBuf& operator=(const ByteBuf&) = delete;
  ByteBuf(ByteBuf&& other) noexcept
      : data_(other.data_), size_(other.size_), alloc_(other.alloc_) {
    other.data_ = nullptr;
    other.size_ = other.alloc_ = 0;
  }
  ByteBuf& operator=(ByteBuf&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(alloc_, other.alloc_);
    return *this;
  }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // Heap bytes held (malloc_usable_size).
  size_t allocated() const { return alloc_; }

  // Replaces bytes [off, off + old_len) with new_len bytes the caller fills through the
  // returned pointer. Throws std::bad_alloc (buffer unchanged) when it cannot grow.
  uint8_t* Splice(size_t off, size_t old_len, size_t new_len) {
    const size_t need = size_ - old_len + new_len;
    const size_t tail = size_ - off - old_len;
    if (need > alloc_) {
      Reallocate(need);
    }
    if (tail > 0 && new_len != old_len) {
      std::memmove(data_ + off + new_len, data_ + off + old_len, tail);
    }
    size_ = need;
    // Give memory back when most of the allocation went unused (after deletions).
    if (need == 0) {
      std::free(data_);
      data_ = nullptr;
      alloc_ = 0;
    } else if (alloc_ > 2 * need && alloc_ - need >= 64) {
      Reallocate(need);
    }
    return data_ + off;
  }
  uint8_t* Append(size_t n) { return Splice(size_, 0, n); }
  void Clear() {
    std::free(data_);
    data_ = nullptr;
    size_ = alloc_ = 0;
  }

 private:
  void Reallocate(size_t n) {
    void* p = std::realloc(data_, n);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<uint8_t*>(p);
    alloc_ = malloc_usable_size(p);
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t alloc_ = 0;
};

// Base of the heap objects a record points at: they come from malloc, so their size is
// malloc_usable_size(this) and AllocatedBytes() is exact.
struct MallocObject {
  static void* operator new(size_t n) {
    void* p = std::malloc(n);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  static void operator delete(void* p) { std::free(p); }
};

}  // namespace kvd
