#include "core/keyspace.h"

#include <algorithm>
#include <new>
#include <utility>

#include "core/collection.h"
#include "core/hash.h"
#include "core/keyspace_internal.h"

namespace kvd {
namespace {

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_add_overflow(a, b, &out)) return b > 0 ? INT64_MAX : INT64_MIN + 1;
  return out;
}

}  // namespace

Keyspace::Keyspace() : rng_state_(HashSeed() ^ reinterpret_cast<uintptr_t>(this)) {}

Keyspace::~Keyspace() { Clear(); }

Keyspace::Keyspace(Keyspace&& other) noexcept
    : main_(std::move(other.main_)),
      volatile_(std::move(other.volatile_)),
      data_bytes_(std::exchange(other.data_bytes_, 0)),
      record_bytes_(std::exchange(other.record_bytes_, 0)),
      expired_count_(std::exchange(other.expired_count_, 0)),
      min_expire_bound_(std::exchange(other.min_expire_bound_, INT64_MAX)),
      expire_sum_(std::exchange(other.expire_sum_, 0)),
      expire_cursor_(std::exchange(other.expire_cursor_, 0)),
      rng_state_(other.rng_state_),
      observer_(std::exchange(other.observer_, nullptr)),
      mark_(other.mark_),
      access_(other.access_) {}

Keyspace& Keyspace::operator=(Keyspace&& other) noexcept {
  if (this != &other) {
    Clear();
    main_ = std::move(other.main_);
    volatile_ = std::move(other.volatile_);
    data_bytes_ = std::exchange(other.data_bytes_, 0);
    record_bytes_ = std::exchange(other.record_bytes_, 0);
    expired_count_ = std::exchange(other.expired_count_, 0);
    min_expire_bound_ = std::exchange(other.min_expire_bound_, INT64_MAX);
    expire_sum_ = std::exchange(other.expire_sum_, 0);
    expire_cursor_ = std::exchange(other.expire_cursor_, 0);
    rng_state_ = other.rng_state_;
    observer_ = std::exchange(other.observer_, nullptr);
    mark_ = other.mark_;
  }
  return *this;
}

// ---- Bookkeeping ----

Keyspace::Footprint Keyspace::FootprintOf(const Record& r) {
  return {r.key().size() + r.string_value().size() + ObjectDataBytes(r),
          r.AllocSize() + ObjectAllocatedBytes(r), r.expire_at_ms()};
}

void Keyspace::Account(const Footprint& removed, const Footprint& added) {
  data_bytes_ = data_bytes_ - removed.data + added.data;
  record_bytes_ = record_bytes_ - removed.alloc + added.alloc;
  if (removed.expire_at_ms != kNoExpiry) expire_sum_ -= removed.expire_at_ms;
  if (added.expire_at_ms != kNoExpiry) {
    expire_sum_ += added.expire_at_ms;
    min_expire_bound_ = std::min(min_expire_bound_, added.expire_at_ms);
  }
}

Record* Keyspace::FindLive(std::string_view key, uint64_t hash, int64_t now_ms, size_t* index,
                           bool touch) {
  const size_t i = main_.FindIndex(key, hash);
  if (i == RecordTable::kNotFound) return nullptr;
  Record* r = main_.At(i);
  if (r->IsExpiredAt(now_ms)) {
    NotifyExpired(*r);
    Destroy(Unlink(i, hash));
    ++expired_count_;
    ShrinkTables();
    return nullptr;
  }
  if (touch) Touch(r);
  if (index != nullptr) *index = i;
  return r;
}

Record* Keyspace::FindVisible(std::string_view key, uint64_t hash, int64_t now_ms, bool touch) {
  if (!keep_expired_) return FindLive(key, hash, now_ms, nullptr, touch);
  const size_t i = main_.FindIndex(key, hash);
  if (i == RecordTable::kNotFound) return nullptr;
  Record* r = main_.At(i);
  if (r->IsExpiredAt(now_ms)) return nullptr;
  if (touch) Touch(r);
  return r;
}

void Keyspace::Touch(Record* r) {
  const AccessClock& clock = *access_;
  if (clock.no_touch()) return;
  if (!clock.lfu()) {
    r->set_access(clock.lru_clock());  // the cron-kept value: no clock call per lookup
    return;
  }
  const double random = static_cast<double>(NextRandom() >> 11) * 0x1.0p-53;  // [0, 1)
  r->set_access(clock.Touched(r->access(), random));
}

