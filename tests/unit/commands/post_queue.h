#pragma once
// A stand-in for the store strand in tests (ServerState::post).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

#include "server/server_state.h"

namespace kvd::testing {

// ServerState::post for tests: whatever any thread posts runs on the test's thread, inside
// RunUntil, in order, as on the store strand.
class PostQueue {
 public:
  void Attach(ServerState& server) {
    server.post = [this](std::function<void()> fn) {
      {
        std::lock_guard lk(mu_);
        queue_.push_back(std::move(fn));
      }
      cv_.notify_one();
    };
  }
  // Runs one posted function, waiting for one up to a deadline; false when none came.
  bool RunOne(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::function<void()> fn;
    {
      std::unique_lock lk(mu_);
      if (!cv_.wait_for(lk, timeout, [&] { return !queue_.empty(); })) return false;
      fn = std::move(queue_.front());
      queue_.pop_front();
    }
    fn();
    return true;
  }
  // Functions posted and not run yet.
  size_t Pending() {
    std::lock_guard lk(mu_);
    return queue_.size();
  }
  // Runs posted functions until `done()` holds; false if it did not within the deadline.
  // `done` is looked at again every few milliseconds too: other threads may make it true.
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::function<void()> fn;
      {
        std::unique_lock lk(mu_);
        if (!cv_.wait_for(lk, std::chrono::milliseconds(5), [&] { return !queue_.empty(); })) {
          continue;
        }
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
};

}  // namespace kvd::testing
