#include "core/zset_value.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
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
using Pair = std::pair<double, std::string>;  // model order: (score, member)

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<Pair> Items(const ZSetValue& z, RankSpan span, bool reverse) {
  std::vector<Pair> out;
  z.VisitRanks(span, reverse, [&](std::string_view m, double s) { out.emplace_back(s, m); });
  return out;
}

void CheckMatches(const ZSetValue& z, const std::set<Pair>& model) {
  REQUIRE(z.size() == model.size());
  CHECK(Items(z, {0, z.size()}, false) == std::vector<Pair>(model.begin(), model.end()));
  CHECK(Items(z, {0, z.size()}, true) == std::vector<Pair>(model.rbegin(), model.rend()));
  size_t data = 0;
  for (const Pair& p : model) data += p.second.size() + sizeof(double);
  CHECK(z.DataBytes() == data);
  CHECK(z.AllocatedBytes() == z.RecountAllocatedBytes());
}

TEST_CASE("zset: order by score then member bytes; scores round-trip exactly") {
  auto z = ZSetValue::Create();
  CHECK(z->Add("b", 1));
  CHECK(z->Add("a", 1));
  CHECK(z->Add("c", 0.5));
  CHECK(z->Add("neg", -kInf));
  CHECK(z->Add("pos", kInf));
  CHECK(z->Add("tiny", 0.1));
  CHECK(z->Add("big", 1e300));
  CHECK(z->Add("negzero", -0.0));
  CHECK(z->Add("huge", 9007199254740993.0));
  CHECK_FALSE(z->Add("a", 1));
  CHECK(z->Score("tiny") == 0.1);
  CHECK(z->Score("big") == 1e300);
  CHECK_FALSE(std::signbit(*z->Score("negzero")));  // packed, -0 is 0, as in a listpack
  CHECK(z->Score("neg") == -kInf);
  CHECK(z->Score("huge") == 9007199254740993.0);
  CHECK_FALSE(z->Score("zz").has_value());
  const std::vector<Pair> all = Items(*z, {0, z->size()}, false);
  CHECK(all.front() == Pair{-kInf, "neg"});
  CHECK(all[1] == Pair{-0.0, "negzero"});
  CHECK(all[2] == Pair{0.1, "tiny"});
  CHECK(all[4] == Pair{1, "a"});
  CHECK(all[5] == Pair{1, "b"});
  CHECK(all.back() == Pair{kInf, "pos"});
  CHECK(z->Rank("a") == 4);
  CHECK(z->Rank("a", true) == 4);
  CHECK(z->Rank("pos", true) == 0);
  CHECK_FALSE(z->Rank("zz").has_value());
  CHECK_FALSE(z->Add("a", 7));  // an update moves it past b, before huge
  CHECK(z->Rank("a") == 5);
  CHECK(z->Rank("b") == 4);
  CHECK(z->Remove("a"));
  CHECK_FALSE(z->Remove("a"));
  CHECK(z->size() == 8);
}

TEST_CASE("zset: converts to a skiplist past 128 members or a 64-byte member") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.zset_max_listpack_entries = 128;
  encoding_limits.zset_max_listpack_value = 64;
  auto z = ZSetValue::Create();
  for (int i = 0; i < 128; ++i) z->Add("m" + std::to_string(i), i);
  CHECK(z->EncodingName() == "listpack");
  z->Add("m128", 0.5);
  CHECK(z->EncodingName() == "skiplist");
  CHECK(z->Rank("m128") == 1);
  auto l = ZSetValue::Create();
  l->Add(std::string(64, 'a'), 1);
  CHECK(l->is_packed());
  l->Add(std::string(65, 'a'), 1);
  CHECK_FALSE(l->is_packed());
}

TEST_CASE("zset: zset-max-listpack-entries is read as the set grows") {
  testing::EncodingLimitsGuard guard;
  for (const size_t limit : {1, 5, 200}) {
    CAPTURE(limit);
    encoding_limits.zset_max_listpack_entries = limit;
    auto z = ZSetValue::Create();
    std::set<Pair> model;
    for (size_t i = 0; i < limit; ++i) {
      const std::string m = "m" + std::to_string(i);
      z->Add(m, static_cast<double>(i % 7));
      model.insert({static_cast<double>(i % 7), m});
      REQUIRE(z->is_packed());
    }
    CHECK_FALSE(z->Add("m0", -1));  // moving a member never converts
    model.erase({0, "m0"});
    model.insert({-1, "m0"});
    CHECK(z->is_packed());
    z->Add("new", 2.5);
    model.insert({2.5, "new"});
    CHECK(z->EncodingName() == "skiplist");
    CheckMatches(*z, model);
  }
}

