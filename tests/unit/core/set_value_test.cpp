#include "core/set_value.h"

#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>
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
