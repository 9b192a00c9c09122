#include "server/lazy_free.h"

#include <utility>

namespace kvd {

LazyFree::~LazyFree() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  // Anything still queued (only possible if the thread never started) is freed here.
  queue_.clear();
}

bool LazyFree::Free(DetachedValue value) {
  if (value.empty() || value.FreeEffort() <= kThreshold) return false;  // freed on return
  Job job;
  job.objects = 1;
  job.bytes = value.AllocatedBytes();
  job.what = std::move(value);
  Enqueue(std::move(job));
  return true;
}

void LazyFree::Free(Keyspace keyspace) {
  const size_t keys = keyspace.Stats().entries;
  if (keys == 0) return;  // nothing to free but the (empty) tables
  Job job;
  job.objects = keys;
  job.bytes = keyspace.AllocatedBytes();
  job.what = std::move(keyspace);
  Enqueue(std::move(job));
}

void LazyFree::Enqueue(Job job) {
  pending_objects_.fetch_add(job.objects, std::memory_order_relaxed);
  pending_bytes_.fetch_add(job.bytes, std::memory_order_relaxed);
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(job));
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  wake_.notify_one();
}

void LazyFree::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything is freed
    Job job = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    if (auto* value = std::get_if<DetachedValue>(&job.what)) {
      value->Reset();
    } else {
      std::get<Keyspace>(job.what).Clear();  // every key of a flushed database
    }
    pending_bytes_.fetch_sub(job.bytes, std::memory_order_relaxed);
    pending_objects_.fetch_sub(job.objects, std::memory_order_relaxed);
    freed_objects_.fetch_add(job.objects, std::memory_order_relaxed);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) drained_.notify_all();
  }
}

void LazyFree::Drain() {
  std::unique_lock lock(mu_);
  drained_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

}  // namespace kvd