TEST_CASE("zset: a zero entries limit makes every new sorted set a skiplist") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.zset_max_listpack_entries = 0;
  auto z = ZSetValue::Create();
  z->Add("a", 1);
  CHECK(z->EncodingName() == "skiplist");
  CHECK(z->Score("a") == 1);
  z->Add("negzero", -0.0);
  CHECK(std::signbit(*z->Score("negzero")));  // a skiplist keeps the sign, as Redis's
  auto p = ZSetValue::Create();
  p->PrepareForAdd(1, 1);  // zsetTypeCreate(1, 1)
  CHECK_FALSE(p->is_packed());
  CHECK(p->empty());
  p->Add("b", 2);
  CheckMatches(*p, {{2, "b"}});
}

TEST_CASE("zset: zset-max-listpack-value bounds members") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.zset_max_listpack_value = 10;
  auto z = ZSetValue::Create();
  z->Add(std::string(10, 'a'), 1);
  z->Add("12345678", 2);
  CHECK(z->is_packed());
  z->Add(std::string(11, 'a'), 3);
  CHECK_FALSE(z->is_packed());
  CheckMatches(*z, {{1, std::string(10, 'a')}, {2, "12345678"}, {3, std::string(11, 'a')}});
  auto i = ZSetValue::Create();
  i->Add("12345678901", 1);  // an integer's text counts
  CHECK_FALSE(i->is_packed());
}

TEST_CASE("zset: PrepareForAdd sizes as ZADD's zsetTypeCreate / zsetTypeMaybeConvert") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.zset_max_listpack_entries = 4;
  encoding_limits.zset_max_listpack_value = 10;
  auto fresh = ZSetValue::Create();
  fresh->PrepareForAdd(4, 10);
  CHECK(fresh->is_packed());
  fresh->PrepareForAdd(1, 11);  // a new set with a long member starts as a skiplist
  CHECK_FALSE(fresh->is_packed());
  auto existing = ZSetValue::Create();
  existing->Add("a", 1);
  existing->PrepareForAdd(1, 11);  // an existing one converts on the count only
  CHECK(existing->is_packed());
  existing->PrepareForAdd(5, 1);
  CHECK_FALSE(existing->is_packed());
  CheckMatches(*existing, {{1, "a"}});
}

TEST_CASE("zset: a large entries limit keeps 1000 members packed, ranges and ranks intact") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.zset_max_listpack_entries = 1000;
  std::mt19937_64 rng(3);
  auto z = ZSetValue::Create();
  std::set<Pair> model;
  for (int i = 0; i < 1000; ++i) {
    const std::string m = "m" + std::to_string(i);
    const double s = static_cast<double>(rng() % 300) + (i % 3 ? 0.5 : 0);
    z->Add(m, s);
    model.insert({s, m});
  }
  REQUIRE(z->is_packed());
  CheckMatches(*z, model);  // forward and reverse over all 1000 ranks
  const std::vector<Pair> all(model.begin(), model.end());
  for (const RankSpan span : {RankSpan{0, 1000}, RankSpan{0, 130}, RankSpan{870, 1000},
                              RankSpan{100, 900}, RankSpan{499, 500}, RankSpan{990, 2000}}) {
    CAPTURE(span.first);
    CAPTURE(span.last);
    const size_t last = std::min<size_t>(span.last, all.size());
    const std::vector<Pair> fwd(all.begin() + static_cast<ptrdiff_t>(span.first),
                                all.begin() + static_cast<ptrdiff_t>(last));
    CHECK(Items(*z, span, false) == fwd);
    CHECK(Items(*z, span, true) == std::vector<Pair>(fwd.rbegin(), fwd.rend()));
  }
  for (size_t r = 0; r < all.size(); r += 37) {
    CHECK(z->Rank(all[r].second) == r);
    CHECK(z->Rank(all[r].second, true) == all.size() - 1 - r);
    CHECK(z->At(r) == std::pair<std::string, double>(all[r].second, all[r].first));
  }
  const RankSpan by_score = z->Span(ScoreRange{100, 200});
  size_t expect_first = 0;
  size_t expect_last = 0;
  for (const Pair& p : all) {
    expect_first += p.first < 100;
    expect_last += p.first <= 200;
  }
  CHECK(by_score.first == expect_first);
  CHECK(by_score.last == expect_last);
  // Erase a middle run of 600 ranks.
  CHECK(z->EraseRanks(RankSpan{200, 800}) == 600);
  std::set<Pair> rest(all.begin(), all.begin() + 200);
  rest.insert(all.begin() + 800, all.end());
  CHECK(z->is_packed());
  CheckMatches(*z, rest);
  // Refill to the limit, then one more converts.
  for (int i = 0; z->size() < 1000; ++i) {
    const std::string m = "n" + std::to_string(i);
    z->Add(m, i);
    rest.insert({static_cast<double>(i), m});
  }
  CHECK(z->is_packed());
  z->Add("last", 0.25);
  rest.insert({0.25, "last"});
  CHECK_FALSE(z->is_packed());
  CheckMatches(*z, rest);
}

