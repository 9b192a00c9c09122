#include "core/hyperloglog.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/murmur_hash64a.h"

namespace kvd::hll {
namespace {

constexpr uint8_t kRegisterMax = (1u << kRegisterBits) - 1;
constexpr int kValMax = 32;      // the largest value a VAL opcode holds
constexpr int kValMaxRun = 4;    // registers one VAL opcode covers at most
constexpr int kZeroMaxRun = 64;  // ... one ZERO opcode
constexpr int kXZeroMaxRun = 16384;
constexpr size_t kCacheByte = 15;  // the cached cardinality's last byte: its top bit = stale

// The sparse code: value bytes from kHeaderSize on. A read past the end gives 0, as Redis
// reads its string's terminating NUL (an XZERO cut short by corruption).
class SparseCode {
 public:
  explicit SparseCode(std::string_view value) : value_(value) {}
  size_t begin() const { return kHeaderSize; }
  size_t end() const { return value_.size(); }
  uint8_t At(size_t i) const { return i < value_.size() ? static_cast<uint8_t>(value_[i]) : 0; }
  bool IsZero(size_t i) const { return (At(i) & 0xc0) == 0; }
  bool IsXZero(size_t i) const { return (At(i) & 0xc0) == 0x40; }
  bool IsVal(size_t i) const { return (At(i) & 0x80) != 0; }
  int ZeroRun(size_t i) const { return (At(i) & 0x3f) + 1; }
  int XZeroRun(size_t i) const { return (((At(i) & 0x3f) << 8) | At(i + 1)) + 1; }
  int ValValue(size_t i) const { return ((At(i) >> 2) & 0x1f) + 1; }
  int ValRun(size_t i) const { return (At(i) & 0x3) + 1; }

