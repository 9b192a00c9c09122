#include "core/set_value.h"

#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "collection_test_util.h"

namespace kvd {
namespace {

using testing::ListpackBytes;
using testing::PoolString;

std::set<std::string> Members(const SetValue& s) {
  std::set<std::string> out;
  s.ForEach([&](std::string_view m) { CHECK(out.emplace(m).second); });
  return out;
}

void CheckMatches(const SetValue& s, const std::set<std::string>& model) {
  CHECK(s.size() == model.size());
  CHECK(Members(s) == model);
  size_t data = 0;
  for (const std::string& m : model) data += m.size();
  CHECK(s.DataBytes() == data);
  CHECK(s.AllocatedBytes() == s.RecountAllocatedBytes());
}

TEST_CASE("set: integers stay an intset, sorted, widening as needed") {
  auto s = SetValue::Create();
  CHECK(s->Add("5"));
  CHECK(s->Add("-3"));
  CHECK_FALSE(s->Add("5"));
  CHECK(s->encoding() == SetValue::Encoding::kIntset);
  CHECK(s->EncodingName() == "intset");
  CHECK(s->Add("100000"));                // 4-byte width
  CHECK(s->Add("-9223372036854775808"));  // 8-byte width, new minimum
  CHECK(s->Add("9223372036854775807"));
  CHECK(s->encoding() == SetValue::Encoding::kIntset);
  std::vector<std::string> order;
  s->ForEach([&](std::string_view m) { order.emplace_back(m); });
  CHECK(order == std::vector<std::string>{"-9223372036854775808", "-3", "5", "100000",
                                          "9223372036854775807"});
  CHECK(s->Contains("100000"));
  CHECK_FALSE(s->Contains("100001"));
  CHECK_FALSE(s->Contains("05"));  // not the canonical text of 5
  CHECK(s->Remove("-3"));
  CHECK_FALSE(s->Remove("-3"));
  CHECK_FALSE(s->Remove("abc"));
  CHECK(s->size() == 4);
}

TEST_CASE("set: conversions at Redis 7.2's thresholds") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.set_max_intset_entries = 512;
  encoding_limits.set_max_listpack_entries = 128;
  encoding_limits.set_max_listpack_value = 64;
  SUBCASE("a non-integer moves a small intset to a listpack") {
    auto s = SetValue::Create();
    s->Add("1");
    s->Add("x");
    CHECK(s->EncodingName() == "listpack");
    CHECK(s->Contains("1"));
    CHECK(s->Contains("x"));
  }
  SUBCASE("more than 512 integers make a table") {
    auto s = SetValue::Create();
    for (int i = 0; i < 512; ++i) s->Add(std::to_string(i * 3));
    CHECK(s->EncodingName() == "intset");
    s->Add("-1");
    CHECK(s->EncodingName() == "hashtable");
    CHECK(s->size() == 513);
    CHECK(s->Contains("1533"));
  }
  SUBCASE("a non-integer joining a 200-integer intset makes a table") {
    auto s = SetValue::Create();
    for (int i = 0; i < 200; ++i) s->Add(std::to_string(i));
    s->Add("x");
    CHECK(s->EncodingName() == "hashtable");
  }
  SUBCASE("more than 128 members or a member over 64 bytes make a table") {
    auto s = SetValue::Create();
    for (int i = 0; i < 128; ++i) s->Add("m" + std::to_string(i));
    CHECK(s->EncodingName() == "listpack");
    s->Add("m128");
    CHECK(s->EncodingName() == "hashtable");
    auto l = SetValue::Create();
    l->Add("a");
    l->Add(std::string(65, 'z'));
    CHECK(l->EncodingName() == "hashtable");
  }
}

TEST_CASE("set: set-max-intset-entries bounds an intset") {
  testing::EncodingLimitsGuard guard;
  for (const size_t limit : {0, 1, 5, 2000}) {
    CAPTURE(limit);
    encoding_limits.set_max_intset_entries = limit;
    auto s = SetValue::Create();
    for (size_t i = 0; i < limit; ++i) {
      s->Add(std::to_string(i * 7));
      REQUIRE(s->EncodingName() == "intset");
    }
    if (limit > 0) CHECK_FALSE(s->Add("0"));  // present: nothing changes
    s->Add("-1");  // one past the limit: a table, never a listpack (maybeConvertIntset)
    CHECK(s->EncodingName() == "hashtable");
    CHECK(s->size() == limit + 1);
    CHECK(s->Contains("-1"));
    CHECK(s->AllocatedBytes() == s->RecountAllocatedBytes());
  }
  // Redis caps the limit at 2^30 (intsetMaxEntries).
  encoding_limits.set_max_intset_entries = SIZE_MAX;
  CHECK(SetValue::Limits::Current().intset_entries == size_t{1} << 30);
}

TEST_CASE("set: set-max-listpack-entries bounds a listpack, and an intset turning into one") {
  testing::EncodingLimitsGuard guard;
  for (const size_t limit : {0, 1, 5, 1000}) {
    CAPTURE(limit);
    encoding_limits.set_max_listpack_entries = limit;
    auto s = SetValue::Create();
    for (size_t i = 0; i < limit; ++i) {
      s->Add("m" + std::to_string(i));
      REQUIRE(s->EncodingName() == "listpack");
    }
    s->Add("m" + std::to_string(limit));
    CHECK(s->EncodingName() == "hashtable");
    CHECK(s->size() == limit + 1);
    CHECK(s->AllocatedBytes() == s->RecountAllocatedBytes());
  }
  // A non-integer joins an intset as a listpack only while the result fits.
  encoding_limits.set_max_listpack_entries = 5;
  auto four = SetValue::Create();
  for (int i = 0; i < 4; ++i) four->Add(std::to_string(i));
  four->Add("x");
  CHECK(four->EncodingName() == "listpack");
  CHECK(four->size() == 5);
  CHECK(four->Contains("3"));
  auto five = SetValue::Create();
  for (int i = 0; i < 5; ++i) five->Add(std::to_string(i));
  five->Add("x");
  CHECK(five->EncodingName() == "hashtable");
  CHECK(five->size() == 6);
}

TEST_CASE("set: set-max-listpack-value bounds members, the intset's integers included") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.set_max_listpack_value = 10;
  auto s = SetValue::Create();
  s->Add(std::string(10, 'a'));
  CHECK(s->EncodingName() == "listpack");
  s->Add(std::string(11, 'a'));
  CHECK(s->EncodingName() == "hashtable");
  // An intset moves to a listpack only if its integers' text fits too (setTypeAddAux).
  using Case = std::pair<std::vector<std::string>, std::string>;
  for (const Case& c : std::vector<Case>{{{"1234567890", "5"}, "listpack"},
                                         {{"12345678901", "5"}, "hashtable"},
                                         {{"-123456789", "5"}, "listpack"},
                                         {{"-1234567890", "5"}, "hashtable"},
                                         {{}, "listpack"}}) {
    const std::vector<std::string>& ints = c.first;
    const std::string& encoding = c.second;
    CAPTURE(encoding);
    auto i = SetValue::Create();
    for (const std::string& m : ints) i->Add(m);
    i->Add("x");
    CHECK(i->EncodingName() == encoding);
    CHECK(i->size() == ints.size() + 1);
  }
  auto t = SetValue::Create();
  t->Add("1");
  t->Add(std::string(11, 'b'));
  CHECK(t->EncodingName() == "hashtable");
}