void Keyspace::Link(Record* r, uint64_t hash) {
  NotifyKey(*r);
  r->set_snapshot_mark(mark_);  // written after the snapshot began: not part of it
  main_.Insert(r, hash);
  if (r->has_expiry()) volatile_.Insert(r, hash);
  Account({}, FootprintOf(*r));
}

Record* Keyspace::Unlink(size_t index, uint64_t hash, size_t volatile_index) {
  Record* r = main_.At(index);
  BeforeChange(r);
  NotifyKey(*r);
  if (r->has_expiry()) {
    if (volatile_index == RecordTable::kNotFound) {
      volatile_index = volatile_.FindIndex(r->key(), hash);
    }
    volatile_.EraseAt(volatile_index);
  }
  main_.EraseAt(index);
  Account(FootprintOf(*r), {});
  return r;
}

void Keyspace::ShrinkTables() noexcept {
  main_.ShrinkIfSparse();
  volatile_.ShrinkIfSparse();
}

void Keyspace::ReclaimExpired(int64_t now_ms) {
  if (now_ms <= min_expire_bound_) return;
  // Deleting slot i shifts later entries back into it, so i is looked at again; an entry
  // that wraps from the front of the array to the back is merely seen twice.
  int64_t min_left = INT64_MAX;
  for (size_t i = 0; i < volatile_.capacity() && volatile_.size() > 0;) {
    if (!volatile_.Occupied(i)) {
      ++i;
      continue;
    }
    Record* r = volatile_.At(i);
    const int64_t at = r->expire_at_ms();
    if (at < now_ms) {
      NotifyExpired(*r);
      const uint64_t hash = HashKey(r->key());
      Destroy(Unlink(main_.FindIndex(r->key(), hash), hash, i));
      ++expired_count_;
      continue;
    }
    min_left = std::min(min_left, at);
    ++i;
  }
  min_expire_bound_ = min_left;
  ShrinkTables();
}

