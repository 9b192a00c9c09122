#pragma once
// The latency monitor (LATENCY LATEST|HISTORY|RESET|GRAPH|DOCTOR): for each event class
// ("command", "fast-command", "expire-cycle", "aof-write"...) the latency spikes of at least
// `latency-monitor-threshold` milliseconds, at most one per second (the worst), the last 160
// of them, and the worst ever seen. Touched on the store strand only.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace kvd {

class LatencyMonitor {
 public:
  static constexpr size_t kSamples = 160;
  struct Sample {
    int64_t time_sec = 0;  // Unix seconds; 0 = unused slot
    int64_t latency_ms = 0;
  };
  struct Series {
    std::array<Sample, kSamples> samples{};
    size_t next = 0;  // the slot the next sample goes to: samples run oldest first from here
    int64_t max_ms = 0;
    const Sample& latest() const { return samples[(next + kSamples - 1) % kSamples]; }
    // Every used slot, oldest first.
    void ForEach(const std::function<void(const Sample&)>& fn) const;
  };

  // Records the spike when the monitor is on (threshold_ms > 0) and latency_ms reaches it.
  void AddSampleIfNeeded(std::string_view event, int64_t latency_ms, int64_t threshold_ms,
                         int64_t now_sec) {
    if (threshold_ms > 0 && latency_ms >= threshold_ms) AddSample(event, latency_ms, now_sec);
  }
  void AddSample(std::string_view event, int64_t latency_ms, int64_t now_sec);

  // Forgets one event class (matched without case, as Redis) or all; how many went.
  size_t Reset(std::string_view event);
  size_t ResetAll();

  const Series* Find(std::string_view event) const;
  const std::map<std::string, Series, std::less<>>& events() const { return events_; }

 private:
  std::map<std::string, Series, std::less<>> events_;
};

// LATENCY GRAPH: the event's samples as an ASCII sparkline, 80 columns by 4 rows, each
// column labelled with how long ago it happened ("12s", "3m", "2h", "1d").
std::string LatencyGraph(std::string_view event, const LatencyMonitor::Series& series,
                         int64_t now_sec);

// LATENCY DOCTOR: a readable summary of every event class with what usually helps.
struct LatencyDoctorInput {
  int64_t threshold_ms = 0;
  int64_t slowlog_log_slower_than_us = 0;
  int hz = 10;
  bool appendfsync_always = false;
  int64_t now_sec = 0;
};
std::string LatencyDoctorReport(const LatencyMonitor& monitor, const LatencyDoctorInput& in);

}  // namespace kvd
