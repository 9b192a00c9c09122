#include "server/latency_monitor.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <vector>

#include "core/text.h"

namespace kvd {

void LatencyMonitor::Series::ForEach(const std::function<void(const Sample&)>& fn) const {
  for (size_t j = 0; j < kSamples; ++j) {
    const Sample& s = samples[(next + j) % kSamples];
    if (s.time_sec != 0) fn(s);
  }
}

void LatencyMonitor::AddSample(std::string_view event, int64_t latency_ms, int64_t now_sec) {
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), Series{}).first;
  Series& s = it->second;
  s.max_ms = std::max(s.max_ms, latency_ms);
  // One sample per second: a second spike in the same second only raises it.
  Sample& last = s.samples[(s.next + kSamples - 1) % kSamples];
  if (last.time_sec == now_sec) {
    last.latency_ms = std::max(last.latency_ms, latency_ms);
    return;
  }
  s.samples[s.next] = {now_sec, latency_ms};
  s.next = (s.next + 1) % kSamples;
}

size_t LatencyMonitor::Reset(std::string_view event) {
  return std::erase_if(events_, [&](const auto& e) { return EqualsIgnoreCase(e.first, event); });
}

size_t LatencyMonitor::ResetAll() {
  const size_t n = events_.size();
  events_.clear();
  return n;
}

const LatencyMonitor::Series* LatencyMonitor::Find(std::string_view event) const {
  auto it = events_.find(event);
  return it == events_.end() ? nullptr : &it->second;
}

namespace {

std::string AgoLabel(int64_t elapsed) {
  if (elapsed < 60) return std::to_string(elapsed) + "s";
  if (elapsed < 3600) return std::to_string(elapsed / 60) + "m";
  if (elapsed < 86400) return std::to_string(elapsed / 3600) + "h";
  return std::to_string(elapsed / 86400) + "d";
}

// Redis's sparkline: each column's height in rows*3 steps drawn with "_o#" on its top row
// and '|' below it, then the labels written downwards, one character per line.
void RenderSparkline(const std::vector<int64_t>& values, const std::vector<std::string>& labels,
                     size_t begin, size_t len, std::string& out) {
  constexpr int kRows = 4;
  constexpr std::string_view kFill = "_o#";
  constexpr int kSteps = kRows * static_cast<int>(kFill.size());
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const double range = *hi - *lo == 0 ? 1.0 : static_cast<double>(*hi - *lo);
  for (int row = 0; row < kRows; ++row) {
    std::string line(len, ' ');
    for (size_t j = 0; j < len; ++j) {
      int step = static_cast<int>(static_cast<double>(values[begin + j] - *lo) * kSteps / range);
      step = std::clamp(step, 0, kSteps - 1);
      const int idx = step - (kRows - row - 1) * static_cast<int>(kFill.size());
      if (idx >= 0 && idx < static_cast<int>(kFill.size())) {
        line[j] = kFill[static_cast<size_t>(idx)];
      } else if (idx >= static_cast<int>(kFill.size())) {
        line[j] = '|';
      }
    }
    out += line;
    out += '\n';
  }
  size_t longest = 0;
  for (size_t j = 0; j < len; ++j) longest = std::max(longest, labels[begin + j].size());
  if (longest == 0) return;
  out += std::string(len, ' ') + "\n";  // a blank line between the graph and its labels
  for (size_t c = 0; c < longest; ++c) {
    std::string line(len, ' ');
    for (size_t j = 0; j < len; ++j) {
      if (c < labels[begin + j].size()) line[j] = labels[begin + j][c];
    }
    out += line;
    out += '\n';
  }
}

}  // namespace

std::string LatencyGraph(std::string_view event, const LatencyMonitor::Series& series,
                         int64_t now_sec) {
  constexpr size_t kColumns = 80;
  std::vector<int64_t> values;
  std::vector<std::string> labels;
  series.ForEach([&](const LatencyMonitor::Sample& s) {
    values.push_back(s.latency_ms);
    labels.push_back(AgoLabel(now_sec - s.time_sec));
  });
  int64_t lo = values.empty() ? 0 : *std::min_element(values.begin(), values.end());
  int64_t hi = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
  char head[256];
  std::snprintf(head, sizeof head,
                " - high %" PRId64 " ms, low %" PRId64 " ms (all time high %" PRId64 " ms)\n", hi,
                lo, series.max_ms);
  std::string out(event);
  out += head;
  out += std::string(kColumns, '-') + "\n";
  for (size_t j = 0; j < values.size(); j += kColumns) {
    if (j != 0) out += '\n';
    RenderSparkline(values, labels, j, std::min(kColumns, values.size() - j), out);
  }
  return out;
}

