#include "core/bitops.h"

#include <bit>
#include <cstring>

namespace kvd::bitops {
namespace {

// Unaligned 64-bit load; bytes in memory order (host endianness).
inline uint64_t LoadWord(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

inline void StoreWord(char* p, uint64_t w) { std::memcpy(p, &w, sizeof w); }

// Big-endian 64-bit load: the string's first byte becomes the most significant.
inline uint64_t LoadBigEndian(const char* p) {
  const uint64_t w = LoadWord(p);
  if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(w);
  return w;
}

inline uint8_t Byte(std::string_view s, uint64_t i) { return static_cast<uint8_t>(s[i]); }

// Keeps bits [from, to] (0 = most significant) of a byte.
inline uint8_t ByteMask(unsigned from, unsigned to) {
  return static_cast<uint8_t>((0xFFu >> from) & (0xFFu << (7 - to)));
}

// The field window: up to 9 bytes hold any field of up to 64 bits at any bit offset. As a 72-bit
// big-endian number, byte 0 in bits 71..64.
constexpr unsigned kWindowBits = 72;
using Window = unsigned __int128;

inline uint64_t FieldMask(unsigned bits) {
  return bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
}

// The counting loop, inlined into a generic and (on x86-64) a POPCNT build of it: without a
// -march flag std::popcount compiles to a bit-twiddling sequence about 3x slower than the
// instruction, which Redis also picks at run time.
[[gnu::always_inline]] inline uint64_t PopCountLoop(const char* p, size_t n) {
  // Four independent sums so the popcounts do not wait on each other.
  uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (; n >= 32; p += 32, n -= 32) {
    c0 += std::popcount(LoadWord(p));
    c1 += std::popcount(LoadWord(p + 8));
    c2 += std::popcount(LoadWord(p + 16));
    c3 += std::popcount(LoadWord(p + 24));
  }
  for (; n >= 8; p += 8, n -= 8) c0 += std::popcount(LoadWord(p));
  for (; n > 0; ++p, --n) c1 += std::popcount(static_cast<uint8_t>(*p));
  return c0 + c1 + c2 + c3;
}

uint64_t PopCountGeneric(const char* p, size_t n) { return PopCountLoop(p, n); }

#if defined(__x86_64__)
[[gnu::target("popcnt")]] uint64_t PopCountHardware(const char* p, size_t n) {
  return PopCountLoop(p, n);
}
bool CpuHasPopcnt() {
  __builtin_cpu_init();  // may run before the runtime's own initialisation
  return __builtin_cpu_supports("popcnt");
}
const bool kHasPopcnt = CpuHasPopcnt();
#endif

}  // namespace

uint64_t PopCount(std::string_view bytes) {
#if defined(__x86_64__)
  if (kHasPopcnt) return PopCountHardware(bytes.data(), bytes.size());
#endif
  return PopCountGeneric(bytes.data(), bytes.size());
}

uint64_t CountBits(std::string_view s, uint64_t first, uint64_t last) {
  const uint64_t first_byte = first >> 3;
  const uint64_t last_byte = last >> 3;
  uint64_t count = PopCount(s.substr(first_byte, last_byte - first_byte + 1));
  // Take back the bits of the edge bytes that lie outside the range.
  count -= std::popcount(static_cast<uint8_t>(Byte(s, first_byte) & ~ByteMask(first & 7, 7)));
  count -= std::popcount(static_cast<uint8_t>(Byte(s, last_byte) & ~ByteMask(0, last & 7)));
  return count;
}

int64_t FindBit(std::string_view s, uint64_t first, uint64_t last, bool bit) {
  const uint64_t first_byte = first >> 3;
  const uint64_t last_byte = last >> 3;
  // Looking for a 0 is looking for a 1 in the complement.
  const uint8_t flip = bit ? 0 : 0xFF;
  const uint64_t flip_word = bit ? 0 : ~uint64_t{0};
  uint64_t b = first_byte;
  while (b <= last_byte) {
    if (b != first_byte && b + 8 <= last_byte) {
      // Whole words strictly inside the range: skip the ones holding no match.
      const uint64_t w = LoadBigEndian(s.data() + b) ^ flip_word;
      if (w != 0) return static_cast<int64_t>(b * 8 + std::countl_zero(w));
      b += 8;
      continue;
    }
    const unsigned from = b == first_byte ? first & 7 : 0;
    const unsigned to = b == last_byte ? last & 7 : 7;
    const uint8_t v = static_cast<uint8_t>((Byte(s, b) ^ flip) & ByteMask(from, to));
    if (v != 0) return static_cast<int64_t>(b * 8 + std::countl_zero(v));
    ++b;
  }
  return -1;
}

void Combine(BitOp op, std::span<const std::string_view> inputs, std::span<char> out) {
  const size_t len = out.size();
  const std::string_view first = inputs[0];
  if (!first.empty()) std::memcpy(out.data(), first.data(), first.size());
  std::memset(out.data() + first.size(), 0, len - first.size());
  char* o = out.data();
  if (op == BitOp::kNot) {
    size_t i = 0;
    for (; i + 8 <= len; i += 8) StoreWord(o + i, ~LoadWord(o + i));
    for (; i < len; ++i) o[i] = static_cast<char>(~o[i]);
    return;
  }
  for (size_t k = 1; k < inputs.size(); ++k) {
    const std::string_view in = inputs[k];
    const char* p = in.data();
    const size_t n = in.size();
    size_t i = 0;
    switch (op) {
      case BitOp::kAnd:
        for (; i + 8 <= n; i += 8) StoreWord(o + i, LoadWord(o + i) & LoadWord(p + i));
        for (; i < n; ++i) o[i] = static_cast<char>(o[i] & p[i]);
        // Past its end the input reads as zeros, which clear the result.
        std::memset(o + n, 0, len - n);
        break;
      case BitOp::kOr:  // past the end: x | 0 == x
        for (; i + 8 <= n; i += 8) StoreWord(o + i, LoadWord(o + i) | LoadWord(p + i));
        for (; i < n; ++i) o[i] = static_cast<char>(o[i] | p[i]);
        break;
      case BitOp::kXor:  // past the end: x ^ 0 == x
        for (; i + 8 <= n; i += 8) StoreWord(o + i, LoadWord(o + i) ^ LoadWord(p + i));
        for (; i < n; ++i) o[i] = static_cast<char>(o[i] ^ p[i]);
        break;
      case BitOp::kNot:
        break;
    }
  }
}

std::optional<FieldType> ParseFieldType(std::string_view s) {
  if (s.size() < 2 || s.size() > 3 || (s[0] != 'i' && s[0] != 'u')) return std::nullopt;
  unsigned bits = 0;
  for (char c : s.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    bits = bits * 10 + static_cast<unsigned>(c - '0');
  }
  // Redis parses the width as an integer: no leading zero ("i08"), and i1..i64, u1..u63.
  const bool is_signed = s[0] == 'i';
  if (s[1] == '0' || bits < 1 || bits > (is_signed ? 64u : 63u)) return std::nullopt;
  return FieldType{is_signed, static_cast<uint8_t>(bits)};
}

int64_t ReadField(std::string_view s, uint64_t offset, FieldType t) {
  const uint64_t first_byte = offset >> 3;
  const unsigned shift = offset & 7;
  const unsigned nbytes = (shift + t.bits + 7) / 8;
  Window w = 0;
  for (unsigned j = 0; j < nbytes; ++j) {
    const uint64_t i = first_byte + j;
    if (i < s.size()) w |= Window{Byte(s, i)} << (kWindowBits - 8 * (j + 1));
  }
  const uint64_t raw =
      static_cast<uint64_t>(w >> (kWindowBits - shift - t.bits)) & FieldMask(t.bits);
  if (t.is_signed && t.bits < 64 && (raw >> (t.bits - 1)) != 0) {
    return static_cast<int64_t>(raw | ~FieldMask(t.bits));  // sign extension
  }
  return static_cast<int64_t>(raw);
}

void WriteField(std::span<char> s, uint64_t offset, FieldType t, int64_t value) {
  const uint64_t first_byte = offset >> 3;
  const unsigned shift = offset & 7;
  const unsigned nbytes = (shift + t.bits + 7) / 8;
  const unsigned at = kWindowBits - shift - t.bits;
  const Window mask = Window{FieldMask(t.bits)} << at;
  const Window bits = Window{static_cast<uint64_t>(value) & FieldMask(t.bits)} << at;
  for (unsigned j = 0; j < nbytes; ++j) {
    const unsigned byte_at = kWindowBits - 8 * (j + 1);
    const auto m = static_cast<uint8_t>(mask >> byte_at);
    const auto v = static_cast<uint8_t>(bits >> byte_at);
    char& c = s[first_byte + j];
    c = static_cast<char>((static_cast<uint8_t>(c) & ~m) | v);
  }
}

FieldSum AddToField(FieldType t, int64_t value, int64_t incr, Overflow policy) {
  // Redis's overflow tests, computed in wrapping unsigned arithmetic where Redis relies on it (so a
  // SET of a value far outside the type gives exactly Redis's result).
  const auto uincr = static_cast<uint64_t>(incr);
  const uint64_t mask = FieldMask(t.bits);
  if (!t.is_signed) {
    const auto v = static_cast<uint64_t>(value);
    const uint64_t max = mask;
    const auto max_incr = static_cast<int64_t>(max - v);
    const auto min_incr = static_cast<int64_t>(uint64_t{0} - v);
    const uint64_t wrapped = (v + uincr) & mask;
    if (v > max || (incr > 0 && incr > max_incr)) {
      return {static_cast<int64_t>(policy == Overflow::kSat ? max : wrapped), true};
    }
    if (incr < 0 && incr < min_incr) {
      return {static_cast<int64_t>(policy == Overflow::kSat ? 0 : wrapped), true};
    }
    return {static_cast<int64_t>(v + uincr), false};
  }
  const int64_t max = static_cast<int64_t>(mask >> 1);
  const int64_t min = -max - 1;
  const auto max_incr =
      static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  const auto min_incr =
      static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  uint64_t sum = static_cast<uint64_t>(value) + uincr;
  if (t.bits < 64) {  // wrap: sign-extend the field's top bit
    sum = (sum >> (t.bits - 1)) & 1 ? sum | ~mask : sum & mask;
  }
  const auto wrapped = static_cast<int64_t>(sum);
  const bool full = t.bits == 64;
  if (value > max || (!full && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr)) {
    return {policy == Overflow::kSat ? max : wrapped, true};
  }
  if (value < min || (!full && incr < min_incr) || (value < 0 && incr < 0 && incr < min_incr)) {
    return {policy == Overflow::kSat ? min : wrapped, true};
  }
  return {wrapped, false};  // in range: the wrapped sum is the sum
}

}  // namespace kvd::bitops
