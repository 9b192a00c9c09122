// The access field's arithmetic (Redis's evict.c): the LRU clock, LFULogIncr, LFUDecrAndReturn.
#include "core/access_clock.h"

#include <doctest/doctest.h>

#include <random>

#include "core/clock.h"

namespace kvd {
namespace {

// The mean counter after `hits` accesses from a new key's counter, over `runs` runs with
// Redis's probability and seeded generators.
double MeanCounterAfter(int hits, int log_factor, int runs) {
  double sum = 0;
  for (int run = 0; run < runs; ++run) {
    std::mt19937_64 rng(static_cast<uint64_t>(run) + 1);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    uint8_t counter = AccessClock::kLfuInitVal;
    for (int i = 0; i < hits; ++i) {
      counter = AccessClock::LogIncr(counter, log_factor, uniform(rng));
    }
    sum += counter;
  }
  return sum / runs;
}

TEST_CASE("LFULogIncr: certain up to LFU_INIT_VAL, then 1 / ((c - 5) * factor + 1), capped") {
  CHECK(AccessClock::LogIncr(0, 10, 0.999) == 1);
  CHECK(AccessClock::LogIncr(5, 10, 0.999) == 6);
  // Counter 6 with factor 10: p = 1/11 = 0.0909...
  CHECK(AccessClock::LogIncr(6, 10, 0.0900) == 7);
  CHECK(AccessClock::LogIncr(6, 10, 0.0910) == 6);
  // Counter 25 with factor 1: p = 1/21.
  CHECK(AccessClock::LogIncr(25, 1, 1.0 / 21 - 1e-9) == 26);
  CHECK(AccessClock::LogIncr(25, 1, 1.0 / 21 + 1e-9) == 25);
  CHECK(AccessClock::LogIncr(200, 0, 0.999) == 201);  // factor 0: every access counts
  CHECK(AccessClock::LogIncr(255, 0, 0.0) == 255);
}

TEST_CASE("LFULogIncr over many hits matches redis.conf's lfu-log-factor table") {
  // redis.conf: factor 10 gives about 10 after 100 hits, 18 after 1000, 142 after 100K and
  // 255 after 1M; factor 1 about 49 after 1000; factor 0 counts every hit.
  const double f10_100 = MeanCounterAfter(100, 10, 200);
  CHECK(f10_100 > 9.0);
  CHECK(f10_100 < 10.5);
  const double f10_1k = MeanCounterAfter(1000, 10, 200);
  CHECK(f10_1k > 17.5);
  CHECK(f10_1k < 21.0);
  const double f10_100k = MeanCounterAfter(100'000, 10, 10);
  CHECK(f10_100k > 138);
  CHECK(f10_100k < 156);
  CHECK(MeanCounterAfter(1'000'000, 10, 1) == 255);
  const double f1_1k = MeanCounterAfter(1000, 1, 200);
  CHECK(f1_1k > 47.0);
  CHECK(f1_1k < 51.0);
  CHECK(MeanCounterAfter(100, 0, 1) == 105);
}

TEST_CASE("LFUDecrAndReturn: one less per lfu-decay-time minutes, wrapping at 2^16 minutes") {
  const uint32_t field = (100u << 8) | 20;
  CHECK(AccessClock::DecayedCounter(field, 100, 1) == 20);
  CHECK(AccessClock::DecayedCounter(field, 105, 1) == 15);
  CHECK(AccessClock::DecayedCounter(field, 119, 1) == 1);
  CHECK(AccessClock::DecayedCounter(field, 120, 1) == 0);
  CHECK(AccessClock::DecayedCounter(field, 5000, 1) == 0);
  CHECK(AccessClock::DecayedCounter(field, 125, 10) == 18);  // 25 minutes: 2 periods
  CHECK(AccessClock::DecayedCounter(field, 5000, 0) == 20);  // decay time 0: never
  // Minutes wrap: from 65530 to 3 is 8 minutes (Redis's LFUTimeElapsed).
  CHECK(AccessClock::MinutesElapsed(65530, 3) == 8);
  CHECK(AccessClock::DecayedCounter((65530u << 8) | 20, 3, 1) == 12);
}

TEST_CASE("the LRU reading: seconds at 1000 ms resolution, modulo 2^24, idle across a wrap") {
  ManualClock clock;  // 1'700'000'000'000 ms
  AccessClock ac;
  ac.Update(clock.NowMs());
  CHECK(ac.lru_clock() == ((1'700'000'000u) & AccessClock::kLruClockMax));
  CHECK(ac.lfu_minutes() == ((1'700'000'000u / 60) & 0xffff));
  const uint32_t stamp = ac.Initial();
  CHECK(stamp == ac.lru_clock());
  clock.Advance(999);  // below the resolution: no time passed yet
  ac.Update(clock.NowMs());
  CHECK(ac.IdleMs(stamp) == 0);
  clock.Advance(30'001);
  ac.Update(clock.NowMs());
  CHECK(ac.IdleMs(stamp) == 31'000);
  // An access stamps the cached clock, whatever the field held.
  CHECK(ac.Touched(stamp, 0.5) == ac.lru_clock());
  CHECK(ac.IdleMs(ac.Touched(stamp, 0.5)) == 0);

  // Accessed 5 s before the clock wrapped, read 10 s after: Redis's estimateObjectIdleTime.
  clock.SetMs(((int64_t{1} << 24) * 4 + 10) * 1000);
  ac.Update(clock.NowMs());
  CHECK(ac.lru_clock() == 10);
  CHECK(ac.IdleMs(AccessClock::kLruClockMax - 5) == 15'000);
}

TEST_CASE("the LFU reading: new keys start at 5 and decay while idle; an access decays first") {
  ManualClock clock;
  AccessClock ac;
  ac.set_lfu(true);
  ac.Update(clock.NowMs());
  const uint32_t stamp = ac.Initial();
  CHECK((stamp & 0xff) == AccessClock::kLfuInitVal);
  CHECK((stamp >> 8) == ac.lfu_minutes());
  CHECK(ac.Frequency(stamp) == 5);
  clock.Advance(3 * 60'000);
  ac.Update(clock.NowMs());
  CHECK(ac.Frequency(stamp) == 2);
  // Touched: decay to 2, then +1 (certain below LFU_INIT_VAL), stamped with the minutes now.
  const uint32_t touched = ac.Touched(stamp, 0.999);
  CHECK((touched & 0xff) == 3);
  CHECK((touched >> 8) == ac.lfu_minutes());
  ac.set_lfu_decay_time(0);
  clock.Advance(60 * 60'000);
  ac.Update(clock.NowMs());
  CHECK(ac.Frequency(touched) == 3);
  ac.set_lfu_decay_time(2);
  CHECK(ac.Frequency(touched) == 0);  // 60 minutes / 2 = 30 periods
}

}  // namespace
}  // namespace kvd

namespace kvd {
namespace {

TEST_CASE("a restored history (RESTORE IDLETIME|FREQ): what the reading in force can use") {
  ManualClock clock;
  AccessClock ac;
  ac.Update(clock.NowMs());
  // LRU: an idle time, read back as given; a frequency means nothing.
  REQUIRE(ac.Restored(1000, -1).has_value());
  CHECK(ac.IdleMs(*ac.Restored(1000, -1)) == 1'000'000);
  CHECK(ac.IdleMs(*ac.Restored(0, 7)) == 0);
  CHECK_FALSE(ac.Restored(-1, 7).has_value());
  // Longer ago than the clock's span: wraps as Redis's objectSetLRUOrLFU does.
  clock.SetMs(10'000);
  ac.Update(clock.NowMs());
  CHECK(*ac.Restored(20, -1) == AccessClock::kLruClockMax - 10);
  // LFU: the counter as given, decayed from now on; an idle time means nothing.
  ac.set_lfu(true);
  REQUIRE(ac.Restored(-1, 200).has_value());
  CHECK(ac.Frequency(*ac.Restored(-1, 200)) == 200);
  CHECK_FALSE(ac.Restored(1000, -1).has_value());
}

}  // namespace
}  // namespace kvd
