#pragma once
// redis7_hll.txt (fixtures/make_hll_fixtures.py): what redis-server answered to a fixed
// sequence of HyperLogLog commands. The tests replay the sequence and compare.
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace kvd::testing {

struct HllFixture {
  // Each GET of a key, in order ("small" has two: before and after PFCOUNT).
  std::map<std::string, std::vector<std::string>> values;
  // PFCOUNT replies by their keys, space separated: "small", "small big dense missing".
  std::map<std::string, int64_t> counts;
  std::map<std::string, std::string> decoded;  // PFDEBUG DECODE by key

  const std::string& Value(const std::string& key, size_t nth = 0) const {
    return values.at(key).at(nth);
  }
};

inline std::string UnhexHll(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

inline HllFixture LoadHllFixture(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  HllFixture f;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kind;
    words >> kind;
    const size_t eq = line.find(" = ");
    if (kind == "value") {
      std::string key, hex;
      words >> key >> hex;
      f.values[key].push_back(UnhexHll(hex));
    } else if (kind == "count") {
      f.counts[line.substr(6, eq - 6)] = std::stoll(line.substr(eq + 3));
    } else if (kind == "decode") {
      f.decoded[line.substr(7, eq - 7)] = line.substr(eq + 3);
    }
  }
  return f;
}

// The elements make_hll_fixtures.py adds: prefix + start .. prefix + (start + n - 1).
inline std::vector<std::string> HllElements(const std::string& prefix, int n, int start = 0) {
  std::vector<std::string> out;
  for (int i = start; i < start + n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

}  // namespace kvd::testing
