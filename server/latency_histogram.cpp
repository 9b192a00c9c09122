#include "server/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cstdio>

namespace kvd {
namespace {

constexpr int kHalfCountMagnitude = 7;  // 128 sub-buckets per power of two
constexpr int64_t kHalfCount = int64_t{1} << kHalfCountMagnitude;
constexpr int64_t kSubBucketMask = 2 * kHalfCount - 1;

// Which power-of-two range v falls in: 0 for v < 256, then one per doubling.
int BucketOf(int64_t v) {
  return 64 - std::countl_zero(static_cast<uint64_t>(v | kSubBucketMask)) -
         (kHalfCountMagnitude + 1);
}
int64_t SubBucketOf(int64_t v, int bucket) { return v >> bucket; }

// Ranges needed to reach kMaxValueNs; one more half-range of counters than that.
constexpr int CountersNeeded() {
  int buckets = 1;
  for (int64_t untrackable = 2 * kHalfCount; untrackable <= LatencyHistogram::kMaxValueNs;
       untrackable <<= 1) {
    ++buckets;
  }
  return (buckets + 1) * static_cast<int>(kHalfCount);
}

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(CountersNeeded(), 0) {}

int LatencyHistogram::IndexOf(int64_t v) {
  const int bucket = BucketOf(v);
  const int64_t sub = SubBucketOf(v, bucket);
  return static_cast<int>(((bucket + 1) << kHalfCountMagnitude) + (sub - kHalfCount));
}

int64_t LatencyHistogram::ValueAt(int index) {
  int bucket = (index >> kHalfCountMagnitude) - 1;
  int64_t sub = (index & (kHalfCount - 1)) + kHalfCount;
  if (bucket < 0) {
    sub -= kHalfCount;
    bucket = 0;
  }
  return sub << bucket;
}

int64_t LatencyHistogram::LowestEquivalent(int64_t v) {
  const int bucket = BucketOf(v);
  return SubBucketOf(v, bucket) << bucket;
}

int64_t LatencyHistogram::HighestEquivalent(int64_t v) {
  const int bucket = BucketOf(v);
  const int64_t sub = SubBucketOf(v, bucket);
  // The top half of a range's sub-buckets is as wide as the next range's.
  const int width_bucket = sub >= 2 * kHalfCount ? bucket + 1 : bucket;
  return (sub << bucket) + (int64_t{1} << width_bucket) - 1;
}

void LatencyHistogram::Record(int64_t ns) {
  ns = std::clamp(ns, kMinValueNs, kMaxValueNs);
  counts_[static_cast<size_t>(IndexOf(ns))]++;
  total_++;
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  const double p = std::min(percentile, 100.0);
  uint64_t wanted = static_cast<uint64_t>(p / 100.0 * static_cast<double>(total_) + 0.5);
  wanted = std::max<uint64_t>(wanted, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= wanted) return HighestEquivalent(ValueAt(static_cast<int>(i)));
  }
  return 0;
}

void LatencyHistogram::ForEachLogBucket(
    const std::function<void(int64_t label_us, uint64_t count)>& fn) const {
  uint64_t cumulative = 0;
  size_t next = 0;  // the first counter not yet added to `cumulative`
  // Levels past kMaxValueNs are beyond the histogram: hdr's iterator stops there too.
  for (int64_t level = 1024; level <= kMaxValueNs && cumulative < total_; level *= 2) {
    const uint64_t before = cumulative;
    for (; next <= static_cast<size_t>(IndexOf(level)); ++next) cumulative += counts_[next];
    if (cumulative > before) fn(HighestEquivalent(level) / 1000, cumulative);
  }
}

std::string FormatPercentile(double p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%f", p);
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

}  // namespace kvd
