#pragma once
// How far a collection may grow before it leaves its compact encoding: Redis's
// hash-max-listpack-entries, set-max-intset-entries, list-max-listpack-size and the rest.
//
// One set for the whole process, as in Redis (server.hash_max_listpack_entries...): the
// server's config writes it at start and on CONFIG SET, and values read it when they grow.
// Each field is a relaxed atomic because a background load may build values while CONFIG SET
// changes a limit; each limit is read on its own and a value built under the old or the new
// one is valid, so no ordering is needed.
#include <atomic>
#include <cstddef>

namespace kvd {

// An atomic that reads and writes like a plain value, with relaxed ordering.
template <class T>
class RelaxedAtomic {
 public:
  constexpr RelaxedAtomic(T v) : v_(v) {}
  operator T() const { return v_.load(std::memory_order_relaxed); }
  RelaxedAtomic& operator=(T v) {
    v_.store(v, std::memory_order_relaxed);
    return *this;
  }

 private:
  std::atomic<T> v_;
};

struct EncodingLimits {
  // Redis's defaults.
  RelaxedAtomic<size_t> hash_max_listpack_entries = 512;
  RelaxedAtomic<size_t> hash_max_listpack_value = 64;
  RelaxedAtomic<size_t> set_max_intset_entries = 512;
  RelaxedAtomic<size_t> set_max_listpack_entries = 128;
  RelaxedAtomic<size_t> set_max_listpack_value = 64;
  RelaxedAtomic<size_t> zset_max_listpack_entries = 128;
  RelaxedAtomic<size_t> zset_max_listpack_value = 64;
  // A list chunk's bound (Redis's quicklist "fill"): > 0 at most that many elements (and
  // 8 KB, Redis's safety limit); 0 one element; -1..-5 at most 4, 8, 16, 32 or 64 KB
  // (below -5: 64 KB).
  RelaxedAtomic<int> list_max_listpack_size = -2;
  // A stream chunk's bounds (stream-node-max-bytes, stream-node-max-entries); 0: none.
  RelaxedAtomic<size_t> stream_node_max_bytes = 4096;
  RelaxedAtomic<size_t> stream_node_max_entries = 100;
};

// The process's limits.
inline EncodingLimits encoding_limits;

// Whatever the limits, a packed buffer (a hash, set or sorted set in its compact encoding)
// never grows past this: the value converts to its big encoding instead. Redis's
// LISTPACK_MAX_SAFETY_SIZE (lpSafeToAdd); it also keeps the packed encodings' 32-bit
// offsets and counters from overflowing.
inline constexpr size_t kMaxPackedBytes = size_t{1} << 30;

}  // namespace kvd
