#pragma once
// A set of strings, in one of Redis 7.2's three encodings:
//   intset: sorted integers of one width (2, 4 or 8 bytes, widened as needed), while every
//     member is the canonical text of an int64 and there are at most set-max-intset-entries
//     (capped at 2^30, as in Redis); O(log n) lookup;
//   packed ("listpack"): packed elements in insertion order, at most set-max-listpack-entries
//     members of at most set-max-listpack-value bytes, the buffer within kMaxPackedBytes;
//     O(n) lookup;
//   table ("hashtable"): each member in its own allocation [varint length][bytes], indexed by
//     a BlobTable; O(1) lookup.
// The limits are encoding_limits'. Conversions go one way (intset -> packed -> table, or
// intset -> table), as in Redis, except for MaybeConvertToIntset() (SINTERSTORE's result).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/blob_table.h"
#include "core/encoding_limits.h"
#include "core/packed.h"
#include "core/value_type.h"

namespace kvd {

class SetValue : public MallocObject {
 public:
  static constexpr ValueType kType = ValueType::kSet;
  enum class Encoding : uint8_t { kIntset, kPacked, kTable };
  // The compact encodings' bounds: set-max-intset-entries (capped at 2^30, Redis's
  // intsetMaxEntries), set-max-listpack-entries and set-max-listpack-value.
  struct Limits {
    size_t intset_entries;
    size_t entries;
    size_t value;
    static Limits Current() {
      return {std::min<size_t>(encoding_limits.set_max_intset_entries, size_t{1} << 30),
              encoding_limits.set_max_listpack_entries, encoding_limits.set_max_listpack_value};
    }
  };

  // An empty intset, as Redis's createIntsetObject.
  static std::unique_ptr<SetValue> Create() { return std::unique_ptr<SetValue>(new SetValue); }
  // An empty set in the given encoding (SINTERSTORE's listpack start, RDB loading).
  static std::unique_ptr<SetValue> Create(Encoding encoding);
  ~SetValue();
  SetValue(const SetValue&) = delete;
  SetValue& operator=(const SetValue&) = delete;
  std::unique_ptr<SetValue> Clone() const;

  size_t size() const;
  bool empty() const { return size() == 0; }
  Encoding encoding() const { return encoding_; }
  std::string_view EncodingName() const;

  bool Contains(std::string_view member) const;
  // True when added (was absent). Redis 7.2's setTypeAdd: an intset takes an integer while
  // it has room and otherwise becomes a table; a non-integer moves it to a listpack when
  // that can hold every member, else to a table; a listpack takes a member while it has
  // room and the member is short enough, else becomes a table.
  bool Add(std::string_view member) { return Add(member, Limits::Current()); }
  bool Add(std::string_view member, const Limits& limits);
  // SADD's sizing ahead of adding `count` members, the first being `first`: an empty set
  // takes the encoding Redis's setTypeCreate picks for them; an intset or a listpack that
  // `count` members would overflow becomes a table (setTypeMaybeConvert).
  void PrepareForAdd(std::string_view first, size_t count);
  // A listpack or table set whose members are all integers becomes an intset when that can
  // hold them (Redis's maybeConvertToIntset, the last step of SINTERSTORE).
  void MaybeConvertToIntset();
  // True when removed (was present).
  bool Remove(std::string_view member);
  // A member picked by `r` (any 64-bit random number). Not empty.
  Elem Random(uint64_t r) const;
  // Removes and returns a member picked by `r` (SPOP). Not empty.
  std::string PopRandom(uint64_t r);

  // f(std::string_view member) for every member. f must not write to the set.
  template <class F>
  void ForEach(F&& f) const {
    switch (encoding_) {
      case Encoding::kIntset:
        for (size_t i = 0, n = size(); i < n; ++i) f(Elem::Int(IntAt(i)).view());
        return;
      case Encoding::kPacked:
        for (const uint8_t* p = buf_.data(), *end = p + buf_.size(); p < end;) {
          Elem e;
          p += packed::Decode(p, &e);
          f(e.view());
        }
        return;
      case Encoding::kTable:
        large_->table.ForEach([&](const uint8_t* m) { f(MemberOf(m)); });
        return;
    }
  }
  // SSCAN: visits some members, returns the next cursor (0: done). The compact encodings
  // are visited whole in one call.
  template <class F>
  uint64_t Scan(uint64_t cursor, F&& f) const {
    if (encoding_ != Encoding::kTable) {
      ForEach(f);
      return 0;
    }
    return large_->table.Scan(cursor, [&](const uint8_t* m) { f(MemberOf(m)); });
  }

  size_t AllocatedBytes() const;
  // AllocatedBytes() recounted by walking everything, O(n): checks the O(1) counter.
  size_t RecountAllocatedBytes() const;
  // Allocations freeing this takes (lazyfree's measure).
  size_t FreeEffort() const { return large_ ? large_->table.size() : 1; }
  // Bytes of the members (as strings).
  size_t DataBytes() const { return data_bytes_; }

 private:
  struct MemberKey {
    std::string_view operator()(const uint8_t* m) const { return MemberOf(m); }
  };
  using Table = BlobTable<uint8_t, MemberKey>;
  // The table encoding's state, allocated at conversion, so a small set pays only for its
  // buffer and 48 bytes of object.
  struct Large : MallocObject {
    Table table;
    size_t member_bytes = 0;  // allocation sizes of the table's members
  };

  SetValue() = default;
  static std::string_view MemberOf(const uint8_t* m);

  int64_t IntAt(size_t i) const;
  // Index of v in the intset, or where it would go (*found tells which).
  size_t IntSearch(int64_t v, bool* found) const;
  bool IntAdd(int64_t v);
  size_t FindPacked(std::string_view member) const;  // offset or SIZE_MAX
  void ConvertToPacked();
  void ConvertToTable();
  // Switches an empty set to `encoding`.
  void ResetEmpty(Encoding encoding);
  static void TableAdd(Table& table, size_t& bytes, std::string_view member);

  Encoding encoding_ = Encoding::kIntset;
  uint8_t width_ = 2;           // intset element width in bytes
  uint32_t packed_count_ = 0;   // members of a packed set
  ByteBuf buf_;                 // intset or packed members
  std::unique_ptr<Large> large_;  // the table encoding; null before it
  size_t data_bytes_ = 0;
};

}  // namespace kvd
