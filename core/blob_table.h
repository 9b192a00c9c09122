#pragma once
// The scalable encoding's index: an open-addressing table of pointers to elements the owner
// allocates (a hash field with its value, a set member, a sorted-set node), keyed by the
// string KeyOf extracts from an element. Same scheme as RecordTable: power-of-two capacity,
// linear probing, a control byte per slot (0 empty, else 0x80 | top 7 hash bits), deletion
// by backward shift, growth past 7/8 load and shrinking below 1/10. 9 bytes a slot, where a
// Redis dict spends a 24-byte entry plus an 8-byte bucket per element.
//
// The table does not own the elements. SCAN over it uses Redis's reverse-binary cursor and
// keeps its guarantee across resizes, as Keyspace::ScanStep does.
#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

#include "core/hash.h"

namespace kvd {

template <class E, class KeyOf>
class BlobTable {
 public:
  static constexpr size_t kNotFound = SIZE_MAX;

  BlobTable() = default;
  ~BlobTable() { std::free(slots_); }
  BlobTable(const BlobTable&) = delete;
  BlobTable& operator=(const BlobTable&) = delete;
  BlobTable(BlobTable&& o) noexcept { Swap(o); }
  BlobTable& operator=(BlobTable&& o) noexcept {
    Swap(o);
    return *this;
  }

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  size_t AllocatedBytes() const { return allocated_; }

  static uint64_t Hash(std::string_view key) { return HashKey(key); }

  size_t FindIndex(std::string_view key, uint64_t hash) const {
    if (size_ == 0) return kNotFound;
    const size_t mask = capacity_ - 1;
    const uint8_t tag = Tag(hash);
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const uint8_t c = ctrl_[i];
      if (c == 0) return kNotFound;
      if (c == tag && KeyOf()(slots_[i]) == key) return i;
    }
  }
  E* Find(std::string_view key) const {
    const size_t i = FindIndex(key, Hash(key));
    return i == kNotFound ? nullptr : slots_[i];
  }
  bool Occupied(size_t i) const { return ctrl_[i] != 0; }
  E* At(size_t i) const { return slots_[i]; }
  void Replace(size_t i, E* e) { slots_[i] = e; }

  // Makes room for one more element, so the next Insert cannot throw.
  void ReserveOne() {
    if ((size_ + 1) * 8 > capacity_ * 7) Rehash(capacity_ == 0 ? 8 : capacity_ * 2);
  }
  // Adds an element whose key is absent. May throw std::bad_alloc (table unchanged).
  void Insert(E* e, uint64_t hash) {
    ReserveOne();
    Place(e, hash);
    ++size_;
  }
  // Removes slot i (backward shift), then shrinks when sparse.
  E* EraseAt(size_t i) {
    E* out = slots_[i];
    const size_t mask = capacity_ - 1;
    size_t hole = i;
    for (size_t j = (i + 1) & mask; ctrl_[j] != 0; j = (j + 1) & mask) {
      const size_t home = Hash(KeyOf()(slots_[j])) & mask;
      // j may fill the hole when its home is not in (hole, j] cyclically.
      const bool home_in_between = hole <= j ? (home > hole && home <= j)
                                             : (home > hole || home <= j);
      if (!home_in_between) {
        slots_[hole] = slots_[j];
        ctrl_[hole] = ctrl_[j];
        hole = j;
      }
    }
    ctrl_[hole] = 0;
    --size_;
    if (capacity_ > 8 && size_ * 10 < capacity_) {
      try {
        Rehash(CapacityFor(size_));
      } catch (const std::bad_alloc&) {
        // Keep the larger array; correctness does not depend on shrinking.
      }
    }
    return out;
  }
  E* Erase(std::string_view key) {
    const size_t i = FindIndex(key, Hash(key));
    return i == kNotFound ? nullptr : EraseAt(i);
  }
  void Reset() {
    std::free(slots_);
    slots_ = nullptr;
    ctrl_ = nullptr;
    capacity_ = size_ = allocated_ = 0;
  }

  // An element chosen from a random slot (not uniform under clustering, as Redis's
  // dictGetFairRandomKey is not either). The table must not be empty.
  E* Random(uint64_t r) const {
    const size_t mask = capacity_ - 1;
    size_t i = r & mask;
    while (ctrl_[i] == 0) i = (i + 1) & mask;
    return slots_[i];
  }

  template <class F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < capacity_; ++i) {
      if (ctrl_[i] != 0) f(slots_[i]);
    }
  }

  // Visits the elements whose home slot is the cursor's bucket; returns the next cursor
  // (0 at the end).
  template <class F>
  uint64_t Scan(uint64_t cursor, F&& visit) const {
    if (size_ == 0) return 0;
    const uint64_t mask = capacity_ - 1;
    const size_t home = cursor & mask;
    for (size_t i = home; ctrl_[i] != 0; i = (i + 1) & mask) {
      if ((Hash(KeyOf()(slots_[i])) & mask) == home) visit(slots_[i]);
    }
    cursor |= ~mask;
    cursor = ReverseBits(cursor);
    ++cursor;
    return ReverseBits(cursor);
  }

 private:
  static uint8_t Tag(uint64_t hash) { return static_cast<uint8_t>(0x80 | (hash >> 57)); }
  static size_t CapacityFor(size_t n) {
    size_t c = 8;
    while (c < 2 * n) c *= 2;
    return c;
  }
  static uint64_t ReverseBits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
    return __builtin_bswap64(v);
  }

  void Swap(BlobTable& o) {
    std::swap(slots_, o.slots_);
    std::swap(ctrl_, o.ctrl_);
    std::swap(capacity_, o.capacity_);
    std::swap(size_, o.size_);
    std::swap(allocated_, o.allocated_);
  }
  void Place(E* e, uint64_t hash) {
    const size_t mask = capacity_ - 1;
    size_t i = hash & mask;
    while (ctrl_[i] != 0) i = (i + 1) & mask;
    ctrl_[i] = Tag(hash);
    slots_[i] = e;
  }
  void Rehash(size_t new_capacity) {
    void* mem = std::calloc(new_capacity, sizeof(E*) + 1);
    if (mem == nullptr) throw std::bad_alloc();
    E** old_slots = slots_;
    uint8_t* old_ctrl = ctrl_;
    const size_t old_capacity = capacity_;
    slots_ = static_cast<E**>(mem);
    ctrl_ = reinterpret_cast<uint8_t*>(slots_ + new_capacity);
    capacity_ = new_capacity;
    allocated_ = malloc_usable_size(mem);
    for (size_t i = 0; i < old_capacity; ++i) {
      if (old_ctrl[i] != 0) Place(old_slots[i], Hash(KeyOf()(old_slots[i])));
    }
    std::free(old_slots);
  }

  E** slots_ = nullptr;
  uint8_t* ctrl_ = nullptr;  // after the slots, in the same allocation
  size_t capacity_ = 0;
  size_t size_ = 0;
  size_t allocated_ = 0;
};

}  // namespace kvd
