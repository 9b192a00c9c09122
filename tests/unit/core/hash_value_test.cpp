#include "core/hash_value.h"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "collection_test_util.h"

namespace kvd {
namespace {

using testing::ListpackBytes;
using testing::PoolString;

std::map<std::string, std::string> Contents(const HashValue& h) {
  std::map<std::string, std::string> out;
  h.ForEach([&](std::string_view f, std::string_view v) {
    CHECK(out.emplace(std::string(f), std::string(v)).second);  // no field twice
  });
  return out;
}

size_t DataRecount(const HashValue& h) {
  size_t n = 0;
  h.ForEach([&](std::string_view f, std::string_view v) { n += f.size() + v.size(); });
  return n;
}

void CheckMatches(const HashValue& h, const std::map<std::string, std::string>& model) {
  CHECK(h.size() == model.size());
  CHECK(Contents(h) == model);
  CHECK(h.DataBytes() == DataRecount(h));
  CHECK(h.AllocatedBytes() == h.RecountAllocatedBytes());
}

TEST_CASE("hash: set, get, overwrite, delete") {
  auto h = HashValue::Create();
  CHECK(h->empty());
  CHECK(h->Set("name", "kvd"));
  CHECK(h->Set("count", "12"));
  CHECK(h->Set("", ""));
  CHECK(h->size() == 3);
  CHECK(h->Get("name") == "kvd");
  CHECK(h->Get("count") == "12");
  CHECK(h->Get("") == "");
  CHECK_FALSE(h->Get("missing").has_value());
  CHECK_FALSE(h->Set("count", "-9223372036854775808"));
  CHECK(h->Get("count") == "-9223372036854775808");
  CHECK(h->Delete("name"));
  CHECK_FALSE(h->Delete("name"));
  CHECK_FALSE(h->Contains("name"));
  CHECK(h->size() == 2);
  CHECK(h->is_packed());
  CHECK(h->EncodingName() == "listpack");
}

TEST_CASE("hash: integer-looking strings keep their exact text") {
  auto h = HashValue::Create();
  for (const char* s : {"0", "-0", "007", "+5", "1e3", "9223372036854775807",
                        "9223372036854775808", "4611686018427387904", "-4611686018427387905",
                        " 1", "12"}) {
    CAPTURE(s);
    h->Set(s, s);
    CHECK(h->Get(s) == s);
  }
  CHECK(h->size() == 11);
  CHECK_FALSE(h->Get("12 ").has_value());
  CHECK_FALSE(h->Get("+12").has_value());
}

TEST_CASE("hash: converts to a table past 128 fields or a 64-byte field or value") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.hash_max_listpack_entries = 128;
  encoding_limits.hash_max_listpack_value = 64;
  auto h = HashValue::Create();
  for (int i = 0; i < 128; ++i) h->Set("f" + std::to_string(i), "v");
  CHECK(h->is_packed());
  h->Set("f128", "v");
  CHECK_FALSE(h->is_packed());
  CHECK(h->EncodingName() == "hashtable");
  CHECK(h->Get("f0") == "v");
  CHECK(h->size() == 129);

  auto v = HashValue::Create();
  v->Set("a", std::string(64, 'x'));
  v->Set(std::string(64, 'k'), "b");
  CHECK(v->is_packed());
  v->Set("a", std::string(65, 'x'));  // overwriting with a long value converts too
  CHECK_FALSE(v->is_packed());
  CHECK(v->Get("a") == std::string(65, 'x'));
  CHECK(v->Get(std::string(64, 'k')) == "b");

  auto f = HashValue::Create();
  f->Set(std::string(65, 'k'), "b");
  CHECK_FALSE(f->is_packed());
}

TEST_CASE("hash: hash-max-listpack-entries is read as the hash grows") {
  testing::EncodingLimitsGuard guard;
  for (const size_t limit : {0, 1, 5, 1000}) {
    CAPTURE(limit);
    encoding_limits.hash_max_listpack_entries = limit;
    auto h = HashValue::Create();
    for (size_t i = 0; i < limit; ++i) {
      h->Set("f" + std::to_string(i), std::to_string(i));
      REQUIRE(h->is_packed());
    }
    if (limit > 0) {
      CHECK_FALSE(h->Set("f0", "again"));  // an update at the limit stays packed
      CHECK(h->is_packed());
    }
    h->Set("f" + std::to_string(limit), "v");  // one past the limit (0: the first insert)
    CHECK_FALSE(h->is_packed());
    CHECK(h->size() == limit + 1);
    CHECK(h->Get("f" + std::to_string(limit)) == "v");
    if (limit > 1) CHECK(h->Get("f1") == "1");
    CHECK(h->DataBytes() == DataRecount(*h));
    CHECK(h->AllocatedBytes() == h->RecountAllocatedBytes());
  }
}

TEST_CASE("hash: a lowered entries limit converts a packed hash at its next write") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.hash_max_listpack_entries = 10;
  auto h = HashValue::Create();
  for (int i = 0; i < 10; ++i) h->Set("f" + std::to_string(i), "v");
  encoding_limits.hash_max_listpack_entries = 5;
  CHECK(h->is_packed());  // reads leave it alone
  CHECK(h->Get("f9") == "v");
  CHECK(h->Delete("f9"));
  CHECK(h->is_packed());
  CHECK_FALSE(h->Set("f0", "w"));  // an update too, as Redis's hashTypeSet
  CHECK_FALSE(h->is_packed());
  CHECK(h->Get("f0") == "w");
  CHECK(h->size() == 9);
}

