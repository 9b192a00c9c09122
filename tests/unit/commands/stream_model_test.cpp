// XADD, XDEL, XTRIM, XRANGE, XREVRANGE and XLEN against a plain ordered map, over random
// operations on small chunks (stream-node-max-entries 3): replies must be the model's, and
// an approximate trim must remove only the oldest entries and never go below its threshold.
#include <doctest/doctest.h>

#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "unit/commands/stream_test_util.h"

namespace kvd::testing {
namespace {

using Id = std::pair<uint64_t, uint64_t>;

std::string IdText(const Id& id) {
  return std::to_string(id.first) + "-" + std::to_string(id.second);
}

// XRANGE's reply for the model's entries in [start, end], at most `count` (0: all).
std::string ModelRange(const std::map<Id, std::string>& m, Id start, Id end, bool reverse,
                       size_t count) {
  std::vector<std::string> entries;
  auto add = [&](const auto& kv) {
    if (kv.first < start || kv.first > end) return true;
    entries.push_back(Entry(IdText(kv.first), {"f", kv.second}));
    return count == 0 || entries.size() < count;
  };
  if (reverse) {
    for (auto it = m.rbegin(); it != m.rend() && add(*it); ++it) {
    }
  } else {
    for (auto it = m.begin(); it != m.end() && add(*it); ++it) {
    }
  }
  std::string out = "*" + std::to_string(entries.size()) + "\r\n";
  for (const std::string& e : entries) out += e;
  return out;
}

TEST_CASE("streams: random stream operations agree with an ordered map") {
  StreamHarness h;
  ScopedNodeEntries nodes(3);
  ExtraClient c(h);
  std::mt19937_64 rng(20261127);
  auto pick = [&](uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng); };
  std::map<Id, std::string> model;
  Id last{0, 0};
  for (int step = 0; step < 3000; ++step) {
    CAPTURE(step);
    const uint64_t op = pick(10);
    if (op < 5) {  // XADD with an explicit, increasing ID
      const Id id = pick(3) == 0 ? Id{last.first + 1 + pick(3), pick(2)}
                                 : Id{last.first, last.second + 1 + pick(2)};
      const std::string v = std::to_string(step);
      REQUIRE(c.Run("XADD s " + IdText(id) + " f " + v) == Bulk(IdText(id)));
      model[id] = v;
      last = id;
    } else if (op == 5) {  // XDEL of an entry, or of an ID with none
      Id id{pick(last.first + 2), pick(4)};
      if (!model.empty() && pick(2) == 0) id = std::next(model.begin(), pick(model.size()))->first;
      const bool had = model.erase(id) > 0;
      REQUIRE(c.Run("XDEL s " + IdText(id)) == Int(had ? 1 : 0));
    } else if (op == 6) {  // exact trims
      if (pick(2) == 0) {
        const size_t maxlen = pick(model.size() + 3);
        const size_t removed = model.size() > maxlen ? model.size() - maxlen : 0;
        REQUIRE(c.Run("XTRIM s MAXLEN " + std::to_string(maxlen)) == Int(removed));
        model.erase(model.begin(), std::next(model.begin(), removed));
      } else {
        const Id min{pick(last.first + 2), pick(3)};
        const auto end = model.lower_bound(min);
        REQUIRE(c.Run("XTRIM s MINID " + IdText(min)) == Int(std::distance(model.begin(), end)));
        model.erase(model.begin(), end);
      }
    } else if (op == 7 && step % 5 == 0) {  // approximate: the oldest go, not below maxlen
      const size_t maxlen = pick(model.size() + 2);
      std::optional<RespValue> r =
          RespReader::ParseOne(c.Run("XTRIM s MAXLEN ~ " + std::to_string(maxlen)));
      REQUIRE(r);
      const auto removed = static_cast<size_t>(r->integer);
      REQUIRE(removed <= (model.size() > maxlen ? model.size() - maxlen : 0));
      model.erase(model.begin(), std::next(model.begin(), removed));
    } else {  // reads
      const Id a{pick(last.first + 2), pick(4)}, b{pick(last.first + 2), pick(4)};
      const size_t count = pick(4);
      const std::string suffix = count == 0 ? "" : " COUNT " + std::to_string(count);
      REQUIRE(c.Run("XRANGE s " + IdText(a) + " " + IdText(b) + suffix) ==
              ModelRange(model, a, b, false, count));
      REQUIRE(c.Run("XREVRANGE s " + IdText(b) + " " + IdText(a) + suffix) ==
              ModelRange(model, a, b, true, count));
    }
    REQUIRE(c.Run("XLEN s") == Int(static_cast<int64_t>(model.size())));
  }
  CHECK(c.Run("XRANGE s - +") == ModelRange(model, {0, 0}, {UINT64_MAX, UINT64_MAX}, false, 0));
}

}  // namespace
}  // namespace kvd::testing
