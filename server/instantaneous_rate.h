#pragma once
// Redis's instantaneous metrics (trackInstantaneousMetric): the rate of a growing counter,
// the mean of its last 16 samples, one sample per 100 ms or more. INFO's
// instantaneous_ops_per_sec and instantaneous_*_kbps.
#include <array>
#include <cstddef>
#include <cstdint>

namespace kvd {

class InstantaneousRate {
 public:
  // Takes a sample of `total` (the counter's value now) unless the last one is less than
  // 100 ms old; the first call only starts the clock.
  void Sample(uint64_t total, int64_t now_ms) {
    if (last_ms_ == 0) {
      last_ms_ = now_ms;
      last_total_ = total;
      return;
    }
    const int64_t elapsed = now_ms - last_ms_;
    if (elapsed < kIntervalMs) return;
    // A counter reset (CONFIG RESETSTAT) between samples reads as no growth.
    const uint64_t grown = total >= last_total_ ? total - last_total_ : 0;
    samples_[next_] = static_cast<double>(grown) * 1000.0 / static_cast<double>(elapsed);
    next_ = (next_ + 1) % kSamples;
    last_ms_ = now_ms;
    last_total_ = total;
    double sum = 0;
    for (double s : samples_) sum += s;
    per_second_ = sum / kSamples;
  }
  double PerSecond() const { return per_second_; }

 private:
  static constexpr size_t kSamples = 16;
  static constexpr int64_t kIntervalMs = 100;
  int64_t last_ms_ = 0;
  uint64_t last_total_ = 0;
  std::array<double, kSamples> samples_{};
  size_t next_ = 0;
  double per_second_ = 0;
};

}  // namespace kvd
