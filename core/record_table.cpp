#include "core/record_table.h"

#include <malloc.h>

#include <cstdlib>
#include <new>
#include <utility>

#include "core/hash.h"

namespace kvd {

RecordTable::~RecordTable() { std::free(slots_); }

RecordTable::RecordTable(RecordTable&& other) noexcept
    : slots_(std::exchange(other.slots_, nullptr)),
      ctrl_(std::exchange(other.ctrl_, nullptr)),
      capacity_(std::exchange(other.capacity_, 0)),
      size_(std::exchange(other.size_, 0)),
      allocated_(std::exchange(other.allocated_, 0)) {}

RecordTable& RecordTable::operator=(RecordTable&& other) noexcept {
  if (this != &other) {
    std::free(slots_);
    slots_ = std::exchange(other.slots_, nullptr);
    ctrl_ = std::exchange(other.ctrl_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
    size_ = std::exchange(other.size_, 0);
    allocated_ = std::exchange(other.allocated_, 0);
  }
  return *this;
}

size_t RecordTable::FindIndex(std::string_view key, uint64_t hash) const {
  if (size_ == 0) return kNotFound;
  const size_t mask = capacity_ - 1;
  const uint8_t tag = Tag(hash);
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint8_t c = ctrl_[i];
    if (c == 0) return kNotFound;
    if (c == tag && slots_[i]->key() == key) return i;
  }
}

size_t RecordTable::HomeSlot(const Record& r) const {
  return HashKey(r.key()) & (capacity_ - 1);
}

size_t RecordTable::NextOccupied(size_t start) const {
  const size_t mask = capacity_ - 1;
  size_t i = start & mask;
  while (ctrl_[i] == 0) i = (i + 1) & mask;
  return i;
}

void RecordTable::Place(Record* r, uint64_t hash) {
  const size_t mask = capacity_ - 1;
  size_t i = hash & mask;
  while (ctrl_[i] != 0) i = (i + 1) & mask;
  ctrl_[i] = Tag(hash);
  slots_[i] = r;
}

void RecordTable::Rehash(size_t new_capacity) {
  void* block = std::calloc(new_capacity, sizeof(Record*) + 1);
  if (block == nullptr) throw std::bad_alloc();
  Record** old_slots = slots_;
  const uint8_t* old_ctrl = ctrl_;
  const size_t old_capacity = capacity_;
  slots_ = static_cast<Record**>(block);
  ctrl_ = reinterpret_cast<uint8_t*>(slots_ + new_capacity);
  capacity_ = new_capacity;
  allocated_ = malloc_usable_size(block);
  for (size_t i = 0; i < old_capacity; ++i) {
    if (old_ctrl[i] != 0) Place(old_slots[i], HashKey(old_slots[i]->key()));
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
  ReserveOne();
  Place(r, hash);
  ++size_;
}

void RecordTable::EraseAt(size_t i) {
  const size_t mask = capacity_ - 1;
  size_t hole = i;
  for (size_t j = (i + 1) & mask; ctrl_[j] != 0; j = (j + 1) & mask) {
    // Entry j may fill the hole when the hole lies between its home and j: its distance
    // from home is at least its distance from the hole.
    const size_t home = HomeSlot(*slots_[j]);
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      ctrl_[hole] = ctrl_[j];
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  ctrl_[hole] = 0;
  slots_[hole] = nullptr;
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
  ctrl_ = nullptr;
  capacity_ = 0;
  size_ = 0;
  allocated_ = 0;
}

}  // namespace kvd
