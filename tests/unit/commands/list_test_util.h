#pragma once
// Expected RESP bytes for the list command tests.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "unit/commands/key_test_util.h"

namespace kvd::testing {

inline const std::string kNullArray = "*-1\r\n";
inline const std::string kEmptyArray = "*0\r\n";
inline const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

// An array of bulk strings.
inline std::string Arr(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& s : items) out += Bulk(s);
  return out;
}
// An array of integers.
inline std::string IntArr(std::initializer_list<int64_t> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (int64_t v : items) out += Int(v);
  return out;
}

// The whole list at key, via LRANGE 0 -1.
inline std::string Range(Harness& h, std::string_view key) {
  return h.Run({"LRANGE", key, "0", "-1"});
}

}  // namespace kvd::testing
