#pragma once
// A command's latency distribution for LATENCY HISTOGRAM and INFO latencystats, bucketed as
// Redis's HdrHistogram (values 1 ns .. 1 s, two significant digits), so the percentiles and
// bucket labels kvd reports are the ones Redis would report for the same durations.
//
// Layout: values below 256 ns have a counter each; every power-of-two range above that is
// cut into 128 equal sub-buckets, so a value is known to within 1/128 of itself.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kvd {

class LatencyHistogram {
 public:
  static constexpr int64_t kMinValueNs = 1;
  static constexpr int64_t kMaxValueNs = 1'000'000'000;

  LatencyHistogram();

  // Records one duration (clamped to [kMinValueNs, kMaxValueNs], as Redis does).
  void Record(int64_t ns);
  uint64_t total_count() const { return total_; }

  // The largest value equivalent to the one at `percentile` (0..100) of the recorded
  // values: hdr_value_at_percentile. 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;

  // The cumulative distribution at 1024 ns, 2048 ns, 4096 ns...: fn(label_us, count) for each
  // level whose cumulative count grew, the label being the level's highest equivalent value
  // in whole microseconds (hdr's logarithmic iterator with base 2, as LATENCY HISTOGRAM).
  void ForEachLogBucket(const std::function<void(int64_t label_us, uint64_t count)>& fn) const;

  // The bucket arithmetic, exposed for tests.
  static int64_t LowestEquivalent(int64_t v);
  static int64_t HighestEquivalent(int64_t v);

 private:
  static int IndexOf(int64_t v);
  static int64_t ValueAt(int index);

  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
};

// A percentile as Redis prints it in INFO latencystats and CONFIG GET: "50", "99.9".
std::string FormatPercentile(double p);

}  // namespace kvd