uint64_t Keyspace::NextRandom() {
  // splitmix64
  uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// ---- The seed API ----

void Keyspace::Put(std::string_view key, std::string_view value) {
  // No clock here: an existing key is overwritten whatever its TTL was.
  SetString(key, value, kNoExpiry, TtlMode::kClear, INT64_MIN);
}

void Keyspace::PutWithTtl(std::string_view key, std::string_view value, int64_t ttl_ms,
                          int64_t now_ms) {
  SetString(key, value, SaturatingAdd(now_ms, ttl_ms), TtlMode::kClear, now_ms);
}

std::optional<std::string_view> Keyspace::Get(std::string_view key, int64_t now_ms) {
  const Record* r = FindVisible(key, HashKey(key), now_ms);
  if (r == nullptr || r->type() != ValueType::kString) return std::nullopt;
  return r->string_value();
}

bool Keyspace::Delete(std::string_view key, int64_t now_ms) {
  const uint64_t hash = HashKey(key);
  size_t i;
  if (FindLive(key, hash, now_ms, &i) == nullptr) return false;
  Destroy(Unlink(i, hash));
  ShrinkTables();
  return true;
}

bool Keyspace::Contains(std::string_view key, int64_t now_ms) {
  return FindVisible(key, HashKey(key), now_ms) != nullptr;
}

size_t Keyspace::Count(int64_t now_ms) {
  if (!keep_expired_) ReclaimExpired(now_ms);
  return main_.size();
}

size_t Keyspace::MultiGet(std::span<const std::string_view> keys,
                          std::span<std::optional<std::string_view>> results, int64_t now_ms) {
  const size_t n = std::min(keys.size(), results.size());
  for (size_t i = 0; i < n; ++i) results[i] = Get(keys[i], now_ms);
  return n;
}

size_t Keyspace::MultiPut(std::span<const std::string_view> keys,
                          std::span<const std::string_view> values) {
  const size_t n = std::min(keys.size(), values.size());
  for (size_t i = 0; i < n; ++i) {
    try {
      Put(keys[i], values[i]);
    } catch (const std::bad_alloc&) {
      return i;
    }
  }
  return n;
}

KeyspaceStats Keyspace::Stats() const {
  KeyspaceStats s;
  s.entries = main_.size();
  s.data_bytes = data_bytes_;
  s.capacity = main_.capacity();
  s.load_factor = s.capacity == 0 ? 0.0 : static_cast<double>(s.entries) / s.capacity;
  return s;
}

size_t Keyspace::ListKeys(std::span<std::string_view> out, int64_t now_ms) {
  size_t n = 0;
  for (size_t i = 0; i < main_.capacity() && n < out.size(); ++i) {
    if (!main_.Occupied(i)) continue;
    const Record* r = main_.At(i);
    if (!r->IsExpiredAt(now_ms)) out[n++] = r->key();
  }
  return n;
}

// ---- What the commands need ----

const Record* Keyspace::Find(std::string_view key, int64_t now_ms) {
  return FindVisible(key, HashKey(key), now_ms);
}

const Record* Keyspace::FindNoTouch(std::string_view key, int64_t now_ms) {
  return FindVisible(key, HashKey(key), now_ms, /*touch=*/false);
}

bool Keyspace::SetAccess(std::string_view key, uint32_t field, int64_t now_ms) {
  Record* r = FindVisible(key, HashKey(key), now_ms, /*touch=*/false);
  if (r == nullptr) return false;
  r->set_access(field);
  return true;
}

const Record* Keyspace::Peek(std::string_view key) const { return main_.Find(key, HashKey(key)); }

uint64_t Keyspace::PrefetchKey(std::string_view key) const {
  const uint64_t hash = HashKey(key);
  main_.PrefetchSlot(hash);
  return hash;
}

std::optional<int64_t> Keyspace::GetExpire(std::string_view key, int64_t now_ms) {
  const Record* r = Find(key, now_ms);
  if (r == nullptr) return std::nullopt;
  return r->expire_at_ms();
}

bool Keyspace::SetExpire(std::string_view key, int64_t expire_at_ms, int64_t now_ms) {
  const uint64_t hash = HashKey(key);
  size_t i;
  if (FindLive(key, hash, now_ms, &i) == nullptr) return false;
  if (expire_at_ms <= now_ms) {
    // A deletion by the caller, not an expiry: Redis counts it as DEL, not in expired_keys.
    Destroy(Unlink(i, hash));
    ShrinkTables();
    return true;
  }
  Modify(i, hash, true, [&](Record* old) { return Record::SetExpiry(old, expire_at_ms); });
  return true;
}

bool Keyspace::Persist(std::string_view key, int64_t now_ms) {
  const uint64_t hash = HashKey(key);
  size_t i;
  const Record* r = FindLive(key, hash, now_ms, &i);
  if (r == nullptr || !r->has_expiry()) return false;
  Modify(i, hash, false, [](Record* old) { return Record::SetExpiry(old, kNoExpiry); });
  return true;
}

bool Keyspace::Rename(std::string_view from, std::string_view to, int64_t now_ms) {
  const uint64_t from_hash = HashKey(from);
  const Record* r = FindVisible(from, from_hash, now_ms);
  if (r == nullptr) return false;
  if (from == to) return true;
  const uint64_t to_hash = HashKey(to);
  size_t ti;
  const bool replaces = FindLive(to, to_hash, now_ms, &ti) != nullptr;
  Record* n = Record::Rekeyed(*r, to);  // the only allocation; nothing changed before it
  if (replaces) Destroy(Unlink(ti, to_hash));
  // Removing `from` frees the slots `to` needs in both tables: Link cannot allocate. A
  // collection's object now belongs to the new record.
  Record::Free(Unlink(main_.FindIndex(from, from_hash), from_hash));
  Link(n, to_hash);
  ShrinkTables();
  return true;
}

bool Keyspace::CopyTo(std::string_view from, Keyspace& dst, std::string_view to, bool replace,
                      int64_t now_ms) {
  const Record* r = FindVisible(from, HashKey(from), now_ms);
  if (r == nullptr) return false;
  if (&dst == this && from == to) return false;
  const uint64_t to_hash = HashKey(to);
  const bool exists = dst.FindLive(to, to_hash, now_ms, nullptr) != nullptr;
  if (exists && !replace) return false;
  Record* n = Record::Rekeyed(*r, to);
  dst.Stamp(n);  // a new object in Redis: it starts afresh
  try {
    if (r->type() != ValueType::kString) {
      n->set_object(nullptr);  // until the copy exists: never free the source's object
      n->set_object(CloneObject(*r));
    } else {
      n->set_unshared();  // Redis's COPY duplicates even a shared integer
    }
    dst.main_.ReserveOne();
    if (n->has_expiry()) dst.volatile_.ReserveOne();
  } catch (...) {
    Destroy(n);
    throw;
  }
  if (exists) Destroy(dst.Unlink(dst.main_.FindIndex(to, to_hash), to_hash));
  dst.Link(n, to_hash);
  dst.ShrinkTables();
  return true;
}

bool Keyspace::MoveTo(std::string_view key, Keyspace& dst, int64_t now_ms) {
  if (&dst == this) return false;
  const uint64_t hash = HashKey(key);
  size_t i;
  Record* r = FindLive(key, hash, now_ms, &i);
  if (r == nullptr || dst.FindLive(key, hash, now_ms, nullptr) != nullptr) return false;
  dst.main_.ReserveOne();
  if (r->has_expiry()) dst.volatile_.ReserveOne();
  // The record itself moves: no copy of key or value.
  dst.Link(Unlink(i, hash), hash);
  ShrinkTables();
  return true;
}

std::optional<std::string_view> Keyspace::RandomKey(int64_t now_ms) {
  std::optional<std::string_view> out;
  // Kept expired keys are skipped, but when every key is expired one is returned after 100
  // tries anyway, as Redis's dbRandomKey does on a replica.
  int tries = 100;
  while (main_.size() > 0) {
    const size_t i = main_.NextOccupied(NextRandom());
    Record* r = main_.At(i);
    if (!r->IsExpiredAt(now_ms) || (keep_expired_ && --tries == 0)) {
      out = r->key();
      break;
    }
    if (keep_expired_) continue;
    NotifyExpired(*r);
    Destroy(Unlink(i, HashKey(r->key())));
    ++expired_count_;
  }
  ShrinkTables();  // records do not move when tables shrink: `out` stays valid
  return out;
}

uint64_t Keyspace::ScanStep(uint64_t cursor, int64_t now_ms,
                            const std::function<void(const Record&)>& visit) {
  if (main_.size() == 0) return 0;
  const uint64_t mask = main_.capacity() - 1;
  const size_t home = cursor & mask;
  // Linear probing keeps every record of this home slot in the run of occupied slots that
  // starts there.
  for (size_t i = home; main_.Occupied(i); i = (i + 1) & mask) {
    const Record* r = main_.At(i);
    if (main_.HomeSlot(*r) == home && !r->IsExpiredAt(now_ms)) visit(*r);
  }
  return NextScanCursor(cursor, mask);
}

void Keyspace::ForEach(int64_t now_ms, const std::function<void(const Record&)>& visit) const {
  main_.ForEach([&](const Record* r) {
    if (!r->IsExpiredAt(now_ms)) visit(*r);
  });
}

Keyspace::ExpireSample Keyspace::ExpireSome(int64_t now_ms, size_t sample) {
  ExpireSample out;
  if (volatile_.size() == 0 || sample == 0 || keep_expired_) return out;
  const size_t mask = volatile_.capacity() - 1;  // Unlink never shrinks: fixed in the loop
  size_t i = expire_cursor_ & mask;
  size_t empty_budget = sample * 20;  // as Redis: a sparse table does not stall the cycle
  while (out.sampled < sample && volatile_.size() > 0) {
    if (!volatile_.Occupied(i)) {
      if (empty_budget-- == 0) break;
      i = (i + 1) & mask;
      continue;
    }
    Record* r = volatile_.At(i);
    ++out.sampled;
    if (r->IsExpiredAt(now_ms)) {
      NotifyExpired(*r);
      const uint64_t hash = HashKey(r->key());
      Destroy(Unlink(main_.FindIndex(r->key(), hash), hash, i));
      ++expired_count_;
      ++out.expired;
      continue;  // slot i now holds the next entry of its run, if any
    }
    i = (i + 1) & mask;
  }
  expire_cursor_ = i;
  ShrinkTables();
  return out;
}

void Keyspace::Clear() {
  NotifyEmptying();
  main_.ForEach([this](Record* r) {
    BeforeChange(r);
    Destroy(r);
  });
  main_.Reset();
  volatile_.Reset();
  data_bytes_ = 0;
  record_bytes_ = 0;
  expire_sum_ = 0;
  min_expire_bound_ = INT64_MAX;
  expire_cursor_ = 0;
}

size_t Keyspace::KeysWithExpiry() const { return volatile_.size(); }

int64_t Keyspace::AvgTtlMs(int64_t now_ms) const {
  if (volatile_.size() == 0) return 0;
  // Exact over the keys with a TTL, from the running sum of their expiry times.
  const __int128 avg = expire_sum_ / static_cast<__int128>(volatile_.size()) - now_ms;
  if (avg <= 0) return 0;
  return avg > INT64_MAX ? INT64_MAX : static_cast<int64_t>(avg);
}

size_t Keyspace::MemoryUsage(const Record& r) const {
  constexpr size_t kSlot = sizeof(uint64_t);  // a tagged pointer (core/record_table.h)
  return r.AllocSize() + ObjectAllocatedBytes(r) + kSlot + (r.has_expiry() ? kSlot : 0);
}

// ---- Collections ----

void Keyspace::Destroy(Record* r) {
  DestroyObject(r->type(), r->object());
  Record::Free(r);
}

Record* Keyspace::OpenCollection(std::string_view key, int64_t now_ms, ValueType type,
                                 void* (*make)(), bool* wrong_type, bool* created, bool notify) {
  const uint64_t hash = HashKey(key);
  Record* r = FindLive(key, hash, now_ms, nullptr);
  *wrong_type = r != nullptr && r->type() != type;
  *created = false;
  if (r != nullptr) {
    if (*wrong_type) return nullptr;
    BeforeChange(r);  // the caller is about to change the collection
    if (notify) NotifyKey(*r, /*tentative=*/true);
    return r;
  }
  if (make == nullptr) return nullptr;
  main_.ReserveOne();
  void* object = make();
  try {
    r = Record::NewObject(key, type, object, kNoExpiry);
  } catch (...) {
    DestroyObject(type, object);
    throw;
  }
  Stamp(r);
  Link(r, hash);
  *created = true;
  return r;
}

void Keyspace::CommitWrite(Record* r, size_t alloc_before, size_t data_before) {
  data_bytes_ = data_bytes_ - data_before + ObjectDataBytes(*r);
  record_bytes_ = record_bytes_ - alloc_before + ObjectAllocatedBytes(*r);
  if (ObjectLength(*r) != 0 || !DeletedWhenEmpty(r->type())) return;
  // An emptied collection deletes its key, as in Redis.
  const uint64_t hash = HashKey(r->key());
  Destroy(Unlink(main_.FindIndex(r->key(), hash), hash));
  ShrinkTables();
}

bool Keyspace::StoreObject(std::string_view key, ValueType type, void* object,
                           int64_t expire_at_ms, int64_t now_ms) {
  const uint64_t hash = HashKey(key);
  size_t i;
  Record* old = FindLive(key, hash, now_ms, &i);
  if (object == nullptr) {  // an empty result deletes the destination
    if (old != nullptr) {
      Destroy(Unlink(i, hash));
      ShrinkTables();
    }
    return old == nullptr;
  }
  Record* r;
  try {
    r = Record::NewObject(key, type, object, expire_at_ms);
  } catch (...) {
    DestroyObject(type, object);
    throw;
  }
  // Under LFU an overwritten key keeps its counter (Redis's dbSetValue); otherwise the new
  // value is a new object, accessed now.
  if (old != nullptr && access_->lfu()) {
    r->set_access(old->access());
  } else {
    Stamp(r);
  }
  try {
    if (old == nullptr) {
      main_.ReserveOne();
      if (expire_at_ms != kNoExpiry) volatile_.ReserveOne();
      Link(r, hash);
      return true;
    }
    // The new value takes the old one's place, as Redis's dbOverwrite: the key is not new.
    Modify(i, hash, expire_at_ms != kNoExpiry, [&](Record* o) {
      r->set_snapshot_mark(o->snapshot_mark());
      Destroy(o);
      return r;
    });
  } catch (...) {
    Destroy(r);
    throw;
  }
  return false;
}

bool Keyspace::DeleteDetached(std::string_view key, int64_t now_ms, DetachedValue* out) {
  const uint64_t hash = HashKey(key);
  size_t i;
  if (FindLive(key, hash, now_ms, &i) == nullptr) return false;
  Record* r = Unlink(i, hash);
  *out = DetachedValue(r->type(), r->object());
  Record::Free(r);
  ShrinkTables();
  return true;
}

}  // namespace kvd
