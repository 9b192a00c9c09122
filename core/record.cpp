#include "core/record.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <string>

namespace kvd {
namespace {

// Growth reservations follow Redis's sdsMakeRoomFor: double below 1 MB, +1 MB above.
constexpr size_t kMaxPrealloc = 1024 * 1024;
// An overwrite reallocates instead of reusing an allocation more than twice its need
// when that wastes at least this much (a 1 MB value overwritten by "1" gives memory back).
constexpr size_t kSlackLimit = 64;

uint8_t* Allocate(size_t n) {
  void* p = std::malloc(n);
  if (p == nullptr) throw std::bad_alloc();
  return static_cast<uint8_t*>(p);
}

size_t WriteVarint(uint8_t* p, uint64_t v) { return varint::Write(p, v); }

size_t GreedySize(size_t need) { return need < kMaxPrealloc ? need * 2 : need + kMaxPrealloc; }

// Bytes before the value part for a key of `key_size` bytes.
size_t HeadSize(size_t key_size) {
  return Record::kHeadFixedBytes + Record::VarintSize(key_size) + key_size;
}

// Writes header, access field (zero until the keyspace stamps it) and key; returns the
// offset of the value part.
size_t WriteHead(uint8_t* p, uint8_t header, std::string_view key) {
  p[0] = header;
  std::memset(p + 1, 0, Record::kHeadFixedBytes - 1);
  size_t off = Record::kHeadFixedBytes;
  off += WriteVarint(p + off, key.size());
  if (!key.empty()) std::memcpy(p + off, key.data(), key.size());
  return off + key.size();
}

}  // namespace

size_t Record::AllocSize() const { return malloc_usable_size(const_cast<Record*>(this)); }

Record* Record::NewStringUninit(std::string_view key, size_t len, int64_t expire_at_ms) {
  const bool has_ttl = expire_at_ms != kNoExpiry;
  const size_t need =
      HeadSize(key.size()) + VarintSize(len) + len + (has_ttl ? sizeof(int64_t) : 0);
  uint8_t* p = Allocate(need);
  const uint8_t header =
      static_cast<uint8_t>(ValueType::kString) | (has_ttl ? kHasExpiry : uint8_t{0});
  size_t off = WriteHead(p, header, key);
  off += WriteVarint(p + off, len);
  if (has_ttl) std::memcpy(p + off + len, &expire_at_ms, sizeof expire_at_ms);
  return reinterpret_cast<Record*>(p);
}

Record* Record::NewObject(std::string_view key, ValueType type, void* object,
                          int64_t expire_at_ms) {
  const bool has_ttl = expire_at_ms != kNoExpiry;
  const size_t need = HeadSize(key.size()) + sizeof object + (has_ttl ? sizeof(int64_t) : 0);
  uint8_t* p = Allocate(need);
  const uint8_t header = static_cast<uint8_t>(type) | (has_ttl ? kHasExpiry : uint8_t{0});
  const size_t off = WriteHead(p, header, key);
  std::memcpy(p + off, &object, sizeof object);
  if (has_ttl) std::memcpy(p + off + sizeof object, &expire_at_ms, sizeof expire_at_ms);
  return reinterpret_cast<Record*>(p);
}

Record* Record::NewString(std::string_view key, std::string_view value, int64_t expire_at_ms) {
  Record* r = NewStringUninit(key, value.size(), expire_at_ms);
  if (!value.empty()) std::memcpy(r->MutableStringData(), value.data(), value.size());
  return r;
}

Record* Record::Rekeyed(const Record& src, std::string_view key) {
  const size_t voff = src.ValueOffset();
  const size_t tail = src.UsedSize() - voff;  // value part + expiry
  const size_t need = HeadSize(key.size()) + tail;
  uint8_t* p = Allocate(need);
  const size_t off = WriteHead(p, src.header_, key);
  std::memcpy(p + off, src.bytes() + voff, tail);
  Record* r = reinterpret_cast<Record*>(p);
  r->set_access(src.access());  // RENAME keeps the object, and Redis its `lru`
  return r;
}

Record* Record::Reshape(Record* r, size_t len, size_t keep, int64_t expire_at_ms, bool greedy,
                        bool trim_slack) {
  const size_t voff = r->ValueOffset();
  uint64_t old_len = 0;
  size_t old_vs = 0;
  if (r->type() == ValueType::kString) {
    old_vs = ReadVarint(r->bytes() + voff, &old_len);
  }
  keep = std::min<size_t>({keep, static_cast<size_t>(old_len), len});
  const bool has_ttl = expire_at_ms != kNoExpiry;
  const size_t new_vs = VarintSize(len);
  const size_t need = voff + new_vs + len + (has_ttl ? sizeof(int64_t) : 0);
  const uint8_t header = static_cast<uint8_t>(r->header_ & ~(kTypeMask | kHasExpiry)) |
                         static_cast<uint8_t>(ValueType::kString) |
                         (has_ttl ? kHasExpiry : uint8_t{0});

  const size_t usable = r->AllocSize();
  const bool wasteful = trim_slack && usable > 2 * need && usable - need >= kSlackLimit;
  if (need <= usable && !wasteful) {
    // In place: the header and key stay where they are.
    uint8_t* b = r->bytes();
    if (new_vs != old_vs && keep > 0) std::memmove(b + voff + new_vs, b + voff + old_vs, keep);
    WriteVarint(b + voff, len);
    b[0] = header;
    if (has_ttl) std::memcpy(b + voff + new_vs + len, &expire_at_ms, sizeof expire_at_ms);
    return r;
  }

  uint8_t* p = Allocate(greedy ? GreedySize(need) : need);
  std::memcpy(p, r->bytes(), voff);
  p[0] = header;
  WriteVarint(p + voff, len);
  if (keep > 0) std::memcpy(p + voff + new_vs, r->bytes() + voff + old_vs, keep);
  if (has_ttl) std::memcpy(p + voff + new_vs + len, &expire_at_ms, sizeof expire_at_ms);
  std::free(r);
  return reinterpret_cast<Record*>(p);
}

Record* Record::SetString(Record* r, std::string_view value, int64_t expire_at_ms) {
  // A value that lives inside r would be overwritten or freed by the reshape.
  const auto* begin = reinterpret_cast<const char*>(r);
  if (!value.empty() && value.data() >= begin && value.data() < begin + r->AllocSize()) {
    const std::string copy(value);
    return SetString(r, copy, expire_at_ms);
  }
  r = Reshape(r, value.size(), 0, expire_at_ms, /*greedy=*/false, /*trim_slack=*/true);
  r->header_ &= static_cast<uint8_t>(~(kEdited | kText | kUnshared));
  if (!value.empty()) std::memcpy(r->MutableStringData(), value.data(), value.size());
  return r;
}

Record* Record::ResizeString(Record* r, size_t len, bool greedy) {
  return Reshape(r, len, len, r->expire_at_ms(), greedy, /*trim_slack=*/false);
}

Record* Record::SetExpiry(Record* r, int64_t expire_at_ms) {
  if (expire_at_ms == kNoExpiry) {
    r->header_ &= static_cast<uint8_t>(~kHasExpiry);
    return r;
  }
  const size_t end = r->ValueEnd();
  if (!r->has_expiry()) {
    if (end + sizeof(int64_t) > r->AllocSize()) {
      void* p = std::realloc(r, end + sizeof(int64_t));
      if (p == nullptr) throw std::bad_alloc();
      r = static_cast<Record*>(p);
    }
    r->header_ |= kHasExpiry;
  }
  std::memcpy(r->bytes() + end, &expire_at_ms, sizeof expire_at_ms);
  return r;
}

void Record::Free(Record* r) { std::free(r); }

}  // namespace kvd
