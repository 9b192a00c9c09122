// The HyperLogLog representation (core/hyperloglog.h): hashing, registers, the sparse code's
// edits and promotion, the estimator.
#include "core/hyperloglog.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/murmur_hash64a.h"

namespace kvd::hll {
namespace {

using namespace std::string_view_literals;

// Header (cache stale) + the given sparse code.
std::string Sparse(std::string_view code) {
  std::string v("HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80"sv);
  v += code;
  return v;
}

TEST_CASE("MurmurHash64A: reference values, every tail length") {
  // From an independent implementation of the algorithm (seed 0 and Redis's seed).
  CHECK(MurmurHash64A("", 0) == 0);
  CHECK(MurmurHash64A("", kHashSeed) == 0xd8dfea6585bc9732ULL);
  CHECK(MurmurHash64A("a", 0) == 0x071717d2d36b6b11ULL);
  CHECK(MurmurHash64A("a", kHashSeed) == 0x53d2470a9b43b1a7ULL);
  CHECK(MurmurHash64A("hello", 0) == 0x1e68d17c457bf117ULL);
  CHECK(MurmurHash64A("12345678", 0) == 0x758f67d162b2d202ULL);
  CHECK(MurmurHash64A("12345678", kHashSeed) == 0x95ebb86389132953ULL);
  CHECK(MurmurHash64A("123456789abcdef", 0) == 0xffda8e09177414c3ULL);
  CHECK(MurmurHash64A("123456789abcdef", kHashSeed) == 0x0a295e5895af07b9ULL);
}

TEST_CASE("an element's register and run: low 14 bits, then the 0...01 run of the rest") {
  // PFADD k x makes Redis write XZERO:16374 VAL:2,1 ZERO:9.
  CHECK(PatternOf("x").index == 16374);
  CHECK(PatternOf("x").count == 2);
  CHECK(PatternOf("hello").index == 9216);
  CHECK(PatternOf("hello").count == 1);
  CHECK(PatternOf("12345678").count == 3);
}

TEST_CASE("dense registers: 6 bits each, set and get without touching the neighbours") {
  std::vector<uint8_t> regs(kDenseSize - kHeaderSize, 0);
  for (size_t i = 0; i < kRegisters; ++i) DenseSet(regs.data(), i, static_cast<uint8_t>(i % 64));
  for (size_t i = 0; i < kRegisters; ++i) {
    CAPTURE(i);
    REQUIRE(DenseGet(regs.data(), i) == i % 64);
  }
  // Register 1 is the top 2 bits of byte 0 and the low 4 of byte 1.
  std::vector<uint8_t> two(3, 0);
  DenseSet(two.data(), 1, 0x3f);
  CHECK(two == std::vector<uint8_t>{0xc0, 0x0f, 0x00});
  CHECK(DenseRaise(two.data(), 0, 5));
  CHECK_FALSE(DenseRaise(two.data(), 0, 5));
  CHECK_FALSE(DenseRaise(two.data(), 0, 4));
  CHECK(DenseGet(two.data(), 0) == 5);
  CHECK(DenseGet(two.data(), 1) == 0x3f);
  // The last register fits its byte: nothing is written past the registers.
  DenseSet(regs.data(), kRegisters - 1, 63);
  CHECK(DenseGet(regs.data(), kRegisters - 1) == 63);
  CHECK((regs.back() >> 2) == 63);
}

TEST_CASE("a new HLL is sparse: XZERO:16384 and a valid cached cardinality of 0") {
  const std::string v = NewSparse();
  CHECK(v == "HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff"sv);
  CHECK(IsHll(v));
  CHECK(CachedCardinality(v) == 0u);
  CHECK(Count(v) == 0u);
  CHECK(DecodeSparse(v) == "Z:16384");
}

TEST_CASE("the header checks: magic, encoding, dense length") {
  CHECK_FALSE(IsHll(""));
  CHECK_FALSE(IsHll("HYLL\x01\0\0\0\0\0\0\0\0\0\0"sv));  // 15 bytes
  CHECK(IsHll("HYLL\x01\0\0\0\0\0\0\0\0\0\0\0"sv));      // an empty sparse code: checked later
  CHECK_FALSE(IsHll("HYLX\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff"sv));
  CHECK_FALSE(IsHll("HYLL\x02\0\0\0\0\0\0\0\0\0\0\0\x7f\xff"sv));
  std::string dense(kDenseSize, '\0');
  dense.replace(0, 4, "HYLL");
  CHECK(IsHll(dense));
  dense += '\0';
  CHECK_FALSE(IsHll(dense));
}

TEST_CASE("the cached cardinality: little-endian, its top bit marks it stale") {
  std::string v = NewSparse();
  StoreCardinality(v, 0x0102030405060708ULL);
  CHECK(v.substr(8, 8) == "\x08\x07\x06\x05\x04\x03\x02\x01"sv);
  CHECK(CachedCardinality(v) == 0x0102030405060708ULL);
  InvalidateCache(v);
  CHECK(v[15] == '\x81');
  CHECK(CachedCardinality(v) == std::nullopt);
}

TEST_CASE("sparse edits split and merge opcodes as Redis's hllSparseSet") {
  std::string v = NewSparse();
  // XZERO split in the middle: XZERO VAL XZERO.
  CHECK(Raise(v, 1000, 2, kDefaultSparseMaxBytes) == 1);
  CHECK(DecodeSparse(v) == "Z:1000 v:2,1 Z:15383");
  CHECK(CachedCardinality(v) == std::nullopt);
  // Lower or equal: unchanged.
  CHECK(Raise(v, 1000, 2, kDefaultSparseMaxBytes) == 0);
  CHECK(Raise(v, 1000, 1, kDefaultSparseMaxBytes) == 0);
  // A neighbour of the same value merges into one VAL of run 2.
  CHECK(Raise(v, 1001, 2, kDefaultSparseMaxBytes) == 1);
  CHECK(DecodeSparse(v) == "Z:1000 v:2,2 Z:15382");
  // Raising one register of a run splits the VAL.
  CHECK(Raise(v, 1000, 5, kDefaultSparseMaxBytes) == 1);
  CHECK(DecodeSparse(v) == "Z:1000 v:5,1 v:2,1 Z:15382");
  // Short zero runs use ZERO; a one-register ZERO becomes a VAL in place.
  CHECK(Raise(v, 1003, 2, kDefaultSparseMaxBytes) == 1);
  CHECK(DecodeSparse(v) == "Z:1000 v:5,1 v:2,1 z:1 v:2,1 Z:15380");
  CHECK(Raise(v, 1002, 2, kDefaultSparseMaxBytes) == 1);
  CHECK(DecodeSparse(v) == "Z:1000 v:5,1 v:2,3 Z:15380");
  // Runs at the very start and end.
  CHECK(Raise(v, 0, 1, kDefaultSparseMaxBytes) == 1);
  CHECK(Raise(v, kRegisters - 1, 3, kDefaultSparseMaxBytes) == 1);
  CHECK(DecodeSparse(v) == "v:1,1 Z:999 v:5,1 v:2,3 Z:15379 v:3,1");
  CHECK(EncodingOf(v) == kSparse);
  Registers regs{};
  REQUIRE(MergeInto(regs, v));
  CHECK(regs[0] == 1);
  CHECK(regs[1000] == 5);
  CHECK(regs[1003] == 2);
  CHECK(regs[1004] == 0);
  CHECK(regs[kRegisters - 1] == 3);
}

TEST_CASE("a register above 32 promotes to dense, keeping the header and every register") {
  std::string v = NewSparse();
  StoreCardinality(v, 7);
  v[5] = 'u';  // an unused byte is carried over as Redis copies the header
  REQUIRE(Raise(v, 10, 4, kDefaultSparseMaxBytes) == 1);
  REQUIRE(Raise(v, 20, 33, kDefaultSparseMaxBytes) == 1);
  CHECK(EncodingOf(v) == kDense);
  CHECK(v.size() == kDenseSize);
  CHECK(v[5] == 'u');
  CHECK(DenseGet(DenseRegisters(v), 10) == 4);
  CHECK(DenseGet(DenseRegisters(v), 20) == 33);
  CHECK(Raise(v, 20, 33, kDefaultSparseMaxBytes) == 0);
}

TEST_CASE("a sparse code outgrowing hll-sparse-max-bytes promotes to dense") {
  std::string v = NewSparse();        // 18 bytes
  CHECK(Raise(v, 5000, 1, 21) == 1);  // XZERO VAL XZERO: 21 bytes, at the limit
  CHECK(EncodingOf(v) == kSparse);
  CHECK(v.size() == 21);
  CHECK(Raise(v, 7000, 1, 21) == 1);  // one more split would make 24
  CHECK(EncodingOf(v) == kDense);
  CHECK(DenseGet(DenseRegisters(v), 5000) == 1);
  CHECK(DenseGet(DenseRegisters(v), 7000) == 1);
  // Edits that do not grow the code never promote: a one-register ZERO turned VAL.
  std::string w = Sparse("\x40\x00\x00\x7f\xfd"sv);  // Z:1 z:1 Z:16382
  CHECK(Raise(w, 1, 3, 0) == 1);
  CHECK(EncodingOf(w) == kSparse);
  CHECK(DecodeSparse(w) == "Z:1 v:3,1 Z:16382");
}

TEST_CASE("corrupt sparse codes are found out, and nothing is read or written out of range") {
  const std::string too_few = Sparse("\x7f\xfe"sv);       // 16383 registers
  const std::string too_many = Sparse("\x7f\xff\x80"sv);  // 16385
  const std::string val_overflow = Sparse("\x7f\xfe\x83"sv);
  for (const std::string& v : {too_few, too_many, val_overflow}) {
    CAPTURE(DecodeSparse(v));
    CHECK(IsHll(v));
    CHECK(Count(v) == std::nullopt);
    CHECK(ToDense(v) == std::nullopt);
    Registers regs{};
    CHECK_FALSE(MergeInto(regs, v));
  }
  // An edit beyond what the code covers fails; within it, it works (as in Redis).
  std::string v = too_few;
  CHECK(Raise(v, 16383, 1, kDefaultSparseMaxBytes) == -1);
  CHECK(Raise(v, 5, 1, kDefaultSparseMaxBytes) == 1);
  // An XZERO cut short at the end reads its missing byte as 0, as Redis reads its string's
  // terminator: counted as XZERO:1. An edit inside it is refused.
  std::string cut = Sparse("\x7f\xfe\x40"sv);
  CHECK(DecodeSparse(cut) == "Z:16383 Z:1");
  CHECK(Count(cut) == 0u);
  CHECK(Raise(cut, 16383, 1, kDefaultSparseMaxBytes) == -1);
  std::string empty = Sparse("");
  CHECK(Raise(empty, 0, 1, kDefaultSparseMaxBytes) == -1);
  CHECK(Count(empty) == std::nullopt);
  CHECK(DecodeSparse(empty) == "");
  // Promotion of a corrupt code fails.
  std::string promote = too_few;
  CHECK(Raise(promote, 3, 40, kDefaultSparseMaxBytes) == -1);
}

TEST_CASE("the estimate: 0 when empty, close to the truth, dense and sparse agree") {
  Registers none{};
  CHECK(Count(none) == 0);
  std::string sparse = NewSparse();
  std::string dense = *ToDense(sparse);
  CHECK(Count(dense) == 0u);
  for (int i = 0; i < 1000; ++i) {
    const std::string e = "element:" + std::to_string(i);
    Add(sparse, e, kDefaultSparseMaxBytes);
    Add(dense, e, kDefaultSparseMaxBytes);
  }
  CHECK(EncodingOf(sparse) == kSparse);
  const uint64_t estimate = *Count(sparse);
  CHECK(estimate == *Count(dense));
  CHECK(estimate > 970);
  CHECK(estimate < 1030);
  Registers merged{};
  REQUIRE(MergeInto(merged, sparse));
  CHECK(Count(merged) == estimate);
  REQUIRE(ToDense(sparse));
  CHECK(*ToDense(sparse) == [&] {
    std::string d = dense;
    d[15] = sparse[15];  // both stale; the rest of the header is the same
    return d;
  }());
}

TEST_CASE("PFSELFTEST's checks pass") { CHECK(SelfTest(kDefaultSparseMaxBytes, 42) == ""); }

}  // namespace
}  // namespace kvd::hll
