#pragma once
// A stream: entries of field-value pairs under strictly increasing IDs, plus the consumer
// groups reading it (Redis's stream, t_stream.c).
//
// Entries sit in chunks, each one malloc'd block of up to stream-node-max-entries entries
// and about stream-node-max-bytes bytes (Redis's rax of listpacks, encoding_limits): an
// entry is [flags][ms - chunk's first ms][seq][pairs] then its fields and values as packed
// elements (core/packed.h); one with the same fields as the chunk's first entry stores only
// [flags][ms][seq] and its values, as Redis's SAMEFIELDS entries do. XDEL marks an entry deleted in place, as Redis does; a chunk
// whose entries are all deleted is freed. Chunks are kept in ID order in a vector, found by
// binary search on their first ID, so a lookup is O(log chunks + entries per chunk) and XADD
// appends to the last chunk.
//
// Consumer groups, their pending entries lists (PEL) and consumers are ordered maps, as
// Redis's radix trees order them. Every allocation of a stream goes through one counter
// (CountedAllocator), so AllocatedBytes() is exact.
#include <malloc.h>

#include <compare>
#include <functional>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/packed.h"
#include "core/value_type.h"

namespace kvd {

// A stream entry ID, "<ms>-<seq>".
struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;

  friend constexpr auto operator<=>(const StreamId&, const StreamId&) = default;
  static constexpr StreamId Max() { return {UINT64_MAX, UINT64_MAX}; }
  bool IsZero() const { return ms == 0 && seq == 0; }
  // The next / previous ID; false (unchanged) at the ends of the ID space.
  bool Increment();
  bool Decrement();
  std::string ToString() const;
  void AppendTo(std::string& out) const;
};

// An allocator that adds every block's usable size to a counter the owner reads.
template <class T>
class CountedAllocator {
 public:
  using value_type = T;
  explicit CountedAllocator(size_t* counter) : counter_(counter) {}
  template <class U>
  CountedAllocator(const CountedAllocator<U>& o) : counter_(o.counter()) {}  // NOLINT
  T* allocate(size_t n) {
    void* p = std::malloc(n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    *counter_ += malloc_usable_size(p);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) {
    *counter_ -= malloc_usable_size(p);
    std::free(p);
  }
  size_t* counter() const { return counter_; }
  friend bool operator==(const CountedAllocator& a, const CountedAllocator& b) {
    return a.counter_ == b.counter_;
  }

 private:
  size_t* counter_;
};

using CountedString = std::basic_string<char, std::char_traits<char>, CountedAllocator<char>>;

struct StreamConsumer;

// An entry delivered to a consumer of a group and not acknowledged yet (Redis's streamNACK).
struct StreamPending {
  int64_t delivery_time = 0;  // Unix ms of the last delivery
  uint64_t delivery_count = 0;
  StreamConsumer* consumer = nullptr;
};

struct StreamConsumer {
  using PendingIds = std::set<StreamId, std::less<>, CountedAllocator<StreamId>>;
  explicit StreamConsumer(size_t* counter) : pending(CountedAllocator<StreamId>(counter)) {}
  std::string_view name;  // the key of the group's consumers map
  int64_t seen_time = 0;    // last attempted interaction (Unix ms)
  int64_t active_time = -1;  // last successful interaction; -1: never
  PendingIds pending;        // this consumer's part of the group's PEL
};

struct StreamGroup {
  using Pel = std::map<StreamId, StreamPending, std::less<>,
                       CountedAllocator<std::pair<const StreamId, StreamPending>>>;
  using Consumers = std::map<CountedString, StreamConsumer, std::less<>,
                             CountedAllocator<std::pair<const CountedString, StreamConsumer>>>;
  StreamGroup(size_t* counter, StreamId last)
      : last_id(last),
        pel(Pel::allocator_type(counter)),
        consumers(Consumers::allocator_type(counter)) {}

  StreamId last_id;           // the last entry delivered to the group
  int64_t entries_read = -1;  // the logical read counter; -1: unknown
  Pel pel;
  Consumers consumers;

