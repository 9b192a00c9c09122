#include "core/record_table.h"

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <utility>

#include "core/hash.h"

namespace kvd {

RecordTable::~RecordTable() { std::free(slots_); }

RecordTable::RecordTable(RecordTable&& other) noexcept
    : slots_(std::exchange(other.slots_, nullptr)),
      capacity_(std::exchange(other.capacity_, 0)),
      size_(std::exchange(other.size_, 0)),
      allocated_(std::exchange(other.allocated_, 0)) {}

RecordTable& RecordTable::operator=(RecordTable&& other) noexcept {
  if (this != &other) {
    std::free(slots_);
    slots_ = std::exchange(other.slots_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
    size_ = std::exchange(other.size_, 0);
    allocated_ = std::exchange(other.allocated_, 0);
  }
  return *this;
}

void RecordTable::AddressTooWide(const Record* r) {
  std::fprintf(stderr,
               "kvd: fatal: record address %p does not fit in 48 bits (the record table keeps "
               "a hash tag in the top 16 bits of each pointer)\n",
               static_cast<const void*>(r));
  std::abort();
}

size_t RecordTable::FindIndex(std::string_view key, uint64_t hash) const {
  if (size_ == 0) return kNotFound;
  const size_t mask = capacity_ - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint64_t s = slots_[i];
    if (s == 0) return kNotFound;
    if (TagMatches(s, hash) && PointerOf(s)->key() == key) return i;
  }
}

const Record* RecordTable::PrefetchCandidate(uint64_t hash) const {
  if (size_ == 0) return nullptr;
  constexpr uintptr_t kLine = 64;
  const size_t mask = capacity_ - 1;
  size_t i = hash & mask;
  // Only the home slot's cache line, the one PrefetchSlot asked for: a slot past it may
  // not have arrived, and reading it would stall here instead of in the lookup.
  do {
    const uint64_t s = slots_[i];
    if (s == 0) return nullptr;
    if (TagMatches(s, hash)) return PointerOf(s);
    i = (i + 1) & mask;
  } while (i != 0 && reinterpret_cast<uintptr_t>(&slots_[i]) % kLine != 0);
  return nullptr;
}

void RecordTable::PrefetchRecord(uint64_t hash) const {
  constexpr size_t kRecordHead = 32;
  const Record* r = PrefetchCandidate(hash);
  if (r == nullptr) return;
  // The record's head (header, access field, a short key and value) may straddle two
  // lines; a second prefetch of the same line costs next to nothing. The word before the
  // record is the allocator's size field, which a write reads (malloc_usable_size) to
  // account memory: a line of its own when the record starts a line.
  const char* head = reinterpret_cast<const char*>(r);
  __builtin_prefetch(head - sizeof(size_t));
  __builtin_prefetch(head);
  __builtin_prefetch(head + kRecordHead);
}

void RecordTable::PrefetchValue(uint64_t hash) const {
  constexpr size_t kLine = 64;
  const Record* r = PrefetchCandidate(hash);  // the record PrefetchRecord chose
  if (r == nullptr) return;
  const std::string_view value = r->string_value();
  if (value.size() <= kLine) return;  // within the lines phase 2 asked for
  const char* p = value.data();
  const char* end = p + std::min(value.size(), kPrefetchValueBytes);
  for (p += kLine; p < end; p += kLine) __builtin_prefetch(p);
  __builtin_prefetch(end - 1);
}

size_t RecordTable::HomeSlot(const Record& r) const {
  return HashKey(r.key()) & (capacity_ - 1);
}

size_t RecordTable::NextOccupied(size_t start) const {
  const size_t mask = capacity_ - 1;
  size_t i = start & mask;
  while (slots_[i] == 0) i = (i + 1) & mask;
  return i;
}

void RecordTable::Place(uint64_t slot, uint64_t hash) {
  const size_t mask = capacity_ - 1;
  size_t i = hash & mask;
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = slot;
}

void RecordTable::Rehash(size_t new_capacity) {
  void* block = std::calloc(new_capacity, sizeof(uint64_t));
  if (block == nullptr) throw std::bad_alloc();
  uint64_t* old_slots = slots_;
  const size_t old_capacity = capacity_;
  slots_ = static_cast<uint64_t*>(block);
  capacity_ = new_capacity;
  allocated_ = malloc_usable_size(block);
  for (size_t i = 0; i < old_capacity; ++i) {
    const uint64_t s = old_slots[i];
    if (s != 0) Place(s, HashKey(PointerOf(s)->key()));
  }
  std::free(old_slots);
}

void RecordTable::ReserveOne() {
  if (capacity_ == 0) {
    Rehash(kMinCapacity);
  } else if ((size_ + 1) * 8 > capacity_ * 7) {
    Rehash(capacity_ * 2);
  }
}

void RecordTable::Insert(Record* r, uint64_t hash) {
  const uint64_t slot = (hash & kTagMask) | AddressOf(r);
  ReserveOne();
  Place(slot, hash);
  ++size_;
}

void RecordTable::EraseAt(size_t i) {
  const size_t mask = capacity_ - 1;
  size_t hole = i;
  for (size_t j = (i + 1) & mask; slots_[j] != 0; j = (j + 1) & mask) {
    // Entry j may fill the hole when the hole lies between its home and j: its distance
    // from home is at least its distance from the hole.
    const size_t home = HomeSlot(*At(j));
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = 0;
  --size_;
}

void RecordTable::ShrinkIfSparse() noexcept {
  if (capacity_ == 0) return;
  if (size_ == 0) {
    Reset();
    return;
  }
  if (capacity_ <= kMinCapacity || size_ * 10 >= capacity_) return;
  size_t target = kMinCapacity;
  while (target < size_ * 2) target *= 2;
  if (target >= capacity_) return;
  try {
    Rehash(target);
  } catch (const std::bad_alloc&) {
    // Keep the larger array; the next shrink attempt retries.
  }
}

void RecordTable::Reset() noexcept {
  std::free(slots_);
  slots_ = nullptr;
  capacity_ = 0;
  size_ = 0;
  allocated_ = 0;
}

}  // namespace kvd
