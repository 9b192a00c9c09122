#pragma once
// One key with its value and expiry, in one heap allocation:
//
//   [header][access: 3 bytes][varint key length][key][value part][expire_at_ms: 8 bytes,
//   only with a TTL]
//
// header:     bits 0-2 the ValueType, bit 3 set when the record has a TTL, bit 4 the snapshot
//             mark (core/consistent_snapshot.h), bit 5 set when a string was edited in
//             place (edited()), bit 6 when it is held as text (text()), bit 7 when it is
//             a private copy (unshared()).
// access:     Redis's 24-bit `lru` field, little-endian: the last access time or the LFU
//             counter and its decay time (core/access_clock.h says which and how). It sits
//             before the key, so every reshape keeps it without copying it on purpose.
// value part: a string is [varint length][bytes]; a collection keeps an 8-byte pointer to
//             its heap object here instead.
// Varints are LEB128 (7 bits per byte), so a short key or value costs one length byte:
// "key:00000001" with a 16-byte value is 34 bytes in all (glibc serves 25 to 40 bytes from
// one 48-byte chunk, so the access field costs that key nothing).
//
// The key sits right after the header and never moves: a new value or a new TTL rewrites
// only what follows it, in place when the allocation (malloc_usable_size) has room. The
// expiry goes last, so adding one appends 8 bytes rather than shifting the key.
//
// A Record is never constructed: Record* points at the allocation, and the static
// functions below create, reshape and free it. Every reshaping function returns the
// record's address afterwards, which differs from the old one when it had to reallocate
// (the old pointer is then dangling).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/value_type.h"
#include "core/varint.h"

namespace kvd {

class Record {
 public:
  Record() = delete;
  Record(const Record&) = delete;
  Record& operator=(const Record&) = delete;

  std::string_view key() const {
    uint64_t len;
    const size_t n = ReadVarint(bytes() + kKeyOffset, &len);
    return {reinterpret_cast<const char*>(bytes() + kKeyOffset + n), static_cast<size_t>(len)};
  }
  ValueType type() const { return static_cast<ValueType>(header_ & kTypeMask); }
  bool has_expiry() const { return (header_ & kHasExpiry) != 0; }
  // kNoExpiry when persistent.
  int64_t expire_at_ms() const {
    if (!has_expiry()) return kNoExpiry;
    int64_t at;
    std::memcpy(&at, bytes() + ValueEnd(), sizeof at);
    return at;
  }
  // The string value; empty for other types.
  std::string_view string_value() const {
    if (type() != ValueType::kString) return {};
    const size_t off = ValueOffset();
    uint64_t len;
    const size_t n = ReadVarint(bytes() + off, &len);
    return {reinterpret_cast<const char*>(bytes() + off + n), static_cast<size_t>(len)};
  }
  // Writable string bytes (string_value().size() of them), for APPEND and SETRANGE.
  char* MutableStringData() { return const_cast<char*>(string_value().data()); }
  // The heap object of a collection (hash, list, set, sorted set); nullptr for a string.
  // The record does not own it: the keyspace frees it (core/collection.h).
  void* object() const {
    if (type() == ValueType::kString) return nullptr;
    void* p;
    std::memcpy(&p, bytes() + ValueOffset(), sizeof p);
    return p;
  }
  // Points a collection record at another object (a deep copy made for COPY).
  void set_object(void* p) { std::memcpy(bytes() + ValueOffset(), &p, sizeof p); }

  // Which side of a running point-in-time snapshot the record is on (Keyspace compares it
  // with its own mark). Every reshape keeps it.
  bool snapshot_mark() const { return (header_ & kSnapshotMark) != 0; }
  void set_snapshot_mark(bool mark) {
    header_ = static_cast<uint8_t>((header_ & ~kSnapshotMark) | (mark ? kSnapshotMark : 0));
  }

  // The string was edited in place (APPEND, SETRANGE, the bit and HyperLogLog commands)
  // since it was last written whole: Redis then holds it "raw", which OBJECT ENCODING shows.
  // Reshapes and Rekeyed keep it; SetString clears it.
  bool edited() const { return (header_ & kEdited) != 0; }
  void set_edited() { header_ |= kEdited; }
  // The string is held as text even when it reads as an integer (INCRBYFLOAT's result, which
  // Redis never encodes as one): OBJECT ENCODING says "embstr" or "raw" by its length. Kept
  // and cleared as edited() is.
  bool text() const { return (header_ & kText) != 0; }
  void set_text() { header_ |= kText; }
  // The string is this key's own copy where Redis would share one object (COPY of a small
  // integer: Redis duplicates it): OBJECT REFCOUNT says 1. Kept and cleared as edited() is.
  bool unshared() const { return (header_ & kUnshared) != 0; }
  void set_unshared() { header_ |= kUnshared; }

