#pragma once
// A hash (field -> value), in one of Redis's two encodings:
//   packed ("listpack"): fields and values alternate as packed elements in one buffer, while
//     there are at most hash-max-listpack-entries fields and no field or value is longer
//     than hash-max-listpack-value bytes (encoding_limits); O(n) access, which the bounds
//     keep small;
//   table ("hashtable"): each field and its value in one allocation
//     [varint field length][field][varint value length][value], indexed by a BlobTable;
//     O(1) access. The table lives in its own allocation, made at conversion, so a small
//     hash pays only for the packed buffer and 40 bytes of object.
// A packed hash converts to a table when it outgrows either bound (or its buffer would pass
// kMaxPackedBytes) and, as in Redis, never converts back.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/blob_table.h"
#include "core/encoding_limits.h"
#include "core/packed.h"
#include "core/value_type.h"

namespace kvd {

class HashValue : public MallocObject {
 public:
  static constexpr ValueType kType = ValueType::kHash;
  // The packed encoding's bounds: hash-max-listpack-entries and hash-max-listpack-value.
  struct Limits {
    size_t entries;
    size_t value;
    static Limits Current() {
      return {encoding_limits.hash_max_listpack_entries, encoding_limits.hash_max_listpack_value};
    }
  };

  static std::unique_ptr<HashValue> Create() { return std::unique_ptr<HashValue>(new HashValue); }
  ~HashValue();
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;
  // A deep copy (COPY).
  std::unique_ptr<HashValue> Clone() const;

  size_t size() const { return large_ ? large_->table.size() : packed_count_; }
  bool empty() const { return size() == 0; }
  bool is_packed() const { return large_ == nullptr; }
  // What OBJECT ENCODING reports.
  std::string_view EncodingName() const { return large_ ? "hashtable" : "listpack"; }

  std::optional<Elem> Get(std::string_view field) const;
  bool Contains(std::string_view field) const { return Get(field).has_value(); }
  // Sets field to value; true when the field is new. A packed hash converts first when the
  // field or the value is too long, or the field is new and there is no room for it, or the
  // hash already holds more fields than `limits` allow (Redis's hashTypeSet).
  bool Set(std::string_view field, std::string_view value) {
    return Set(field, value, Limits::Current());
  }
  bool Set(std::string_view field, std::string_view value, const Limits& limits);
  // HSET's conversion ahead of setting `pairs` field-value pairs whose longest string has
  // `max_len` bytes and whose strings total `total_len` bytes (Redis's
  // hashTypeTryConversion): a packed hash converts when they cannot all be packed.
  void PrepareForSet(size_t pairs, size_t max_len, size_t total_len);
  // Removes field; true when it was there.
  bool Delete(std::string_view field);

  // A field and its value picked at random by `r` (any 64-bit random number). Not empty.
  std::pair<Elem, Elem> Random(uint64_t r) const;

  // f(std::string_view field, std::string_view value) for every field. f must not write.
  template <class F>
  void ForEach(F&& f) const {
    if (!large_) {
      const uint8_t* p = buf_.data();
      const uint8_t* end = p + buf_.size();
      while (p < end) {
        Elem field, value;
        p += packed::Decode(p, &field);
        p += packed::Decode(p, &value);
        f(field.view(), value.view());
      }
      return;
    }
    large_->table.ForEach([&](const uint8_t* e) { f(EntryField(e), EntryValue(e)); });
  }
  // HSCAN: visits some fields, returns the next cursor (0: done). A packed hash is visited
  // whole in one call, as Redis does for listpacks.
  template <class F>
  uint64_t Scan(uint64_t cursor, F&& f) const {
    if (!large_) {
      ForEach(f);
      return 0;
    }
    return large_->table.Scan(cursor, [&](const uint8_t* e) { f(EntryField(e), EntryValue(e)); });
  }

  // Exact heap bytes of this object and everything it owns.
  size_t AllocatedBytes() const;
  // AllocatedBytes() recounted by walking everything, O(n): checks the O(1) counter.
  size_t RecountAllocatedBytes() const;
  // Allocations freeing this takes (lazyfree's measure).
  size_t FreeEffort() const { return large_ ? large_->table.size() : 1; }
  // Bytes of the fields and values (as strings).
  size_t DataBytes() const { return large_ ? large_->data_bytes : packed_data_bytes_; }

 private:
  struct EntryKey {
    std::string_view operator()(const uint8_t* e) const { return EntryField(e); }
  };
  using Table = BlobTable<uint8_t, EntryKey>;
  // The table encoding's state, allocated at conversion.
  struct Large : MallocObject {
    Table table;
    size_t entry_bytes = 0;  // allocation sizes of the table's entries
    size_t data_bytes = 0;
  };

  HashValue() = default;
  static std::string_view EntryField(const uint8_t* e);
  static std::string_view EntryValue(const uint8_t* e);
  static uint8_t* NewEntry(std::string_view field, std::string_view value);

  // Offset of the packed field equal to `field`, or SIZE_MAX.
  size_t FindPacked(std::string_view field) const;
  // Set() on the packed encoding; nullopt, with nothing changed, when the result would
  // not be packed.
  std::optional<bool> SetPacked(std::string_view field, std::string_view value,
                                const Limits& limits);
  void ConvertToTable();
  void InsertEntry(uint8_t* e);

  ByteBuf buf_;                   // the packed encoding's elements
  std::unique_ptr<Large> large_;  // the table encoding; null while packed
  uint32_t packed_count_ = 0;
  uint32_t packed_data_bytes_ = 0;  // bounded through kMaxPackedBytes
};

}  // namespace kvd
