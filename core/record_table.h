#pragma once
// An open-addressing hash table of Record pointers, keyed by the record's key.
//
// Power-of-two capacity, linear probing from the home slot (hash & mask), and a control
// byte per slot: 0 for empty, otherwise 0x80 | the hash's top 7 bits, so most mismatches
// are rejected without touching the record. Deletion shifts the following entries back
// (no tombstones), which keeps the invariant SCAN relies on: every record lies in the run
// of occupied slots that starts at its home slot.
//
// Slots and control bytes share one allocation (9 bytes a slot). The table grows past 7/8
// load and shrinks below 1/10 (as Redis), to a load of at most 1/2; an empty table holds
// no allocation at all.
//
// The table does not own the records; the Keyspace does. Record pointers are stable across
// resizes, slot indexes are not: any Insert/EraseAt/Shrink invalidates them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/record.h"

namespace kvd {

class RecordTable {
 public:
  static constexpr size_t kNotFound = SIZE_MAX;
  static constexpr size_t kMinCapacity = 8;

  RecordTable() = default;
  ~RecordTable();
  RecordTable(const RecordTable&) = delete;
  RecordTable& operator=(const RecordTable&) = delete;
  RecordTable(RecordTable&& other) noexcept;
  RecordTable& operator=(RecordTable&& other) noexcept;

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  // Heap bytes of the slot array (malloc_usable_size).
  size_t AllocatedBytes() const { return allocated_; }

  // Slot of the record with this key, or kNotFound. `hash` is HashKey(key).
  size_t FindIndex(std::string_view key, uint64_t hash) const;
  Record* Find(std::string_view key, uint64_t hash) const {
    const size_t i = FindIndex(key, hash);
    return i == kNotFound ? nullptr : slots_[i];
  }
  bool Occupied(size_t i) const { return ctrl_[i] != 0; }
  Record* At(size_t i) const { return slots_[i]; }
  // Points slot i at r, which has the same key (the record moved in memory).
  void Replace(size_t i, Record* r) { slots_[i] = r; }

  // Makes room for one more record, so the next Insert cannot allocate. Throws
  // std::bad_alloc when the table must grow and cannot.
  void ReserveOne();
  // Adds a record whose key is absent. Grows when needed (may throw std::bad_alloc).
  void Insert(Record* r, uint64_t hash);
  // Removes slot i by backward shift. Never reallocates.
  void EraseAt(size_t i);
  // Shrinks when under 1/10 full. Best effort: keeps the current array if memory is short.
  void ShrinkIfSparse() noexcept;
  // Forgets every record and frees the slot array.
  void Reset() noexcept;

  // The slot r's hash maps to.
  size_t HomeSlot(const Record& r) const;
  // The occupied slot at or after `start` (cyclically). The table must not be empty.
  size_t NextOccupied(size_t start) const;

  template <class F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < capacity_; ++i) {
      if (ctrl_[i] != 0) f(slots_[i]);
    }
  }

 private:
  static uint8_t Tag(uint64_t hash) { return static_cast<uint8_t>(0x80 | (hash >> 57)); }
  void Rehash(size_t new_capacity);
  void Place(Record* r, uint64_t hash);

  Record** slots_ = nullptr;
  uint8_t* ctrl_ = nullptr;  // after the slots, in the same allocation
  size_t capacity_ = 0;
  size_t size_ = 0;
  size_t allocated_ = 0;
};

}  // namespace kvd