  StreamConsumer* FindConsumer(std::string_view name);
  // The consumer, created when missing (*created set then) with the given seen time.
  StreamConsumer& FindOrCreateConsumer(std::string_view name, int64_t now_ms, bool* created);
  // Deletes a consumer and its pending entries; returns how many it had. False when missing.
  std::optional<size_t> DeleteConsumer(std::string_view name);
  // Records a delivery of `id` to `consumer` now: a new PEL entry (delivery count 1), or,
  // for an entry already pending, a move to `consumer` with a new delivery time and count
  // +1 (when `count_delivery`).
  StreamPending& Deliver(StreamId id, StreamConsumer& consumer, int64_t now_ms,
                         bool count_delivery = true);
  // Moves a pending entry to `consumer` (XCLAIM); the time and count are the caller's.
  void Reassign(Pel::iterator it, StreamConsumer& consumer);
  // XACK: drops a pending entry; false when it was not pending.
  bool Ack(StreamId id);
};

class StreamValue : public MallocObject {
 public:
  static constexpr ValueType kType = ValueType::kStream;
  // A chunk's bounds: stream-node-max-bytes and stream-node-max-entries (0: no bound).
  struct Limits {
    size_t bytes;
    size_t entries;
    static Limits Current();
  };

  // An entry as iteration hands it out; valid until the stream is next written.
  class Entry {
   public:
    // `master`: the chunk's first entry's pairs when this entry shares its fields (then
    // `pairs` holds only the values).
    Entry(StreamId id, const uint8_t* pairs, size_t count, const uint8_t* master = nullptr)
        : id_(id), p_(pairs), n_(count), master_(master) {}
    StreamId id() const { return id_; }
    size_t pair_count() const { return n_; }
    // Calls f(Elem field, Elem value) for each pair in order.
    template <class F>
    void ForEachPair(F&& f) const {
      const uint8_t* p = p_;
      const uint8_t* m = master_;
      for (size_t i = 0; i < n_; ++i) {
        Elem field, value;
        if (m != nullptr) {
          m += packed::Decode(m, &field);
          m += packed::Skip(m);
        } else {
          p += packed::Decode(p, &field);
        }
        p += packed::Decode(p, &value);
        f(field, value);
      }
    }

   private:
    StreamId id_;
    const uint8_t* p_;
    size_t n_;
    const uint8_t* master_;
  };

  using Groups = std::map<CountedString, StreamGroup, std::less<>,
                          CountedAllocator<std::pair<const CountedString, StreamGroup>>>;

  static std::unique_ptr<StreamValue> Create() {
    return std::unique_ptr<StreamValue>(new StreamValue);
  }
  ~StreamValue();
  StreamValue(const StreamValue&) = delete;
  StreamValue& operator=(const StreamValue&) = delete;
  std::unique_ptr<StreamValue> Clone() const;

  // Live entries (XLEN). A stream with none still exists, unlike an empty list.
  size_t size() const { return length_; }
  bool empty() const { return length_ == 0; }
  std::string_view EncodingName() const { return "stream"; }

  StreamId last_id() const { return last_id_; }
  // The first / last live entry's ID; 0-0 when there is none (last_id() may be past the
  // last live entry, after XDEL).
  StreamId first_id() const;
  StreamId last_live_id() const;
  StreamId max_deleted_id() const { return max_deleted_id_; }
  uint64_t entries_added() const { return entries_added_; }
  // XSETID / loading: the stream's counters as given (the caller checks them).
  void SetLastId(StreamId id) { last_id_ = id; }
  void SetMaxDeletedId(StreamId id) { max_deleted_id_ = id; }
  void SetEntriesAdded(uint64_t n) { entries_added_ = n; }

  // XADD: appends an entry; `id` must be greater than last_id() and field_values hold an
  // even, non-zero number of strings (field, value, ...). Counts it in entries_added.
  void Append(StreamId id, std::span<const std::string_view> field_values) {
    Append(id, field_values, Limits::Current());
  }
  void Append(StreamId id, std::span<const std::string_view> field_values, const Limits& limits);
  // Loading: appends without touching last_id or entries_added (set them after).
  void AppendLoaded(StreamId id, std::span<const std::string_view> field_values,
                    const Limits& limits);

