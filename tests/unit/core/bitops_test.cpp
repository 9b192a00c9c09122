// core/bitops: every function against a bit-by-bit model on random strings, plus the overflow cases
// Redis's BITFIELD replies are known for.
#include "core/bitops.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace kvd::bitops {
namespace {

using namespace std::string_view_literals;

bool BitAt(std::string_view s, uint64_t i) {
  if (i / 8 >= s.size()) return false;
  return (static_cast<uint8_t>(s[i / 8]) >> (7 - i % 8)) & 1;
}

std::string RandomBytes(std::mt19937_64& rng, size_t n, int density) {
  // density 0: all zeros, 1: sparse, 2: random, 3: dense, 4: all ones.
  std::string s(n, '\0');
  for (char& c : s) {
    uint8_t b = static_cast<uint8_t>(rng());
    if (density == 0) b = 0;
    if (density == 1) b &= static_cast<uint8_t>(rng()) & static_cast<uint8_t>(rng());
    if (density == 3) b |= static_cast<uint8_t>(rng()) | static_cast<uint8_t>(rng());
    if (density == 4) b = 0xFF;
    c = static_cast<char>(b);
  }
  return s;
}

TEST_CASE("PopCount and CountBits count set bits, in any range") {
  CHECK(PopCount("") == 0);
  CHECK(PopCount("foobar") == 26);
  CHECK(PopCount(std::string(1000, '\xFF')) == 8000);
  CHECK(CountBits("foobar", 8, 15) == 6);  // "o"
  CHECK(CountBits("foobar", 5, 30) == 17);
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    const std::string s = RandomBytes(rng, 1 + rng() % 90, round % 5);
    // Offsets into the buffer test unaligned word loads too.
    const size_t skip = rng() % s.size();
    const std::string_view v = std::string_view(s).substr(skip);
    uint64_t all = 0;
    for (uint64_t i = 0; i < v.size() * 8; ++i) all += BitAt(v, i);
    CHECK(PopCount(v) == all);
    const uint64_t a = rng() % (v.size() * 8);
    const uint64_t b = rng() % (v.size() * 8);
    const uint64_t first = std::min(a, b), last = std::max(a, b);
    uint64_t expect = 0;
    for (uint64_t i = first; i <= last; ++i) expect += BitAt(v, i);
    CAPTURE(first);
    CAPTURE(last);
    CHECK(CountBits(v, first, last) == expect);
  }
}

TEST_CASE("FindBit finds the first matching bit inside the range, or -1") {
  CHECK(FindBit("\xFF\xF0\x00"sv, 0, 23, false) == 12);
  CHECK(FindBit("\x00\x00\x01"sv, 0, 23, true) == 23);
  CHECK(FindBit("\x00\x00\x01"sv, 0, 22, true) == -1);
  CHECK(FindBit("\xFF"sv, 0, 7, false) == -1);
  CHECK(FindBit("\x80"sv, 1, 7, true) == -1);
  std::mt19937_64 rng(11);
  for (int round = 0; round < 600; ++round) {
    const std::string s = RandomBytes(rng, 1 + rng() % 70, round % 5);
    const uint64_t a = rng() % (s.size() * 8);
    const uint64_t b = rng() % (s.size() * 8);
    const uint64_t first = std::min(a, b), last = std::max(a, b);
    for (bool bit : {false, true}) {
      int64_t expect = -1;
      for (uint64_t i = first; i <= last && expect < 0; ++i) {
        if (BitAt(s, i) == bit) expect = static_cast<int64_t>(i);
      }
      CAPTURE(first);
      CAPTURE(last);
      CAPTURE(bit);
      CHECK(FindBit(s, first, last, bit) == expect);
    }
  }
}

TEST_CASE("Combine: AND, OR, XOR over inputs of any length, NOT of one") {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 200; ++round) {
    const BitOp op = static_cast<BitOp>(round % 4);
    const size_t n = op == BitOp::kNot ? 1 : 1 + rng() % 4;
    std::vector<std::string> owned;
    for (size_t k = 0; k < n; ++k) owned.push_back(RandomBytes(rng, rng() % 50, 2));
    std::vector<std::string_view> inputs(owned.begin(), owned.end());
    size_t len = 0;
    for (auto v : inputs) len = std::max(len, v.size());
    std::string expect(len, '\0');
    for (size_t i = 0; i < len; ++i) {
      auto at = [&](size_t k) {
        return i < inputs[k].size() ? static_cast<uint8_t>(inputs[k][i]) : 0;
      };
      uint8_t r = at(0);
      if (op == BitOp::kNot) r = static_cast<uint8_t>(~r);
      for (size_t k = 1; k < n; ++k) {
        if (op == BitOp::kAnd) r &= at(k);
        if (op == BitOp::kOr) r |= at(k);
        if (op == BitOp::kXor) r ^= at(k);
      }
      expect[i] = static_cast<char>(r);
    }
    std::string out(len, '?');
    Combine(op, inputs, out);
    CAPTURE(round);
    CHECK(out == expect);
  }
  // A missing input is an empty one: AND with it clears everything.
  const std::vector<std::string_view> with_empty = {"\xFF\xFF"sv, ""sv};
  std::string out(2, '?');
  Combine(BitOp::kAnd, with_empty, out);
  CHECK(out == "\0\0"sv);
  Combine(BitOp::kOr, with_empty, out);
  CHECK(out == "\xFF\xFF"sv);
}

