#pragma once
// Bit arithmetic on string values, as Redis's bitmap commands see them (bitops.c): bit 0 is the
// most significant bit of the first byte, and a string reads as if zero-padded forever on the
// right. Pure functions over bytes: no keyspace, no replies.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace kvd::bitops {

// Set bits in `bytes`, 64 bits at a time.
uint64_t PopCount(std::string_view bytes);

// Set bits among bits [first, last] of s (inclusive; first <= last < s.size() * 8).
uint64_t CountBits(std::string_view s, uint64_t first, uint64_t last);

// Position of the first bit equal to `bit` among bits [first, last] of s (inclusive; first <= last
// < s.size() * 8), or -1 when there is none.
int64_t FindBit(std::string_view s, uint64_t first, uint64_t last, bool bit);

enum class BitOp : uint8_t { kAnd, kOr, kXor, kNot };

// BITOP: writes op over `inputs` into out, whose size is the longest input's; shorter inputs read
// as zero-padded. kNot takes exactly one input. Needs at least one input.
void Combine(BitOp op, std::span<const std::string_view> inputs, std::span<char> out);

// ---- BITFIELD ----

// i1..i64 or u1..u63 (an u64 could not be replied as a RESP integer).
struct FieldType {
  bool is_signed = false;
  uint8_t bits = 0;
};
// Parses "i8", "u16"...; nullopt for anything else (upper case, signs, zero, u64, i65).
std::optional<FieldType> ParseFieldType(std::string_view s);

// The field of type t at bit `offset` (bits past the end of s read as 0), sign-extended when
// signed. An unsigned field (at most 63 bits) always fits an int64.
int64_t ReadField(std::string_view s, uint64_t offset, FieldType t);
// Stores the low t.bits bits of `value` at bit `offset`; s must cover the field.
void WriteField(std::span<char> s, uint64_t offset, FieldType t, int64_t value);

enum class Overflow : uint8_t { kWrap, kSat, kFail };

struct FieldSum {
  int64_t value = 0;      // what to store (meaningless on overflow under kFail)
  bool overflow = false;  // value + incr did not fit the type
};
// value + incr in type t under the overflow policy, as Redis's check{Signed,Unsigned}
// BitfieldOverflow: kWrap wraps around, kSat clamps to the type's limit. For an unsigned type
// `value` is read as uint64 (a SET of -1 into u8 is an overflow to 255 under both kWrap and kSat,
// as in Redis). SET is value = the new value, incr = 0.
FieldSum AddToField(FieldType t, int64_t value, int64_t incr, Overflow policy);

}  // namespace kvd::bitops
