#pragma once
// Helpers for the collection tests: Redis's listpack size for the same elements (the bar
// the compact encodings must meet), deterministic test strings, and a guard for tests that
// change the encoding limits.
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding_limits.h"
#include "core/numeric.h"

namespace kvd::testing {

// Bytes one element takes in a Redis 7 listpack (lpEncodeGetType / lpEncodeBacklen).
inline size_t ListpackEntryBytes(std::string_view s) {
  size_t enc;
  if (std::optional<int64_t> v = ParseInt64(s)) {
    const int64_t x = *v;
    if (x >= 0 && x <= 127) enc = 1;
    else if (x >= -4096 && x <= 4095) enc = 2;
    else if (x >= -32768 && x <= 32767) enc = 3;
    else if (x >= -8388608 && x <= 8388607) enc = 4;
    else if (x >= INT32_MIN && x <= INT32_MAX) enc = 5;
    else enc = 9;
  } else if (s.size() < 64) {
    enc = 1 + s.size();
  } else if (s.size() < 4096) {
    enc = 2 + s.size();
  } else {
    enc = 5 + s.size();
  }
  const size_t backlen = enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : 4;
  return enc + backlen;
}

// A whole listpack: 6-byte header, the entries, the end byte.
inline size_t ListpackBytes(const std::vector<std::string>& elems) {
  size_t n = 7;
  for (const std::string& e : elems) n += ListpackEntryBytes(e);
  return n;
}

// A member drawn from a pool of `pool` names: mostly words, some integers (canonical and
// not), now and then one longer than the compact encodings take.
inline std::string PoolString(std::mt19937_64& rng, size_t pool) {
  const uint64_t i = rng() % pool;
  switch (i % 7) {
    case 0: return std::to_string(static_cast<int64_t>(i) - 40);
    case 1: return "0" + std::to_string(i);  // not canonical: stays a string
    case 2:
      if (i % 35 == 2) return std::string(65 + i % 10, static_cast<char>('a' + i % 26));
      [[fallthrough]];
    default: return "m:" + std::to_string(i);
  }
}

// Saves the process's encoding limits and puts them back when it goes out of scope, so a
// test may change them freely.
class EncodingLimitsGuard {
 public:
  EncodingLimitsGuard()
      : hash_entries_(encoding_limits.hash_max_listpack_entries),
        hash_value_(encoding_limits.hash_max_listpack_value),
        set_intset_entries_(encoding_limits.set_max_intset_entries),
        set_entries_(encoding_limits.set_max_listpack_entries),
        set_value_(encoding_limits.set_max_listpack_value),
        zset_entries_(encoding_limits.zset_max_listpack_entries),
        zset_value_(encoding_limits.zset_max_listpack_value),
        list_size_(encoding_limits.list_max_listpack_size) {}
  ~EncodingLimitsGuard() {
    encoding_limits.hash_max_listpack_entries = hash_entries_;
    encoding_limits.hash_max_listpack_value = hash_value_;
    encoding_limits.set_max_intset_entries = set_intset_entries_;
    encoding_limits.set_max_listpack_entries = set_entries_;
    encoding_limits.set_max_listpack_value = set_value_;
    encoding_limits.zset_max_listpack_entries = zset_entries_;
    encoding_limits.zset_max_listpack_value = zset_value_;
    encoding_limits.list_max_listpack_size = list_size_;
  }
  EncodingLimitsGuard(const EncodingLimitsGuard&) = delete;
  EncodingLimitsGuard& operator=(const EncodingLimitsGuard&) = delete;

 private:
  size_t hash_entries_, hash_value_, set_intset_entries_, set_entries_, set_value_, zset_entries_,
      zset_value_;
  int list_size_;
};

}  // namespace kvd::testing
