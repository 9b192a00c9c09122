#pragma once
// An open-addressing hash table of Record pointers, keyed by the record's key.
//
// Power-of-two capacity and linear probing from the home slot (hash & mask). A slot is one
// 64-bit word: the record's address in the low 48 bits and the hash's top 16 bits (the tag)
// in the high 16; 0 is an empty slot. One load thus yields both the tag, which rejects all
// but 1/65536 of the mismatches without touching the record, and the pointer. x86-64 and
// aarch64 Linux give user space addresses below 2^48; Insert and Replace abort the process
// on an address that does not fit rather than corrupt the table.
//
// Deletion shifts the following entries back (no tombstones), which keeps the invariant
// SCAN relies on: every record lies in the run of occupied slots that starts at its home
// slot.
//
// 8 bytes a slot. The table grows past 7/8 load and shrinks below 1/10 (as Redis), to a
// load of at most 1/2; an empty table holds no allocation at all.
//
// The table does not own the records; the Keyspace does. Record pointers are stable across
// resizes, slot indexes are not: any Insert/EraseAt/Shrink invalidates them.
//
// PrefetchSlot and PrefetchRecord let a caller overlap the cache misses of several lookups
// (see Keyspace::PrefetchKey): they only issue prefetches and read in-bounds slots, never
// change the table and never dereference a record. PrefetchValue reads a record's head.
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
    return i == kNotFound ? nullptr : At(i);
  }
  bool Occupied(size_t i) const { return slots_[i] != 0; }
  Record* At(size_t i) const { return PointerOf(slots_[i]); }
  // Points slot i at r, which has the same key (the record moved in memory).
  void Replace(size_t i, Record* r) { slots_[i] = (slots_[i] & kTagMask) | AddressOf(r); }

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

  // Phase 1 of a batched lookup: starts loading the cache line of the home slot of `hash`.
  void PrefetchSlot(uint64_t hash) const {
    if (capacity_ != 0) __builtin_prefetch(&slots_[hash & (capacity_ - 1)]);
  }
  // Phase 2, once the slot line has (probably) arrived: reads the slots from the home slot
  // on, within its cache line, and starts loading the head (first 33 bytes) of the first
  // record whose tag matches.
  void PrefetchRecord(uint64_t hash) const;
  // Phase 3: for the record phase 2 chose, reads its head and starts loading the lines of
  // its string value past the head, up to kPrefetchValueBytes. Reads the record (a live
  // one: the slot holds it), never changes anything.
  void PrefetchValue(uint64_t hash) const;
  static constexpr size_t kPrefetchValueBytes = 4096;

  template <class F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < capacity_; ++i) {
      if (slots_[i] != 0) f(PointerOf(slots_[i]));
    }
  }

 private:
  static constexpr int kTagShift = 48;
  static constexpr uint64_t kTagMask = ~uint64_t{0} << kTagShift;
  static constexpr uint64_t kAddressMask = ~kTagMask;

  static Record* PointerOf(uint64_t slot) {
    return reinterpret_cast<Record*>(static_cast<uintptr_t>(slot & kAddressMask));
  }
  // r's address as a slot's low bits; aborts when it does not fit in them.
  static uint64_t AddressOf(const Record* r) {
    const uint64_t a = reinterpret_cast<uintptr_t>(r);
    if ((a & kTagMask) != 0) [[unlikely]] AddressTooWide(r);
    return a;
  }
  [[noreturn]] static void AddressTooWide(const Record* r);
  // True when the occupied slot's tag is the one `hash` gives.
  static bool TagMatches(uint64_t slot, uint64_t hash) { return ((slot ^ hash) & kTagMask) == 0; }

  // The first record in the home slot's cache line whose tag matches `hash`, or null: what
  // the prefetch phases act on (a tag match is only probably the key; a hint needs no more).
  const Record* PrefetchCandidate(uint64_t hash) const;

  void Rehash(size_t new_capacity);
  // Stores an occupied slot word (tag and address) in the first free slot from home.
  void Place(uint64_t slot, uint64_t hash);

  uint64_t* slots_ = nullptr;
  size_t capacity_ = 0;
  size_t size_ = 0;
  size_t allocated_ = 0;
};

static_assert(sizeof(uintptr_t) == sizeof(uint64_t), "slots pack a tag into 64-bit pointers");

}  // namespace kvd
