#pragma once
// LEB128 varints (7 bits per byte, low bits first) and zig-zag signed mapping: the length
// and integer encoding of records and packed collections, so short items cost one byte.
#include <cstddef>
#include <cstdint>

namespace kvd::varint {

inline size_t Size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline size_t Write(uint8_t* p, uint64_t v) {
  size_t i = 0;
  while (v >= 0x80) {
    p[i++] = static_cast<uint8_t>(v) | 0x80;
    v >>= 7;
  }
  p[i++] = static_cast<uint8_t>(v);
  return i;
}

// Reads a varint the caller knows is complete (written by Write into memory it owns).
inline size_t Read(const uint8_t* p, uint64_t* v) {
  if (p[0] < 0x80) {
    *v = p[0];
    return 1;
  }
  uint64_t out = 0;
  size_t i = 0;
  for (int shift = 0;; ++i, shift += 7) {
    out |= static_cast<uint64_t>(p[i] & 0x7f) << shift;
    if (p[i] < 0x80) break;
  }
  *v = out;
  return i + 1;
}

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t z) {
  return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
}

}  // namespace kvd::varint