TEST_CASE("set: SADD's sizing and SINTERSTORE's intset, as in Redis") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.set_max_intset_entries = 4;
  encoding_limits.set_max_listpack_entries = 8;
  auto fresh = [](std::string_view first, size_t count) {
    auto s = SetValue::Create();
    s->PrepareForAdd(first, count);
    return std::string(s->EncodingName());
  };
  // setTypeCreate.
  CHECK(fresh("1", 4) == "intset");
  CHECK(fresh("1", 5) == "listpack");
  CHECK(fresh("a", 1) == "listpack");
  CHECK(fresh("a", 8) == "listpack");
  CHECK(fresh("a", 9) == "hashtable");
  auto s = SetValue::Create();
  s->PrepareForAdd("1", 5);
  for (const char* m : {"1", "2", "3", "4", "5"}) s->Add(m);
  CHECK(s->EncodingName() == "listpack");  // an intset would have overflowed
  // setTypeMaybeConvert.
  auto i = SetValue::Create();
  i->Add("1");
  i->PrepareForAdd("2", 4);
  CHECK(i->EncodingName() == "intset");
  i->PrepareForAdd("2", 5);
  CHECK(i->EncodingName() == "hashtable");
  CHECK(i->Contains("1"));
  auto l = SetValue::Create();
  l->Add("a");
  l->PrepareForAdd("b", 8);
  CHECK(l->EncodingName() == "listpack");
  l->PrepareForAdd("b", 9);
  CHECK(l->EncodingName() == "hashtable");

  CHECK(SetValue::Create(SetValue::Encoding::kPacked)->EncodingName() == "listpack");
  CHECK(SetValue::Create(SetValue::Encoding::kTable)->EncodingName() == "hashtable");
  // maybeConvertToIntset: all integers, and few enough.
  for (const auto from : {SetValue::Encoding::kPacked, SetValue::Encoding::kTable}) {
    auto p = SetValue::Create(from);
    for (const char* m : {"30", "-7", "100000", "2"}) p->Add(m);
    REQUIRE(p->encoding() == from);
    p->MaybeConvertToIntset();
    CHECK(p->EncodingName() == "intset");
    std::vector<std::string> order;
    p->ForEach([&](std::string_view m) { order.emplace_back(m); });
    CHECK(order == std::vector<std::string>{"-7", "2", "30", "100000"});
    CHECK(p->Contains("100000"));
    CheckMatches(*p, {"-7", "2", "30", "100000"});
    p->Add("5");  // a fifth integer: past the intset limit
    CHECK(p->EncodingName() == "hashtable");
  }
  auto mixed = SetValue::Create(SetValue::Encoding::kPacked);
  for (const char* m : {"1", "x"}) mixed->Add(m);
  mixed->MaybeConvertToIntset();
  CHECK(mixed->EncodingName() == "listpack");
  auto many = SetValue::Create(SetValue::Encoding::kPacked);
  for (const char* m : {"1", "2", "3", "4", "5"}) many->Add(m);
  many->MaybeConvertToIntset();
  CHECK(many->EncodingName() == "listpack");
}