TEST_CASE("ParseFieldType takes i1..i64 and u1..u63 only") {
  CHECK(ParseFieldType("i8")->is_signed);
  CHECK(ParseFieldType("i8")->bits == 8);
  CHECK_FALSE(ParseFieldType("u63")->is_signed);
  CHECK(ParseFieldType("u63")->bits == 63);
  CHECK(ParseFieldType("i64")->bits == 64);
  CHECK(ParseFieldType("u1")->bits == 1);
  for (std::string_view bad : {"", "i", "u", "u64", "i65", "i0", "u0", "I8", "U8", "x8", "i08",
                               "i+8", "i-8", "i 8", "i8 ", "i100", "8"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseFieldType(bad));
  }
}

TEST_CASE("ReadField and WriteField at every offset and width") {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 2000; ++round) {
    const FieldType t{rng() % 2 == 0, static_cast<uint8_t>(1 + rng() % 64)};
    if (!t.is_signed && t.bits == 64) continue;
    std::string s = RandomBytes(rng, 12, 2);
    const uint64_t offset = rng() % (s.size() * 8 - t.bits + 1);
    const std::string before = s;
    const auto value = static_cast<int64_t>(rng());
    WriteField(s, offset, t, value);
    for (uint64_t i = 0; i < s.size() * 8; ++i) {
      const bool inside = i >= offset && i < offset + t.bits;
      const bool expect = inside ? (static_cast<uint64_t>(value) >> (offset + t.bits - 1 - i)) & 1
                                 : BitAt(before, i);
      CAPTURE(i);
      REQUIRE(BitAt(s, i) == expect);
    }
    const uint64_t mask = t.bits == 64 ? ~uint64_t{0} : (uint64_t{1} << t.bits) - 1;
    uint64_t raw = static_cast<uint64_t>(value) & mask;
    if (t.is_signed && t.bits < 64 && (raw >> (t.bits - 1)) & 1) raw |= ~mask;
    CHECK(ReadField(s, offset, t) == static_cast<int64_t>(raw));
  }
  // Past the end reads as zeros.
  CHECK(ReadField("\xFF"sv, 4, {false, 8}) == 0xF0);
  CHECK(ReadField("\xFF"sv, 4, {true, 8}) == -16);
  CHECK(ReadField("\xFF"sv, 8, {true, 64}) == 0);
  CHECK(ReadField(""sv, 1000, {false, 63}) == 0);
}

TEST_CASE("AddToField: WRAP, SAT and FAIL as Redis, unsigned") {
  const FieldType u8{false, 8};
  CHECK(AddToField(u8, 200, 55, Overflow::kWrap).value == 255);
  CHECK_FALSE(AddToField(u8, 200, 55, Overflow::kWrap).overflow);
  CHECK(AddToField(u8, 200, 56, Overflow::kWrap).value == 0);
  CHECK(AddToField(u8, 200, 56, Overflow::kWrap).overflow);
  CHECK(AddToField(u8, 200, 56, Overflow::kSat).value == 255);
  CHECK(AddToField(u8, 200, 56, Overflow::kFail).overflow);
  CHECK(AddToField(u8, 10, -11, Overflow::kWrap).value == 255);
  CHECK(AddToField(u8, 10, -11, Overflow::kSat).value == 0);
  CHECK(AddToField(u8, 10, -10, Overflow::kSat).value == 0);
  CHECK_FALSE(AddToField(u8, 10, -10, Overflow::kSat).overflow);
  // A SET of a negative value is a huge unsigned one: too big, so SAT stores the maximum.
  CHECK(AddToField(u8, -1, 0, Overflow::kSat).value == 255);
  CHECK(AddToField(u8, -1, 0, Overflow::kWrap).value == 255);
  CHECK(AddToField(u8, 256, 0, Overflow::kWrap).value == 0);
  const FieldType u63{false, 63};
  CHECK(AddToField(u63, 0, -1, Overflow::kWrap).value == INT64_MAX);
  CHECK(AddToField(u63, INT64_MAX, INT64_MIN, Overflow::kWrap).value == INT64_MAX);
  CHECK(AddToField(u63, INT64_MAX, INT64_MIN, Overflow::kSat).value == 0);
  CHECK(AddToField(u63, 1, INT64_MAX - 1, Overflow::kFail).value == INT64_MAX);
  CHECK_FALSE(AddToField(u63, 1, INT64_MAX - 1, Overflow::kFail).overflow);
}

