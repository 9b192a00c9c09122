#pragma once
#include <cstdint>
#include <string_view>

namespace kvd {

// Every value is tagged with its type.
enum class ValueType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
  kStream = 5,
};

// The name TYPE and SCAN ... TYPE use.
constexpr std::string_view TypeName(ValueType t) {
  switch (t) {
    case ValueType::kString: return "string";
    case ValueType::kList: return "list";
    case ValueType::kSet: return "set";
    case ValueType::kZSet: return "zset";
    case ValueType::kHash: return "hash";
    case ValueType::kStream: return "stream";
  }
  return "none";
}

// Absolute expiry times are Unix milliseconds; kNoExpiry marks a persistent key.
inline constexpr int64_t kNoExpiry = INT64_MIN;

}  // namespace kvd