TEST_CASE("set: compact encodings are smaller than Redis's") {
  auto s = SetValue::Create();
  std::vector<std::string> elems;
  for (int i = 0; i < 100; ++i) {
    elems.push_back("member:" + std::to_string(i));
    s->Add(elems.back());
  }
  REQUIRE(s->EncodingName() == "listpack");
  const size_t empty = SetValue::Create()->AllocatedBytes();
  MESSAGE("bytes per member: kvd ", (s->AllocatedBytes() - empty) / 100.0, ", Redis ",
          ListpackBytes(elems) / 100.0);
  CHECK(s->AllocatedBytes() - empty <= ListpackBytes(elems));
  auto ints = SetValue::Create();
  for (int i = 0; i < 100; ++i) ints->Add(std::to_string(i * 100));
  // Redis's intset: an 8-byte header plus 2 bytes per element here.
  CHECK(ints->AllocatedBytes() - empty <= 8 + 2 * 100 + 16);
}

TEST_CASE("set: random members, pop and scan") {
  std::mt19937_64 rng(3);
  for (const bool ints : {true, false}) {
    for (const int n : {10, 100, 1000}) {
      CAPTURE(ints);
      CAPTURE(n);
      auto s = SetValue::Create();
      std::set<std::string> model;
      for (int i = 0; i < n; ++i) {
        const std::string m = ints ? std::to_string(i * 7) : "s" + std::to_string(i);
        s->Add(m);
        model.insert(m);
      }
      std::set<std::string> seen;
      for (int i = 0; i < 30 * n; ++i) seen.insert(s->Random(rng()).str());
      CHECK(seen == model);
      std::set<std::string> scanned;
      uint64_t cursor = 0;
      do {
        cursor = s->Scan(cursor, [&](std::string_view m) { scanned.emplace(m); });
      } while (cursor != 0);
      CHECK(scanned == model);
      while (!s->empty()) {
        const std::string m = s->PopRandom(rng());
        REQUIRE(model.erase(m) == 1);
      }
      CHECK(model.empty());
      CHECK(s->DataBytes() == 0);
    }
  }
}

TEST_CASE("set: randomized against std::set across every encoding") {
  std::mt19937_64 rng(11);
  for (const bool start_ints : {true, false}) {
    auto s = SetValue::Create();
    std::set<std::string> model;
    for (const size_t pool : {100, 900, 30, 2000, 8}) {
      for (int op = 0; op < 3000; ++op) {
        // Integer-only phases keep the intset encoding alive for a while.
        const std::string m = start_ints && pool != 30 ? std::to_string(rng() % pool)
                                                       : PoolString(rng, pool);
        const uint64_t what = rng() % 10;
        if (what < 5) {
          CHECK(s->Add(m) == model.insert(m).second);
        } else if (what < 8) {
          CHECK(s->Remove(m) == (model.erase(m) == 1));
        } else {
          CHECK(s->Contains(m) == (model.count(m) == 1));
        }
        if (op % 500 == 0) CheckMatches(*s, model);
      }
      CheckMatches(*s, model);
      auto copy = s->Clone();
      CheckMatches(*copy, model);
      CHECK(copy->encoding() == s->encoding());
    }
  }
}

}  // namespace
}  // namespace kvd
