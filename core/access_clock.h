#pragma once
// Per-key access metadata: what Redis keeps in each object's 24-bit `lru` field, and how it
// is stamped, updated on access and read back.
//
// - LRU reading (every maxmemory-policy but the two LFU ones): the last access time in
//   seconds modulo 2^24 (Redis's LRU_CLOCK, 1000 ms resolution; wraps every 194 days).
// - LFU reading (volatile-lfu, allkeys-lfu): the high 16 bits hold the time of the last
//   decrement in minutes modulo 2^16, the low 8 bits a logarithmic access counter (Morris
//   counter): each access increments it with probability 1 / ((counter - 5) * factor + 1),
//   and it loses one per lfu-decay-time minutes without access. New keys start at 5, so a
//   new key is not evicted before it had a chance to be used.
// Switching policy only changes how the field is read; the old values take a while to
// adjust, as in Redis.
//
// Lookups read a clock value that the server's cron refreshes (Update, hz times a second),
// never the system clock. By default one AccessClock serves the whole process, as Redis's
// server.lruclock does: a scratch Store that a snapshot load fills stamps its keys with the
// same time as the live one. Tests give a keyspace a clock of their own.
//
// The settings are atomics (relaxed: plain loads on x86) because the startup load stamps
// new keys on its own thread while the store strand refreshes the clock.
#include <atomic>
#include <cstdint>
#include <optional>

namespace kvd {

class AccessClock {
 public:
  static constexpr uint32_t kLruClockMax = (1u << 24) - 1;  // LRU_CLOCK_MAX
  static constexpr int64_t kLruResolutionMs = 1000;          // LRU_CLOCK_RESOLUTION
  static constexpr uint8_t kLfuInitVal = 5;                  // LFU_INIT_VAL
  static constexpr int kDefaultLogFactor = 10;               // lfu-log-factor
  static constexpr int kDefaultDecayTime = 1;                // lfu-decay-time, minutes

  // The clock every Store and Keyspace uses unless given another.
  static AccessClock& Process();

  // Refreshes the cached clocks from a Unix time in milliseconds.
  void Update(int64_t now_ms);
  // Seconds modulo 2^24 (getLRUClock) and minutes modulo 2^16 (LFUGetTimeInMinutes), as of
  // the last Update.
  uint32_t lru_clock() const { return lru_clock_.load(std::memory_order_relaxed); }
  uint32_t lfu_minutes() const { return lfu_minutes_.load(std::memory_order_relaxed); }

  // The LFU reading (an LFU maxmemory-policy) or the LRU one.
  bool lfu() const { return lfu_.load(std::memory_order_relaxed); }
  void set_lfu(bool lfu) { lfu_.store(lfu, std::memory_order_relaxed); }
  int lfu_log_factor() const { return log_factor_.load(std::memory_order_relaxed); }
  void set_lfu_log_factor(int f) { log_factor_.store(f, std::memory_order_relaxed); }
  int lfu_decay_time() const { return decay_time_.load(std::memory_order_relaxed); }
  void set_lfu_decay_time(int minutes) { decay_time_.store(minutes, std::memory_order_relaxed); }

  // CLIENT NO-TOUCH: while set, lookups leave the access field alone. The dispatcher sets
  // it for each command from the client's flag (TOUCH excepted).
  bool no_touch() const { return no_touch_.load(std::memory_order_relaxed); }
  void set_no_touch(bool on) { no_touch_.store(on, std::memory_order_relaxed); }

  // The field of a key created now.
  uint32_t Initial() const {
    return lfu() ? (lfu_minutes() << 8) | kLfuInitVal : lru_clock();
  }
  // The field of a key given its history from elsewhere (RESTORE ... IDLETIME|FREQ, Redis's
  // objectSetLRUOrLFU): under LFU `freq` (0-255) becomes its counter, otherwise it was last
  // accessed `idle_seconds` ago. Empty when the reading in force has no use for what is
  // given (a negative value: not given).
  std::optional<uint32_t> Restored(int64_t idle_seconds, int freq) const;
  // The field after an access (Redis's lookupKey: updateLFU, or the LRU clock). `random` is
  // uniform in [0, 1) and drives the LFU increment.
  uint32_t Touched(uint32_t field, double random) const;

  // LRU reading: milliseconds since the last access, at the clock's resolution
  // (estimateObjectIdleTime).
  uint64_t IdleMs(uint32_t field) const;
  // LFU reading: the counter with the decay due by now applied (LFUDecrAndReturn); the
  // field itself is unchanged.
  uint8_t Frequency(uint32_t field) const {
    return DecayedCounter(field, lfu_minutes(), lfu_decay_time());
  }

  // ---- The arithmetic, exposed for tests ----

  // LFULogIncr: the counter after one access, given a uniform `random` in [0, 1).
  static uint8_t LogIncr(uint8_t counter, int log_factor, double random);
  // LFUDecrAndReturn: the counter of `field` after decay_time-minute periods elapsed since
  // its decrement time (none when decay_time is 0).
  static uint8_t DecayedCounter(uint32_t field, uint32_t now_minutes, int decay_time);
  // LFUTimeElapsed: minutes from `then` to `now`, both modulo 2^16.
  static uint32_t MinutesElapsed(uint32_t then, uint32_t now) {
    return now >= then ? now - then : 65535 - then + now;
  }

 private:
  std::atomic<uint32_t> lru_clock_{0};
  std::atomic<uint32_t> lfu_minutes_{0};
  std::atomic<bool> lfu_{false};
  std::atomic<int> log_factor_{kDefaultLogFactor};
  std::atomic<int> decay_time_{kDefaultDecayTime};
  std::atomic<bool> no_touch_{false};
};

}  // namespace kvd