  // Calls f(const Entry&) for live entries with start <= id <= end, ascending, or descending
  // from end when `reverse`, stopping after `count` (0: no bound) or when f returns false.
  // Returns how many were visited.
  template <class F>
  size_t Range(StreamId start, StreamId end, bool reverse, size_t count, F&& f) const {
    return RangeImpl(start, end, reverse, count, &f, [](void* ctx, const Entry& e) {
      return static_cast<bool>((*static_cast<std::remove_reference_t<F>*>(ctx))(e));
    });
  }
  // Whether a live entry with this ID exists.
  bool Contains(StreamId id) const;

  // XDEL: marks the entry deleted; false when there is no live entry `id`.
  bool Delete(StreamId id);
  // XTRIM / XADD's trimming (Redis's streamTrim): removes the oldest entries until at most
  // `maxlen` remain (TrimMaxLen) or none is below `min_id` (TrimMinId). `approx` removes only
  // whole chunks; `limit` (0: none) bounds the entries removed, whole chunks only. Returns
  // how many were removed.
  size_t TrimMaxLen(size_t maxlen, bool approx, size_t limit);
  size_t TrimMinId(StreamId min_id, bool approx, size_t limit);

  // Redis's streamRangeHasTombstones and streamEstimateDistanceFromFirstEverEntry, the
  // basis of consumer group lag (nullopt for Redis's SCG_INVALID_ENTRIES_READ).
  bool RangeHasTombstones(StreamId start, StreamId end) const;
  std::optional<int64_t> EstimateDistanceFromFirstEverEntry(StreamId id) const;

  // Consumer groups, by name in byte order.
  const Groups& groups() const { return groups_; }
  StreamGroup* FindGroup(std::string_view name);
  const StreamGroup* FindGroup(std::string_view name) const;
  // Creates a group; null when one of that name exists.
  StreamGroup* CreateGroup(std::string_view name, StreamId last_id, int64_t entries_read);
  bool DestroyGroup(std::string_view name);

  size_t chunk_count() const { return chunks_.size(); }
  // Persistence (an RDB node per chunk): chunk i's first ID (its entries' base), its live and
  // deleted entries, and every entry in it in order, deleted ones included.
  struct ChunkInfo {
    StreamId first;
    size_t live;
    size_t deleted;
  };
  ChunkInfo chunk_info(size_t i) const;
  void ForEachInChunk(size_t i, const std::function<void(const Entry&, bool deleted)>& f) const;
  size_t AllocatedBytes() const;
  // Bytes of the fields and values, plus 16 per entry for its ID.
  size_t DataBytes() const { return data_bytes_; }
  size_t FreeEffort() const { return chunks_.size() + groups_.size() + 1; }

 private:
  struct Chunk;
  using ChunkVector = std::vector<Chunk*, CountedAllocator<Chunk*>>;
  using VisitFn = bool (*)(void*, const Entry&);

  StreamValue();
  size_t RangeImpl(StreamId start, StreamId end, bool reverse, size_t count, void* ctx,
                   VisitFn fn) const;
  // Index of the last chunk whose first ID is <= id; chunks_.size() when none.
  size_t ChunkFor(StreamId id) const;
  Chunk* NewChunk(StreamId first, size_t capacity);
  void FreeChunk(Chunk* c);
  void EraseChunks(size_t first, size_t last);
  // Takes a chunk about to be freed out of the length and data counts.
  void DropChunk(const Chunk* c);
  // Marks the entry at offset `off` of chunk `i` deleted; frees the chunk when it was its
  // last live entry (returns true then).
  bool MarkDeleted(size_t i, size_t off);
  void AppendEntry(StreamId id, std::span<const std::string_view> field_values,
                   const Limits& limits);

  size_t bytes_ = 0;  // every block but the object itself (the counter of the allocators)
  ChunkVector chunks_;
  size_t length_ = 0;
  size_t data_bytes_ = 0;
  StreamId last_id_;
  StreamId max_deleted_id_;
  uint64_t entries_added_ = 0;
  Groups groups_;
};

}  // namespace kvd
