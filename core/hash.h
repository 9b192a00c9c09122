#pragma once
// The keyspace hash: a wyhash-style 64-bit hash (multiply-fold mixing, 48 bytes per loop).
// Fast on short keys, which dominate a key-value store, and good enough that the low bits
// (the table bucket) and the top 7 bits (the control-byte tag) are both well distributed.
//
// The seed is random per process, as Redis seeds siphash: clients cannot precompute keys
// that collide. Hash values therefore differ between runs; nothing may persist them.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string_view>

namespace kvd {

namespace hash_detail {

inline constexpr uint64_t kSecret[4] = {0x2d358dccaa6c78a5ull, 0x8bb84b93962eacc9ull,
                                        0x4b33a62ed433d4a3ull, 0x4d5a2da51de1aa47ull};

// 64x64 -> 128 multiply, folded by xor: the core mixing step.
inline uint64_t Mix(uint64_t a, uint64_t b) {
  unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t Read8(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t Read4(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// 1..3 bytes: first, middle and last byte (they may coincide).
inline uint64_t Read3(const uint8_t* p, size_t k) {
  return (static_cast<uint64_t>(p[0]) << 16) | (static_cast<uint64_t>(p[k >> 1]) << 8) | p[k - 1];
}

}  // namespace hash_detail

inline uint64_t HashBytes(const void* data, size_t len, uint64_t seed) {
  using namespace hash_detail;
  const uint8_t* p = static_cast<const uint8_t*>(data);
  seed ^= Mix(seed ^ kSecret[0], kSecret[1]);
  uint64_t a = 0;
  uint64_t b = 0;
  if (len <= 16) {
    if (len >= 4) {
      const size_t mid = (len >> 3) << 2;
      a = (Read4(p) << 32) | Read4(p + mid);
      b = (Read4(p + len - 4) << 32) | Read4(p + len - 4 - mid);
    } else if (len > 0) {
      a = Read3(p, len);
    }
  } else {
    size_t i = len;
    if (i >= 48) {
      uint64_t see1 = seed;
      uint64_t see2 = seed;
      do {
        seed = Mix(Read8(p) ^ kSecret[1], Read8(p + 8) ^ seed);
        see1 = Mix(Read8(p + 16) ^ kSecret[2], Read8(p + 24) ^ see1);
        see2 = Mix(Read8(p + 32) ^ kSecret[3], Read8(p + 40) ^ see2);
        p += 48;
        i -= 48;
      } while (i >= 48);
      seed ^= see1 ^ see2;
    }
    while (i > 16) {
      seed = Mix(Read8(p) ^ kSecret[1], Read8(p + 8) ^ seed);
      i -= 16;
      p += 16;
    }
    a = Read8(p + i - 16);
    b = Read8(p + i - 8);
  }
  a ^= kSecret[1];
  b ^= seed;
  unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  a = static_cast<uint64_t>(r);
  b = static_cast<uint64_t>(r >> 64);
  return Mix(a ^ kSecret[0] ^ len, b ^ kSecret[1]);
}

// The per-process seed, drawn once.
inline uint64_t HashSeed() {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }();
  return seed;
}

inline uint64_t HashKey(std::string_view key) {
  return HashBytes(key.data(), key.size(), HashSeed());
}

}  // namespace kvd
