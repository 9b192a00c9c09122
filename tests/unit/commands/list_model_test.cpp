// Random list commands checked against a std::deque model, through the real dispatcher.
#include <doctest/doctest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/list_test_util.h"

namespace kvd::testing {
namespace {

std::string RandomElement(std::mt19937& rng) {
  switch (rng() % 4) {
    case 0: return std::to_string(static_cast<int>(rng() % 20) - 10);  // small integers
    case 1: return std::string(1 + rng() % 3, static_cast<char>('a' + rng() % 3));
    case 2: return std::string(200 + rng() % 800, 'm');  // fills chunks quickly
    default: return std::string(9000, static_cast<char>('A' + rng() % 2));  // own chunk
  }
}

TEST_CASE("random pushes, pops, sets, inserts, removes and trims match a deque") {
  Harness h;
  std::mt19937 rng(20240611);
  std::deque<std::string> model;
  for (int step = 0; step < 4000; ++step) {
    CAPTURE(step);
    const std::string v = RandomElement(rng);
    const auto len = static_cast<int64_t>(model.size());
    switch (rng() % 9) {
      case 0:
      case 1:
        model.push_back(v);
        REQUIRE(h.Run({"RPUSH", "l", v}) == Int(len + 1));
        break;
      case 2:
        model.push_front(v);
        REQUIRE(h.Run({"LPUSH", "l", v}) == Int(len + 1));
        break;
      case 3: {
        const int64_t n = rng() % 4;
        std::vector<std::string> popped;
        for (int64_t i = 0; i < n && !model.empty(); ++i) {
          popped.push_back(model.back());
          model.pop_back();
        }
        const std::string expected = len == 0 ? kNullArray : Arr(popped);
        REQUIRE(h.Run({"RPOP", "l", std::to_string(n)}) == expected);
        break;
      }
      case 4: {
        if (model.empty()) break;
        const int64_t i = static_cast<int64_t>(rng() % model.size());
        model[i] = v;
        REQUIRE(h.Run({"LSET", "l", std::to_string(i - (rng() % 2 ? len : 0)), v}) == kOk);
        break;
      }
      case 5: {
        if (model.empty()) break;
        const std::string pivot = model[rng() % model.size()];
        size_t at = 0;
        while (model[at] != pivot) ++at;
        const bool after = rng() % 2;
        model.insert(model.begin() + at + (after ? 1 : 0), v);
        REQUIRE(h.Run({"LINSERT", "l", after ? "AFTER" : "BEFORE", pivot, v}) == Int(len + 1));
        break;
      }
      case 6: {
        const int64_t count = static_cast<int64_t>(rng() % 5) - 2;
        size_t removed = 0;
        const size_t limit =
            count == 0 ? SIZE_MAX : static_cast<size_t>(count < 0 ? -count : count);
        if (count >= 0) {
          for (auto it = model.begin(); it != model.end() && removed < limit;) {
            if (*it == v) {
              it = model.erase(it);
              ++removed;
            } else {
              ++it;
            }
          }
        } else {
          for (size_t i = model.size(); i-- > 0 && removed < limit;) {
            if (model[i] == v) {
              model.erase(model.begin() + i);
              ++removed;
            }
          }
        }
        REQUIRE(h.Run({"LREM", "l", std::to_string(count), v}) ==
                Int(static_cast<int64_t>(removed)));
        break;
      }
      case 7: {
        if (rng() % 8 != 0 || model.size() < 10) break;  // trims rarely, so the list grows
        const size_t head = rng() % 3;
        const size_t tail = rng() % 3;
        model.erase(model.begin(), model.begin() + head);
        model.erase(model.end() - tail, model.end());
        const std::string stop = std::to_string(-1 - static_cast<int64_t>(tail));
        REQUIRE(h.Run({"LTRIM", "l", std::to_string(head), stop}) == kOk);
        break;
      }
      default: {
        if (model.empty()) break;
        const int64_t i = static_cast<int64_t>(rng() % model.size());
        REQUIRE(h.Run({"LINDEX", "l", std::to_string(i)}) == Bulk(model[i]));
        break;
      }
    }
    REQUIRE(h.Run({"LLEN", "l"}) == Int(static_cast<int64_t>(model.size())));
    if (step % 100 == 0) {
      REQUIRE(Range(h, "l") == Arr(std::vector<std::string>(model.begin(), model.end())));
    }
  }
  REQUIRE(Range(h, "l") == Arr(std::vector<std::string>(model.begin(), model.end())));
}

}  // namespace
}  // namespace kvd::testing