 private:
  std::string_view value_;
};

char ValOp(int value, int run) { return static_cast<char>(0x80 | (value - 1) << 2 | (run - 1)); }
char ZeroOp(int run) { return static_cast<char>(run - 1); }
// Appends an XZERO opcode (two bytes).
void AppendXZero(std::string& out, int run) {
  out += static_cast<char>(((run - 1) >> 8) | 0x40);
  out += static_cast<char>((run - 1) & 0xff);
}
// A run of zero registers as the shortest opcode Redis picks for it.
void AppendZeros(std::string& out, int run) {
  if (run > kZeroMaxRun) {
    AppendXZero(out, run);
  } else {
    out += ZeroOp(run);
  }
}

// Walks the opcodes of a sparse code, calling on_zero(run) and on_val(value, run); false
// when they do not cover exactly kRegisters registers. A VAL past the last register stops
// the walk (nothing is written out of range).
template <class OnZero, class OnVal>
bool WalkSparse(std::string_view value, OnZero&& on_zero, OnVal&& on_val) {
  const SparseCode s(value);
  size_t p = s.begin();
  size_t idx = 0;
  while (p < s.end()) {
    if (s.IsZero(p)) {
      const int run = s.ZeroRun(p);
      on_zero(idx, run);
      idx += run;
      p += 1;
    } else if (s.IsXZero(p)) {
      const int run = s.XZeroRun(p);
      on_zero(idx, run);
      idx += run;
      p += 2;
    } else {
      const int run = s.ValRun(p);
      if (idx + run > kRegisters) return false;
      on_val(idx, s.ValValue(p), run);
      idx += run;
      p += 1;
    }
  }
  return idx == kRegisters;
}

enum class SparseResult { kUnchanged, kChanged, kPromote, kCorrupt };

// Redis's hllSparseSet, step by step: find the opcode covering `index`, split it around the
// register, splice the new opcodes in, then merge equal VAL neighbours in a window of five
// opcodes from the one before.
SparseResult SparseRaise(std::string& value, uint32_t index, uint8_t count,
                         size_t sparse_max_bytes) {
  if (count > kValMax) return SparseResult::kPromote;
  size_t p = kHeaderSize;
  size_t end = value.size();
  size_t prev = 0;
  bool has_prev = false;
  long first = 0;
  long span = 0;
  {
    const SparseCode s(value);
    while (p < end) {
      size_t oplen = 1;
      if (s.IsZero(p)) {
        span = s.ZeroRun(p);
      } else if (s.IsVal(p)) {
        span = s.ValRun(p);
      } else {
        span = s.XZeroRun(p);
        oplen = 2;
      }
      if (static_cast<long>(index) <= first + span - 1) break;
      prev = p;
      has_prev = true;
      p += oplen;
      first += span;
    }
    if (span == 0 || p >= end) return SparseResult::kCorrupt;
    // An XZERO cut short at the end: Redis would splice past its string's end.
    if (s.IsXZero(p) && p + 1 >= end) return SparseResult::kCorrupt;
  }
  const SparseCode s(value);
  const bool is_zero = s.IsZero(p);
  const bool is_xzero = s.IsXZero(p);
  const long runlen = is_zero ? s.ZeroRun(p) : is_xzero ? s.XZeroRun(p) : s.ValRun(p);
  bool spliced = false;
  if (!is_zero && !is_xzero) {
    if (s.ValValue(p) >= count) return SparseResult::kUnchanged;
    if (runlen == 1) {
      value[p] = ValOp(count, 1);
      spliced = true;
    }
  } else if (is_zero && runlen == 1) {
    value[p] = ValOp(count, 1);
    spliced = true;
  }
  if (!spliced) {
    // Split the opcode into [before] VAL(count) [after]; at most XZERO VAL XZERO, 5 bytes.
    std::string seq;
    const long last = first + span - 1;
    if (is_zero || is_xzero) {
      if (index != first) AppendZeros(seq, static_cast<int>(index - first));
      seq += ValOp(count, 1);
      if (index != last) AppendZeros(seq, static_cast<int>(last - index));
    } else {
      const int current = s.ValValue(p);
      if (index != first) seq += ValOp(current, static_cast<int>(index - first));
      seq += ValOp(count, 1);
      if (index != last) seq += ValOp(current, static_cast<int>(last - index));
    }
    const size_t oldlen = is_xzero ? 2 : 1;
    if (seq.size() > oldlen && value.size() + (seq.size() - oldlen) > sparse_max_bytes) {
      return SparseResult::kPromote;
    }
    value.replace(p, oldlen, seq);
    end = value.size();
  }
  // Merge adjacent VAL opcodes of one value while the run fits one opcode.
  SparseCode code(value);
  size_t q = has_prev ? prev : kHeaderSize;
  int scan = 5;
  while (q < end && scan-- > 0) {
    if (code.IsXZero(q)) {
      q += 2;
      continue;
    }
    if (code.IsZero(q)) {
      q += 1;
      continue;
    }
    if (q + 1 < end && code.IsVal(q + 1)) {
      const int v1 = code.ValValue(q);
      const int v2 = code.ValValue(q + 1);
      const int len = code.ValRun(q) + code.ValRun(q + 1);
      if (v1 == v2 && len <= kValMaxRun) {
        value[q + 1] = ValOp(v1, len);
        value.erase(q, 1);
        end = value.size();
        code = SparseCode(value);
        continue;  // try the merged opcode with its right neighbour
      }
    }
    q += 1;
  }
  InvalidateCache(value);
  return SparseResult::kChanged;
}

// Redis's hllSigma and hllTau (Otmar Ertl, "New cardinality estimation algorithms for
// HyperLogLog sketches", arXiv:1702.01284), computed the same way to the last bit.
double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double z_prime;
  double y = 1;
  double z = x;
  do {
    x *= x;
    z_prime = z;
    z += x * y;
    y += y;
  } while (z_prime != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prime;
  double y = 1.0;
  double z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prime = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prime != z);
  return z / 3;
}

// Index 0..63: a corrupt dense value may hold registers above the 51 a hash can give.
using Histogram = std::array<int, 64>;

uint64_t Estimate(const Histogram& h) {
  constexpr double m = kRegisters;
  constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln(2)
  double z = m * Tau((m - h[kRunBits + 1]) / m);
  for (int j = kRunBits; j >= 1; --j) {
    z += h[j];
    z *= 0.5;
  }
  z += m * Sigma(h[0] / m);
  return static_cast<uint64_t>(std::llround(kAlphaInf * m * m / z));
}

}  // namespace