TEST_CASE("zset: the packed encoding is at least as small as a listpack") {
  auto z = ZSetValue::Create();
  std::vector<std::string> elems;
  for (int i = 0; i < 100; ++i) {
    elems.push_back("player:" + std::to_string(i));
    elems.push_back(std::to_string(i * 97));
    z->Add(elems[elems.size() - 2], i * 97);
  }
  const size_t empty = ZSetValue::Create()->AllocatedBytes();
  MESSAGE("bytes per member: kvd ", (z->AllocatedBytes() - empty) / 100.0, ", Redis listpack ",
          ListpackBytes(elems) / 100.0);
  CHECK(z->AllocatedBytes() - empty <= ListpackBytes(elems));
}

TEST_CASE("zset: score and lex spans") {
  for (const int n : {20, 500}) {
    CAPTURE(n);
    auto z = ZSetValue::Create();
    for (int i = 0; i < n; ++i) z->Add("m" + std::to_string(1000 + i), i / 2);
    // Scores 0,0,1,1,2,2...
    RankSpan s = z->Span(ScoreRange{1, 3});
    CHECK(s.first == 2);
    CHECK(s.last == 8);
    s = z->Span(ScoreRange{1, 3, true, true});
    CHECK(s.first == 4);
    CHECK(s.last == 6);
    CHECK(z->Span(ScoreRange{3, 1}).size() == 0);
    CHECK(z->Span(ScoreRange{2, 2, true, false}).size() == 0);
    CHECK(z->Span(ScoreRange{-kInf, kInf}).size() == static_cast<size_t>(n));
    CHECK(z->Span(ScoreRange{n * 1.0, kInf}).size() == 0);
    // Lex on equal scores.
    auto lex = ZSetValue::Create();
    for (int i = 0; i < n; ++i) lex->Add("m" + std::to_string(1000 + i), 0);
    using B = LexBound;
    CHECK(lex->Span(LexRange{{B::kNegInf}, {B::kPosInf}}).size() == static_cast<size_t>(n));
    s = lex->Span(LexRange{{B::kInclusive, "m1005"}, {B::kExclusive, "m1010"}});
    CHECK(s.first == 5);
    CHECK(s.last == 10);
    s = lex->Span(LexRange{{B::kExclusive, "m1005"}, {B::kInclusive, "m1010"}});
    CHECK(s.first == 6);
    CHECK(s.last == 11);
    CHECK(lex->Span(LexRange{{B::kPosInf}, {B::kPosInf}}).size() == 0);
    CHECK(lex->Span(LexRange{{B::kNegInf}, {B::kNegInf}}).size() == 0);
    CHECK(lex->Span(LexRange{{B::kInclusive, "m"}, {B::kInclusive, "m1001"}}).size() == 2);
    const auto rev = Items(*lex, s, true);
    REQUIRE(rev.size() == 5);
    CHECK(rev.front().second == "m1010");
    CHECK(rev.back().second == "m1006");
  }
}

