// PFSELFTEST (Redis's pfselftestCommand): what cannot be checked from outside.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/hyperloglog.h"

namespace kvd::hll {
namespace {

template <class... A>
std::string Format(const char* fmt, A... args) {
  char buf[128];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

// Setting every register to a random value keeps each value and disturbs no neighbour.
std::string CheckRegisterAccess(std::mt19937_64& rng) {
  std::vector<uint8_t> packed(kDenseSize - kHeaderSize);
  std::vector<uint8_t> bytes(kRegisters);
  for (int cycle = 0; cycle < 1000; ++cycle) {
    for (size_t i = 0; i < kRegisters; ++i) {
      bytes[i] = static_cast<uint8_t>(rng() & 63);
      DenseSet(packed.data(), i, bytes[i]);
    }
    for (size_t i = 0; i < kRegisters; ++i) {
      const uint8_t got = DenseGet(packed.data(), i);
      if (got != bytes[i]) {
        return Format("TESTFAILED Register %d should be %d but is %d", static_cast<int>(i),
                      static_cast<int>(bytes[i]), static_cast<int>(got));
      }
    }
  }
  return "";
}

// Adds 10 million distinct elements to a dense and a sparse HLL; at 1, 10, 100...: the
// sparse one is still sparse while small, both estimate the same, within 6 standard errors.
std::string CheckEstimates(std::mt19937_64& rng, size_t sparse_max_bytes) {
  std::string dense(kDenseSize, '\0');
  dense.replace(0, 4, "HYLL");
  std::string sparse = NewSparse();
  const double relerr = 1.04 / std::sqrt(static_cast<double>(kRegisters));
  const uint64_t seed = rng();
  int64_t checkpoint = 1;
  for (int64_t j = 1; j <= 10000000; ++j) {
    const uint64_t ele = static_cast<uint64_t>(j) ^ seed;
    char raw[8];
    for (int b = 0; b < 8; ++b) raw[b] = static_cast<char>(ele >> (8 * b));  // as Redis: LE
    const std::string_view element(raw, sizeof raw);
    const Pattern p = PatternOf(element);
    DenseRaise(DenseRegisters(dense), p.index, p.count);
    Raise(sparse, p.index, p.count, sparse_max_bytes);
    if (j != checkpoint) continue;
    if (j < static_cast<int64_t>(sparse_max_bytes / 2) && EncodingOf(sparse) != kSparse) {
      return "TESTFAILED sparse encoding not used";
    }
    const uint64_t estimate = *Count(dense);
    if (estimate != Count(sparse).value_or(~estimate)) return "TESTFAILED dense/sparse disagree";
    int64_t abserr = checkpoint - static_cast<int64_t>(estimate);
    // Cardinality 10 sees a collision now and then: allow one.
    const uint64_t maxerr =
        j == 10 ? 1 : static_cast<uint64_t>(std::ceil(relerr * 6 * static_cast<double>(j)));
    if (abserr < 0) abserr = -abserr;
    if (abserr > static_cast<int64_t>(maxerr)) {
      return Format("TESTFAILED Too big error. card:%llu abserr:%llu",
                    static_cast<unsigned long long>(checkpoint),
                    static_cast<unsigned long long>(abserr));
    }
    checkpoint *= 10;
  }
  return "";
}

}  // namespace

std::string SelfTest(size_t sparse_max_bytes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string err = CheckRegisterAccess(rng);
  if (err.empty()) err = CheckEstimates(rng, sparse_max_bytes);
  return err;
}

}  // namespace kvd::hll