  // The 24-bit access field (core/access_clock.h). New records start at 0; the keyspace
  // stamps them. Every reshape, and Rekeyed, keeps it.
  uint32_t access() const {
    const uint8_t* b = bytes() + 1;
    return b[0] | (uint32_t{b[1]} << 8) | (uint32_t{b[2]} << 16);
  }
  void set_access(uint32_t v) {
    uint8_t* b = bytes() + 1;
    b[0] = static_cast<uint8_t>(v);
    b[1] = static_cast<uint8_t>(v >> 8);
    b[2] = static_cast<uint8_t>(v >> 16);
  }

  // As Redis's keyIsExpired: a key is still there during the millisecond of its expiry.
  bool IsExpiredAt(int64_t now_ms) const { return has_expiry() && expire_at_ms() < now_ms; }

  // Bytes of the layout above.
  size_t UsedSize() const { return ValueEnd() + (has_expiry() ? sizeof(int64_t) : 0); }
  // Bytes the allocator actually reserved for this record (>= UsedSize()).
  size_t AllocSize() const;

  // A string record. Throws std::bad_alloc when memory runs out.
  static Record* NewString(std::string_view key, std::string_view value, int64_t expire_at_ms);
  // A string record of `len` unspecified bytes, to be filled through MutableStringData().
  static Record* NewStringUninit(std::string_view key, size_t len, int64_t expire_at_ms);
  // A collection record of the given (non-string) type pointing at `object`.
  static Record* NewObject(std::string_view key, ValueType type, void* object,
                           int64_t expire_at_ms);
  // A new record holding src's value and expiry under another key (RENAME, COPY).
  static Record* Rekeyed(const Record& src, std::string_view key);
  // Replaces the value with a string and sets the expiry (kNoExpiry: none). In place when
  // it fits and does not waste most of the allocation; `value` may point into r itself.
  // The new value is not edited().
  static Record* SetString(Record* r, std::string_view value, int64_t expire_at_ms);
  // Resizes the string value to len bytes keeping the first min(old, len) bytes; new bytes
  // are unspecified. `greedy` reserves room for further growth when it reallocates (as
  // Redis's sdsMakeRoomFor), so repeated APPENDs are amortised O(1) per byte.
  static Record* ResizeString(Record* r, size_t len, bool greedy);
  // Sets or (with kNoExpiry) removes the expiry. Removing never reallocates.
  static Record* SetExpiry(Record* r, int64_t expire_at_ms);
  static void Free(Record* r);

  // Header byte + access field: the bytes before the key's length.
  static constexpr size_t kHeadFixedBytes = 4;

  // LEB128 helpers (core/varint.h), shared with the layout code.
  static size_t VarintSize(uint64_t v) { return varint::Size(v); }
  static size_t ReadVarint(const uint8_t* p, uint64_t* v) { return varint::Read(p, v); }

 private:
  static constexpr uint8_t kTypeMask = 0x07;
  static constexpr uint8_t kHasExpiry = 0x08;
  static constexpr uint8_t kSnapshotMark = 0x10;
  static constexpr uint8_t kEdited = 0x20;
  static constexpr uint8_t kText = 0x40;
  static constexpr uint8_t kUnshared = 0x80;
  static constexpr size_t kKeyOffset = kHeadFixedBytes;  // the key's length varint

  const uint8_t* bytes() const { return reinterpret_cast<const uint8_t*>(this); }
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(this); }

  // Offset of the value part (just past the key).
  size_t ValueOffset() const {
    uint64_t len;
    const size_t n = ReadVarint(bytes() + kKeyOffset, &len);
    return kKeyOffset + n + static_cast<size_t>(len);
  }
  // Offset just past the value part.
  size_t ValueEnd() const {
    const size_t off = ValueOffset();
    if (type() != ValueType::kString) return off + sizeof(void*);
    uint64_t len;
    const size_t n = ReadVarint(bytes() + off, &len);
    return off + n + static_cast<size_t>(len);
  }

  static Record* Reshape(Record* r, size_t len, size_t keep, int64_t expire_at_ms,
                         bool greedy, bool trim_slack);

  uint8_t header_;
};

static_assert(sizeof(Record) == 1, "a Record is only its header byte; the rest follows it");

}  // namespace kvd
