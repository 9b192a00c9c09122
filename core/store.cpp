#include "core/store.h"

#include <utility>

namespace kvd {
namespace {

// Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP and ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE.
constexpr size_t kKeysPerLoop = 20;
constexpr size_t kAcceptableStalePercent = 10;

}  // namespace

Store::Store(size_t databases) : dbs_(databases) {}

Store::Store(Store&& other) noexcept : dbs_(std::move(other.dbs_)), access_(other.access_) {
  for (Keyspace& db : dbs_) {
    db.set_expire_listener(nullptr);
    db.set_key_listener(nullptr);
  }
}

Store& Store::operator=(Store&& other) noexcept {
  if (this == &other) return *this;
  if (dbs_.size() == other.dbs_.size()) {
    // Database by database: each slot keeps its listeners.
    for (size_t i = 0; i < dbs_.size(); ++i) dbs_[i] = std::move(other.dbs_[i]);
  } else {
    dbs_ = std::move(other.dbs_);
    for (Keyspace& db : dbs_) {
      db.set_access_clock(access_);
      db.set_expire_listener(expire_fn_ ? &expire_listener_ : nullptr);
      db.set_key_listener(key_listener_ ? &key_forwarder_ : nullptr);
      db.set_keep_expired(keep_expired_);
    }
  }
  next_db_ = 0;
  return *this;
}

void Store::SwapDbs(size_t a, size_t b) {
  if (a == b) return;
  if (key_listener_ != nullptr) key_listener_->DatabasesSwapping(a, b);
  std::swap(dbs_[a], dbs_[b]);
}

void Store::SetKeepExpired(bool keep) {
  keep_expired_ = keep;
  for (Keyspace& db : dbs_) db.set_keep_expired(keep);
}

void Store::SetAccessClock(AccessClock* clock) {
  access_ = clock;
  for (Keyspace& db : dbs_) db.set_access_clock(clock);
}

void Store::SetKeyListener(KeyListener* listener) {
  key_listener_ = listener;
  for (Keyspace& db : dbs_) db.set_key_listener(listener ? &key_forwarder_ : nullptr);
}

void Store::KeyForwarder::KeyChanged(const Keyspace& ks, std::string_view key, bool tentative) {
  store_.key_listener_->KeyChanged(store_.IndexOf(ks), key, tentative);
}

void Store::KeyForwarder::Emptying(const Keyspace& ks) {
  store_.key_listener_->DatabaseEmptying(store_.IndexOf(ks));
}

void Store::SetExpireListener(std::function<void(size_t db, std::string_view key)> fn) {
  expire_fn_ = std::move(fn);
  expire_listener_ = [this](const Keyspace& ks, std::string_view key) {
    expire_fn_(static_cast<size_t>(&ks - dbs_.data()), key);
  };
  for (Keyspace& db : dbs_) db.set_expire_listener(expire_fn_ ? &expire_listener_ : nullptr);
}

void Store::FlushAll() {
  for (Keyspace& db : dbs_) db.Clear();
}

Store::CycleResult Store::ActiveExpireCycle(int64_t now_ms, int64_t budget_us,
                                            const std::function<int64_t()>& elapsed_us,
                                            int effort) {
  const size_t keys_per_loop = kKeysPerLoop + kKeysPerLoop / 4 * static_cast<size_t>(effort);
  const size_t acceptable_stale = kAcceptableStalePercent - static_cast<size_t>(effort);
  CycleResult result;
  if (keep_expired_) return result;
  const size_t n = dbs_.size();
  uint64_t iteration = 0;
  for (size_t visited = 0; visited < n && !result.out_of_time; ++visited) {
    // Advance first, so a cycle that runs out of time resumes at the next database.
    Keyspace& db = dbs_[next_db_ % n];
    next_db_ = (next_db_ + 1) % n;
    bool repeat;
    do {
      if (db.KeysWithExpiry() == 0) break;
      ++iteration;
      const Keyspace::ExpireSample s = db.ExpireSome(now_ms, keys_per_loop);
      result.sampled += s.sampled;
      result.expired += s.expired;
      // Checking the clock is not free: look every 16 rounds, as Redis does.
      if ((iteration & 0xf) == 0 && elapsed_us() > budget_us) {
        result.out_of_time = true;
        break;
      }
      repeat = s.sampled == 0 || s.expired * 100 / s.sampled > acceptable_stale;
    } while (repeat);
  }
  return result;
}

uint64_t Store::ExpiredKeys() const {
  uint64_t sum = 0;
  for (const Keyspace& db : dbs_) sum += db.ExpiredCount();
  return sum;
}

size_t Store::DataBytes() const {
  size_t sum = 0;
  for (const Keyspace& db : dbs_) sum += db.DataBytes();
  return sum;
}

size_t Store::AllocatedBytes() const {
  size_t sum = 0;
  for (const Keyspace& db : dbs_) sum += db.AllocatedBytes();
  return sum;
}

}  // namespace kvd