Pattern PatternOf(std::string_view element) {
  uint64_t hash = MurmurHash64A(element, kHashSeed);
  const auto index = static_cast<uint32_t>(hash & (kRegisters - 1));
  hash >>= kIndexBits;
  hash |= uint64_t{1} << kRunBits;  // the run ends by bit 50 at the latest
  return {index, static_cast<uint8_t>(std::countr_zero(hash) + 1)};
}

bool IsHll(std::string_view value) {
  if (value.size() < kHeaderSize || value.substr(0, 4) != "HYLL") return false;
  const uint8_t encoding = EncodingOf(value);
  if (encoding > kSparse) return false;
  return encoding != kDense || value.size() == kDenseSize;
}

std::optional<uint64_t> CachedCardinality(std::string_view value) {
  if (static_cast<uint8_t>(value[kCacheByte]) & 0x80) return std::nullopt;
  uint64_t card = 0;
  for (int i = 7; i >= 0; --i) card = card << 8 | static_cast<uint8_t>(value[8 + i]);
  return card;
}

void StoreCardinality(std::span<char> value, uint64_t cardinality) {
  for (int i = 0; i < 8; ++i) value[8 + i] = static_cast<char>(cardinality >> (8 * i));
}

void InvalidateCache(std::span<char> value) {
  value[kCacheByte] = static_cast<char>(static_cast<uint8_t>(value[kCacheByte]) | 0x80);
}

std::string NewSparse() {
  std::string v(kHeaderSize, '\0');
  std::memcpy(v.data(), "HYLL", 4);
  v[4] = static_cast<char>(kSparse);
  for (size_t left = kRegisters; left > 0;) {
    const size_t run = std::min<size_t>(left, kXZeroMaxRun);
    AppendXZero(v, static_cast<int>(run));
    left -= run;
  }
  return v;
}

uint8_t DenseGet(const uint8_t* registers, size_t index) {
  const size_t byte = index * kRegisterBits / 8;
  const unsigned fb = index * kRegisterBits & 7;
  unsigned v = registers[byte] >> fb;
  if (fb > 8 - kRegisterBits) v |= unsigned{registers[byte + 1]} << (8 - fb);
  return static_cast<uint8_t>(v & kRegisterMax);
}

void DenseSet(uint8_t* registers, size_t index, uint8_t value) {
  const size_t byte = index * kRegisterBits / 8;
  const unsigned fb = index * kRegisterBits & 7;
  registers[byte] =
      static_cast<uint8_t>((registers[byte] & ~(kRegisterMax << fb)) | (unsigned{value} << fb));
  // The register spills into the next byte unless it fits this one (never past the last).
  if (fb > 8 - kRegisterBits) {
    const unsigned fb8 = 8 - fb;
    registers[byte + 1] = static_cast<uint8_t>((registers[byte + 1] & ~(kRegisterMax >> fb8)) |
                                               (unsigned{value} >> fb8));
  }
}

bool DenseRaise(uint8_t* registers, size_t index, uint8_t count) {
  if (count <= DenseGet(registers, index)) return false;
  DenseSet(registers, index, count);
  return true;
}

