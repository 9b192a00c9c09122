#pragma once
// Redis's HyperLogLog, byte for byte (Redis's hyperloglog.c): a string value that PFADD,
// PFCOUNT and PFMERGE read and edit, so a value written by Redis counts the same here and
// the other way round, and snapshots carry it as a plain string.
//
//   [ "HYLL" | encoding | 3 unused | cached cardinality, 8 bytes LE ][ registers ]
//
// 16384 registers (the low 14 bits of an element's hash pick one) each hold the longest
// 0...01 run seen in the other 50 bits, plus one. The top bit of the cached cardinality's
// last byte set means the cache is stale.
//
// Dense encoding: 6 bits per register, packed from the least significant bit of each byte
// (12288 bytes). Sparse encoding: a run-length code of three opcodes,
//   ZERO  00xxxxxx           1 to 64 registers at 0
//   XZERO 01xxxxxx yyyyyyyy  1 to 16384 registers at 0
//   VAL   1vvvvvxx           1 to 4 registers at vvvvv+1 (1 to 32)
// An HLL starts sparse and is promoted to dense, for good, when a register needs a value
// above 32 or the sparse form would outgrow hll-sparse-max-bytes. Sparse edits follow Redis's
// steps exactly (which opcode splits, which neighbours merge), so the bytes match Redis's.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kvd::hll {

inline constexpr int kIndexBits = 14;                          // Redis's HLL_P
inline constexpr size_t kRegisters = size_t{1} << kIndexBits;  // 16384
inline constexpr int kRunBits = 64 - kIndexBits;               // Redis's HLL_Q: 50
inline constexpr int kRegisterBits = 6;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + kRegisters * kRegisterBits / 8;  // 12304
inline constexpr uint8_t kDense = 0;
inline constexpr uint8_t kSparse = 1;
inline constexpr uint64_t kHashSeed = 0xadc83b19ULL;
inline constexpr size_t kDefaultSparseMaxBytes = 3000;

// One byte per register: the union of several HLLs (PFCOUNT of many keys, PFMERGE).
using Registers = std::array<uint8_t, kRegisters>;

// Where an element lands: its register and the run length it offers that register.
struct Pattern {
  uint32_t index;
  uint8_t count;  // 1..51
};
Pattern PatternOf(std::string_view element);

// Redis's isHLLObjectOrReply: "HYLL", a known encoding, and a dense value of exactly
// kDenseSize bytes. A sparse code is checked as it is read: Count, MergeInto, ToDense and
// Raise report a corrupt one.
bool IsHll(std::string_view value);
inline uint8_t EncodingOf(std::string_view value) { return static_cast<uint8_t>(value[4]); }

// The cached cardinality, or nullopt when stale.
std::optional<uint64_t> CachedCardinality(std::string_view value);
void StoreCardinality(std::span<char> value, uint64_t cardinality);
void InvalidateCache(std::span<char> value);

// An empty HLL as Redis creates it: sparse, one XZERO opcode, a cached cardinality of 0.
std::string NewSparse();

// Dense registers: `registers` points just past the header (kRegisters * 6 bits).
uint8_t DenseGet(const uint8_t* registers, size_t index);
void DenseSet(uint8_t* registers, size_t index, uint8_t value);
// Raises the register to `count` when below it; true when it did (Redis's hllDenseSet).
bool DenseRaise(uint8_t* registers, size_t index, uint8_t count);
inline uint8_t* DenseRegisters(std::span<char> value) {
  return reinterpret_cast<uint8_t*>(value.data()) + kHeaderSize;
}
inline uint8_t* DenseRegisters(std::string& value) {
  return DenseRegisters(std::span<char>(value));
}
inline const uint8_t* DenseRegisters(std::string_view value) {
  return reinterpret_cast<const uint8_t*>(value.data()) + kHeaderSize;
}

// The dense form of a sparse value: the header kept (but the encoding), the registers
// decoded. nullopt when the sparse code is corrupt. A dense value is returned as it is.
std::optional<std::string> ToDense(std::string_view value);

// Raises register `index` to `count` in a value of either encoding, editing the sparse code
// as Redis's hllSparseSet does and promoting it to dense when needed. 1: changed (the cache
// is left stale), 0: the register was already as high, -1: the sparse code is corrupt (an
// edit made before finding that out stays, as in Redis).
int Raise(std::string& value, uint32_t index, uint8_t count, size_t sparse_max_bytes);
inline int Add(std::string& value, std::string_view element, size_t sparse_max_bytes) {
  const Pattern p = PatternOf(element);
  return Raise(value, p.index, p.count, sparse_max_bytes);
}

// max[i] = max(max[i], register i of value); false when the sparse code is corrupt.
bool MergeInto(Registers& max, std::string_view value);

// The estimate Redis 7 computes (Ertl's improved estimator, from the register histogram);
// nullopt when the sparse code is corrupt. Ignores the cache.
std::optional<uint64_t> Count(std::string_view value);
uint64_t Count(const Registers& registers);

// PFDEBUG DECODE's text of a sparse value: "Z:16384", "z:3 v:2,1 ...".
std::string DecodeSparse(std::string_view value);

// PFSELFTEST: Redis's checks of register access and of the estimate's error on 10 million
// elements, dense and sparse side by side. "" when they pass, else the error reply.
std::string SelfTest(size_t sparse_max_bytes, uint64_t seed);

}  // namespace kvd::hll