namespace {

struct EventStats {
  size_t samples = 0;
  int64_t avg = 0;
  int64_t mad = 0;     // mean absolute deviation from avg
  int64_t period = 0;  // seconds from the oldest sample to now
};

EventStats Analyze(const LatencyMonitor::Series& s, int64_t now_sec) {
  EventStats st;
  int64_t sum = 0;
  int64_t oldest = 0;
  s.ForEach([&](const LatencyMonitor::Sample& x) {
    st.samples++;
    sum += x.latency_ms;
    if (oldest == 0 || x.time_sec < oldest) oldest = x.time_sec;
  });
  if (st.samples == 0) return st;
  st.avg = sum / static_cast<int64_t>(st.samples);
  st.period = std::max<int64_t>(now_sec - oldest, 1);
  int64_t dev = 0;
  s.ForEach([&](const LatencyMonitor::Sample& x) { dev += std::abs(st.avg - x.latency_ms); });
  st.mad = dev / static_cast<int64_t>(st.samples);
  return st;
}

}  // namespace

std::string LatencyDoctorReport(const LatencyMonitor& monitor, const LatencyDoctorInput& in) {
  if (monitor.events().empty() && in.threshold_ms == 0) {
    return "Latency monitoring is disabled in this instance. Enable it with \"CONFIG SET "
           "latency-monitor-threshold <milliseconds>\" to record latency spikes.\n";
  }
  if (monitor.events().empty()) {
    return "No latency spike was observed during the lifetime of this instance.\n";
  }
  std::string out = "Latency spikes observed in this instance:\n\n";
  bool slow_commands = false, scheduler = false, disk = false, expiry = false;
  int n = 0;
  for (const auto& [event, series] : monitor.events()) {
    const EventStats st = Analyze(series, in.now_sec);
    char line[512];
    std::snprintf(line, sizeof line,
                  "%d. %s: %zu latency spikes (average %" PRId64 "ms, mean deviation %" PRId64
                  "ms, period %.2f sec). Worst all time event %" PRId64 "ms.\n",
                  ++n, event.c_str(), st.samples, st.avg, st.mad,
                  st.samples ? static_cast<double>(st.period) / st.samples : 0.0, series.max_ms);
    out += line;
    if (event == "command") slow_commands = true;
    if (event == "fast-command") scheduler = true;
    if (event.starts_with("aof-") || event == "rdb-unlink-temp-file") disk = true;
    if (event == "expire-cycle") expiry = true;
  }
  std::string advice;
  if (slow_commands) {
    if (in.slowlog_log_slower_than_us < 0) {
      advice +=
          "- Slow commands ran: enable the slow log with 'CONFIG SET slowlog-log-slower-than " +
          std::to_string(in.threshold_ms * 1000) + "' to see which.\n";
    } else if (in.slowlog_log_slower_than_us / 1000 > in.threshold_ms) {
      advice +=
          "- The slow log records only commands slower than the latency threshold: use "
          "'CONFIG SET slowlog-log-slower-than " +
          std::to_string(in.threshold_ms * 1000) + "'.\n";
    }
    advice +=
        "- Check SLOWLOG GET for the commands that ran too long; O(N) commands on large "
        "values (and deleting large values) block every client meanwhile.\n";
  }
  if (scheduler) {
    advice +=
        "- Even O(1) commands were slow: the system did not give the server CPU time. "
        "Lower the load, avoid noisy neighbours, and measure with 'redis-cli "
        "--intrinsic-latency 100'.\n";
  }
  if (disk) {
    advice +=
        "- Disk writes were slow: use a local disk (an SSD if possible), lower disk "
        "contention from other processes";
    advice += in.appendfsync_always ? ", and consider 'appendfsync everysec'.\n" : ".\n";
  }
  if (expiry) {
    advice += "- Expiring many keys at once took long";
    advice += in.hz < 100 ? ": 'CONFIG SET hz 100' spreads the work into smaller steps.\n" : ".\n";
  }
  out += advice.empty() ? "\nNo simple fix can be suggested for these events.\n"
                        : "\nWhat usually helps:\n\n" + advice;
  return out;
}

}  // namespace kvd
