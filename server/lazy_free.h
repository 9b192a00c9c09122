#pragma once
// Redis's lazyfree: large values deleted by UNLINK (or DEL with lazyfree-lazy-user-del) and
// whole databases emptied by FLUSHALL/FLUSHDB ASYNC are freed on a background thread, so
// the store strand never stalls on freeing millions of allocations.
//
// As in Redis, a value is freed in the background only when freeing it is more work than
// kThreshold allocations (DetachedValue::FreeEffort); a smaller one is freed at once, which
// costs less than handing it over. The thread starts on first use and is joined (after
// freeing whatever is queued) on destruction.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "core/collection.h"
#include "core/keyspace.h"

namespace kvd {

class LazyFree {
 public:
  static constexpr size_t kThreshold = 64;  // Redis's LAZYFREE_THRESHOLD

  LazyFree() = default;
  ~LazyFree();
  LazyFree(const LazyFree&) = delete;
  LazyFree& operator=(const LazyFree&) = delete;

  // UNLINK: frees `value` in the background when its FreeEffort is above kThreshold, else
  // at once. Returns true when it went to the background.
  bool Free(DetachedValue value);
  // FLUSHALL/FLUSHDB ASYNC: frees every key of `keyspace` in the background (counted as
  // that many objects, as Redis does). An empty keyspace is freed at once.
  void Free(Keyspace keyspace);

  // INFO memory lazyfree_pending_objects: objects queued and not freed yet.
  size_t PendingObjects() const { return pending_objects_.load(std::memory_order_relaxed); }
  // INFO memory lazyfreed_objects: objects freed in the background since the last reset.
  uint64_t FreedObjects() const { return freed_objects_.load(std::memory_order_relaxed); }
  // Heap bytes the queued objects still hold (part of used_memory until they are freed).
  size_t PendingBytes() const { return pending_bytes_.load(std::memory_order_relaxed); }
  // CONFIG RESETSTAT.
  void ResetStats() { freed_objects_.store(0, std::memory_order_relaxed); }
  // Blocks until everything queued so far is freed (tests; shutdown).
  void Drain();

 private:
  struct Job {
    std::variant<DetachedValue, Keyspace> what;
    size_t objects = 0;
    size_t bytes = 0;
  };
  void Enqueue(Job job);
  void Run();

  std::mutex mu_;
  std::condition_variable wake_;     // the thread: a job arrived or stop
  std::condition_variable drained_;  // Drain(): the queue emptied
  std::deque<Job> queue_;
  bool busy_ = false;  // the thread is freeing a job taken off the queue
  bool stop_ = false;
  std::thread thread_;

  std::atomic<size_t> pending_objects_{0};
  std::atomic<uint64_t> freed_objects_{0};
  std::atomic<size_t> pending_bytes_{0};
};

}  // namespace kvd
