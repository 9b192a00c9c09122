#include "core/access_clock.h"

namespace kvd {

AccessClock& AccessClock::Process() {
  static AccessClock clock;
  return clock;
}

void AccessClock::Update(int64_t now_ms) {
  const int64_t seconds = now_ms / kLruResolutionMs;
  lru_clock_.store(static_cast<uint32_t>(seconds) & kLruClockMax, std::memory_order_relaxed);
  lfu_minutes_.store(static_cast<uint32_t>(seconds / 60) & 0xffff, std::memory_order_relaxed);
}

uint32_t AccessClock::Touched(uint32_t field, double random) const {
  if (!lfu()) return lru_clock();
  uint8_t counter = DecayedCounter(field, lfu_minutes(), lfu_decay_time());
  counter = LogIncr(counter, lfu_log_factor(), random);
  return (lfu_minutes() << 8) | counter;
}

std::optional<uint32_t> AccessClock::Restored(int64_t idle_seconds, int freq) const {
  if (lfu()) {
    if (freq < 0) return std::nullopt;
    return (lfu_minutes() << 8) | static_cast<uint32_t>(freq & 0xff);
  }
  if (idle_seconds < 0) return std::nullopt;
  // An idle time longer than the clock's span wraps as Redis's does.
  int64_t at = int64_t{lru_clock()} - idle_seconds * 1000 / kLruResolutionMs;
  if (at < 0) at += kLruClockMax;
  return static_cast<uint32_t>(at) & kLruClockMax;
}

uint64_t AccessClock::IdleMs(uint32_t field) const {
  const uint32_t now = lru_clock();
  const uint32_t then = field & kLruClockMax;
  // The clock wrapped since the access (once; more is indistinguishable).
  const uint64_t seconds = now >= then ? now - then : now + (kLruClockMax - then);
  return seconds * kLruResolutionMs;
}

uint8_t AccessClock::LogIncr(uint8_t counter, int log_factor, double random) {
  if (counter == 255) return 255;
  const double base = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
  const double p = 1.0 / (base * log_factor + 1);
  return random < p ? counter + 1 : counter;
}

uint8_t AccessClock::DecayedCounter(uint32_t field, uint32_t now_minutes, int decay_time) {
  const uint32_t then = field >> 8;
  const uint8_t counter = field & 0xff;
  if (decay_time <= 0) return counter;
  const uint32_t periods = MinutesElapsed(then, now_minutes) / static_cast<uint32_t>(decay_time);
  return periods >= counter ? 0 : static_cast<uint8_t>(counter - periods);
}

}  // namespace kvd
