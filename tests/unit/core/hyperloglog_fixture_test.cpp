// HyperLogLog values written by the real redis-server (fixtures/redis7_hll.txt): the same
// additions give the same bytes here, and Redis's values count the same.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "core/hyperloglog.h"
#include "unit/core/hll_fixture.h"

namespace kvd::testing {
namespace {

const HllFixture& Fixture() {
  static const HllFixture f = LoadHllFixture(std::string(KVD_FIXTURES_DIR) + "/redis7_hll.txt");
  return f;
}

// What PFADD key <elements...> does to `value`, one command.
void PfAdd(std::string& value, const std::vector<std::string>& elements,
           size_t max_bytes = hll::kDefaultSparseMaxBytes) {
  int updated = 0;
  for (const std::string& e : elements) {
    const int r = hll::Add(value, e, max_bytes);
    REQUIRE(r >= 0);
    updated += r;
  }
  if (updated > 0) hll::InvalidateCache(value);
}

TEST_CASE("Redis fixture: a small sparse HLL, byte for byte, and its cached count") {
  std::string v = hll::NewSparse();
  PfAdd(v, HllElements("e", 10));
  CHECK(v == Fixture().Value("small", 0));
  CHECK(hll::DecodeSparse(v) == Fixture().decoded.at("small"));
  const uint64_t count = *hll::Count(v);
  CHECK(count == static_cast<uint64_t>(Fixture().counts.at("small")));
  hll::StoreCardinality(v, count);
  CHECK(v == Fixture().Value("small", 1));
}

TEST_CASE("Redis fixture: a large sparse HLL built in batches") {
  std::string v = hll::NewSparse();
  for (int i = 0; i < 1200; i += 100) PfAdd(v, HllElements("b", 100, i));
  CHECK(hll::EncodingOf(v) == hll::kSparse);
  CHECK(v == Fixture().Value("big"));
  CHECK(hll::DecodeSparse(v) == Fixture().decoded.at("big"));
  CHECK(*hll::Count(v) == static_cast<uint64_t>(Fixture().counts.at("big")));
}

TEST_CASE("Redis fixture: promoted to dense on the way, then counted") {
  std::string v = hll::NewSparse();
  for (int i = 0; i < 10000; i += 1000) PfAdd(v, HllElements("d", 1000, i));
  CHECK(hll::EncodingOf(v) == hll::kDense);
  CHECK(v == Fixture().Value("dense", 0));
  const uint64_t count = *hll::Count(v);
  CHECK(count == static_cast<uint64_t>(Fixture().counts.at("dense")));
  hll::StoreCardinality(v, count);
  CHECK(v == Fixture().Value("dense", 1));
}

TEST_CASE("Redis fixture: created empty, one element, a smaller hll-sparse-max-bytes") {
  std::string one = hll::NewSparse();
  hll::InvalidateCache(one);  // PFADD of a new key counts as an update
  CHECK(one == Fixture().Value("one"));
  std::string single = hll::NewSparse();
  PfAdd(single, {"x"});
  CHECK(single == Fixture().Value("single"));
  std::string lowmax = hll::NewSparse();
  for (const std::string& e : HllElements("t", 300)) PfAdd(lowmax, {e}, 200);
  CHECK(hll::EncodingOf(lowmax) == hll::kDense);
  CHECK(lowmax == Fixture().Value("lowmax"));
  std::string lowmax2 = hll::NewSparse();
  PfAdd(lowmax2, HllElements("t", 60), 200);
  CHECK(hll::EncodingOf(lowmax2) == hll::kSparse);
  CHECK(lowmax2 == Fixture().Value("lowmax2"));
}

TEST_CASE("Redis fixture: PFDEBUG TODENSE's conversion keeps the header") {
  CHECK(hll::ToDense(Fixture().Value("small", 0)) == Fixture().Value("conv"));
}

TEST_CASE("Redis fixture: every value Redis wrote counts as Redis counted it") {
  const HllFixture& f = Fixture();
  for (const auto& entry : f.counts) {
    const std::string& keys = entry.first;
    const int64_t expected = entry.second;
    CAPTURE(keys);
    hll::Registers max{};
    size_t n = 0;
    std::istringstream words(keys);
    for (std::string key; words >> key;) {
      if (!f.values.count(key)) continue;  // "missing"
      const std::string& v = f.values.at(key).back();
      REQUIRE(hll::IsHll(v));
      REQUIRE(hll::MergeInto(max, v));
      ++n;
      if (keys == key) CHECK(hll::Count(v) == static_cast<uint64_t>(expected));
    }
    CHECK(n > 0);
    CHECK(hll::Count(max) == static_cast<uint64_t>(expected));
  }
}

}  // namespace
}  // namespace kvd::testing