TEST_CASE("hash: hash-max-listpack-value bounds fields and values") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.hash_max_listpack_value = 10;
  auto h = HashValue::Create();
  h->Set(std::string(10, 'f'), std::string(10, 'v'));
  h->Set("12345678901", "1");  // an integer's text counts too
  CHECK_FALSE(h->is_packed());

  auto v = HashValue::Create();
  v->Set(std::string(10, 'f'), std::string(10, 'v'));
  v->Set("a", "b");
  CHECK(v->is_packed());
  v->Set("a", std::string(11, 'v'));  // overwriting with a long value converts
  CHECK_FALSE(v->is_packed());
  CHECK(v->Get("a") == std::string(11, 'v'));
  CHECK(v->Get(std::string(10, 'f')) == std::string(10, 'v'));

  auto f = HashValue::Create();
  f->Set(std::string(11, 'f'), "v");
  CHECK_FALSE(f->is_packed());

  encoding_limits.hash_max_listpack_value = 0;
  auto e = HashValue::Create();
  e->Set("", "");
  CHECK(e->is_packed());
  e->Set("", "x");
  CHECK_FALSE(e->is_packed());
  CHECK(e->Get("") == "x");
}

TEST_CASE("hash: PrepareForSet converts as HSET's hashTypeTryConversion") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.hash_max_listpack_entries = 4;
  encoding_limits.hash_max_listpack_value = 10;
  auto h = HashValue::Create();
  h->Set("a", "1");
  h->PrepareForSet(4, 10, 80);
  CHECK(h->is_packed());
  h->PrepareForSet(5, 1, 10);  // more pairs than fit, even if some would update
  CHECK_FALSE(h->is_packed());
  CHECK(h->Get("a") == "1");
  auto l = HashValue::Create();
  l->PrepareForSet(1, 11, 12);
  CHECK_FALSE(l->is_packed());
  auto big = HashValue::Create();
  big->PrepareForSet(1, 10, kMaxPackedBytes + 1);
  CHECK_FALSE(big->is_packed());
}

TEST_CASE("hash: the packed encoding is smaller than Redis's listpack") {
  for (const bool numeric : {false, true}) {
    CAPTURE(numeric);
    auto h = HashValue::Create();
    std::vector<std::string> elems;
    for (int i = 0; i < 100; ++i) {
      const std::string f = "field:" + std::to_string(i);
      const std::string v = numeric ? std::to_string(i * 37) : "value-" + std::to_string(i);
      h->Set(f, v);
      elems.push_back(f);
      elems.push_back(v);
    }
    REQUIRE(h->is_packed());
    const size_t empty = HashValue::Create()->AllocatedBytes();
    const size_t ours = h->AllocatedBytes() - empty;
    MESSAGE("bytes per field: kvd ", ours / 100.0, ", Redis listpack ",
            ListpackBytes(elems) / 100.0);
    CHECK(ours <= ListpackBytes(elems));
  }
}

TEST_CASE("hash: random fields and scan") {
  std::mt19937_64 rng(7);
  for (const int n : {5, 600}) {  // packed, and a table under the default limit
    CAPTURE(n);
    auto h = HashValue::Create();
    for (int i = 0; i < n; ++i) h->Set("k" + std::to_string(i), std::to_string(i));
    std::set<std::string> seen;
    for (int i = 0; i < 40 * n; ++i) {
      const auto [f, v] = h->Random(rng());
      REQUIRE(h->Get(f) == v.view());
      seen.insert(f.str());
    }
    CHECK(seen.size() == static_cast<size_t>(n));  // every field can come up
    std::map<std::string, std::string> scanned;
    uint64_t cursor = 0;
    do {
      cursor = h->Scan(cursor, [&](std::string_view f, std::string_view v) {
        scanned[std::string(f)] = std::string(v);
      });
    } while (cursor != 0);
    CHECK(scanned == Contents(*h));
  }
}

TEST_CASE("hash: randomized against std::map across the encoding thresholds") {
  std::mt19937_64 rng(42);
  auto h = HashValue::Create();
  std::map<std::string, std::string> model;
  // Phases of growth and shrinkage: the pool size sets how many fields can exist.
  for (const size_t pool : {60, 200, 20, 600, 10, 150}) {
    for (int op = 0; op < 3000; ++op) {
      const std::string f = PoolString(rng, pool);
      const uint64_t what = rng() % 10;
      if (what < 5 || (pool < 30 && what < 6)) {
        const std::string v = what == 0 ? std::string(rng() % 80, 'v') : PoolString(rng, 1000);
        CHECK(h->Set(f, v) == model.insert_or_assign(f, v).second);
      } else if (what < 8) {
        CHECK(h->Delete(f) == (model.erase(f) == 1));
      } else {
        const auto it = model.find(f);
        const std::optional<Elem> got = h->Get(f);
        REQUIRE(got.has_value() == (it != model.end()));
        if (got) CHECK(*got == it->second);
      }
      if (op % 500 == 0) CheckMatches(*h, model);
    }
    CheckMatches(*h, model);
    auto copy = h->Clone();
    CheckMatches(*copy, model);
    CHECK(copy->is_packed() == h->is_packed());
  }
  // Delete everything: back to an empty (table) hash.
  for (const auto& [f, v] : model) CHECK(h->Delete(f));
  CHECK(h->empty());
  CHECK(h->AllocatedBytes() == h->RecountAllocatedBytes());
  CHECK(h->DataBytes() == 0);
}

}  // namespace
}  // namespace kvd