TEST_CASE("AddToField: WRAP, SAT and FAIL as Redis, signed") {
  const FieldType i8{true, 8};
  CHECK(AddToField(i8, 100, 27, Overflow::kWrap).value == 127);
  CHECK(AddToField(i8, 100, 28, Overflow::kWrap).value == -128);
  CHECK(AddToField(i8, 100, 28, Overflow::kSat).value == 127);
  CHECK(AddToField(i8, -100, -29, Overflow::kWrap).value == 127);
  CHECK(AddToField(i8, -100, -29, Overflow::kSat).value == -128);
  CHECK(AddToField(i8, 200, 0, Overflow::kWrap).value == -56);
  CHECK(AddToField(i8, -1000, 0, Overflow::kSat).value == -128);
  // Redis computes the headroom max - value in wrapping arithmetic, so a SET of a value near
  // INT64_MIN counts as an overflow upwards: SAT stores the maximum.
  CHECK(AddToField(i8, INT64_MIN, 0, Overflow::kSat).value == 127);
  CHECK(AddToField(i8, INT64_MIN + 1, 0, Overflow::kSat).value == 127);
  const FieldType i64{true, 64};
  CHECK(AddToField(i64, INT64_MAX, 1, Overflow::kWrap).value == INT64_MIN);
  CHECK(AddToField(i64, INT64_MAX, 1, Overflow::kSat).value == INT64_MAX);
  CHECK(AddToField(i64, INT64_MAX, 1, Overflow::kFail).overflow);
  CHECK(AddToField(i64, -1, INT64_MIN, Overflow::kSat).value == INT64_MIN);
  CHECK(AddToField(i64, -1, INT64_MIN, Overflow::kSat).overflow);
  CHECK(AddToField(i64, INT64_MIN, -1, Overflow::kWrap).value == INT64_MAX);
  CHECK(AddToField(i64, 0, INT64_MIN, Overflow::kFail).value == INT64_MIN);
  CHECK_FALSE(AddToField(i64, 0, INT64_MIN, Overflow::kFail).overflow);
  CHECK_FALSE(AddToField(i64, -5, INT64_MAX, Overflow::kFail).overflow);
  const FieldType i1{true, 1};
  CHECK(AddToField(i1, 0, -1, Overflow::kFail).value == -1);
  CHECK(AddToField(i1, -1, 1, Overflow::kFail).value == 0);
  CHECK(AddToField(i1, 0, 1, Overflow::kWrap).value == -1);
  CHECK(AddToField(i1, 0, 1, Overflow::kSat).value == 0);
}

TEST_CASE("AddToField matches exact arithmetic for in-range values") {
  std::mt19937_64 rng(9);
  for (int round = 0; round < 5000; ++round) {
    const FieldType t{rng() % 2 == 0, static_cast<uint8_t>(1 + rng() % 64)};
    if (!t.is_signed && t.bits == 64) continue;
    const __int128 lo = t.is_signed ? -(__int128{1} << (t.bits - 1)) : 0;
    const __int128 hi =
        t.is_signed ? (__int128{1} << (t.bits - 1)) - 1 : (__int128{1} << t.bits) - 1;
    const __int128 span = hi - lo + 1;
    const auto value = static_cast<int64_t>(lo + static_cast<__int128>(rng()) % span);
    const auto incr = static_cast<int64_t>(rng() >> (rng() % 64));
    const int64_t signed_incr = rng() % 2 ? incr : -incr;
    const __int128 sum = __int128{value} + signed_incr;
    const FieldSum wrap = AddToField(t, value, signed_incr, Overflow::kWrap);
    const FieldSum sat = AddToField(t, value, signed_incr, Overflow::kSat);
    const bool overflow = sum < lo || sum > hi;
    CAPTURE(round);
    CHECK(wrap.overflow == overflow);
    CHECK(sat.value == static_cast<int64_t>(sum < lo ? lo : sum > hi ? hi : sum));
    __int128 w = (sum - lo) % span;
    if (w < 0) w += span;
    CHECK(wrap.value == static_cast<int64_t>(w + lo));
  }
}

}  // namespace
}  // namespace kvd::bitops