std::optional<std::string> ToDense(std::string_view value) {
  if (EncodingOf(value) == kDense) return std::string(value);
  std::string dense(kDenseSize, '\0');
  std::memcpy(dense.data(), value.data(), kHeaderSize);  // magic, unused bytes, cache
  dense[4] = static_cast<char>(kDense);
  uint8_t* regs = DenseRegisters(dense);
  const bool ok = WalkSparse(
      value, [](size_t, int) {},
      [&](size_t idx, int v, int run) {
        for (int i = 0; i < run; ++i) DenseSet(regs, idx + i, static_cast<uint8_t>(v));
      });
  if (!ok) return std::nullopt;
  return dense;
}

int Raise(std::string& value, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  if (EncodingOf(value) == kSparse) {
    switch (SparseRaise(value, index, count, sparse_max_bytes)) {
      case SparseResult::kUnchanged:
        return 0;
      case SparseResult::kChanged:
        return 1;
      case SparseResult::kCorrupt:
        return -1;
      case SparseResult::kPromote: {
        std::optional<std::string> dense = ToDense(value);
        if (!dense) return -1;
        value = std::move(*dense);
        break;
      }
    }
  }
  return DenseRaise(DenseRegisters(value), index, count) ? 1 : 0;
}

bool MergeInto(Registers& max, std::string_view value) {
  if (EncodingOf(value) == kDense) {
    const uint8_t* regs = DenseRegisters(value);
    for (size_t i = 0; i < kRegisters; ++i) max[i] = std::max(max[i], DenseGet(regs, i));
    return true;
  }
  return WalkSparse(
      value, [](size_t, int) {},
      [&](size_t idx, int v, int run) {
        for (int i = 0; i < run; ++i) {
          max[idx + i] = std::max(max[idx + i], static_cast<uint8_t>(v));
        }
      });
}

std::optional<uint64_t> Count(std::string_view value) {
  Histogram h{};
  if (EncodingOf(value) == kDense) {
    const uint8_t* regs = DenseRegisters(value);
    // Four registers in every three bytes.
    for (size_t b = 0; b < kRegisters * kRegisterBits / 8; b += 3) {
      const unsigned w = regs[b] | unsigned{regs[b + 1]} << 8 | unsigned{regs[b + 2]} << 16;
      h[w & 63]++;
      h[(w >> 6) & 63]++;
      h[(w >> 12) & 63]++;
      h[(w >> 18) & 63]++;
    }
    return Estimate(h);
  }
  // As Redis's hllSparseRegHisto: runs are counted without bounds checks (the histogram has
  // room for any VAL value), then the total decides.
  const SparseCode s(value);
  size_t idx = 0;
  for (size_t p = s.begin(); p < s.end();) {
    if (s.IsZero(p)) {
      idx += s.ZeroRun(p);
      h[0] += s.ZeroRun(p);
      p += 1;
    } else if (s.IsXZero(p)) {
      idx += s.XZeroRun(p);
      h[0] += s.XZeroRun(p);
      p += 2;
    } else {
      idx += s.ValRun(p);
      h[s.ValValue(p)] += s.ValRun(p);
      p += 1;
    }
  }
  if (idx != kRegisters) return std::nullopt;
  return Estimate(h);
}

uint64_t Count(const Registers& registers) {
  Histogram h{};
  for (uint8_t r : registers) h[r & 63]++;
  return Estimate(h);
}

std::string DecodeSparse(std::string_view value) {
  const SparseCode s(value);
  std::string out;
  for (size_t p = s.begin(); p < s.end();) {
    if (!out.empty()) out += ' ';
    if (s.IsZero(p)) {
      out += "z:" + std::to_string(s.ZeroRun(p));
      p += 1;
    } else if (s.IsXZero(p)) {
      out += "Z:" + std::to_string(s.XZeroRun(p));
      p += 2;
    } else {
      out += "v:" + std::to_string(s.ValValue(p)) + "," + std::to_string(s.ValRun(p));
      p += 1;
    }
  }
  return out;
}

}  // namespace kvd::hll
