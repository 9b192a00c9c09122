#pragma once
// Time source for the store. Commands read the clock once per command and pass the
// value down, so a command sees one instant (Redis's commandTimeSnapshot()).
#include <chrono>
#include <cstdint>

namespace kvd {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;  // Unix time, milliseconds
  virtual int64_t NowUs() const = 0;  // Unix time, microseconds
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override { return NowUs() / 1000; }
  int64_t NowUs() const override {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// Tests drive time by hand: no sleeps.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_us_(start_ms * 1000) {}
  int64_t NowMs() const override { return now_us_ / 1000; }
  int64_t NowUs() const override { return now_us_; }
  void Advance(int64_t ms) { now_us_ += ms * 1000; }
  void SetMs(int64_t ms) { now_us_ = ms * 1000; }

 private:
  int64_t now_us_;
};

}  // namespace kvd