TEST_CASE("zset: randomized against a std::set model across the threshold") {
  std::mt19937_64 rng(9);
  const std::vector<double> scores = {-kInf, -2.5, -1, 0, 0.1, 1, 1, 2, 3.75, 1e10, kInf};
  for (const size_t pool : {100, 400}) {
    auto z = ZSetValue::Create();
    std::map<std::string, double> by_member;
    std::set<Pair> model;
    auto score = [&] {
      return rng() % 3 == 0 ? static_cast<double>(static_cast<int64_t>(rng() % 200) - 100)
                            : scores[rng() % scores.size()];
    };
    for (int op = 0; op < 8000; ++op) {
      const std::string m = PoolString(rng, op > 6000 ? 20 : pool);
      const uint64_t what = rng() % 100;
      if (what < 45) {
        const double s = score();
        const auto it = by_member.find(m);
        const bool added = it == by_member.end();
        if (!added) model.erase({it->second, m});
        by_member[m] = s;
        model.insert({s, m});
        CHECK(z->Add(m, s) == added);
      } else if (what < 65) {
        const bool present = by_member.count(m) == 1;
        if (present) {
          model.erase({by_member[m], m});
          by_member.erase(m);
        }
        CHECK(z->Remove(m) == present);
      } else if (what < 75) {
        const auto it = by_member.find(m);
        const std::optional<size_t> rank = z->Rank(m);
        REQUIRE(rank.has_value() == (it != by_member.end()));
        if (rank) {
          CHECK(*rank == static_cast<size_t>(std::distance(model.begin(),
                                                           model.find({it->second, m}))));
          CHECK(z->Score(m) == it->second);
          CHECK(z->Rank(m, true) == model.size() - 1 - *rank);
        }
      } else if (what < 88) {
        ScoreRange r{score(), score(), rng() % 2 == 0, rng() % 2 == 0};
        size_t first = 0;
        size_t inside = 0;
        for (const Pair& p : model) {
          if (r.min_exclusive ? p.first <= r.min : p.first < r.min) ++first;
          const bool above_min = r.min_exclusive ? p.first > r.min : p.first >= r.min;
          const bool below_max = r.max_exclusive ? p.first < r.max : p.first <= r.max;
          if (above_min && below_max) ++inside;
        }
        const RankSpan s = z->Span(r);
        CHECK(s.size() == inside);
        if (inside > 0) CHECK(s.first == first);
      } else if (what < 95) {
        if (model.empty()) continue;
        const size_t a = rng() % model.size();
        const size_t b = a + rng() % 30;
        const bool rev = rng() % 2 == 0;
        std::vector<Pair> expect(std::next(model.begin(), static_cast<ptrdiff_t>(a)),
                                 std::next(model.begin(),
                                           static_cast<ptrdiff_t>(std::min(b, model.size()))));
        if (rev) std::reverse(expect.begin(), expect.end());
        CHECK(Items(*z, {a, std::min(b, model.size())}, rev) == expect);
        const Pair& at = *std::next(model.begin(), static_cast<ptrdiff_t>(a));
        CHECK(z->At(a) == std::pair<std::string, double>(at.second, at.first));
      } else {
        if (model.empty()) continue;
        const size_t a = rng() % model.size();
        const size_t b = std::min(model.size(), a + rng() % 4);
        for (size_t k = a; k < b; ++k) {
          auto it = std::next(model.begin(), static_cast<ptrdiff_t>(a));
          by_member.erase(it->second);
          model.erase(it);
        }
        CHECK(z->EraseRanks({a, b}) == b - a);
      }
      if (op % 500 == 0) CheckMatches(*z, model);
    }
    CheckMatches(*z, model);
    auto copy = z->Clone();
    CheckMatches(*copy, model);
    CHECK(copy->EncodingName() == z->EncodingName());
  }
}

TEST_CASE("zset: ranks stay right through many score updates of a large set") {
  std::mt19937_64 rng(21);
  auto z = ZSetValue::Create();
  std::map<std::string, double> by_member;
  for (int i = 0; i < 2000; ++i) {
    const std::string m = "m" + std::to_string(i);
    by_member[m] = static_cast<double>(rng() % 1000);
    z->Add(m, by_member[m]);
  }
  for (int i = 0; i < 30000; ++i) {
    const std::string m = "m" + std::to_string(rng() % 2000);
    by_member[m] = static_cast<double>(rng() % 1000) + (rng() % 2 ? 0.5 : 0);
    CHECK_FALSE(z->Add(m, by_member[m]));
  }
  std::set<Pair> model;
  for (const auto& [m, s] : by_member) model.insert({s, m});
  CheckMatches(*z, model);
  size_t rank = 0;
  for (const Pair& p : model) {
    REQUIRE(z->Rank(p.second) == rank);
    REQUIRE(z->At(rank) == std::pair<std::string, double>(p.second, p.first));
    ++rank;
  }
}

TEST_CASE("zset: lex spans randomized on equal scores, both encodings") {
  std::mt19937_64 rng(13);
  for (const int n : {50, 300}) {
    auto z = ZSetValue::Create();
    std::set<std::string> model;
    for (int i = 0; i < n; ++i) {
      const std::string m = PoolString(rng, 1000);
      z->Add(m, 0);
      model.insert(m);
    }
    for (int q = 0; q < 500; ++q) {
      auto bound = [&](std::string* storage) {
        const uint64_t k = rng() % 10;
        if (k == 0) return LexBound{LexBound::kNegInf, {}};
        if (k == 1) return LexBound{LexBound::kPosInf, {}};
        *storage = PoolString(rng, 1000);
        return LexBound{k % 2 ? LexBound::kInclusive : LexBound::kExclusive, *storage};
      };
      std::string smin, smax;
      const LexRange r{bound(&smin), bound(&smax)};
      size_t inside = 0;
      for (const std::string& m : model) {
        const bool ge = r.min.kind == LexBound::kNegInf ||
                        (r.min.kind == LexBound::kInclusive && m >= r.min.value) ||
                        (r.min.kind == LexBound::kExclusive && m > r.min.value);
        const bool le = r.max.kind == LexBound::kPosInf ||
                        (r.max.kind == LexBound::kInclusive && m <= r.max.value) ||
                        (r.max.kind == LexBound::kExclusive && m < r.max.value);
        if (ge && le) ++inside;
      }
      CHECK(z->Span(r).size() == inside);
    }
  }
}

}  // namespace
}  // namespace kvd
